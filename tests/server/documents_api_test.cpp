// Documents and exports over HTTP: a stored plan's handout (PDF) and calendar (iCalendar), a
// recorded consent as PDF (the version agreed to, not today's form), a patient's record as
// FHIR, a patient imported from FHIR (all or nothing, unknown codes with their paths), and the
// practice's tables as CSV. Who may have which, the 404s, and the audit row of every export.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <unistd.h>

#include "server_test_support.h"
#include "test_support.h"

namespace dermaplan::server::testing {
namespace {

using nlohmann::json;
using records::Role;

class DocumentsApi : public ServerTest {
 protected:
  /// A patient with an intake and a stored plan; returns {patient id, plan JSON reply}.
  std::pair<long long, json> patient_with_plan(const std::string& name) {
    auto c = client();
    const auto patient = create_patient(admin_, name);
    const long long id = patient["id"];
    const std::string p = "/api/patients/" + std::to_string(id);
    Reply intake = c.post(p + "/intakes", {{"intake", example_intake()}, {"date", "2026-11-22"}}, admin_);
    EXPECT_EQ(intake.status, 201) << intake.body;
    Reply plan = c.post(p + "/plans", {{"indication", "acne-scars"}, {"date", "2026-11-22"}}, admin_);
    EXPECT_EQ(plan.status, 201) << plan.body;
    return {id, plan.json()};
  }

  /// The export rows of the audit log by `username`.
  std::vector<records::AuditEntry> exports_by(const std::string& username) {
    std::vector<records::AuditEntry> out;
    for (const auto& e : store_->list_audit(0, 10000))
      if (e.action == records::AuditAction::export_data && e.username == username) out.push_back(e);
    return out;
  }

