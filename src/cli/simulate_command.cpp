// `dermaplan simulate`: the device simulator on the command line. Converts knowledge-base
// devices and regions (or --roller/--pen geometry) into simulation inputs, runs one
// simulation, a sweep or the whole face, and prints text or JSON; optional PNGs.
#include "cli/cli_support.h"
#include "cli/commands.h"
#include "clinic/simulation_setup.h"
#include "core/errors.h"
#include "kb/describe.h"
#include "kb/knowledge_base.h"
#include "simulation/face.h"
#include "simulation/render.h"
#include "simulation/report.h"
#include "simulation/simulation.h"
#include "simulation/sweep.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cmath>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>

namespace dermaplan::cli {

namespace {

namespace sim = dermaplan::simulation;

struct SimulateOptions {
  std::string device, roller, pen, region, directions = "h,v,d1,d2", patch = "20x20mm";
  std::string pressure, sex, pattern = "lines", format = "text", heatmap, sweep, plot;
  std::optional<int> passes;
  std::optional<double> length_mm, overlap, glide_speed_mm_s, stroke_rate_hz, tip_mm;
  std::uint64_t seed = 1;
  bool face = false;
};

std::vector<double> parse_numbers(const std::string& text, const std::string& option) {
  std::vector<double> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    try {
      std::size_t used = 0;
      out.push_back(std::stod(item, &used));
      if (used != item.size()) throw std::invalid_argument(item);
    } catch (const std::exception&) {
      throw InputError(option, fmt::format("'{}' is not a number in '{}'", item, text));
    }
  }
  return out;
}

int whole(double v, const std::string& option, const std::string& what) {
  if (v != std::floor(v) || v < 1 || v > 1e6)
    throw InputError(option, fmt::format("{} must be a whole number >= 1 (got {:g})", what, v));
  return static_cast<int>(v);
}

sim::Pressure parse_pressure(const std::string& text) {
  if (auto p = sim::parse_pressure(text)) return *p;
  throw InputError("--pressure", fmt::format("'{}' is not accepted; accepted: light, medium, firm", text));
}

std::vector<sim::Direction> parse_directions(const std::string& text) {
  std::vector<sim::Direction> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item == "d" || item == "diagonal") {
      out.push_back(sim::Direction::diagonal_up);
      out.push_back(sim::Direction::diagonal_down);
    } else if (auto d = sim::parse_direction(item)) {
      out.push_back(*d);
    } else {
      throw InputError("--directions",
                       fmt::format("'{}' is not accepted; accepted: h, v, d1, d2 (comma-separated)", item));
    }
  }
  if (out.empty()) throw InputError("--directions", "give at least one of h, v, d1, d2");
  return out;
}

sim::Patch parse_patch(std::string text) {
  if (text.size() > 2 && text.substr(text.size() - 2) == "mm") text.resize(text.size() - 2);
  const auto x = text.find('x');
  if (x == std::string::npos) throw InputError("--patch", "expected WxHmm, e.g. 20x20mm");
  const auto w = parse_numbers(text.substr(0, x), "--patch");
  const auto h = parse_numbers(text.substr(x + 1), "--patch");
  if (w.size() != 1 || h.size() != 1) throw InputError("--patch", "expected WxHmm, e.g. 20x20mm");
  return {w[0], h[0]};
}

sim::SweepSpec parse_sweep(const std::string& text) {
  const auto eq = text.find('='), dots = text.find("..");
  if (eq == std::string::npos || dots == std::string::npos || dots < eq)
    throw InputError("--sweep", "expected NAME=FROM..TO[:STEP], e.g. passes=1..30");
  const std::string name = text.substr(0, eq);
  sim::SweepSpec spec;
  if (name == "passes") spec.parameter = sim::SweepParameter::passes;
  else if (name == "length" || name == "needle_length_mm") spec.parameter = sim::SweepParameter::needle_length_mm;
  else if (name == "overlap") spec.parameter = sim::SweepParameter::overlap;
  else if (name == "speed" || name == "glide_speed_mm_s") spec.parameter = sim::SweepParameter::glide_speed_mm_s;
  else
    throw InputError("--sweep", fmt::format("'{}' cannot be swept; accepted: passes, length, overlap, speed", name));
  std::string rest = text.substr(dots + 2);
  const auto colon = rest.find(':');
  const auto from = parse_numbers(text.substr(eq + 1, dots - eq - 1), "--sweep");
  const auto to = parse_numbers(rest.substr(0, colon), "--sweep");
  if (from.size() != 1 || to.size() != 1) throw InputError("--sweep", "expected NAME=FROM..TO[:STEP]");
  spec.from = from[0];
  spec.to = to[0];
  if (colon != std::string::npos) {
    const auto step = parse_numbers(rest.substr(colon + 1), "--sweep");
    if (step.size() != 1) throw InputError("--sweep", "expected one step after ':'");
    spec.step = step[0];
  } else {
    spec.step = spec.parameter == sim::SweepParameter::passes ? 1 : (spec.to - spec.from) / 10;
  }
  return spec;
}

