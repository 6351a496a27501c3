#include "core/storable_text.h"

#include "core/errors.h"

#include <fmt/format.h>

namespace dermaplan {
namespace {

/// The byte offset of the first byte that is not part of well-formed UTF-8 (RFC 3629: no
/// overlong forms, no surrogates, nothing beyond U+10FFFF), or npos.
size_t first_invalid_utf8(std::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) { ++i; continue; }
    size_t len = 0;
    unsigned min = 0;
    unsigned cp = 0;
    if (c >= 0xC2 && c <= 0xDF) { len = 2; cp = c & 0x1F; min = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; cp = c & 0x0F; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; cp = c & 0x07; min = 0x10000; }
    else return i;
    if (i + len > n) return i;
    for (size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += len;
  }
  return std::string_view::npos;
}

std::string escape_pointer_token(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

}  // namespace

std::string ascii_lower(std::string_view text) {
  std::string out(text);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

bool equal_ignoring_ascii_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && ascii_lower(a) == ascii_lower(b);
}

std::size_t count_code_points(std::string_view text) {
  std::size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

std::size_t count_visible_characters(std::string_view text) {
  const auto invisible = [](char32_t cp) {
    return cp <= 0x20 || (cp >= 0x7F && cp <= 0xA0) || cp == 0xAD || cp == 0x034F || cp == 0x061C ||
           cp == 0x115F || cp == 0x1160 || cp == 0x1680 || cp == 0x180E || (cp >= 0x2000 && cp <= 0x200F) ||
           (cp >= 0x2028 && cp <= 0x202F) || (cp >= 0x205F && cp <= 0x206F) || cp == 0x3000 || cp == 0x3164 ||
           cp == 0xFEFF || cp == 0xFFA0 || (cp >= 0xFFF0 && cp <= 0xFFF8) || (cp >= 0xE0000 && cp <= 0xE007F);
  };
  // Combining marks and variation selectors belong to the character before them: "e" with
  // nine accents is one character a reader sees.
  const auto combining = [](char32_t cp) {
    return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x1AB0 && cp <= 0x1AFF) || (cp >= 0x1DC0 && cp <= 0x1DFF) ||
           (cp >= 0x20D0 && cp <= 0x20FF) || (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xFE20 && cp <= 0xFE2F) ||
           (cp >= 0xE0100 && cp <= 0xE01EF);
  };
  std::size_t n = 0;
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    const std::size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    char32_t cp = len == 1 ? c : c & (0x7F >> len);
    for (std::size_t k = 1; k < len && i + k < text.size(); ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    n += !invisible(cp) && !combining(cp);
    i += len;
  }
  return n;
}

std::string unstorable_reason(std::string_view text) {
  const size_t nul = text.find('\0');
  const size_t bad = first_invalid_utf8(text);
  if (nul == std::string_view::npos && bad == std::string_view::npos) return "";
  if (nul < bad) return fmt::format("a NUL byte (U+0000) at byte {}", nul);
  return fmt::format("invalid UTF-8 at byte {}", bad);
}

void require_storable_text(std::string_view text, const std::string& where) {
  const std::string reason = unstorable_reason(text);
  if (!reason.empty())
    throw InputError(where, "text with " + reason + " cannot be stored; send UTF-8 text without NUL bytes");
}

void require_storable_json(const nlohmann::json& doc, const std::string& path) {
  // Iterative (request bodies may nest half a million levels deep within their size limit):
  // a stack of containers with the position reached in each; the pointer is built only for
  // the error.
  struct Frame {
    const nlohmann::json* node;
    nlohmann::json::const_iterator next;
    size_t index = 0;
    std::string key;  //!< the member being visited (objects)
  };
  std::vector<Frame> stack;
  auto pointer = [&] {  // of the member each container is visiting
    std::string out = path;
    for (const Frame& f : stack)
      out += "/" + (f.node->is_object() ? escape_pointer_token(f.key) : std::to_string(f.index - 1));
    return out.empty() ? std::string("/") : out;
  };
  auto visit = [&](const nlohmann::json& value) {
    if (value.is_string()) {
      const std::string reason = unstorable_reason(value.get_ref<const std::string&>());
      if (!reason.empty())
        throw InputError(pointer(), "text with " + reason + " cannot be stored; send UTF-8 text without NUL bytes");
    } else if (value.is_structured()) {
      stack.push_back(Frame{&value, value.cbegin(), 0, ""});
    }
  };
  if (doc.is_string()) {
    require_storable_text(doc.get_ref<const std::string&>(), path.empty() ? "/" : path);
    return;
  }
  visit(doc);
  while (!stack.empty()) {
    Frame& top = stack.back();
    if (top.next == top.node->cend()) {
      stack.pop_back();
      continue;
    }
    const nlohmann::json& value = *top.next;
    if (top.node->is_object()) {
      top.key = top.next.key();
      const std::string reason = unstorable_reason(top.key);
      if (!reason.empty())
        throw InputError(pointer(),
                         "a field name with " + reason + " cannot be stored; send UTF-8 text without NUL bytes");
    }
    ++top.next;
    ++top.index;
    visit(value);  // may push: `top` is not used after this
  }
}

}  // namespace dermaplan
