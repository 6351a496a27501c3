// SociStore: intakes, consents, course plans, adverse events, outcome assessments, photos.
#include <nlohmann/json.hpp>

#include <map>

#include "records/derived_columns.h"
#include "records/soci_store.h"
#include "records/sql_query.h"

namespace dermaplan::records {
using nlohmann::json;

// ---- intakes ----------------------------------------------------------------------------------

namespace {

constexpr const char* kIntakeColumns =
    "id, patient_id, version, intake_json, screening_json, knowledge_version, policy, created_by, "
    "created_at_ms";

Intake intake_from(const soci::row& r) {
  Intake i;
  i.id = row_int(r, 0);
  i.patient_id = row_int(r, 1);
  i.version = static_cast<int>(row_int(r, 2));
  i.intake_json = row_text(r, 3);
  i.screening_json = row_text(r, 4);
  i.knowledge_version = row_text(r, 5);
  i.policy = row_text(r, 6);
  i.created_by = row_int(r, 7);
  i.created_at_ms = row_int(r, 8);
  return i;
}

}  // namespace

void insert_intake_row(soci::session& sql, Intake& intake) {
  const std::optional<int> type = fitzpatrick_of_intake(intake.intake_json);
  int fitzpatrick = type.value_or(0);
  soci::indicator type_ind = type ? soci::i_ok : soci::i_null;
  sql << "INSERT INTO intakes (patient_id, version, intake_json, screening_json, knowledge_version,"
         " policy, created_by, created_at_ms, fitzpatrick) VALUES (:p, :v, :i, :s, :k, :o, :c, :t, :f) RETURNING id",
      soci::use(intake.patient_id), soci::use(intake.version), soci::use(intake.intake_json),
      soci::use(intake.screening_json), soci::use(intake.knowledge_version), soci::use(intake.policy),
      soci::use(intake.created_by), soci::use(intake.created_at_ms), soci::use(fitzpatrick, type_ind),
      soci::into(intake.id);
}

Intake SociStore::add_intake(const Actor& by, Intake intake, long long checked_patient_version) {
  require_text(intake.intake_json, "intake.intake_json");
  return write("add_intake", [&](soci::session& sql) {
    // Lock the patient row: two intakes saved at once get versions n+1 and n+2, not a clash;
    // and an edit of the patient cannot slip between the caller's check and this write.
    const Patient patient = load_patient_for_update(sql, intake.patient_id);
    if (checked_patient_version > 0 && patient.row_version != checked_patient_version)
      throw ConflictError("patient " + std::to_string(intake.patient_id),
                          "changed while the intake was checked against it (version " +
                              std::to_string(checked_patient_version) + ", now " +
                              std::to_string(patient.row_version) + "); record the intake again");
    int last = 0;
    soci::indicator ind = soci::i_null;
    sql << "SELECT MAX(version) FROM intakes WHERE patient_id = :p", soci::use(intake.patient_id),
        soci::into(last, ind);
    intake.version = (ind == soci::i_ok ? last : 0) + 1;
    intake.created_by = by.user_id;
    intake.created_at_ms = now();
    insert_intake_row(sql, intake);
    audit(sql, by, AuditAction::create, "intake", intake.id,
          json{{"patient_id", intake.patient_id}, {"version", intake.version}}.dump());
    return intake;
  });
}

namespace {

std::vector<Intake> intakes_of(soci::session& sql, long long patient_id) {
  std::vector<Intake> out;
  soci::rowset<soci::row> rows = (sql.prepare << "SELECT " << kIntakeColumns
                                              << " FROM intakes WHERE patient_id = :p ORDER BY version",
                                  soci::use(patient_id));
  for (const auto& r : rows) out.push_back(intake_from(r));
  return out;
}

}  // namespace

std::vector<Intake> SociStore::list_intakes(long long patient_id) {
  return read("list_intakes", [&](soci::session& sql) { return intakes_of(sql, patient_id); });
}

// ---- consents ---------------------------------------------------------------------------------

namespace {

constexpr const char* kConsentColumns =
    "id, patient_id, text_version, consent_text, consented_by, consented_at_ms, recorded_by, "
    "recorded_at_ms, indication, acknowledged, photo_use, signature_sha256, signature_content_type";

Consent consent_from(const soci::row& r) {
  Consent c;
  c.id = row_int(r, 0);
  c.patient_id = row_int(r, 1);
  c.text_version = row_text(r, 2);
  c.consent_text = row_text(r, 3);
  c.consented_by = row_text(r, 4);
  c.consented_at_ms = row_int(r, 5);
  c.recorded_by = row_int(r, 6);
  c.recorded_at_ms = row_int(r, 7);
  c.indication = row_text(r, 8);
  const auto acknowledged = json::parse(row_text(r, 9), nullptr, false);
  if (acknowledged.is_array()) {
    for (const auto& id : acknowledged) {
      if (id.is_string()) c.acknowledged.push_back(id.get<std::string>());
    }
  }
  c.photo_use = parse_photo_use(row_text(r, 10));
  c.signature_sha256 = row_text(r, 11);
  c.signature_content_type = row_text(r, 12);
  return c;
}

}  // namespace

Consent SociStore::add_consent(const Actor& by, Consent consent, const std::string& signature_image) {
  require_text(consent.text_version, "consent.text_version");
  require_text(consent.consent_text, "consent.consent_text");
  require_text(consent.consented_by, "consent.consented_by");
  if (consent.consented_at_ms <= 0) throw InvalidRecordError("consent.consented_at_ms", "must be set");
  if (!signature_image.empty()) {
    require_text(consent.signature_content_type, "consent.signature_content_type");
    // The image first, as for photos: a row never names a missing file.
    consent.signature_sha256 = photos_.put(signature_image);
  } else {
    consent.signature_sha256.clear();
    consent.signature_content_type.clear();
  }
  return write("add_consent", [&](soci::session& sql) {
    require_patient(sql, consent.patient_id, "consent.patient_id");
    consent.recorded_by = by.user_id;
    consent.recorded_at_ms = now();
    std::string acknowledged = json(consent.acknowledged).dump();
    std::string photo_use = consent.photo_use ? to_string(*consent.photo_use) : "";
    sql << "INSERT INTO consents (patient_id, text_version, consent_text, consented_by, consented_at_ms,"
           " recorded_by, recorded_at_ms, indication, acknowledged, photo_use, signature_sha256,"
           " signature_content_type) VALUES (:p, :v, :x, :w, :a, :r, :t, :i, :k, :u, :h, :c) RETURNING id",
        soci::use(consent.patient_id), soci::use(consent.text_version), soci::use(consent.consent_text),
        soci::use(consent.consented_by), soci::use(consent.consented_at_ms),
        soci::use(consent.recorded_by), soci::use(consent.recorded_at_ms), soci::use(consent.indication),
        soci::use(acknowledged), soci::use(photo_use), soci::use(consent.signature_sha256),
        soci::use(consent.signature_content_type), soci::into(consent.id);
    audit(sql, by, AuditAction::create, "consent", consent.id,
          json{{"patient_id", consent.patient_id},
               {"text_version", consent.text_version},
               {"indication", consent.indication},
               {"photo_use", photo_use},
               {"signature_sha256", consent.signature_sha256}}
              .dump());
    return consent;
  });
}

namespace {

std::vector<Consent> consents_of(soci::session& sql, long long patient_id) {
  std::vector<Consent> out;
  soci::rowset<soci::row> rows = (sql.prepare << "SELECT " << kConsentColumns
                                              << " FROM consents WHERE patient_id = :p ORDER BY id",
                                  soci::use(patient_id));
  for (const auto& r : rows) out.push_back(consent_from(r));
  return out;
}

}  // namespace

std::vector<Consent> SociStore::list_consents(long long patient_id) {
  return read("list_consents", [&](soci::session& sql) { return consents_of(sql, patient_id); });
}

// ---- course plans -----------------------------------------------------------------------------

namespace {

constexpr const char* kPlanColumns =
    "id, patient_id, indication, plan_json, created_by, created_at_ms, assessment_date";

CoursePlan plan_from(const soci::row& r) {
  CoursePlan p;
  p.id = row_int(r, 0);
  p.patient_id = row_int(r, 1);
  p.indication = row_text(r, 2);
  p.plan_json = row_text(r, 3);
  p.created_by = row_int(r, 4);
  p.created_at_ms = row_int(r, 5);
  p.assessment_date = row_text(r, 6);
  return p;
}

}  // namespace

CoursePlan SociStore::add_course_plan(const Actor& by, CoursePlan plan) {
  require_text(plan.indication, "plan.indication");
  require_text(plan.plan_json, "plan.plan_json");
  require_date(plan.assessment_date, "plan.assessment_date", /*optional=*/true);
  return write("add_course_plan", [&](soci::session& sql) {
    require_patient(sql, plan.patient_id, "plan.patient_id");
    plan.created_by = by.user_id;
    plan.created_at_ms = now();
    int planned_sessions = required_sessions_of_plan(plan.plan_json);
    sql << "INSERT INTO course_plans (patient_id, indication, plan_json, created_by, created_at_ms, assessment_date,"
           " planned_sessions) VALUES (:p, :i, :j, :c, :t, :a, :n) RETURNING id",
        soci::use(plan.patient_id), soci::use(plan.indication), soci::use(plan.plan_json),
        soci::use(plan.created_by), soci::use(plan.created_at_ms), soci::use(plan.assessment_date),
        soci::use(planned_sessions), soci::into(plan.id);
    audit(sql, by, AuditAction::create, "course_plan", plan.id,
          json{{"patient_id", plan.patient_id}, {"indication", plan.indication}}.dump());
    return plan;
  });
}

std::optional<CoursePlan> SociStore::find_course_plan(long long id) {
  return read("find_course_plan", [&](soci::session& sql) -> std::optional<CoursePlan> {
    soci::row r;
    sql << "SELECT " << kPlanColumns << " FROM course_plans WHERE id = :id", soci::use(id), soci::into(r);
    if (!sql.got_data()) return std::nullopt;
    return plan_from(r);
  });
}

namespace {

std::vector<CoursePlan> plans_of(soci::session& sql, long long patient_id) {
  std::vector<CoursePlan> out;
  soci::rowset<soci::row> rows = (sql.prepare << "SELECT " << kPlanColumns
                                              << " FROM course_plans WHERE patient_id = :p ORDER BY id",
                                  soci::use(patient_id));
  for (const auto& r : rows) out.push_back(plan_from(r));
  return out;
}

}  // namespace

std::vector<CoursePlan> SociStore::list_course_plans(long long patient_id) {
  return read("list_course_plans", [&](soci::session& sql) { return plans_of(sql, patient_id); });
}

std::vector<CoursePlan> SociStore::list_plans_assessed_between(const std::string& from, const std::string& to) {
  require_date(from, "from");
  require_date(to, "to");
  return read("list_plans_assessed_between", [&](soci::session& sql) {
    std::vector<CoursePlan> out;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT " << kPlanColumns
                     << " FROM course_plans WHERE assessment_date >= :f AND assessment_date <= :t"
                        " AND assessment_date <> '' AND patient_id IN (SELECT id FROM patients WHERE deleted = 0)"
                        " ORDER BY assessment_date, id",
         soci::use(from), soci::use(to));
    for (const auto& r : rows) out.push_back(plan_from(r));
    return out;
  });
}

