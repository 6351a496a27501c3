// Inputs of the device simulator: plain structs with documented defaults. The engine never
// reads the knowledge base; the CLI (or any caller) fills these from it.
// Lengths are in mm unless the name says _um; all structs are values, safe to copy and share.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <string>
#include <variant>
#include <vector>

namespace dermaplan::simulation {

/// A dermaroller: N needles in R rings across a drum of diameter D and width W.
/// Needles are evenly spaced around each ring (N/R per ring, the first N%R rings get one more).
struct RollerGeometry {
  int needles = 192;                 //!< N; MF8 type: 192 [schwarz2011, singh2016]
  int rings = 8;                     //!< R, rings of needles across the drum width
  double drum_diameter_mm = 20;      //!< D
  double drum_width_mm = 20;         //!< W
  double needle_length_mm = 1.5;     //!< nominal length L
  double needle_diameter_mm = 0.25;  //!< base diameter; also the hole diameter and merge distance
  double phase = 0;                  //!< offset of every second ring, as a fraction of the
                                     //!< circumferential pitch (0 = straight rows, 0.5 = staggered)
};

enum class PenPattern { lines, circles };

/// An automated pen: n needles in a tip of diameter w stamping at f Hz while gliding at v.
struct PenGeometry {
  int needles = 12;                  //!< n per cartridge
  double stroke_rate_hz = 100;       //!< f
  double glide_speed_mm_s = 20;      //!< v, mean speed of the tip over the skin
  double tip_diameter_mm = 5;        //!< needle footprint diameter (model assumption: 5 mm)
  double needle_length_mm = 1.0;     //!< dial depth
  double needle_diameter_mm = 0.25;  //!< 30-32 gauge is 0.24-0.31 mm
  PenPattern pattern = PenPattern::lines;
};

using DeviceGeometry = std::variant<RollerGeometry, PenGeometry>;

/// Stroke directions: h = along x, v = along y, d1 = 45 degrees, d2 = 135 degrees.
enum class Direction { horizontal, vertical, diagonal_up, diagonal_down };

enum class Pressure { light, medium, firm };

/// The operator's hand: per-stroke random deviations (model assumptions, no source gives them).
struct Jitter {
  double direction_deg = 3.0;  //!< standard deviation of each stroke's angle
  double lateral_mm = 0.5;     //!< standard deviation of each stroke's sideways position
};

/// How the device is used. Pass k uses directions[k % directions.size()].
struct Technique {
  int passes = 1;                                        //!< 1..1000
  std::vector<Direction> directions{Direction::horizontal};
  double overlap = 0;                                    //!< fraction of a stroke's width shared
                                                         //!< with the next stroke, 0..0.9
  Pressure pressure = Pressure::medium;
  Jitter jitter;
};

struct RangeUm {
  double min_um = 0;
  double max_um = 0;
};

/// Skin layer thickness of the treated region; each channel samples a thickness uniformly
/// within the ranges (the range stands for the variation between and within patients).
struct SkinLayers {
  RangeUm epidermis_um{66, 123};   //!< histological epidermis (depth of the basement membrane)
  RangeUm dermis_um{1107, 1943};
  double papillary_fraction = 0.2; //!< top share of the dermis that is papillary (assumption)
  std::vector<std::string> sources{"selcuk"};  //!< where the thickness figures come from
};

/// The simulated skin window. Strokes extend beyond it (it is a window into a uniformly
/// treated area) so that its edges are not under-treated.
struct Patch {
  double width_mm = 20;
  double height_mm = 20;
};

/// Everything one simulation depends on. simulate() is a pure function of this struct.
struct SimulationInput {
  DeviceGeometry device = RollerGeometry{};
  Technique technique;
  SkinLayers skin;
  Patch patch;
  std::uint64_t seed = 1;
  std::string device_label = "roller";  //!< for titles and reports only
  std::string region_label = "cheek";   //!< for titles and reports only
};

std::string to_string(Direction);
std::string to_string(Pressure);
std::string to_string(PenPattern);
/// Inverses of to_string; directions also accept horizontal, vertical, diagonal_up, diagonal_down.
std::optional<Direction> parse_direction(std::string_view text);
std::optional<Pressure> parse_pressure(std::string_view text);
std::optional<PenPattern> parse_pen_pattern(std::string_view text);

}  // namespace dermaplan::simulation
