// Where a patient stands before a treatment, at a glance: the latest screening decision (with
// the date a deferral lasts until) and whether a consent is on record that is still the form
// for the patient's latest plan. What the patient list and the day's agenda show per patient;
// the treatment gate decides from the full record, on the session's date.
#pragma once

#include "kb/knowledge_base.h"
#include "records/store.h"

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dermaplan::clinic {

struct PatientStatus {
  std::string screening_decision = "none";  //!< eligible, caution, defer, contraindicated; none: no intake yet
  int intake_version = 0;                   //!< the intake the decision comes from (0: none)
  std::optional<std::string> deferred_until;//!< YYYY-MM-DD, the earliest date a defer names
  /// none: no consent on record; current: one is today's form for the latest plan's indication
  /// (no plan yet: the general form); stale: consents exist, none is that form any more.
  std::string consent = "none";
  std::string plan_indication;              //!< the latest plan's indication id, "" without a plan
};

/// The status a glance at the record gives (pure). The consent forms are built once per
/// indication and kept in `forms` (pass the same map for a page of patients).
PatientStatus patient_status(const records::PatientGlance& glance, const kb::KnowledgeBase& kb,
                             std::map<std::string, std::string>& forms);

/// Reads the status of one patient from the store.
PatientStatus patient_status(records::Store& store, const kb::KnowledgeBase& kb, long long patient_id,
                             std::map<std::string, std::string>& forms);

/// The status of each patient in `patient_ids`, in that order: three store queries per 1,000
/// patients (records::ClinicalRecordStore::read_patient_glances).
std::vector<PatientStatus> patient_statuses(records::Store& store, const kb::KnowledgeBase& kb,
                                            const std::vector<long long>& patient_ids,
                                            std::map<std::string, std::string>& forms);

/// {"screening_decision", "intake_version", "deferred_until" (or null), "consent", "plan_indication"}.
nlohmann::json to_json(const PatientStatus& status);

}  // namespace dermaplan::clinic
