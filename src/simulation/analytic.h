// Closed-form expectations the simulation is checked against (device-physics.md sections 2-3).
#pragma once

#include "simulation/geometry.h"

namespace dermaplan::simulation {

/// Roller punctures per cm^2 per pass: N / (pi * D * W)  [singh2016; doddaballapur2009].
double roller_density_per_pass_per_cm2(const RollerGeometry& roller);

/// The swath one pen stroke line covers: the tip for lines; tip + circle diameter for circles.
double pen_swath_width_mm(const PenGeometry& pen);

/// For the circles pattern: the tip circles with radius tip/2 and advances tip/2 per loop
/// (model assumption); returns path length per loop / advance per loop (1 for lines).
double pen_path_per_advance(const PenGeometry& pen);

/// Pen punctures per cm^2 per pass: n * f / (v * w) for lines, with v the tip's speed over
/// the skin and w the swath width (device-physics.md section 3, derived); circles divide the
/// forward speed by pen_path_per_advance().
double pen_density_per_pass_per_cm2(const PenGeometry& pen);

/// Expected punctures per cm^2 of a whole technique: passes * per-pass density / (1 - overlap).
double expected_density_per_cm2(const DeviceGeometry& device, const Technique& technique);

/// Fraction of skin inside at least one hole of radius r when holes fall at random (Poisson)
/// with density lambda: 1 - exp(-lambda * pi * r^2).
double random_punctured_fraction(double density_per_cm2, double hole_radius_mm);

/// Unique channels per cm^2 when punctures fall at random and a puncture closer than d to an
/// existing channel slides into it (mean-field: d lambda_c / d lambda = exp(-lambda_c pi d^2)):
/// lambda_c = ln(1 + lambda pi d^2) / (pi d^2).
double random_channel_density_per_cm2(double density_per_cm2, double merge_distance_mm);

/// Mean nearest-neighbour distance of a Poisson pattern: 1 / (2 sqrt(lambda)).
double random_mean_nearest_neighbour_mm(double density_per_cm2);

/// Median diameter of the largest empty disc in area A for a Poisson pattern (Janson's
/// coverage limit: lambda a = ln(A/a) + 2 ln ln(A/a) - ln ln 2, a = pi rho^2).
double random_largest_gap_mm(double density_per_cm2, double area_cm2);

/// The stroke angle in radians of a direction.
double direction_angle_rad(Direction direction);

}  // namespace dermaplan::simulation
