// The clinical record through the API: a patient's whole course, the audit of every read and
// write, the engines' JSON (the same as the CLI's), lots and the agenda.
#include "core/civil_date.h"
#include "planning/course_plan.h"
#include "screening/screening.h"
#include "server_test_support.h"

namespace dermaplan::server::testing {
namespace {

using nlohmann::json;
using records::Role;

class RecordsApi : public ServerTest {};
DERMAPLAN_INSTANTIATE_BACKENDS(RecordsApi);

std::string id_of(const json& j) { return std::to_string(j["id"].get<long long>()); }

TEST_P(RecordsApi, APatientsCourseFromIntakeToAmendment) {
  auto c = client();
  const auto patient = create_patient(admin_, "Maria Example");
  const std::string p = "/api/patients/" + id_of(patient);

  Reply intake = c.post(p + "/intakes", {{"intake", eligible_intake()}, {"date", "2026-11-22"}, {"areas", {"cheek"}}}, admin_);
  ASSERT_EQ(intake.status, 201) << intake.body;
  EXPECT_EQ(intake.json()["version"], 1);
  EXPECT_EQ(intake.json()["screening"]["decision"], "eligible");

  Reply plan = c.post(p + "/plans", {{"indication", "acne-scars"}, {"date", "2026-11-22"}, {"areas", {"cheek"}}}, admin_);
  ASSERT_EQ(plan.status, 201) << plan.body;
  EXPECT_TRUE(plan.json()["plan"].is_object());
  const json area = plan.json()["plan"]["areas"][0];

  // The consent to the plan's form, every risk acknowledged and signed.
  Reply consent_text = c.get("/api/consent-text?indication=acne-scars", admin_);
  ASSERT_EQ(consent_text.status, 200);
  Reply consent = c.post(p + "/consents", consent_body(consent_text.json(), "Maria Example"), admin_);
  ASSERT_EQ(consent.status, 201) << consent.body;
  EXPECT_EQ(consent.json()["text"], consent_text.json()["text"]);

  Reply session = c.post(p + "/sessions",
                         {{"date", "2026-11-22"}, {"status", "performed"}, {"lot_number", "LOT-42"}, {"passes", 4},
                          {"device", area["device"]["id"]},
                          {"needle_lengths", {{{"region", "cheek"}, {"needle_length_mm", area["needle_length_mm"]["planned"]}}}},
                          {"plan_id", plan.json()["id"]}},
                         admin_);
  ASSERT_EQ(session.status, 201) << session.body;
  const std::string s = "/api/sessions/" + id_of(session.json());
  Reply sign = c.post(s + "/sign", {{"row_version", session.json()["row_version"]}}, admin_);
  ASSERT_EQ(sign.status, 200) << sign.body;
  EXPECT_EQ(sign.json()["status"], "signed");
  Reply amend = c.post(s + "/amendments", {{"field", "lot_number"}, {"new_value", "LOT-43"}, {"old_value", "LOT-42"}, {"reason", "typo on the label"}}, admin_);
  ASSERT_EQ(amend.status, 201) << amend.body;
  EXPECT_EQ(amend.json()["old_value"], "LOT-42");
  Reply read_session = c.get(s, admin_);
  EXPECT_EQ(read_session.json()["lot_number"], "LOT-42");  // the original stays
  EXPECT_EQ(read_session.json()["amendments"].size(), 1u);

  Reply ae = c.post(p + "/adverse-events",
                    {{"session_id", session.json()["id"]}, {"type", "erythema"}, {"severity", "mild"}, {"onset", "2026-11-23"}},
                    admin_);
  ASSERT_EQ(ae.status, 201) << ae.body;
  Reply ae2 = c.send("PATCH", p + "/adverse-events/" + id_of(ae.json()),
                     json{{"row_version", ae.json()["row_version"]}, {"resolved", "2026-11-26"}}.dump(), &admin_);
  EXPECT_EQ(ae2.status, 200) << ae2.body;
  Reply outcome = c.post(p + "/outcomes", {{"scale", "gais"}, {"score", 1}, {"date", "2026-11-29"}}, admin_);
  EXPECT_EQ(outcome.status, 201) << outcome.body;
  Reply bad_scale = c.post(p + "/outcomes", {{"scale", "no-scale"}, {"score", 1}}, admin_);
  EXPECT_EQ(bad_scale.status, 400);
  EXPECT_EQ(bad_scale.field(), "/scale");

  const std::string png = std::string("\x89PNG\r\n\x1a\n", 8) + "pretend image bytes";
  Reply photo = c.post(p + "/photos", {{"region", "cheek"}, {"view", "frontal"}, {"tag", "before"},
                                       {"taken_on", "2026-11-22"}, {"image_base64", "iVBORw0KGgpwcmV0ZW5kIGltYWdlIGJ5dGVz"}},
                       admin_);
  ASSERT_EQ(photo.status, 201) << photo.body;
  Reply image = c.get("/api/photos/" + photo.json()["sha256"].get<std::string>(), admin_);
  EXPECT_EQ(image.status, 200);
  EXPECT_EQ(image.body, png);
  // One caching rule per response: the photo's own (it never changes), no-store for the JSON.
  EXPECT_EQ(image.headers.count("Cache-Control"), 1u);
  EXPECT_EQ(image.headers.find("Cache-Control")->second, "private, max-age=3600");
  Reply json_reply = c.get(p, admin_);
  EXPECT_EQ(json_reply.headers.count("Cache-Control"), 1u);
  EXPECT_EQ(json_reply.headers.find("Cache-Control")->second, "no-store");

  Reply full = c.get(p, admin_);
  ASSERT_EQ(full.status, 200);
  const json j = full.json();
  for (const char* key : {"intakes", "plans", "sessions", "consents", "adverse_events", "outcomes", "photos"})
    EXPECT_EQ(j[key].size(), 1u) << key;

  Reply lot = c.get("/api/lots/LOT-43", admin_);
  ASSERT_EQ(lot.status, 200);
  EXPECT_EQ(lot.json()["patients"].size(), 1u);
  Reply agenda = c.get("/api/agenda?date=2026-11-22", admin_);
  ASSERT_EQ(agenda.status, 200) << agenda.body;
  EXPECT_EQ(agenda.json()["sessions_today"].size(), 1u);
  EXPECT_EQ(agenda.json()["sessions_today"][0]["patient"]["name"], "Maria Example");

  // The photo read is audited with its patient.
  const auto rows = store_->list_audit(0, 10000);
  bool photo_read = false;
  for (const auto& e : rows)
    if (e.action == records::AuditAction::read && e.entity == "photo" && e.record_id == patient["id"].get<long long>())
      photo_read = true;
  EXPECT_TRUE(photo_read);
}

TEST_P(RecordsApi, APatientsSexAndBirthDateAreCheckedOnCreateAndUpdate) {
  struct Case {
    const char* name;
    json fields;
    const char* field;  //!< the field the 400 names; "" when the patient is stored
  };
  const std::string next_year = std::to_string(static_cast<int>(today_utc().year()) + 1);
  const std::vector<Case> cases{
      {"every recorded value of sex", {{"sex", "female"}}, ""},
      {"sex unknown", {{"sex", "unknown"}}, ""},
      {"sex not recorded", {{"sex", ""}}, ""},
      {"a word that is not a value", {{"sex", "banana"}}, "/sex"},
      {"values are lower case", {{"sex", "Female"}}, "/sex"},
      {"born next year", {{"birth_date", next_year + "-01-01"}}, "/birth_date"},
      {"born 1890", {{"birth_date", "1890-06-01"}}, "/birth_date"},
      {"not a real day", {{"birth_date", "1990-02-30"}}, "/birth_date"},
  };
  auto c = client();
  for (const auto& k : cases) {
    SCOPED_TRACE(k.name);
    json body{{"name", std::string("Field ") + k.name}, {"birth_date", "1990-01-01"}};
    body.update(k.fields);
    Reply created = c.post("/api/patients", body, admin_);
    if (!*k.field) {
      ASSERT_EQ(created.status, 201) << created.body;
      continue;
    }
    EXPECT_EQ(created.status, 400) << created.body;
    EXPECT_EQ(created.field(), k.field) << created.body;
    // The same value on an update is refused too, and the record is unchanged.
    const json patient = create_patient(admin_, std::string("Update ") + k.name);
    const std::string path = "/api/patients/" + std::to_string(patient["id"].get<long long>());
    json update = k.fields;
    update["row_version"] = patient["row_version"];
    Reply updated = c.send("PATCH", path, update.dump(), &admin_);
    EXPECT_EQ(updated.status, 400) << updated.body;
    EXPECT_EQ(updated.field(), k.field) << updated.body;
    EXPECT_EQ(c.get(path, admin_).json()["row_version"], patient["row_version"]);
  }
}

TEST_P(RecordsApi, AnIntakeIsThePatientsOwn) {
  // Screening reads the intake's birth date and sex (age, pregnancy, skin by sex): an intake
  // that names another birth date or sex than the record's would screen someone else.
  auto c = client();
  const std::string p = "/api/patients/" + id_of(create_patient(admin_, "Own Intake"));  // 1990-04-02, female
  struct Case {
    const char* name;
    json edit;
    const char* field;
  };
  const std::vector<Case> cases{
      {"another birth date", {{"birth_date", "1991-04-02"}}, "/intake/birth_date"},
      {"another sex", {{"sex", "male"}, {"pregnant", nullptr}, {"breastfeeding", nullptr}}, "/intake/sex"},
      {"the record's own", json::object(), ""},
  };
  for (const auto& k : cases) {
    SCOPED_TRACE(k.name);
    json intake = eligible_intake();
    for (const auto& [key, value] : k.edit.items()) {
      if (value.is_null()) intake.erase(key);
      else intake[key] = value;
    }
    Reply r = c.post(p + "/intakes", {{"intake", intake}, {"areas", {"cheek"}}}, admin_);
    expect_created_or_refused_at(r, k.field);
  }
  EXPECT_EQ(c.get(p, admin_).json()["intakes"].size(), 1u);
}

TEST_P(RecordsApi, APatientsNameIsTextAReaderSees) {
  auto c = client();
  struct Case {
    const char* name;
    std::string patient_name;
    int status;
  };
  const std::vector<Case> cases{
      {"a line break", "Maria\nExample", 400},
      {"an escape code", "Maria \x1b[31mExample", 400},
      {"a C1 control", "Maria \xc2\x85" "Example", 400},
      {"only invisible characters", "\xe2\x80\x8b\xc2\xa0", 400},
      {"301 characters", std::string(301, 'a'), 400},
      {"letters from several scripts", "Zoë Ångström-Ωmega", 201},
  };
  for (const auto& k : cases) {
    SCOPED_TRACE(k.name);
    Reply r = c.post("/api/patients", {{"name", k.patient_name}, {"birth_date", "1990-04-02"}}, admin_);
    EXPECT_EQ(r.status, k.status) << r.body;
    if (k.status == 400) {
      EXPECT_EQ(r.field(), "/name") << r.body;
    }
  }
  EXPECT_EQ(c.get("/api/patients", admin_).json()["patients"].size(), 1u);
}

TEST_P(RecordsApi, AScoreIsOneTheScaleCanGive) {
  auto c = client();
  const std::string p = "/api/patients/" + id_of(create_patient(admin_, "Scored Patient"));
  struct Case {
    const char* name;
    const char* scale;
    double score;
    const char* field;  //!< the field the 400 names; "" when stored
  };
  const std::vector<Case> cases{
      {"a whole Goodman & Baron grade", "goodman-baron-qualitative", 3, ""},
      {"half a grade", "goodman-baron-qualitative", 2.5, "/score"},
      {"a GAIS between two answers", "gais", 1.5, "/score"},
      {"a MASI score with a decimal (its formula gives them)", "masi", 12.6, ""},
      {"beyond the scale", "vancouver", 14, "/score"},
      {"a skin type: a classification, not an outcome", "fitzpatrick", 3, "/scale"},
  };
  for (const auto& k : cases) {
    SCOPED_TRACE(k.name);
    Reply r = c.post(p + "/outcomes", {{"scale", k.scale}, {"score", k.score}, {"date", "2026-11-29"}}, admin_);
    expect_created_or_refused_at(r, k.field);
  }
  EXPECT_EQ(c.get(p, admin_).json()["outcomes"].size(), 2u);
  // The scale list says which scales take whole grades and which classify.
  const json scales = c.get("/api/kb/scales", admin_).json();
  bool graded = false, classification = false;
  for (const auto& s : scales) {
    if (s["id"] == "gais") graded = s.value("step", 0.0) == 1.0;
    if (s["id"] == "fitzpatrick") classification = s.value("classification", false);
  }
  EXPECT_TRUE(graded) << scales.dump();
  EXPECT_TRUE(classification) << scales.dump();
}

TEST_P(RecordsApi, EntriesLinkOnlyToTheirOwnPatientsSessionsAndKnownRegions) {
  // An adverse event, a score or a photo that names another patient's session (or none that
  // exists) would sit in the wrong record: refused, naming the field, nothing stored.
  auto c = client();
  const json mine = create_patient(admin_, "Own Sessions");
  const json other = create_patient(admin_, "Other Sessions");
  const std::string p = "/api/patients/" + id_of(mine);
  Reply own = c.post(p + "/sessions", {{"date", "2026-11-20"}, {"status", "planned"}}, admin_);
  ASSERT_EQ(own.status, 201) << own.body;
  Reply theirs =
      c.post("/api/patients/" + id_of(other) + "/sessions", {{"date", "2026-11-20"}, {"status", "planned"}}, admin_);
  ASSERT_EQ(theirs.status, 201) << theirs.body;
  const long long own_id = own.json()["id"], their_id = theirs.json()["id"];
  const std::string png = "iVBORw0KGgpwcmV0ZW5kIGltYWdlIGJ5dGVz";
  struct Case {
    const char* name;
    const char* path;
    json body;
    const char* field;  //!< the field the 400 names; "" when stored
  };
  const json event = {{"type", "erythema"}, {"severity", "mild"}, {"onset", "2026-11-21"}};
  const json score = {{"scale", "gais"}, {"score", 1}, {"date", "2026-11-21"}};
  const json photo = {{"view", "frontal"}, {"tag", "before"}, {"taken_on", "2026-11-20"}, {"image_base64", png}};
  const auto with = [](json body, const char* key, json value) {
    body[key] = std::move(value);
    return body;
  };
  const std::vector<Case> cases{
      {"an event of this patient's session", "/adverse-events", with(event, "session_id", own_id), ""},
      {"an event of another patient's session", "/adverse-events", with(event, "session_id", their_id), "/session_id"},
      {"an event of no session that exists", "/adverse-events", with(event, "session_id", 987654), "/session_id"},
      {"an event of a negative session", "/adverse-events", with(event, "session_id", -3), "/session_id"},
      {"a score of another patient's session", "/outcomes", with(score, "session_id", their_id), "/session_id"},
      {"a score of an unknown region", "/outcomes", with(score, "region", "elbow"), "/region"},
      {"a score of a known region", "/outcomes", with(score, "region", "cheek"), ""},
      {"a photo of another patient's session", "/photos", with(with(photo, "region", "cheek"), "session_id", their_id),
       "/session_id"},
      {"a photo of an unknown region", "/photos", with(photo, "region", "Cheek "), "/region"},
  };
  for (const auto& k : cases) {
    SCOPED_TRACE(k.name);
    Reply r = c.post(p + k.path, k.body, admin_);
    expect_created_or_refused_at(r, k.field);
    EXPECT_EQ(r.body.find("FOREIGN KEY"), std::string::npos) << r.body;
  }
  const json record = c.get(p, admin_).json();
  EXPECT_EQ(record["adverse_events"].size(), 1u);
  EXPECT_EQ(record["outcomes"].size(), 1u);
  EXPECT_TRUE(record["photos"].empty());
  // Moving a stored event onto another patient's session is refused too.
  const json stored = record["adverse_events"][0];
  Reply moved = c.send("PATCH", p + "/adverse-events/" + std::to_string(stored["id"].get<long long>()),
                       json{{"row_version", stored["row_version"]}, {"session_id", their_id}}.dump(), &admin_);
  EXPECT_EQ(moved.status, 400) << moved.body;
  EXPECT_EQ(moved.field(), "/session_id");
}

TEST_P(RecordsApi, DatedEntriesLieBetweenTheBirthDateAndWhatCanHaveHappened) {
  // The patient was born on 1990-04-02. What happened lies between then and tomorrow; a planned
  // session at most 5 years ahead.
  const CivilDate today = today_utc();
  const std::string in_a_week = format_civil_date(add_days(today, 7));
  const std::string in_six_years = format_civil_date(add_months(today, 6 * 12));
  const std::string next_month = format_civil_date(add_months(today, 1));
  struct Case {
    const char* name;
    const char* path;  //!< under the patient
    json body;
    const char* field;  //!< the field the 400 names; "" when stored
  };
  const std::vector<Case> cases{
      {"a planned session next month", "/sessions", {{"date", next_month}, {"status", "planned"}}, ""},
      {"a planned session in six years", "/sessions", {{"date", in_six_years}, {"status", "planned"}}, "/date"},
      {"a planned session in the year 0", "/sessions", {{"date", "0000-01-01"}, {"status", "planned"}}, "/date"},
      {"a session before the birth", "/sessions", {{"date", "1980-01-01"}, {"status", "planned"}}, "/date"},
      {"a performed session next week", "/sessions", {{"date", in_a_week}, {"status", "performed"}}, "/date"},
      {"a score next week", "/outcomes", {{"scale", "gais"}, {"score", 1}, {"date", in_a_week}}, "/date"},
      {"a score before the birth", "/outcomes", {{"scale", "gais"}, {"score", 1}, {"date", "1989-12-31"}}, "/date"},
      {"an event starting next week", "/adverse-events",
       {{"type", "erythema"}, {"severity", "mild"}, {"onset", in_a_week}}, "/onset"},
      {"an event resolved before its onset", "/adverse-events",
       {{"type", "erythema"}, {"severity", "mild"}, {"onset", "2026-11-10"}, {"resolved", "2026-11-01"}}, "/resolved"},
      {"an event resolved next week", "/adverse-events",
       {{"type", "erythema"}, {"severity", "mild"}, {"onset", "2026-11-10"}, {"resolved", in_a_week}}, "/resolved"},
      {"a consent given next week", "/consents", {{"consented_by", "X"}, {"consented_at", in_a_week + "T10:00:00Z"}},
       "/consented_at"},
  };
  auto c = client();
  const json patient = create_patient(admin_, "Dated Entries");
  const std::string p = "/api/patients/" + id_of(patient);
  for (const auto& k : cases) {
    SCOPED_TRACE(k.name);
    Reply r = c.post(p + k.path, k.body, admin_);
    expect_created_or_refused_at(r, k.field);
  }
  // Nothing refused was stored: one planned session, no score, no event, no consent.
  const json record = c.get(p, admin_).json();
  EXPECT_EQ(record["sessions"].size(), 1u);
  EXPECT_TRUE(record["outcomes"].empty());
  EXPECT_TRUE(record["adverse_events"].empty());
  EXPECT_TRUE(record["consents"].empty());
}

TEST_P(RecordsApi, TheAgendaListsTheDayAndWhatFallsDueFromPlansAndPlannedSessions) {
  auto c = client();
  const auto anna = create_patient(admin_, "Anna Agenda");
  const auto ben = create_patient(admin_, "Ben Agenda");
  const auto gone = create_patient(admin_, "Gone Agenda");
  auto session = [&](const json& who, const char* date, const char* status) {
    json body = {{"date", date}, {"status", status}};
    // The agenda is about dates; the treatment gate has its own tests (gate_test.cpp).
    if (std::string(status) == "performed") body["override_reason"] = "agenda test: the gate is tested elsewhere";
    Reply r = c.post("/api/patients/" + id_of(who) + "/sessions", body, admin_);
    EXPECT_EQ(r.status, 201) << r.body;
  };
  session(anna, "2026-11-22", "performed");
  session(ben, "2026-11-22", "planned");
  session(anna, "2026-11-26", "planned");
  session(ben, "2026-11-24", "performed");  // done already: not due
  session(ben, "2026-12-20", "planned");    // beyond the week
  session(gone, "2026-11-23", "planned");
  ASSERT_EQ(c.send("DELETE", "/api/patients/" + id_of(gone), json{{"reason", "test"}}.dump(), &admin_).status, 204);
  // A saved plan's assessment date is due like a session.
  ASSERT_EQ(c.post("/api/patients/" + id_of(ben) + "/intakes", {{"intake", example_intake()}, {"date", "2026-11-22"}}, admin_)
                .status,
            201);
  Reply plan = c.post("/api/patients/" + id_of(ben) + "/plans",
                      {{"indication", "acne-scars"}, {"date", "2026-11-22"}}, admin_);
  ASSERT_EQ(plan.status, 201) << plan.body;
  const std::string assessment = plan.json()["plan"]["assessment_date"];

  Reply week = c.get("/api/agenda?date=2026-11-22&days=7", admin_);
  ASSERT_EQ(week.status, 200) << week.body;
  const json agenda = week.json();
  const json& today = agenda["sessions_today"];
  ASSERT_EQ(today.size(), 2u) << week.body;
  EXPECT_EQ(today[0]["patient"]["name"], "Anna Agenda");
  EXPECT_EQ(today[1]["patient"]["name"], "Ben Agenda");
  const json& due = agenda["due"];
  ASSERT_EQ(due.size(), 1u) << due.dump();
  EXPECT_EQ(due[0]["date"], "2026-11-26");
  EXPECT_EQ(due[0]["kind"], "session");

  Reply around_assessment = c.get("/api/agenda?date=" + assessment + "&days=1", admin_);
  ASSERT_EQ(around_assessment.status, 200);
  bool assessment_due = false;
  const json around = around_assessment.json();
  for (const auto& d : around["due"])
    if (d["kind"] == "assessment" && d["patient"]["name"] == "Ben Agenda" && d["date"] == assessment) assessment_due = true;
  EXPECT_TRUE(assessment_due) << around_assessment.body;
  EXPECT_EQ(c.get("/api/agenda?date=2026-02-30", admin_).status, 400);
}

TEST_P(RecordsApi, EveryReadAndWriteOfPatientDataIsAudited) {
  auto c = client();
  const auto patient = create_patient(admin_, "Audit Case");
  const long long id = patient["id"];
  c.get("/api/patients/" + std::to_string(id), admin_);
  c.get("/api/patients?q=audit", admin_);
  std::vector<records::AuditEntry> rows = store_->list_audit(0, 1000);
  bool created = false, read_one = false, listed = false;
  for (const auto& e : rows) {
    if (e.entity != "patient") continue;
    if (e.action == records::AuditAction::create && e.record_id == id) created = true;
    if (e.action == records::AuditAction::read && e.record_id == id && e.username == "admin") read_one = true;
    if (e.action == records::AuditAction::read && e.record_id == 0 &&
        e.detail.find(std::to_string(id)) != std::string::npos)
      listed = true;
  }
  EXPECT_TRUE(created);
  EXPECT_TRUE(read_one);
  EXPECT_TRUE(listed);

  // The admin reads the log with filters.
  Reply log = c.get("/api/audit?entity=patient&user=admin&limit=2", admin_);
  ASSERT_EQ(log.status, 200) << log.body;
  EXPECT_EQ(log.json()["entries"].size(), 2u);
  const json entries = log.json()["entries"];
  for (const auto& e : entries) EXPECT_EQ(e["entity"], "patient");
  Reply next = c.get("/api/audit?entity=patient&after=" + std::to_string(log.json()["next_after"].get<long long>()),
                     admin_);
  ASSERT_EQ(next.status, 200);
  EXPECT_GE(next.json()["entries"].size(), 1u);
  EXPECT_TRUE(store_->verify_audit_chain().ok);
}

TEST_P(RecordsApi, ListSearchAndPagination) {
  for (const char* name : {"Anna Alpha", "Bert Beta", "Anneke Gamma", "Dora Delta"}) create_patient(admin_, name);
  auto c = client();
  Reply r = c.get("/api/patients?q=ANN&limit=1", admin_);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json()["total"], 2);
  EXPECT_EQ(r.json()["total_is_lower_bound"], false);
  EXPECT_EQ(r.json()["patients"].size(), 1u);
  // A search pages with the cursor too.
  Reply second = c.get("/api/patients?q=ANN&limit=1&after=" + r.json()["next"].get<std::string>(), admin_);
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(second.json()["patients"][0]["name"], "Anneke Gamma");
  EXPECT_TRUE(second.json()["next"].is_null());
  // Two letters match inside a name as at its start ("ta" ends "Beta" and "Delta").
  EXPECT_EQ(c.get("/api/patients?q=ta", admin_).json()["total"], 2);
  EXPECT_EQ(c.get("/api/patients?q=Do", admin_).json()["patients"][0]["name"], "Dora Delta");
  EXPECT_EQ(c.get("/api/patients?q=lta", admin_).json()["total"], 1);
  r = c.get("/api/patients?q=ann&limit=1&offset=1", admin_);
  EXPECT_EQ(r.json()["patients"][0]["name"], "Anneke Gamma");
  EXPECT_EQ(c.get("/api/patients?limit=0", admin_).status, 400);
  EXPECT_EQ(c.get("/api/patients?limit=201", admin_).status, 400);
  // Keyset pages: each page's "next" is where the following one starts; the last has none.
  std::vector<std::string> walked;
  std::string path = "/api/patients?limit=3";
  for (int pages = 0; pages < 10; ++pages) {
    Reply reply = c.get(path, admin_);
    ASSERT_EQ(reply.status, 200) << reply.body;
    const json page = reply.json();
    EXPECT_EQ(page["total"], 4);
    EXPECT_EQ(page["demo_patients"], 0);
    for (const auto& p : page["patients"]) walked.push_back(p["name"]);
    if (page["next"].is_null()) break;
    path = "/api/patients?limit=3&after=" + page["next"].get<std::string>();
  }
  EXPECT_EQ(walked, (std::vector<std::string>{"Anna Alpha", "Anneke Gamma", "Bert Beta", "Dora Delta"}));
  Reply bad = c.get("/api/patients?after=not-a-cursor", admin_);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.field(), "?after");
  EXPECT_EQ(c.get("/api/patients?after=" + c.get("/api/patients?limit=1", admin_).json()["next"].get<std::string>() +
                      "&offset=2",
                  admin_)
                .status,
            400);
  // Deleting is the admin's explicit, audited action; the patient disappears from lists.
  const long long id = r.json()["patients"][0]["id"];
  EXPECT_EQ(c.send("DELETE", "/api/patients/" + std::to_string(id), json{{"reason", "duplicate record"}}.dump(), &admin_)
                .status,
            204);
  EXPECT_EQ(c.get("/api/patients?q=ann", admin_).json()["total"], 1);
  EXPECT_EQ(c.get("/api/patients/" + std::to_string(id), admin_).status, 404);
}

