// FHIR R4 export and import: the Bundle's structure and references, what each record maps
// to, stable ids, the import cases in tests/cases/fhir/import, and the export -> import ->
// export round trip. Schema and profile validation is done by the npm validators (js/).
#include "interop/fhir_export.h"
#include "interop/fhir_import.h"

#include "core/errors.h"
#include "example_record.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <set>

namespace dermaplan::interop {
namespace {

using nlohmann::json;

FhirExportOptions options() {
  FhirExportOptions o;
  o.kb = &testing::bundled_kb();
  o.user_name = testing::example_user_name;
  return o;
}

std::map<std::string, std::vector<json>> by_type(const json& bundle) {
  std::map<std::string, std::vector<json>> out;
  for (const auto& entry : bundle.at("entry")) out[entry.at("resource").at("resourceType")].push_back(entry.at("resource"));
  return out;
}

void walk(const json& value, const std::function<void(const std::string&, const json&)>& visit, const std::string& key = "") {
  visit(key, value);
  if (value.is_object())
    for (const auto& [k, v] : value.items()) walk(v, visit, k);
  else if (value.is_array())
    for (const auto& v : value) walk(v, visit, key);
}

TEST(FhirExport, ABundleOfEveryKindOfRecordWhoseReferencesAllResolve) {
  const json bundle = patient_bundle(testing::example_record(), options(), 1'795'000'000'000);
  EXPECT_EQ(bundle.at("type"), "collection");
  EXPECT_EQ(bundle.at("timestamp"), "2026-11-18T11:06:40.000Z");
  std::set<std::string> full_urls;
  for (const auto& entry : bundle.at("entry")) {
    const std::string url = entry.at("fullUrl");
    EXPECT_EQ(url, "urn:uuid:" + entry.at("resource").at("id").get<std::string>());
    EXPECT_TRUE(full_urls.insert(url).second) << "duplicate " << url;
  }
  int references = 0;
  walk(bundle, [&](const std::string& key, const json& value) {
    if (key == "reference" && value.is_string()) {
      ++references;
      EXPECT_TRUE(full_urls.count(value.get<std::string>())) << "dangling reference " << value;
    }
  });
  EXPECT_GT(references, 15);
  const auto types = by_type(bundle);
  const std::map<std::string, size_t> expected = {
      {"Patient", 1}, {"QuestionnaireResponse", 2}, {"Consent", 1}, {"CarePlan", 1},
      {"Procedure", 2},  // the performed and the signed session; the planned one is in the CarePlan
      {"Device", 2},     // one roller, two lots
      {"Observation", 2}, {"AdverseEvent", 1}, {"Media", 1}};
  for (const auto& [type, count] : expected) EXPECT_EQ(types.count(type) ? types.at(type).size() : 0, count) << type;
  EXPECT_EQ(types.size(), expected.size());
}

TEST(FhirExport, SessionsBecomeProceduresWithSitesDevicePerformerAndAmendments) {
  const json bundle = patient_bundle(testing::example_record(), options(), 0);
  const auto types = by_type(bundle);
  const json& signed_session = types.at("Procedure").front();
  EXPECT_EQ(signed_session.at("performedDateTime"), "2026-12-30");
  EXPECT_EQ(signed_session.at("code").at("coding")[0].at("system"), kCodeSystemProcedure);
  EXPECT_EQ(signed_session.at("bodySite")[0].at("coding")[0].at("code"), "cheek");
  EXPECT_EQ(signed_session.at("bodySite")[0].at("text"), "Cheek (including zygoma): 1.5 mm");
  EXPECT_EQ(signed_session.at("performer")[0].at("actor").at("display"), "Dr. Ana Lúcia Gonçalves");
  const std::string device_ref = signed_session.at("focalDevice")[0].at("manipulated").at("reference");
  bool lot_found = false;
  for (const auto& device : types.at("Device"))
    if ("urn:uuid:" + device.at("id").get<std::string>() == device_ref) lot_found = device.at("lotNumber") == "LOT-2026-0042";
  EXPECT_TRUE(lot_found);
  const std::string notes = signed_session.at("note").dump();
  EXPECT_NE(notes.find("Signed by Dr. Ana Lúcia Gonçalves"), std::string::npos);
  EXPECT_NE(notes.find("Amended lot_number"), std::string::npos);
  EXPECT_NE(notes.find("LOT-2026-0043"), std::string::npos);
  EXPECT_EQ(signed_session.at("basedOn")[0].at("reference"),
            "urn:uuid:" + types.at("CarePlan").front().at("id").get<std::string>());
}

TEST(FhirExport, CarePlanActivitiesCarryEverySessionTaskAndAftercareInstruction) {
  const auto record = testing::example_record();
  const json care_plan = by_type(patient_bundle(record, options(), 0)).at("CarePlan").front();
  const json plan = json::parse(record.plans.front().plan_json);
  size_t sessions = 0, tasks = 0;
  for (const auto& a : care_plan.at("activity")) {
    const json& d = a.at("detail");
    if (d.at("kind") == "ServiceRequest") ++sessions;
    else ++tasks;
  }
  EXPECT_EQ(sessions, plan.at("sessions").size());
  EXPECT_EQ(tasks, plan.at("preparation").size() + plan.at("aftercare").size());
  EXPECT_EQ(care_plan.at("activity")[0].at("detail").at("scheduledPeriod").at("start"),
            plan.at("sessions")[0].at("date"));
}

TEST(FhirExport, IdsAreStableAcrossExportsAndDifferBetweenRecords) {
  const json a = patient_bundle(testing::example_record(), options(), 1);
  const json b = patient_bundle(testing::example_record(), options(), 2);
  for (size_t i = 0; i < a.at("entry").size(); ++i) EXPECT_EQ(a["entry"][i]["fullUrl"], b["entry"][i]["fullUrl"]);
  EXPECT_NE(fhir_resource_id("patient/1"), fhir_resource_id("patient/2"));
  EXPECT_EQ(fhir_resource_id("patient/1").size(), 36u);
  EXPECT_EQ(fhir_resource_id("patient/1")[14], '8') << "an RFC 9562 version-8 UUID";
}

TEST(FhirExport, BulkStyleReferencesAreTypeSlashId) {
  FhirExportOptions o = options();
  o.references = ReferenceStyle::relative;
  for (const auto& resource : patient_resources(testing::example_record(), o))
    walk(resource, [&](const std::string& key, const json& value) {
      if (key == "reference") {
        EXPECT_EQ(value.get<std::string>().find("urn:uuid:"), std::string::npos) << value;
      }
    });
}

// ---- import -------------------------------------------------------------------------------

class FhirImportCase : public ::testing::TestWithParam<std::string> {};

TEST_P(FhirImportCase, Run) {
  const json c = testing::read_json_file(GetParam());
  for (const auto& [key, value] : c.items())
    ASSERT_TRUE(key == "description" || key == "as_of" || key == "document" || key == "patient" || key == "intakes" ||
                key == "skipped" || key == "merged" || key == "error")
        << "unknown key '" << key << "' in " << GetParam();
  const CivilDate as_of = *parse_civil_date(c.value("as_of", "2026-11-22"));
  if (c.contains("error")) {
    for (const auto& [key, value] : c["error"].items())
      ASSERT_TRUE(key == "where" || key == "contains") << "unknown error key '" << key << "'";
    try {
      read_fhir_patient(c.at("document"), testing::bundled_kb(), as_of);
      FAIL() << "imported; expected an error at " << c["error"]["where"];
    } catch (const InputError& e) {
      EXPECT_EQ(e.where(), c["error"]["where"].get<std::string>()) << e.what();
      for (const auto& text : c["error"]["contains"])
        EXPECT_NE(std::string(e.what()).find(text.get<std::string>()), std::string::npos) << e.what();
    }
    return;
  }
  const ImportedPatient imported = read_fhir_patient(c.at("document"), testing::bundled_kb(), as_of);
  const json& p = c.at("patient");
  EXPECT_EQ(imported.patient.name, p.at("name").get<std::string>());
  EXPECT_EQ(imported.patient.birth_date, p.value("birth_date", ""));
  EXPECT_EQ(imported.patient.sex, p.value("sex", ""));
  ASSERT_EQ(imported.intakes.size(), c.at("intakes").size());
  for (size_t i = 0; i < imported.intakes.size(); ++i) EXPECT_EQ(imported.intakes[i], c["intakes"][i]) << "intake " << i;
  std::vector<std::string> skipped;
  for (const auto& s : imported.skipped) skipped.push_back(s.resource_type);
  EXPECT_EQ(skipped, c.value("skipped", std::vector<std::string>{}));
  // Each merged resource: where it is and where the entry it went into came from, said in words.
  json merged = json::array();
  for (const auto& m : imported.merged) {
    merged.push_back({{"path", m.path}, {"into", m.into}});
    EXPECT_NE(m.reason.find("the same"), std::string::npos) << m.reason;
  }
  EXPECT_EQ(merged, c.value("merged", json::array()));
}

INSTANTIATE_TEST_SUITE_P(Cases, FhirImportCase, ::testing::ValuesIn(testing::case_files("fhir/import")),
                         [](const auto& info) { return testing::case_name(info.param); });

// ---- round trip ---------------------------------------------------------------------------

TEST(FhirRoundTrip, ExportImportExportKeepsThePatientAndEveryIntakeVersion) {
  const auto original = testing::example_record();
  const json first = patient_bundle(original, options(), 1);
  const ImportedPatient imported = read_fhir_patient(first, testing::bundled_kb(), *parse_civil_date("2027-06-01"));
  ASSERT_EQ(imported.intakes.size(), original.intakes.size());

  // What a store would hold after the import, under the same record ids and times.
  RecordForExport again;
  again.patient = imported.patient;
  again.patient.id = original.patient.id;
  for (size_t i = 0; i < imported.intakes.size(); ++i) {
    records::Intake intake = original.intakes[i];
    intake.intake_json = imported.intakes[i].dump();
    again.intakes.push_back(intake);
  }
  // The intake comes back with the vocabulary's codes for what was entered.
  EXPECT_EQ(imported.intakes[0].at("medications")[0].at("code"), "isotretinoin");
  EXPECT_EQ(json::parse(original.intakes[0].intake_json).at("medications")[0].at("code"), "roaccutane");
  const json second = patient_bundle(again, options(), 1);
  const auto a = by_type(first), b = by_type(second);
  EXPECT_EQ(a.at("Patient"), b.at("Patient"));
  EXPECT_EQ(a.at("QuestionnaireResponse"), b.at("QuestionnaireResponse"));
  std::set<std::string> skipped;
  for (const auto& s : imported.skipped) skipped.insert(s.resource_type);
  EXPECT_EQ(skipped, (std::set<std::string>{"AdverseEvent", "CarePlan", "Consent", "Device", "Media", "Observation",
                                            "Procedure"}));
}

}  // namespace
}  // namespace dermaplan::interop
