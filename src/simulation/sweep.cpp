#include "simulation/sweep.h"

#include "core/errors.h"

#include <fmt/format.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <atomic>
#include <cmath>

namespace dermaplan::simulation {

std::vector<double> sweep_values(const SweepSpec& spec) {
  if (!(spec.step > 0) || !std::isfinite(spec.from) || !std::isfinite(spec.to) || spec.to < spec.from)
    throw InputError("sweep", fmt::format("need from <= to and step > 0 (got {}..{} step {})",
                                          spec.from, spec.to, spec.step));
  const double count = std::floor((spec.to - spec.from) / spec.step + 1e-9) + 1;
  if (count > 1000)
    throw InputError("sweep", fmt::format("{:.0f} points; at most 1000", count));
  std::vector<double> values;
  for (int i = 0; i < static_cast<int>(count); ++i) values.push_back(spec.from + i * spec.step);
  return values;
}

SimulationInput with_value(const SimulationInput& base, SweepParameter parameter, double value) {
  SimulationInput input = base;
  switch (parameter) {
    case SweepParameter::passes:
      input.technique.passes = static_cast<int>(std::lround(value));
      break;
    case SweepParameter::needle_length_mm:
      std::visit([&](auto& g) { g.needle_length_mm = value; }, input.device);
      break;
    case SweepParameter::overlap:
      input.technique.overlap = value;
      break;
    case SweepParameter::glide_speed_mm_s:
      if (auto* pen = std::get_if<PenGeometry>(&input.device))
        pen->glide_speed_mm_s = value;
      else
        throw InputError("sweep", "glide speed applies to pens only");
      break;
  }
  return input;
}

std::vector<SweepPoint> run_sweep(const SimulationInput& base, const SweepSpec& spec,
                                  const SweepProgress& progress) {
  const std::vector<double> values = sweep_values(spec);
  std::vector<SweepPoint> points(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    points[i].value = values[i];
    points[i].result.input = with_value(base, spec.parameter, values[i]);
    validate(points[i].result.input);
  }
  std::atomic<std::size_t> done{0};
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, points.size(), 1),
                    [&](const tbb::blocked_range<std::size_t>& range) {
                      for (std::size_t i = range.begin(); i != range.end(); ++i) {
                        points[i].result = simulate(points[i].result.input);
                        const std::size_t finished = ++done;
                        if (progress) progress(finished, points.size());
                      }
                    });
  return points;
}

std::string to_string(SweepParameter parameter) {
  switch (parameter) {
    case SweepParameter::passes: return "passes";
    case SweepParameter::needle_length_mm: return "needle_length_mm";
    case SweepParameter::overlap: return "overlap";
    case SweepParameter::glide_speed_mm_s: return "glide_speed_mm_s";
  }
  return "?";
}

}  // namespace dermaplan::simulation