TEST_P(RecordsApi, EnginesAnswerWithTheCliJson) {
  const auto& kb = test_kb();
  const CivilDate day = *parse_civil_date("2026-11-22");
  const auto intake = screening::parse_intake(example_intake(), kb, day);
  planning::PlanRequest request;
  request.indication = "acne-scars";
  request.areas = {"cheek"};
  const json expected_plan = planning::to_json(planning::plan_course(intake, kb, day, request), kb);
  const json expected_screen = screening::to_json(screening::screen(intake, kb, day, {"cheek"}));
  auto c = client();
  const json plan_body = {{"intake", example_intake()}, {"indication", "acne-scars"}, {"areas", {"cheek"}},
                          {"date", "2026-11-22"}};
  for (int round = 0; round < 2; ++round) {  // the second answer comes from the cache
    Reply plan = c.post("/api/plan", plan_body, admin_);
    ASSERT_EQ(plan.status, 200) << plan.body;
    EXPECT_EQ(plan.json(), expected_plan);
  }
  Reply screen = c.post("/api/screen", {{"intake", example_intake()}, {"areas", {"cheek"}}, {"date", "2026-11-22"}}, admin_);
  ASSERT_EQ(screen.status, 200) << screen.body;
  EXPECT_EQ(screen.json(), expected_screen);
  Reply regions = c.get("/api/kb/regions", admin_);
  ASSERT_EQ(regions.status, 200);
  EXPECT_EQ(regions.json().size(), kb.regions.size());
  EXPECT_EQ(c.get("/api/kb/show/cheek", admin_).status, 200);
  Reply health = c.send("GET", "/api/health");
  EXPECT_EQ(health.json()["api"], kApiVersion);
  EXPECT_EQ(health.json()["knowledge_version"], kb.version);
}

