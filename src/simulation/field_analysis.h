// Geometry of a puncture field: which punctures merge into one channel, how much skin the holes
// cover, how far apart the channels are and how large the untreated gaps get.
#pragma once

#include "simulation/puncture_field.h"

#include <cstdint>
#include <vector>

namespace dermaplan::simulation {

struct FieldAnalysis {
  //! Per puncture: 1 when it opened a new channel, 0 when it slid into an earlier hole closer
  //! than the needle diameter (fernandes-interview). Punctures are taken in the order made.
  std::vector<std::uint8_t> founder;
  //! Per puncture: the index of its channel.
  std::vector<std::uint32_t> channel_of;
  std::uint32_t channel_count = 0;  //!< in the whole window
  //! Area of the union of all holes (discs of the needle diameter) inside the patch.
  double punctured_area_mm2 = 0;
  //! For each channel opened inside the patch: distance to the nearest other channel.
  std::vector<double> nearest_neighbour_mm;
  //! Diameter of the largest puncture-free disc centred in the patch, on a raster of
  //! gap_resolution_mm (error up to about one raster cell).
  double largest_gap_mm = 0;
  double gap_resolution_mm = 0;
};

/// Analyses a field. `density_hint_per_mm2` sizes the search grid (any positive value is
/// correct; the expected density is fastest). `seed` drives the coverage probes. `stop` is
/// asked every 65,536 punctures and between the analysis steps (SimulationStopped).
FieldAnalysis analyse_field(const PunctureField& field, double needle_diameter_mm,
                            double density_hint_per_mm2, std::uint64_t seed,
                            const StopRequested& stop = {});

}  // namespace dermaplan::simulation
