#include "core/json_text.h"

#include "core/errors.h"
#include "core/storable_text.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <random>
#include <string>
#include <unordered_set>
#include <vector>

namespace dermaplan {

namespace {

/// Where the parser is, as a JSON pointer: one frame per open object (its current field) or
/// array (the index of its next element).
class JsonPath {
 public:
  void open(bool is_object) { frames_.push_back(Frame{is_object, {}, {}, 0, true}); }
  void close() {
    frames_.pop_back();
    element_done();
  }
  void element_done() {
    if (frames_.empty()) return;
    Frame& f = frames_.back();
    if (f.is_object) f.awaiting_key = true;  // its field's value is read: the next is not named yet
    else ++f.index;
  }
  /// A field name in the innermost object: false if the object already had it.
  bool key(const std::string& name) {
    Frame& f = frames_.back();
    f.key = name;
    f.awaiting_key = false;
    return f.names.insert(name).second;
  }
  std::string pointer() const {
    std::string out;
    for (const Frame& f : frames_) {
      // No field being read in it (none yet, or between two), or one whose name is too long or
      // odd to echo back: the pointer ends at the object.
      if (f.is_object && (f.awaiting_key || !printable_name(f.key))) break;
      out += '/';
      if (!f.is_object) {
        out += std::to_string(f.index);
        continue;
      }
      for (char c : f.key) out += c == '~' ? std::string("~0") : c == '/' ? std::string("~1") : std::string(1, c);
    }
    return out;
  }
  bool in_object() const { return !frames_.empty() && frames_.back().is_object; }

 private:
  struct Frame {
    bool is_object;
    std::unordered_set<std::string> names;
    std::string key;
    std::size_t index;
    bool awaiting_key = true;
  };
  static bool printable_name(const std::string& name) {
    return name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
             return static_cast<unsigned char>(c) >= 0x20 && c != 0x7f;
           });
  }
  std::vector<Frame> frames_;
};

/// The parser's own words without its internals: "[json.exception.parse_error.101] parse
/// error at line 1, column 11: syntax error while parsing value - invalid string: ill-formed
/// UTF-8 byte; last read: '"A?'" -> "invalid string: ill-formed UTF-8 byte" (what was last read
/// may hold the very bytes that are wrong, so it is not echoed).
std::string plain_reason(std::string message) {
  if (const auto close = message.find("] "); message.rfind("[json.exception.", 0) == 0 && close != std::string::npos)
    message.erase(0, close + 2);
  if (message.rfind("parse error", 0) == 0)
    if (const auto colon = message.find(": "); colon != std::string::npos) message.erase(0, colon + 2);
  for (const char* lead : {"syntax error while parsing value - ", "syntax error while parsing object key - ",
                           "syntax error while parsing object separator - ", "syntax error while parsing object - ",
                           "syntax error while parsing array - "})
    if (message.rfind(lead, 0) == 0) message.erase(0, std::string(lead).size());
  if (const auto last = message.find("; last read:"); last != std::string::npos) message.erase(last);
  return message;
}

}  // namespace

nlohmann::json parse_json_text(std::string_view text, size_t max_bytes, const std::string& what) {
  if (text.size() > max_bytes)
    throw InputError(what, fmt::format("{} bytes is larger than the {} bytes accepted", text.size(), max_bytes));
  nlohmann::json doc;
  // Where the parser is: a field name given twice is refused, since parsers differ on which of
  // the two counts (nlohmann keeps the last, others the first), and an error names its place.
  JsonPath path;
  const auto at = [&](const std::string& message) {
    const std::string pointer = path.pointer();
    return pointer.empty() ? InputError(what, message) : InputError(pointer, message + " (in the " + what + ")");
  };
  // Nesting deeper than any document of ours is refused while parsing: the checks that walk
  // a document recurse, and 100,000 open brackets fit in a body (the server crashed on them).
  const nlohmann::json::parser_callback_t follow = [&](int depth, nlohmann::json::parse_event_t event,
                                                       nlohmann::json& parsed) {
    using Event = nlohmann::json::parse_event_t;
    switch (event) {
      case Event::object_start:
      case Event::array_start:
        if (depth >= kMaxJsonDepth)  // the outermost at 0
          throw at(fmt::format("the JSON is nested more than {} levels deep", kMaxJsonDepth));
        path.open(event == Event::object_start);
        break;
      case Event::object_end:
      case Event::array_end:
        path.close();
        break;
      case Event::key: {
        const std::string& name = parsed.get_ref<const std::string&>();
        if (!path.key(name))
          throw at(fmt::format("the field {} appears twice in one object; send it once",
                               name.size() <= 64 ? "'" + name + "'" : std::string("with a long name")));
        break;
      }
      case Event::value:
        path.element_done();
        break;
    }
    return true;
  };
  try {
    doc = nlohmann::json::parse(text, follow);
  } catch (const nlohmann::json::parse_error& e) {
    throw at(fmt::format("malformed JSON at byte {}: {}", e.byte, plain_reason(e.what())));
  } catch (const nlohmann::json::exception& e) {
    // Valid syntax the parser cannot hold, e.g. a number beyond the range of a double.
    throw at(fmt::format("unreadable JSON: {}", plain_reason(e.what())));
  }
  // The parser already refuses invalid UTF-8; "\u0000" escapes remain.
  try {
    require_storable_json(doc);
  } catch (const InputError& e) {
    throw InputError(e.where(), e.message() + " (in the " + what + ")");
  }
  return doc;
}

// ---- dump_json -----------------------------------------------------------------------------

