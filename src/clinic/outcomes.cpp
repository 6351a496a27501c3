#include "clinic/outcomes.h"

#include "clinic/failure.h"
#include "core/errors.h"
#include "kb/describe.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace dermaplan::clinic {
using nlohmann::json;

namespace {

std::string trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return "";
  return std::string(text.substr(first, text.find_last_not_of(" \t") - first + 1));
}

/// The comma-separated items of `text`, trimmed; InputError `where` for an empty item.
std::vector<std::string> list_of(const std::string& text, const char* where) {
  std::vector<std::string> out;
  if (trimmed(text).empty()) return out;
  size_t start = 0;
  while (true) {
    const size_t comma = text.find(',', start);
    std::string item = trimmed(std::string_view(text).substr(start, comma == std::string::npos ? std::string::npos
                                                                                                : comma - start));
    if (item.empty()) throw InputError(where, fmt::format("'{}' has an empty item; give ids separated by commas", text));
    out.push_back(std::move(item));
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

std::optional<CivilDate> date_filter(const std::string& text, const char* where) {
  if (trimmed(text).empty()) return std::nullopt;
  const auto date = parse_civil_date(trimmed(text));
  if (!date) throw InputError(where, fmt::format("'{}' is not a date; expected YYYY-MM-DD", text));
  return date;
}

std::string dimension_names() {
  std::string out;
  for (auto d : outcomes::all_dimensions()) out += (out.empty() ? "" : ", ") + std::string(outcomes::to_string(d));
  return out;
}

outcomes::Severity severity_of(records::Severity s) {
  switch (s) {
    case records::Severity::moderate: return outcomes::Severity::moderate;
    case records::Severity::severe: return outcomes::Severity::severe;
    default: return outcomes::Severity::mild;
  }
}

kb::Sex sex_of(const std::string& recorded) {
  std::string lower;
  for (char c : trimmed(recorded)) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const auto sex = kb::parse_sex(lower);
  return sex ? *sex : kb::Sex::unknown;
}

}  // namespace

outcomes::ReportRequest outcomes_request(const OutcomesFilters& filters, CivilDate as_of) {
  outcomes::ReportRequest request;
  request.as_of = as_of;
  if (!trimmed(filters.by).empty()) {
    request.group_by.clear();
    for (const auto& name : list_of(filters.by, "by")) {
      const auto dimension = outcomes::parse_dimension(name);
      if (!dimension)
        throw InputError("by", fmt::format("unknown dimension '{}'; accepted: {}", name, dimension_names()));
      request.group_by.push_back(*dimension);
    }
  }
  request.scale = trimmed(filters.scale);
  request.indications = list_of(filters.indication, "indication");
  request.from = date_filter(filters.from, "from");
  request.to = date_filter(filters.to, "to");
  if (const std::string text = trimmed(filters.min_cell); !text.empty()) {
    int value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size())
      throw InputError("min_cell", fmt::format("'{}' is not a whole number; accepted: {} to 1000", text,
                                               outcomes::kMinimumCellPatients));
    request.min_cell_patients = value;
  }
  outcomes::validate(request);
  return request;
}

bool may_group_by_practitioner(records::Role role) { return role == records::Role::admin; }

void to_course_row(const records::CourseHistory& course, outcomes::CourseRow& row) {
  row.patient_id = course.patient_id;
  row.course_id = course.plan_id;
  row.indication = course.indication;
  row.sex = sex_of(course.patient_sex);
  row.birth_date = parse_civil_date(course.patient_birth_date);
  row.fitzpatrick = course.fitzpatrick;
  row.planned_sessions = course.planned_sessions;
  row.sessions.clear();
  for (const auto& s : course.sessions) {
    const auto date = parse_civil_date(s.session_date);
    if (!date) continue;  // the store checks dates on every write; an unreadable one counts nowhere
    outcomes::SessionFact fact;
    fact.session_id = s.id;
    fact.date = *date;
    fact.device_id = s.device_id;
    fact.lot_number = s.lot_number;
    fact.practitioner_id = s.practitioner_id;
    for (const auto& n : s.needle_lengths) fact.needles.push_back({n.region, n.needle_length_mm});
    row.sessions.push_back(std::move(fact));
  }
  row.scores.clear();
  for (const auto& s : course.scores)
    if (const auto date = parse_civil_date(s.assessed_on)) row.scores.push_back({s.scale_id, s.score, *date, s.region});
  row.adverse_events.clear();
  for (const auto& e : course.adverse_events)
    if (const auto onset = parse_civil_date(e.onset_date))
      row.adverse_events.push_back({e.session_id, e.event_type, severity_of(e.severity), *onset});
}

outcomes::OutcomesReport practice_outcomes(records::Store& store, const kb::KnowledgeBase& kb,
                                           const records::Actor& by, records::Role role,
                                           const outcomes::ReportRequest& request) {
  outcomes::validate(request);
  for (auto d : request.group_by)
    if (d == outcomes::Dimension::practitioner && !may_group_by_practitioner(role))
      throw ClinicError(FailureKind::forbidden, "forbidden",
                        "grouping by practitioner is for administrators only", "by");
  records::CourseHistoryQuery query;
  query.indications = request.indications;
  const auto cursor = store.read_course_histories(query);
  records::CourseHistory course;
  const outcomes::CourseStream next = [&](outcomes::CourseRow& row) {
    if (!cursor->next(course)) return false;
    to_course_row(course, row);
    return true;
  };
  outcomes::OutcomesReport report = outcomes::build_outcomes_report(next, request, kb);
  if (std::find(request.group_by.begin(), request.group_by.end(), outcomes::Dimension::practitioner) !=
      request.group_by.end())
    for (const auto& user : store.list_users())
      report.practitioner_names[std::to_string(user.id)] = user.display_name.empty() ? user.username : user.display_name;

  json dimensions = json::array();
  for (auto d : request.group_by) dimensions.push_back(outcomes::to_string(d));
  json detail = {{"report", "practice-outcomes"},
                 {"by", dimensions},
                 {"scale", request.scale},
                 {"indications", request.indications},
                 {"from", request.from ? format_civil_date(*request.from) : ""},
                 {"to", request.to ? format_civil_date(*request.to) : ""},
                 {"min_cell", request.min_cell_patients},
                 {"as_of", format_civil_date(request.as_of)},
                 {"courses", report.totals.courses},
                 {"patients", report.totals.patients}};
  store.append_audit(by, records::AuditAction::read, "outcomes_report", 0, detail.dump());
  return report;
}

}  // namespace dermaplan::clinic
