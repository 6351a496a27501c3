// Patients: the people a practice treats, and the patient list.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "records/entities.h"

namespace dermaplan::records {

/// A page of the patient list, and how many patients match in total.
struct PatientQuery {
  std::string name_contains;     //!< case-insensitive substring of the name; empty matches all
  bool include_deleted = false;
  int limit = 50;                //!< 1..1000
  int offset = 0;
};
struct PatientPage {
  std::vector<Patient> patients; //!< ordered by name, then id
  long long total = 0;
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
  virtual PatientPage list_patients(const PatientQuery& query) = 0;
};

}  // namespace dermaplan::records
