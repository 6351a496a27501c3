#include "simulation/geometry.h"

#include "core/enum_names.h"

namespace dermaplan::simulation {

namespace {
constexpr EnumName<Direction> kDirectionNames[] = {
    {Direction::horizontal, "h"},    {Direction::vertical, "v"},
    {Direction::diagonal_up, "d1"},  {Direction::diagonal_down, "d2"},
    {Direction::horizontal, "horizontal"}, {Direction::vertical, "vertical"},
    {Direction::diagonal_up, "diagonal_up"}, {Direction::diagonal_down, "diagonal_down"}};
constexpr EnumName<Pressure> kPressureNames[] = {
    {Pressure::light, "light"}, {Pressure::medium, "medium"}, {Pressure::firm, "firm"}};
constexpr EnumName<PenPattern> kPenPatternNames[] = {{PenPattern::lines, "lines"}, {PenPattern::circles, "circles"}};
}  // namespace

std::string to_string(Direction direction) { return std::string(enum_name<Direction>(kDirectionNames, direction)); }
std::string to_string(Pressure pressure) { return std::string(enum_name<Pressure>(kPressureNames, pressure)); }
std::string to_string(PenPattern pattern) { return std::string(enum_name<PenPattern>(kPenPatternNames, pattern)); }

std::optional<Direction> parse_direction(std::string_view text) { return parse_enum<Direction>(kDirectionNames, text); }
std::optional<Pressure> parse_pressure(std::string_view text) { return parse_enum<Pressure>(kPressureNames, text); }
std::optional<PenPattern> parse_pen_pattern(std::string_view text) {
  return parse_enum<PenPattern>(kPenPatternNames, text);
}

}  // namespace dermaplan::simulation
