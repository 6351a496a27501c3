// What probing the running server with hostile requests found, as cases: each refused write is a
// 400 naming the field (what and where), and the record read back afterwards is as it was.
#include "core/civil_date.h"
#include "server_test_support.h"

#include <functional>
#include <string>
#include <vector>

namespace dermaplan::server::testing {
namespace {

using nlohmann::json;

class RequestProbe : public ServerTest {
 protected:
  static std::string in_days(int days) { return format_civil_date(add_days(today_utc(), days)); }
  std::string message(const Reply& r) { return r.json()["error"]["message"].get<std::string>(); }
  Reply send(const std::string& method, const std::string& path, const std::string& body) {
    return client().send(method, path, body, &admin_);
  }
  long long patient_total() { return client().get("/api/patients", admin_).json()["total"].get<long long>(); }
};
DERMAPLAN_INSTANTIATE_BACKENDS(RequestProbe);

// An imported intake is screened as of ?date and read as taken on it (the gate, a deferral's
// end): a later day than tomorrow is refused there, as a hand-entered intake's /date is.
TEST_P(RequestProbe, AnImportDatedAfterTomorrowIsRefusedAtDateAndStoresNothing) {
  const auto t = make_treatable(admin_, "Io Imported");
  const std::string bundle = client().get(t.path + "/fhir", admin_).body;
  struct Case {
    std::string date;
    const char* field;  //!< "" when imported
  };
  const std::vector<Case> cases = {
      {in_days(2), "?date"},
      {"2099-01-01", "?date"},
      {"9999-12-31", "?date"},  // was refused at Patient.birthDate ("more than 130 years before")
      {in_days(1), ""},         // a day's slack for practices ahead of UTC
      {"2026-09-01", ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.date);
    const long long before = patient_total();
    Reply r = send("POST", "/api/patients/import?date=" + c.date, bundle);
    if (!*c.field) {
      EXPECT_EQ(r.status, 201) << r.body;
      EXPECT_EQ(patient_total(), before + 1);
      continue;
    }
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.field(), c.field) << r.body;
    EXPECT_NE(message(r).find("is in the future"), std::string::npos) << r.body;
    EXPECT_EQ(patient_total(), before);
  }
}

// A line break shown as one (U+2028, U+2029) or a bidirectional override or isolate (the name
// on screen reads otherwise than the one stored) is refused wherever a name is given.
TEST_P(RequestProbe, NamesWithLineSeparatorsOrBidiControlsAreRefused) {
  const json p = create_patient(admin_, "Ny Named");
  const std::string path = "/api/patients/" + std::to_string(p["id"].get<long long>());
  const std::string bundle = client().get(path + "/fhir", admin_).body;
  struct Case {
    const char* what;
    std::string name;
    const char* says;  //!< in the message; "" when accepted
  };
  const std::vector<Case> cases = {
      {"LINE SEPARATOR", "Ada\u2028Lovelace", "control characters"},
      {"PARAGRAPH SEPARATOR", "Ada\u2029Lovelace", "control characters"},
      {"RIGHT-TO-LEFT OVERRIDE", "A\u202Eevil", "U+202E at byte 1"},
      {"LEFT-TO-RIGHT EMBEDDING", "Ada \u202ALovelace", "U+202A at byte 4"},
      {"FIRST STRONG ISOLATE", "Ada \u2068Lovelace\u2069", "U+2068 at byte 4"},
      {"POP DIRECTIONAL ISOLATE", "Ada\u2069", "U+2069"},
      {"a right-to-left mark", "Ada\u200F Lovelace", ""},
      {"an Arabic name", "\u0645\u062D\u0645\u062F \u0639\u0644\u064A", ""},
      {"an en dash", "Ada Lovelace\u2013King", ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    Reply created = client().post("/api/patients", {{"name", c.name}, {"birth_date", "1990-04-02"}}, admin_);
    const json now = client().get(path, admin_).json();
    Reply renamed = send("PATCH", path, json{{"row_version", now["row_version"]}, {"name", c.name}}.dump());
    Reply staff = client().post("/api/users",
                                {{"username", "u" + std::to_string(&c - cases.data())},
                                 {"display_name", c.name},
                                 {"role", "assistant"},
                                 {"password", "a-long-password"}},
                                admin_);
    json doc = json::parse(bundle);
    for (auto& e : doc["entry"])
      if (e["resource"]["resourceType"] == "Patient") e["resource"]["name"] = json::array({{{"text", c.name}}});
    Reply imported = send("POST", "/api/patients/import?date=2026-09-01", doc.dump());
    if (!*c.says) {
      EXPECT_EQ(created.status, 201) << created.body;
      EXPECT_EQ(renamed.status, 200) << renamed.body;
      EXPECT_EQ(staff.status, 201) << staff.body;
      EXPECT_EQ(imported.status, 201) << imported.body;
      // Back to the name the refused cases must leave in place.
      const json back = client().get(path, admin_).json();
      ASSERT_EQ(send("PATCH", path, json{{"row_version", back["row_version"]}, {"name", "Ny Named"}}.dump()).status,
                200);
      continue;
    }
    for (const auto* r : {&created, &renamed}) {
      EXPECT_EQ(r->status, 400) << r->body;
      EXPECT_EQ(r->field(), "/name") << r->body;
      EXPECT_NE(message(*r).find(c.says), std::string::npos) << r->body;
    }
    EXPECT_EQ(staff.status, 400) << staff.body;
    EXPECT_EQ(staff.field(), "/display_name") << staff.body;
    EXPECT_EQ(imported.status, 400) << imported.body;
    EXPECT_EQ(imported.field(), "Patient.name") << imported.body;
    const json after = client().get(path, admin_).json();
    EXPECT_EQ(after["name"], "Ny Named");
    EXPECT_EQ(after["row_version"], now["row_version"]);
  }
}

// A whole number past 2^63 - 1 was read as unsigned and wrapped: row_version
// 9223372036854775808 was "changed since it was read (version -9223372036854775808)", a
// session_id "no treatment session -9223372036854775808".
TEST_P(RequestProbe, IntegersPastTheLargestAreRefusedAtTheirField) {
  const auto t = make_treatable(admin_, "Iz Integer");
  Reply event = client().post(t.path + "/adverse-events", {{"type", "erythema"}, {"onset", "2026-09-02"}}, admin_);
  ASSERT_EQ(event.status, 201) << event.body;
  const std::string event_path = t.path + "/adverse-events/" + std::to_string(event.json()["id"].get<long long>());
  struct Case {
    const char* method;
    std::string path;
    std::string body;
    int status;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"PATCH", t.path, R"({"row_version":9223372036854775808,"notes":"x"})", 400, "/row_version"},
      {"PATCH", t.path, R"({"row_version":18446744073709551615,"notes":"x"})", 400, "/row_version"},
      {"PATCH", event_path, R"({"row_version":9223372036854775808,"notes":"x"})", 400, "/row_version"},
      {"POST", t.path + "/adverse-events", R"({"type":"x","onset":"2026-09-02","session_id":9223372036854775808})", 400,
       "/session_id"},
      {"POST", t.path + "/sessions", R"({"date":"2026-10-01","plan_id":9223372036854775808})", 400, "/plan_id"},
      // The largest that fits is a number like any other: a stale version.
      {"PATCH", t.path, R"({"row_version":9223372036854775807,"notes":"x"})", 409, "patient " + std::to_string(t.id)},
  };
  const json record = client().get(t.path, admin_).json();
  for (const auto& c : cases) {
    SCOPED_TRACE(c.body);
    Reply r = send(c.method, c.path, c.body);
    EXPECT_EQ(r.status, c.status) << r.body;
    EXPECT_EQ(r.field(), c.field) << r.body;
    if (c.status == 400) {
      EXPECT_NE(message(r).find("too large"), std::string::npos) << r.body;
    }
  }
  EXPECT_EQ(client().get(t.path, admin_).json(), record);
}

// An adverse event's PATCH: null is no value (it was read as "left out" and answered 200 with a
// new version); a PATCH that changes nothing writes nothing; a blank type or deletion reason is
// refused at the body's own field (the store named its column, "/event_type", "reason").
TEST_P(RequestProbe, AdverseEventPatchRefusesNullKeepsVersionWhenUnchangedNamesBlankFields) {
  const auto t = make_treatable(admin_, "Ae Patched");
  Reply event = client().post(t.path + "/adverse-events", {{"type", "erythema"}, {"onset", "2026-09-02"}}, admin_);
  ASSERT_EQ(event.status, 201) << event.body;
  const std::string path = t.path + "/adverse-events/" + std::to_string(event.json()["id"].get<long long>());
  struct Case {
    const char* what;
    json body;  //!< row_version 1 added
    int status;
    const char* field;  //!< 400: where; 200: "" (nothing written)
  };
  const std::vector<Case> cases = {
      {"notes null", {{"notes", nullptr}}, 400, "/notes"},
      {"session_id null", {{"session_id", nullptr}}, 400, "/session_id"},
      {"resolved null", {{"resolved", nullptr}}, 400, "/resolved"},
      {"type blank", {{"type", " \t "}}, 400, "/type"},
      {"type empty", {{"type", ""}}, 400, "/type"},
      {"nothing but the version", json::object(), 200, ""},
      {"the severity as stored", {{"severity", "mild"}}, 200, ""},
      {"the type as stored", {{"type", "erythema"}}, 200, ""},
  };
  const json record = client().get(t.path, admin_).json();
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    json body = c.body;
    body["row_version"] = 1;
    Reply r = send("PATCH", path, body.dump());
    EXPECT_EQ(r.status, c.status) << r.body;
    if (c.status == 400) {
      EXPECT_EQ(r.field(), c.field) << r.body;
    } else {
      EXPECT_EQ(r.json()["row_version"], 1) << r.body;
    }
    EXPECT_EQ(client().get(t.path, admin_).json(), record);
  }
  Reply blank = client().post(t.path + "/adverse-events", {{"type", "   "}, {"onset", "2026-09-02"}}, admin_);
  EXPECT_EQ(blank.status, 400) << blank.body;
  EXPECT_EQ(blank.field(), "/type") << blank.body;
  Reply no_reason = send("DELETE", t.path, R"({"reason":" \t"})");
  EXPECT_EQ(no_reason.status, 400) << no_reason.body;
  EXPECT_EQ(no_reason.field(), "/reason") << no_reason.body;
  EXPECT_EQ(client().get(t.path, admin_).json(), record);
  // A real change still writes.
  Reply changed = send("PATCH", path, R"({"row_version":1,"notes":"cooled, settled in a day"})");
  EXPECT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(changed.json()["row_version"], 2) << changed.body;
}

