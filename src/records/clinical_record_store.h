// A patient's clinical record: intakes, consents, course plans, adverse events, outcome
// assessments and photos, and the whole record read at once.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "records/entities.h"

namespace dermaplan::records {

/// Everything on record for one patient, read in one snapshot.
struct PatientRecord {
  Patient patient;
  std::vector<Intake> intakes;               //!< oldest version first
  std::vector<CoursePlan> plans;             //!< by id
  std::vector<TreatmentSession> sessions;    //!< by date, then id
  std::vector<Consent> consents;             //!< by id
  std::vector<AdverseEvent> adverse_events;  //!< by onset date, then id
  std::vector<OutcomeAssessment> outcomes;   //!< by assessment date, then id
  std::vector<Photo> photos;                 //!< by id
};

/// What a list shows of one patient's record at a glance (clinic/patient_status.h decides the
/// status from it): the latest intake's screening, the latest plan's indication, the consents.
struct PatientGlance {
  long long patient_id = 0;
  int intake_version = 0;                   //!< the latest intake's version; 0: no intake
  std::string screening_json;               //!< the latest intake's screening; "" without one
  std::string plan_indication;              //!< the latest plan's (highest id); "" without one
  std::vector<std::string> consent_texts;   //!< the text of each consent, by id
};

/// The clinical record around treatment sessions. Thread-safe; throws RecordErrors only
/// (store.h). Adding to the record of a deleted or unknown patient is a NotFoundError.
class ClinicalRecordStore {
 public:
  virtual ~ClinicalRecordStore() = default;

  /// The patient and every part of the record (one database round of queries, one snapshot);
  /// nullopt if there is no such patient or it was deleted.
  virtual std::optional<PatientRecord> read_patient_record(long long patient_id) = 0;

  /// The glance of each patient in `patient_ids`, in that order (deleted or not; an unknown
  /// id gets an empty glance with that id), in one snapshot and three queries however many ids:
  /// a page of the list costs what one patient does. InvalidRecordError for more than 1000 ids.
  virtual std::vector<PatientGlance> read_patient_glances(const std::vector<long long>& patient_ids) = 0;

  /// Stores a new version (the store assigns intake.version = previous + 1). With
  /// `checked_patient_version` > 0, the intake was checked against that version of the patient
  /// row (its birth date and sex): ConflictError if the patient has changed since.
  virtual Intake add_intake(const Actor& by, Intake intake, long long checked_patient_version = 0) = 0;
  /// Every version, oldest first.
  virtual std::vector<Intake> list_intakes(long long patient_id) = 0;
  /// Records a consent. A non-empty `signature_image` is stored like a photo (named by its
  /// SHA-256, written before the row) and consent.signature_sha256 filled in; then
  /// consent.signature_content_type is required. Consents never change once recorded.
  virtual Consent add_consent(const Actor& by, Consent consent, const std::string& signature_image = "") = 0;
  virtual std::vector<Consent> list_consents(long long patient_id) = 0;
  virtual CoursePlan add_course_plan(const Actor& by, CoursePlan plan) = 0;
  virtual std::optional<CoursePlan> find_course_plan(long long id) = 0;
  virtual std::vector<CoursePlan> list_course_plans(long long patient_id) = 0;
  /// Plans whose assessment date is in [from, to] (YYYY-MM-DD), of patients not deleted, by
  /// date then id.
  virtual std::vector<CoursePlan> list_plans_assessed_between(const std::string& from, const std::string& to) = 0;

  virtual AdverseEvent add_adverse_event(const Actor& by, AdverseEvent event) = 0;
  /// Changes type, severity, dates, resolution and notes. ConflictError on a stale row_version.
  virtual AdverseEvent update_adverse_event(const Actor& by, AdverseEvent event) = 0;
  /// The event with this id, whoever's it is (the caller checks the patient); nullopt if none.
  virtual std::optional<AdverseEvent> find_adverse_event(long long id) = 0;
  virtual std::vector<AdverseEvent> list_adverse_events(long long patient_id) = 0;
  virtual OutcomeAssessment add_outcome(const Actor& by, OutcomeAssessment outcome) = 0;
  virtual std::vector<OutcomeAssessment> list_outcomes(long long patient_id) = 0;
  /// Writes the image file (named by its SHA-256; the same image twice is stored once) and then
  /// the row. photo.sha256 and size_bytes are filled in.
  virtual Photo add_photo(const Actor& by, Photo photo, const std::string& image_bytes) = 0;
  virtual std::vector<Photo> list_photos(long long patient_id) = 0;
  /// The photo rows of an image (the same bytes added twice share one file), oldest first.
  virtual std::vector<Photo> find_photos(const std::string& sha256) = 0;
  /// The image bytes; NotFoundError if missing, StoreUnavailableError if the file no longer
  /// matches its hash.
  virtual std::string read_photo(const std::string& sha256) = 0;
};

}  // namespace dermaplan::records
