#include "clinic/engine_requests.h"

#include "core/errors.h"

#include <fmt/format.h>

namespace dermaplan::clinic {

screening::Intake parse_request_intake(const kb::KnowledgeBase& kb, const nlohmann::json& intake, CivilDate as_of) {
  try {
    return screening::parse_intake(intake, kb, as_of);
  } catch (const InputError& e) {
    const std::string& where = e.where();
    throw InputError("/intake" + (where.empty() || where.front() == '/' ? where : "/" + where), e.message());
  }
}

void check_areas(const kb::KnowledgeBase& kb, const std::vector<std::string>& areas) {
  for (size_t i = 0; i < areas.size(); ++i) {
    if (kb.find_region(areas[i])) continue;
    std::string accepted;
    for (const auto& r : kb.regions) accepted += (accepted.empty() ? "" : ", ") + r.id;
    throw InputError(fmt::format("/areas/{}", i), fmt::format("unknown region '{}'; accepted: {}", areas[i], accepted));
  }
}

screening::ScreeningResult screen_request(const kb::KnowledgeBase& kb, const ScreenRequest& request,
                                          CivilDate today) {
  const CivilDate as_of = request.date.value_or(today);
  check_areas(kb, request.areas);
  const auto intake = parse_request_intake(kb, request.intake, as_of);
  return screening::screen(intake, kb, as_of, request.areas);
}

planning::CoursePlan plan_parsed(const kb::KnowledgeBase& kb, const screening::Intake& intake, CivilDate as_of,
                                 const planning::PlanRequest& request) {
  check_areas(kb, request.areas);
  // A bound on typing errors, as for a planned session (clinic/patient_care.h): a course
  // starting more than 5 years after it is planned is a mistyped year.
  if (request.start && *request.start > add_months(as_of, kMaxPlanLeadYears * 12))
    throw InputError("/start", fmt::format("the start {} is more than {} years after the planning date {}; check the "
                                           "year",
                                           format_civil_date(*request.start), kMaxPlanLeadYears,
                                           format_civil_date(as_of)));
  try {
    return planning::plan_course(intake, kb, as_of, request);
  } catch (const InputError& e) {
    // The engine names request fields ("indication", "area", "device", "start").
    const std::string& where = e.where();
    const std::string pointer = where.empty() || where.front() == '/' ? where
                                : where == "area"                    ? "/areas"
                                                                     : "/" + where;
    throw InputError(pointer, e.message());
  }
}

planning::CoursePlan plan_request(const kb::KnowledgeBase& kb, const PlanCourseRequest& request, CivilDate today) {
  const CivilDate as_of = request.date.value_or(today);
  check_areas(kb, request.plan.areas);
  const auto intake = parse_request_intake(kb, request.intake, as_of);
  return plan_parsed(kb, intake, as_of, request.plan);
}

}  // namespace dermaplan::clinic
