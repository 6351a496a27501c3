#include "example_record.h"

#include "interop_test_support.h"
#include "clinic/consent.h"
#include "test_support.h"

namespace dermaplan::testing {

std::string example_user_name(long long user_id) {
  return user_id == 1 ? "Dr. Ana Lúcia Gonçalves" : user_id == 2 ? "Sam Assistant" : "";
}

interop::RecordForExport example_record() {
  const auto& kb = bundled_kb();
  interop::RecordForExport r;
  r.patient.id = 42;
  r.patient.name = "Zoë Ørsted-Nguyễn";
  r.patient.birth_date = "1990-04-02";
  r.patient.sex = "female";
  r.patient.created_at_ms = 1'790'000'000'000;

  records::Intake first;
  first.id = 7;
  first.patient_id = 42;
  first.version = 1;
  first.intake_json = read_file(std::filesystem::path(DERMAPLAN_EXAMPLES_DIR) / "intake-acne-scars.json");
  first.created_by = 2;
  first.created_at_ms = 1'790'000'100'000;
  records::Intake second = first;
  second.id = 8;
  second.version = 2;
  second.intake_json = R"({"birth_date":"1990-04-02","sex":"female","fitzpatrick":4,"pregnant":false,
    "breastfeeding":false,"skin":{"sensitive":true,"dry":false},
    "conditions":[{"code":"herpes-simplex","active":false,"area":"perioral","since":"2020-01-01"},{"code":"hiv","present":false}],
    "medications":[{"code":"roaccutane","current":false,"last_dose":"2026-09-30"}],
    "procedures":[{"code":"radiotherapy","date":"2025-03-01","area":"cheek"}],
    "allergies":[{"code":"nickel"}]})";
  second.created_at_ms = 1'790'000'200'000;
  r.intakes = {first, second};

  const auto form = clinic::consent_form(kb, kb.find_indication("acne-scars"));
  records::Consent consent;
  consent.id = 3;
  consent.patient_id = 42;
  consent.text_version = form.version;
  consent.consent_text = form.text;
  consent.consented_by = r.patient.name;
  consent.consented_at_ms = 1'790'000'300'000;
  consent.recorded_by = 1;
  consent.recorded_at_ms = 1'790'000'300'500;
  r.consents = {consent};

  records::CoursePlan plan;
  plan.id = 5;
  plan.patient_id = 42;
  plan.indication = "acne-scars";
  plan.plan_json = example_plan_json().dump();
  plan.created_by = 1;
  plan.created_at_ms = 1'790'000'400'000;
  r.plans = {plan};

  records::TreatmentSession planned;
  planned.id = 10;
  planned.patient_id = 42;
  planned.plan_id = 5;
  planned.session_date = "2027-02-10";
  planned.device_id = "dermaroller-192-1.5";
  records::TreatmentSession performed = planned;
  performed.id = 11;
  performed.session_date = "2026-12-30";
  performed.practitioner_id = 1;
  performed.needle_lengths = {{"cheek", 1.5}, {"forehead", 0.5}};
  performed.lot_number = "LOT-2026-0042";
  performed.passes = 4;
  performed.directions = "horizontal, vertical, diagonal";
  performed.anaesthetic = "lidocaine 5% cream";
  performed.anaesthetic_minutes = 40;
  performed.end_point = "uniform pinpoint bleeding";
  performed.products_applied = "hyaluronic acid serum; oily cream";
  performed.notes = "Tolerated well.";
  performed.status = records::SessionStatus::signed_off;
  performed.signed_by = 1;
  performed.signed_at_ms = 1'790'100'000'000;
  records::TreatmentSession unsigned_session = performed;
  unsigned_session.id = 12;
  unsigned_session.session_date = "2027-01-20";
  unsigned_session.lot_number = "LOT-2027-0001";
  unsigned_session.status = records::SessionStatus::performed;
  unsigned_session.plan_id = 0;
  r.sessions = {performed, unsigned_session, planned};
  records::Amendment amendment;
  amendment.id = 1;
  amendment.session_id = 11;
  amendment.author_id = 1;
  amendment.amended_at_ms = 1'790'200'000'000;
  amendment.field = "lot_number";
  amendment.old_value = "LOT-2026-0042";
  amendment.new_value = "LOT-2026-0043";
  amendment.reason = "wrong label read";
  r.amendments[11] = {amendment};

  records::AdverseEvent event;
  event.id = 2;
  event.patient_id = 42;
  event.session_id = 11;
  event.event_type = "post-inflammatory hyperpigmentation";
  event.severity = records::Severity::moderate;
  event.onset_date = "2027-01-05";
  event.resolution_date = "2027-02-01";
  event.resolution = "faded with sun protection";
  event.notes = "Patient reported \"darker patches\", cheek; = sign test";
  event.recorded_by = 1;
  event.created_at_ms = 1'790'300'000'000;
  r.adverse_events = {event};

  records::OutcomeAssessment before, after;
  before.id = 20;
  before.patient_id = 42;
  before.scale_id = kb.scales.front().id;
  before.score = kb.scales.front().max;
  before.region = "cheek";
  before.assessor_id = 1;
  before.assessed_on = "2026-12-30";
  before.session_id = 11;
  after = before;
  after.id = 21;
  after.session_id = 0;
  after.score = kb.scales.front().min;
  after.assessed_on = "2027-05-05";
  after.notes = "Clear improvement.";
  r.outcomes = {before, after};

  records::Photo photo;
  photo.id = 30;
  photo.patient_id = 42;
  photo.session_id = 11;
  photo.sha256 = std::string(64, 'a');
  photo.size_bytes = 12345;
  photo.content_type = "image/jpeg";
  photo.region = "cheek";
  photo.view = "left oblique";
  photo.tag = records::PhotoTag::before;
  photo.taken_on = "2026-12-30";
  photo.created_by = 2;
  r.photos = {photo};
  return r;
}

}  // namespace dermaplan::testing
