#include "simulation/simulation.h"

#include "core/errors.h"
#include "simulation/analytic.h"
#include "simulation/field_analysis.h"
#include "simulation/random.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace dermaplan::simulation {

namespace {

void require(bool ok, const std::string& where, const std::string& what) {
  if (!ok) throw InputError(where, what);
}

bool finite_positive(double v) { return std::isfinite(v) && v > 0; }

void validate_range(const RangeUm& range, const std::string& where) {
  require(std::isfinite(range.min_um) && std::isfinite(range.max_um) && range.min_um >= 0 &&
              range.max_um >= range.min_um && range.max_um > 0,
          where, fmt::format("layer thickness must be 0 <= min <= max, max > 0 (got {}..{} um)",
                             range.min_um, range.max_um));
}

Distribution summarise(std::vector<double> values) {
  Distribution d;
  if (values.empty()) return d;
  d.mean = std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
  auto at = [&](double q) {
    const auto k = static_cast<std::size_t>(q * static_cast<double>(values.size() - 1) + 0.5);
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k), values.end());
    return values[k];
  };
  d.p10 = at(0.1);
  d.p50 = at(0.5);
  d.p90 = at(0.9);
  return d;
}

/// Coefficient of variation of per-cell counts.
double cell_cv(const CellCounts& cells) {
  if (cells.counts.empty()) return 0;
  double sum = 0, sum2 = 0;
  for (auto c : cells.counts) {
    sum += c;
    sum2 += static_cast<double>(c) * c;
  }
  const double n = static_cast<double>(cells.counts.size());
  const double mean = sum / n;
  if (mean <= 0) return 0;
  return std::sqrt(std::max(0.0, sum2 / n - mean * mean)) / mean;
}

void add_unique(std::vector<std::string>& list, const std::string& item) {
  if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(item);
}

}  // namespace

double needle_length_mm(const DeviceGeometry& device) {
  return std::visit([](const auto& g) { return g.needle_length_mm; }, device);
}

double needle_diameter_mm(const DeviceGeometry& device) {
  return std::visit([](const auto& g) { return g.needle_diameter_mm; }, device);
}

void validate(const SimulationInput& input) {
  if (const auto* r = std::get_if<RollerGeometry>(&input.device)) {
    require(r->needles >= 1 && r->needles <= 100000, "roller.needles",
            fmt::format("needle count must be 1..100000 (got {})", r->needles));
    require(r->rings >= 1 && r->rings <= r->needles, "roller.rings",
            fmt::format("rings must be 1..needles (got {} rings for {} needles)", r->rings,
                        r->needles));
    require(finite_positive(r->drum_diameter_mm) && r->drum_diameter_mm <= 200,
            "roller.drum_diameter_mm",
            fmt::format("drum diameter must be > 0 and <= 200 mm (got {})", r->drum_diameter_mm));
    require(finite_positive(r->drum_width_mm) && r->drum_width_mm <= 500, "roller.drum_width_mm",
            fmt::format("drum width must be > 0 and <= 500 mm (got {})", r->drum_width_mm));
    require(finite_positive(r->needle_length_mm) && r->needle_length_mm <= 5,
            "roller.needle_length_mm",
            fmt::format("needle length must be > 0 and <= 5 mm (got {})", r->needle_length_mm));
    require(finite_positive(r->needle_diameter_mm) && r->needle_diameter_mm <= 2,
            "roller.needle_diameter_mm",
            fmt::format("needle diameter must be > 0 and <= 2 mm (got {})", r->needle_diameter_mm));
    require(r->phase >= 0 && r->phase < 1, "roller.phase",
            fmt::format("ring phase must be in [0, 1) (got {})", r->phase));
  } else {
    const auto& p = std::get<PenGeometry>(input.device);
    require(p.needles >= 1 && p.needles <= 1000, "pen.needles",
            fmt::format("needle count must be 1..1000 (got {})", p.needles));
    require(finite_positive(p.stroke_rate_hz) && p.stroke_rate_hz <= 2000, "pen.stroke_rate_hz",
            fmt::format("stroke rate must be > 0 and <= 2000 Hz (got {})", p.stroke_rate_hz));
    require(finite_positive(p.glide_speed_mm_s) && p.glide_speed_mm_s <= 1000,
            "pen.glide_speed_mm_s",
            fmt::format("glide speed must be > 0 and <= 1000 mm/s (got {})", p.glide_speed_mm_s));
    require(finite_positive(p.tip_diameter_mm) && p.tip_diameter_mm <= 50, "pen.tip_diameter_mm",
            fmt::format("tip diameter must be > 0 and <= 50 mm (got {})", p.tip_diameter_mm));
    require(finite_positive(p.needle_length_mm) && p.needle_length_mm <= 5, "pen.needle_length_mm",
            fmt::format("needle length must be > 0 and <= 5 mm (got {})", p.needle_length_mm));
    require(finite_positive(p.needle_diameter_mm) && p.needle_diameter_mm <= 2,
            "pen.needle_diameter_mm",
            fmt::format("needle diameter must be > 0 and <= 2 mm (got {})", p.needle_diameter_mm));
  }
  const Technique& t = input.technique;
  require(t.passes >= 1 && t.passes <= 1000, "technique.passes",
          fmt::format("passes must be 1..1000 (got {})", t.passes));
  require(!t.directions.empty(), "technique.directions", "at least one direction is needed");
  require(t.overlap >= 0 && t.overlap <= 0.9, "technique.overlap",
          fmt::format("overlap must be in [0, 0.9] (got {})", t.overlap));
  require(std::isfinite(t.jitter.direction_deg) && t.jitter.direction_deg >= 0 &&
              t.jitter.direction_deg <= 45,
          "technique.jitter", "direction jitter must be 0..45 degrees");
  require(std::isfinite(t.jitter.lateral_mm) && t.jitter.lateral_mm >= 0 &&
              t.jitter.lateral_mm <= 50,
          "technique.jitter", "lateral jitter must be 0..50 mm");
  validate_range(input.skin.epidermis_um, "skin.epidermis_um");
  validate_range(input.skin.dermis_um, "skin.dermis_um");
  require(input.skin.papillary_fraction > 0 && input.skin.papillary_fraction < 1,
          "skin.papillary_fraction", "papillary fraction must be in (0, 1)");
  require(finite_positive(input.patch.width_mm) && finite_positive(input.patch.height_mm) &&
              input.patch.width_mm <= 500 && input.patch.height_mm <= 500,
          "patch",
          fmt::format("patch sides must be > 0 and <= 500 mm (got {}x{} mm)", input.patch.width_mm,
                      input.patch.height_mm));
  const double expected = estimated_punctures(input);
  require(expected <= kMaxPunctures, "patch",
          fmt::format("this treatment would lay about {:.0f} punctures; the limit is {:.0f} "
                      "(use a smaller patch or fewer passes)",
                      expected, kMaxPunctures));
}

