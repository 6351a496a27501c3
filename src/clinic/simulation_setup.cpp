#include "clinic/simulation_setup.h"

#include "clinic/failure.h"
#include "core/errors.h"
#include "simulation/simulation.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace dermaplan::clinic {

namespace sim = dermaplan::simulation;

namespace {

std::string accepted_ids(const auto& items) {
  std::string ids;
  for (const auto& item : items) ids += (ids.empty() ? "" : ", ") + item.id;
  return ids;
}

const kb::Region& region_of(const kb::KnowledgeBase& kb, const std::string& id) {
  if (id.empty()) throw InputError("/region", "give a region id");
  const kb::Region* region = kb.find_region(id);
  if (!region) throw InputError("/region", fmt::format("unknown region '{}'; accepted: {}", id, accepted_ids(kb.regions)));
  return *region;
}

const kb::Device& device_of(const kb::KnowledgeBase& kb, const std::string& id) {
  const kb::Device* device = kb.find_device(id);
  if (!device) throw InputError("/device", fmt::format("unknown device '{}'; accepted: {}", id, accepted_ids(kb.devices)));
  return *device;
}

/// A knowledge-base device as simulator geometry at `length_mm` (pens need one).
sim::DeviceGeometry geometry_of(const kb::Device& device, std::optional<double> length_mm,
                                const SimulationRequest& request, std::vector<std::string>& notes) {
  if (device.kind == kb::DeviceKind::roller) {
    if (device.needles <= 0 || device.drum_diameter_mm <= 0 || device.drum_width_mm <= 0)
      throw InputError("/device", fmt::format("'{}' has no complete roller geometry in the knowledge base; "
                                              "describe the roller's geometry instead", device.id));
    if (length_mm && !device.offers_length(*length_mm))
      throw InputError("/needle_length_mm",
                       fmt::format("{} has fixed {:g} mm needles", device.id, device.needle_length_mm));
    sim::RollerGeometry g;
    g.needles = device.needles;
    g.rings = device.rows > 0 ? device.rows : g.rings;
    g.drum_diameter_mm = device.drum_diameter_mm;
    g.drum_width_mm = device.drum_width_mm;
    g.needle_length_mm = device.needle_length_mm;
    g.needle_diameter_mm = device.needle_diameter_mm;
    if (g.needle_diameter_mm <= 0) {
      g.needle_diameter_mm = kAssumedNeedleDiameterMm;
      notes.push_back(fmt::format("{} has no needle diameter in the sources; {:g} mm assumed "
                                  "(doddaballapur2009's standard roller)", device.id, g.needle_diameter_mm));
    }
    return g;
  }
  if (device.kind != kb::DeviceKind::pen)
    throw InputError("/device", fmt::format("'{}' is a stylus, with no geometry the simulator can use", device.id));
  sim::PenGeometry g;
  g.needles = 0;
  for (const auto& cartridge : device.cartridges)
    if (cartridge.needles > 0) {
      g.needles = cartridge.needles;
      notes.push_back(fmt::format("{}: cartridge {} ({} needles)", device.id, cartridge.id, cartridge.needles));
      break;
    }
  if (g.needles == 0) {
    g.needles = kAssumedPenNeedles;
    notes.push_back(fmt::format("{}: no cartridge needle count in the sources; {} assumed", device.id, g.needles));
  }
  // The engine's bounds, checked here under the request's own field names.
  const auto check = [](const std::optional<double>& v, double max, const char* where, const char* what) {
    if (v && !(std::isfinite(*v) && *v > 0 && *v <= max))
      throw InputError(where, fmt::format("{} must be more than 0 and at most {:g} (got {:g})", what, max, *v));
  };
  check(request.stroke_rate_hz, 2000, "/stroke_rate_hz", "the stroke rate in Hz");
  check(request.glide_speed_mm_s, 1000, "/glide_speed_mm_s", "the glide speed in mm/s");
  check(request.tip_diameter_mm, 50, "/tip_diameter_mm", "the tip diameter in mm");
  if (request.stroke_rate_hz) {
    g.stroke_rate_hz = *request.stroke_rate_hz;
  } else if (device.stroke_rate_hz) {
    g.stroke_rate_hz = (device.stroke_rate_hz->min_mm + device.stroke_rate_hz->max_mm) / 2;
  } else {
    g.stroke_rate_hz = kAssumedStrokeRateHz;
    notes.push_back(fmt::format("{}: no stroke rate in the sources; {:g} Hz assumed", device.id, g.stroke_rate_hz));
  }
  if (device.needle_diameter_mm > 0) g.needle_diameter_mm = device.needle_diameter_mm;
  g.glide_speed_mm_s = request.glide_speed_mm_s.value_or(kAssumedGlideSpeedMmS);
  if (!request.glide_speed_mm_s)
    notes.push_back(fmt::format("glide speed {:g} mm/s assumed (no source gives one)", g.glide_speed_mm_s));
  if (request.tip_diameter_mm) g.tip_diameter_mm = *request.tip_diameter_mm;
  g.pattern = request.pattern;
  if (!length_mm)
    throw InputError("/needle_length_mm", fmt::format("{} is a pen: give the needle depth in mm", device.id));
  if (!device.offers_length(*length_mm))
    throw InputError("/needle_length_mm", device.depth_range
                                              ? fmt::format("{} cannot be set to {:g} mm (it reaches {:g}..{:g} mm)",
                                                            device.id, *length_mm, device.depth_range->min_mm,
                                                            device.depth_range->max_mm)
                                              : fmt::format("{} cannot be set to {:g} mm", device.id, *length_mm));
  g.needle_length_mm = *length_mm;
  return g;
}

/// The device, technique, seed and patch of a request; the region is added by the caller.
SimulationSetup base_setup(const kb::KnowledgeBase& kb, const SimulationRequest& request,
                           const kb::Region* region_for_pen_depth) {
  SimulationSetup out;
  auto& in = out.input;
  in.seed = request.seed;
  in.patch = request.patch;
  if (request.directions.empty()) throw InputError("/directions", "give at least one of h, v, d1, d2");
  in.technique.directions = request.directions;
  if (request.overlap) in.technique.overlap = *request.overlap;
  if (request.passes) {
    in.technique.passes = *request.passes;
  } else {
    const auto& passes = kb.planning.passes;
    in.technique.passes = passes.positions.empty() ? 5 : passes.value().count.max;
    out.notes.push_back(fmt::format("passes: {} from the knowledge base's passes position", in.technique.passes));
  }
  if (request.pressure) in.technique.pressure = *request.pressure;

  if (request.geometry) {
    if (!request.device_id.empty()) throw InputError("/device", "give a device id or a geometry, not both");
    in.device = *request.geometry;
    if (request.needle_length_mm) std::visit([&](auto& g) { g.needle_length_mm = *request.needle_length_mm; }, in.device);
    in.device_label = request.geometry_label.empty() ? "custom device" : request.geometry_label;
    return out;
  }
  std::string id = request.device_id;
  if (id.empty()) {
    const auto& preference = kb.planning.default_device;
    if (preference.positions.empty()) throw InputError("/device", "give a device id");
    id = preference.value().device;
    out.notes.push_back(fmt::format("device: {} (the knowledge base's default)", id));
  }
  out.device = &device_of(kb, id);
  std::optional<double> length = request.needle_length_mm;
  if (!length && out.device->kind == kb::DeviceKind::pen && region_for_pen_depth &&
      region_for_pen_depth->needle_guide) {
    length = region_for_pen_depth->needle_guide->value().max_mm;
    if (out.device->depth_range)
      length = std::clamp(*length, out.device->depth_range->min_mm, out.device->depth_range->max_mm);
    out.notes.push_back(fmt::format("pen depth {:g} mm: the {} guide's maximum", *length, region_for_pen_depth->id));
  }
  in.device = geometry_of(*out.device, length, request, out.notes);
  in.device_label = out.device->id;
  return out;
}

void apply_region(SimulationSetup& setup, const kb::Region& region, const SimulationRequest& request) {
  setup.region = &region;
  setup.input.skin = skin_layers(region, request.sex);
  setup.input.region_label = region.id;
  if (!request.pressure && region.pressure) setup.input.technique.pressure = simulation_pressure(*region.pressure);
}

}  // namespace