  /// pdftotext -layout of a PDF, whitespace squeezed.
  std::string pdf_text(const std::string& pdf) {
    const auto path = dir() / "document.pdf";
    std::ofstream(path, std::ios::binary) << pdf;
    std::string text;
    if (FILE* pipe = ::popen(("pdftotext -layout '" + path.string() + "' - 2>&1").c_str(), "r")) {
      char buffer[4096];
      size_t n;
      while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) text.append(buffer, n);
      ::pclose(pipe);
    }
    std::string squeezed;
    for (char ch : text) {
      const bool space = ch == ' ' || ch == '\n' || ch == '\t' || ch == '\f';
      if (space && (squeezed.empty() || squeezed.back() == ' ')) continue;
      squeezed += space ? ' ' : ch;
    }
    return squeezed;
  }
};
DERMAPLAN_INSTANTIATE_BACKENDS(DocumentsApi);

TEST_P(DocumentsApi, AnAssistantGetsTheHandoutAndCalendarOfAStoredPlan) {
  const auto [patient_id, plan] = patient_with_plan("Zoë Ångström");
  const std::string plan_id = std::to_string(plan["id"].get<long long>());
  add_user("asa", Role::assistant);
  const Login asa = login_as("asa");
  auto c = client();

  Reply handout = c.get("/api/plans/" + plan_id + "/handout.pdf", asa);
  ASSERT_EQ(handout.status, 200) << handout.body;
  EXPECT_EQ(handout.headers.find("Content-Type")->second, "application/pdf");
  EXPECT_NE(handout.headers.find("Content-Disposition")->second.find("handout-plan-" + plan_id + ".pdf"),
            std::string::npos);
  EXPECT_EQ(handout.body.rfind("%PDF-", 0), 0u);
  const std::string text = pdf_text(handout.body);
  EXPECT_NE(text.find("Zoë Ångström"), std::string::npos) << text;
  EXPECT_NE(text.find("born Mon 02 Apr 1990"), std::string::npos) << text;
  ASSERT_FALSE(plan["plan"]["sessions"].empty());
  EXPECT_EQ(text.find("Practitioner's copy"), std::string::npos);
  Reply practitioner = c.get("/api/plans/" + plan_id + "/handout.pdf?copy=practitioner&paper=letter", asa);
  ASSERT_EQ(practitioner.status, 200) << practitioner.body;
  EXPECT_NE(pdf_text(practitioner.body).find("Practitioner's copy"), std::string::npos);
  // Its own file name: downloading both copies keeps both.
  EXPECT_NE(practitioner.headers.find("Content-Disposition")->second.find("handout-plan-" + plan_id + "-practitioner.pdf"),
            std::string::npos);
  EXPECT_EQ(c.get("/api/plans/" + plan_id + "/handout.pdf?copy=family", asa).field(), "?copy");
  EXPECT_EQ(c.get("/api/plans/" + plan_id + "/handout.pdf?paper=a3", asa).status, 400);

  Reply calendar = c.get("/api/plans/" + plan_id + "/calendar.ics", asa);
  ASSERT_EQ(calendar.status, 200) << calendar.body;
  EXPECT_EQ(calendar.headers.find("Content-Type")->second, "text/calendar; charset=utf-8");
  EXPECT_EQ(calendar.body.rfind("BEGIN:VCALENDAR\r\n", 0), 0u);
  size_t events = 0;
  for (size_t at = 0; (at = calendar.body.find("UID:plan-" + plan_id + "-session-", at)) != std::string::npos; ++at)
    ++events;
  EXPECT_EQ(events, plan["plan"]["sessions"].size()) << calendar.body;
  // Exported again: the same UIDs, so a calendar updates its entries.
  advance_clock_ms(60'000);
  Reply again = c.get("/api/plans/" + plan_id + "/calendar.ics", asa);
  auto uids = [](const std::string& ics) {
    std::vector<std::string> out;
    for (size_t at = 0; (at = ics.find("\r\nUID:", at)) != std::string::npos; at += 6)
      out.push_back(ics.substr(at + 6, ics.find("\r\n", at + 6) - at - 6));
    return out;
  };
  EXPECT_EQ(uids(again.body), uids(calendar.body));
  EXPECT_NE(again.body, calendar.body);  // DTSTAMP moved on

  // Who exported what: one audit row per document, naming the patient and the plan.
  const auto rows = exports_by("asa");
  ASSERT_EQ(rows.size(), 4u);
  for (const auto& row : rows) {
    EXPECT_EQ(row.entity, "patient");
    EXPECT_EQ(row.record_id, patient_id);
    EXPECT_EQ(json::parse(row.detail)["plan_id"], plan["id"]);
  }
  EXPECT_EQ(json::parse(rows[0].detail)["document"], "handout");
  EXPECT_EQ(json::parse(rows[1].detail)["copy"], "practitioner");
  EXPECT_EQ(json::parse(rows[2].detail)["document"], "calendar");
}

TEST_P(DocumentsApi, UnknownPlansAreNotFound) {
  auto c = client();
  for (const std::string path : {"/api/plans/999999/handout.pdf", "/api/plans/999999/calendar.ics",
                                 "/api/plans/abc/handout.pdf", "/api/plans/1/handout.txt"})
    EXPECT_EQ(c.get(path, admin_).status, 404) << path;
  // A plan of a deleted patient is gone with the patient.
  const auto [patient_id, plan] = patient_with_plan("Deleted Dora");
  Reply gone = c.send("DELETE", "/api/patients/" + std::to_string(patient_id), json{{"reason", "test"}}.dump(), &admin_);
  ASSERT_EQ(gone.status, 204) << gone.body;
  EXPECT_EQ(c.get("/api/plans/" + std::to_string(plan["id"].get<long long>()) + "/handout.pdf", admin_).status, 404);
  EXPECT_TRUE(exports_by("admin").empty());
}

TEST_P(DocumentsApi, AConsentPdfIsTheVersionRecordedNotTodaysForm) {
  const auto patient = create_patient(admin_, "Søren Ōkubo");
  const long long patient_id = patient["id"];
  const auto other = create_patient(admin_, "Other Person");
  records::Consent old;
  old.patient_id = patient_id;
  old.text_version = "consent-1/kb-2025.4/0123456789ab";
  old.consent_text = "Consent to microneedling\n\n- A statement of an earlier form.\n\nRisks:\n- An earlier risk text.\n";
  old.consented_by = "Søren Ōkubo";
  old.consented_at_ms = 1'760'000'000'000;
  old = store_->add_consent({store_->find_user_by_username("admin")->id, "admin"}, old);
  add_user("pat", Role::practitioner);
  const Login pat = login_as("pat");
  auto c = client();
  const std::string base = "/api/patients/" + std::to_string(patient_id) + "/consents/";
  Reply pdf = c.get(base + std::to_string(old.id) + ".pdf", pat);
  ASSERT_EQ(pdf.status, 200) << pdf.body;
  EXPECT_EQ(pdf.headers.find("Content-Type")->second, "application/pdf");
  const std::string text = pdf_text(pdf.body);
  EXPECT_NE(text.find("A statement of an earlier form."), std::string::npos) << text;
  EXPECT_NE(text.find("An earlier risk text."), std::string::npos) << text;
  EXPECT_NE(text.find("consent-1/kb-2025.4/0123456789ab"), std::string::npos) << text;
  EXPECT_NE(text.find("Søren Ōkubo"), std::string::npos) << text;
  EXPECT_NE(text.find("Sign here on paper"), std::string::npos) << text;  // no signature recorded

  EXPECT_EQ(c.get(base + "999999.pdf", pat).status, 404);
  EXPECT_EQ(c.get("/api/patients/" + std::to_string(other["id"].get<long long>()) + "/consents/" +
                      std::to_string(old.id) + ".pdf", pat).status, 404);
  EXPECT_EQ(c.get("/api/patients/999999/consents/" + std::to_string(old.id) + ".pdf", pat).status, 404);
  const auto rows = exports_by("pat");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].record_id, patient_id);
  EXPECT_EQ(json::parse(rows[0].detail)["consent_id"], old.id);
}