// ---- adverse events ---------------------------------------------------------------------------

namespace {

constexpr const char* kEventColumns =
    "id, patient_id, session_id, event_type, severity, onset_date, resolution_date, resolution, notes, "
    "recorded_by, created_at_ms, updated_at_ms, row_version";

AdverseEvent event_from(const soci::row& r) {
  AdverseEvent e;
  e.id = row_int(r, 0);
  e.patient_id = row_int(r, 1);
  e.session_id = row_int(r, 2);
  e.event_type = row_text(r, 3);
  e.severity = parse_severity(row_text(r, 4)).value_or(Severity::mild);
  e.onset_date = row_text(r, 5);
  e.resolution_date = row_text(r, 6);
  e.resolution = row_text(r, 7);
  e.notes = row_text(r, 8);
  e.recorded_by = row_int(r, 9);
  e.created_at_ms = row_int(r, 10);
  e.updated_at_ms = row_int(r, 11);
  e.row_version = row_int(r, 12);
  return e;
}

void validate_event(const AdverseEvent& e) {
  require_text(e.event_type, "adverse_event.event_type");
  require_date(e.onset_date, "adverse_event.onset_date");
  require_date(e.resolution_date, "adverse_event.resolution_date", /*optional=*/true);
  if (!e.resolution_date.empty() && e.resolution_date < e.onset_date) {
    throw InvalidRecordError("adverse_event.resolution_date", "is before the onset date");
  }
}

}  // namespace