sim::Pressure simulation_pressure(kb::Pressure pressure) {
  switch (pressure) {
    case kb::Pressure::light: return sim::Pressure::light;
    case kb::Pressure::medium: return sim::Pressure::medium;
    case kb::Pressure::firm: return sim::Pressure::firm;
  }
  return sim::Pressure::medium;
}

sim::SkinLayers skin_layers(const kb::Region& region, kb::Sex sex) {
  sim::SkinLayers skin;
  const auto& e = region.epidermis_um.for_sex(sex);
  const auto& d = region.dermis_um.for_sex(sex);
  skin.epidermis_um = {e.min_um, e.max_um};
  skin.dermis_um = {d.min_um, d.max_um};
  skin.sources.clear();
  for (const auto& id : region.epidermis_um.sources) skin.sources.push_back(id);
  for (const auto& id : region.dermis_um.sources)
    if (std::find(skin.sources.begin(), skin.sources.end(), id) == skin.sources.end()) skin.sources.push_back(id);
  return skin;
}

SimulationSetup simulation_setup(const kb::KnowledgeBase& kb, const SimulationRequest& request) {
  const kb::Region& region = region_of(kb, request.region_id);
  SimulationSetup setup = base_setup(kb, request, &region);
  apply_region(setup, region, request);
  return setup;
}