TEST_P(DocumentsApi, AConsentSignedOnScreenHasItsSignatureAndEvidenceInThePdf) {
  const auto patient = create_patient(admin_, "Signed Sigrún");
  const std::string base = "/api/patients/" + std::to_string(patient["id"].get<long long>());
  auto c = client();
  Reply form = c.get("/api/consent-text?indication=acne-scars", admin_);
  ASSERT_EQ(form.status, 200) << form.body;
  json body = consent_body(form.json(), "Signed Sigrún");
  body["indication"] = "acne-scars";
  body["photo_use"] = "teaching";
  Reply consent = c.post(base + "/consents", body, admin_);
  ASSERT_EQ(consent.status, 201) << consent.body;
  ASSERT_FALSE(consent.json()["signature_sha256"].get<std::string>().empty());
  Reply pdf = c.get(base + "/consents/" + std::to_string(consent.json()["id"].get<long long>()) + ".pdf", admin_);
  ASSERT_EQ(pdf.status, 200) << pdf.body;
  const std::string text = pdf_text(pdf.body);
  EXPECT_EQ(text.find("Sign here on paper"), std::string::npos) << text;  // the drawing is there instead
  EXPECT_EQ(text.find("could not be read"), std::string::npos) << text;
  EXPECT_NE(text.find(std::to_string(body["acknowledged"].size()) + " acknowledgements recorded"), std::string::npos)
      << text;
  EXPECT_NE(text.find("to train practitioners"), std::string::npos) << text;
  EXPECT_NE(text.find(form.json()["version"].get<std::string>()), std::string::npos) << text;
}

TEST_P(DocumentsApi, APatientsRecordGoesOutAsFhirAndComesBackWithTheSameContent) {
  const auto [patient_id, plan] = patient_with_plan("Élodie Müller");
  add_user("pat", Role::practitioner);
  add_user("asa", Role::assistant);
  const Login pat = login_as("pat"), asa = login_as("asa");
  auto c = client();
  const std::string path = "/api/patients/" + std::to_string(patient_id) + "/fhir";
  EXPECT_EQ(c.get(path, asa).status, 403);  // the whole record: practitioners and admins
  EXPECT_EQ(c.get("/api/patients/999999/fhir", pat).status, 404);
  Reply bundle = c.get(path, pat);
  ASSERT_EQ(bundle.status, 200) << bundle.body;
  EXPECT_EQ(bundle.headers.find("Content-Type")->second, "application/fhir+json");
  const json first = bundle.json();
  EXPECT_EQ(first["resourceType"], "Bundle");
  EXPECT_EQ(first["type"], "collection");
  std::set<std::string> types;
  for (const auto& e : first["entry"]) {
    types.insert(e["resource"]["resourceType"].get<std::string>());
    EXPECT_EQ(e["fullUrl"].get<std::string>().rfind("urn:uuid:", 0), 0u);
  }
  EXPECT_TRUE(types.count("Patient") && types.count("QuestionnaireResponse") && types.count("CarePlan"));
  const auto rows = exports_by("pat");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].record_id, patient_id);
  EXPECT_EQ(json::parse(rows[0].detail)["format"], "fhir-bundle");

  // Imported by an assistant (who may add patients and intakes), exported again: the same
  // Patient and intake answers.
  Reply imported = c.send("POST", "/api/patients/import?date=2026-11-22", bundle.body, &asa);
  ASSERT_EQ(imported.status, 201) << imported.body;
  const long long new_id = imported.json()["patient"]["id"];
  EXPECT_NE(new_id, patient_id);
  EXPECT_EQ(imported.json()["intakes"].size(), 1u);
  bool plan_skipped = false;
  const json skipped = imported.json()["skipped"];
  for (const auto& s : skipped) plan_skipped |= s["resource_type"] == "CarePlan";
  EXPECT_TRUE(plan_skipped) << imported.body;
  Reply second = c.get("/api/patients/" + std::to_string(new_id) + "/fhir", pat);
  ASSERT_EQ(second.status, 200);
  auto content = [](const json& b) {
    json patient, intakes = json::array();
    for (const auto& e : b["entry"]) {
      const json& r = e["resource"];
      if (r["resourceType"] == "Patient") patient = {r.value("name", json()), r.value("gender", json()),
                                                     r.value("birthDate", json())};
      if (r["resourceType"] == "QuestionnaireResponse") intakes.push_back(r.value("item", json()));
    }
    return json{patient, intakes};
  };
  EXPECT_EQ(content(second.json()), content(first));
}