// A glide speed just above 0 made the estimate infinite: the engine's own limit answered, at
// "patch" (not a field of the request) with the command line's 20,000,000.
TEST_P(RequestProbe, ASimulationPastCountingIsOverTheRequestBudgetAtPasses) {
  struct Case {
    const char* what;
    json body;
    bool countable;
  };
  const std::vector<Case> cases = {
      {"a glide of 1e-300 mm/s", {{"device", "dermapen-4"}, {"glide_speed_mm_s", 1e-300}}, false},
      {"a glide of 1e-6 mm/s", {{"device", "dermapen-4"}, {"glide_speed_mm_s", 1e-6}}, true},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    Reply r = client().post("/api/simulate", c.body, admin_);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.code(), "simulation_too_large") << r.body;
    EXPECT_EQ(r.field(), "/passes") << r.body;
    EXPECT_EQ(r.json()["error"]["max_punctures"], 1000000) << r.body;
    EXPECT_EQ(r.json()["error"]["estimated_punctures"].is_null(), !c.countable) << r.body;
    EXPECT_NE(message(r).find("at most 1000000 are simulated per request"), std::string::npos) << r.body;
  }
  // Zero is no speed at all: refused at its field.
  Reply zero = client().post("/api/simulate", {{"device", "dermapen-4"}, {"glide_speed_mm_s", 0}}, admin_);
  EXPECT_EQ(zero.status, 400) << zero.body;
  EXPECT_EQ(zero.field(), "/glide_speed_mm_s") << zero.body;
}

