// Case folding for the patient-name search, done in C++ so that SQLite (whose LOWER() knows
// only ASCII) and PostgreSQL match the same names.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace dermaplan::records {

/// Lower-cases UTF-8 text (ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic capitals) and
/// drops the diacritics of those letters (ü -> u, ł -> l, ı -> i, ά -> α, ё -> е), so that a
/// search typed without accents finds the names written with them (ø and đ count as o and d).
/// Letters of their own (ß, æ, œ, þ) and other characters (and invalid bytes) pass through.
std::string fold_for_search(std::string_view text);

/// A LIKE pattern matching any text that contains `needle` (already folded): '%', '_' and '\'
/// in it are escaped with '\' (use with ESCAPE '\').
std::string contains_pattern(std::string_view needle);

/// The distinct pairs of adjacent characters (code points; a continuation byte stays with its
/// lead) in `folded`, sorted: the rows of patient_name_pairs, which serves every search of two
/// characters or more (soci_store.cpp). Empty for a name of fewer than two characters.
std::vector<std::string> character_pairs(std::string_view folded);

}  // namespace dermaplan::records
