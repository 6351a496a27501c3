// The engines over HTTP: screening, planning, simulation and the knowledge base. They are pure
// functions of the request (and the knowledge base, loaded once), so finished responses are
// cached by request; no patient record is read or written here.
#include "clinic/engine_requests.h"
#include "clinic/simulation_setup.h"
#include "core/civil_date.h"
#include "core/errors.h"
#include "kb/describe.h"
#include "kb/kb_json.h"
#include "records/sha256.h"
#include "server/api_internal.h"
#include "simulation/report.h"
#include "simulation/simulation.h"

#include <fmt/format.h>

#include <atomic>

namespace dermaplan::server {

using nlohmann::json;

namespace {

/// The cache key: the request and the day it is answered on (the default date is today).
/// The SHA-256 of what the answer depends on (a path holds no newline), so that a cache entry
/// costs 64 bytes of key whatever the size of the request body.
std::string cache_key(const Call& call) {
  return records::sha256_hex(call.request.path + "\n" + format_civil_date(today_utc()) + "\n" +
                             call.request.body);
}

/// The cached answer, or `compute`'s JSON text (kept for the next identical request).
Response cached_json(Context& ctx, const Call& call, const std::function<std::string()>& compute) {
  const std::string key = cache_key(call);
  Response r;
  if (auto hit = ctx.engine_cache.find(key)) {
    r.body = std::move(*hit);
    return r;
  }
  r.body = compute();
  ctx.engine_cache.put(key, r.body);
  return r;
}

std::optional<CivilDate> date_field(JsonBody& body, const char* name) {
  auto text = body.date(name);
  return text ? parse_civil_date(*text) : std::nullopt;
}

nlohmann::json intake_field(JsonBody& body) {
  const json* doc = body.raw("intake");
  if (!doc) throw ApiError::bad_request("'intake' is required", "/intake");
  return *doc;
}

Response screen(Context& ctx, Call& call) {
  return cached_json(ctx, call, [&] {
    const json doc = call.body();
    JsonBody body(doc);
    clinic::ScreenRequest request;
    request.date = date_field(body, "date");
    request.areas = body.texts("areas").value_or(std::vector<std::string>{});
    request.intake = intake_field(body);
    body.finish();
    return screening::to_json(clinic::screen_request(ctx.kb, request, today_utc())).dump();
  });
}

Response plan(Context& ctx, Call& call) {
  return cached_json(ctx, call, [&] {
    const json doc = call.body();
    JsonBody body(doc);
    clinic::PlanCourseRequest request;
    request.date = date_field(body, "date");
    request.plan = plan_fields(body);
    request.intake = intake_field(body);
    body.finish();
    return planning::to_json_text(clinic::plan_request(ctx.kb, request, today_utc()), ctx.plan_parts);
  });
}

/// The simulation request from the body (the same fields as `dermaplan simulate`'s options).
/// HTTP bounds the work any one request may ask for: at most 40 passes on at most a 40 mm patch.
clinic::SimulationRequest simulation_request(JsonBody& body) {
  clinic::SimulationRequest in;
  in.device_id = body.required_text("device");
  in.needle_length_mm = body.number("needle_length_mm");
  in.region_id = body.text("region").value_or("cheek");
  if (auto sex = body.text("sex")) {
    auto parsed = kb::parse_sex(*sex);
    if (!parsed) throw ApiError::bad_request("sex must be female, male, other or unknown", "/sex");
    in.sex = *parsed;
  }
  if (auto passes = body.integer("passes")) {
    if (*passes < 1 || *passes > 40) throw ApiError::bad_request("'passes' must be 1..40 over HTTP", "/passes");
    in.passes = static_cast<int>(*passes);
  }
  if (auto dirs = body.texts("directions")) {
    if (dirs->empty()) throw ApiError::bad_request("give at least one direction", "/directions");
    in.directions.clear();
    for (size_t i = 0; i < dirs->size(); ++i) {
      auto d = simulation::parse_direction((*dirs)[i]);
      if (!d) throw ApiError::bad_request("direction must be h, v, d1 or d2", "/directions/" + std::to_string(i));
      in.directions.push_back(*d);
    }
  }
  if (auto p = body.text("pressure")) {
    auto pressure = simulation::parse_pressure(*p);
    if (!pressure) throw ApiError::bad_request("pressure must be light, medium or firm (omit it for the region's)", "/pressure");
    in.pressure = *pressure;
  }
  in.overlap = body.number("overlap");
  in.glide_speed_mm_s = body.number("glide_speed_mm_s");
  in.stroke_rate_hz = body.number("stroke_rate_hz");
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
    const auto request = simulation_request(body);
    body.finish();
    const auto setup = clinic::simulation_setup(ctx.kb, request);
    clinic::check_simulation_budget(setup, clinic::kInteractiveMaxPunctures);
    // At most max_concurrent_simulations at once (each takes a core); a few more wait their turn
    // (a queue of 64 is 64 short simulations: about 0.15 s at 4-5 ms each on two cores); the
    // rest are told to retry.
    const auto slot = ctx.simulations.acquire(std::chrono::milliseconds(ctx.options.simulation_wait_ms));
    if (!slot)
      throw ApiError(503, "busy", fmt::format("{} simulations are running and others are waiting; try again in a moment",
                                              ctx.options.max_concurrent_simulations))
          .with_header("Retry-After", "1");
    // A client that left while this waited for the body or a slot gets nothing computed.
    if (call.request.client_gone && call.request.client_gone())
      throw ApiError(400, "client_gone", "the client closed the connection before the simulation started");
    // ... and one that leaves during it stops it at the next pass or step.
    const simulation::SimulationResult simulated = [&] {
      try {
        return simulation::simulate(setup.input, call.request.client_gone);
      } catch (const simulation::SimulationStopped&) {
        throw ApiError(400, "client_gone", "the client closed the connection during the simulation");
      }
    }();
    json result = simulation::to_json(simulated);
    result["notes"] = setup.notes;
    // The heat map's cells (punctures per cm^2 on the CLI's 1 mm cells: at most 40 x 40 here,
    // as patch_mm <= 40), for the web to draw; docs/api.md describes the form.
    result["density_map"] = simulation::density_map_json(simulated.puncture_cells, 64);
    return result.dump();
  });
}