TEST_P(DocumentsApi, AnImportedBirthDateAfterTheImportDateIsNamedAtPatientBirthDate) {
  auto c = client();
  const long long before = store_->list_patients({}).total;
  const json future{{"resourceType", "Patient"}, {"name", {{{"text", "Future Born"}}}}, {"birthDate", "2999-01-01"}};
  Reply refused = c.send("POST", "/api/patients/import?date=2026-11-22", future.dump(), &admin_);
  ASSERT_EQ(refused.status, 400) << refused.body;
  EXPECT_EQ(refused.field(), "Patient.birthDate") << refused.body;
  EXPECT_EQ(refused.json()["error"]["problems"][0]["path"], "Patient.birthDate");
  // The value came from the Patient resource: the message speaks of it, not of an intake.
  EXPECT_EQ(refused.json()["error"]["message"].get<std::string>().rfind("intake", 0), std::string::npos)
      << refused.body;
  EXPECT_EQ(store_->list_patients({}).total, before);
}

TEST_P(DocumentsApi, AnImportWithUnknownCodesStoresNothingAndNamesEveryPath) {
  const json unknown = dermaplan::testing::read_json_file(dermaplan::testing::cases_dir("fhir/import") /
                                               "unknown-codes-all-reported.json")["document"];
  auto c = client();
  const long long before = store_->list_patients({}).total;
  Reply refused = c.send("POST", "/api/patients/import", unknown.dump(), &admin_);
  ASSERT_EQ(refused.status, 400) << refused.body;
  EXPECT_EQ(refused.code(), "bad_request");
  EXPECT_EQ(refused.field(), "Bundle.entry[1].resource.code");
  const json problems = refused.json()["error"]["problems"];
  ASSERT_EQ(problems.size(), 2u) << refused.body;
  EXPECT_EQ(problems[1]["path"], "Bundle.entry[2].resource.code.coding[0].code");
  EXPECT_EQ(store_->list_patients({}).total, before);
  EXPECT_EQ(c.send("POST", "/api/patients/import", "[1, 2]", &admin_).status, 400);
  EXPECT_EQ(c.send("POST", "/api/patients/import?date=tomorrow", unknown.dump(), &admin_).field(), "?date");

  const json good = dermaplan::testing::read_json_file(dermaplan::testing::cases_dir("fhir/import") /
                                            "resources-to-intake.json")["document"];
  Reply created = c.send("POST", "/api/patients/import?date=2026-11-22", good.dump(), &admin_);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.json()["patient"]["name"], "Élodie Müller");
  EXPECT_EQ(store_->list_patients({}).total, before + 1);
}

TEST_P(DocumentsApi, ThePracticesTablesAsCsvAreForAdminsOnly) {
  const auto [patient_id, plan] = patient_with_plan("=HYPERLINK(\"x\"), \"Quoted\" Name");
  add_user("pat", Role::practitioner);
  const Login pat = login_as("pat");
  auto c = client();
  EXPECT_EQ(c.get("/api/export/patients.csv", pat).status, 403);
  Reply csv = c.get("/api/export/patients.csv", admin_);
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(csv.headers.find("Content-Type")->second.rfind("text/csv", 0), 0u);
  EXPECT_EQ(csv.body.rfind("id,name,birth_date,sex,notes,", 0), 0u) << csv.body;
  EXPECT_NE(csv.body.find("\r\n" + std::to_string(patient_id) + ",\"'=HYPERLINK(\"\"x\"\"), \"\"Quoted\"\" Name\","),
            std::string::npos)
      << csv.body;
  Reply plans = c.get("/api/export/course_plans.csv", admin_);
  ASSERT_EQ(plans.status, 200);
  EXPECT_NE(plans.body.find("acne-scars"), std::string::npos);
  Reply unknown = c.get("/api/export/secrets.csv", admin_);
  EXPECT_EQ(unknown.status, 404);
  EXPECT_NE(unknown.body.find("course_plans"), std::string::npos);  // the accepted tables are named
  const auto rows = exports_by("admin");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].entity, "practice");
  EXPECT_EQ(json::parse(rows[0].detail)["rows"]["patients"], 1);
}

}  // namespace
}  // namespace dermaplan::server::testing
