// Each patient's status where the practice meets it first: in the patient list and on the
// day's agenda (the latest screening decision, how long a deferral lasts, whether a consent is
// on record that is still the form for the latest plan).
#include "server_test_support.h"

#include <map>

namespace dermaplan::server::testing {
namespace {

using nlohmann::json;

class PatientStatusApi : public ServerTest {};
DERMAPLAN_INSTANTIATE_BACKENDS(PatientStatusApi);

std::string path_of(const json& patient) { return "/api/patients/" + std::to_string(patient["id"].get<long long>()); }

json listed_status(Client& c, const Login& who, const std::string& name) {
  Reply r = c.get("/api/patients?q=" + name.substr(0, name.find(' ')), who);
  EXPECT_EQ(r.status, 200) << r.body;
  const json page = r.json();
  for (const auto& p : page["patients"])
    if (p["name"] == name) return p["status"];
  ADD_FAILURE() << name << " not in " << r.body;
  return json();
}

TEST_P(PatientStatusApi, TheListSaysScreeningDeferralAndConsent) {
  auto c = client();
  const auto patient = create_patient(admin_, "Stella Status");
  const std::string p = path_of(patient);

  json status = listed_status(c, admin_, "Stella Status");
  EXPECT_EQ(status["screening_decision"], "none");
  EXPECT_EQ(status["intake_version"], 0);
  EXPECT_TRUE(status["deferred_until"].is_null());
  EXPECT_EQ(status["consent"], "none");

  // Isotretinoin stopped on 2026-09-30: deferred, with the date the deferral lasts until.
  Reply deferred = c.post(p + "/intakes", {{"intake", example_intake()}, {"date", "2026-11-22"}}, admin_);
  ASSERT_EQ(deferred.status, 201) << deferred.body;
  ASSERT_EQ(deferred.json()["screening"]["decision"], "defer") << deferred.body;
  status = listed_status(c, admin_, "Stella Status");
  EXPECT_EQ(status["screening_decision"], "defer");
  EXPECT_EQ(status["intake_version"], 1);
  EXPECT_EQ(status["deferred_until"], deferred.json()["screening"]["earliest_date"]);

  // A newer intake without the medication: the latest version decides, no deferral left.
  json intake = example_intake();
  intake["medications"] = json::array();
  Reply clear = c.post(p + "/intakes", {{"intake", intake}, {"date", "2026-11-22"}}, admin_);
  ASSERT_EQ(clear.status, 201) << clear.body;
  status = listed_status(c, admin_, "Stella Status");
  EXPECT_EQ(status["screening_decision"], clear.json()["screening"]["decision"]);
  EXPECT_NE(status["screening_decision"], "defer");
  EXPECT_EQ(status["intake_version"], 2);
  EXPECT_TRUE(status["deferred_until"].is_null());

  // The general consent form, then a plan for acne scars: that consent is no longer the form
  // the patient would sign for the plan; a consent to the acne-scar form is.
  auto consent = [&](const std::string& indication) {
    Reply text = c.get("/api/consent-text" + (indication.empty() ? "" : "?indication=" + indication), admin_);
    ASSERT_EQ(text.status, 200) << text.body;
    Reply r = c.post(p + "/consents", consent_body(text.json(), "Stella Status"), admin_);
    ASSERT_EQ(r.status, 201) << r.body;
  };
  consent("");
  EXPECT_EQ(listed_status(c, admin_, "Stella Status")["consent"], "current");
  Reply plan = c.post(p + "/plans", {{"indication", "acne-scars"}, {"date", "2026-11-22"}}, admin_);
  ASSERT_EQ(plan.status, 201) << plan.body;
  status = listed_status(c, admin_, "Stella Status");
  EXPECT_EQ(status["plan_indication"], "acne-scars");
  EXPECT_EQ(status["consent"], "stale");
  consent("acne-scars");
  EXPECT_EQ(listed_status(c, admin_, "Stella Status")["consent"], "current");
}

TEST_P(PatientStatusApi, TheAgendaCarriesEachPatientsStatus) {
  auto c = client();
  const auto patient = create_patient(admin_, "Dora Agenda");
  const std::string p = path_of(patient);
  ASSERT_EQ(c.post(p + "/intakes", {{"intake", example_intake()}, {"date", "2026-11-22"}}, admin_).status, 201);
  ASSERT_EQ(c.post(p + "/sessions", {{"date", "2026-11-22"}, {"status", "planned"}}, admin_).status, 201);
  ASSERT_EQ(c.post(p + "/sessions", {{"date", "2026-11-25"}, {"status", "planned"}}, admin_).status, 201);

  Reply r = c.get("/api/agenda?date=2026-11-22&days=7", admin_);
  ASSERT_EQ(r.status, 200) << r.body;
  const json agenda = r.json();
  ASSERT_EQ(agenda["sessions_today"].size(), 1u) << r.body;
  const json& today = agenda["sessions_today"][0]["patient"]["status"];
  EXPECT_EQ(today["screening_decision"], "defer");
  EXPECT_TRUE(today["deferred_until"].is_string());
  EXPECT_EQ(today["consent"], "none");
  ASSERT_EQ(agenda["due"].size(), 1u) << r.body;
  EXPECT_EQ(agenda["due"][0]["patient"]["status"], today);
}

TEST_P(PatientStatusApi, TheAgendaGivesEachPatientTheirOwnStatus) {
  // The agenda reads every patient's status in one batch: each must still be that patient's.
  auto c = client();
  const auto deferred = create_patient(admin_, "Dora Deferred");
  const auto fresh = create_patient(admin_, "Fritz Fresh");
  const auto cleared = create_patient(admin_, "Clara Cleared");
  json no_medication = example_intake();
  no_medication["medications"] = json::array();
  ASSERT_EQ(c.post(path_of(deferred) + "/intakes", {{"intake", example_intake()}, {"date", "2026-11-22"}}, admin_).status, 201);
  ASSERT_EQ(c.post(path_of(cleared) + "/intakes", {{"intake", no_medication}, {"date", "2026-11-22"}}, admin_).status, 201);
  for (const json* who : {&cleared, &fresh, &deferred})
    ASSERT_EQ(c.post(path_of(*who) + "/sessions", {{"date", "2026-11-22"}, {"status", "planned"}}, admin_).status, 201);
  Reply r = c.get("/api/agenda?date=2026-11-22&days=7", admin_);
  ASSERT_EQ(r.status, 200) << r.body;
  const json agenda = r.json();
  std::map<std::string, json> by_name;
  for (const auto& s : agenda["sessions_today"]) by_name[s["patient"]["name"]] = s["patient"]["status"];
  ASSERT_EQ(by_name.size(), 3u) << r.body;
  EXPECT_EQ(by_name["Dora Deferred"]["screening_decision"], "defer");
  EXPECT_EQ(by_name["Fritz Fresh"]["screening_decision"], "none");
  EXPECT_EQ(by_name["Fritz Fresh"]["intake_version"], 0);
  EXPECT_NE(by_name["Clara Cleared"]["screening_decision"], "defer");
  EXPECT_NE(by_name["Clara Cleared"]["screening_decision"], "none");
}

}  // namespace
}  // namespace dermaplan::server::testing