// A label is one line, with a name's rule: a line break or a tab in a lot number made a lot
// nobody can type for a recall (GET /api/lots/...), and broke the line of a PDF or a list.
TEST_P(RequestProbe, LabelsAreOneLine) {
  const auto t = make_treatable(admin_, "La Labelled");
  Reply signed_session = client().post(t.path + "/sessions", t.session("2026-10-01"), admin_);
  ASSERT_EQ(signed_session.status, 201) << signed_session.body;
  const std::string session = "/api/sessions/" + std::to_string(signed_session.json()["id"].get<long long>());
  ASSERT_EQ(client().post(session + "/sign", {{"row_version", signed_session.json()["row_version"]}}, admin_).status,
            200);
  const json form = client().get("/api/consent-text?indication=skin-rejuvenation", admin_).json();
  const auto with = [](json body, const char* name, const std::string& value) {
    body[name] = value;
    return body;
  };
  const json planned = {{"date", "2026-10-02"}, {"status", "planned"}};
  const json photo = {{"taken_on", "2026-09-02"}, {"image_base64", "iVBORw0KGgpwcmV0ZW5kIGltYWdlIGJ5dGVz"}};
  const json event = {{"onset", "2026-09-02"}};
  const json amendment = {{"field", "lot_number"}, {"old_value", "LOT-" + std::to_string(t.id)},
                          {"reason", "the lot label was misread at the bedside"}};
  struct Case {
    const char* what;
    std::string path;
    json body;
    const char* field;  //!< "" when created
  };
  const std::vector<Case> cases = {
      {"a lot with a line break", t.path + "/sessions", with(planned, "lot_number", "DP4\nB"), "/lot_number"},
      {"a lot with a tab", t.path + "/sessions", with(planned, "lot_number", "DP4\tB"), "/lot_number"},
      {"a lot with U+2028", t.path + "/sessions", with(planned, "lot_number", "DP4\u2028B"), "/lot_number"},
      {"a lot with an override", t.path + "/sessions", with(planned, "lot_number", "DP4\u202EB"), "/lot_number"},
      {"directions", t.path + "/sessions", with(planned, "directions", "h\nv"), "/directions"},
      {"the anaesthetic", t.path + "/sessions", with(planned, "anaesthetic", "lidocaine\r"), "/anaesthetic"},
      {"the end point", t.path + "/sessions", with(planned, "end_point", "erythema\u0085"), "/end_point"},
      {"an adverse event's type", t.path + "/adverse-events", with(event, "type", "erythema\nswelling"), "/type"},
      {"a photo's view", t.path + "/photos", with(photo, "view", "left\u2029oblique"), "/view"},
      {"who consented", t.path + "/consents", with(consent_body(form, "x"), "consented_by", "La\nLabelled"),
       "/consented_by"},
      {"an amended lot", session + "/amendments", with(amendment, "new_value", "DP4\nC"), "/new_value"},
      {"a lot with a dash and a slash", t.path + "/sessions", with(planned, "lot_number", "DP4 \u2013 B/2"), ""},
      {"an amended lot on one line", session + "/amendments", with(amendment, "new_value", "DP4-C"), ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    const json record = client().get(t.path, admin_).json();
    Reply r = client().post(c.path, c.body, admin_);
    expect_created_or_refused_at(r, c.field);
    if (*c.field) {
      EXPECT_EQ(client().get(t.path, admin_).json(), record);
    }
  }
}

// GET /api/lots/{lot}: a blank lot was refused by the store at "lot_number" (not where the
// request has it), and a lot of any length was looked up and written into the audit row.
TEST_P(RequestProbe, ALotToTraceIsALabelAtLot) {
  struct Case {
    std::string lot;  //!< as in the path
    int status;
  };
  const std::vector<Case> cases = {
      {"%20", 400},
      {"%E2%80%8B", 400},  // a zero-width space: nothing to read
      {std::string(301, 'x'), 400},
      {std::string(300, 'x'), 200},
      {"DP4-2611-B", 200},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.lot.substr(0, 20));
    Reply r = client().get("/api/lots/" + c.lot, admin_);
    EXPECT_EQ(r.status, c.status) << r.body.substr(0, 300);
    if (c.status == 400) {
      EXPECT_EQ(r.field(), "/lot") << r.body;
    }
  }
}

