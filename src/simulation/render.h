// Pictures of simulations (cairo + pango): a density heat map of one patch, a sweep chart and
// a schematic face map. Each writes a PNG and throws std::runtime_error if it cannot.
#pragma once

#include "simulation/simulation.h"
#include "simulation/sweep.h"

#include <string>
#include <vector>

namespace dermaplan::simulation {

/// Punctures per cm^2 on the 1 mm cells of the patch, with a colour scale, axes in mm and
/// `title` (device, technique, region) on top.
void write_heatmap_png(const SimulationResult& result, const std::string& title,
                       const std::string& path);

/// Punctures and channels per cm^2 (with the expectation) and the largest gap against the
/// swept parameter.
void write_sweep_png(const std::vector<SweepPoint>& points, SweepParameter parameter,
                     const std::string& title, const std::string& path);

/// One simulated facial region for the face map.
struct FaceRegionResult {
  std::string region_id;  //!< forehead, glabella, temple, periorbital, nose, cheek, perioral,
                          //!< chin, jawline are drawn in place; others are listed below the face
  std::string name;
  SimulationResult result;
};

/// Two schematic faces: channel density per region, and where the channels end (the share
/// reaching the dermis, and a mark where any pass beyond it).
void write_face_map_png(const std::vector<FaceRegionResult>& regions, const std::string& title,
                        const std::string& path);

}  // namespace dermaplan::simulation
