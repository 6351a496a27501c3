// Screening and planning of a typical intake (examples/intake-acne-scars.json): parse, screen,
// plan, and the JSON a client receives. The knowledge base is loaded once, as the server does.
#include "core/json_text.h"
#include "kb/loader.h"
#include "planning/course_plan.h"
#include "screening/screening.h"

#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>

namespace {

using namespace dermaplan;

const kb::KnowledgeBase& knowledge() {
  static const kb::KnowledgeBase kb = kb::load_knowledge(DERMAPLAN_KNOWLEDGE_DIR);
  return kb;
}

const std::string& intake_text() {
  static const std::string text = [] {
    std::ifstream in(DERMAPLAN_EXAMPLES_DIR "/intake-acne-scars.json");
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
  }();
  return text;
}

const CivilDate kDate = *parse_civil_date("2026-11-22");

void BM_ParseIntake(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(screening::parse_intake_text(intake_text(), knowledge(), kDate));
}
BENCHMARK(BM_ParseIntake);

void BM_Screen(benchmark::State& state) {
  const auto intake = screening::parse_intake_text(intake_text(), knowledge(), kDate);
  const std::vector<std::string> areas{"cheek"};
  for (auto _ : state) benchmark::DoNotOptimize(screening::screen(intake, knowledge(), kDate, areas));
}
BENCHMARK(BM_Screen);

void BM_Plan(benchmark::State& state) {
  const auto intake = screening::parse_intake_text(intake_text(), knowledge(), kDate);
  const planning::PlanRequest request{"acne-scars", {"cheek", "forehead"}, std::nullopt, std::nullopt};
  for (auto _ : state) benchmark::DoNotOptimize(planning::plan_course(intake, knowledge(), kDate, request));
}
BENCHMARK(BM_Plan);

// The goal's figure: screening + planning of a typical intake (planning includes screening).
void BM_ScreenAndPlanFromText(benchmark::State& state) {
  const planning::PlanRequest request{"acne-scars", {"cheek", "forehead"}, std::nullopt, std::nullopt};
  for (auto _ : state) {
    const auto intake = screening::parse_intake_text(intake_text(), knowledge(), kDate);
    benchmark::DoNotOptimize(planning::plan_course(intake, knowledge(), kDate, request));
  }
}
BENCHMARK(BM_ScreenAndPlanFromText);

// What an HTTP client gets: the plan serialised as JSON text.
void BM_PlanToJsonText(benchmark::State& state) {
  const auto intake = screening::parse_intake_text(intake_text(), knowledge(), kDate);
  const planning::PlanRequest request{"acne-scars", {"cheek", "forehead"}, std::nullopt, std::nullopt};
  const auto plan = planning::plan_course(intake, knowledge(), kDate, request);
  for (auto _ : state) benchmark::DoNotOptimize(planning::to_json(plan, knowledge()).dump());
}
BENCHMARK(BM_PlanToJsonText);

// What the server sends: the same text with the knowledge base's parts written once.
void BM_PlanToJsonTextWithParts(benchmark::State& state) {
  const auto intake = screening::parse_intake_text(intake_text(), knowledge(), kDate);
  const planning::PlanRequest request{"acne-scars", {"cheek", "forehead"}, std::nullopt, std::nullopt};
  const auto plan = planning::plan_course(intake, knowledge(), kDate, request);
  const planning::PlanJsonParts parts(knowledge());
  for (auto _ : state) benchmark::DoNotOptimize(planning::to_json_text(plan, parts));
}
BENCHMARK(BM_PlanToJsonTextWithParts);

void BM_PlanToJsonValue(benchmark::State& state) {
  const auto intake = screening::parse_intake_text(intake_text(), knowledge(), kDate);
  const planning::PlanRequest request{"acne-scars", {"cheek", "forehead"}, std::nullopt, std::nullopt};
  const auto plan = planning::plan_course(intake, knowledge(), kDate, request);
  for (auto _ : state) benchmark::DoNotOptimize(planning::to_json(plan, knowledge()));
}
BENCHMARK(BM_PlanToJsonValue);

void BM_PlanDumpOnly(benchmark::State& state) {
  const auto intake = screening::parse_intake_text(intake_text(), knowledge(), kDate);
  const planning::PlanRequest request{"acne-scars", {"cheek", "forehead"}, std::nullopt, std::nullopt};
  const auto value = planning::to_json(planning::plan_course(intake, knowledge(), kDate, request), knowledge());
  for (auto _ : state) benchmark::DoNotOptimize(value.dump());
}
BENCHMARK(BM_PlanDumpOnly);

void BM_PlanDumpJsonOnly(benchmark::State& state) {
  const auto intake = screening::parse_intake_text(intake_text(), knowledge(), kDate);
  const planning::PlanRequest request{"acne-scars", {"cheek", "forehead"}, std::nullopt, std::nullopt};
  const auto value = planning::to_json(planning::plan_course(intake, knowledge(), kDate, request), knowledge());
  for (auto _ : state) benchmark::DoNotOptimize(dump_json(value));
}
BENCHMARK(BM_PlanDumpJsonOnly);

void BM_LoadKnowledgeBase(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(kb::load_knowledge(DERMAPLAN_KNOWLEDGE_DIR));
}
BENCHMARK(BM_LoadKnowledgeBase)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
