// Reading JSON from users: size, syntax, and a field given twice (parsers differ on which one
// counts, so it is refused rather than guessed); stored JSON text spliced into a response.
#include "core/json_text.h"

#include "core/errors.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace dermaplan {
namespace {

struct Case {
  const char* name;
  std::string text;
  const char* refusal;  //!< a part of the message; "" when the text is read
  const char* where;    //!< the JSON pointer of the fault, or the document's name
};

TEST(JsonText, ReadsWhatIsWellFormedAndRefusesTheRestNamingWhere) {
  const std::vector<Case> cases{
      {"an object", R"({"username":"boss","password":"x"})", "", ""},
      {"the same name in different objects", R"({"a":{"id":1},"b":{"id":2},"c":[{"id":3},{"id":4}]})", "", ""},
      {"a field given twice", R"({"username":"boss","password":"x","username":"doc"})", "'username' appears twice",
       "/username"},
      {"twice in a nested object", R"({"intake":{"sex":"female","sex":"male"}})", "'sex' appears twice", "/intake/sex"},
      {"twice in an object in an array", R"({"areas":[{"region":"cheek"},{"region":"cheek","region":"nose"}]})",
       "'region' appears twice", "/areas/1/region"},
      {"malformed", R"({"a":)", "malformed JSON at byte 6", "/a"},
      {"malformed before any field", R"({,})", "malformed JSON at byte 2", "request body"},
      // The parser's internals ("[json.exception...]", what it last read) are not passed on:
      // the last read may be the very bytes that are wrong.
      {"an invalid UTF-8 byte in a string", "{\"name\":\"A\xff\"}", "ill-formed UTF-8 byte", "/name"},
      {"a lone surrogate", R"({"notes":["ok","\ud800"]})", "surrogate", "/notes/1"},
      {"a number beyond a double", R"({"n":1e999})", "number overflow", "/n"},
      // Between two fields the pointer names the object, not the field before.
      {"a bad byte in the next field's name", "{\"a\":1,\"b\xff\":2}", "ill-formed UTF-8 byte", "request body"},
      {"a trailing comma", R"({"a":{"b":1,}})", "malformed JSON", "/a"},
      {"a name too long to echo", "{\"" + std::string(100, 'k') + "\":\"\xff\"}", "ill-formed UTF-8 byte",
       "request body"},
      {"too large", std::string(2000, ' ') + "{}", "larger than the 1024 bytes", "request body"},
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
      EXPECT_EQ(e.where(), c.where);
      EXPECT_NE(e.message().find(c.refusal), std::string::npos) << e.message();
      EXPECT_EQ(e.message().find("json.exception"), std::string::npos) << e.message();
      EXPECT_EQ(e.message().find("last read"), std::string::npos) << e.message();
      EXPECT_EQ(e.message().find('\xff'), std::string::npos) << e.message();
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

// ---- JsonSplice: stored JSON text inside a larger value, not parsed again --------------------

TEST(JsonText, NestingDeeperThanTheLimitIsRefusedNotRecursedInto) {
  auto nested = [](int depth, const std::string& inside) {
    return "{\"a\":" + std::string(depth - 1, '[') + inside + std::string(depth - 1, ']') + "}";
  };
  EXPECT_NO_THROW(parse_json_text(nested(kMaxJsonDepth, "1"), 1 << 20, "body"));
  // 100,000 deep inside a field crashed the server (a stack overflow); now a clear error.
  for (int depth : {kMaxJsonDepth + 1, 100000}) {
    try {
      parse_json_text(nested(depth, ""), 1 << 20, "body");
      ADD_FAILURE() << depth << " levels accepted";
    } catch (const InputError& e) {
      EXPECT_EQ(e.where().rfind("/a/0/0/", 0), 0u) << e.where();
      EXPECT_NE(std::string(e.what()).find("nested more than 64 levels"), std::string::npos) << e.what();
    }
  }
}

TEST(JsonSplice, TheSplicedValueReadsAsTheParsedOne) {
  const std::string plan = R"({"sessions":[{"n":1,"date":"2027-01-04"}],"depth_mm":1.5,"note":"caf\u00e9 \"x\""})";
  const std::string screening = R"([true,null,{"a":[]}])";
  JsonSplice splice;
  nlohmann::json value = {{"name", "Ada"}, {"plans", {splice.raw(plan), splice.raw(screening)}}, {"n", 2}};
  const std::string text = splice.dump(value);
  const nlohmann::json expected = {
      {"name", "Ada"}, {"plans", {nlohmann::json::parse(plan), nlohmann::json::parse(screening)}}, {"n", 2}};
  EXPECT_EQ(nlohmann::json::parse(text), expected) << text;
  EXPECT_NE(text.find(plan), std::string::npos) << "the stored text itself is in the output";
}

TEST(JsonSplice, TextThatIsNotJsonGoesInAsAString) {
  const std::string broken = R"({"sessions": [1, 2)";
  JsonSplice splice;
  const std::string text = splice.dump({{"plan", splice.raw(broken)}});
  EXPECT_EQ(nlohmann::json::parse(text), (nlohmann::json{{"plan", broken}}));
}

TEST(JsonSplice, UserTextThatLooksLikeAPlaceholderStaysText) {
  // What a placeholder looks like without the process's key, and with a NUL written out.
  const std::vector<std::string> lookalikes = {"\\u0000:0", "u0000deadbeefdeadbeef:0", "\"\\u0000", ":0\""};
  const std::string doc = R"({"a":1})";
  for (const auto& s : lookalikes) {
    JsonSplice splice;
    const nlohmann::json value = {{"notes", s}, {"doc", splice.raw(doc)}, {"more", s}};
    const nlohmann::json back = nlohmann::json::parse(splice.dump(value));
    EXPECT_EQ(back, (nlohmann::json{{"notes", s}, {"doc", {{"a", 1}}}, {"more", s}})) << s;
  }
}

TEST(JsonSplice, WithoutTextsItIsThePlainDumpWithUtf8ErrorsReplaced) {
  JsonSplice splice;
  const nlohmann::json value = {{"name", std::string("bad \xff byte")}};
  EXPECT_EQ(splice.dump(value), value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

// dump_json writes what nlohmann's dump(-1, ' ', false, replace) writes, byte for byte.
std::string nlohmann_dump(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

TEST(DumpJson, WritesTheBytesNlohmannWrites) {
  std::string every_control;
  for (char c = 1; c < 0x20; ++c) every_control += c;
  const std::vector<nlohmann::json> values = {
      nullptr, true, false, 0, -1, 42, std::numeric_limits<std::int64_t>::min(),
      std::numeric_limits<std::uint64_t>::max(), 0.1, 1.0, -0.0, 1e300, 2.5e-7, std::nan(""),
      std::numeric_limits<double>::infinity(), "", "plain", std::string(1, '\0'), every_control,
      "quote \" backslash \\ slash / DEL \x7f", "caf\u00e9 \u2013 \u00b5m \U0001F600",
      // Invalid UTF-8: a lone continuation, overlong forms, a surrogate, beyond U+10FFFF, a
      // byte no sequence starts with, and sequences cut short mid-string and at the end.
      "a\x80" "b", "\xc0\x80", "\xe0\x80\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xf5\x80", "x\xe2\x82y",
      "end \xe2\x82", "\xf0\x9f\x98", "\xc3", "ok \xc3\xa9 then \xff",
      nlohmann::json::object(), nlohmann::json::array(), {{"b", 1}, {"a", {1, "two", nullptr}}, {"", {}}},
      {{"k\"ey\n", {{"nested", nlohmann::json::array({nlohmann::json::object()})}}}},
  };
  for (const auto& value : values) EXPECT_EQ(dump_json(value), nlohmann_dump(value)) << nlohmann_dump(value);
}

TEST(DumpJson, WritesTheBytesNlohmannWritesForRandomStrings) {
  // Bytes biased to where the rules are: ASCII, controls, escapes, lead and continuation bytes.
  const std::vector<unsigned char> alphabet = {'a', ' ', '"', '\\', 0x01, 0x1f, 0x7f, 0x80, 0x8f, 0x90, 0x9f,
                                               0xa0, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xe1, 0xed, 0xef, 0xf0,
                                               0xf1, 0xf4, 0xf5, 0xff};
  std::mt19937 random(7);
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1), length(0, 8);
  for (int n = 0; n < 20000; ++n) {
    std::string s;
    for (std::size_t i = length(random); i > 0; --i) s += static_cast<char>(alphabet[pick(random)]);
    const nlohmann::json value = {{"s", s}, {s, 1}};
    ASSERT_EQ(dump_json(value), nlohmann_dump(value)) << nlohmann_dump(value);
  }
}

}  // namespace
}  // namespace dermaplan
