// Patients: the people a practice treats, and the patient list.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "records/entities.h"

namespace dermaplan::records {

/// A place in the patient list: the list is ordered by the folded name (search_fold.h, byte
/// order), then id; a cursor names the last patient of a page, and the next page starts after
/// it. It holds no name (it is shown in URLs): the store reads that patient's folded name, and
/// the row version tells whether the patient was renamed since the page was read.
struct PatientCursor {
  long long id = 0;
  long long row_version = 0;     //!< of that patient when the page was read
  bool operator==(const PatientCursor&) const = default;
};

/// A name search counts its matches up to this many exactly; past it, "more than 1,000".
inline constexpr long long kPatientSearchCountLimit = 1000;

/// Which page of the patient list to read.
struct PatientQuery {
  /// The name filter, case-insensitive (search_fold.h); empty matches all; otherwise the names
  /// that contain it, whatever its length.
  std::string name_contains;
  bool include_deleted = false;
  int limit = 50;                //!< 1..1000
  int offset = 0;                //!< rows skipped (linear in the offset; prefer `after`)
  /// Keyset pagination: only patients after this place (then `offset` must be 0). Pages walked
  /// this way are complete and ordered while others insert: every patient present for the
  /// whole walk appears exactly once, and each page costs the same however deep it is.
  std::optional<PatientCursor> after;
};
/// A page of the patient list, and how many patients match in total.
struct PatientPage {
  std::vector<Patient> patients; //!< ordered by name, then id
  /// How many patients match the query (ignoring offset and after). Without a name it is read
  /// from counters kept by the database, not counted; with a name at most kPatientSearchCountLimit
  /// + 1 matches are counted (then total_is_lower_bound).
  long long total = 0;
  /// More than kPatientSearchCountLimit patients match the name: `total` is then
  /// kPatientSearchCountLimit + 1, a lower bound (the matches were not counted further).
  bool total_is_lower_bound = false;
  /// Where the next page starts; nullopt when this page reaches the end.
  std::optional<PatientCursor> next;
};

/// How many patients the database holds (kept by triggers; reading it is one row).
struct PatientCounts {
  long long live = 0;            //!< not deleted
  long long deleted = 0;
  long long demo = 0;            //!< made by `dermaplan demo-data` (deleted or not)
  /// Patients that may be real people: every patient not marked demo.
  long long real() const { return live + deleted - demo; }
};

/// A patient created together with its first intake versions.
struct PatientWithIntakes {
  Patient patient;
  std::vector<Intake> intakes;   //!< versions 1, 2, ... as stored
};

/// Patients. Thread-safe; throws RecordErrors only (store.h).
class PatientStore {
 public:
  virtual ~PatientStore() = default;

  virtual Patient create_patient(const Actor& by, Patient patient) = 0;
  /// Creates the patient and its intake versions (1, 2, ... in the order given; their
  /// patient_id is filled in) with their audit rows in one transaction: all of it or nothing.
  virtual PatientWithIntakes create_patient_with_intakes(const Actor& by, Patient patient,
                                                         std::vector<Intake> intakes) = 0;
  /// nullopt if absent; a deleted patient only with include_deleted.
  virtual std::optional<Patient> find_patient(long long id, bool include_deleted = false) = 0;
  /// Changes name, birth date, sex and notes. ConflictError on a stale row_version;
  /// NotFoundError if deleted.
  virtual Patient update_patient(const Actor& by, Patient patient) = 0;
  /// The explicit, audited delete (the server allows it to admins only). The patient is marked
  /// deleted and hidden from lists; nothing is erased. `reason` goes into the audit row.
  virtual void delete_patient(const Actor& by, long long patient_id, const std::string& reason) = 0;
  /// InvalidRecordError for a limit outside 1..1000, a negative offset, or offset with after;
  /// InvalidRecordError at "after" for a cursor that names no patient (deleted ones count: the
  /// list's place is their name) or a row version the patient never had; ConflictError at
  /// "after" when that patient was renamed since (its place in the list moved: read again
  /// from the start).
  virtual PatientPage list_patients(const PatientQuery& query) = 0;
  virtual PatientCounts count_patients() = 0;
};

}  // namespace dermaplan::records