double estimated_punctures(const SimulationInput& input) {
  return expected_density_per_cm2(input.device, input.technique) * (input.patch.width_mm + 20) *
         (input.patch.height_mm + 20) / 100;
}

SimulationResult simulate(const SimulationInput& input) { return simulate(input, StopRequested{}); }

SimulationResult simulate(const SimulationInput& input, const StopRequested& stop) {
  const auto check_stop = [&stop] {
    if (stop && stop()) throw SimulationStopped();
  };
  validate(input);
  SimulationResult r;
  r.input = input;
  const bool is_roller = std::holds_alternative<RollerGeometry>(input.device);
  const double diameter = needle_diameter_mm(input.device);
  const double length = needle_length_mm(input.device);
  const double expected_per_cm2 = expected_density_per_cm2(input.device, input.technique);
  const double expected_per_mm2 = expected_per_cm2 / 100;

  // 1. Where the needles land.
  const double margin = std::clamp(3 / std::sqrt(expected_per_mm2), 1.0, 10.0);
  const PunctureField field = lay_punctures(input, margin, stop);
  check_stop();
  r.area_cm2 = input.patch.width_mm * input.patch.height_mm / 100;

  // 2. Channels, coverage, spacing, gaps.
  const FieldAnalysis analysis = analyse_field(field, diameter, expected_per_mm2, input.seed, stop);
  check_stop();

  // 3. Density on 1 mm cells.
  std::vector<std::uint8_t> in_patch(field.size());
  std::vector<std::uint8_t> founder_in_patch(field.size());
  for (std::size_t i = 0; i < field.size(); ++i) {
    in_patch[i] = field.patch.contains(field.x_mm[i], field.y_mm[i]) ? 1 : 0;
    founder_in_patch[i] = in_patch[i] & analysis.founder[i];
    r.punctures += in_patch[i];
    r.channels += founder_in_patch[i];
  }
  r.puncture_cells = bin_punctures(field, 1.0);
  r.channel_cells = bin_punctures(field, 1.0, analysis.founder);
  r.density_per_cm2 = static_cast<double>(r.punctures) / r.area_cm2;
  r.density_cv = cell_cv(r.puncture_cells);
  r.density_expected_per_cm2 = expected_per_cm2;
  r.density_cv_random = 1 / std::sqrt(std::max(1e-12, expected_per_mm2));
  r.channels_per_cm2 = static_cast<double>(r.channels) / r.area_cm2;
  r.channels_cv = cell_cv(r.channel_cells);
  r.channels_expected_random_per_cm2 = random_channel_density_per_cm2(expected_per_cm2, diameter);
  r.merged_fraction =
      r.punctures ? 1 - static_cast<double>(r.channels) / static_cast<double>(r.punctures) : 0;

  r.hole_diameter_mm = diameter;
  r.punctured_fraction = analysis.punctured_area_mm2 / (r.area_cm2 * 100);
  r.punctured_fraction_expected = random_punctured_fraction(expected_per_cm2, diameter / 2);

  r.largest_gap_mm = analysis.largest_gap_mm;
  r.gap_resolution_mm = analysis.gap_resolution_mm;
  r.largest_gap_expected_random_mm = random_largest_gap_mm(expected_per_cm2, r.area_cm2);

  r.nearest_neighbour_mm = summarise(analysis.nearest_neighbour_mm);
  r.nearest_neighbour_expected_random_mm =
      random_mean_nearest_neighbour_mm(r.channels_expected_random_per_cm2);
  if (!analysis.nearest_neighbour_mm.empty()) {
    constexpr int kBins = 30;
    const double top = 2 * r.nearest_neighbour_mm.p90;
    r.nearest_neighbour_bin_mm = top > 0 ? top / kBins : 1;
    r.nearest_neighbour_histogram.assign(kBins, 0);
    for (double d : analysis.nearest_neighbour_mm)
      ++r.nearest_neighbour_histogram[std::min(kBins - 1,
                                               static_cast<int>(d / r.nearest_neighbour_bin_mm))];
  }

  // 4. Depth: every puncture draws its depth; a channel keeps its deepest puncture.
  check_stop();
  r.needle_length_mm = length;
  r.efficiency = depth_efficiency(length, input.technique.pressure);
  r.depth_expected_mean_um = length * 1000 * r.efficiency.mean;
  std::vector<float> channel_depth(analysis.channel_count, 0.0f);
  Rng depth_rng(input.seed, 0xDE97ull);
  for (std::size_t i = 0; i < field.size(); ++i) {
    const auto depth = static_cast<float>(sample_depth_um(length, r.efficiency, depth_rng));
    float& deepest = channel_depth[analysis.channel_of[i]];
    deepest = std::max(deepest, depth);
  }
  Rng skin_rng(input.seed, 0x5C1Eull);
  std::vector<double> depths;
  depths.reserve(r.channels);
  std::size_t class_count[4] = {0, 0, 0, 0};
  const SkinLayers& skin = input.skin;
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (!founder_in_patch[i]) continue;
    const double depth = channel_depth[analysis.channel_of[i]];
    const double epidermis = skin_rng.uniform(skin.epidermis_um.min_um, skin.epidermis_um.max_um);
    const double dermis = skin_rng.uniform(skin.dermis_um.min_um, skin.dermis_um.max_um);
    ++class_count[static_cast<int>(
        classify_depth(depth, epidermis, dermis, skin.papillary_fraction))];
    depths.push_back(depth);
  }
  r.depth_um = summarise(std::move(depths));
  for (int c = 0; c < 4; ++c)
    r.depth_class.fraction[c] =
        r.channels ? static_cast<double>(class_count[c]) / static_cast<double>(r.channels) : 0;
  r.depth_class_expected = expected_depth_classes(length, r.efficiency, skin);
  r.dermis_reach_fraction = r.depth_class.reaching_dermis();
  r.bleeding_expected = r.dermis_reach_fraction >= 0.5;

  // 5. Sources, assumptions, warnings.
  if (is_roller) {
    for (const char* id : {"singh2016", "doddaballapur2009", "schwarz2011"}) add_unique(r.sources, id);
  } else {
    for (const char* id : {"sasaki2012", "prime2015"}) add_unique(r.sources, id);
  }
  add_unique(r.sources, "fernandes-interview");
  for (const auto& id : depth_curve_sources()) add_unique(r.sources, id);
  for (const auto& id : skin.sources) add_unique(r.sources, id);
  add_unique(r.sources, "prime2015");

  r.assumptions = {
      "the patch is a window into a uniformly treated area: strokes run past its edges",
      fmt::format("hand jitter per stroke: direction sd {} deg, sideways sd {} mm",
                  input.technique.jitter.direction_deg, input.technique.jitter.lateral_mm),
      "a hole's surface diameter equals the needle diameter",
      "a puncture closer than one needle diameter to an earlier channel slides into it "
      "(fernandes-interview describes the effect; the distance is a model choice)",
      "pass k uses direction k mod (number of directions); strokes of a pass are parallel and "
      "one drum or tip width apart, less the overlap",
  };
  if (!is_roller) {
    r.assumptions.push_back("pen needles fill the tip in a sunflower layout; the swath width w is "
                            "the tip diameter (lines)");
    if (std::get<PenGeometry>(input.device).pattern == PenPattern::circles)
      r.assumptions.push_back("circles pattern: loops of radius tip/2 advancing tip/2 per loop; "
                              "swath = 2 x tip diameter");
  }
  for (const auto& a : depth_model_assumptions()) r.assumptions.push_back(a);

  const double beyond = r.depth_class[DepthClass::beyond_dermis];
  if (beyond > 0)
    r.warnings.push_back(fmt::format(
        "{:.1f} % of channels pass through the dermis of this region", 100 * beyond));
  if (r.depth_class[DepthClass::epidermis] > 0.5 && length >= 0.5)
    r.warnings.push_back("most channels end in the epidermis: this needle length and pressure "
                         "may not reach the dermis");
  return r;
}

}  // namespace dermaplan::simulation