// A bundle's intake resources about another patient (their subject names someone else) were
// imported into this bundle's patient.
TEST_P(RequestProbe, AnImportedResourceOfAnotherPatientIsRefusedAtItsSubject) {
  const auto t = make_treatable(admin_, "Su Subject");
  const json bundle = json::parse(client().get(t.path + "/fhir", admin_).body);
  std::string patient_id;
  size_t response = 0;
  for (size_t i = 0; i < bundle["entry"].size(); ++i) {
    const json& r = bundle["entry"][i]["resource"];
    if (r["resourceType"] == "Patient") patient_id = r["id"].get<std::string>();
    if (r["resourceType"] == "QuestionnaireResponse") response = i;
  }
  ASSERT_FALSE(patient_id.empty());
  ASSERT_GT(response, 0u);
  const json other_condition = {{"resourceType", "Condition"},
                                {"subject", {{"reference", "urn:uuid:00000000-0000-0000-0000-000000000001"}}},
                                {"code", {{"text", "herpes-simplex"}}}};
  struct Case {
    const char* what;
    std::function<void(json&)> change;
    std::string field;  //!< "" when imported
  };
  const std::string at_response = "Bundle.entry[" + std::to_string(response) + "].resource.subject.reference";
  const std::vector<Case> cases = {
      {"the intake of another patient",
       [&](json& b) { b["entry"][response]["resource"]["subject"]["reference"] = "urn:uuid:someone-else"; },
       at_response},
      {"a Condition of another patient",
       [&](json& b) { b["entry"].push_back({{"resource", other_condition}}); },
       "Bundle.entry[" + std::to_string(bundle["entry"].size()) + "].resource.subject.reference"},
      {"a reference that is not text", [&](json& b) { b["entry"][response]["resource"]["subject"]["reference"] = 7; },
       at_response},
      {"the patient as Patient/<id>",
       [&](json& b) { b["entry"][response]["resource"]["subject"]["reference"] = "Patient/" + patient_id; }, ""},
      {"a subject by name only", [&](json& b) { b["entry"][response]["resource"]["subject"] = {{"display", "Su"}}; },
       ""},
      {"the export as it is", [](json&) {}, ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    json doc = bundle;
    c.change(doc);
    const long long before = patient_total();
    Reply r = send("POST", "/api/patients/import?date=2026-09-01", doc.dump());
    if (c.field.empty()) {
      EXPECT_EQ(r.status, 201) << r.body;
      EXPECT_EQ(patient_total(), before + 1);
      continue;
    }
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.field(), c.field) << r.body;
    EXPECT_EQ(patient_total(), before);
  }
}

