// The device simulator: where the needles of a roller or pen land for a technique, how dense
// and even the channels are, and how deep they reach in the skin of a region.
// simulate() is a pure function of its input (same input and seed: bit-identical result) and
// is safe to call from many threads at once.
#pragma once

#include "simulation/depth_model.h"
#include "simulation/geometry.h"
#include "simulation/puncture_field.h"

#include <cstdint>
#include <string>
#include <vector>

namespace dermaplan::simulation {

/// Mean and percentiles of a sample.
struct Distribution {
  double mean = 0, p10 = 0, p50 = 0, p90 = 0;
};

/// Every metric of one simulated treatment, each beside its analytic expectation.
/// "random" expectations are those of punctures placed at random (Poisson) at the expected
/// density; a roller's lattice is more even than that, so its figures may differ.
struct SimulationResult {
  SimulationInput input;

  std::size_t punctures = 0;  //!< made inside the patch
  std::size_t channels = 0;   //!< unique holes opened inside the patch
  double area_cm2 = 0;

  double density_per_cm2 = 0;           //!< punctures / area
  double density_cv = 0;                //!< over 1 mm^2 cells
  double density_expected_per_cm2 = 0;  //!< passes * per-pass formula / (1 - overlap)
  double density_cv_random = 0;         //!< Poisson: 1 / sqrt(mean count per cell)

  double channels_per_cm2 = 0;
  double channels_cv = 0;
  double channels_expected_random_per_cm2 = 0;
  double merged_fraction = 0;  //!< punctures that slid into an earlier hole

  double hole_diameter_mm = 0;
  double punctured_fraction = 0;           //!< union of holes / patch area
  double punctured_fraction_expected = 0;  //!< 1 - exp(-lambda pi r^2) at the expected lambda

  double largest_gap_mm = 0;
  double largest_gap_expected_random_mm = 0;
  double gap_resolution_mm = 0;

  Distribution nearest_neighbour_mm;  //!< between channels
  double nearest_neighbour_expected_random_mm = 0;
  double nearest_neighbour_bin_mm = 0;
  std::vector<std::uint32_t> nearest_neighbour_histogram;

  double needle_length_mm = 0;
  DepthEfficiency efficiency;
  Distribution depth_um;                  //!< per channel (the deepest puncture in it)
  double depth_expected_mean_um = 0;      //!< L * efficiency (before clamping and merging)
  DepthClassFractions depth_class;        //!< share of channels ending in each layer
  DepthClassFractions depth_class_expected;  //!< per puncture, by numerical integration
  double dermis_reach_fraction = 0;
  bool bleeding_expected = false;

  CellCounts puncture_cells;  //!< 1 mm cells over the patch, for heat maps
  CellCounts channel_cells;

  std::vector<std::string> sources;
  std::vector<std::string> assumptions;
  std::vector<std::string> warnings;
};

/// Throws InputError for impossible inputs: zero or negative sizes, fewer needles than rings,
/// passes outside 1..1000, no directions, overlap outside [0, 0.9], bad layer ranges, or more
/// than 20 million punctures. `where` names the field ("roller.drum_diameter_mm",
/// "technique.passes", "patch", ...).
void validate(const SimulationInput& input);

/// Validates, then simulates one treatment.
SimulationResult simulate(const SimulationInput& input);

/// The same, asking `stop` before each pass and between the steps (laying, analysis, depth):
/// throws SimulationStopped when it says stop. A stop that never says stop changes nothing.
SimulationResult simulate(const SimulationInput& input, const StopRequested& stop);

/// The limit of punctures one simulation may lay (memory guard).
inline constexpr double kMaxPunctures = 20e6;

/// The punctures simulate() will lay for `input` (the patch and a margin of up to 10 mm
/// around it), from the device's and technique's expected density, before laying any: what
/// the work grows with. validate() holds it to kMaxPunctures; a caller may hold it to less.
/// Needs a device and technique that validate() accepts to be meaningful.
double estimated_punctures(const SimulationInput& input);

double needle_length_mm(const DeviceGeometry& device);
double needle_diameter_mm(const DeviceGeometry& device);

}  // namespace dermaplan::simulation
