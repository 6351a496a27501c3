// `dermaplan simulate`: the device simulator on the command line. Converts knowledge-base
// devices and regions (or --roller/--pen geometry) into simulation inputs, runs one
// simulation, a sweep or the whole face, and prints text or JSON; optional PNGs.
#include "cli/cli_support.h"
#include "cli/commands.h"
#include "core/errors.h"
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

// MODEL ASSUMPTIONS used when neither the knowledge base nor the user gives a value.
constexpr double kDefaultNeedleDiameterMm = 0.1;   // doddaballapur2009's standard roller
constexpr double kDefaultGlideSpeedMmS = 20;       // no source gives a glide speed
constexpr double kDefaultStrokeRateHz = 100;       // within prime2015's 50-150 stamps/s

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
  if (text == "light") return sim::Pressure::light;
  if (text == "medium") return sim::Pressure::medium;
  if (text == "firm") return sim::Pressure::firm;
  throw InputError("--pressure", fmt::format("'{}' is not accepted; accepted: light, medium, firm", text));
}

std::vector<sim::Direction> parse_directions(const std::string& text) {
  std::vector<sim::Direction> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (item == "h" || item == "horizontal") out.push_back(sim::Direction::horizontal);
    else if (item == "v" || item == "vertical") out.push_back(sim::Direction::vertical);
    else if (item == "d1") out.push_back(sim::Direction::diagonal_up);
    else if (item == "d2") out.push_back(sim::Direction::diagonal_down);
    else if (item == "d" || item == "diagonal") {
      out.push_back(sim::Direction::diagonal_up);
      out.push_back(sim::Direction::diagonal_down);
    } else
      throw InputError("--directions",
                       fmt::format("'{}' is not accepted; accepted: h, v, d1, d2 (comma-separated)", item));
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

/// Maps an engine field name to the option the user typed.
std::string option_for(const std::string& where, const SimulateOptions& o) {
  if (where.rfind("roller.", 0) == 0) return o.roller.empty() ? "--device" : "--roller";
  if (where.rfind("pen.", 0) == 0) return o.pen.empty() ? "--device" : "--pen";
  if (where == "technique.passes") return "--passes";
  if (where == "technique.directions") return "--directions";
  if (where == "technique.overlap") return "--overlap";
  if (where == "patch") return "--patch";
  if (where == "sweep") return "--sweep";
  if (where.rfind("skin.", 0) == 0) return "--region";
  return where;
}

kb::Sex parse_sex(const std::string& text) {
  if (text.empty()) return kb::Sex::unknown;
  if (text == "female") return kb::Sex::female;
  if (text == "male") return kb::Sex::male;
  throw InputError("--sex", fmt::format("'{}' is not accepted; accepted: female, male", text));
}

sim::SkinLayers skin_of(const kb::Region& region, kb::Sex sex) {
  sim::SkinLayers skin;
  const auto& e = region.epidermis_um.for_sex(sex);
  const auto& d = region.dermis_um.for_sex(sex);
  skin.epidermis_um = {e.min_um, e.max_um};
  skin.dermis_um = {d.min_um, d.max_um};
  skin.sources.clear();
  for (const auto& id : region.epidermis_um.sources) skin.sources.push_back(id);
  for (const auto& id : region.dermis_um.sources) skin.sources.push_back(id);
  return skin;
}

/// A knowledge-base device as simulator geometry; length_mm overrides (pens need one).
sim::DeviceGeometry geometry_of(const kb::Device& device, std::optional<double> length_mm,
                                const SimulateOptions& o, std::vector<std::string>& notes) {
  if (device.kind == kb::DeviceKind::roller) {
    if (device.needles <= 0 || device.drum_diameter_mm <= 0 || device.drum_width_mm <= 0)
      throw InputError("--device", fmt::format("'{}' has no complete roller geometry in the knowledge "
                                               "base; give --roller N,R,D_mm,W_mm,L_mm", device.id));
    sim::RollerGeometry g;
    g.needles = device.needles;
    g.rings = device.rows > 0 ? device.rows : 8;
    g.drum_diameter_mm = device.drum_diameter_mm;
    g.drum_width_mm = device.drum_width_mm;
    g.needle_length_mm = length_mm.value_or(device.needle_length_mm);
    g.needle_diameter_mm = device.needle_diameter_mm;
    if (g.needle_diameter_mm <= 0) {
      g.needle_diameter_mm = kDefaultNeedleDiameterMm;
      notes.push_back(fmt::format("{} has no needle diameter in the sources; {:g} mm assumed "
                                  "(doddaballapur2009's standard roller)", device.id, g.needle_diameter_mm));
    }
    if (length_mm && !device.offers_length(*length_mm))
      throw InputError("--length", fmt::format("{} has fixed {:g} mm needles", device.id, device.needle_length_mm));
    return g;
  }
  if (device.kind != kb::DeviceKind::pen)
    throw InputError("--device", fmt::format("'{}' is a {} with no geometry the simulator can use",
                                             device.id, "stylus"));
  sim::PenGeometry g;
  g.needles = 0;
  for (const auto& cartridge : device.cartridges)
    if (cartridge.needles > 0) {
      g.needles = cartridge.needles;
      notes.push_back(fmt::format("{}: cartridge {} ({} needles)", device.id, cartridge.id, cartridge.needles));
      break;
    }
  if (g.needles == 0) {
    g.needles = 12;
    notes.push_back(fmt::format("{}: no cartridge needle count in the sources; 12 assumed", device.id));
  }
  if (o.stroke_rate_hz) {
    g.stroke_rate_hz = *o.stroke_rate_hz;
  } else if (device.stroke_rate_hz) {
    g.stroke_rate_hz = (device.stroke_rate_hz->min_mm + device.stroke_rate_hz->max_mm) / 2;
  } else {
    g.stroke_rate_hz = kDefaultStrokeRateHz;
    notes.push_back(fmt::format("{}: no stroke rate in the sources; {:g} Hz assumed", device.id, g.stroke_rate_hz));
  }
  g.glide_speed_mm_s = o.glide_speed_mm_s.value_or(kDefaultGlideSpeedMmS);
  if (!o.glide_speed_mm_s)
    notes.push_back(fmt::format("glide speed {:g} mm/s assumed (no source gives one; --speed)", g.glide_speed_mm_s));
  if (o.tip_mm) g.tip_diameter_mm = *o.tip_mm;
  g.pattern = o.pattern == "circles" ? sim::PenPattern::circles : sim::PenPattern::lines;
  if (!length_mm)
    throw InputError("--length", fmt::format("{} is a pen: give the needle depth with --length MM", device.id));
  if (!device.offers_length(*length_mm))
    throw InputError("--length", fmt::format("{} cannot be set to {:g} mm", device.id, *length_mm));
  g.needle_length_mm = *length_mm;
  return g;
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

const kb::Region& find_region(const kb::KnowledgeBase& kb, const std::string& id) {
  const kb::Region* region = kb.find_region(id);
  if (!region) {
    std::string ids;
    for (const auto& r : kb.regions) ids += (ids.empty() ? "" : ", ") + r.id;
    throw InputError("--region", fmt::format("unknown region '{}'; known: {}", id, ids));
  }
  return *region;
}

const kb::Device& find_device(const kb::KnowledgeBase& kb, const std::string& id) {
  const kb::Device* device = kb.find_device(id);
  if (!device) {
    std::string ids;
    for (const auto& d : kb.devices) ids += (ids.empty() ? "" : ", ") + d.id;
    throw InputError("--device", fmt::format("unknown device '{}'; known: {}", id, ids));
  }
  return *device;
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

/// The face plan: every face region, the device, and per region the needle length the
/// region's needle guide allows (rollers: the longest roller of the same build not over the
/// guide's maximum; pens: the guide's maximum within the pen's range).
std::vector<sim::FaceRegionPlan> face_plan(const kb::KnowledgeBase& kb, const SimulateOptions& o,
                                           const sim::SimulationInput& base,
                                           const kb::Device* device, std::vector<std::string>& notes) {
  std::vector<sim::FaceRegionPlan> plan;
  for (const auto& region : kb.regions) {
    if (region.group != "face") continue;
    const double area = sim::face_region_area_cm2(region.id);
    if (area <= 0) continue;
    sim::FaceRegionPlan p;
    p.region_id = region.id;
    p.name = region.name;
    p.input = base;
    p.input.region_label = region.id;
    p.input.skin = skin_of(region, parse_sex(o.sex));
    const double side = std::sqrt(area * 100);
    p.input.patch = {side, side};
    if (!o.pressure.empty()) p.input.technique.pressure = parse_pressure(o.pressure);
    else if (region.pressure) p.input.technique.pressure = static_cast<sim::Pressure>(*region.pressure);
    const double guide_max = region.needle_guide ? region.needle_guide->value().max_mm : 0;
    if (device && guide_max > 0 && !o.length_mm) {
      if (device->kind == kb::DeviceKind::roller) {
        const kb::Device* best = nullptr;
        for (const auto& d : kb.devices) {
          if (d.kind != kb::DeviceKind::roller || d.needles != device->needles ||
              d.drum_diameter_mm != device->drum_diameter_mm || d.drum_width_mm != device->drum_width_mm ||
              d.needle_length_mm > guide_max + 1e-9)
            continue;
          if (!best || d.needle_length_mm > best->needle_length_mm) best = &d;
        }
        if (best) {
          std::vector<std::string> ignored;
          p.input.device = geometry_of(*best, std::nullopt, o, ignored);
          p.input.device_label = best->id;
        }
      } else if (device->kind == kb::DeviceKind::pen) {
        double length = guide_max;
        if (device->depth_range) length = std::clamp(length, device->depth_range->min_mm, device->depth_range->max_mm);
        std::visit([&](auto& g) { g.needle_length_mm = length; }, p.input.device);
      }
    }
    plan.push_back(std::move(p));
  }
  if (plan.empty()) throw InputError("--face", "the knowledge base has no facial regions with a known area");
  notes.push_back("facial region areas are model assumptions (no source)");
  return plan;
}

void run(const SimulateOptions& o, const CommonOptions& common) {
  const bool json = json_format(o.format);
  const int device_options = !o.device.empty() + !o.roller.empty() + !o.pen.empty();
  if (device_options > 1) throw InputError("--device", "give one of --device, --roller, --pen");
  if (!o.plot.empty() && o.sweep.empty()) throw InputError("--plot", "--plot draws a --sweep");
  if (o.face && !o.sweep.empty()) throw InputError("--face", "--face and --sweep cannot be combined");
  if (o.pattern != "lines" && o.pattern != "circles")
    throw InputError("--pattern", fmt::format("'{}' is not accepted; accepted: lines, circles", o.pattern));

  std::optional<kb::KnowledgeBase> kb;
  auto knowledge = [&]() -> const kb::KnowledgeBase& {
    if (!kb) kb = load_kb(common);
    return *kb;
  };
  std::vector<std::string> notes;
  sim::SimulationInput input;
  input.seed = o.seed;
  input.technique.directions = parse_directions(o.directions);
  input.patch = parse_patch(o.patch);
  if (o.overlap) input.technique.overlap = *o.overlap;
  if (o.passes) {
    input.technique.passes = *o.passes;
  } else {
    const auto& passes = knowledge().planning.passes;
    input.technique.passes = passes.positions.empty() ? 5 : passes.value().count.max;
    notes.push_back(fmt::format("passes: {} from the knowledge base's passes position", input.technique.passes));
  }

  const kb::Device* device = nullptr;
  if (!o.roller.empty() || !o.pen.empty()) {
    input.device = geometry_from_options(o);
    input.device_label = !o.roller.empty() ? "roller " + o.roller : "pen " + o.pen;
  } else {
    std::string id = o.device;
    if (id.empty()) {
      const auto& preference = knowledge().planning.default_device;
      if (preference.positions.empty()) throw InputError("--device", "give --device, --roller or --pen");
      id = preference.value().device;
      notes.push_back(fmt::format("device: {} (the knowledge base's default)", id));
    }
    device = &find_device(knowledge(), id);
    std::optional<double> length = o.length_mm;
    if (!length && device->kind == kb::DeviceKind::pen && !o.region.empty()) {
      const kb::Region& region = find_region(knowledge(), o.region);
      if (region.needle_guide) length = region.needle_guide->value().max_mm;
    }
    input.device = geometry_of(*device, length, o, notes);
    input.device_label = device->id;
  }

  try {
    if (o.face) {
      auto plan = face_plan(knowledge(), o, input, device, notes);
      const auto regions = sim::simulate_face(plan);
      const auto summary = sim::summarise_face(regions);
      if (!o.heatmap.empty())
        sim::write_face_map_png(regions,
                                fmt::format("{} · {} · whole face", input.device_label,
                                            sim::describe_technique(input.technique)),
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
        std::cout << fmt::format("Whole face: {} · {}\n", input.device_label,
                                 sim::describe_technique(input.technique));
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
    const kb::Region& region = find_region(knowledge(), o.region);
    input.skin = skin_of(region, parse_sex(o.sex));
    input.region_label = region.id;
    if (!o.pressure.empty()) input.technique.pressure = parse_pressure(o.pressure);
    else if (region.pressure) input.technique.pressure = static_cast<sim::Pressure>(*region.pressure);

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
    if (e.where().rfind("--", 0) == 0) throw;
    const std::string what = e.what();
    const std::string message = what.substr(e.where().empty() ? 0 : e.where().size() + 2);
    throw InputError(option_for(e.where(), o), message);
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