/// Where a use case or the engine names a field, the option the user typed.
InputError as_simulate_option_error(const InputError& e, const SimulateOptions& o) {
  const std::string& where = e.where();
  if (where.rfind("--", 0) == 0) return e;
  const std::string device_option = !o.roller.empty() ? "--roller" : !o.pen.empty() ? "--pen" : "--device";
  if (where.rfind("roller.", 0) == 0 || where.rfind("pen.", 0) == 0) return InputError(device_option, e.message());
  if (where.rfind("skin.", 0) == 0) return InputError("--region", e.message());
  return as_option_error(e, {{"/device", "--device"},
                             {"/region", "--region"},
                             {"/needle_length_mm", "--length"},
                             {"/glide_speed_mm_s", "--speed"},
                             {"/stroke_rate_hz", "--rate"},
                             {"/tip_diameter_mm", "--tip"},
                             {"/directions", "--directions"},
                             {"/face", "--face"},
                             {"technique.passes", "--passes"},
                             {"technique.directions", "--directions"},
                             {"technique.overlap", "--overlap"},
                             {"patch", "--patch"},
                             {"sweep", "--sweep"}});
}

sim::DeviceGeometry geometry_from_options(const SimulateOptions& o) {
  if (!o.roller.empty()) {
    const auto v = parse_numbers(o.roller, "--roller");
    if (v.size() < 5 || v.size() > 6)
      throw InputError("--roller", fmt::format("expected N,R,D_mm,W_mm,L_mm[,diameter_mm] (got '{}')", o.roller));
    sim::RollerGeometry g;
    g.needles = whole(v[0], "--roller", "needle count N");
    g.rings = whole(v[1], "--roller", "ring count R");
    g.drum_diameter_mm = v[2];
    g.drum_width_mm = v[3];
    g.needle_length_mm = o.length_mm.value_or(v[4]);
    g.needle_diameter_mm = v.size() == 6 ? v[5] : 0.25;
    return g;
  }
  const auto v = parse_numbers(o.pen, "--pen");
  if (v.size() < 4 || v.size() > 5)
    throw InputError("--pen", fmt::format("expected n,f_hz,v_mm_s,L_mm[,tip_mm] (got '{}')", o.pen));
  sim::PenGeometry g;
  g.needles = whole(v[0], "--pen", "needle count n");
  g.stroke_rate_hz = v[1];
  g.glide_speed_mm_s = v[2];
  g.needle_length_mm = o.length_mm.value_or(v[3]);
  if (v.size() == 5) g.tip_diameter_mm = v[4];
  if (o.tip_mm) g.tip_diameter_mm = *o.tip_mm;
  if (o.pattern == "circles") g.pattern = sim::PenPattern::circles;
  return g;
}

kb::Sex parse_sex(const std::string& text) {
  if (text.empty()) return kb::Sex::unknown;
  if (auto sex = kb::parse_sex(text)) return *sex;
  throw InputError("--sex", fmt::format("'{}' is not accepted; accepted: female, male, other, unknown", text));
}

/// Progress bar on stderr, only when stderr is a terminal.
sim::SweepProgress progress_bar() {
  if (!isatty(STDERR_FILENO)) return {};
  auto mutex = std::make_shared<std::mutex>();
  return [mutex](std::size_t done, std::size_t total) {
    std::lock_guard lock(*mutex);
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(kWidth * done / std::max<std::size_t>(1, total));
    std::cerr << fmt::format("\r[{}{}] {}/{}", std::string(filled, '#'),
                             std::string(kWidth - filled, ' '), done, total)
              << (done == total ? "\n" : "") << std::flush;
  };
}

