// Error types of the engines, each saying what was wrong and where, as separate fields.
#pragma once

#include <stdexcept>
#include <string>

namespace dermaplan {

/// Bad input from a user: a malformed intake, an unknown code, an impossible date.
/// `where` is a JSON path into the request ("/medications/2/last_dose") or a command-line
/// option ("--area"); `message` says what is wrong and what is accepted. what() joins them.
/// Mapped at the transports: exit code 2 or HTTP 400 (clinic/failure.h).
class InputError : public std::runtime_error {
 public:
  InputError(std::string where, std::string message)
      : std::runtime_error(where.empty() ? message : where + ": " + message),
        where_(std::move(where)),
        message_(std::move(message)) {}
  const std::string& where() const { return where_; }
  const std::string& message() const { return message_; }

 private:
  std::string where_;
  std::string message_;
};

/// A broken knowledge-base or policy file. `where` is "file:line".
class KnowledgeError : public std::runtime_error {
 public:
  KnowledgeError(std::string where, std::string message)
      : std::runtime_error(where + ": " + message), where_(std::move(where)), message_(std::move(message)) {}
  const std::string& where() const { return where_; }
  const std::string& message() const { return message_; }

 private:
  std::string where_;
  std::string message_;
};

}  // namespace dermaplan