// PUT /api/sessions/{id} and PATCH /api/users/{id} read null as "left out" too: 200 and a new
// version for "lot_number": null. And a user's PATCH that changed nothing wrote a new version.
TEST_P(RequestProbe, SessionAndUserUpdatesRefuseNullAndAnUnchangedUserKeepsItsVersion) {
  const auto t = make_treatable(admin_, "Nu Nulled");
  Reply planned = client().post(t.path + "/sessions", t.session("2026-10-01", "planned"), admin_);
  ASSERT_EQ(planned.status, 201) << planned.body;
  const std::string session = "/api/sessions/" + std::to_string(planned.json()["id"].get<long long>());
  const records::User nurse = add_user("nurse", records::Role::assistant);
  const std::string user = "/api/users/" + std::to_string(nurse.id);
  struct Case {
    const char* what;
    std::string path;
    const char* method;
    json body;  //!< row_version 1 added
    int status;
    const char* field;  //!< 400: where
  };
  const std::vector<Case> cases = {
      {"a session's lot null", session, "PUT", {{"lot_number", nullptr}}, 400, "/lot_number"},
      {"a session's notes null", session, "PUT", {{"notes", nullptr}}, 400, "/notes"},
      {"a session's plan null", session, "PUT", {{"plan_id", nullptr}}, 400, "/plan_id"},
      {"a user's role null", user, "PATCH", {{"role", nullptr}}, 400, "/role"},
      {"a user's password null", user, "PATCH", {{"password", nullptr}}, 400, "/password"},
      {"a user as stored", user, "PATCH", {{"role", "assistant"}, {"disabled", false}}, 200, ""},
      {"a user, nothing but the version", user, "PATCH", json::object(), 200, ""},
  };
  const json session_before = client().get(session, admin_).json();
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    const json users_before = client().get("/api/users", admin_).json();
    json body = c.body;
    body["row_version"] = 1;
    Reply r = send(c.method, c.path, body.dump());
    EXPECT_EQ(r.status, c.status) << r.body;
    if (c.status == 400) {
      EXPECT_EQ(r.field(), c.field) << r.body;
    } else {
      EXPECT_EQ(r.json()["row_version"], 1) << r.body;
    }
    EXPECT_EQ(client().get(session, admin_).json(), session_before);
    EXPECT_EQ(client().get("/api/users", admin_).json(), users_before);
  }
  // A real change still writes.
  Reply renamed = send("PATCH", user, R"({"row_version":1,"display_name":"Nurse Jo"})");
  EXPECT_EQ(renamed.status, 200) << renamed.body;
  EXPECT_EQ(renamed.json()["row_version"], 2) << renamed.body;
}

