// The one error type of the HTTP layer: a status, a stable code, a message and the JSON path of
// the field at fault. Handlers throw it; Api::handle turns it (and every engine or store error)
// into {"error": {"code", "message", "field"}} (clinic/failure.h maps the others).
#pragma once

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace dermaplan::server {

class ApiError : public std::runtime_error {
 public:
  ApiError(int status, std::string code, const std::string& message, std::string field = "")
      : std::runtime_error(message), status_(status), code_(std::move(code)), field_(std::move(field)) {}
  int status() const { return status_; }
  const std::string& code() const { return code_; }
  const std::string& field() const { return field_; }
  /// Response headers the error needs (e.g. Allow on a 405).
  const std::vector<std::pair<std::string, std::string>>& headers() const { return headers_; }
  ApiError& with_header(std::string name, std::string value) {
    headers_.emplace_back(std::move(name), std::move(value));
    return *this;
  }

  static ApiError bad_request(const std::string& message, std::string field = "") {
    return ApiError(400, "bad_request", message, std::move(field));
  }
  static ApiError not_found(const std::string& message, std::string field = "") {
    return ApiError(404, "not_found", message, std::move(field));
  }

 private:
  int status_;
  std::string code_;
  std::string field_;
  std::vector<std::pair<std::string, std::string>> headers_;
};

/// The JSON body of an error response; the members of `details` (an object) join the error's.
std::string error_body(const std::string& code, const std::string& message, const std::string& field = "",
                       const nlohmann::json& details = nullptr);

}  // namespace dermaplan::server
