// Closed sets by name: one table per enum gives both directions, so a name is spelled in one
// place. The first entry for a value is its canonical name; later entries are accepted aliases.
//
//   constexpr EnumName<Pressure> kPressureNames[] = {{Pressure::light, "light"}, ...};
//   enum_name(kPressureNames, Pressure::light)   // "light"
//   parse_enum(kPressureNames, "firm")           // Pressure::firm
//   enum_names(kPressureNames)                   // "light, medium, firm" (for error messages)
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace dermaplan {

template <class Enum>
struct EnumName {
  Enum value;
  std::string_view name;
};

/// The canonical name of `value`; "?" if the table lacks it.
template <class Enum>
constexpr std::string_view enum_name(std::span<const EnumName<Enum>> table, Enum value) {
  for (const auto& entry : table)
    if (entry.value == value) return entry.name;
  return "?";
}

/// The value named `text` (exact, case-sensitive), aliases included; nullopt otherwise.
template <class Enum>
constexpr std::optional<Enum> parse_enum(std::span<const EnumName<Enum>> table, std::string_view text) {
  for (const auto& entry : table)
    if (entry.name == text) return entry.value;
  return std::nullopt;
}

/// The canonical names, comma-separated, for "accepted: ..." in error messages.
template <class Enum>
std::string enum_names(std::span<const EnumName<Enum>> table) {
  std::string out;
  for (size_t i = 0; i < table.size(); ++i) {
    bool first_for_value = true;
    for (size_t j = 0; j < i; ++j) first_for_value &= table[j].value != table[i].value;
    if (!first_for_value) continue;
    if (!out.empty()) out += ", ";
    out += table[i].name;
  }
  return out;
}

}  // namespace dermaplan
