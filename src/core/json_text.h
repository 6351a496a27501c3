// Reading JSON text from users (intake files, request bodies) with a size limit.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace dermaplan {

/// Parses `text` as JSON. Larger than `max_bytes`, malformed (with its byte offset), holding
/// a value JSON cannot represent here (a number beyond a double) or a field name given twice
/// in one object is an InputError whose `where` is `what` ("intake", "request body"). A string or field name the database cannot
/// store (a "\u0000" escape; see storable_text.h) is an InputError whose `where` is its JSON
/// pointer ("/username").
nlohmann::json parse_json_text(std::string_view text, size_t max_bytes, const std::string& what);

}  // namespace dermaplan
