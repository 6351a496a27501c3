// The command line and the API answer the same request with the same result: both build it
// in the application layer (src/clinic), so a simulation, a screening and a plan are
// bit-identical whichever way they are asked for.
#include <sys/wait.h>

#include <cstdio>
#include <fstream>

#include "server_test_support.h"

namespace dermaplan::server::testing {
namespace {

using nlohmann::json;

class Parity : public ServerTest {
 protected:
  /// Runs `dermaplan ARGS --format json` and parses what it prints.
  json cli_json(const std::string& args) {
    const std::string command = std::string(DERMAPLAN_BINARY) + " " + args + " --format json 2>&1";
    FILE* pipe = ::popen(command.c_str(), "r");
    EXPECT_NE(pipe, nullptr);
    std::string out;
    char buffer[65536];
    size_t n = 0;
    while (pipe && (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
    const int status = pipe ? ::pclose(pipe) : -1;
    EXPECT_EQ(status, 0) << command << "\n" << out;
    return json::parse(out, nullptr, false);
  }
  std::string intake_file() {
    const auto path = dir() / "intake.json";
    std::ofstream(path) << example_intake().dump();
    return path.string();
  }
};
DERMAPLAN_INSTANTIATE_BACKENDS(Parity);

TEST_P(Parity, SimulateGivesTheSameMetricsFromTheCommandLineAndTheApi) {
  struct Case {
    const char* name;
    const char* args;
    json body;
  };
  const Case cases[] = {
      {"roller on the forehead (region pressure)", "--device dermaroller-192-0.5 --region forehead --passes 4",
       {{"device", "dermaroller-192-0.5"}, {"region", "forehead"}, {"passes", 4}}},
      {"pen on the cheek, male skin (stroke rate, sex)",
       "--device dermapen-4 --region cheek --sex male --passes 2 --length 1 --patch 10x10mm --seed 7",
       {{"device", "dermapen-4"}, {"region", "cheek"}, {"sex", "male"}, {"passes", 2}, {"needle_length_mm", 1},
        {"patch_mm", 10}, {"seed", 7}}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    json from_cli = cli_json(std::string("simulate ") + c.args);
    Reply from_api = client().post("/api/simulate", c.body, admin_);
    ASSERT_EQ(from_api.status, 200) << from_api.body;
    json api = from_api.json();
    api.erase("density_map");  // the API's extra: the heat map's cells for the web
    EXPECT_EQ(from_cli, api) << "CLI: " << from_cli.dump().substr(0, 400) << "\nAPI: " << api.dump().substr(0, 400);
  }
}

TEST_P(Parity, ScreenAndPlanGiveTheSameJsonFromTheCommandLineAndTheApi) {
  const std::string intake = intake_file();
  json from_cli = cli_json("screen --intake " + intake + " --date 2026-11-22 --area cheek");
  Reply from_api = client().post(
      "/api/screen", {{"intake", example_intake()}, {"date", "2026-11-22"}, {"areas", {"cheek"}}}, admin_);
  ASSERT_EQ(from_api.status, 200) << from_api.body;
  EXPECT_EQ(from_cli, from_api.json());

  from_cli = cli_json("plan --intake " + intake + " --indication acne-scars --area cheek --area forehead --date 2026-11-22");
  from_api = client().post("/api/plan",
                           {{"intake", example_intake()}, {"indication", "acne-scars"},
                            {"areas", {"cheek", "forehead"}}, {"date", "2026-11-22"}},
                           admin_);
  ASSERT_EQ(from_api.status, 200) << from_api.body;
  EXPECT_EQ(from_cli, from_api.json());
}

TEST_P(Parity, AnUnknownAreaIsNamedTheSameWayByEveryEndpoint) {
  auto c = client();
  const auto patient = create_patient(admin_, "Area Example");
  const std::string p = "/api/patients/" + std::to_string(patient["id"].get<long long>());
  ASSERT_EQ(c.post(p + "/intakes", {{"intake", example_intake()}, {"date", "2026-11-22"}}, admin_).status, 201);
  const json bad_areas = {"cheek", "elbow"};
  const std::pair<std::string, json> requests[] = {
      {"/api/screen", {{"intake", example_intake()}, {"areas", bad_areas}}},
      {"/api/plan", {{"intake", example_intake()}, {"indication", "acne-scars"}, {"areas", bad_areas}}},
      {p + "/intakes", {{"intake", example_intake()}, {"areas", bad_areas}}},
      {p + "/plans", {{"indication", "acne-scars"}, {"areas", bad_areas}}},
  };
  for (const auto& [path, body] : requests) {
    Reply r = c.post(path, body, admin_);
    EXPECT_EQ(r.status, 400) << path << ": " << r.body;
    EXPECT_EQ(r.field(), "/areas/1") << path << ": " << r.body;
  }
}

TEST_P(Parity, ARepeatedCodeIsRefusedByTheCommandLineAndEveryEndpoint) {
  auto c = client();
  json intake = example_intake();
  intake["medications"] = {{{"code", "isotretinoin"}, {"current", true}},
                           {{"code", "roaccutane"}, {"current", false}, {"last_dose", "2026-01-10"}}};
  const std::string says = "the medication 'roaccutane' (isotretinoin) is listed twice (also at /medications/0)";
  // The command line: exit code 2 and the place in the intake file.
  const auto file = dir() / "repeated.json";
  std::ofstream(file) << intake.dump();
  const std::string command = std::string(DERMAPLAN_BINARY) + " screen --intake " + file.string() + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string out;
  char buffer[4096];
  for (size_t n = 0; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
  const int status = ::pclose(pipe);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 2) << status << ": " << out;
  EXPECT_NE(out.find("/medications/1"), std::string::npos) << out;
  EXPECT_NE(out.find(says), std::string::npos) << out;
  // The API: 400 at the entry, nothing stored.
  const auto patient = create_patient(admin_, "Repeat Example");
  const std::string p = "/api/patients/" + std::to_string(patient["id"].get<long long>());
  const std::pair<std::string, json> requests[] = {
      {"/api/screen", {{"intake", intake}}},
      {"/api/plan", {{"intake", intake}, {"indication", "acne-scars"}}},
      {p + "/intakes", {{"intake", intake}}},
  };
  for (const auto& [path, body] : requests) {
    Reply r = c.post(path, body, admin_);
    EXPECT_EQ(r.status, 400) << path << ": " << r.body;
    EXPECT_EQ(r.field(), "/intake/medications/1") << path << ": " << r.body;
    EXPECT_NE(r.body.find(says), std::string::npos) << path << ": " << r.body;
  }
  EXPECT_TRUE(c.get(p, admin_).json()["intakes"].empty());
}

TEST_P(Parity, ConsentIsRecordedForThePlansIndicationAfterAPlanExists) {
  auto c = client();
  const auto patient = create_patient(admin_, "Consent Example");
  const std::string p = "/api/patients/" + std::to_string(patient["id"].get<long long>());
  ASSERT_EQ(c.post(p + "/intakes", {{"intake", example_intake()}, {"date", "2026-11-22"}}, admin_).status, 201);
  ASSERT_EQ(c.post(p + "/plans", {{"indication", "acne-scars"}, {"date", "2026-11-22"}}, admin_).status, 201);

  Reply text = c.get("/api/consent-text?indication=acne-scars", admin_);
  ASSERT_EQ(text.status, 200) << text.body;
  EXPECT_EQ(text.json()["indication"], "acne-scars");
  Reply general = c.get("/api/consent-text", admin_);
  EXPECT_NE(text.json()["version"], general.json()["version"]);
  EXPECT_EQ(c.get("/api/consent-text?indication=nope", admin_).field(), "?indication");

  Reply consent = c.post(p + "/consents", consent_body(text.json(), "Consent Example"), admin_);
  ASSERT_EQ(consent.status, 201) << consent.body;
  EXPECT_EQ(consent.json()["text"], text.json()["text"]);
  EXPECT_EQ(consent.json()["text_version"], text.json()["version"]);
  // The general form's version is not the one for this indication.
  json stale_body = consent_body(text.json(), "Consent Example");
  stale_body["text_version"] = general.json()["version"];
  Reply stale = c.post(p + "/consents", stale_body, admin_);
  EXPECT_EQ(stale.status, 409) << stale.body;
  EXPECT_EQ(stale.field(), "/text_version");
}

}  // namespace
}  // namespace dermaplan::server::testing
