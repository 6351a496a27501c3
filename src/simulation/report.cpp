#include "simulation/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace dermaplan::simulation {

namespace {

using nlohmann::json;

/// Rounds to 4 significant digits for readable output (NaN stays NaN and prints as null).
double sig4(double x) {
  if (!std::isfinite(x) || x == 0) return x;
  const double scale = std::pow(10.0, 3 - std::floor(std::log10(std::abs(x))));
  return std::round(x * scale) / scale;
}

json distribution(const Distribution& d) {
  return {{"mean", sig4(d.mean)}, {"p10", sig4(d.p10)}, {"p50", sig4(d.p50)}, {"p90", sig4(d.p90)}};
}

json classes(const DepthClassFractions& f) {
  json out = json::object();
  for (int c = 0; c < 4; ++c) out[to_string(static_cast<DepthClass>(c))] = sig4(f.fraction[c]);
  return out;
}

std::string directions_list(const Technique& t) {
  std::string out;
  for (std::size_t i = 0; i < t.directions.size(); ++i)
    out += (i ? "," : "") + to_string(t.directions[i]);
  return out;
}

json device_json(const DeviceGeometry& device) {
  if (const auto* r = std::get_if<RollerGeometry>(&device))
    return {{"kind", "roller"}, {"needles", r->needles}, {"rings", r->rings},
            {"drum_diameter_mm", r->drum_diameter_mm}, {"drum_width_mm", r->drum_width_mm},
            {"needle_length_mm", r->needle_length_mm},
            {"needle_diameter_mm", r->needle_diameter_mm}, {"phase", r->phase}};
  const auto& p = std::get<PenGeometry>(device);
  return {{"kind", "pen"}, {"needles", p.needles}, {"stroke_rate_hz", p.stroke_rate_hz},
          {"glide_speed_mm_s", p.glide_speed_mm_s}, {"tip_diameter_mm", p.tip_diameter_mm},
          {"needle_length_mm", p.needle_length_mm}, {"needle_diameter_mm", p.needle_diameter_mm},
          {"pattern", to_string(p.pattern)}};
}

}  // namespace

std::string describe_device(const DeviceGeometry& device) {
  if (const auto* r = std::get_if<RollerGeometry>(&device))
    return fmt::format("{}-needle roller, D {:g} x W {:g} mm, {:g} mm needles", r->needles,
                       r->drum_diameter_mm, r->drum_width_mm, r->needle_length_mm);
  const auto& p = std::get<PenGeometry>(device);
  return fmt::format("{}-needle pen, {:g} Hz, {:g} mm/s, {:g} mm", p.needles, p.stroke_rate_hz,
                     p.glide_speed_mm_s, p.needle_length_mm);
}

std::string describe_technique(const Technique& t) {
  return fmt::format("{} pass{} {}, {} pressure{}", t.passes, t.passes == 1 ? "" : "es",
                     directions_list(t), to_string(t.pressure),
                     t.overlap > 0 ? fmt::format(", {:g} % overlap", 100 * t.overlap) : "");
}

json to_json(const SimulationResult& r) {
  const SimulationInput& in = r.input;
  json out;
  out["device"] = device_json(in.device);
  out["device"]["label"] = in.device_label;
  out["technique"] = {{"passes", in.technique.passes},
                      {"directions", directions_list(in.technique)},
                      {"overlap", in.technique.overlap},
                      {"pressure", to_string(in.technique.pressure)},
                      {"jitter", {{"direction_deg", in.technique.jitter.direction_deg},
                                  {"lateral_mm", in.technique.jitter.lateral_mm}}}};
  out["region"] = {{"label", in.region_label},
                   {"epidermis_um", {in.skin.epidermis_um.min_um, in.skin.epidermis_um.max_um}},
                   {"dermis_um", {in.skin.dermis_um.min_um, in.skin.dermis_um.max_um}},
                   {"papillary_fraction", in.skin.papillary_fraction}};
  out["patch_mm"] = {in.patch.width_mm, in.patch.height_mm};
  out["punctures"] = r.punctures;
  out["area_cm2"] = sig4(r.area_cm2);
  out["density_per_cm2"] = {{"mean", sig4(r.density_per_cm2)},
                            {"cv", sig4(r.density_cv)},
                            {"expected", sig4(r.density_expected_per_cm2)},
                            {"cv_expected_random", sig4(r.density_cv_random)},
                            {"target", {{"min", 250}, {"max", 300}, {"source", "prime2015"}}}};
  out["channels"] = r.channels;
  out["channels_per_cm2"] = {{"mean", sig4(r.channels_per_cm2)},
                             {"cv", sig4(r.channels_cv)},
                             {"expected_random", sig4(r.channels_expected_random_per_cm2)}};
  out["merged_fraction"] = sig4(r.merged_fraction);
  out["punctured_fraction"] = {{"value", sig4(r.punctured_fraction)},
                               {"expected", sig4(r.punctured_fraction_expected)},
                               {"hole_diameter_mm", r.hole_diameter_mm}};
  out["largest_gap_mm"] = sig4(r.largest_gap_mm);
  out["largest_gap"] = {{"value_mm", sig4(r.largest_gap_mm)},
                        {"expected_random_mm", sig4(r.largest_gap_expected_random_mm)},
                        {"resolution_mm", sig4(r.gap_resolution_mm)}};
  out["nearest_neighbour_mm"] = distribution(r.nearest_neighbour_mm);
  out["nearest_neighbour_mm"]["expected_random_mean"] = sig4(r.nearest_neighbour_expected_random_mm);
  out["nearest_neighbour_mm"]["histogram"] = {{"bin_mm", sig4(r.nearest_neighbour_bin_mm)},
                                              {"counts", r.nearest_neighbour_histogram}};
  out["depth_um"] = distribution(r.depth_um);
  out["depth_um"]["expected_mean"] = sig4(r.depth_expected_mean_um);
  out["depth_um"]["nominal"] = r.needle_length_mm * 1000;
  out["depth_um"]["efficiency"] = {{"mean", sig4(r.efficiency.mean)}, {"cv", r.efficiency.cv}};
  out["depth_class_fraction"] = classes(r.depth_class);
  out["depth_class_fraction_expected"] = classes(r.depth_class_expected);
  out["dermis_reach_fraction"] = sig4(r.dermis_reach_fraction);
  out["bleeding_expected"] = r.bleeding_expected;
  out["seed"] = in.seed;
  out["sources"] = r.sources;
  out["assumptions"] = r.assumptions;
  out["warnings"] = r.warnings;
  return out;
}

