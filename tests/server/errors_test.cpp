// Bad requests get JSON errors with a code, a message and the field at fault; never a crash.
#include <filesystem>
#include <random>

#include <cstdio>
#include <sstream>

#include "server_test_support.h"

namespace dermaplan::server::testing {
namespace {

using nlohmann::json;

class Errors : public ServerTest {};
DERMAPLAN_INSTANTIATE_BACKENDS(Errors);

TEST_P(Errors, MalformedJsonIs400WithWhere) {
  Reply r = client().send("POST", "/api/patients", "{\"name\": ", &admin_);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.code(), "bad_request");
  EXPECT_FALSE(r.json()["error"]["message"].get<std::string>().empty());
  EXPECT_EQ(client().send("POST", "/api/patients", "[1,2]", &admin_).status, 400);
  EXPECT_EQ(client().send("POST", "/api/patients", "", &admin_).status, 400);
}

TEST_P(Errors, WrongTypesNameTheField) {
  Reply r = client().post("/api/patients", {{"name", 42}}, admin_);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.field(), "/name");
  r = client().post("/api/patients", {{"name", "Ok"}, {"birth_date", "2026-02-30"}}, admin_);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.field(), "/birth_date");
  r = client().post("/api/plan", {{"intake", example_intake()}, {"indication", "acne-scars"}, {"areas", "cheek"}},
                    admin_);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.field(), "/areas");
}

TEST_P(Errors, UnknownFieldsAreRefused) {
  Reply r = client().post("/api/patients", {{"name", "Ok"}, {"birth_date", "1980-05-06"}, {"colour", "blue"}}, admin_);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.field(), "/colour");
  r = client().post("/api/screen", {{"intake", example_intake()}, {"extra", 1}}, admin_);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.field(), "/extra");
}

TEST_P(Errors, UnknownOrRepeatedQueryParametersAreRefused) {
  struct Case {
    const char* target;
    int status;
    const char* field;  //!< "" when answered
  };
  const std::vector<Case> cases = {
      {"/api/patients?limit=5&q=ad", 200, ""},
      {"/api/patients?limt=5", 400, "?limt"},          // a typo is not a silent default
      {"/api/patients?qq=smith", 400, "?qq"},          // nor a filter silently dropped
      {"/api/patients?limit=5&limit=6", 400, "?limit"},  // which one counts is not guessed
      {"/api/me?x=1", 400, "?x"},                      // a route that reads none
      {"/api/agenda?days=3", 200, ""},
      {"/api/audit?kind=read&order=desc", 200, ""},
      {"/api/audit?since=1", 400, "?since"},
      {"/api/outcomes?by=indication", 200, ""},
      {"/api/outcomes?group=indication", 400, "?group"},
  };
  for (const auto& c : cases) {
    Reply r = client().send("GET", c.target, "", &admin_);
    EXPECT_EQ(r.status, c.status) << c.target << ": " << r.body;
    if (c.status == 400) {
      EXPECT_EQ(r.field(), c.field) << c.target;
      EXPECT_EQ(r.code(), "bad_request") << c.target;
    }
  }
  // The refusal names what the route takes.
  const Reply r = client().send("GET", "/api/patients?limt=5", "", &admin_);
  EXPECT_NE(r.json()["error"]["message"].get<std::string>().find("q, limit, offset, after"), std::string::npos) << r.body;
  // Unauthenticated, the session is refused first (nothing about the route's parameters).
  EXPECT_EQ(client().send("GET", "/api/patients?limt=5", "").status, 401);
}

TEST_P(Errors, ABackupTakesNoFieldsAndSaysWhereItGoes) {
  const auto chosen = std::filesystem::temp_directory_path() / "dermaplan-chosen-backup-path.db";
  std::filesystem::remove(chosen);
  Reply r = client().post("/api/backup", {{"path", chosen.string()}}, admin_);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.field(), "/path");
  EXPECT_NE(r.json()["error"]["message"].get<std::string>().find("--backup-dir"), std::string::npos) << r.body;
  EXPECT_FALSE(std::filesystem::exists(chosen));
  r = client().post("/api/backup", {{"compress", true}}, admin_);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.field(), "/compress");
}

TEST_P(Errors, EngineInputErrorsAre400WithTheJsonPath) {
  json intake = example_intake();
  intake["medications"][0]["code"] = "no-such-drug";
  Reply r = client().post("/api/screen", {{"intake", intake}, {"date", "2026-11-22"}}, admin_);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.field(), "/intake/medications/0/code") << r.body;
  r = client().post("/api/plan", {{"intake", example_intake()}, {"indication", "no-such-indication"}, {"date", "2026-11-22"}},
                    admin_);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.field(), "/indication") << r.body;
  // A pen gliding at 0 mm/s would never finish: named, not estimated (it was a negative budget).
  r = client().post("/api/simulate",
                    {{"device", "dermapen-4"}, {"needle_length_mm", 1.0}, {"region", "cheek"}, {"passes", 2},
                     {"directions", {"h"}}, {"pressure", "medium"}, {"seed", 1}, {"patch_mm", 10},
                     {"glide_speed_mm_s", 0}},
                    admin_);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.field(), "/glide_speed_mm_s") << r.body;
}

