// Reading JSON from users: size, syntax, and a field given twice (parsers differ on which one
// counts, so it is refused rather than guessed).
#include "core/json_text.h"

#include "core/errors.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace dermaplan {
namespace {

struct Case {
  const char* name;
  std::string text;
  const char* refusal;  //!< a part of the message; "" when the text is read
};

TEST(JsonText, ReadsWhatIsWellFormedAndRefusesTheRest) {
  const std::vector<Case> cases{
      {"an object", R"({"username":"boss","password":"x"})", ""},
      {"the same name in different objects", R"({"a":{"id":1},"b":{"id":2},"c":[{"id":3},{"id":4}]})", ""},
      {"a field given twice", R"({"username":"boss","password":"x","username":"doc"})", "'username' appears twice"},
      {"twice in a nested object", R"({"intake":{"sex":"female","sex":"male"}})", "'sex' appears twice"},
      {"twice in an object in an array", R"({"areas":[{"region":"cheek","region":"nose"}]})", "'region' appears twice"},
      {"malformed", R"({"a":)", "malformed JSON at byte"},
      {"too large", std::string(2000, ' ') + "{}", "larger than the 1024 bytes"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    if (!*c.refusal) {
      EXPECT_NO_THROW(parse_json_text(c.text, 1024, "request body"));
      continue;
    }
    try {
      parse_json_text(c.text, 1024, "request body");
      ADD_FAILURE() << "read without complaint";
    } catch (const InputError& e) {
      EXPECT_EQ(e.where(), "request body");
      EXPECT_NE(e.message().find(c.refusal), std::string::npos) << e.message();
    }
  }
}

TEST(JsonText, AnObjectWithManyFieldsIsCheckedForARepeatedOne) {
  // 200,000 distinct names and one repeated at the end (names are kept in a hash set per object).
  std::string text = "{";
  for (int i = 0; i < 200000; ++i) text += "\"k" + std::to_string(i) + "\":0,";
  text += "\"k7\":1}";
  EXPECT_THROW(parse_json_text(text, 1u << 24, "request body"), InputError);
}

}  // namespace
}  // namespace dermaplan