namespace {

/// The length of the well-formed UTF-8 sequence at s[i] (Unicode 15, table 3-7), 0 if none.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return k < s.size() ? static_cast<unsigned char>(s[k]) : 0u; };
  const unsigned b0 = byte(i);
  const auto cont = [&](std::size_t k, unsigned lo = 0x80, unsigned hi = 0xBF) {
    const unsigned b = byte(k);
    return k < s.size() && b >= lo && b <= hi;
  };
  if (b0 >= 0xC2 && b0 <= 0xDF) return cont(i + 1) ? 2 : 0;
  if (b0 == 0xE0) return cont(i + 1, 0xA0) && cont(i + 2) ? 3 : 0;
  if ((b0 >= 0xE1 && b0 <= 0xEC) || b0 == 0xEE || b0 == 0xEF) return cont(i + 1) && cont(i + 2) ? 3 : 0;
  if (b0 == 0xED) return cont(i + 1, 0x80, 0x9F) && cont(i + 2) ? 3 : 0;
  if (b0 == 0xF0) return cont(i + 1, 0x90) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  if (b0 >= 0xF1 && b0 <= 0xF3) return cont(i + 1) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  if (b0 == 0xF4) return cont(i + 1, 0x80, 0x8F) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  return 0;
}

/// `s` as a JSON string, as nlohmann's dump writes it without ensure_ascii: '"', '\\' and
/// control characters escaped (\b \f \n \r \t, else \u00xx), UTF-8 as it is. A string with
/// invalid UTF-8 is left to nlohmann (its replacement rules).
void write_string(std::string& out, std::string_view s) {
  // The bytes that are not written as they are, or start a multi-byte sequence.
  static constexpr auto kSpecial = [] {
    std::array<bool, 256> special{};
    for (unsigned c = 0; c < 256; ++c) special[c] = c < 0x20 || c == '"' || c == '\\' || c >= 0x80;
    return special;
  }();
  const std::size_t start = out.size();
  out += '"';
  std::size_t run = 0;  // s[run, i) is plain and not yet written
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (!kSpecial[c]) {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      const std::size_t n = utf8_sequence_length(s, i);
      if (n == 0) {
        out.resize(start);
        out += nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        return;
      }
      i += n;
      continue;
    }
    out.append(s.data() + run, i - run);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: {
        static constexpr char kHex[] = "0123456789abcdef";
        const char escaped[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
        out.append(escaped, sizeof escaped);
      }
    }
    run = ++i;
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

const std::string& splice_key();

/// The text a placeholder string stands for (JsonSplice), or nullptr for any other string.
const std::string* spliced_text(const std::string& s, const std::vector<const std::string*>& texts) {
  if (s.empty() || s[0] != '\0') return nullptr;
  const std::string& key = splice_key();
  if (s.size() < key.size() + 3 || s.compare(1, key.size(), key) != 0 || s[key.size() + 1] != ':') return nullptr;
  std::size_t index = 0;
  for (std::size_t i = key.size() + 2; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return nullptr;
    index = index * 10 + static_cast<std::size_t>(s[i] - '0');
    if (index >= texts.size()) return nullptr;
  }
  return texts[index];
}

/// `value` as dump(-1, ' ', false, replace) writes it, each placeholder in `texts` replaced.
void write_value(std::string& out, const nlohmann::json& value, const std::vector<const std::string*>& texts) {
  using Type = nlohmann::json::value_t;
  switch (value.type()) {
    case Type::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, item] : value.get_ref<const nlohmann::json::object_t&>()) {
        if (!first) out += ',';
        first = false;
        write_string(out, key);
        out += ':';
        write_value(out, item, texts);
      }
      out += '}';
      return;
    }
    case Type::array: {
      out += '[';
      bool first = true;
      for (const auto& item : value.get_ref<const nlohmann::json::array_t&>()) {
        if (!first) out += ',';
        first = false;
        write_value(out, item, texts);
      }
      out += ']';
      return;
    }
    case Type::string: {
      const auto& s = value.get_ref<const std::string&>();
      if (const std::string* text = texts.empty() ? nullptr : spliced_text(s, texts)) out += *text;
      else write_string(out, s);
      return;
    }
    case Type::boolean: out += value.get<bool>() ? "true" : "false"; return;
    case Type::null: out += "null"; return;
    case Type::number_integer: out += std::to_string(value.get<std::int64_t>()); return;
    case Type::number_unsigned: out += std::to_string(value.get<std::uint64_t>()); return;
    default:  // doubles (nlohmann's shortest form), binary, discarded: as nlohmann writes them
      out += value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
}

}  // namespace

std::string dump_json(const nlohmann::json& value) {
  std::string out;
  out.reserve(4096);
  write_value(out, value, {});
  return out;
}

// ---- JsonSplice --------------------------------------------------------------------------

namespace {

/// A placeholder is a JSON string that no stored text can hold: a NUL (refused everywhere on
/// input, storable_text.h) then this process's random key, then the text's index.
const std::string& splice_key() {
  static const std::string key = [] {
    std::random_device device;
    return fmt::format("{:08x}{:08x}", device(), device());
  }();
  return key;
}

}  // namespace

nlohmann::json JsonSplice::raw(const std::string& text) {
  if (!nlohmann::json::accept(text)) return nlohmann::json(text);
  return dumped(text);
}

nlohmann::json JsonSplice::dumped(const std::string& text) {
  texts_.push_back(&text);
  return nlohmann::json(std::string(1, '\0') + splice_key() + ":" + std::to_string(texts_.size() - 1));
}

std::string JsonSplice::dump(const nlohmann::json& value) const {
  std::string out;
  std::size_t size = 0;
  for (const std::string* text : texts_) size += text->size();
  out.reserve(size + 4096);
  write_value(out, value, texts_);
  return out;
}

}  // namespace dermaplan