void run(const SimulateOptions& o, const CommonOptions& common) {
  const bool json = json_format(o.format);
  const int device_options = !o.device.empty() + !o.roller.empty() + !o.pen.empty();
  if (device_options > 1) throw InputError("--device", "give one of --device, --roller, --pen");
  if (!o.plot.empty() && o.sweep.empty()) throw InputError("--plot", "--plot draws a --sweep");
  if (o.face && !o.sweep.empty()) throw InputError("--face", "--face and --sweep cannot be combined");
  const auto pattern = sim::parse_pen_pattern(o.pattern);
  if (!pattern) throw InputError("--pattern", fmt::format("'{}' is not accepted; accepted: lines, circles", o.pattern));

  clinic::SimulationRequest request;
  request.device_id = o.device;
  if (!o.roller.empty() || !o.pen.empty()) {
    request.geometry = geometry_from_options(o);
    request.geometry_label = !o.roller.empty() ? "roller " + o.roller : "pen " + o.pen;
  }
  request.needle_length_mm = o.length_mm;
  request.region_id = o.region;
  request.sex = parse_sex(o.sex);
  request.passes = o.passes;
  request.directions = parse_directions(o.directions);
  if (!o.pressure.empty()) request.pressure = parse_pressure(o.pressure);
  request.overlap = o.overlap;
  request.glide_speed_mm_s = o.glide_speed_mm_s;
  request.stroke_rate_hz = o.stroke_rate_hz;
  request.tip_diameter_mm = o.tip_mm;
  request.pattern = *pattern;
  request.seed = o.seed;
  request.patch = parse_patch(o.patch);
  const auto kb = load_kb(common);

  try {
    if (o.face) {
      const auto face = clinic::face_setup(kb, request);
      const auto& notes = face.notes;
      const auto regions = sim::simulate_face(face.regions);
      const auto summary = sim::summarise_face(regions);
      if (!o.heatmap.empty())
        sim::write_face_map_png(regions,
                                fmt::format("{} · {} · whole face", face.device_label,
                                            sim::describe_technique(face.technique)),
                                o.heatmap);
      if (json) {
        nlohmann::json out;
        out["area_cm2"] = summary.area_cm2;
        out["punctures"] = summary.punctures;
        out["channels"] = summary.channels;
        for (int c = 0; c < 4; ++c)
          out["depth_class_fraction"][sim::to_string(static_cast<sim::DepthClass>(c))] =
              summary.depth_class.fraction[c];
        for (const auto& r : regions) {
          auto j = sim::to_json(r.result);
          j["region_id"] = r.region_id;
          out["regions"].push_back(j);
        }
        out["notes"] = notes;
        std::cout << out.dump(2) << "\n";
      } else {
        std::cout << fmt::format("Whole face: {} · {}\n", face.device_label,
                                 sim::describe_technique(face.technique));
        std::cout << fmt::format("{:<12} {:>6} {:>9} {:>9} {:>8} {:>8} {:>6} {:>6} {:>6} {:>6} {}\n", "region",
                                 "cm2", "needle", "punct/cm2", "chan/cm2", "gap mm", "epi%", "pap%",
                                 "ret%", "beyond", "bleeding");
        for (const auto& r : regions) {
          const auto& x = r.result;
          std::cout << fmt::format("{:<12} {:>6.0f} {:>6.2f} mm {:>9.0f} {:>8.0f} {:>8.2f} {:>6.0f} {:>6.0f} {:>6.0f} {:>6.0f} {}\n",
                                   r.region_id, x.area_cm2, x.needle_length_mm, x.density_per_cm2,
                                   x.channels_per_cm2, x.largest_gap_mm, 100 * x.depth_class.fraction[0],
                                   100 * x.depth_class.fraction[1], 100 * x.depth_class.fraction[2],
                                   100 * x.depth_class.fraction[3], x.bleeding_expected ? "yes" : "no");
        }
        std::cout << fmt::format("total {:.0f} cm2, {} punctures, {} channels; channels ending in "
                                 "epidermis {:.0f} %, papillary {:.0f} %, reticular {:.0f} %, beyond {:.0f} %\n",
                                 summary.area_cm2, summary.punctures, summary.channels,
                                 100 * summary.depth_class.fraction[0], 100 * summary.depth_class.fraction[1],
                                 100 * summary.depth_class.fraction[2], 100 * summary.depth_class.fraction[3]);
        for (const auto& n : notes) std::cout << "note: " << n << "\n";
      }
      return;
    }

    if (o.region.empty()) throw InputError("--region", "give --region ID (or --face)");
    const auto setup = clinic::simulation_setup(kb, request);
    const sim::SimulationInput& input = setup.input;
    const auto& notes = setup.notes;
    const kb::Region& region = *setup.region;

    const std::string title = fmt::format("{} · {} · {}", input.device_label,
                                          sim::describe_technique(input.technique), region.id);
    if (!o.sweep.empty()) {
      const sim::SweepSpec spec = parse_sweep(o.sweep);
      const auto points = sim::run_sweep(input, spec, progress_bar());
      // Names the swept range, not the base input's value (every point has its own).
      const std::string sweep_title = sim::sweep_title(input, spec);
      if (!o.plot.empty()) sim::write_sweep_png(points, spec.parameter, sweep_title, o.plot);
      if (json) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& p : points) {
          auto j = sim::to_json(p.result);
          j["sweep"] = {{"parameter", sim::to_string(spec.parameter)}, {"value", p.value}};
          out.push_back(j);
        }
        std::cout << out.dump(2) << "\n";
      } else {
        std::cout << sweep_title << " (every point uses seed " << input.seed << ")\n";
        std::cout << fmt::format("{:>10} {:>10} {:>9} {:>9} {:>10} {:>8} {:>8} {:>8}\n",
                                 sim::to_string(spec.parameter).substr(0, 10), "punct/cm2",
                                 "expected", "chan/cm2", "punctured%", "gap mm", "depth um", "dermis%");
        for (const auto& p : points) {
          const auto& r = p.result;
          std::cout << fmt::format("{:>10g} {:>10.1f} {:>9.1f} {:>9.1f} {:>10.2f} {:>8.2f} {:>8.0f} {:>8.0f}\n",
                                   p.value, r.density_per_cm2, r.density_expected_per_cm2,
                                   r.channels_per_cm2, 100 * r.punctured_fraction, r.largest_gap_mm,
                                   r.depth_um.mean, 100 * r.dermis_reach_fraction);
        }
      }
      return;
    }

    const sim::SimulationResult result = sim::simulate(input);
    if (!o.heatmap.empty()) sim::write_heatmap_png(result, title, o.heatmap);
    if (json) {
      auto out = sim::to_json(result);
      out["notes"] = notes;
      std::cout << out.dump(2) << "\n";
    } else {
      std::cout << sim::to_text(result);
      for (const auto& n : notes) std::cout << "  note: " << n << "\n";
    }
  } catch (const InputError& e) {
    throw as_simulate_option_error(e, o);
  }
}

}  // namespace

