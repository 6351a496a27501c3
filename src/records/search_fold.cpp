#include "records/search_fold.h"

#include <algorithm>

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
  if (c == 0x386) return 0x3AC;                                             // Ά
  if (c >= 0x388 && c <= 0x38A) return c + 37;                              // Έ Ή Ί
  if (c == 0x38C) return 0x3CC;                                             // Ό
  if (c == 0x38E || c == 0x38F) return c + 63;                              // Ύ Ώ
  if (c >= 0x410 && c <= 0x42F) return c + 32;                              // Cyrillic А..Я
  if (c >= 0x400 && c <= 0x40F) return c + 80;                              // Cyrillic Ѐ..Џ
  return c;
}

/// The base letter of a lower-case letter with a diacritic (Latin-1, Latin Extended-A, Greek
/// tonos and dialytika, Cyrillic ё), so that "novak" finds "Novák" and "kru" "Krüger"; letters
/// of their own (æ, ß, ð, þ, œ, ĳ, ŋ) stay as they are.
char32_t strip_diacritic(char32_t c) {
  // U+00E0..U+00FF: àáâãäå æ ç èéêë ìíîï ð ñ òóôõö ÷ ø ùúûü ý þ ÿ
  static constexpr char kLatin1[] = "aaaaaa\0ceeeeiiii\0nooooo\0ouuuuy\0y";
  // U+0100..U+017F, in pairs (capital, small; the capitals are folded already).
  static constexpr char kExtendedA[] =
      "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiii\0\0jjkk\0llllllllllnnnnnnn\0\0"
      "oooooo\0\0rrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";
  static_assert(sizeof(kLatin1) - 1 == 0x20 && sizeof(kExtendedA) - 1 == 0x80);
  if (c >= 0xE0 && c <= 0xFF && kLatin1[c - 0xE0]) return static_cast<unsigned char>(kLatin1[c - 0xE0]);
  if (c >= 0x100 && c <= 0x17F && kExtendedA[c - 0x100]) return static_cast<unsigned char>(kExtendedA[c - 0x100]);
  switch (c) {
    case 0x3AC: return 0x3B1;                          // ά -> α
    case 0x3AD: return 0x3B5;                          // έ -> ε
    case 0x3AE: return 0x3B7;                          // ή -> η
    case 0x3AF: case 0x3CA: case 0x390: return 0x3B9;  // ί ϊ ΐ -> ι
    case 0x3CC: return 0x3BF;                          // ό -> ο
    case 0x3CD: case 0x3CB: case 0x3B0: return 0x3C5;  // ύ ϋ ΰ -> υ
    case 0x3CE: return 0x3C9;                          // ώ -> ω
    case 0x451: return 0x435;                          // ё -> е
    default: return c;
  }
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
      append_utf8(out, strip_diacritic(fold(c)));
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

std::vector<std::string> character_pairs(std::string_view folded) {
  std::vector<std::size_t> starts;  // where each character begins
  for (std::size_t i = 0; i < folded.size(); ++i)
    if ((static_cast<unsigned char>(folded[i]) & 0xC0) != 0x80) starts.push_back(i);
  std::vector<std::string> pairs;
  for (std::size_t k = 0; k + 1 < starts.size(); ++k) {
    const std::size_t end = k + 2 < starts.size() ? starts[k + 2] : folded.size();
    pairs.emplace_back(folded.substr(starts[k], end - starts[k]));
  }
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  return pairs;
}

}  // namespace dermaplan::records