Response kb_list(Context& ctx, Call& call) {
  const std::string kind = call.params["kind"];
  return cached_json(ctx, call, [&] {
    try {
      return kb::list_json(ctx.kb, kind).dump();
    } catch (const InputError& e) {
      throw ApiError::not_found(e.what(), "/kind");
    }
  });
}

Response kb_show(Context& ctx, Call& call) {
  const std::string id = call.params["id"];
  return cached_json(ctx, call, [&] {
    try {
      return kb::show_json(ctx.kb, id).dump();
    } catch (const InputError& e) {
      throw ApiError::not_found(e.what(), "/id");
    }
  });
}

}  // namespace

planning::PlanRequest plan_fields(JsonBody& body) {
  planning::PlanRequest request;
  request.indication = body.required_text("indication");
  request.areas = body.texts("areas").value_or(std::vector<std::string>{});
  if (auto start = body.date("start")) request.start = parse_civil_date(*start);
  request.device = body.text("device");
  if (request.device && request.device->empty()) request.device.reset();
  return request;
}

void add_engine_routes(std::vector<Route>& routes) {
  using P = Permission;
  routes.push_back({"POST", "/api/screen", P::use_engines, screen});
  routes.push_back({"POST", "/api/plan", P::use_engines, plan});
  routes.push_back({"POST", "/api/simulate", P::use_engines, simulate});
  routes.push_back({"GET", "/api/kb/show/{id}", P::use_engines, kb_show});
  routes.push_back({"GET", "/api/kb/{kind}", P::use_engines, kb_list});
}

}  // namespace dermaplan::server
