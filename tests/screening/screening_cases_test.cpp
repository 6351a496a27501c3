// Runs every case in tests/cases/screening/ (see the README there).
#include "core/errors.h"
#include "kb/loader.h"
#include "screening/screening.h"
#include "test_support.h"

#include <gtest/gtest.h>

namespace dermaplan::screening {
namespace {

using nlohmann::json;
using testing::bundled_kb;
using testing::case_files;
using testing::cases_dir;
using testing::read_json_file;

class ScreeningCase : public ::testing::TestWithParam<std::string> {};

TEST_P(ScreeningCase, MatchesExpectation) {
  const json c = read_json_file(GetParam());
  SCOPED_TRACE(c.value("description", ""));
  testing::expect_only_keys(c, {"description", "date", "areas", "intake", "raw", "policy", "expect"}, "case");
  testing::expect_only_keys(c["expect"],
                            {"decision", "earliest_date", "policy", "findings", "no_findings", "findings_count",
                             "checks_count", "checks_min", "first_finding", "check_contains", "no_check_contains"},
                            "expect");
  const kb::KnowledgeBase& kb = testing::kb_for_case(c);
  const CivilDate as_of = *parse_civil_date(c["date"].get<std::string>());
  const std::vector<std::string> areas = c.value("areas", std::vector<std::string>{});
  const Intake intake = parse_intake(testing::case_intake(c), kb, as_of);
  const json out = to_json(screen(intake, kb, as_of, areas));
  const json& expect = c["expect"];

  if (expect.contains("decision")) {
    EXPECT_EQ(out["decision"], expect["decision"]) << out.dump(2);
  }
  if (expect.contains("earliest_date")) {
    if (expect["earliest_date"].is_null()) {
      EXPECT_FALSE(out.contains("earliest_date")) << out.dump(2);
    }
    else EXPECT_EQ(out.value("earliest_date", ""), expect["earliest_date"]) << out.dump(2);
  }
  if (expect.contains("policy")) {
    EXPECT_EQ(out["policy"], expect["policy"]);
  }
  if (expect.contains("findings_count")) {
    EXPECT_EQ(out["findings"].size(), expect["findings_count"]) << out.dump(2);
  }
  if (expect.contains("checks_count")) {
    EXPECT_EQ(out["checks"].size(), expect["checks_count"]) << out.dump(2);
  }
  if (expect.contains("checks_min")) {
    EXPECT_GE(out["checks"].size(), expect["checks_min"].get<size_t>()) << out.dump(2);
  }
  auto any_check_contains = [&](const std::string& part) {
    for (const auto& check : out["checks"])
      if (check.get<std::string>().find(part) != std::string::npos) return true;
    return false;
  };
  if (expect.contains("check_contains")) {
    EXPECT_TRUE(any_check_contains(expect["check_contains"])) << out["checks"].dump(1);
  }
  if (expect.contains("no_check_contains")) {
    EXPECT_FALSE(any_check_contains(expect["no_check_contains"])) << out["checks"].dump(1);
  }
  if (expect.contains("first_finding")) {
    ASSERT_FALSE(out["findings"].empty());
    EXPECT_EQ(out["findings"][0]["id"], expect["first_finding"]);
  }
  auto find = [&](const std::string& id) -> const json* {
    for (const auto& f : out["findings"])
      if (f["id"] == id) return &f;
    return nullptr;
  };
  for (const auto& wanted : expect.value("findings", json::array())) {
    const json* found = find(wanted["id"]);
    ASSERT_NE(found, nullptr) << "missing finding " << wanted["id"] << " in " << out.dump(2);
    for (const auto& [key, value] : wanted.items()) {
      if (key == "sources_include") {
        const auto& sources = (*found)["sources"];
        EXPECT_NE(std::find(sources.begin(), sources.end(), value), sources.end())
            << wanted["id"] << " sources " << sources.dump();
      } else if (key == "message_contains") {
        EXPECT_NE((*found)["message"].get<std::string>().find(value.get<std::string>()), std::string::npos)
            << (*found)["message"];
      } else if (key == "reading_contains") {
        EXPECT_NE(found->value("reading", "").find(value.get<std::string>()), std::string::npos)
            << wanted["id"] << " reading: " << found->value("reading", "");
      } else {
        EXPECT_EQ((*found).value(key, json()), value) << "finding " << wanted["id"] << " field " << key;
      }
    }
    EXPECT_FALSE((*found)["message"].get<std::string>().empty());
    EXPECT_FALSE((*found)["sources"].empty()) << "every finding names its sources";
  }
  for (const auto& id : expect.value("no_findings", json::array()))
    EXPECT_EQ(find(id), nullptr) << "unexpected finding " << id << " in " << out.dump(2);
}

INSTANTIATE_TEST_SUITE_P(Cases, ScreeningCase, ::testing::ValuesIn(case_files("screening")),
                         [](const auto& info) { return testing::case_name(info.param); });

class ScreeningErrorCase : public ::testing::TestWithParam<std::string> {};

TEST_P(ScreeningErrorCase, IsRefusedWithPathAndMessage) {
  const json c = read_json_file(GetParam());
  SCOPED_TRACE(c.value("description", ""));
  const CivilDate as_of = *parse_civil_date(c["date"].get<std::string>());
  const std::string text = c.contains("intake_text") ? c["intake_text"].get<std::string>() : c["intake"].dump();
  try {
    parse_intake_text(text, bundled_kb(), as_of);
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where(), c["error"]["where"].get<std::string>()) << e.what();
    EXPECT_NE(std::string(e.what()).find(c["error"]["contains"].get<std::string>()), std::string::npos) << e.what();
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, ScreeningErrorCase, ::testing::ValuesIn(case_files("screening/errors")),
                         [](const auto& info) { return testing::case_name(info.param); });

/// Every screening rule in the knowledge base is exercised by at least one case.
TEST(ScreeningCases, CoverEveryRule) {
  std::set<std::string> covered;
  for (const auto& file : case_files("screening")) {
    const json c = read_json_file(file);
    for (const auto& f : c["expect"].value("findings", json::array())) covered.insert(f["id"].get<std::string>());
    if (c["expect"].contains("first_finding")) covered.insert(c["expect"]["first_finding"].get<std::string>());
  }
  for (const auto& rule : bundled_kb().screening)
    EXPECT_TRUE(covered.count(rule.id)) << "no case expects a finding from rule '" << rule.id << "'";
}

}  // namespace
}  // namespace dermaplan::screening
