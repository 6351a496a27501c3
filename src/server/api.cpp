#include "server/api.h"

#include "clinic/failure.h"
#include "core/storable_text.h"
#include "server/api_internal.h"

#include <fmt/format.h>

#include <algorithm>

#include <iostream>

namespace dermaplan::server {

using nlohmann::json;

// ---- Request -----------------------------------------------------------------------------

const std::string& Request::header(const std::string& name) const {
  static const std::string empty;
  auto it = headers.find(name);
  return it == headers.end() ? empty : it->second;
}

std::string Request::query_value(const std::string& name) const {
  auto it = query.find(name);
  return it == query.end() ? "" : it->second;
}

std::string Request::cookie(const std::string& name) const {
  const std::string& all = header("cookie");
  size_t pos = 0;
  while (pos < all.size()) {
    size_t end = all.find(';', pos);
    if (end == std::string::npos) end = all.size();
    std::string_view item(all.data() + pos, end - pos);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    if (item.size() > name.size() && item.substr(0, name.size()) == name && item[name.size()] == '=')
      return std::string(item.substr(name.size() + 1));
    pos = end + 1;
  }
  return "";
}

// ---- helpers -----------------------------------------------------------------------------

std::string error_body(const std::string& code, const std::string& message, const std::string& field,
                       const nlohmann::json& details) {
  json e = {{"code", code}, {"message", message}};
  if (!field.empty()) e["field"] = field;
  if (details.is_object())
    for (const auto& [key, value] : details.items()) e[key] = value;
  // Messages may quote the request's bytes, which need not be valid UTF-8.
  return json{{"error", e}}.dump(-1, ' ', false, json::error_handler_t::replace);
}

Response json_response(int status, const json& body) {
  Response r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

Response no_content() {
  Response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

long long Call::id(const char* name) const {
  auto it = params.find(name);
  const std::string text = it == params.end() ? "" : it->second;
  long long value = 0;
  bool ok = !text.empty() && text.size() <= 18;  // 18 digits always fit in a long long
  for (size_t i = 0; ok && i < text.size(); ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') ok = false;
    else value = value * 10 + (c - '0');
  }
  if (!ok || value <= 0) throw ApiError::not_found("no record with id '" + text + "'", std::string("/") + name);
  return value;
}

long long query_integer(const Call& call, const char* name, long long fallback, long long min, long long max) {
  if (!call.request.has_query(name)) return fallback;
  const std::string text = call.request.query_value(name);
  try {
    size_t used = 0;
    long long v = std::stoll(text, &used);
    if (used == text.size() && v >= min && v <= max) return v;
  } catch (const std::exception&) {
  }
  throw ApiError::bad_request(fmt::format("'{}' must be an integer from {} to {}", name, min, max),
                              std::string("?") + name);
}

void audit_read(Context& ctx, const Call& call, const std::string& entity, long long record_id,
                const std::string& detail) {
  ctx.store.append_audit(call.actor(), records::AuditAction::read, entity, record_id,
                         detail.empty() ? call.request.method + " " + call.request.path : detail);
}

std::string client_address(const Context& ctx, const Request& request) {
  const auto& proxies = ctx.options.trusted_proxies;
  if (std::find(proxies.begin(), proxies.end(), request.remote_addr) == proxies.end()) return request.remote_addr;
  const std::string& forwarded = request.header("x-forwarded-for");
  const auto comma = forwarded.rfind(',');
  std::string last = comma == std::string::npos ? forwarded : forwarded.substr(comma + 1);
  const auto first = last.find_first_not_of(" \t");
  if (first == std::string::npos) return request.remote_addr;
  last = last.substr(first, last.find_last_not_of(" \t") - first + 1);
  // An address is short and plain; anything else is not trusted to go into keys and logs.
  if (last.size() > 64 || last.find_first_not_of("0123456789abcdefABCDEF.:[]") != std::string::npos)
    return request.remote_addr;
  return last;
}

namespace {

Response error_response(int status, const std::string& code, const std::string& message,
                        const std::string& field = "", const json& details = nullptr) {
  Response r;
  r.status = status;
  r.body = error_body(code, message, field, details);
  return r;
}

bool state_changing(const std::string& method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  size_t pos = 1;
  while (pos <= path.size()) {
    size_t end = path.find('/', pos);
    if (end == std::string::npos) end = path.size();
    parts.push_back(path.substr(pos, end - pos));
    pos = end + 1;
  }
  return parts;
}

}  // namespace

// ---- Api ---------------------------------------------------------------------------------

struct Api::Impl {
  struct CompiledRoute {
    Route route;
    std::vector<std::string> segments;
  };
  Context ctx;
  std::vector<CompiledRoute> routes;

  Impl(records::Store& store, const kb::KnowledgeBase& kb, ApiOptions options)
      : ctx{store,
            kb,
            options,
            options.clock ? options.clock : Clock(records::system_now_ms),
            PasswordHasher(options.password_limits),
            SessionManager(store, options.clock ? options.clock : Clock(records::system_now_ms), options.sessions),
            LoginLimiter(LoginLimiter::Options{options.login_max_failures, options.login_window_ms,
                                               /*backoff=*/true, options.login_max_lock_ms}),
            LoginLimiter(options.login_max_failures * 4, options.login_window_ms),
            ResponseCache(),
            PageCache(options.patient_list_cache_ms),
            PageCache(options.patient_record_cache_ms),
            "",
            WorkSlots(options.max_concurrent_simulations, options.max_waiting_simulations),
            {},
            planning::PlanJsonParts(kb)} {
    std::vector<Route> table;
    add_account_routes(table);
    add_patient_routes(table);
    add_session_routes(table);
    add_engine_routes(table);
    add_document_routes(table);
    add_outcome_routes(table);
    for (auto& r : table) routes.push_back({r, split_path(r.pattern)});
    ctx.health_body = json{{"status", "ok"},
                           {"api", kApiVersion},
                           {"version", options.program_version},
                           {"knowledge_version", kb.version},
                           {"policy", kb.policy},
                           {"backend", store.backend() == records::Backend::sqlite ? "sqlite" : "postgresql"}}
                          .dump();
  }

  /// The route for method+path and its parameters; 404 when no pattern matches, 405 when only
  /// the method differs.
  const Route& match(const Request& req, std::map<std::string, std::string>& params) const {
    const auto parts = split_path(req.path);
    std::vector<std::string> allowed;  // the methods of the routes whose pattern matches
    for (const auto& cr : routes) {
      if (cr.segments.size() != parts.size()) continue;
      std::map<std::string, std::string> found;
      bool ok = true;
      for (size_t i = 0; i < parts.size() && ok; ++i) {
        const auto& seg = cr.segments[i];
        const size_t close = seg.size() > 2 && seg.front() == '{' ? seg.find('}') : std::string::npos;
        if (close != std::string::npos) {
          // "{id}" takes the whole segment; "{cid}.pdf" a non-empty part before the suffix.
          const std::string suffix = seg.substr(close + 1);
          const std::string& part = parts[i];
          if (part.size() <= suffix.size() || part.compare(part.size() - suffix.size(), suffix.size(), suffix) != 0)
            ok = false;
          else found[seg.substr(1, close - 1)] = part.substr(0, part.size() - suffix.size());
        } else {
          ok = seg == parts[i];
        }
      }
      if (!ok) continue;
      if (cr.route.method == "GET") allowed.push_back("HEAD");
      allowed.push_back(cr.route.method);
      if (cr.route.method != req.method && !(req.method == "HEAD" && cr.route.method == "GET")) continue;
      params = std::move(found);
      return cr.route;
    }
    if (!allowed.empty()) {
      std::sort(allowed.begin(), allowed.end());
      allowed.erase(std::unique(allowed.begin(), allowed.end()), allowed.end());
      std::string allow;
      for (const auto& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
      throw ApiError(405, "method_not_allowed", req.method + " is not allowed on " + req.path + "; allowed: " + allow)
          .with_header("Allow", allow);
    }
    throw ApiError::not_found("no endpoint " + req.method + " " + req.path);
  }

  /// A query parameter the route does not read, or one given twice: 400 naming it.
  static void refuse_unread_query(const Request& req, const Route& route) {
    for (auto it = req.query.begin(); it != req.query.end(); it = req.query.upper_bound(it->first)) {
      const std::string& name = it->first;
      const std::string shown = name.size() <= 64 ? "'" + name + "'" : "with a long name";
      if (std::find(route.query.begin(), route.query.end(), name) == route.query.end()) {
        std::string accepted;
        for (const auto& q : route.query) accepted += (accepted.empty() ? "" : ", ") + q;
        throw ApiError::bad_request(
            fmt::format("unknown query parameter {}; {} {}", shown, route.pattern,
                        accepted.empty() ? "takes none" : "takes " + accepted),
            "?" + name);
      }
      if (const auto n = req.query.count(name); n > 1)
        throw ApiError::bad_request(fmt::format("the query parameter {} is given {} times; give it once", shown, n),
                                    "?" + name);
    }
  }

  /// What can be decided before the body is read: the path and query text, the route, the
  /// session, the role, CSRF and the body's length (`body_bytes`, declared or read). Throws
  /// the refusal.
  const Route& admit(const Request& req, Call& call, size_t body_bytes) {
    // Path segments become ids and names (lots, regions): the same rule as body text.
    if (const std::string reason = unstorable_reason(req.path); !reason.empty())
      throw ApiError::bad_request("the path has " + reason + "; send UTF-8 text without NUL bytes", "path");
    // Query values reach searches and the audit log: the same rule as body text.
    for (const auto& [name, value] : req.query) {
      const bool name_ok = unstorable_reason(name).empty();
      const std::string reason = name_ok ? unstorable_reason(value) : unstorable_reason(name);
      if (!reason.empty())
        throw ApiError::bad_request("the query parameter has " + reason + "; send UTF-8 text without NUL bytes",
                                    name_ok ? "?" + name : "?");
    }
    const Route& route = match(req, call.params);
    if (route.permission != Permission::public_access) {
      // The session: the HttpOnly cookie (browsers; needs the CSRF header on writes) or a
      // bearer token (other tools; not sent automatically by browsers, so no CSRF).
      std::string token;
      bool from_cookie = false;
      const std::string& auth = req.header("authorization");
      // The scheme is case-insensitive (RFC 9110 section 11.1): "bearer" is "Bearer".
      if (auth.size() > 7 && auth[6] == ' ' && equal_ignoring_ascii_case(std::string_view(auth).substr(0, 6), "bearer")) {
        token = auth.substr(7);
      } else {
        token = req.cookie("dermaplan_session");
        from_cookie = true;
      }
      if (token.empty()) throw ApiError(401, "unauthorized", "log in first (POST /api/login)");
      call.who = ctx.sessions.check(token);
      if (!call.who) throw ApiError(401, "unauthorized", "the session has expired or was ended; log in again");
      call.session_token = token;
      if (!allows(call.who->user.role, route.permission))
        throw ApiError(403, "forbidden",
                       fmt::format("the role '{}' may not do this ({})", records::to_string(call.who->user.role),
                                   to_string(route.permission)));
      if (from_cookie && state_changing(req.method) &&
          !equal_secrets(req.header("x-csrf-token"), csrf_token_for(token)))
        throw ApiError(403, "csrf", "missing or wrong X-CSRF-Token header (use the csrf_token from login)",
                       "X-CSRF-Token");
    }
    refuse_unread_query(req, route);
    if (body_bytes > route.max_body)
      throw ApiError(413, "payload_too_large",
                     fmt::format("the body has {} bytes; this endpoint accepts at most {}", body_bytes,
                                 route.max_body));
    return route;
  }

  Response dispatch(const Request& req) {
    Call call{req, {}, std::nullopt, ""};
    const Route& route = admit(req, call, req.body.size());
    // Any write under /api/patients may change a page of the patient list: the cached pages go
    // once the handler is done (after its commit, whether it succeeded or not).
    // The same for a patient's record, also written under /api/sessions (the database's change
    // counter, checked on every answer from memory, covers writes by other processes).
    struct InvalidateAfter {
      Context* ctx;
      ~InvalidateAfter() {
        if (!ctx) return;
        ctx->patient_pages.invalidate();
        ctx->patient_records.invalidate();
      }
    } invalidate_after{state_changing(req.method) && (route.pattern.rfind("/api/patients", 0) == 0 ||
                                                      route.pattern.rfind("/api/sessions", 0) == 0)
                           ? &ctx
                           : nullptr};
    return route.handler(ctx, call);
  }
};

Api::Api(records::Store& store, const kb::KnowledgeBase& kb, ApiOptions options)
    : impl_(std::make_unique<Impl>(store, kb, std::move(options))) {}

Api::~Api() = default;

std::vector<RouteInfo> Api::routes() const {
  std::vector<RouteInfo> out;
  for (const auto& cr : impl_->routes) out.push_back({cr.route.method, cr.route.pattern, cr.route.permission});
  return out;
}

namespace {

/// The JSON error response for the exception being handled.
Response error_for_current_exception(const Request& request) {
  try {
    throw;
  } catch (const ApiError& e) {
    Response r = error_response(e.status(), e.code(), e.what(), e.field());
    r.headers.insert(r.headers.end(), e.headers().begin(), e.headers().end());
    return r;
  } catch (...) {
    const clinic::Failure f = clinic::describe_failure(std::current_exception());
    const int status = clinic::http_status(f.kind);
    if (status >= 500)
      std::cerr << "dermaplan serve: " << (f.kind == clinic::FailureKind::internal ? "internal error" : f.code)
                << " on " << request.method << " " << request.path << ": " << f.message << "\n";
    if (f.kind == clinic::FailureKind::internal || f.kind == clinic::FailureKind::bad_knowledge)
      return error_response(500, "internal", "internal error; the server log has the details");
    if (f.kind == clinic::FailureKind::unavailable)
      return error_response(503, "unavailable", "the database is unavailable; try again");
    return error_response(status, f.code, f.message, f.where, f.details);
  }
}

}  // namespace

Response Api::handle(const Request& request) const {
  try {
    return impl_->dispatch(request);
  } catch (...) {
    return error_for_current_exception(request);
  }
}

std::optional<Response> Api::refuse_before_body(const Request& head, size_t declared_body_bytes) const {
  try {
    Call call{head, {}, std::nullopt, ""};
    impl_->admit(head, call, declared_body_bytes);
    return std::nullopt;
  } catch (...) {
    return error_for_current_exception(head);
  }
}

}  // namespace dermaplan::server
