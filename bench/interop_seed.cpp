// Seeds a SQLite practice database for bench/export_bench.sh: N patients, each with an intake,
// a consent, a course plan, a signed and a performed session, an outcome and an adverse event.
// Usage: interop_seed DB N
#include "records/store.h"

#include <chrono>
#include <iostream>
#include <string>

int main(int argc, char** argv) {
  using namespace dermaplan::records;
  if (argc != 3) {
    std::cerr << "usage: interop_seed DB PATIENTS\n";
    return 2;
  }
  const int count = std::stoi(argv[2]);
  auto store = open_store(argv[1]);
  User user;
  user.username = "bench";
  user.display_name = "Bench Practitioner";
  user.role = Role::practitioner;
  user.password_hash = "not-a-real-hash";
  user = store->create_user(Actor{0, "bench"}, user);
  const Actor by{user.id, user.username};
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < count; ++i) {
    Patient p;
    p.name = "Patient " + std::to_string(i) + " Zoë Ørsted";
    p.birth_date = "1985-06-15";
    p.sex = i % 2 ? "male" : "female";
    p = store->create_patient(by, p);
    Intake intake;
    intake.patient_id = p.id;
    intake.intake_json = R"({"birth_date":"1985-06-15","fitzpatrick":3,"pregnant":false,"conditions":[{"code":"herpes-simplex","active":false}],"medications":[],"procedures":[],"allergies":[{"code":"nickel"}]})";
    intake.screening_json = "{}";
    store->add_intake(by, intake);
    Consent consent;
    consent.patient_id = p.id;
    consent.text_version = "2026.11.1/2026.11.1";
    consent.consent_text = "Consent to microneedling\n\n- The practitioner has discussed the treatment with me.\n";
    consent.consented_by = p.name;
    consent.consented_at_ms = 1'790'000'000'000;
    store->add_consent(by, consent);
    CoursePlan plan;
    plan.patient_id = p.id;
    plan.indication = "acne-scars";
    plan.plan_json = "{}";
    plan = store->add_course_plan(by, plan);
    for (int n = 0; n < 2; ++n) {
      TreatmentSession s;
      s.patient_id = p.id;
      s.plan_id = plan.id;
      s.session_date = n ? "2026-02-12" : "2026-01-01";
      s.practitioner_id = user.id;
      s.device_id = "dermaroller-192-1.5";
      s.needle_lengths = {{"cheek", 1.5}, {"forehead", 0.5}};
      s.lot_number = "LOT-" + std::to_string(i % 50);
      s.passes = 4;
      s.status = SessionStatus::performed;
      s = store->create_session(by, s);
      if (n == 0) store->sign_session(by, s.id, s.row_version);
    }
    OutcomeAssessment o;
    o.patient_id = p.id;
    o.scale_id = "goodman_baron_qualitative";
    o.score = 2;
    o.region = "cheek";
    o.assessor_id = user.id;
    o.assessed_on = "2026-04-01";
    store->add_outcome(by, o);
    AdverseEvent e;
    e.patient_id = p.id;
    e.event_type = "erythema";
    e.onset_date = "2026-01-02";
    e.recorded_by = user.id;
    store->add_adverse_event(by, e);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "seeded " << count << " patients in " << seconds << " s\n";
  return 0;
}
