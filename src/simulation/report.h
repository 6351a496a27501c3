// Simulation results as JSON (every metric) and as a short readable text summary.
#pragma once

#include "simulation/simulation.h"

#include <nlohmann/json.hpp>

#include <string>

namespace dermaplan::simulation {

/// All metrics with their expectations, the inputs, sources and assumptions.
nlohmann::json to_json(const SimulationResult& result);

/// A few lines for a terminal.
std::string to_text(const SimulationResult& result);

/// "192-needle roller, D 20 x W 20 mm, 1.5 mm" or "12-needle pen, 100 Hz, 20 mm/s, 1.0 mm".
std::string describe_device(const DeviceGeometry& device);

/// "15 passes h,v,d1,d2, medium pressure".
std::string describe_technique(const Technique& technique);

}  // namespace dermaplan::simulation
