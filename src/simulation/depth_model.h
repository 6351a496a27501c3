// How deep needles really go: effective depth = nominal length x efficiency(length, pressure),
// with a per-puncture random spread, compared with the skin layers of the treated region.
// The efficiency curve and its sources are in depth_model.cpp (one table).
#pragma once

#include "simulation/geometry.h"
#include "simulation/random.h"

#include <string>
#include <vector>

namespace dermaplan::simulation {

/// Effective depth / nominal length: the mean, and the per-puncture coefficient of variation.
struct DepthEfficiency {
  double mean = 0.5;
  double cv = 0.15;
};

/// The curve, interpolated linearly in needle length (clamped at the table's ends).
DepthEfficiency depth_efficiency(double needle_length_mm, Pressure pressure);

/// Source ids behind the curve (lowercase fact-sheet keys).
const std::vector<std::string>& depth_curve_sources();

/// Model choices no source gives, stated for the output's `assumptions` list.
const std::vector<std::string>& depth_model_assumptions();

/// One puncture's effective depth in um: L * mean * (1 + cv * z), clamped to [0, L]
/// (a needle cannot go deeper than its length).
double sample_depth_um(double needle_length_mm, const DepthEfficiency& efficiency, Rng& rng);

enum class DepthClass { epidermis, papillary_dermis, reticular_dermis, beyond_dermis };

/// Where a channel of this depth ends for the given epidermis and dermis thickness.
DepthClass classify_depth(double depth_um, double epidermis_um, double dermis_um,
                          double papillary_fraction);

/// Share of channels per class, indexed by DepthClass.
struct DepthClassFractions {
  double fraction[4] = {0, 0, 0, 0};
  double operator[](DepthClass c) const { return fraction[static_cast<int>(c)]; }
  double reaching_dermis() const { return fraction[1] + fraction[2] + fraction[3]; }
};

/// The class fractions the model predicts for one puncture (no merging), by numerical
/// integration over the depth distribution and the uniform layer-thickness ranges.
DepthClassFractions expected_depth_classes(double needle_length_mm,
                                           const DepthEfficiency& efficiency,
                                           const SkinLayers& skin);

std::string to_string(DepthClass);

}  // namespace dermaplan::simulation
