// Case folding for the patient-name search, done in C++ so that SQLite (whose LOWER() knows
// only ASCII) and PostgreSQL match the same names.
#pragma once

#include <string>
#include <string_view>

namespace dermaplan::records {

/// Lower-cases UTF-8 text: ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic capitals.
/// Other characters (and invalid bytes) pass through unchanged.
std::string fold_for_search(std::string_view text);

/// A LIKE pattern matching any text that contains `needle` (already folded): '%', '_' and '\'
/// in it are escaped with '\' (use with ESCAPE '\').
std::string contains_pattern(std::string_view needle);

}  // namespace dermaplan::records
