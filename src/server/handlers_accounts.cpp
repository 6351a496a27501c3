// Health, login/logout, users, the audit log and backups.
#include "clinic/accounts.h"
#include "clinic/audit_view.h"
#include "server/api_internal.h"
#include "server/views.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

namespace dermaplan::server {

using nlohmann::json;
using records::AuditAction;

namespace {

constexpr const char* kSessionCookie = "dermaplan_session";
constexpr const char* kCsrfCookie = "dermaplan_csrf";

Response health(Context& ctx, Call&) {
  Response r;
  r.body = ctx.health_body;
  return r;
}

/// "; Secure" when the browser reached us over HTTPS: always with --secure-cookies, or when a
/// trusted proxy says so (X-Forwarded-Proto: https). Browsers then never send the cookies over
/// plain HTTP.
std::string secure_attribute(const Context& ctx, const Request& request) {
  if (ctx.options.secure_cookies) return "; Secure";
  const auto& proxies = ctx.options.trusted_proxies;
  if (std::find(proxies.begin(), proxies.end(), request.remote_addr) == proxies.end()) return "";
  std::string proto = request.header("x-forwarded-proto");
  for (auto& c : proto) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return proto == "https" ? "; Secure" : "";
}

/// {user, csrf_token} with the session and CSRF cookies of a new session.
Response session_response(Context& ctx, const Request& request, const records::User& user, const std::string& token) {
  const std::string csrf = csrf_token_for(token);
  Response r = json_response(200, {{"user", to_json(user)}, {"csrf_token", csrf}});
  const long long max_age = ctx.options.sessions.lifetime_ms / 1000;
  const std::string secure = secure_attribute(ctx, request);
  r.headers.emplace_back("Set-Cookie", fmt::format("{}={}; Path=/; Max-Age={}; HttpOnly; SameSite=Strict{}",
                                                   kSessionCookie, token, max_age, secure));
  r.headers.emplace_back("Set-Cookie", fmt::format("{}={}; Path=/; Max-Age={}; SameSite=Strict{}", kCsrfCookie, csrf,
                                                   max_age, secure));
  return r;
}

/// The login limiter's key for a username tried from one client address: wrong passwords at
/// login and at a password change count together. A stranger guessing a user's password locks
/// only their own address out, never the user at another one.
std::string user_limit_key(const std::string& username, const std::string& address) {
  return "user:" + username + "@" + address;
}

ApiError rate_limited(long long wait_ms, const char* what) {
  const long long minutes = std::max(1LL, (wait_ms + 59'999) / 60'000);
  return ApiError(429, "rate_limited",
                  fmt::format("too many {} from this address; try again in {} minute{}", what, minutes,
                              minutes == 1 ? "" : "s"));
}

Response login(Context& ctx, Call& call) {
  const json doc = call.body();
  JsonBody body(doc);
  const std::string username = body.required_text("username");
  const std::string password = body.required_text("password");
  body.finish();
  if (username.size() > 200 || password.size() > 1024)
    throw ApiError::bad_request("username or password too long", username.size() > 200 ? "/username" : "/password");

  const long long now = ctx.clock();
  const std::string address = client_address(ctx, call.request);
  const std::string user_key = user_limit_key(username, address);
  const std::string address_key = "addr:" + address;
  if (const long long wait = std::max(ctx.failures_by_user.wait_ms(user_key, now),
                                      ctx.failures_by_address.wait_ms(address_key, now)))
    throw rate_limited(wait, "failed logins");

  auto user = ctx.store.find_user_by_username(username);
  bool ok = false;
  if (!user || user->disabled) ctx.hasher.waste_one_verification();
  else ok = ctx.hasher.verify(user->password_hash, password);
  if (!ok) {
    ctx.failures_by_user.record_failure(user_key, now);
    ctx.failures_by_address.record_failure(address_key, now);
    ctx.store.append_audit(records::Actor{user ? user->id : 0, username}, AuditAction::login_failed, "user",
                           user ? user->id : 0, "from " + address);
    throw ApiError(401, "unauthorized", "wrong username or password");
  }
  ctx.failures_by_user.clear(user_key);
  const std::string token = ctx.sessions.start(*user);
  ctx.store.append_audit(records::Actor{user->id, user->username}, AuditAction::login, "user", user->id,
                         "from " + address);
  return session_response(ctx, call.request, *user, token);
}

Response logout(Context& ctx, Call& call) {
  ctx.sessions.end(call.who->token_hash);
  ctx.store.append_audit(call.actor(), AuditAction::logout, "user", call.who->user.id, "");
  Response r = no_content();
  const std::string secure = secure_attribute(ctx, call.request);
  r.headers.emplace_back("Set-Cookie",
                         fmt::format("{}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict{}", kSessionCookie, secure));
  r.headers.emplace_back("Set-Cookie", fmt::format("{}=; Path=/; Max-Age=0; SameSite=Strict{}", kCsrfCookie, secure));
  return r;
}

Response me(Context&, Call& call) { return json_response(200, {{"user", to_json(call.who->user)}}); }

records::Role role_field(JsonBody& body, const char* name, records::Role fallback) {
  auto text = body.text(name);
  if (!text) return fallback;
  auto role = records::parse_role(*text);
  if (!role) throw ApiError::bad_request("role must be admin, practitioner or assistant", body.field(name));
  return *role;
}

// A signed-in user changes their own password. The current password is checked (wrong ones
// count towards the login limit); then every session of the user ends, including stolen ones,
// and the caller gets a new session (new cookies and CSRF token).
Response change_own_password(Context& ctx, Call& call) {
  const json doc = call.body();
  JsonBody body(doc);
  const std::string current = body.required_text("current_password");
  const std::string next = body.required_text("new_password");
  body.finish();
  records::User user = found(ctx.store.find_user(call.who->user.id), "user", call.who->user.id);
  const long long now = ctx.clock();
  const std::string user_key = user_limit_key(user.username, client_address(ctx, call.request));
  if (const long long wait = ctx.failures_by_user.wait_ms(user_key, now)) throw rate_limited(wait, "wrong passwords");
  if (current.size() > 1024 || !ctx.hasher.verify(user.password_hash, current)) {
    ctx.failures_by_user.record_failure(user_key, now);
    ctx.store.append_audit(call.actor(), AuditAction::login_failed, "user", user.id,
                           "password change: wrong current password, from " + client_address(ctx, call.request));
    throw ApiError(403, "wrong_password", "the current password is not right", "/current_password");
  }
  clinic::check_new_password(next, "/new_password");
  if (next == current) throw ApiError::bad_request("the new password is the current one", "/new_password");
  user.password_hash = ctx.hasher.hash(next);
  user = ctx.store.update_user(call.actor(), user);  // audited by the store
  ctx.sessions.end_all_of(user.id);
  return session_response(ctx, call.request, user, ctx.sessions.start(user));
}

// Everyone's name and role (no login names), so that the record can say who did what.
Response staff(Context& ctx, Call&) {
  json out = json::array();
  for (const auto& u : ctx.store.list_users())
    out.push_back({{"id", u.id}, {"display_name", u.display_name}, {"role", records::to_string(u.role)},
                   {"disabled", u.disabled}});
  return json_response(200, {{"staff", out}});
}

Response list_users(Context& ctx, Call&) {
  json users = json::array();
  for (const auto& u : ctx.store.list_users()) users.push_back(to_json(u));
  return json_response(200, {{"users", users}});
}

Response create_user(Context& ctx, Call& call) {
  const json doc = call.body();
  JsonBody body(doc);
  clinic::NewAccount account;
  account.username = body.required_text("username");
  account.display_name = body.text("display_name").value_or("");
  account.role = role_field(body, "role", records::Role::assistant);
  account.password = body.required_text("password");
  body.finish();
  return json_response(201, to_json(clinic::create_account(ctx.store, ctx.hasher, call.actor(), account)));
}

Response update_user(Context& ctx, Call& call) {
  const json doc = call.body();
  refuse_null_fields(doc);
  JsonBody body(doc);
  clinic::AccountChange change;
  change.user_id = call.id();
  change.row_version = body.required_integer("row_version");
  change.display_name = body.text("display_name");
  if (body.text("role")) change.role = role_field(body, "role", records::Role::assistant);
  change.disabled = body.boolean("disabled");
  change.password = body.text("password");
  body.finish();
  const auto changed = clinic::change_account(ctx.store, ctx.hasher, call.actor(), change);
  if (changed.sessions_ended) ctx.sessions.end_all_of(changed.user.id);
  return json_response(200, to_json(changed.user));
}

Response audit_log(Context& ctx, Call& call) {
  clinic::AuditQuery q;
  const std::string order = call.request.query_value("order");
  if (order == "desc") q.order = clinic::AuditOrder::newest_first;
  else if (!order.empty() && order != "asc") throw ApiError::bad_request("'order' must be asc or desc", "?order");
  // Each order reads on from one end: the other end's parameter would be ignored, so it is refused.
  if (q.order == clinic::AuditOrder::newest_first && call.request.has_query("after"))
    throw ApiError::bad_request("'after' reads oldest first; with order=desc give 'before' (a page's next_before)",
                                "?after");
  if (q.order == clinic::AuditOrder::oldest_first && call.request.has_query("before"))
    throw ApiError::bad_request("'before' reads newest first: give it with order=desc (or 'after' without)",
                                "?before");
  q.after = query_integer(call, "after", 0, 0, (1LL << 62));
  q.before = query_integer(call, "before", 0, 0, (1LL << 62));
  q.limit = static_cast<int>(query_integer(call, "limit", 100, 1, 1000));
  q.user = call.request.query_value("user");
  q.entity = call.request.query_value("entity");
  // Query texts are bounded as the patient list's q is (docs/api.md, Limits): the query goes
  // whole into this read's own audit row.
  for (const auto& [name, value] : {std::pair<const char*, const std::string*>{"user", &q.user}, {"entity", &q.entity}})
    if (value->size() > 200)
      throw ApiError::bad_request(fmt::format("'{}' may have at most 200 bytes (got {})", name, value->size()),
                                  std::string("?") + name);
  q.patient_id = query_integer(call, "patient", 0, 0, (1LL << 62));
  const std::string kind = call.request.query_value("kind");
  if (kind == "read") q.kind = clinic::AuditKind::reads;
  else if (kind == "write") q.kind = clinic::AuditKind::writes;
  else if (!kind.empty()) throw ApiError::bad_request("'kind' must be read or write", "?kind");
  const std::string what = fmt::format("GET /api/audit user={} entity={} patient={} kind={} order={}", q.user, q.entity,
                                       q.patient_id, kind, order.empty() ? "asc" : order);
  // Newest first reads back from this read's own audit row (the log has no gaps), so that row
  // is written first and says what was asked rather than how many rows came back.
  long long newest = 0;
  if (q.order == clinic::AuditOrder::newest_first)
    newest = ctx.store.append_audit(call.actor(), AuditAction::read, "audit", 0, what).seq;
  const auto page = clinic::read_audit(ctx.store, q, newest);
  json entries = json::array();
  for (const auto& row : page.rows) {
    json j = to_json(row.entry);
    j["patient_ids"] = row.patient_ids;
    entries.push_back(std::move(j));
  }
  json patients = json::object();
  for (const auto& [id, name] : page.patient_names) patients[std::to_string(id)] = name;
  if (q.order == clinic::AuditOrder::oldest_first)
    ctx.store.append_audit(call.actor(), AuditAction::read, "audit", 0, fmt::format("{} -> {} rows", what, entries.size()));
  json body = {{"entries", entries}, {"patients", patients}};
  if (q.order == clinic::AuditOrder::oldest_first) body["next_after"] = page.next_after;
  else body["next_before"] = page.next_before;
  return json_response(200, body);
}

Response backup(Context& ctx, Call& call) {
  namespace fs = std::filesystem;
  // No fields: an empty body or {}. A field is refused, not ignored (a "path" would otherwise
  // look chosen while the backup went elsewhere).
  if (call.request.body.find_first_not_of(" \t\r\n") != std::string::npos) {
    const json doc = call.body();
    if (doc.contains("path"))
      throw ApiError::bad_request("a backup goes to the server's backup directory (serve --backup-dir); "
                                  "it cannot be chosen per request",
                                  "/path");
    JsonBody(doc).finish();
  }
  const fs::path dir = ctx.options.backup_dir.empty() ? fs::path("backups") : fs::path(ctx.options.backup_dir);
  fs::create_directories(dir);
  std::string stamp = iso_utc(ctx.clock());
  for (auto& c : stamp) if (c == ':') c = '-';
  fs::path path = dir / ("dermaplan-" + stamp + ".db");
  for (int n = 2; fs::exists(path); ++n) path = dir / fmt::format("dermaplan-{}-{}.db", stamp, n);
  ctx.store.backup_to(path.string());
  ctx.store.append_audit(call.actor(), AuditAction::backup, "database", 0, path.string());
  return json_response(201, {{"path", fs::absolute(path).string()}});
}

}  // namespace

void add_account_routes(std::vector<Route>& routes) {
  routes.push_back({"GET", "/api/health", Permission::public_access, health});
  routes.push_back({"POST", "/api/login", Permission::public_access, login, 16 * 1024});
  routes.push_back({"POST", "/api/logout", Permission::signed_in, logout});
  routes.push_back({"GET", "/api/me", Permission::signed_in, me});
  routes.push_back({"POST", "/api/me/password", Permission::signed_in, change_own_password, 16 * 1024});
  routes.push_back({"GET", "/api/staff", Permission::signed_in, staff});
  routes.push_back({"GET", "/api/users", Permission::administer, list_users});
  routes.push_back({"POST", "/api/users", Permission::administer, create_user});
  routes.push_back({"PATCH", "/api/users/{id}", Permission::administer, update_user});
  routes.push_back({"GET", "/api/audit", Permission::administer, audit_log, kMaxJsonBytes,
                    {"order", "after", "before", "limit", "user", "entity", "kind", "patient"}});
  routes.push_back({"POST", "/api/backup", Permission::administer, backup});
}

}  // namespace dermaplan::server