AdverseEvent SociStore::add_adverse_event(const Actor& by, AdverseEvent event) {
  validate_event(event);
  return write("add_adverse_event", [&](soci::session& sql) {
    require_patient(sql, event.patient_id, "adverse_event.patient_id");
    event.recorded_by = by.user_id;
    event.created_at_ms = event.updated_at_ms = now();
    event.row_version = 1;
    std::string severity = to_string(event.severity);
    soci::indicator session_ind = null_if_zero(event.session_id);
    sql << "INSERT INTO adverse_events (patient_id, session_id, event_type, severity, onset_date,"
           " resolution_date, resolution, notes, recorded_by, created_at_ms, updated_at_ms, row_version)"
           " VALUES (:p, :s, :e, :v, :o, :rd, :r, :n, :b, :c, :u, 1) RETURNING id",
        soci::use(event.patient_id), soci::use(event.session_id, session_ind), soci::use(event.event_type),
        soci::use(severity), soci::use(event.onset_date), soci::use(event.resolution_date),
        soci::use(event.resolution), soci::use(event.notes), soci::use(event.recorded_by),
        soci::use(event.created_at_ms), soci::use(event.updated_at_ms), soci::into(event.id);
    audit(sql, by, AuditAction::create, "adverse_event", event.id,
          json{{"patient_id", event.patient_id}, {"severity", severity}}.dump());
    return event;
  });
}