void add_simulate_command(CLI::App& app, CommonOptions& common) {
  auto options = std::make_shared<SimulateOptions>();
  CLI::App* cmd = app.add_subcommand(
      "simulate", "Simulate a roller or pen treatment: puncture density, channels, coverage, real depth");
  auto* device = cmd->add_option("--device", options->device, "Knowledge-base device id (default: the knowledge base's default device)");
  auto* roller = cmd->add_option("--roller", options->roller, "Roller geometry N,R,D_mm,W_mm,L_mm[,needle_diameter_mm]");
  auto* pen = cmd->add_option("--pen", options->pen, "Pen geometry n,f_hz,v_mm_s,L_mm[,tip_mm]");
  device->excludes(roller)->excludes(pen);
  roller->excludes(pen);
  cmd->add_option("--region", options->region, "Knowledge-base region id (skin layers, pressure)");
  cmd->add_option("--sex", options->sex, "female | male: use the region's thickness for that sex");
  cmd->add_option("--passes", options->passes, "Number of passes, 1..1000 (default: the knowledge base's passes)");
  cmd->add_option("--directions", options->directions, "Pass directions, cycled: h,v,d1,d2")->capture_default_str();
  cmd->add_option("--patch", options->patch, "Simulated skin window WxHmm")->capture_default_str();
  cmd->add_option("--pressure", options->pressure, "light | medium | firm (default: the region's, else medium)");
  cmd->add_option("--overlap", options->overlap, "Fraction of a stroke's width shared with the next, 0..0.9");
  cmd->add_option("--length", options->length_mm, "Needle length / pen depth in mm");
  cmd->add_option("--speed", options->glide_speed_mm_s, "Pen glide speed in mm/s (with --device)");
  cmd->add_option("--rate", options->stroke_rate_hz, "Pen stroke rate in Hz (with --device)");
  cmd->add_option("--tip", options->tip_mm, "Pen tip (needle footprint) diameter in mm");
  cmd->add_option("--pattern", options->pattern, "Pen path: lines | circles")->capture_default_str();
  cmd->add_option("--seed", options->seed, "Random seed; the same seed gives the same output")->capture_default_str();
  cmd->add_option("--format", options->format, "json | text")->capture_default_str();
  cmd->add_option("--heatmap", options->heatmap, "Write a PNG density map (with --face: the face map)");
  cmd->add_option("--sweep", options->sweep, "Sweep a parameter: passes=1..30, length=0.25..2.5:0.25, overlap=0..0.5:0.1, speed=10..50:5");
  cmd->add_option("--plot", options->plot, "With --sweep: write a PNG chart");
  cmd->add_flag("--face", options->face, "Simulate every facial region with the plan's device and depths");
  cmd->callback([options, &common] { run(*options, common); });
}

}  // namespace dermaplan::cli
