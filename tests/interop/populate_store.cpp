#include "populate_store.h"

#include "example_record.h"

namespace dermaplan::testing {

long long populate_store(records::Store& store) {
  const records::Actor system{0, "fixture"};
  records::User admin;
  admin.username = "ana";
  admin.display_name = example_user_name(1);
  admin.role = records::Role::admin;
  admin.password_hash = "not-a-real-hash";
  admin = store.create_user(system, admin);
  const records::Actor by{admin.id, admin.username};

  const auto r = example_record();
  records::Patient patient = r.patient;
  patient.id = 0;
  patient = store.create_patient(by, patient);
  for (auto intake : r.intakes) {
    intake.id = 0;
    intake.patient_id = patient.id;
    intake.screening_json = "{}";
    store.add_intake(by, intake);
  }
  for (auto consent : r.consents) {
    consent.id = 0;
    consent.patient_id = patient.id;
    consent.recorded_by = admin.id;
    store.add_consent(by, consent);
  }
  records::CoursePlan plan = r.plans.front();
  plan.id = 0;
  plan.patient_id = patient.id;
  plan = store.add_course_plan(by, plan);
  long long signed_id = 0;
  for (auto session : r.sessions) {
    const bool sign = session.status == records::SessionStatus::signed_off;
    session.id = 0;
    session.patient_id = patient.id;
    session.plan_id = session.plan_id ? plan.id : 0;
    session.practitioner_id = session.practitioner_id ? admin.id : 0;
    if (sign) session.status = records::SessionStatus::performed;
    session = store.create_session(by, session);
    if (sign) {
      session = store.sign_session(by, session.id, session.row_version);
      signed_id = session.id;
    }
  }
  for (const auto& a : r.amendments.begin()->second) store.add_amendment(by, signed_id, a.field, a.new_value, a.reason);
  for (auto event : r.adverse_events) {
    event.id = 0;
    event.patient_id = patient.id;
    event.session_id = signed_id;
    event.recorded_by = admin.id;
    store.add_adverse_event(by, event);
  }
  for (auto outcome : r.outcomes) {
    outcome.id = 0;
    outcome.patient_id = patient.id;
    outcome.session_id = outcome.session_id ? signed_id : 0;
    outcome.assessor_id = admin.id;
    store.add_outcome(by, outcome);
  }
  records::Photo photo = r.photos.front();
  photo.id = 0;
  photo.patient_id = patient.id;
  photo.session_id = signed_id;
  photo.content_type = "image/png";
  store.add_photo(by, photo, std::string("\x89PNG\r\n\x1a\n", 8) + "not really an image");

  records::Patient tricky;
  tricky.name = kTrickyName;
  tricky.birth_date = "1975-01-31";
  tricky.sex = "other";
  tricky.notes = "+1 call back; -2 \"quoted\" @home\nsecond line, with comma";
  tricky = store.create_patient(by, tricky);
  records::AdverseEvent event;
  event.patient_id = tricky.id;
  event.event_type = "-erythema";
  event.severity = records::Severity::mild;
  event.onset_date = "2026-01-02";
  event.notes = "@SUM(A1:A9)";
  event.recorded_by = admin.id;
  store.add_adverse_event(by, event);
  return patient.id;
}

}  // namespace dermaplan::testing
