#include "records/search_fold.h"

namespace dermaplan::records {
namespace {

char32_t fold(char32_t c) {
  if (c >= U'A' && c <= U'Z') return c + 32;
  if ((c >= 0xC0 && c <= 0xDE && c != 0xD7)) return c + 32;                 // Latin-1 capitals
  if (c >= 0x100 && c <= 0x137 && c % 2 == 0) return c + 1;                 // Ā..ķ pairs
  if (c >= 0x139 && c <= 0x148 && c % 2 == 1) return c + 1;                 // Ĺ..ň pairs
  if (c >= 0x14A && c <= 0x177 && c % 2 == 0) return c + 1;                 // Ŋ..ŷ pairs
  if (c == 0x178) return 0xFF;                                              // Ÿ
  if (c >= 0x179 && c <= 0x17E && c % 2 == 1) return c + 1;                 // Ź..ž pairs
  if (c >= 0x391 && c <= 0x3A9 && c != 0x3A2) return c + 32;                // Greek capitals
  if (c >= 0x410 && c <= 0x42F) return c + 32;                              // Cyrillic А..Я
  if (c >= 0x400 && c <= 0x40F) return c + 80;                              // Cyrillic Ѐ..Џ
  return c;
}

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

}  // namespace

std::string fold_for_search(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    auto b0 = static_cast<unsigned char>(text[i]);
    // Only 1- and 2-byte sequences can hold the letters folded here; copy the rest as bytes.
    if (b0 < 0x80) {
      out += static_cast<char>(fold(b0));
      ++i;
    } else if ((b0 & 0xE0) == 0xC0 && i + 1 < text.size() &&
               (static_cast<unsigned char>(text[i + 1]) & 0xC0) == 0x80) {
      char32_t c = ((b0 & 0x1F) << 6) | (static_cast<unsigned char>(text[i + 1]) & 0x3F);
      append_utf8(out, fold(c));
      i += 2;
    } else {
      out += text[i];
      ++i;
    }
  }
  return out;
}

std::string contains_pattern(std::string_view needle) {
  std::string pattern = "%";
  for (char c : needle) {
    if (c == '%' || c == '_' || c == '\\') pattern += '\\';
    pattern += c;
  }
  pattern += '%';
  return pattern;
}

}  // namespace dermaplan::records
