// dermaplan's HTTP API (docs/api.md, version 1) as a function from Request to Response.
// Routing, authentication, the role check, CSRF, body limits and the JSON error format live
// here; the HTTP library lives in http_server.h. Tests drive either one.
//
// Thread safety: handle() may be called from many threads at once.
#pragma once

#include "interop/practice.h"
#include "kb/knowledge_base.h"
#include "records/store.h"
#include "server/auth.h"
#include "server/http_types.h"
#include "server/roles.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dermaplan::server {

/// The API version in docs/api.md and GET /api/health.
inline constexpr int kApiVersion = 1;

struct ApiOptions {
  std::string program_version = "dev";
  SessionOptions sessions;
  PasswordHasher::Limits password_limits = PasswordHasher::interactive();
  /// Where POST /api/backup writes its files (created if missing). Empty: "backups" next to the
  /// working directory.
  std::string backup_dir;
  /// Epoch milliseconds; empty: the system clock. Tests inject one to expire sessions.
  Clock clock;
  /// Failed logins: login_max_failures per username from one client address within
  /// login_window_ms lock that username at that address for login_window_ms, each further
  /// lock twice as long (up to login_max_lock_ms); the user at any other address is not
  /// affected. Separately, 4 x login_max_failures per client address within the window (any
  /// usernames) block that address until the oldest failure ages out.
  int login_max_failures = 5;
  long long login_window_ms = 5 * 60 * 1000;
  long long login_max_lock_ms = 60 * 60 * 1000;
  /// How long a page of the patient list may be served from memory (0: never). Writes through
  /// this server invalidate it at once; writes by another process sharing the database show
  /// within this time.
  long long patient_list_cache_ms = 1000;
  /// How long a patient's record (GET /api/patients/{id}) may be served from memory (0: never).
  /// Every answer from memory is checked against the database's change counter first, which
  /// every write of the record bumps in its transaction (this process or another), and the read
  /// is audited as any other.
  long long patient_record_cache_ms = 1000;
  /// Addresses of reverse proxies (e.g. "127.0.0.1" for nginx on the same machine). A request
  /// from one of them is attributed to the last address in its X-Forwarded-For header (the one
  /// the proxy added) for the per-address login limit and the audit log. From anyone else the
  /// header is ignored, so clients cannot choose their own address.
  std::vector<std::string> trusted_proxies;
  /// Mark the session and CSRF cookies Secure on every response (serving behind TLS). Without
  /// it they are Secure when a trusted proxy sends X-Forwarded-Proto: https.
  bool secure_cookies = false;
  /// POST /api/simulate requests computed at once (each takes a core for up to seconds; the
  /// estimate is also held to clinic::kInteractiveMaxPunctures). Up to max_waiting_simulations
  /// more wait for one, each at most simulation_wait_ms; beyond that, 503 busy at once.
  int max_concurrent_simulations = 2;
  int max_waiting_simulations = 64;
  long long simulation_wait_ms = 10'000;
  /// The practice's name, contact and warning signs on the handouts and consent PDFs
  /// (`dermaplan serve --practice FILE`).
  interop::Practice practice;
};

/// One row of the route table (for tests and docs).
struct RouteInfo {
  std::string method;
  std::string pattern;   //!< "/api/patients/{id}"
  Permission permission;
};

class Api {
 public:
  /// `store` and `kb` must outlive the Api.
  Api(records::Store& store, const kb::KnowledgeBase& kb, ApiOptions options = {});
  ~Api();
  Api(const Api&) = delete;
  Api& operator=(const Api&) = delete;

  /// Answers one request. Never throws: every failure is a JSON error response.
  Response handle(const Request& request) const;

  /// The refusal `handle` would give this request whatever its body (bad path or query text,
  /// no such route, no session, the wrong role, no CSRF token, a body over the route's limit),
  /// for `head`: the request line and headers alone, before a body of `declared_body_bytes` is
  /// read. nullopt: read the body, then call handle(). So a client that may not write never
  /// gets to send (or trickle) a body.
  std::optional<Response> refuse_before_body(const Request& head, size_t declared_body_bytes) const;

  /// Every route, in matching order.
  std::vector<RouteInfo> routes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dermaplan::server
