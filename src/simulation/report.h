// Simulation results as JSON (every metric) and as a short readable text summary.
#pragma once

#include "simulation/simulation.h"

#include <nlohmann/json.hpp>

#include <string>

namespace dermaplan::simulation {

/// All metrics with their expectations, the inputs, sources and assumptions.
nlohmann::json to_json(const SimulationResult& result);

/// The puncture density map for clients that draw it themselves (the HTTP API):
/// {"cell_mm", "width", "height", "per_cm2"}, per_cm2 row-major with per_cm2[iy * width + ix]
/// the cell [ix, ix + 1) x [iy, iy + 1) cell_mm from the patch origin (row 0 at y = 0, which
/// write_heatmap_png draws at the bottom), rounded to whole punctures per cm^2. These are the
/// heat map's own cells when both sides have at most max_side of them; otherwise k x k cells are
/// merged (k the smallest that fits) and only whole merged cells are kept, as for the cells.
nlohmann::json density_map_json(const CellCounts& cells, int max_side = 64);

/// A few lines for a terminal.
std::string to_text(const SimulationResult& result);

/// "192-needle roller, D 20 x W 20 mm, 1.5 mm" or "12-needle pen, 100 Hz, 20 mm/s, 1.0 mm".
std::string describe_device(const DeviceGeometry& device);

/// "15 passes h,v,d1,d2, medium pressure".
std::string describe_technique(const Technique& technique);

}  // namespace dermaplan::simulation