TEST_P(Errors, OversizedBodiesAre413) {
  const std::string big = json{{"name", std::string(1100 * 1024, 'x')}}.dump();
  Reply r = client().send("POST", "/api/patients", big, &admin_);
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.code(), "payload_too_large");
  // Beyond the HTTP layer's own limit, still a JSON 413.
  r = client().send("POST", "/api/patients", std::string(40u << 20, ' '), &admin_);
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.code(), "payload_too_large");
}

TEST_P(Errors, UnknownIdsAre404) {
  auto c = client();
  for (const char* path : {"/api/patients/999999", "/api/patients/abc", "/api/patients/-1", "/api/sessions/424242",
                           "/api/photos/" "0000000000000000000000000000000000000000000000000000000000000000",
                           "/api/kb/no-such-kind", "/api/kb/show/no-such-id", "/api/nothing-here",
                           // beyond a long long (found by fuzz_api: the digits used to be summed anyway)
                           "/api/patients/99999999999999999999", "/api/sessions/463674102100000000000000000000000000"}) {
    Reply r = c.get(path, admin_);
    EXPECT_EQ(r.status, 404) << path << " " << r.body;
    EXPECT_EQ(r.code(), "not_found") << path;
  }
  Reply r = c.send("PATCH", "/api/patients/999999", json{{"row_version", 1}}.dump(), &admin_);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(c.send("PUT", "/api/health", "{}", &admin_).status, 405);
}

TEST_P(Errors, StaleRowVersionIs409AndSignedSessionsAre409Signed) {
  auto c = client();
  const auto p = create_patient(admin_, "Version Case");
  const std::string path = "/api/patients/" + std::to_string(p["id"].get<long long>());
  Reply ok = c.send("PATCH", path, json{{"row_version", p["row_version"]}, {"notes", "first"}}.dump(), &admin_);
  ASSERT_EQ(ok.status, 200) << ok.body;
  Reply stale = c.send("PATCH", path, json{{"row_version", p["row_version"]}, {"notes", "second"}}.dump(), &admin_);
  EXPECT_EQ(stale.status, 409);
  EXPECT_EQ(stale.code(), "conflict");

  const auto treatable = make_treatable(admin_, "Version Session");
  Reply s = c.post(treatable.path + "/sessions", treatable.session("2026-09-22"), admin_);
  ASSERT_EQ(s.status, 201) << s.body;
  const std::string spath = "/api/sessions/" + std::to_string(s.json()["id"].get<long long>());
  Reply signed_ = c.post(spath + "/sign", {{"row_version", s.json()["row_version"]}}, admin_);
  ASSERT_EQ(signed_.status, 200) << signed_.body;
  Reply edit = c.send("PUT", spath, json{{"row_version", signed_.json()["row_version"]}, {"notes", "x"}}.dump(), &admin_);
  EXPECT_EQ(edit.status, 409) << edit.body;
  EXPECT_EQ(edit.code(), "signed");
}

TEST_P(Errors, GarbageOnEveryRouteNeverCrashes) {
  std::mt19937 rng(7);
  const std::vector<std::string> bodies = {
      "", "{", "}", "null", "[]", "\"x\"", "{\"a\":", std::string(5000, '['), "{\"name\": {\"deep\": [1, {}]}}",
      "{\"row_version\": \"1\"}", "{\"intake\": 5}", "{\"intake\": {\"medications\": [{}]}}", "\xff\xfe\x00garbage",
      "{\"date\": \"2026-13-45\"}", "{\"limit\": -1}"};
  auto c = client();
  for (const auto& r : api_->routes()) {
    if (r.pattern == "/api/logout" || r.pattern == "/api/backup") continue;
    for (const auto& body : bodies) {
      std::string path = r.pattern;
      for (size_t pos; (pos = path.find('{')) != std::string::npos;)
        path.replace(pos, path.find('}', pos) - pos + 1, std::to_string(rng() % 3));
      Reply reply = c.send(r.method, path, body, &admin_);
      EXPECT_LT(reply.status, 500) << r.method << " " << path << " body " << body.substr(0, 40) << ": " << reply.body;
      if (reply.status >= 400) {
        EXPECT_FALSE(reply.code().empty()) << r.method << " " << path;
      }
    }
  }
  EXPECT_EQ(c.get("/api/health", admin_).status, 200);
}

TEST_P(Errors, ListensWithABacklogForManyClientsConnectingAtOnce) {
  // With the library's backlog of 5, a burst of connections (a browser's parallel requests, a
  // client pool) overflowed the accept queue and the kernel made clients retry after 1 s. The
  // listening socket's backlog is what `ss` reports as Send-Q.
  const std::string command = "ss -Hltn 'sport = :" + std::to_string(port_) + "'";
  FILE* pipe = ::popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  char line[512] = {};
  const bool got = std::fgets(line, sizeof line, pipe) != nullptr;
  ::pclose(pipe);
  ASSERT_TRUE(got) << command << " printed nothing";
  std::istringstream fields(line);
  std::string state;
  long recv_q = -1, send_q = -1;
  fields >> state >> recv_q >> send_q;
  EXPECT_EQ(state, "LISTEN") << line;
  EXPECT_GE(send_q, 128) << line;
}

}  // namespace
}  // namespace dermaplan::server::testing
