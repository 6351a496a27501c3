// The practice's own details for the documents it hands out (name and contact on the handout
// and consent form, what to do when something worries the patient), read from a small YAML
// settings file (examples/practice.yaml).
#pragma once

#include <string>
#include <vector>

namespace dermaplan::interop {

struct Practice {
  std::string name = "Your practice";
  std::vector<std::string> address;    //!< lines
  std::string phone;
  std::string email;
  std::string website;
  /// Whom to call and when, in the practice's words (e.g. out-of-hours number).
  std::string when_to_call;
  /// Signs after treatment on which the patient should call, as the practice lists them. The
  /// knowledge base has no sourced list of warning signs, so the practice supplies its own.
  std::vector<std::string> warning_signs;

  /// "Name · address · phone · email · website" (the non-empty parts).
  std::string contact_line() const;
};

/// Parses the settings file's text. `file` names it in errors. InputError "file:line" for
/// invalid YAML, an unknown key (the accepted ones are listed) or a value of the wrong kind.
Practice parse_practice(const std::string& text, const std::string& file);

/// Reads and parses a settings file; InputError naming `option` when it cannot be read.
Practice load_practice(const std::string& path, const std::string& option = "--practice");

}  // namespace dermaplan::interop
