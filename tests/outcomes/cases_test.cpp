// Data-driven cases (tests/cases/outcomes/*.json): a few courses written out by hand, a report
// request, and what the report's JSON must say at given JSON pointers. The runner rejects keys
// it does not know, so a typo cannot silently check nothing.
#include "core/errors.h"
#include "outcomes/render.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <set>

namespace dermaplan::outcomes {
namespace {

using nlohmann::json;

void check_keys(const json& object, const std::set<std::string>& accepted, const std::string& where) {
  if (!object.is_object()) throw std::runtime_error(where + " must be an object");
  for (const auto& [key, value] : object.items())
    if (!accepted.count(key)) throw std::runtime_error(where + ": unknown key '" + key + "'");
}

CivilDate day(const json& text) {
  const auto parsed = parse_civil_date(text.get<std::string>());
  if (!parsed) throw std::runtime_error("not a date: " + text.dump());
  return *parsed;
}

CourseRow parse_course(const json& c) {
  check_keys(c, {"patient", "copies", "indication", "planned_sessions", "sex", "birth_date", "fitzpatrick", "sessions",
                 "scores", "adverse_events"},
             "course");
  CourseRow row;
  row.patient_id = c.at("patient").get<long long>();
  row.course_id = row.patient_id;
  row.indication = c.at("indication").get<std::string>();
  row.planned_sessions = c.value("planned_sessions", 0);
  const std::string sex = c.value("sex", "unknown");
  row.sex = sex == "female" ? kb::Sex::female : sex == "male" ? kb::Sex::male : sex == "other" ? kb::Sex::other : kb::Sex::unknown;
  if (c.contains("birth_date")) row.birth_date = day(c["birth_date"]);
  if (c.contains("fitzpatrick")) row.fitzpatrick = c["fitzpatrick"].get<int>();
  for (const auto& s : c.value("sessions", json::array())) {
    check_keys(s, {"id", "date", "device", "lot", "needles", "practitioner"}, "session");
    SessionFact session;
    session.session_id = s.at("id").get<long long>();
    session.date = day(s.at("date"));
    session.device_id = s.value("device", "");
    session.lot_number = s.value("lot", "");
    const json needles = s.value("needles", json::object());
    for (const auto& [region, length] : needles.items()) session.needles.push_back({region, length.get<double>()});
    session.practitioner_id = s.value("practitioner", 0LL);
    row.sessions.push_back(std::move(session));
  }
  for (const auto& s : c.value("scores", json::array())) {
    check_keys(s, {"scale", "score", "date", "region"}, "score");
    row.scores.push_back({s.at("scale").get<std::string>(), s.at("score").get<double>(), day(s.at("date")),
                          s.value("region", "")});
  }
  for (const auto& e : c.value("adverse_events", json::array())) {
    check_keys(e, {"session", "type", "severity", "onset"}, "adverse event");
    const std::string severity = e.value("severity", "mild");
    row.adverse_events.push_back({e.value("session", 0LL), e.at("type").get<std::string>(),
                                  severity == "severe"     ? Severity::severe
                                  : severity == "moderate" ? Severity::moderate
                                                           : Severity::mild,
                                  day(e.at("onset"))});
  }
  return row;
}

ReportRequest parse_request(const json& r) {
  check_keys(r, {"by", "indications", "scale", "from", "to", "as_of", "min_cell", "confidence"}, "request");
  ReportRequest request;
  request.group_by.clear();
  for (const auto& name : r.value("by", json::array({"indication"}))) {
    const auto dimension = parse_dimension(name.get<std::string>());
    if (!dimension) throw std::runtime_error("unknown dimension " + name.dump());
    request.group_by.push_back(*dimension);
  }
  request.indications = r.value("indications", std::vector<std::string>{});
  request.scale = r.value("scale", "");
  if (r.contains("from")) request.from = day(r["from"]);
  if (r.contains("to")) request.to = day(r["to"]);
  request.as_of = day(r.at("as_of"));
  request.min_cell_patients = r.value("min_cell", 5);
  request.confidence = r.value("confidence", 0.95);
  return request;
}

/// Expands "copies": N into N courses of consecutive patients (ids patient, patient + 1, ...),
/// their session ids offset by 1000 per copy.
std::vector<CourseRow> expand(const json& courses) {
  std::vector<CourseRow> rows;
  for (const auto& c : courses) {
    const CourseRow row = parse_course(c);
    const int copies = c.value("copies", 1);
    for (int i = 0; i < copies; ++i) {
      CourseRow copy = row;
      copy.patient_id += i;
      copy.course_id += i;
      for (auto& s : copy.sessions) s.session_id += 1000LL * i;
      for (auto& e : copy.adverse_events)
        if (e.session_id) e.session_id += 1000LL * i;
      rows.push_back(std::move(copy));
    }
  }
  std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.patient_id < b.patient_id; });
  return rows;
}

class OutcomesCase : public ::testing::TestWithParam<std::string> {};

TEST_P(OutcomesCase, ReportSaysWhatTheCaseExpects) {
  const json c = testing::read_json_file(GetParam());
  check_keys(c, {"description", "request", "courses", "expect", "absent", "text_contains", "text_lacks"}, "case");
  const auto rows = expand(c.at("courses"));
  size_t next = 0;
  const CourseStream stream = [&](CourseRow& row) {
    if (next == rows.size()) return false;
    row = rows[next++];
    return true;
  };
  const OutcomesReport report = build_outcomes_report(stream, parse_request(c.at("request")), testing::bundled_kb());
  const json out = report_to_json(report);
  const json expectations = c.value("expect", json::object());
  for (const auto& [pointer, expected] : expectations.items()) {
    const json::json_pointer at(pointer);
    ASSERT_TRUE(out.contains(at)) << pointer << " is missing in " << out.dump(1);
    const json& actual = out.at(at);
    if (expected.is_number() && actual.is_number())
      EXPECT_NEAR(actual.get<double>(), expected.get<double>(), 1e-3) << pointer;
    else
      EXPECT_EQ(actual, expected) << pointer;
  }
  for (const auto& pointer : c.value("absent", json::array()))
    EXPECT_FALSE(out.contains(json::json_pointer(pointer.get<std::string>()))) << pointer << " must not be given";
  const std::string text = report_to_text(report);
  for (const auto& part : c.value("text_contains", json::array()))
    EXPECT_NE(text.find(part.get<std::string>()), std::string::npos) << part << " not in:\n" << text;
  for (const auto& part : c.value("text_lacks", json::array()))
    EXPECT_EQ(text.find(part.get<std::string>()), std::string::npos) << part << " must not be in:\n" << text;
}

INSTANTIATE_TEST_SUITE_P(Cases, OutcomesCase, ::testing::ValuesIn(testing::case_files("outcomes")),
                         [](const auto& info) { return testing::case_name(info.param); });

}  // namespace
}  // namespace dermaplan::outcomes
