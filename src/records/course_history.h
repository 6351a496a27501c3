// The record read course by course, for the practice's outcome statistics: each course plan with
// the patient's sex, birth date and skin type, the sessions performed under it (amended values in
// force), the patient's outcome scores and the adverse events that followed. Read in keyset
// batches of patients inside one snapshot, so memory depends on the batch, not on the practice.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "records/entities.h"

namespace dermaplan::records {

/// A performed or signed session of a course, as in force: a signed session's amended
/// session_date, practitioner_id, device_id, needle_lengths and lot_number replace the originals
/// (the latest amendment of each field wins).
struct CourseSession {
  long long id = 0;
  std::string session_date;                     //!< YYYY-MM-DD
  long long practitioner_id = 0;
  std::string device_id;
  std::string lot_number;
  std::vector<RegionNeedleLength> needle_lengths;
  SessionStatus status = SessionStatus::performed;
  bool operator==(const CourseSession&) const = default;
};

struct CourseScore {
  std::string scale_id;
  double score = 0;
  std::string region;
  std::string assessed_on;                      //!< YYYY-MM-DD
  bool operator==(const CourseScore&) const = default;
};

struct CourseAdverseEvent {
  long long session_id = 0;                     //!< 0: linked to no session
  std::string event_type;
  Severity severity = Severity::mild;
  std::string onset_date;                       //!< YYYY-MM-DD
  bool operator==(const CourseAdverseEvent&) const = default;
};

/// One course plan and what followed it.
struct CourseHistory {
  long long patient_id = 0;
  long long plan_id = 0;
  std::string indication;
  /// The sessions the plan requires (its non-optional sessions); 0 when it plans none (not
  /// treatable, deferred) or was stored without a schedule.
  int planned_sessions = 0;
  std::string patient_sex;                      //!< as recorded
  std::string patient_birth_date;               //!< YYYY-MM-DD as recorded
  /// The Fitzpatrick type of the intake in force at the first session: the latest intake version
  /// recorded by the end of that day (UTC) that gives one; failing that, the earliest later one.
  std::optional<int> fitzpatrick;
  std::vector<CourseSession> sessions;          //!< performed and signed, by date then id
  std::vector<CourseScore> scores;              //!< every score of the patient, by date then id
  /// Events that followed one of the course's sessions, and the patient's events linked to no
  /// session whose onset falls in this course (the latest course begun on or before the onset;
  /// the first course for an earlier onset); by onset, then id.
  std::vector<CourseAdverseEvent> adverse_events;
  bool operator==(const CourseHistory&) const = default;
};

struct CourseHistoryQuery {
  std::vector<std::string> indications;         //!< only plans for these; empty: every plan
  int batch_patients = 500;                     //!< patients read per round of queries (1..10000)
  /// Read every course from the clinical tables instead of the kept summaries (the two must
  /// agree; checks and tests compare them).
  bool from_clinical_tables = false;
};

/// Courses one at a time. Holds a database connection and a read snapshot until destroyed; it
/// must not outlive its store. Not thread-safe (one reader at a time).
class CourseHistoryCursor {
 public:
  virtual ~CourseHistoryCursor() = default;
  /// Fills `course` with the next course and returns true, or returns false at the end. Courses
  /// come by patient id, then plan id; patients who were deleted are left out.
  virtual bool next(CourseHistory& course) = 0;
};

/// Reading the record course by course. Thread-safe; throws RecordErrors only (store.h).
class CourseHistoryReader {
 public:
  virtual ~CourseHistoryReader() = default;
  /// A cursor over every course plan (of the indications asked for). Reads the summaries the
  /// store keeps per patient, refreshing those changed since the last read first (a write
  /// transaction, only when one is stale). InvalidRecordError for a batch size out of range.
  virtual std::unique_ptr<CourseHistoryCursor> read_course_histories(const CourseHistoryQuery& query = {}) = 0;
};

}  // namespace dermaplan::records
