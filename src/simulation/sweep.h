// Runs one simulation per value of a parameter, in parallel on all cores (oneTBB). Every point
// uses the same seed, so curves differ only by the parameter; results do not depend on the
// number of threads.
#pragma once

#include "simulation/simulation.h"

#include <functional>
#include <string>
#include <vector>

namespace dermaplan::simulation {

enum class SweepParameter {
  passes,            //!< technique.passes (rounded to an integer)
  needle_length_mm,  //!< the device's needle length
  overlap,           //!< technique.overlap
  glide_speed_mm_s,  //!< pens only
};

struct SweepSpec {
  SweepParameter parameter = SweepParameter::passes;
  double from = 1, to = 30, step = 1;
};

struct SweepPoint {
  double value = 0;
  SimulationResult result;
};

/// Called as points finish, from worker threads (the callee synchronises): done, total.
using SweepProgress = std::function<void(std::size_t, std::size_t)>;

/// The values from..to in steps (to included when hit within 1e-9 of a step). Throws
/// InputError("sweep", ...) for an empty or > 1000-point range or a non-positive step.
std::vector<double> sweep_values(const SweepSpec& spec);

/// Applies one value of the parameter to a copy of base.
SimulationInput with_value(const SimulationInput& base, SweepParameter parameter, double value);

/// Simulates every value; validates each point (InputError) before running any.
std::vector<SweepPoint> run_sweep(const SimulationInput& base, const SweepSpec& spec,
                                  const SweepProgress& progress = {});

std::string to_string(SweepParameter);

/// The title of a sweep's chart and table: the device, the technique with the swept parameter
/// given as the range of values actually simulated (never the base input's single value), the
/// region, and what is swept, e.g.
/// "dermaroller-192-1.5 · 1 to 30 passes h,v,d1,d2, medium pressure · cheek · sweep of passes".
/// Throws InputError("sweep", ...) for a range sweep_values() refuses.
std::string sweep_title(const SimulationInput& base, const SweepSpec& spec);

}  // namespace dermaplan::simulation