AdverseEvent SociStore::update_adverse_event(const Actor& by, AdverseEvent event) {
  validate_event(event);
  return write("update_adverse_event", [&, &input = event](soci::session& sql) {
    AdverseEvent event = input;  // a retry starts again from the caller's copy
    soci::row r;
    sql << "SELECT " << kEventColumns << " FROM adverse_events WHERE id = :id" << for_update(),
        soci::use(event.id), soci::into(r);
    if (!sql.got_data()) throw NotFoundError("adverse_event " + std::to_string(event.id), "no such event");
    AdverseEvent old = event_from(r);
    if (old.row_version != event.row_version) {
      throw ConflictError("adverse_event " + std::to_string(event.id), "changed since it was read");
    }
    event.patient_id = old.patient_id;
    event.session_id = old.session_id;
    event.recorded_by = old.recorded_by;
    event.created_at_ms = old.created_at_ms;
    event.updated_at_ms = now();
    std::string severity = to_string(event.severity);
    long long changed = execute_counting(
        sql,
        "UPDATE adverse_events SET event_type = :e, severity = :v, onset_date = :o, resolution_date = :rd,"
        " resolution = :r, notes = :n, updated_at_ms = :u, row_version = row_version + 1"
        " WHERE id = :id AND row_version = :rv",
        soci::use(event.event_type), soci::use(severity), soci::use(event.onset_date),
        soci::use(event.resolution_date), soci::use(event.resolution), soci::use(event.notes),
        soci::use(event.updated_at_ms), soci::use(event.id), soci::use(event.row_version));
    if (changed != 1) throw ConflictError("adverse_event " + std::to_string(event.id), "changed concurrently");
    event.row_version += 1;
    audit(sql, by, AuditAction::update, "adverse_event", event.id,
          json{{"patient_id", event.patient_id}, {"resolution_date", event.resolution_date}}.dump());
    return event;
  });
}