json density_map_json(const CellCounts& cells, int max_side) {
  max_side = std::max(1, max_side);
  const int side = std::max(cells.nx, cells.ny);
  const int k = std::max(1, (side + max_side - 1) / max_side);  // cells merged per side
  const int width = cells.nx / k, height = cells.ny / k;
  const double cell_mm = cells.cell_mm * k;
  const double per_count = 100 / (cell_mm * cell_mm);  // punctures per cm^2 of one puncture
  std::vector<long long> per_cm2(static_cast<std::size_t>(width) * height, 0);
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      std::uint64_t count = 0;
      for (int dy = 0; dy < k; ++dy)
        for (int dx = 0; dx < k; ++dx)
          count += cells.counts[static_cast<std::size_t>(y * k + dy) * cells.nx + (x * k + dx)];
      per_cm2[static_cast<std::size_t>(y) * width + x] = std::llround(static_cast<double>(count) * per_count);
    }
  return {{"cell_mm", sig4(cell_mm)}, {"width", width}, {"height", height}, {"per_cm2", per_cm2}};
}

std::string to_text(const SimulationResult& r) {
  const SimulationInput& in = r.input;
  std::string out;
  out += fmt::format("{} ({})\n", in.device_label, describe_device(in.device));
  out += fmt::format("{} on {}, patch {:g} x {:g} mm, seed {}\n",
                     describe_technique(in.technique), in.region_label, in.patch.width_mm,
                     in.patch.height_mm, in.seed);
  out += fmt::format("  punctures   {:>8.1f} /cm2  (expected {:.1f}; target 250-300, prime2015)"
                     "  cv {:.2f} over 1 mm2 (random: {:.2f})\n",
                     r.density_per_cm2, r.density_expected_per_cm2, r.density_cv,
                     r.density_cv_random);
  out += fmt::format("  channels    {:>8.1f} /cm2  (random placement: {:.1f})  {:.1f} % of "
                     "punctures slid into an earlier hole\n",
                     r.channels_per_cm2, r.channels_expected_random_per_cm2,
                     100 * r.merged_fraction);
  out += fmt::format("  punctured   {:>8.2f} % of the skin  (random: {:.2f} %), holes {:g} mm\n",
                     100 * r.punctured_fraction, 100 * r.punctured_fraction_expected,
                     r.hole_diameter_mm);
  out += fmt::format("  largest gap {:>8.2f} mm  (random: {:.2f} mm)   nearest channel {:.2f} mm "
                     "(p10 {:.2f}, p90 {:.2f}; random {:.2f})\n",
                     r.largest_gap_mm, r.largest_gap_expected_random_mm,
                     r.nearest_neighbour_mm.mean, r.nearest_neighbour_mm.p10,
                     r.nearest_neighbour_mm.p90, r.nearest_neighbour_expected_random_mm);
  out += fmt::format("  depth       {:>8.0f} um mean (p10 {:.0f}, p90 {:.0f}) of {:g} um nominal, "
                     "efficiency {:.2f}\n",
                     r.depth_um.mean, r.depth_um.p10, r.depth_um.p90, r.needle_length_mm * 1000,
                     r.efficiency.mean);
  out += fmt::format("  ends in     epidermis {:.0f} %, papillary dermis {:.0f} %, reticular "
                     "dermis {:.0f} %, beyond the dermis {:.0f} %\n",
                     100 * r.depth_class.fraction[0], 100 * r.depth_class.fraction[1],
                     100 * r.depth_class.fraction[2], 100 * r.depth_class.fraction[3]);
  out += fmt::format("  pinpoint bleeding {}expected ({:.0f} % of channels reach the dermis)\n",
                     r.bleeding_expected ? "" : "not ", 100 * r.dermis_reach_fraction);
  for (const auto& w : r.warnings) out += fmt::format("  warning: {}\n", w);
  std::string ids;
  for (std::size_t i = 0; i < r.sources.size(); ++i) ids += (i ? ", " : "") + r.sources[i];
  out += fmt::format("  sources: {}\n", ids);
  return out;
}

}  // namespace dermaplan::simulation
