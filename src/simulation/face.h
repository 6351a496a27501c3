// Whole-face mode: one simulation per facial region of a plan, each on a square patch of the
// region's approximate area.
#pragma once

#include "simulation/render.h"
#include "simulation/simulation.h"

#include <string>
#include <string_view>
#include <vector>

namespace dermaplan::simulation {

/// Approximate skin area of a facial region, both sides together, in cm^2; 0 when the region
/// is not in the table. MODEL ASSUMPTION: no source in the fact sheets gives region areas.
double face_region_area_cm2(std::string_view region_id);

/// One region of a face plan: what to simulate there (input.patch is set from the area).
struct FaceRegionPlan {
  std::string region_id;
  std::string name;
  SimulationInput input;
};

/// Simulates every region; region k uses seed + k. Runs regions in parallel unless
/// `parallel` is false; the result does not depend on it.
std::vector<FaceRegionResult> simulate_face(const std::vector<FaceRegionPlan>& plan,
                                            bool parallel = true);

/// Totals over the face: punctures, channels, area, and the share of channels per depth class.
struct FaceSummary {
  double area_cm2 = 0;
  std::size_t punctures = 0;
  std::size_t channels = 0;
  DepthClassFractions depth_class;
};

FaceSummary summarise_face(const std::vector<FaceRegionResult>& regions);

}  // namespace dermaplan::simulation
