// Fuzzes the intake parser, and screening and planning of whatever it accepts: any bytes must
// give either a plan or an InputError, never a crash, a hang or another exception.
#include "core/errors.h"
#include "kb/loader.h"
#include "planning/course_plan.h"
#include "screening/screening.h"

#include <cstdint>
#include <string_view>

using namespace dermaplan;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const kb::KnowledgeBase kb = kb::load_knowledge(DERMAPLAN_KNOWLEDGE_DIR);
  static const CivilDate as_of = *parse_civil_date("2026-11-22");
  try {
    const auto intake = screening::parse_intake_text(
        std::string_view(reinterpret_cast<const char*>(data), size), kb, as_of);
    screening::screen(intake, kb, as_of, {});
    planning::PlanRequest request{"acne-scars", {"cheek", "periorbital"}, std::nullopt, std::nullopt};
    planning::to_json(planning::plan_course(intake, kb, as_of, request), kb).dump();
  } catch (const InputError&) {
  }
  return 0;
}
