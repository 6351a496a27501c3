#include "core/json_text.h"

#include "core/errors.h"
#include "core/storable_text.h"

#include <fmt/format.h>

namespace dermaplan {

nlohmann::json parse_json_text(std::string_view text, size_t max_bytes, const std::string& what) {
  if (text.size() > max_bytes)
    throw InputError(what, fmt::format("{} bytes is larger than the {} bytes accepted", text.size(), max_bytes));
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
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
