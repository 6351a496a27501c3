#include "simulation/analytic.h"

#include <cmath>
#include <numbers>
#include <variant>

namespace dermaplan::simulation {

namespace {
constexpr double kPi = std::numbers::pi;
constexpr double kMm2PerCm2 = 100.0;
}  // namespace

double roller_density_per_pass_per_cm2(const RollerGeometry& roller) {
  const double area_mm2 = kPi * roller.drum_diameter_mm * roller.drum_width_mm;
  return roller.needles / area_mm2 * kMm2PerCm2;
}

double pen_swath_width_mm(const PenGeometry& pen) {
  return pen.pattern == PenPattern::lines ? pen.tip_diameter_mm : 2 * pen.tip_diameter_mm;
}

double pen_path_per_advance(const PenGeometry& pen) {
  if (pen.pattern == PenPattern::lines) return 1.0;
  // Trochoid: centre advances `advance` per loop while circling with radius r.
  const double radius = pen.tip_diameter_mm / 2;
  const double advance = radius;
  constexpr int kSteps = 4096;
  double length = 0;
  for (int i = 0; i < kSteps; ++i) {
    const double theta = 2 * kPi * (i + 0.5) / kSteps;
    const double dx = advance / (2 * kPi) - radius * std::sin(theta);
    const double dy = radius * std::cos(theta);
    length += std::hypot(dx, dy) * (2 * kPi / kSteps);
  }
  return length / advance;
}

double pen_density_per_pass_per_cm2(const PenGeometry& pen) {
  const double forward_speed = pen.glide_speed_mm_s / pen_path_per_advance(pen);
  return pen.needles * pen.stroke_rate_hz / (forward_speed * pen_swath_width_mm(pen)) *
         kMm2PerCm2;
}

double expected_density_per_cm2(const DeviceGeometry& device, const Technique& technique) {
  const double per_pass = std::visit(
      [](const auto& geometry) {
        if constexpr (std::is_same_v<std::decay_t<decltype(geometry)>, RollerGeometry>)
          return roller_density_per_pass_per_cm2(geometry);
        else
          return pen_density_per_pass_per_cm2(geometry);
      },
      device);
  return technique.passes * per_pass / (1 - technique.overlap);
}

double random_punctured_fraction(double density_per_cm2, double hole_radius_mm) {
  const double lambda_mm2 = density_per_cm2 / kMm2PerCm2;
  return 1 - std::exp(-lambda_mm2 * kPi * hole_radius_mm * hole_radius_mm);
}

double random_channel_density_per_cm2(double density_per_cm2, double merge_distance_mm) {
  const double disc_cm2 = kPi * merge_distance_mm * merge_distance_mm / kMm2PerCm2;
  return std::log1p(density_per_cm2 * disc_cm2) / disc_cm2;
}

double random_mean_nearest_neighbour_mm(double density_per_cm2) {
  return 0.5 / std::sqrt(density_per_cm2 / kMm2PerCm2);
}

double random_largest_gap_mm(double density_per_cm2, double area_cm2) {
  const double expected_points = density_per_cm2 * area_cm2;
  if (expected_points < 20) return std::nan("");
  const double t_median = -std::log(std::log(2.0));
  double x = std::log(expected_points);  // x = lambda * pi * rho^2
  for (int i = 0; i < 100; ++i) {
    const double ratio = expected_points / x;  // A / a
    x = std::log(ratio) + 2 * std::log(std::log(ratio)) + t_median;
  }
  const double rho_cm = std::sqrt(x / (kPi * density_per_cm2));
  return 2 * rho_cm * 10;
}

double direction_angle_rad(Direction direction) {
  switch (direction) {
    case Direction::horizontal: return 0;
    case Direction::vertical: return kPi / 2;
    case Direction::diagonal_up: return kPi / 4;
    case Direction::diagonal_down: return 3 * kPi / 4;
  }
  return 0;
}

}  // namespace dermaplan::simulation
