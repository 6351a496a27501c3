#include "simulation/geometry.h"

namespace dermaplan::simulation {

std::string to_string(Direction direction) {
  switch (direction) {
    case Direction::horizontal: return "h";
    case Direction::vertical: return "v";
    case Direction::diagonal_up: return "d1";
    case Direction::diagonal_down: return "d2";
  }
  return "?";
}

std::string to_string(Pressure pressure) {
  switch (pressure) {
    case Pressure::light: return "light";
    case Pressure::medium: return "medium";
    case Pressure::firm: return "firm";
  }
  return "?";
}

std::string to_string(PenPattern pattern) {
  return pattern == PenPattern::lines ? "lines" : "circles";
}

}  // namespace dermaplan::simulation
