#include "simulation/sweep.h"

#include "core/errors.h"
#include "simulation/report.h"

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

namespace {

/// "1 to 30", "0.25 to 2.5 mm" or "4" for a single value; `scale` converts for display (100
/// for overlap in %), `unit` follows the numbers ("", " mm", " %").
std::string value_range(const std::vector<double>& values, double scale, const std::string& unit,
                        bool whole) {
  auto show = [&](double v) {
    return fmt::format("{:g}", whole ? static_cast<double>(std::lround(v)) : v * scale);
  };
  if (values.size() == 1) return show(values.front()) + unit;
  return fmt::format("{} to {}{}", show(values.front()), show(values.back()), unit);
}

/// " (step 0.25 mm)" when more than two values are swept, except passes in steps of 1.
std::string step_text(const std::vector<double>& values, const SweepSpec& spec, double scale,
                      const std::string& unit, bool whole) {
  if (values.size() <= 2 || (whole && spec.step == 1)) return "";
  return fmt::format(" (step {:g}{})", spec.step * scale, unit);
}

std::string directions_text(const Technique& t) {
  std::string out;
  for (std::size_t i = 0; i < t.directions.size(); ++i) out += (i ? "," : "") + to_string(t.directions[i]);
  return out;
}

}  // namespace

std::string sweep_title(const SimulationInput& base, const SweepSpec& spec) {
  const std::vector<double> values = sweep_values(spec);
  const Technique& t = base.technique;
  std::string device = base.device_label, technique, swept;
  switch (spec.parameter) {
    case SweepParameter::passes:
      // The base input's pass count is replaced by the range: each point has its own.
      technique = fmt::format("{} {}{} {}, {} pressure{}", value_range(values, 1, "", true),
                              values.size() == 1 && std::lround(values.front()) == 1 ? "pass" : "passes",
                              step_text(values, spec, 1, "", true), directions_text(t), to_string(t.pressure),
                              t.overlap > 0 ? fmt::format(", {:g} % overlap", 100 * t.overlap) : "");
      swept = "passes";
      break;
    case SweepParameter::overlap:
      technique = fmt::format("{} pass{} {}, {} pressure, {} overlap{}", t.passes, t.passes == 1 ? "" : "es",
                              directions_text(t), to_string(t.pressure), value_range(values, 100, " %", false),
                              step_text(values, spec, 100, " %", false));
      swept = "overlap";
      break;
    case SweepParameter::needle_length_mm:
      device += fmt::format(", needles {}", value_range(values, 1, " mm", false) + step_text(values, spec, 1, " mm", false));
      technique = describe_technique(t);
      swept = "needle length";
      break;
    case SweepParameter::glide_speed_mm_s:
      device += fmt::format(", glide {}", value_range(values, 1, " mm/s", false) + step_text(values, spec, 1, " mm/s", false));
      technique = describe_technique(t);
      swept = "glide speed";
      break;
  }
  return fmt::format("{} · {} · {} · sweep of {}", device, technique, base.region_label, swept);
}

}  // namespace dermaplan::simulation
