// Shared by the handler files (not a public header): the per-request Call, the Context every
// handler sees, the route table entry and small response helpers.
#pragma once

#include "core/work_slots.h"
#include "planning/course_plan.h"
#include "server/api.h"
#include "server/api_error.h"
#include "server/json_body.h"
#include "server/response_cache.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <mutex>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dermaplan::server {

/// Everything the handlers share. Lives as long as the Api.
struct Context {
  records::Store& store;
  const kb::KnowledgeBase& kb;
  ApiOptions options;
  Clock clock;
  PasswordHasher hasher;
  SessionManager sessions;
  LoginLimiter failures_by_user;     //!< by username and client address, with backoff
  LoginLimiter failures_by_address;  //!< by client address, any username
  ResponseCache engine_cache;      //!< screen/plan/kb responses by request (pure functions)
  PageCache patient_pages;         //!< GET /api/patients pages; writes under /api/patients invalidate
  PageCache patient_records;       //!< GET /api/patients/{id} bodies by patient id (the same rules)
  std::string health_body;         //!< built once
  WorkSlots simulations;            //!< POST /api/simulate: computed at once, and waiting
  /// One request at a time fills a missing list page; the others wait and take it from the
  /// cache (64 clients missing together each built the same page: 150 queries apiece).
  std::mutex patient_page_fill;
  const planning::PlanJsonParts plan_parts;  //!< the plan JSON's knowledge-base parts, written once
};

/// One request on its way through a handler.
struct Call {
  const Request& request;
  std::map<std::string, std::string> params;  //!< "{id}" segments of the route pattern
  std::optional<SignedIn> who;                //!< set on every route but the public ones
  std::string session_token;                  //!< the raw token (login/logout only)

  records::Actor actor() const {
    return who ? records::Actor{who->user.id, who->user.username} : records::Actor{0, "anonymous"};
  }
  /// A positive integer path parameter; 404 otherwise (no such record can exist).
  long long id(const char* name = "id") const;
  /// The body parsed as a JSON object (400/413 on failure).
  nlohmann::json body() const { return parse_body(request.body); }
};

using Handler = std::function<Response(Context&, Call&)>;

struct Route {
  std::string method;
  std::string pattern;
  Permission permission;
  Handler handler;
  size_t max_body = kMaxJsonBytes;
  /// The query parameters it reads; any other, or one given twice, is refused (400) rather
  /// than ignored (a mistyped filter would otherwise widen a list silently).
  std::vector<std::string> query = {};
};

void add_account_routes(std::vector<Route>& routes);  // handlers_accounts.cpp
void add_patient_routes(std::vector<Route>& routes);  // handlers_patients.cpp
void add_session_routes(std::vector<Route>& routes);  // handlers_sessions.cpp
void add_engine_routes(std::vector<Route>& routes);   // handlers_engines.cpp
void add_document_routes(std::vector<Route>& routes); // handlers_documents.cpp
void add_outcome_routes(std::vector<Route>& routes);  // handlers_outcomes.cpp

/// The plan fields of a body (indication, areas, start, device), as POST /api/plan and
/// POST /api/patients/{id}/plans share them.
planning::PlanRequest plan_fields(JsonBody& body);

Response json_response(int status, const nlohmann::json& body);
Response no_content();
/// Appends an audit row for a read of patient data by the caller.
void audit_read(Context& ctx, const Call& call, const std::string& entity, long long record_id,
                const std::string& detail = "");
/// The client's address: the peer, or what a trusted proxy says it forwarded for.
std::string client_address(const Context& ctx, const Request& request);
/// A query parameter as an integer in [min, max], or `fallback` when absent; 400 otherwise.
long long query_integer(const Call& call, const char* name, long long fallback, long long min, long long max);
/// The record or 404 naming it.
template <class T>
T found(std::optional<T> value, const std::string& what, long long id) {
  if (!value) throw ApiError::not_found("no " + what + " with id " + std::to_string(id));
  return std::move(*value);
}

}  // namespace dermaplan::server
