#include "core/json_text.h"

#include "core/errors.h"
#include "core/storable_text.h"

#include <fmt/format.h>

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
  const nlohmann::json::parser_callback_t refuse_duplicates = [&](int, nlohmann::json::parse_event_t event,
                                                                  nlohmann::json& parsed) {
    using Event = nlohmann::json::parse_event_t;
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

}  // namespace dermaplan