// A stored plan's date is the day it screens the intake as of: 2099 was stored, screened as of
// then (a deferral running today looked over), and a day before the birth date was blamed on
// /intake/birth_date.
TEST_P(RequestProbe, APatientPlanDatedAfterTomorrowOrBeforeBirthIsRefusedAtDate) {
  const auto t = make_treatable(admin_, "Pa Planned");
  struct Case {
    std::string date;
    const char* field;  //!< "" when created
  };
  const std::vector<Case> cases = {
      {in_days(2), "/date"}, {"2099-01-01", "/date"}, {"1980-01-01", "/date"}, {"0000-01-01", "/date"},
      {in_days(1), ""},      {"2026-09-02", ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.date);
    const json record = client().get(t.path, admin_).json();
    Reply r = client().post(t.path + "/plans", {{"indication", "skin-rejuvenation"}, {"areas", {"cheek"}}, {"date", c.date}},
                            admin_);
    expect_created_or_refused_at(r, c.field);
    if (*c.field) {
      EXPECT_EQ(client().get(t.path, admin_).json(), record);
    }
  }
}

// The audit log's ?user and ?entity took any length, and each read wrote the query whole into
// its own audit row; query texts are at most 200 bytes (docs/api.md, Limits).
TEST_P(RequestProbe, AuditQueryTextsAreBounded) {
  struct Case {
    std::string query;
    int status;
    const char* field;
  };
  const std::vector<Case> cases = {
      {"user=" + std::string(201, 'x'), 400, "?user"},
      {"entity=" + std::string(201, 'x'), 400, "?entity"},
      {"user=" + std::string(200, 'x'), 200, ""},
      {"entity=patient&user=admin", 200, ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.query.substr(0, 30));
    Reply r = client().get("/api/audit?" + c.query, admin_);
    EXPECT_EQ(r.status, c.status) << r.body.substr(0, 300);
    EXPECT_EQ(r.field(), c.field) << r.body.substr(0, 300);
  }
}

}  // namespace
}  // namespace dermaplan::server::testing
