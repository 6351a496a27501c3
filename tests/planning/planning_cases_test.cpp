// Runs every case in tests/cases/planning/: an intake (merged onto tests/cases/base-intake.json),
// an indication, areas, dates and options, and what the plan must hold.
#include "core/errors.h"
#include "kb/loader.h"
#include "planning/course_plan.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <map>

namespace dermaplan::planning {
namespace {

using nlohmann::json;
using testing::bundled_kb;
using testing::case_files;
using testing::cases_dir;
using testing::read_json_file;

CoursePlan course_for(const json& c) {
  const kb::KnowledgeBase& kb = testing::kb_for_case(c);
  const CivilDate as_of = *parse_civil_date(c["date"].get<std::string>());
  const json intake = testing::case_intake(c);
  PlanRequest request;
  request.indication = c["indication"];
  request.areas = c.value("areas", std::vector<std::string>{});
  if (c.contains("start")) request.start = parse_civil_date(c["start"].get<std::string>());
  if (c.contains("device")) request.device = c["device"].get<std::string>();
  return plan_course(screening::parse_intake(intake, kb, as_of), kb, as_of, request);
}

json plan_for(const json& c) { return to_json(course_for(c), testing::kb_for_case(c)); }

bool any_contains(const json& texts, const std::string& part) {
  for (const auto& t : texts)
    if (t.get<std::string>().find(part) != std::string::npos) return true;
  return false;
}

class PlanningCase : public ::testing::TestWithParam<std::string> {};

TEST_P(PlanningCase, MatchesExpectation) {
  const json c = read_json_file(GetParam());
  SCOPED_TRACE(c.value("description", ""));
  testing::expect_only_keys(c, {"description", "date", "indication", "areas", "start", "device", "intake", "raw",
                                "policy", "expect"},
                            "case");
  testing::expect_only_keys(
      c["expect"],
      {"treatable", "treatment_class", "physician_required", "interval_days", "assessment_date", "policy", "device",
       "devices", "screening_decision", "status_contains", "home_use_within", "anaesthesia_needed",
       "anaesthesia_not_needed_on", "sessions", "sessions_latest", "optional_sessions", "first_session", "preparation_count",
       "warnings_contain", "preparation", "no_preparation", "no_procedure", "procedure", "disagreements_include",
       "areas", "decision_assessment", "final_assessment", "text_contains", "text_excludes", "about_include",
       "disagreements", "about", "aftercare"},
      "expect");
  const CoursePlan course = course_for(c);
  const json plan = to_json(course, testing::kb_for_case(c));
  // The server's text (the knowledge base's parts written once and spliced in) is the same bytes.
  EXPECT_EQ(to_json_text(course, PlanJsonParts(testing::kb_for_case(c))),
            plan.dump(-1, ' ', false, json::error_handler_t::replace));
  const json& expect = c["expect"];
  const std::string dump = plan.dump(1);
  for (const auto& wanted : expect.value("areas", json::array()))
    testing::expect_only_keys(wanted, {"region", "planned", "planned_range", "limit", "basis", "device_length_mm", "device",
                                       "exceeds_dermis", "bleeding_expected", "depth_class", "warnings_contain"},
                              "expect.areas[]");
  if (expect.contains("devices")) {
    json ids = json::array();
    for (const auto& d : plan["devices"]) ids.push_back(d["id"]);
    EXPECT_EQ(ids, expect["devices"]) << plan["devices"].dump(1);
  }
  if (expect.contains("anaesthesia_not_needed_on")) {
    EXPECT_EQ(plan["anaesthesia"]["not_needed_on"], expect["anaesthesia_not_needed_on"]) << plan["anaesthesia"].dump(1);
  }
  if (expect.contains("optional_sessions")) {
    json numbers = json::array();
    for (const auto& s : plan["sessions"])
      if (s.value("optional", false)) numbers.push_back(s["number"]);
    EXPECT_EQ(numbers, expect["optional_sessions"]) << plan["sessions"].dump(1);
  }
  for (const char* key : {"decision_assessment", "final_assessment"})
    if (expect.contains(key)) {
      if (expect[key].is_null()) {
        EXPECT_FALSE(plan.contains(key)) << dump;
      } else {
        ASSERT_TRUE(plan.contains(key)) << key << "\n" << dump;
        for (const auto& [field, value] : expect[key].items()) EXPECT_EQ(plan[key][field], value) << key << "." << field;
      }
    }
  for (const auto& id : expect.value("no_procedure", json::array()))
    for (const auto& step : plan["procedure"]) EXPECT_NE(step["id"], id);
  for (const auto& id : expect.value("procedure", json::array())) {
    bool found = false;
    for (const auto& step : plan["procedure"]) found |= step["id"] == id;
    EXPECT_TRUE(found) << "procedure step " << id << " missing";
  }
  // A disagreement as the plan shows it: the chosen position, the others, and why the chosen one.
  for (const auto& wanted : expect.value("disagreements", json::array())) {
    testing::expect_only_keys(wanted, {"topic", "chosen", "chosen_by", "positions", "chosen_note_contains"},
                              "expect.disagreements[]");
    const json* shown = nullptr;
    for (const auto& d : plan["disagreements"])
      if (d["topic"] == wanted["topic"]) shown = &d;
    ASSERT_NE(shown, nullptr) << "disagreement " << wanted["topic"] << " not shown";
    if (wanted.contains("chosen")) {
      EXPECT_EQ((*shown)["chosen"], wanted["chosen"]) << wanted["topic"];
    }
    if (wanted.contains("chosen_by")) {
      EXPECT_EQ((*shown)["chosen_by"], wanted["chosen_by"]) << wanted["topic"];
    }
    json ids = json::array();
    for (const auto& p : (*shown)["positions"]) ids.push_back(p["id"]);
    if (wanted.contains("positions")) {
      EXPECT_EQ(ids, wanted["positions"]) << wanted["topic"];
    }
    if (wanted.contains("chosen_note_contains")) {
      std::string note;
      for (const auto& p : (*shown)["positions"])
        if (p["id"] == (*shown)["chosen"]) note = p.value("note", "");
      EXPECT_NE(note.find(wanted["chosen_note_contains"].get<std::string>()), std::string::npos)
          << wanted["topic"] << ": " << note;
    }
    for (const auto& p : (*shown)["positions"]) EXPECT_FALSE(p["sources"].empty()) << p.dump();
  }
  // An aftercare instruction: its words, window and sources.
  for (const auto& wanted : expect.value("aftercare", json::array())) {
    testing::expect_only_keys(wanted, {"id", "instruction_contains", "from_hours", "to_hours", "open_ended", "vague_end",
                                       "reading", "sources"},
                              "expect.aftercare[]");
    const json* shown = nullptr;
    for (const auto& item : plan["aftercare"])
      if (item["id"] == wanted["id"]) shown = &item;
    ASSERT_NE(shown, nullptr) << "aftercare " << wanted["id"] << " missing";
    if (wanted.contains("instruction_contains")) {
      EXPECT_NE((*shown)["instruction"].get<std::string>().find(wanted["instruction_contains"].get<std::string>()),
                std::string::npos)
          << (*shown)["instruction"];
    }
    // A null expectation: the key is absent.
    for (const char* key : {"from_hours", "to_hours", "open_ended", "vague_end", "reading", "sources"})
      if (wanted.contains(key)) {
        EXPECT_EQ(shown->value(key, json()), wanted[key]) << wanted["id"] << " " << key;
      }
  }
  // An "About the treatment" statement: its text and sources.
  for (const auto& wanted : expect.value("about", json::array())) {
    testing::expect_only_keys(wanted, {"id", "text_contains", "sources", "topic"}, "expect.about[]");
    const json* shown = nullptr;
    for (const auto& item : plan["about"])
      if (item["id"] == wanted["id"]) shown = &item;
    ASSERT_NE(shown, nullptr) << "about " << wanted["id"] << " missing";
    if (wanted.contains("text_contains")) {
      EXPECT_NE((*shown)["text"].get<std::string>().find(wanted["text_contains"].get<std::string>()), std::string::npos)
          << (*shown)["text"];
    }
    if (wanted.contains("sources")) {
      EXPECT_EQ((*shown)["sources"], wanted["sources"]) << wanted["id"];
    }
    if (wanted.contains("topic")) {
      EXPECT_EQ(shown->value("topic", json()), wanted["topic"]) << wanted["id"];
    }
  }
  for (const auto& id : expect.value("about_include", json::array())) {
    bool found = false;
    for (const auto& item : plan["about"]) found |= item["id"] == id && !item["sources"].empty();
    EXPECT_TRUE(found) << "about " << id << " missing";
  }
  if (expect.contains("text_contains") || expect.contains("text_excludes")) {
    const std::string text = to_text(course_for(c), testing::kb_for_case(c));
    for (const auto& part : expect.value("text_contains", json::array()))
      EXPECT_NE(text.find(part.get<std::string>()), std::string::npos) << part << "\n" << text;
    for (const auto& part : expect.value("text_excludes", json::array()))
      EXPECT_EQ(text.find(part.get<std::string>()), std::string::npos) << part << "\n" << text;
  }

  for (const char* key : {"treatable", "treatment_class", "physician_required", "interval_days", "assessment_date", "policy"})
    if (expect.contains(key)) {
      EXPECT_EQ(plan.value(key, json()), expect[key]) << key << "\n" << dump;
    }
  if (expect.contains("device")) {
    EXPECT_EQ(plan["device"]["id"], expect["device"]);
  }
  if (expect.contains("screening_decision")) {
    EXPECT_EQ(plan["screening"]["decision"], expect["screening_decision"]);
  }
  if (expect.contains("status_contains")) {
    EXPECT_NE(plan["status"].get<std::string>().find(expect["status_contains"].get<std::string>()), std::string::npos)
        << plan["status"];
  }
  if (expect.contains("home_use_within")) {
    ASSERT_TRUE(plan["home_use"].is_object()) << dump;
    EXPECT_EQ(plan["home_use"]["within"], expect["home_use_within"]) << plan["home_use"].dump();
    EXPECT_FALSE(plan["home_use"]["sources"].empty());
  }
  if (expect.contains("anaesthesia_needed")) {
    EXPECT_EQ(plan["anaesthesia"]["needed"], expect["anaesthesia_needed"]);
  }
  if (expect.contains("sessions")) {
    json dates = json::array();
    for (const auto& s : plan["sessions"]) dates.push_back(s["date"]);
    EXPECT_EQ(dates, expect["sessions"]) << dump;
  }
  if (expect.contains("sessions_latest")) {
    json dates = json::array();
    for (const auto& s : plan["sessions"]) dates.push_back(s["latest_date"]);
    EXPECT_EQ(dates, expect["sessions_latest"]) << dump;
  }
  if (expect.contains("first_session")) {
    ASSERT_FALSE(plan["sessions"].empty()) << dump;
    EXPECT_EQ(plan["sessions"][0]["date"], expect["first_session"]);
  }
  if (expect.contains("preparation_count")) {
    EXPECT_EQ(plan["preparation"].size(), expect["preparation_count"]);
  }
  if (expect.contains("warnings_contain")) {
    EXPECT_TRUE(any_contains(plan["warnings"], expect["warnings_contain"])) << plan["warnings"].dump(1);
  }
  for (const auto& wanted : expect.value("preparation", json::array())) {
    testing::expect_only_keys(wanted, {"id", "due", "session", "decided_by", "done_by", "assumption_contains"},
                              "expect.preparation[]");
    bool found = false;
    for (const auto& task : plan["preparation"])
      found |= task["id"] == wanted["id"] && task["due"] == wanted["due"] && task["session"] == wanted["session"] &&
               (!wanted.contains("decided_by") || task.value("decided_by", json::object()).value("who", "") == wanted["decided_by"]) &&
               (!wanted.contains("done_by") || task.value("done_by", "") == wanted["done_by"]) &&
               (!wanted.contains("assumption_contains") ||
                task.value("assumption", "").find(wanted["assumption_contains"].get<std::string>()) != std::string::npos);
    EXPECT_TRUE(found) << "missing preparation " << wanted.dump() << " in " << plan["preparation"].dump(1);
  }
  for (const auto& id : expect.value("no_preparation", json::array()))
    for (const auto& task : plan["preparation"]) EXPECT_NE(task["id"], id);
  for (const auto& topic : expect.value("disagreements_include", json::array())) {
    bool found = false;
    for (const auto& d : plan["disagreements"]) found |= d["topic"] == topic;
    EXPECT_TRUE(found) << "disagreement " << topic << " not shown";
  }
  for (const auto& wanted : expect.value("areas", json::array())) {
    const json* area = nullptr;
    for (const auto& a : plan["areas"])
      if (a["region"] == wanted["region"]) area = &a;
    ASSERT_NE(area, nullptr) << "no area " << wanted["region"];
    const json& a = *area;
    EXPECT_DOUBLE_EQ(a["needle_length_mm"]["planned"].get<double>(), wanted["planned"].get<double>()) << wanted["region"];
    if (wanted.contains("basis")) {
      EXPECT_EQ(a["needle_length_mm"]["basis"], wanted["basis"]) << wanted["region"];
    }
    // "recommended" is a length a source names, or null: never one the software made up.
    const json& named = a["needle_length_mm"]["recommended"];
    EXPECT_EQ(named.is_null(), a["needle_length_mm"]["basis"] == "range-minimum") << a["needle_length_mm"].dump();
    EXPECT_DOUBLE_EQ(a["device"]["length_mm"].get<double>(), wanted["device_length_mm"].get<double>()) << wanted["region"];
    EXPECT_EQ(a["device"]["id"], wanted["device"]) << wanted["region"];
    // What the plan says is what the device delivers there.
    EXPECT_DOUBLE_EQ(a["needle_length_mm"]["planned"].get<double>(), a["device"]["length_mm"].get<double>());
    if (wanted.contains("planned_range")) {
      EXPECT_EQ(a["needle_length_mm"]["planned_range"], wanted["planned_range"]) << wanted["region"];
    }
    if (wanted.contains("limit")) {
      EXPECT_EQ(a["needle_length_mm"]["limit"], wanted["limit"]) << wanted["region"];
    }
    for (const char* key : {"exceeds_dermis", "bleeding_expected", "depth_class"})
      if (wanted.contains(key)) {
        EXPECT_EQ(a["depth_check"][key], wanted[key]) << wanted["region"] << " " << key;
      }
    if (wanted.contains("warnings_contain")) {
      EXPECT_TRUE(any_contains(a["warnings"], wanted["warnings_contain"])) << a["warnings"].dump(1);
    }
    EXPECT_FALSE(a["sources"].empty());
  }
  // Every plan item names its sources.
  for (const char* list : {"preparation", "procedure", "aftercare"})
    for (const auto& item : plan[list]) EXPECT_FALSE(item["sources"].empty()) << list << " " << item.dump();
}

INSTANTIATE_TEST_SUITE_P(Cases, PlanningCase, ::testing::ValuesIn(case_files("planning")),
                         [](const auto& info) { return testing::case_name(info.param); });

class PlanningErrorCase : public ::testing::TestWithParam<std::string> {};

TEST_P(PlanningErrorCase, IsRefusedNamingTheField) {
  const json c = read_json_file(GetParam());
  SCOPED_TRACE(c.value("description", ""));
  try {
    plan_for(c);
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where(), c["error"]["where"].get<std::string>());
    EXPECT_NE(std::string(e.what()).find(c["error"]["contains"].get<std::string>()), std::string::npos) << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, PlanningErrorCase, ::testing::ValuesIn(case_files("planning/errors")),
                         [](const auto& info) { return testing::case_name(info.param); });

TEST(PlanningCases, CoverEveryIndication) {
  std::set<std::string> covered;
  for (const auto& file : case_files("planning")) covered.insert(read_json_file(file)["indication"].get<std::string>());
  for (const auto& indication : bundled_kb().indications)
    EXPECT_TRUE(covered.count(indication.id)) << "no planning case for " << indication.id;
}

}  // namespace
}  // namespace dermaplan::planning
