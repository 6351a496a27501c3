// One mapping from every error a use case can raise to what the transports report: an exit
// code for the command line, an HTTP status for the API, and the same code, message and
// location for both.
#pragma once

#include <nlohmann/json.hpp>

#include <exception>
#include <stdexcept>
#include <string>

namespace dermaplan::clinic {

enum class FailureKind {
  bad_input,           //!< the request is wrong: a field, option, code or date (exit 2, HTTP 400)
  bad_knowledge,       //!< a knowledge-base or policy file is broken (exit 2, HTTP 500)
  not_found,           //!< no such record (exit 2, HTTP 404)
  conflict,            //!< the record changed since it was read, or a rule of the record (exit 4, 409)
  signed_record,       //!< a signed session cannot change; amend it (exit 4, 409)
  refused,             //!< the treatment gate refuses the step; `details` lists why (exit 4, 409)
  forbidden,           //!< this user may not do this (exit 4, 403)
  busy,                //!< too much at once (password hashing); try again (exit 5, 503)
  unavailable,         //!< the database cannot be reached or a file failed (exit 5, 503)
  audit_chain_broken,  //!< the audit log's hash chain does not verify: possible tampering (exit 3)
  internal,            //!< anything else: a bug (exit 1, HTTP 500)
};

/// A use case's refusal that is neither a bad input (InputError) nor a records error.
class ClinicError : public std::runtime_error {
 public:
  ClinicError(FailureKind kind, std::string code, std::string message, std::string where = "",
              nlohmann::json details = nullptr)
      : std::runtime_error(where.empty() ? message : where + ": " + message),
        kind_(kind),
        code_(std::move(code)),
        message_(std::move(message)),
        where_(std::move(where)),
        details_(std::move(details)) {}
  FailureKind kind() const { return kind_; }
  const std::string& code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::string& where() const { return where_; }
  const nlohmann::json& details() const { return details_; }

 private:
  FailureKind kind_;
  std::string code_, message_, where_;
  nlohmann::json details_;
};

/// What went wrong, ready to report.
struct Failure {
  FailureKind kind = FailureKind::internal;
  std::string code;     //!< stable: "bad_request", "not_found", "conflict", "signed", "gate", ...
  std::string message;  //!< what was wrong (and what is accepted), without the location
  std::string where;    //!< JSON pointer into the request ("/areas/0"), option or file:line
  nlohmann::json details = nullptr;  //!< e.g. {"unmet": [...]} for the treatment gate
};

/// Describes an exception (InputError, KnowledgeError, records::RecordError, ClinicError,
/// nlohmann::json errors, anything else as internal). Never throws.
Failure describe_failure(const std::exception_ptr& error) noexcept;

/// 0 is success; 1 internal; 2 bad input; 3 audit chain broken; 4 refused; 5 unavailable.
int exit_code(FailureKind kind);
int http_status(FailureKind kind);

}  // namespace dermaplan::clinic