namespace {

std::vector<AdverseEvent> events_of(soci::session& sql, long long patient_id) {
  std::vector<AdverseEvent> out;
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT " << kEventColumns
                   << " FROM adverse_events WHERE patient_id = :p ORDER BY onset_date, id",
       soci::use(patient_id));
  for (const auto& r : rows) out.push_back(event_from(r));
  return out;
}

}  // namespace

std::optional<AdverseEvent> SociStore::find_adverse_event(long long id) {
  return read("find_adverse_event", [&](soci::session& sql) -> std::optional<AdverseEvent> {
    soci::row r;
    sql << "SELECT " << kEventColumns << " FROM adverse_events WHERE id = :id", soci::use(id), soci::into(r);
    if (!sql.got_data()) return std::nullopt;
    return event_from(r);
  });
}

std::vector<AdverseEvent> SociStore::list_adverse_events(long long patient_id) {
  return read("list_adverse_events", [&](soci::session& sql) { return events_of(sql, patient_id); });
}

// ---- outcome assessments ----------------------------------------------------------------------

namespace {

constexpr const char* kOutcomeColumns =
    "id, patient_id, session_id, scale_id, score, region, assessor_id, assessed_on, notes, created_at_ms";

OutcomeAssessment outcome_from(const soci::row& r) {
  OutcomeAssessment o;
  o.id = row_int(r, 0);
  o.patient_id = row_int(r, 1);
  o.session_id = row_int(r, 2);
  o.scale_id = row_text(r, 3);
  o.score = row_real(r, 4);
  o.region = row_text(r, 5);
  o.assessor_id = row_int(r, 6);
  o.assessed_on = row_text(r, 7);
  o.notes = row_text(r, 8);
  o.created_at_ms = row_int(r, 9);
  return o;
}

}  // namespace

OutcomeAssessment SociStore::add_outcome(const Actor& by, OutcomeAssessment outcome) {
  require_text(outcome.scale_id, "outcome.scale_id");
  require_date(outcome.assessed_on, "outcome.assessed_on");
  if (outcome.assessor_id == 0) outcome.assessor_id = by.user_id;
  return write("add_outcome", [&](soci::session& sql) {
    require_patient(sql, outcome.patient_id, "outcome.patient_id");
    outcome.created_at_ms = now();
    soci::indicator session_ind = null_if_zero(outcome.session_id);
    sql << "INSERT INTO outcome_assessments (patient_id, session_id, scale_id, score, region, assessor_id,"
           " assessed_on, notes, created_at_ms) VALUES (:p, :s, :k, :v, :r, :a, :d, :n, :c) RETURNING id",
        soci::use(outcome.patient_id), soci::use(outcome.session_id, session_ind),
        soci::use(outcome.scale_id), soci::use(outcome.score), soci::use(outcome.region),
        soci::use(outcome.assessor_id), soci::use(outcome.assessed_on), soci::use(outcome.notes),
        soci::use(outcome.created_at_ms), soci::into(outcome.id);
    audit(sql, by, AuditAction::create, "outcome", outcome.id,
          json{{"patient_id", outcome.patient_id}, {"scale_id", outcome.scale_id}}.dump());
    return outcome;
  });
}

