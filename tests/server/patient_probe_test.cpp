// What a hostile client found in the patient area, as cases: each is refused with a 400 that
// says what and where (or, for a change that changes nothing, answered without a write).
#include "core/civil_date.h"
#include "server_test_support.h"

#include <sodium.h>

#include <cstring>

namespace dermaplan::server::testing {
namespace {

using nlohmann::json;

class PatientProbe : public ServerTest {
 protected:
  static std::string in_days(int days) { return format_civil_date(add_days(today_utc(), days)); }
  std::string message(const Reply& r) { return r.json()["error"]["message"].get<std::string>(); }
  Reply patch(const std::string& path, const json& body) { return client().send("PATCH", path, body.dump(), &admin_); }
};
DERMAPLAN_INSTANTIATE_BACKENDS(PatientProbe);

TEST_P(PatientProbe, ABirthDateAfterARecordedDateIsRefusedATypingErrorIsCorrected) {
  // Intake and consent on 2026-09-01, the intakes' birth date 1990-04-02.
  const auto t = make_treatable(admin_, "Ada Dated");
  struct Case {
    const char* birth_date;
    const char* says;  //!< in the message; "" when accepted
  };
  const std::vector<Case> cases = {
      {"2026-09-05", "intake version 1 (taken 2026-09-01)"},  // the earliest entry after it is named
      {"1990-04-02", ""},  // the same date: nothing to change
      // Another date than the intakes': a typing error corrected (the next intake gives it).
      {"1990-04-03", ""},
  };
  for (const auto& c : cases) {
    const json now = client().get(t.path, admin_).json();
    Reply r = patch(t.path, {{"row_version", now["row_version"]}, {"birth_date", c.birth_date}});
    if (!*c.says) {
      EXPECT_EQ(r.status, 200) << r.body;
      EXPECT_EQ(r.json()["birth_date"], c.birth_date);
      continue;
    }
    EXPECT_EQ(r.status, 400) << c.birth_date << ": " << r.body;
    EXPECT_EQ(r.field(), "/birth_date") << r.body;
    EXPECT_NE(message(r).find(c.says), std::string::npos) << r.body;
    EXPECT_EQ(client().get(t.path, admin_).json()["birth_date"], "1990-04-02");
  }
  // A patient without intakes or dated entries: a wrongly typed birth date is corrected.
  const json p = create_patient(admin_, "Bo Undated");
  Reply fixed = patch("/api/patients/" + std::to_string(p["id"].get<long long>()),
                      {{"row_version", p["row_version"]}, {"birth_date", "1991-04-02"}});
  EXPECT_EQ(fixed.status, 200) << fixed.body;
  EXPECT_EQ(fixed.json()["birth_date"], "1991-04-02");
}

TEST_P(PatientProbe, ACorrectedBirthDateOrSexAsksForANewIntakeBeforeAPlan) {
  // A plan screens its intake and sets needle lengths by sex: not on what the record no longer
  // says (the gate's case: Gate.EachConditionIsRefusedThenSatisfied).
  const auto t = make_treatable(admin_, "Hu Corrected");
  const json plan = {{"indication", "skin-rejuvenation"}, {"areas", {"cheek"}}, {"date", "2026-12-01"}};
  struct Case {
    const char* field;
    const char* corrected;
    const char* says;
  };
  const std::vector<Case> cases = {
      {"birth_date", "1990-04-03", "intake version 1 gives the birth date 1990-04-02, the patient's record now 1990-04-03"},
      {"sex", "male", "intake version 2 gives the sex female, the patient's record now male"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.field);
    const json now = client().get(t.path, admin_).json();
    ASSERT_EQ(patch(t.path, {{"row_version", now["row_version"]}, {c.field, c.corrected}}).status, 200);
    Reply refused = client().post(t.path + "/plans", plan, admin_);
    EXPECT_EQ(refused.status, 400) << refused.body;
    EXPECT_EQ(refused.field(), "/intake") << refused.body;
    EXPECT_NE(message(refused).find(c.says), std::string::npos) << refused.body;
    EXPECT_NE(message(refused).find("record a new intake first"), std::string::npos) << refused.body;
    // A new intake saying what the record says: planned again.
    json intake = eligible_intake();
    intake["birth_date"] = "1990-04-03";
    if (std::string(c.field) == "sex") intake["sex"] = "male";
    ASSERT_EQ(client().post(t.path + "/intakes", {{"intake", intake}, {"date", "2026-09-02"}}, admin_).status, 201);
    Reply planned = client().post(t.path + "/plans", plan, admin_);
    EXPECT_EQ(planned.status, 201) << planned.body;
  }
}

TEST_P(PatientProbe, AnIntakeDateOrAPlanStartTooFarAheadIsRefused) {
  const auto t = make_treatable(admin_, "Cy Ahead");
  struct Case {
    const char* what;
    std::string path;
    json body;
    const char* field;  //!< "" when created
  };
  const json intake = eligible_intake();
  const std::vector<Case> cases = {
      {"an intake tomorrow", t.path + "/intakes", {{"intake", intake}, {"areas", {"cheek"}}, {"date", in_days(1)}}, ""},
      {"an intake in two days", t.path + "/intakes", {{"intake", intake}, {"areas", {"cheek"}}, {"date", in_days(2)}},
       "/date"},
      {"an intake in 2099", t.path + "/intakes", {{"intake", intake}, {"areas", {"cheek"}}, {"date", "2099-01-01"}},
       "/date"},
      {"an intake before birth", t.path + "/intakes", {{"intake", intake}, {"date", "1990-04-01"}}, "/date"},
      {"a plan starting in 5 years", t.path + "/plans",
       {{"indication", "skin-rejuvenation"}, {"areas", {"cheek"}}, {"date", "2026-12-01"}, {"start", "2031-12-01"}}, ""},
      {"a plan starting in 2099", t.path + "/plans",
       {{"indication", "skin-rejuvenation"}, {"areas", {"cheek"}}, {"date", "2026-12-01"}, {"start", "2099-01-01"}},
       "/start"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    expect_created_or_refused_at(client().post(c.path, c.body, admin_), c.field);
  }
  // The engine endpoint shares the request layer: the same bound.
  Reply plan = client().post("/api/plan",
                             {{"intake", intake}, {"indication", "skin-rejuvenation"}, {"areas", {"cheek"}},
                              {"date", "2026-12-01"}, {"start", "2099-01-01"}},
                             admin_);
  EXPECT_EQ(plan.status, 400) << plan.body;
  EXPECT_EQ(plan.field(), "/start") << plan.body;
}

TEST_P(PatientProbe, TextFieldsHaveLengthLimits) {
  const auto t = make_treatable(admin_, "Di Long");
  const std::string label(301, 'v'), note(10001, 'n');
  const auto planned = [](json fields) {
    fields["date"] = "2026-10-01";
    fields["status"] = "planned";
    return fields;
  };
  const auto with = [](json body, const char* name, const std::string& value) {
    body[name] = value;
    return body;
  };
  struct Case {
    const char* what;
    std::string path;
    json body;
    const char* field;
  };
  const std::vector<Case> cases = {
      {"a photo's view", t.path + "/photos",
       {{"view", label}, {"taken_on", "2026-09-02"}, {"image_base64", "iVBORw0KGgpwcmV0ZW5kIGltYWdlIGJ5dGVz"}}, "/view"},
      {"a photo's view of 300", t.path + "/photos",
       {{"view", std::string(300, 'v')}, {"taken_on", "2026-09-02"},
        {"image_base64", "iVBORw0KGgpwcmV0ZW5kIGltYWdlIGJ5dGVz"}},
       ""},
      {"an adverse event's type", t.path + "/adverse-events", {{"type", label}, {"onset", "2026-09-02"}}, "/type"},
      {"an adverse event's notes", t.path + "/adverse-events",
       {{"type", "erythema"}, {"onset", "2026-09-02"}, {"notes", note}}, "/notes"},
      {"an outcome's notes", t.path + "/outcomes", {{"scale", "gais"}, {"score", 2}, {"date", "2026-09-02"}, {"notes", note}},
       "/notes"},
      {"a new patient's notes", "/api/patients", {{"name", "Ed"}, {"birth_date", "1990-01-01"}, {"notes", note}}, "/notes"},
      {"a session's lot number", t.path + "/sessions", planned({{"lot_number", label}}), "/lot_number"},
      {"a session's lot number of 300", t.path + "/sessions", planned({{"lot_number", std::string(300, 'v')}}), ""},
      {"a session's directions", t.path + "/sessions", planned({{"directions", label}}), "/directions"},
      {"a session's anaesthetic", t.path + "/sessions", planned({{"anaesthetic", label}}), "/anaesthetic"},
      {"a session's end point", t.path + "/sessions", planned({{"end_point", label}}), "/end_point"},
      {"a session's products", t.path + "/sessions", planned({{"products_applied", note}}), "/products_applied"},
      {"a session's products of 301", t.path + "/sessions", planned({{"products_applied", label}}), ""},
      {"a session's notes", t.path + "/sessions", planned({{"notes", note}}), "/notes"},
      {"an override reason", t.path + "/sessions", with(t.session("2026-09-22"), "override_reason", std::string(4001, 'r')),
       "/override_reason"},
      {"a user's display name", "/api/users",
       {{"username", "long.name"}, {"password", "long-name-password"}, {"display_name", label}}, "/display_name"},
      {"a user's display name with a line break", "/api/users",
       {{"username", "broken.name"}, {"password", "broken-name-password"}, {"display_name", "Dr\nLee"}},
       "/display_name"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    expect_created_or_refused_at(client().post(c.path, c.body, admin_), c.field);
  }
  // An edit is held to the same bounds (a session's field, a user's display name).
  const json session = client().post(t.path + "/sessions", planned({}), admin_).json();
  Reply edit = client().send("PUT", "/api/sessions/" + std::to_string(session["id"].get<long long>()),
                             json{{"row_version", session["row_version"]}, {"lot_number", label}}.dump(), &admin_);
  EXPECT_EQ(edit.status, 400) << edit.body;
  EXPECT_EQ(edit.field(), "/lot_number") << edit.body;
  EXPECT_NE(message(edit).find("'lot_number' may have at most 300 characters (got 301)"), std::string::npos) << edit.body;
  const json user = client().post("/api/users", {{"username", "short.name"}, {"password", "short-name-password"}}, admin_).json();
  Reply renamed = patch("/api/users/" + std::to_string(user["id"].get<long long>()),
                        {{"row_version", user["row_version"]}, {"display_name", label}});
  EXPECT_EQ(renamed.status, 400) << renamed.body;
  EXPECT_EQ(renamed.field(), "/display_name") << renamed.body;
  Reply r = client().post(t.path + "/photos",
                          {{"view", label}, {"image_base64", "iVBORw0KGgpwcmV0ZW5kIGltYWdlIGJ5dGVz"}}, admin_);
  EXPECT_NE(message(r).find("at most 300 characters"), std::string::npos) << r.body;
}

TEST_P(PatientProbe, APatchThatChangesNothingWritesNothingAndNullIsNotAString) {
  const json p = create_patient(admin_, "Fe Same");
  const std::string path = "/api/patients/" + std::to_string(p["id"].get<long long>());
  const long long version = p["row_version"];
  for (const json& body : {json{{"row_version", version}}, json{{"row_version", version}, {"name", "Fe Same"}}}) {
    Reply r = patch(path, body);
    EXPECT_EQ(r.status, 200) << body << ": " << r.body;
    EXPECT_EQ(r.json()["row_version"], version) << r.body;
  }
  EXPECT_EQ(client().get(path, admin_).json()["row_version"], version);
  // Stale is still a conflict, even with nothing to change.
  EXPECT_EQ(patch(path, {{"row_version", version - 1}}).status, 409);
  for (const char* field : {"name", "birth_date", "sex", "notes"}) {
    Reply r = patch(path, {{"row_version", version}, {field, nullptr}});
    EXPECT_EQ(r.status, 400) << field << ": " << r.body;
    EXPECT_EQ(r.field(), std::string("/") + field) << r.body;
  }
  // A real change still writes.
  Reply changed = patch(path, {{"row_version", version}, {"notes", "prefers mornings"}});
  EXPECT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(changed.json()["row_version"], version + 1);
}

TEST_P(PatientProbe, QueryParametersThatWouldBeIgnoredAreRefused) {
  struct Case {
    const char* target;
    const char* field;  //!< "" when answered
    const char* says;   //!< in the message
  };
  const std::vector<Case> cases = {
      {"/api/audit?order=desc&after=5", "?after", "before"},
      {"/api/audit?before=5", "?before", "order=desc"},
      {"/api/audit?order=asc&before=5", "?before", "order=desc"},
      {"/api/audit?order=desc&before=5", "", ""},
      {"/api/audit?after=5", "", ""},
      {"/api/agenda?date=9999-12-01&days=90", "?days", "9999-12-31"},  // fewer days would do
      {"/api/agenda?date=9999-12-31&days=90", "?date", "9999-12-31"},  // no day would
      {"/api/agenda?date=9999-12-31", "?date", "9999-12-31"},
      {"/api/agenda?date=9999-12-01&days=30", "", ""},
  };
  for (const auto& c : cases) {
    Reply r = client().get(c.target, admin_);
    if (!*c.field) {
      EXPECT_EQ(r.status, 200) << c.target << ": " << r.body;
      continue;
    }
    EXPECT_EQ(r.status, 400) << c.target << ": " << r.body;
    EXPECT_EQ(r.field(), c.field) << c.target << ": " << r.body;
    EXPECT_NE(message(r).find(c.says), std::string::npos) << r.body;
  }
  Reply q = client().get("/api/patients?q=" + std::string(201, 'a'), admin_);
  EXPECT_EQ(q.field(), "?q") << q.body;
  EXPECT_NE(message(q).find("at most 200"), std::string::npos) << q.body;
}

TEST_P(PatientProbe, AConsentTimeSaysWhatIsWrongWithIt) {
  const json p = create_patient(admin_, "Gi Time");
  const std::string path = "/api/patients/" + std::to_string(p["id"].get<long long>()) + "/consents";
  struct Case {
    const char* at;
    const char* says;
  };
  const std::vector<Case> cases = {
      {"2023-02-30T00:00:00Z", "2023-02-30 is not a day of the calendar"},
      {"2026-09-01T25:00:00Z", "25:00:00 is not a time of day"},
      {"2026-09-01", "needs the time as well"},  // a date alone: which day it is depends on the zone
      {"2026-09-01 09:30:00", "must be YYYY-MM-DDTHH:MM:SSZ"},
      {"2026-09-01T09:30:00+02:00", "must be YYYY-MM-DDTHH:MM:SSZ"},
  };
  for (const auto& c : cases) {
    Reply r = client().post(path, {{"consented_by", "Gi Time"}, {"consented_at", c.at}}, admin_);
    EXPECT_EQ(r.status, 400) << c.at << ": " << r.body;
    EXPECT_EQ(r.field(), "/consented_at") << r.body;
    EXPECT_NE(message(r).find(c.says), std::string::npos) << c.at << ": " << r.body;
  }
}

std::string base64url(const std::string& raw) {
  std::string out(sodium_base64_encoded_len(raw.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(raw.data()), raw.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::strlen(out.c_str()));
  return out;
}

TEST_P(PatientProbe, AListCursorCarriesNoNameAndAForgedOneIsRefused) {
  for (const char* name : {"Anna Cursor", "Bert Cursor", "Cleo Cursor"}) create_patient(admin_, name);
  Reply first = client().get("/api/patients?limit=2", admin_);
  ASSERT_EQ(first.status, 200) << first.body;
  const std::string next = first.json()["next"];
  std::string raw(next.size(), '\0');
  size_t length = 0;
  ASSERT_EQ(sodium_base642bin(reinterpret_cast<unsigned char*>(raw.data()), raw.size(), next.data(), next.size(),
                              nullptr, &length, nullptr, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
            0);
  raw.resize(length);
  EXPECT_EQ(raw.find("bert"), std::string::npos) << raw;  // the page ends at Bert
  Reply second = client().get("/api/patients?limit=2&after=" + next, admin_);
  ASSERT_EQ(second.status, 200) << second.body;
  ASSERT_EQ(second.json()["patients"].size(), 1u) << second.body;
  EXPECT_EQ(second.json()["patients"][0]["name"], "Cleo Cursor");
  // Forged cursors: the old form with a name, an id no patient has, a version never reached.
  for (const std::string& forged : {base64url("1:' OR 1=1 --"), base64url("999:zzz"), base64url("999.1"),
                                   base64url("1.99"), base64url("1.0"), base64url("01.1"), std::string("%%%")}) {
    Reply r = client().get("/api/patients?limit=2&after=" + forged, admin_);
    EXPECT_EQ(r.status, 400) << forged << ": " << r.body;
    EXPECT_EQ(r.field(), "?after") << r.body;
  }
  // The page's last patient renamed since: its place moved, said so.
  Reply list = client().get("/api/patients?limit=2", admin_);
  const json b = list.json()["patients"][1];
  Reply renamed = patch("/api/patients/" + std::to_string(b["id"].get<long long>()),
                        {{"row_version", b["row_version"]}, {"name", "Zora Cursor"}});
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  Reply stale = client().get("/api/patients?limit=2&after=" + list.json()["next"].get<std::string>(), admin_);
  EXPECT_EQ(stale.status, 409) << stale.body;
  EXPECT_EQ(stale.field(), "?after") << stale.body;
}

}  // namespace
}  // namespace dermaplan::server::testing
