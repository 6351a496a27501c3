// Reading JSON text from users (intake files, request bodies) with a size limit, and putting
// stored JSON text into a larger document without parsing it again.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace dermaplan {

/// The deepest nesting parse_json_text accepts (objects and arrays; ours need a handful).
inline constexpr int kMaxJsonDepth = 64;

/// Parses `text` as JSON. Larger than `max_bytes`, malformed (with its byte offset), nested
/// deeper than kMaxJsonDepth, holding
/// a value JSON cannot represent here (a number beyond a double) or a field name given twice
/// in one object is an InputError whose `where` is `what` ("intake", "request body"). A string or field name the database cannot
/// store (a "\u0000" escape; see storable_text.h) is an InputError whose `where` is its JSON
/// pointer ("/username").
nlohmann::json parse_json_text(std::string_view text, size_t max_bytes, const std::string& what);

/// value.dump(-1, ' ', false, replace): the same bytes (invalid UTF-8 replaced), written without
/// nlohmann's character-by-character output (a plan's 40 KB in a quarter of the time).
std::string dump_json(const nlohmann::json& value);

/// JSON documents kept as text (a stored plan, an intake) in a larger JSON value, without
/// parsing them and writing them out again (most of a patient record's cost): raw(text) stands
/// for the text inside the value; dump(value) writes the value (UTF-8 errors replaced, as
/// everywhere in the API) with each text in its place. A text that is not valid JSON goes in
/// as a JSON string, as json::parse would have left it. The texts must outlive the splice.
class JsonSplice {
 public:
  nlohmann::json raw(const std::string& text);
  /// As raw(), for a text this process wrote with dump() (parts of a document written once and
  /// kept): not checked again.
  nlohmann::json dumped(const std::string& text);
  std::string dump(const nlohmann::json& value) const;

 private:
  std::vector<const std::string*> texts_;
};

}  // namespace dermaplan
