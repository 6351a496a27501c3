// Fuzzes the HTTP API as a whole: routing, the session check, query parameters, JSON bodies,
// every handler and the store behind it, on a temporary SQLite database, signed in as an admin
// (so requests get past the role check into the handlers). Whatever the bytes, the answer must
// be a response with a status below 500 and, when it says JSON, a body that parses.
//
// Input: byte 0 picks a route of Api::routes(); the bytes up to the first newline fill the
// route's {parameters} (split on '/') and, after a '?', its query string; the rest is the body.
// Routes that would end the fuzzer's own session or fill the disk (logout, password changes,
// user edits, backups) are left out.
#include "records/store.h"
#include "server/api.h"

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "kb/loader.h"

using namespace dermaplan;

namespace {

struct Harness {
  std::filesystem::path dir;
  kb::KnowledgeBase kb;
  std::unique_ptr<records::Store> store;
  std::unique_ptr<server::Api> api;
  std::vector<server::RouteInfo> routes;
  std::string token;

  Harness() : kb(kb::load_knowledge(DERMAPLAN_KNOWLEDGE_DIR)) {
    dir = std::filesystem::temp_directory_path() / ("dermaplan-fuzz-api-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    records::StoreOptions store_options;
    store_options.pool_size = 2;
    store = records::open_store((dir / "fuzz.db").string(), store_options);
    server::ApiOptions options;
    options.password_limits = server::PasswordHasher::minimum();
    options.backup_dir = (dir / "backups").string();
    options.login_max_failures = 1000000;  // random logins must not lock the fuzzer out
    api = std::make_unique<server::Api>(*store, kb, options);
    server::PasswordHasher hasher(server::PasswordHasher::minimum());
    records::User admin;
    admin.username = "fuzz-admin";
    admin.display_name = "Fuzz Admin";
    admin.role = records::Role::admin;
    admin.password_hash = hasher.hash("fuzz-admin-password");
    store->create_user(records::Actor{0, "fuzz"}, admin);
    records::Patient patient;  // so that id 1 exists for the routes that take one
    patient.name = "Fuzz Patient";
    patient.birth_date = "1980-01-01";
    patient.sex = "female";
    store->create_patient(records::Actor{1, "fuzz-admin"}, patient);

    server::Request login;
    login.method = "POST";
    login.path = "/api/login";
    login.remote_addr = "127.0.0.1";
    login.body = R"({"username":"fuzz-admin","password":"fuzz-admin-password"})";
    const server::Response r = api->handle(login);
    for (const auto& [name, value] : r.headers)
      if (name == "Set-Cookie" && value.rfind("dermaplan_session=", 0) == 0)
        token = value.substr(18, value.find(';') - 18);
    if (token.size() != 64) {
      std::fprintf(stderr, "fuzz_api: cannot log in: %s\n", r.body.c_str());
      std::abort();
    }
    for (const auto& route : api->routes()) {
      const std::string& p = route.pattern;
      if (p == "/api/logout" || p == "/api/me/password" || p == "/api/backup" ||
          (route.method == "PATCH" && p == "/api/users/{id}"))
        continue;
      routes.push_back(route);
    }
  }
  ~Harness() {
    api.reset();
    store.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
};

Harness& harness() {
  static Harness h;
  return h;
}

/// The route's pattern with its {parameters} replaced by the given segments (or "1").
std::string fill(const std::string& pattern, const std::vector<std::string>& values) {
  std::string out;
  size_t next = 0;
  for (size_t i = 0; i < pattern.size();) {
    if (pattern[i] == '{') {
      const size_t close = pattern.find('}', i);
      out += next < values.size() ? values[next] : "1";
      ++next;
      i = close + 1;
    } else {
      out += pattern[i++];
    }
  }
  return out;
}

/// "a=1&b=x" -> query pairs (no percent-decoding: the HTTP layer has done it).
std::multimap<std::string, std::string> parse_query(const std::string& text) {
  std::multimap<std::string, std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('&', start);
    if (end == std::string::npos) end = text.size();
    const std::string pair = text.substr(start, end - start);
    const size_t eq = pair.find('=');
    if (!pair.empty()) out.emplace(pair.substr(0, eq), eq == std::string::npos ? "" : pair.substr(eq + 1));
    start = end + 1;
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  Harness& h = harness();
  const server::RouteInfo& route = h.routes[data[0] % h.routes.size()];
  const std::string rest(reinterpret_cast<const char*>(data + 1), size - 1);
  const size_t newline = rest.find('\n');
  const std::string head = newline == std::string::npos ? rest : rest.substr(0, newline);
  const std::string body = newline == std::string::npos ? "" : rest.substr(newline + 1);
  const size_t question = head.find('?');
  const std::string segments = head.substr(0, question);
  std::vector<std::string> values;
  for (size_t start = 0; start <= segments.size();) {
    size_t end = segments.find('/', start);
    if (end == std::string::npos) end = segments.size();
    if (end > start) values.push_back(segments.substr(start, end - start));
    start = end + 1;
  }

  server::Request request;
  request.method = route.method;
  request.path = fill(route.pattern, values);
  if (question != std::string::npos) request.query = parse_query(head.substr(question + 1));
  request.headers["authorization"] = "Bearer " + h.token;
  request.headers["content-type"] = "application/json";
  request.body = body;
  request.remote_addr = "127.0.0.1";

  const server::Response response = h.api->handle(request);
  if (response.status >= 500) {
    std::fprintf(stderr, "fuzz_api: %s %s -> %d %s\n", request.method.c_str(), request.path.c_str(),
                 response.status, response.body.c_str());
    std::abort();
  }
  if (response.content_type == "application/json" && !response.body.empty() &&
      nlohmann::json::parse(response.body, nullptr, false).is_discarded()) {
    std::fprintf(stderr, "fuzz_api: %s %s -> a body that is not JSON\n", request.method.c_str(),
                 request.path.c_str());
    std::abort();
  }
  return 0;
}
