// The loader on a minimal knowledge base: it loads, a policy picks or overrides positions,
// and every broken variant in tests/cases/kb/errors/ fails with file:line and a clear message.
#include "core/errors.h"
#include "kb/describe.h"
#include "kb/loader.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace dermaplan::kb {
namespace {

namespace fs = std::filesystem;
using testing::cases_dir;

fs::path minimal_dir() { return cases_dir("kb/minimal"); }

TEST(Loader, LoadsTheMinimalKnowledgeBase) {
  const KnowledgeBase kb = load_knowledge(minimal_dir());
  EXPECT_EQ(kb.version, "test-1");
  ASSERT_NE(kb.find_region("cheek"), nullptr);
  EXPECT_EQ(kb.find_region("cheek")->dermis_um.all.max_um, 1140);
  ASSERT_NE(kb.find_rule("isotretinoin"), nullptr);
  EXPECT_EQ(kb.find_rule("isotretinoin")->effect.value().wait.months, 3);
  EXPECT_EQ(kb.find_rule("isotretinoin")->effect.selected().id, "three-months");
  EXPECT_EQ(kb.policy, "default (seed texts)");
  ASSERT_NE(kb.find_topic("isotretinoin-wait"), nullptr);
  EXPECT_EQ(kb.find_topic("isotretinoin-wait")->positions.size(), 2u);
  ASSERT_NE(kb.find_indication("acne-scars"), nullptr);
  EXPECT_EQ(kb.find_indication("acne-scars")->needle_length.value().recommended_mm, 2.5);
}

TEST(Loader, ARangeNeedNotNameOneLength) {
  // Most sources give a needle-length range and no single length: `recommended` is optional.
  const fs::path dir = fs::temp_directory_path() / "dermaplan-kb-no-recommended";
  fs::remove_all(dir);
  fs::copy(minimal_dir(), dir, fs::copy_options::recursive);
  std::ifstream in(dir / "body.yaml");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  in.close();
  const std::string with = "recommended: 2.5, ";
  ASSERT_NE(text.find(with), std::string::npos);
  text.erase(text.find(with), with.size());
  std::ofstream(dir / "body.yaml") << text;
  const KnowledgeBase kb = load_knowledge(dir);
  const NeedleLength length = kb.find_indication("acne-scars")->needle_length.value();
  EXPECT_FALSE(length.recommended_mm.has_value());
  EXPECT_EQ(describe_needle_length(length), "1.5–2.5 mm (no single length named)");
  fs::remove_all(dir);
}

TEST(Loader, PolicyPicksAnotherPosition) {
  const KnowledgeBase kb = load_knowledge(minimal_dir(), cases_dir("kb/policies/six-months.yaml"));
  EXPECT_EQ(kb.policy, "Test clinic, six months after isotretinoin");
  const auto& effect = kb.find_rule("isotretinoin")->effect;
  EXPECT_EQ(effect.selected().id, "six-months");
  EXPECT_EQ(effect.value().wait.months, 6);
  EXPECT_TRUE(effect.chosen_by_policy);
  EXPECT_TRUE(kb.find_topic("isotretinoin-wait")->chosen_by_policy);
}

TEST(Loader, PolicyOverridesAValueAndSaysSo) {
  const KnowledgeBase kb = load_knowledge(minimal_dir(), cases_dir("kb/policies/override.yaml"));
  const auto& effect = kb.find_rule("isotretinoin")->effect;
  EXPECT_EQ(effect.selected().id, "three-months");
  EXPECT_EQ(effect.value().wait.months, 12);
  EXPECT_EQ(effect.value().decision, Decision::defer);  // untouched fields stay
  EXPECT_TRUE(effect.overridden);
  EXPECT_TRUE(kb.find_topic("isotretinoin-wait")->overridden);
}

struct PolicyErrorCase {
  const char* file;
  const char* message;
};

class PolicyErrors : public ::testing::TestWithParam<PolicyErrorCase> {};

TEST_P(PolicyErrors, NameTheFileLineAndWhatIsAccepted) {
  const auto& c = GetParam();
  const auto path = cases_dir("kb/policies") / c.file;
  try {
    load_knowledge(minimal_dir(), path);
    FAIL() << "expected a KnowledgeError";
  } catch (const KnowledgeError& e) {
    EXPECT_NE(std::string(e.what()).find(c.message), std::string::npos) << e.what();
    EXPECT_EQ(e.where().rfind(path.string() + ":3", 0), 0u) << e.where();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, PolicyErrors,
    ::testing::Values(PolicyErrorCase{"unknown-topic.yaml", "unknown topic 'isotretinoin-delay'"},
                      PolicyErrorCase{"unknown-position.yaml",
                                      "has no position 'nine-months'; accepted: three-months, six-months"},
                      PolicyErrorCase{"bad-override-field.yaml", "has no value field 'weeks_plus'"}));

// --- broken knowledge bases -------------------------------------------------------------

/// Copies the minimal knowledge base to a temporary folder and lays the case's files over it.
fs::path assemble(const fs::path& case_dir) {
  const fs::path dir = fs::temp_directory_path() / ("dermaplan-kb-" + case_dir.filename().string());
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (const auto& entry : fs::directory_iterator(minimal_dir())) fs::copy(entry.path(), dir / entry.path().filename());
  for (const auto& entry : fs::directory_iterator(case_dir))
    if (entry.path().extension() == ".yaml")
      fs::copy(entry.path(), dir / entry.path().filename(), fs::copy_options::overwrite_existing);
  return dir;
}

std::vector<std::string> error_cases() {
  std::vector<std::string> out;
  for (const auto& entry : fs::directory_iterator(cases_dir("kb/errors"))) out.push_back(entry.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

class BrokenKnowledge : public ::testing::TestWithParam<std::string> {};

// expected.txt holds "<file>:<line>|<message part>"; the error must name that file and line.
TEST_P(BrokenKnowledge, FailsWithFileLineAndMessage) {
  const fs::path case_dir = GetParam();
  std::ifstream in(case_dir / "expected.txt");
  std::string expected;
  std::getline(in, expected);
  const auto bar = expected.find('|');
  ASSERT_NE(bar, std::string::npos) << "expected.txt must be '<file>:<line>|<message>'";
  const std::string location = expected.substr(0, bar), message = expected.substr(bar + 1);
  const fs::path dir = assemble(case_dir);
  try {
    load_knowledge(dir);
    FAIL() << "expected a KnowledgeError";
  } catch (const KnowledgeError& e) {
    EXPECT_NE(std::string(e.what()).find(message), std::string::npos) << e.what();
    EXPECT_NE(e.where().find((dir / location).string()), std::string::npos) << e.where();
  }
  fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Cases, BrokenKnowledge, ::testing::ValuesIn(error_cases()),
                         [](const auto& info) { return testing::case_name(info.param); });

TEST(Loader, MissingDirectoryIsAnError) {
  EXPECT_THROW(load_knowledge("/nonexistent/dermaplan-knowledge"), KnowledgeError);
}

}  // namespace
}  // namespace dermaplan::kb
