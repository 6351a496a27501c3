// Writes the exports the npm validators check (tests/interop/js): a patient Bundle, the bulk
// NDJSON layout of three patients, a plan calendar, and a practice database (practice.db) for
// the command-line export tests. Usage: interop_write_fixtures DIR
#include "example_record.h"
#include "interop/fhir_bulk.h"
#include "interop/documents.h"
#include "interop/icalendar.h"
#include "interop_test_support.h"
#include "populate_store.h"
#include "records/store.h"
#include "test_support.h"

#include <iostream>

int main(int argc, char** argv) {
  using namespace dermaplan;
  if (argc != 2) {
    std::cerr << "usage: interop_write_fixtures DIR\n";
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  interop::FhirExportOptions options;
  options.kb = &testing::bundled_kb();
  options.user_name = testing::example_user_name;
  const auto record = testing::example_record();
  testing::write_file(dir / "patient-bundle.json", interop::patient_bundle(record, options, 1'795'000'000'000).dump(2));

  interop::FhirBulkWriter bulk(dir / "bulk");
  options.references = interop::ReferenceStyle::relative;
  // Three patients: the record, and two copies with every id moved (record ids are unique in
  // a practice, and so are the resource ids derived from them); the last one deleted.
  for (long long shift : {0LL, 1000LL, 2000LL}) {
    auto copy = record;
    copy.patient.id += shift;
    copy.patient.deleted = shift == 2000;
    for (auto& x : copy.intakes) x.id += shift;
    for (auto& x : copy.consents) x.id += shift;
    for (auto& x : copy.plans) x.id += shift;
    for (auto& x : copy.sessions) x.id += shift, x.plan_id += x.plan_id ? shift : 0;
    std::map<long long, std::vector<records::Amendment>> amendments;
    for (auto& [session, list] : copy.amendments) amendments[session + shift] = list;
    copy.amendments = amendments;
    for (auto& x : copy.adverse_events) x.id += shift, x.session_id += x.session_id ? shift : 0;
    for (auto& x : copy.outcomes) x.id += shift, x.session_id += x.session_id ? shift : 0;
    for (auto& x : copy.photos) x.id += shift, x.session_id += x.session_id ? shift : 0;
    bulk.add(interop::patient_resources(copy, options));
  }
  bulk.finish(1'795'000'000'000, "interop_write_fixtures");

  interop::CalendarOptions calendar;
  calendar.series = "plan-5";
  calendar.stamp_ms = 1'795'000'000'000;
  calendar.location = "Example Skin Clinic, 1 Example Street";
  testing::write_file(dir / "plan.ics", interop::plan_calendar(testing::example_plan(), calendar));
  // The two patient documents (docs/img shows their first pages, rendered with pdftoppm).
  const auto practice = interop::load_practice((std::filesystem::path(DERMAPLAN_EXAMPLES_DIR) / "practice.yaml").string());
  interop::HandoutInput handout;
  handout.plan = testing::example_plan();
  handout.practice = practice;
  handout.patient_name = record.patient.name;
  handout.patient_birth_date = parse_civil_date(record.patient.birth_date);
  handout.prepared_on = *parse_civil_date("2026-11-22");
  for (const auto& risk : testing::bundled_kb().risks) handout.risks.push_back(risk.text);
  testing::write_file(dir / "handout.pdf", interop::handout_pdf(handout));
  interop::ConsentDocument consent;
  consent.practice = practice;
  consent.patient_name = record.patient.name;
  consent.patient_birth_date = handout.patient_birth_date;
  consent.text_version = record.consents.front().text_version;
  consent.consent_text = record.consents.front().consent_text;
  consent.consented_by = record.consents.front().consented_by;
  consent.consented_at_ms = record.consents.front().consented_at_ms;
  consent.recorded_by = testing::example_user_name(1);
  consent.recorded_at_ms = record.consents.front().recorded_at_ms;
  testing::write_file(dir / "consent.pdf", interop::consent_pdf(consent));

  // A practice database for the command-line exports (tests/interop/cli_exports.sh).
  auto store = records::open_store((dir / "practice.db").string());
  testing::populate_store(*store);
  // What the store holds, for csv_readback.py to compare the CSV with field by field.
  nlohmann::json expected = {{"patients", nlohmann::json::array()}, {"adverse_events", nlohmann::json::array()},
                             {"sessions", nlohmann::json::array()}};
  records::PatientQuery query;
  query.include_deleted = true;
  for (const auto& p : store->list_patients(query).patients) {
    expected["patients"].push_back({{"id", std::to_string(p.id)}, {"name", p.name}, {"birth_date", p.birth_date},
                                    {"sex", p.sex}, {"notes", p.notes}, {"demo", p.demo ? "true" : "false"}});
    for (const auto& e : store->list_adverse_events(p.id))
      expected["adverse_events"].push_back({{"id", std::to_string(e.id)}, {"event_type", e.event_type},
                                            {"onset_date", e.onset_date}, {"notes", e.notes},
                                            {"severity", records::to_string(e.severity)}});
    for (const auto& x : store->list_sessions(p.id))
      expected["sessions"].push_back({{"id", std::to_string(x.id)}, {"session_date", x.session_date},
                                      {"lot_number", x.lot_number}, {"directions", x.directions},
                                      {"products_applied", x.products_applied}, {"status", records::to_string(x.status)}});
  }
  testing::write_file(dir / "practice-expected.json", expected.dump(2));
  std::cout << "wrote " << dir.string() << "\n";
  return 0;
}
