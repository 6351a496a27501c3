// Helpers the subcommands share: loading the knowledge base, reading input files, dates.
#pragma once

#include "cli/commands.h"
#include "core/civil_date.h"
#include "interop/pdf_layout.h"
#include "core/errors.h"
#include "kb/knowledge_base.h"

#include <initializer_list>
#include <string>
#include <string_view>

namespace dermaplan::cli {

/// Loads the knowledge base named by the common options (or the bundled one) with the policy.
kb::KnowledgeBase load_kb(const CommonOptions& common);

/// Reads a whole file, or standard input for "-", up to max_bytes (InputError beyond, naming `option`).
std::string read_input(const std::string& path, size_t max_bytes, const std::string& option);

/// Parses a --date style option; empty = today (UTC).
CivilDate date_option(const std::string& text, const std::string& option);

/// Writes bytes to a file, or standard output for "-" (InputError naming `option` when the file
/// cannot be opened).
void write_output(const std::string& path, const std::string& bytes, const std::string& option);

/// Parses --paper (a4, letter).
interop::Paper paper_option(const std::string& text);
/// Which option a request field came from, to report a use case's error where the user typed it.
struct OptionFor {
  std::string_view pointer;  //!< "/areas" matches "/areas" and "/areas/2"
  std::string_view option;   //!< "--area"
  /// The field is a file's content (an intake): the rest of the pointer is the place inside the
  /// file, reported as it is ("/medications/0/code"); the pointer alone names the option.
  bool inside_file = false;
};

/// `e` with its request pointer replaced by the option (the first matching entry); unchanged
/// when nothing matches.
InputError as_option_error(const InputError& e, std::initializer_list<OptionFor> table);

/// Validates --format.
bool json_format(const std::string& format, const std::string& option = "--format");

}  // namespace dermaplan::cli
