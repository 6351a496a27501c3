#include "core/json_text.h"

#include "core/errors.h"
#include "core/storable_text.h"

#include <fmt/format.h>

#include <random>
#include <string>
#include <unordered_set>
#include <vector>

namespace dermaplan {

nlohmann::json parse_json_text(std::string_view text, size_t max_bytes, const std::string& what) {
  if (text.size() > max_bytes)
    throw InputError(what, fmt::format("{} bytes is larger than the {} bytes accepted", text.size(), max_bytes));
  nlohmann::json doc;
  // The field names seen in each open object: a name given twice is refused, since parsers
  // differ on which of the two counts (nlohmann keeps the last, others the first).
  std::vector<std::unordered_set<std::string>> open_objects;
  // Nesting deeper than any document of ours is refused while parsing: the checks that walk
  // a document recurse, and 100,000 open brackets fit in a body (the server crashed on them).
  const nlohmann::json::parser_callback_t refuse_duplicates = [&](int depth, nlohmann::json::parse_event_t event,
                                                                  nlohmann::json& parsed) {
    using Event = nlohmann::json::parse_event_t;
    if ((event == Event::object_start || event == Event::array_start) && depth >= kMaxJsonDepth)  // the outermost at 0
      throw InputError(what, fmt::format("the JSON is nested more than {} levels deep", kMaxJsonDepth));
    if (event == Event::object_start) {
      open_objects.emplace_back();
    } else if (event == Event::object_end) {
      open_objects.pop_back();
    } else if (event == Event::key && !open_objects.empty()) {
      const std::string& name = parsed.get_ref<const std::string&>();
      if (!open_objects.back().insert(name).second)
        throw InputError(what, fmt::format("the field {} appears twice in one object; send it once",
                                           name.size() <= 64 ? "'" + name + "'" : std::string("with a long name")));
    }
    return true;
  };
  try {
    doc = nlohmann::json::parse(text, refuse_duplicates);
  } catch (const nlohmann::json::parse_error& e) {
    throw InputError(what, fmt::format("malformed JSON at byte {}: {}", e.byte, e.what()));
  } catch (const nlohmann::json::exception& e) {
    // Valid syntax the parser cannot hold, e.g. a number beyond the range of a double.
    throw InputError(what, fmt::format("unreadable JSON: {}", e.what()));
  }
  // The parser already refuses invalid UTF-8; "\u0000" escapes remain.
  try {
    require_storable_json(doc);
  } catch (const InputError& e) {
    throw InputError(e.where(), e.message() + " (in the " + what + ")");
  }
  return doc;
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
  texts_.push_back(&text);
  return nlohmann::json(std::string(1, '\0') + splice_key() + ":" + std::to_string(texts_.size() - 1));
}

std::string JsonSplice::dump(const nlohmann::json& value) const {
  std::string skeleton = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (texts_.empty()) return skeleton;
  const std::string marker = "\"\\u0000" + splice_key() + ":";  // as dump() writes the placeholder
  std::string out;
  std::size_t size = skeleton.size();
  for (const std::string* text : texts_) size += text->size();
  out.reserve(size);
  std::size_t copied = 0;  // skeleton[0, copied) is in out
  for (std::size_t at = skeleton.find(marker); at != std::string::npos; at = skeleton.find(marker, at + 1)) {
    std::size_t end = at + marker.size();
    std::size_t index = 0;
    while (end < skeleton.size() && skeleton[end] >= '0' && skeleton[end] <= '9')
      index = index * 10 + static_cast<std::size_t>(skeleton[end++] - '0');
    // Not one of ours (cannot happen: the key is random and a NUL cannot be stored): kept.
    if (end >= skeleton.size() || skeleton[end] != '"' || index >= texts_.size()) continue;
    out.append(skeleton, copied, at - copied);
    out += *texts_[index];
    copied = end + 1;
    at = end;
  }
  out.append(skeleton, copied, std::string::npos);
  return out;
}

}  // namespace dermaplan
