// The practice's data in standard formats (docs/interop.md), the same whichever transport asks:
// a patient's record as a FHIR R4 Bundle, every patient as FHIR bulk NDJSON, every table of the
// record as RFC 4180 CSV, and a patient read from FHIR into a new record. Every export is
// audited (who exported what); the import is one transaction with its audit rows.
#pragma once

#include "core/civil_date.h"
#include "interop/fhir_export.h"
#include "interop/fhir_import.h"
#include "kb/knowledge_base.h"
#include "records/store.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <vector>

namespace dermaplan::clinic {

/// One patient's record (one snapshot) with the amendments of its signed sessions.
/// NotFoundError for an unknown or deleted patient.
interop::RecordForExport record_for_export(records::Store& store, long long patient_id);

/// Staff display names by user id, read once (for performers and recorders).
std::function<std::string(long long)> staff_names(records::Store& store);

struct PatientFhirRequest {
  long long patient_id = 0;
  long long now_ms = 0;                       //!< the Bundle's timestamp
  std::string photo_url_prefix = "photos/";   //!< where a photo's bytes are found: prefix + sha256
};

/// The patient's record as a FHIR Bundle of type collection; audited. NotFoundError as above.
nlohmann::json patient_fhir_bundle(records::Store& store, const kb::KnowledgeBase& kb, const records::Actor& by,
                                   const PatientFhirRequest& request);

struct PracticeFhirExport {
  long long patients = 0;
  long long resources = 0;
  std::map<std::string, long long> counts;    //!< resources by type
};

/// Every patient (not deleted) as FHIR bulk NDJSON in `dir` (interop/fhir_bulk.h), a patient at
/// a time (memory does not grow with the practice); `progress(done, total, resources)` after
/// each patient. Audited once for the practice.
PracticeFhirExport export_practice_fhir(records::Store& store, const kb::KnowledgeBase& kb, const records::Actor& by,
                                        const std::filesystem::path& dir, long long now_ms,
                                        const std::function<void(long long, long long, long long)>& progress = {});

/// The tables of the CSV export, in the order they are listed and written.
const std::vector<std::string>& csv_tables();

/// Writes one table as CSV to `out` (deleted patients' rows included, marked). Returns its
/// rows. NotFoundError naming the accepted tables for an unknown one. Audited.
long long export_csv_table(records::Store& store, const records::Actor& by, const std::string& table,
                           std::ostream& out);

/// Writes every table as `<table>.csv` into `dir` in one pass over the record. Returns rows per
/// table. InputError "--out" when a file cannot be written. Audited once.
std::map<std::string, long long> export_csv_directory(records::Store& store, const records::Actor& by,
                                                      const std::filesystem::path& dir);

struct ImportedRecord {
  records::Patient patient;
  std::vector<records::Intake> intakes;            //!< as stored, oldest first
  std::vector<interop::SkippedResource> skipped;   //!< read but not imported (sessions, plans, ...)
  std::vector<interop::MergedResource> merged;     //!< folded into an entry already listed
};

/// Creates a patient and its intake versions from a FHIR Bundle or Patient, each intake
/// screened as of `as_of`, in one transaction: either all of it is stored or nothing.
/// ClinicError bad_input with details {"problems": [{"path", "message"}]} listing every
/// unknown code or value with its FHIR path. `as_of` is the day the intakes were taken: no later
/// than tomorrow after `today` (a day's slack, as for an intake entered by hand), else InputError
/// at `date_where`: an intake screened as of a later day reads as taken then, and a deferral
/// running until then would already look over.
ImportedRecord import_fhir_patient(records::Store& store, const kb::KnowledgeBase& kb, const records::Actor& by,
                                   const nlohmann::json& document, CivilDate as_of, CivilDate today,
                                   const std::string& date_where);

}  // namespace dermaplan::clinic