namespace {

std::vector<OutcomeAssessment> outcomes_of(soci::session& sql, long long patient_id) {
  std::vector<OutcomeAssessment> out;
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT " << kOutcomeColumns
                   << " FROM outcome_assessments WHERE patient_id = :p ORDER BY assessed_on, id",
       soci::use(patient_id));
  for (const auto& r : rows) out.push_back(outcome_from(r));
  return out;
}

}  // namespace

std::vector<OutcomeAssessment> SociStore::list_outcomes(long long patient_id) {
  return read("list_outcomes", [&](soci::session& sql) { return outcomes_of(sql, patient_id); });
}

// ---- photos -----------------------------------------------------------------------------------

namespace {

constexpr const char* kPhotoColumns =
    "id, patient_id, session_id, sha256, size_bytes, content_type, region, view, tag, taken_on, "
    "created_by, created_at_ms";

Photo photo_from(const soci::row& r) {
  Photo p;
  p.id = row_int(r, 0);
  p.patient_id = row_int(r, 1);
  p.session_id = row_int(r, 2);
  p.sha256 = row_text(r, 3);
  p.size_bytes = row_int(r, 4);
  p.content_type = row_text(r, 5);
  p.region = row_text(r, 6);
  p.view = row_text(r, 7);
  p.tag = parse_photo_tag(row_text(r, 8)).value_or(PhotoTag::progress);
  p.taken_on = row_text(r, 9);
  p.created_by = row_int(r, 10);
  p.created_at_ms = row_int(r, 11);
  return p;
}

}  // namespace

Photo SociStore::add_photo(const Actor& by, Photo photo, const std::string& image_bytes) {
  if (image_bytes.empty()) throw InvalidRecordError("photo", "the image is empty");
  require_text(photo.content_type, "photo.content_type");
  require_date(photo.taken_on, "photo.taken_on");
  // The file goes first: a row never points at a missing file. A crash in between leaves an
  // unreferenced file, which is harmless (and is reused if the same image is added again).
  photo.sha256 = photos_.put(image_bytes);
  photo.size_bytes = static_cast<long long>(image_bytes.size());
  return write("add_photo", [&](soci::session& sql) {
    require_patient(sql, photo.patient_id, "photo.patient_id");
    photo.created_by = by.user_id;
    photo.created_at_ms = now();
    std::string tag = to_string(photo.tag);
    soci::indicator session_ind = null_if_zero(photo.session_id);
    sql << "INSERT INTO photos (patient_id, session_id, sha256, size_bytes, content_type, region, view, tag,"
           " taken_on, created_by, created_at_ms)"
           " VALUES (:p, :s, :h, :z, :c, :r, :v, :t, :d, :b, :a) RETURNING id",
        soci::use(photo.patient_id), soci::use(photo.session_id, session_ind), soci::use(photo.sha256),
        soci::use(photo.size_bytes), soci::use(photo.content_type), soci::use(photo.region),
        soci::use(photo.view), soci::use(tag), soci::use(photo.taken_on), soci::use(photo.created_by),
        soci::use(photo.created_at_ms), soci::into(photo.id);
    audit(sql, by, AuditAction::create, "photo", photo.id,
          json{{"patient_id", photo.patient_id}, {"sha256", photo.sha256}, {"tag", tag}}.dump());
    return photo;
  });
}

namespace {

std::vector<Photo> photos_of(soci::session& sql, long long patient_id) {
  std::vector<Photo> out;
  soci::rowset<soci::row> rows = (sql.prepare << "SELECT " << kPhotoColumns
                                              << " FROM photos WHERE patient_id = :p ORDER BY id",
                                  soci::use(patient_id));
  for (const auto& r : rows) out.push_back(photo_from(r));
  return out;
}

}  // namespace

std::vector<Photo> SociStore::list_photos(long long patient_id) {
  return read("list_photos", [&](soci::session& sql) { return photos_of(sql, patient_id); });
}

