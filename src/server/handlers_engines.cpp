// The engines over HTTP: screening, planning, simulation and the knowledge base. They are pure
// functions of the request (and the knowledge base, loaded once), so finished responses are
// cached by request; no patient record is read or written here.
#include "core/civil_date.h"
#include "core/errors.h"
#include "kb/kb_json.h"
#include "planning/course_plan.h"
#include "screening/screening.h"
#include "server/api_internal.h"
#include "simulation/report.h"
#include "simulation/simulation.h"

#include <fmt/format.h>

namespace dermaplan::server {

using nlohmann::json;

namespace {

/// The cache key: the request and the day it is answered on (the default date is today).
std::string cache_key(const Call& call) {
  return call.request.path + "\n" + format_civil_date(today_utc()) + "\n" + call.request.body;
}

Response cached_json(Context& ctx, const Call& call, const std::function<json()>& compute) {
  const std::string key = cache_key(call);
  Response r;
  if (auto hit = ctx.engine_cache.find(key)) {
    r.body = std::move(*hit);
    return r;
  }
  r.body = compute().dump();
  ctx.engine_cache.put(key, r.body);
  return r;
}

screening::Intake intake_field(JsonBody& body, const kb::KnowledgeBase& kb, CivilDate as_of) {
  const json* doc = body.raw("intake");
  if (!doc) throw ApiError::bad_request("'intake' is required", "/intake");
  try {
    return screening::parse_intake(*doc, kb, as_of);
  } catch (const InputError& e) {
    std::string message = e.what();
    if (message.rfind(e.where() + ": ", 0) == 0) message = message.substr(e.where().size() + 2);
    const std::string where = e.where().empty() || e.where()[0] != '/' ? "/" + e.where() : e.where();
    throw ApiError::bad_request(message, "/intake" + where);
  }
}

CivilDate date_or_today(JsonBody& body, const char* name) {
  auto text = body.date(name);
  return text ? *parse_civil_date(*text) : today_utc();
}

std::vector<std::string> regions_field(JsonBody& body, const kb::KnowledgeBase& kb) {
  auto areas = body.texts("areas").value_or(std::vector<std::string>{});
  for (size_t i = 0; i < areas.size(); ++i)
    if (!kb.find_region(areas[i]))
      throw ApiError::bad_request("unknown region '" + areas[i] + "' (GET /api/kb/regions lists them)",
                                  "/areas/" + std::to_string(i));
  return areas;
}

Response screen(Context& ctx, Call& call) {
  return cached_json(ctx, call, [&] {
    const json doc = call.body();
    JsonBody body(doc);
    const CivilDate as_of = date_or_today(body, "date");
    const auto areas = regions_field(body, ctx.kb);
    const auto intake = intake_field(body, ctx.kb, as_of);
    body.finish();
    return screening::to_json(screening::screen(intake, ctx.kb, as_of, areas));
  });
}

Response plan(Context& ctx, Call& call) {
  return cached_json(ctx, call, [&] {
    const json doc = call.body();
    JsonBody body(doc);
    const CivilDate as_of = date_or_today(body, "date");
    planning::PlanRequest request;
    request.indication = body.required_text("indication");
    request.areas = regions_field(body, ctx.kb);
    if (auto start = body.date("start")) request.start = parse_civil_date(*start);
    request.device = body.text("device");
    if (request.device && request.device->empty()) request.device.reset();
    const auto intake = intake_field(body, ctx.kb, as_of);
    body.finish();
    try {
      return planning::to_json(planning::plan_course(intake, ctx.kb, as_of, request), ctx.kb);
    } catch (const InputError& e) {
      // The engine names request fields ("indication", "area", "device", "start").
      std::string message = e.what();
      if (message.rfind(e.where() + ": ", 0) == 0) message = message.substr(e.where().size() + 2);
      throw ApiError::bad_request(message, e.where() == "area" ? "/areas" : "/" + e.where());
    }
  });
}

simulation::Direction direction(const std::string& text, const std::string& field) {
  if (text == "h" || text == "horizontal") return simulation::Direction::horizontal;
  if (text == "v" || text == "vertical") return simulation::Direction::vertical;
  if (text == "d1" || text == "diagonal_up") return simulation::Direction::diagonal_up;
  if (text == "d2" || text == "diagonal_down") return simulation::Direction::diagonal_down;
  throw ApiError::bad_request("direction must be h, v, d1 or d2", field);
}

/// Builds the simulator's input from knowledge-base ids and technique fields.
simulation::SimulationInput simulation_input(JsonBody& body, const kb::KnowledgeBase& kb) {
  simulation::SimulationInput in;
  const std::string device_id = body.required_text("device");
  const kb::Device* device = kb.find_device(device_id);
  if (!device) throw ApiError::bad_request("unknown device '" + device_id + "' (GET /api/kb/devices lists them)", "/device");
  const auto length = body.number("needle_length_mm");
  if (device->kind == kb::DeviceKind::roller) {
    simulation::RollerGeometry roller;
    roller.needles = device->needles;
    roller.rings = device->rows > 0 ? device->rows : roller.rings;
    if (device->drum_diameter_mm > 0) roller.drum_diameter_mm = device->drum_diameter_mm;
    if (device->drum_width_mm > 0) roller.drum_width_mm = device->drum_width_mm;
    roller.needle_length_mm = device->needle_length_mm;
    if (device->needle_diameter_mm > 0) roller.needle_diameter_mm = device->needle_diameter_mm;
    if (length && *length != roller.needle_length_mm)
      throw ApiError::bad_request(fmt::format("this roller's needles are {} mm long", roller.needle_length_mm),
                                  "/needle_length_mm");
    in.device = roller;
  } else {
    simulation::PenGeometry pen;
    for (const auto& c : device->cartridges)
      if (c.needles > 0) { pen.needles = c.needles; break; }
    if (device->stroke_rate_hz) pen.stroke_rate_hz = device->stroke_rate_hz->max_mm;
    if (device->needle_diameter_mm > 0) pen.needle_diameter_mm = device->needle_diameter_mm;
    pen.needle_length_mm = length.value_or(device->needle_length_mm > 0 ? device->needle_length_mm : 1.0);
    if (length && device->depth_range &&
        (*length < device->depth_range->min_mm || *length > device->depth_range->max_mm))
      throw ApiError::bad_request(fmt::format("this device reaches {}..{} mm", device->depth_range->min_mm,
                                              device->depth_range->max_mm),
                                  "/needle_length_mm");
    if (auto speed = body.number("glide_speed_mm_s")) pen.glide_speed_mm_s = *speed;
    in.device = pen;
  }
  in.device_label = device->name;
  const std::string region_id = body.text("region").value_or("cheek");
  const kb::Region* region = kb.find_region(region_id);
  if (!region) throw ApiError::bad_request("unknown region '" + region_id + "'", "/region");
  in.region_label = region->name;
  in.skin.epidermis_um = {region->epidermis_um.all.min_um, region->epidermis_um.all.max_um};
  in.skin.dermis_um = {region->dermis_um.all.min_um, region->dermis_um.all.max_um};
  in.skin.sources = region->dermis_um.sources;
  const auto passes = body.integer("passes").value_or(4);
  if (passes < 1 || passes > 40) throw ApiError::bad_request("'passes' must be 1..40 over HTTP", "/passes");
  in.technique.passes = static_cast<int>(passes);
  if (auto dirs = body.texts("directions")) {
    if (dirs->empty()) throw ApiError::bad_request("give at least one direction", "/directions");
    in.technique.directions.clear();
    for (size_t i = 0; i < dirs->size(); ++i)
      in.technique.directions.push_back(direction((*dirs)[i], "/directions/" + std::to_string(i)));
  }
  if (auto p = body.text("pressure")) {
    if (*p == "light") in.technique.pressure = simulation::Pressure::light;
    else if (*p == "medium") in.technique.pressure = simulation::Pressure::medium;
    else if (*p == "firm") in.technique.pressure = simulation::Pressure::firm;
    else throw ApiError::bad_request("pressure must be light, medium or firm", "/pressure");
  }
  if (auto o = body.number("overlap")) in.technique.overlap = *o;
  const auto seed = body.integer("seed").value_or(1);
  if (seed < 0) throw ApiError::bad_request("'seed' must be a non-negative integer", "/seed");
  in.seed = static_cast<std::uint64_t>(seed);
  const double patch = body.number("patch_mm").value_or(20);
  if (patch < 2 || patch > 40) throw ApiError::bad_request("'patch_mm' must be 2..40 over HTTP", "/patch_mm");
  in.patch = {patch, patch};
  return in;
}

Response simulate(Context& ctx, Call& call) {
  return cached_json(ctx, call, [&] {
    const json doc = call.body();
    JsonBody body(doc);
    const auto input = simulation_input(body, ctx.kb);
    body.finish();
    const simulation::SimulationResult simulated = simulation::simulate(input);
    json result = simulation::to_json(simulated);
    // The heat map's cells (punctures per cm^2 on the CLI's 1 mm cells: at most 40 x 40 here,
    // as patch_mm <= 40), for the web to draw; docs/api.md describes the form.
    result["density_map"] = simulation::density_map_json(simulated.puncture_cells, 64);
    return result;
  });
}

Response kb_list(Context& ctx, Call& call) {
  const std::string kind = call.params["kind"];
  return cached_json(ctx, call, [&] {
    try {
      return kb::list_json(ctx.kb, kind);
    } catch (const InputError& e) {
      throw ApiError::not_found(e.what(), "/kind");
    }
  });
}

Response kb_show(Context& ctx, Call& call) {
  const std::string id = call.params["id"];
  return cached_json(ctx, call, [&] {
    try {
      return kb::show_json(ctx.kb, id);
    } catch (const InputError& e) {
      throw ApiError::not_found(e.what(), "/id");
    }
  });
}

}  // namespace

void add_engine_routes(std::vector<Route>& routes) {
  using P = Permission;
  routes.push_back({"POST", "/api/screen", P::use_engines, screen});
  routes.push_back({"POST", "/api/plan", P::use_engines, plan});
  routes.push_back({"POST", "/api/simulate", P::use_engines, simulate});
  routes.push_back({"GET", "/api/kb/show/{id}", P::use_engines, kb_show});
  routes.push_back({"GET", "/api/kb/{kind}", P::use_engines, kb_list});
}

}  // namespace dermaplan::server
