// Text the database can hold: UTF-8 without NUL bytes. PostgreSQL refuses invalid UTF-8 and
// cuts text at a NUL; SQLite keeps both. Checked once at each boundary (request bodies and
// query values, command-line arguments, restored rows, audit rows), so what is stored, hashed
// and shown is the same on either backend.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace dermaplan {

/// Why `text` cannot be stored ("a NUL byte at byte 6", "invalid UTF-8 at byte 3"); empty if
/// it can.
std::string unstorable_reason(std::string_view text);

/// Throws InputError(where, "... cannot be stored: <reason>") if `text` cannot be stored.
void require_storable_text(std::string_view text, const std::string& where);

/// The characters (Unicode code points) of UTF-8 `text`.
std::size_t count_code_points(std::string_view text);

/// The characters of UTF-8 `text` a reader sees: not spaces of any kind (U+0020, U+00A0,
/// U+2000..U+200A, ...), control characters or invisible format characters (zero-width
/// space and joiners, soft hyphen, word joiner, byte order mark, direction marks); a combining
/// mark counts with the character it sits on.
std::size_t count_visible_characters(std::string_view text);

/// `text` with the ASCII letters in lower case (other bytes as they are): for protocol tokens
/// and login names, not for display.
std::string ascii_lower(std::string_view text);
/// Whether `a` and `b` are equal ignoring the case of ASCII letters (HTTP header values,
/// authentication schemes).
bool equal_ignoring_ascii_case(std::string_view a, std::string_view b);

/// Checks every string and object key of `doc`; the error's `where` is the JSON pointer of the
/// first bad one, after `path` ("" for the document root).
void require_storable_json(const nlohmann::json& doc, const std::string& path = "");

}  // namespace dermaplan