std::vector<Photo> SociStore::find_photos(const std::string& sha256) {
  return read("find_photos", [&](soci::session& sql) {
    std::vector<Photo> out;
    soci::rowset<soci::row> rows = (sql.prepare << "SELECT " << kPhotoColumns
                                                << " FROM photos WHERE sha256 = :h ORDER BY id",
                                    soci::use(sha256));
    for (const auto& r : rows) out.push_back(photo_from(r));
    return out;
  });
}

std::string SociStore::read_photo(const std::string& sha256) { return photos_.read(sha256); }

}  // namespace dermaplan::records

namespace dermaplan::records {

// ---- the whole record -------------------------------------------------------------------------

std::optional<PatientRecord> SociStore::read_patient_record(long long patient_id) {
  return read(
      "read_patient_record",
      [&](soci::session& sql) -> std::optional<PatientRecord> {
        auto patient = load_patient(sql, patient_id);
        if (!patient || patient->deleted) return std::nullopt;
        PatientRecord record;
        record.patient = std::move(*patient);
        record.intakes = intakes_of(sql, patient_id);
        record.plans = plans_of(sql, patient_id);
        record.sessions = load_sessions_of_patient(sql, patient_id);
        record.consents = consents_of(sql, patient_id);
        record.adverse_events = events_of(sql, patient_id);
        record.outcomes = outcomes_of(sql, patient_id);
        record.photos = photos_of(sql, patient_id);
        return record;
      },
      /*snapshot=*/true);
}

std::vector<PatientGlance> SociStore::read_patient_glances(const std::vector<long long>& patient_ids) {
  if (patient_ids.size() > 1000)
    throw InvalidRecordError("patient_ids", "at most 1000 at once, got " + std::to_string(patient_ids.size()));
  std::vector<PatientGlance> out(patient_ids.size());
  if (patient_ids.empty()) return out;
  // The ids as SQL integers (numbers only: nothing to escape), and where each one's glance goes.
  std::string in_list;
  std::map<long long, std::vector<std::size_t>> slots;
  for (std::size_t i = 0; i < patient_ids.size(); ++i) {
    out[i].patient_id = patient_ids[i];
    if (slots[patient_ids[i]].empty()) in_list += (in_list.empty() ? "" : ",") + std::to_string(patient_ids[i]);
    slots[patient_ids[i]].push_back(i);
  }
  auto each = [&](long long patient_id, auto&& fill) {
    for (std::size_t i : slots[patient_id]) fill(out[i]);
  };
  return read(
      "read_patient_glances",
      [&](soci::session& sql) {
        soci::rowset<soci::row> intakes = sql.prepare
            << "SELECT i.patient_id, i.version, i.screening_json FROM intakes i WHERE i.patient_id IN (" << in_list
            << ") AND i.version = (SELECT MAX(v.version) FROM intakes v WHERE v.patient_id = i.patient_id)";
        for (const auto& r : intakes)
          each(row_int(r, 0), [&](PatientGlance& g) {
            g.intake_version = static_cast<int>(row_int(r, 1));
            g.screening_json = row_text(r, 2);
          });
        soci::rowset<soci::row> plans = sql.prepare
            << "SELECT c.patient_id, c.indication FROM course_plans c WHERE c.patient_id IN (" << in_list
            << ") AND c.id = (SELECT MAX(l.id) FROM course_plans l WHERE l.patient_id = c.patient_id)";
        for (const auto& r : plans) each(row_int(r, 0), [&](PatientGlance& g) { g.plan_indication = row_text(r, 1); });
        soci::rowset<soci::row> consents = sql.prepare
            << "SELECT patient_id, consent_text FROM consents WHERE patient_id IN (" << in_list
            << ") ORDER BY patient_id, id";
        for (const auto& r : consents)
          each(row_int(r, 0), [&](PatientGlance& g) { g.consent_texts.push_back(row_text(r, 1)); });
        return out;
      },
      /*snapshot=*/true);
}

}  // namespace dermaplan::records
