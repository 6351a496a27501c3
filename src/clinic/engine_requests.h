// The engines as use cases: a screening or a course plan from a request that carries the
// intake document, as `dermaplan screen|plan` and POST /api/screen|plan both send it.
// Pure functions of the request, the knowledge base and today's date.
//
// Errors: InputError whose `where` is a JSON pointer into the request: "/intake/medications/0",
// "/areas/1", "/indication", "/device", "/start".
#pragma once

#include "core/civil_date.h"
#include "kb/knowledge_base.h"
#include "planning/course_plan.h"
#include "screening/screening.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace dermaplan::clinic {

struct ScreenRequest {
  nlohmann::json intake;             //!< the intake document (README, "The intake")
  std::optional<CivilDate> date;     //!< the screening date; default: today
  std::vector<std::string> areas;    //!< treated region ids; empty: any area
};

screening::ScreeningResult screen_request(const kb::KnowledgeBase& kb, const ScreenRequest& request,
                                          CivilDate today);

struct PlanCourseRequest {
  nlohmann::json intake;
  std::optional<CivilDate> date;     //!< the planning date; default: today
  planning::PlanRequest plan;        //!< indication, areas, start, device
};

planning::CoursePlan plan_request(const kb::KnowledgeBase& kb, const PlanCourseRequest& request, CivilDate today);

/// Parses an intake document as of `as_of`; errors are located under "/intake".
screening::Intake parse_request_intake(const kb::KnowledgeBase& kb, const nlohmann::json& intake, CivilDate as_of);

/// Checks region ids ("/areas/N" names the first unknown one, with the accepted ids).
void check_areas(const kb::KnowledgeBase& kb, const std::vector<std::string>& areas);

/// How far after the planning date a course may start (a bound on typing errors, like a
/// planned session's 5 years).
inline constexpr int kMaxPlanLeadYears = 5;

/// Plans on an already parsed intake; the engine's field names become request pointers.
/// InputError at "/start" for a start more than kMaxPlanLeadYears after `as_of`.
planning::CoursePlan plan_parsed(const kb::KnowledgeBase& kb, const screening::Intake& intake, CivilDate as_of,
                                 const planning::PlanRequest& request);

}  // namespace dermaplan::clinic