FaceSetup face_setup(const kb::KnowledgeBase& kb, const SimulationRequest& request) {
  SimulationSetup base = base_setup(kb, request, nullptr);
  FaceSetup out;
  out.device_label = base.input.device_label;
  out.technique = base.input.technique;
  out.notes = base.notes;
  const kb::Device* device = base.device;
  for (const auto& region : kb.regions) {
    if (region.group != "face") continue;
    const double area = sim::face_region_area_cm2(region.id);
    if (area <= 0) continue;
    SimulationSetup one = base;
    apply_region(one, region, request);
    const double side = std::sqrt(area * 100);
    one.input.patch = {side, side};
    const double guide_max = region.needle_guide ? region.needle_guide->value().max_mm : 0;
    if (device && guide_max > 0 && !request.needle_length_mm) {
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
          one.input.device = geometry_of(*best, std::nullopt, request, ignored);
          one.input.device_label = best->id;
        }
      } else if (device->kind == kb::DeviceKind::pen) {
        double length = guide_max;
        if (device->depth_range) length = std::clamp(length, device->depth_range->min_mm, device->depth_range->max_mm);
        std::visit([&](auto& g) { g.needle_length_mm = length; }, one.input.device);
      }
    }
    out.regions.push_back({region.id, region.name, one.input});
  }
  if (out.regions.empty()) throw InputError("/face", "the knowledge base has no facial regions with a known area");
  out.notes.push_back("facial region areas are model assumptions (no source)");
  return out;
}

void check_simulation_budget(const SimulationSetup& setup, double max_punctures) {
  const double estimate = simulation::estimated_punctures(setup.input);
  // A setup the engine refuses (a glide speed of 0 makes the estimate not a number or negative)
  // gets the engine's own error, naming the field, not a budget figure. An estimate past every
  // number (a glide speed of 1e-300 mm/s) is over the budget like any large one: the engine
  // would call it over its own limit at "patch", which is neither this request's field nor limit.
  if (std::isnan(estimate) || estimate < 0) simulation::validate(setup.input);
  if (estimate <= max_punctures) return;
  const bool countable = std::isfinite(estimate);
  throw ClinicError(FailureKind::bad_input, "simulation_too_large",
                    fmt::format("this simulation would lay {}; at most {:.0f} are simulated per request here (fewer "
                                "passes, less overlap, a smaller patch, a faster glide or a lower stroke rate; the "
                                "command line runs larger ones)",
                                countable ? fmt::format("about {:.0f} punctures", estimate)
                                          : std::string("more punctures than can be counted"),
                                max_punctures),
                    "/passes",
                    nlohmann::json{{"estimated_punctures", countable ? nlohmann::json(std::llround(estimate)) : nullptr},
                                   {"max_punctures", std::llround(max_punctures)}});
}

}  // namespace dermaplan::clinic