TEST_P(RecordsApi, SimulateRunsTheDeviceSimulator) {
  auto c = client();
  std::string device;
  for (const auto& d : test_kb().devices)
    if (d.kind == kb::DeviceKind::roller) { device = d.id; break; }
  ASSERT_FALSE(device.empty());
  Reply r = c.post("/api/simulate", {{"device", device}, {"region", "cheek"}, {"passes", 4},
                                     {"directions", {"h", "v"}}, {"seed", 7}, {"patch_mm", 10}},
                   admin_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_GT(r.json()["punctures"].get<double>(), 0);
  Reply again = c.post("/api/simulate", {{"device", device}, {"region", "cheek"}, {"passes", 4},
                                         {"directions", {"h", "v"}}, {"seed", 7}, {"patch_mm", 10}},
                       admin_);
  EXPECT_EQ(again.body, r.body);
  EXPECT_EQ(c.post("/api/simulate", {{"device", device}, {"passes", 100000}}, admin_).field(), "/passes");
}

TEST_P(RecordsApi, SimulateReturnsTheDensityMap) {
  auto c = client();
  std::string device;
  for (const auto& d : test_kb().devices)
    if (d.kind == kb::DeviceKind::roller) { device = d.id; break; }
  ASSERT_FALSE(device.empty());
  const json request{{"device", device}, {"region", "cheek"}, {"passes", 6},
                     {"directions", {"h", "v", "d1"}}, {"seed", 3}, {"patch_mm", 12}};
  Reply r = c.post("/api/simulate", request, admin_);
  ASSERT_EQ(r.status, 200) << r.body;
  const json doc = r.json();
  EXPECT_TRUE(doc.contains("density_per_cm2") && doc.contains("depth_um") && doc.contains("punctures"));
  ASSERT_TRUE(doc.contains("density_map")) << r.body.substr(0, 300);
  const json& map = doc["density_map"];
  // The CLI heat map's cells: 1 mm, whole cells over the 12 x 12 mm patch, row-major.
  EXPECT_EQ(map["cell_mm"].get<double>(), 1.0);
  ASSERT_EQ(map["width"].get<int>(), 12);
  ASSERT_EQ(map["height"].get<int>(), 12);
  const auto cells = map["per_cm2"].get<std::vector<long long>>();
  ASSERT_EQ(cells.size(), 144u);
  long long sum = 0;
  for (long long v : cells) {
    EXPECT_GE(v, 0);
    EXPECT_EQ(v % 100, 0) << "a 1 mm^2 cell holds whole punctures: 100 per cm^2 each";
    sum += v;
  }
  // The cells cover a whole-mm patch exactly, so their mean is the reported mean punctures per
  // cm^2; the only difference is that figure's rounding to 4 significant digits (< 0.05 %).
  // Tolerance: 0.1 % of the reported mean.
  const double reported = doc["density_per_cm2"]["mean"].get<double>();
  ASSERT_GT(reported, 0);
  EXPECT_NEAR(static_cast<double>(sum) / cells.size(), reported, 0.001 * reported);
  // The largest patch the API accepts stays within 64 x 64 cells.
  json wide = request;
  wide["patch_mm"] = 40;
  wide["passes"] = 1;
  Reply big = c.post("/api/simulate", wide, admin_);
  ASSERT_EQ(big.status, 200) << big.body;
  EXPECT_EQ(big.json()["density_map"]["width"].get<int>(), 40);
  EXPECT_EQ(big.json()["density_map"]["per_cm2"].size(), 1600u);
}

TEST_P(RecordsApi, PatientListShowsWritesThroughThisServerAtOnce) {
  auto c = client();
  EXPECT_EQ(c.get("/api/patients", admin_).json()["total"], 0);  // the empty page is now cached
  const auto p = create_patient(admin_, "Ada Listed");
  Reply r = c.get("/api/patients", admin_);
  ASSERT_EQ(r.json()["total"], 1);
  EXPECT_EQ(r.json()["patients"][0]["name"], "Ada Listed");
  Reply renamed = c.send("PATCH", "/api/patients/" + id_of(p),
                         json{{"name", "Ada Renamed"}, {"row_version", p["row_version"]}}.dump(), &admin_);
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  EXPECT_EQ(c.get("/api/patients", admin_).json()["patients"][0]["name"], "Ada Renamed");
}

TEST_P(RecordsApi, PatientListShowsOtherWritersAtOnceAndAuditsEveryRead) {
  // A write that bypasses this server (another server process on the same database, say) shows
  // on the next request: a cached page is served only while the store's change counter is the
  // one it was read at.
  auto c = client();
  auto audited_list_reads = [&] {
    int n = 0;
    for (const auto& e : store_->list_audit(0, 10000))
      if (e.action == records::AuditAction::read && e.entity == "patient" && e.record_id == 0) ++n;
    return n;
  };
  const int before = audited_list_reads();
  EXPECT_EQ(c.get("/api/patients", admin_).json()["total"], 0);
  records::Patient other;
  other.name = "Written Elsewhere";
  other.birth_date = "1970-01-01";
  other.sex = "female";
  EXPECT_EQ(c.get("/api/patients", admin_).json()["total"], 0) << "served from the cached page";
  store_->create_patient(records::Actor{1, "admin"}, other);
  Reply r = c.get("/api/patients", admin_);
  ASSERT_EQ(r.json()["total"], 1);
  EXPECT_EQ(r.json()["patients"][0]["name"], "Written Elsewhere");
  EXPECT_EQ(audited_list_reads(), before + 3) << "a page from the cache is audited like any read";
}

TEST_P(RecordsApi, APatientsRecordShowsEveryWriteAtOnceAndAuditsEveryRead) {
  // A record read again while nothing changed comes from memory: byte for byte the same, and
  // audited. A write through this server, or one that bypasses it (another server process on
  // the same database), shows on the next read.
  auto c = client();
  const auto p = create_patient(admin_, "Ada Recorded");
  const std::string path = "/api/patients/" + id_of(p);
  const long long id = p["id"].get<long long>();
  auto audited_reads = [&] {
    int n = 0;
    for (const auto& e : store_->list_audit(0, 10000))
      if (e.action == records::AuditAction::read && e.entity == "patient" && e.record_id == id) ++n;
    return n;
  };
  const int before = audited_reads();
  const Reply first = c.get(path, admin_);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(c.get(path, admin_).body, first.body);

  records::OutcomeAssessment o;  // written past the server
  o.patient_id = id;
  o.scale_id = "goodman-baron-qualitative";
  o.score = 3;
  o.region = "cheek";
  o.assessed_on = "2026-11-02";
  store_->add_outcome(records::Actor{1, "admin"}, o);
  Reply r = c.get(path, admin_);
  ASSERT_EQ(r.json()["outcomes"].size(), 1u) << r.body;

  Reply renamed = c.send("PATCH", path, json{{"name", "Ada Renamed"}, {"row_version", p["row_version"]}}.dump(), &admin_);
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  EXPECT_EQ(c.get(path, admin_).json()["name"], "Ada Renamed");
  EXPECT_EQ(audited_reads(), before + 4) << "a record from memory is audited like any read";
}

TEST_P(RecordsApi, ASignedSessionAlwaysSaysWhoPerformedIt) {
  add_user("pia", Role::practitioner);
  add_user("asa", Role::assistant);
  const Login pia = login_as("pia"), asa = login_as("asa");
  const long long pia_id = store_->find_user_by_username("pia")->id;
  auto c = client();
  const auto patient = make_treatable(admin_, "Performed By");
  const std::string sessions = patient.path + "/sessions";

  // Planned by anyone, then recorded as performed by the practitioner: she performed it.
  Reply planned = c.post(sessions, patient.session("2026-11-22", "planned"), asa);
  ASSERT_EQ(planned.status, 201) << planned.body;
  EXPECT_EQ(planned.json()["practitioner_id"], 0);
  Reply performed = c.send("PUT", "/api/sessions/" + id_of(planned.json()),
                           json{{"row_version", planned.json()["row_version"]}, {"status", "performed"}}.dump(), &pia);
  ASSERT_EQ(performed.status, 200) << performed.body;
  EXPECT_EQ(performed.json()["practitioner_id"], pia_id);

  // Documented by an assistant: open until the practitioner signs, who is then recorded.
  Reply documented = c.post(sessions, patient.session("2026-11-22"), asa);
  ASSERT_EQ(documented.status, 201) << documented.body;
  EXPECT_EQ(documented.json()["practitioner_id"], 0);
  Reply signed_reply = c.post("/api/sessions/" + id_of(documented.json()) + "/sign",
                              {{"row_version", documented.json()["row_version"]}}, pia);
  ASSERT_EQ(signed_reply.status, 200) << signed_reply.body;
  EXPECT_EQ(signed_reply.json()["practitioner_id"], pia_id);
  EXPECT_EQ(signed_reply.json()["status"], "signed");

  // Naming someone who does not exist is refused at the field.
  json ghost_body = patient.session("2026-11-22");
  ghost_body["practitioner_id"] = 999;
  Reply ghost = c.post(sessions, ghost_body, pia);
  EXPECT_EQ(ghost.status, 400);
  EXPECT_EQ(ghost.field(), "/practitioner_id");
}

}  // namespace
}  // namespace dermaplan::server::testing
