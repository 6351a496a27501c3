#include "server/json_body.h"

#include "core/civil_date.h"
#include "core/errors.h"
#include "core/json_text.h"
#include "server/api_error.h"

#include <climits>
#include <cstdint>

namespace dermaplan::server {

nlohmann::json parse_body(std::string_view text, size_t max_bytes) {
  if (text.size() > max_bytes)
    throw ApiError(413, "payload_too_large",
                   "the body has " + std::to_string(text.size()) + " bytes; at most " + std::to_string(max_bytes) +
                       " are accepted");
  nlohmann::json doc;
  try {
    doc = parse_json_text(text, max_bytes, "request body");
  } catch (const InputError& e) {
    // A JSON pointer (an unstorable string) is the error's field; else the body as a whole.
    if (e.where().rfind('/', 0) == 0) throw ApiError::bad_request(e.message(), e.where());
    throw ApiError::bad_request(e.what(), "");
  }
  if (!doc.is_object()) throw ApiError::bad_request("the body must be a JSON object", "");
  return doc;
}

void refuse_null_fields(const nlohmann::json& object, const std::string& path) {
  if (!object.is_object()) return;
  for (auto it = object.begin(); it != object.end(); ++it)
    if (it->is_null())
      throw ApiError::bad_request("'" + it.key() + "' must be a value, not null (leave it out to keep it; \"\" clears a "
                                  "text)",
                                  path + "/" + it.key());
}

JsonBody::JsonBody(const nlohmann::json& object, std::string path) : object_(object), path_(std::move(path)) {
  if (!object_.is_object()) throw ApiError::bad_request("expected a JSON object", path_.empty() ? "/" : path_);
}

const nlohmann::json* JsonBody::get(const char* name) {
  seen_.insert(name);
  auto it = object_.find(name);
  if (it == object_.end() || it->is_null()) return nullptr;
  return &*it;
}

const nlohmann::json* JsonBody::raw(const char* name) { return get(name); }

std::optional<std::string> JsonBody::text(const char* name) {
  const auto* v = get(name);
  if (!v) return std::nullopt;
  if (!v->is_string()) throw ApiError::bad_request(std::string("'") + name + "' must be a string", field(name));
  return v->get<std::string>();
}

std::string JsonBody::required_text(const char* name) {
  auto v = text(name);
  if (!v || v->empty()) throw ApiError::bad_request(std::string("'") + name + "' is required", field(name));
  return *v;
}

std::optional<long long> JsonBody::integer(const char* name) {
  const auto* v = get(name);
  if (!v) return std::nullopt;
  if (!v->is_number_integer()) throw ApiError::bad_request(std::string("'") + name + "' must be an integer", field(name));
  // A whole number past 2^63 - 1 is read as unsigned: it would wrap to a negative id or version
  // and be answered as a record that does not exist or changed.
  if (v->is_number_unsigned() && v->get<std::uint64_t>() > static_cast<std::uint64_t>(LLONG_MAX))
    throw ApiError::bad_request(std::string("'") + name + "' is too large (at most 9223372036854775807)", field(name));
  return v->get<long long>();
}

long long JsonBody::required_integer(const char* name) {
  auto v = integer(name);
  if (!v) throw ApiError::bad_request(std::string("'") + name + "' is required", field(name));
  return *v;
}

std::optional<double> JsonBody::number(const char* name) {
  const auto* v = get(name);
  if (!v) return std::nullopt;
  if (!v->is_number()) throw ApiError::bad_request(std::string("'") + name + "' must be a number", field(name));
  return v->get<double>();
}

std::optional<bool> JsonBody::boolean(const char* name) {
  const auto* v = get(name);
  if (!v) return std::nullopt;
  if (!v->is_boolean()) throw ApiError::bad_request(std::string("'") + name + "' must be true or false", field(name));
  return v->get<bool>();
}

std::optional<std::string> JsonBody::date(const char* name) {
  auto v = text(name);
  if (!v || v->empty()) return std::nullopt;
  if (!parse_civil_date(*v))
    throw ApiError::bad_request(std::string("'") + name + "' must be a real date YYYY-MM-DD", field(name));
  return v;
}

std::optional<std::vector<std::string>> JsonBody::texts(const char* name) {
  const auto* v = get(name);
  if (!v) return std::nullopt;
  if (!v->is_array()) throw ApiError::bad_request(std::string("'") + name + "' must be an array of strings", field(name));
  std::vector<std::string> out;
  for (size_t i = 0; i < v->size(); ++i) {
    if (!(*v)[i].is_string())
      throw ApiError::bad_request(std::string("'") + name + "' must be an array of strings",
                                  field(name) + "/" + std::to_string(i));
    out.push_back((*v)[i].get<std::string>());
  }
  return out;
}

void JsonBody::finish() const {
  for (auto it = object_.begin(); it != object_.end(); ++it)
    if (!seen_.count(it.key()))
      throw ApiError::bad_request("unknown field '" + it.key() + "'", path_ + "/" + it.key());
}

}  // namespace dermaplan::server
