// Reading a JSON request body field by field: every wrong type, missing field or unknown field
// becomes ApiError 400 naming the field's JSON path ("/birth_date").
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace dermaplan::server {

/// Largest JSON body accepted on most routes (photos allow more; see Api).
inline constexpr size_t kMaxJsonBytes = 1 << 20;

/// Parses `text` as a JSON object (parse_json_text in core/json_text.h: malformed or too large is a 400
/// naming the byte offset; a string or field name with a NUL byte is a 400 naming its JSON path).
nlohmann::json parse_body(std::string_view text, size_t max_bytes = kMaxJsonBytes);

/// An update's body (PATCH, PUT): null is no value of any field, 400 at the first one. Read as
/// "left out" it would answer 200 for a change that was not made ("notes": null meant to clear
/// them; "" does).
void refuse_null_fields(const nlohmann::json& object, const std::string& path = "");

class JsonBody {
 public:
  explicit JsonBody(const nlohmann::json& object, std::string path = "");

  std::optional<std::string> text(const char* name);
  std::string required_text(const char* name);
  std::optional<long long> integer(const char* name);
  long long required_integer(const char* name);
  std::optional<double> number(const char* name);
  std::optional<bool> boolean(const char* name);
  /// A YYYY-MM-DD date (checked to be a real day).
  std::optional<std::string> date(const char* name);
  std::optional<std::vector<std::string>> texts(const char* name);
  /// Any JSON value (objects passed on to an engine).
  const nlohmann::json* raw(const char* name);
  /// Throws for the first field that was never asked for (unknown fields are errors).
  void finish() const;

  std::string field(const char* name) const { return path_ + "/" + name; }

 private:
  const nlohmann::json* get(const char* name);
  const nlohmann::json& object_;
  std::string path_;
  std::set<std::string, std::less<>> seen_;
};

}  // namespace dermaplan::server
