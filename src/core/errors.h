// Error types, one per layer, each saying what was wrong and where.
#pragma once

#include <stdexcept>
#include <string>

namespace dermaplan {

/// Bad input from a user: a malformed intake, an unknown code, an impossible date.
/// `where` is a JSON path ("/medications/2/last_dose") or a command-line option ("--area").
/// Caught at the CLI/HTTP boundary: exit code 2 or HTTP 400.
class InputError : public std::runtime_error {
 public:
  InputError(std::string where, const std::string& what)
      : std::runtime_error(where.empty() ? what : where + ": " + what), where_(std::move(where)) {}
  const std::string& where() const { return where_; }

 private:
  std::string where_;
};

/// A broken knowledge-base or policy file. `where` is "file:line".
class KnowledgeError : public std::runtime_error {
 public:
  KnowledgeError(std::string where, const std::string& what)
      : std::runtime_error(where + ": " + what), where_(std::move(where)) {}
  const std::string& where() const { return where_; }

 private:
  std::string where_;
};

}  // namespace dermaplan
