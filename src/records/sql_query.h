// Small query helpers shared by the SociStore implementation files.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "records/entities.h"
#include "records/soci_headers.h"

namespace dermaplan::records {

/// Executes one statement with the given soci::use(...) bindings; returns the rows it changed.
template <class... Uses>
long long execute_counting(soci::session& sql, const std::string& text, Uses&&... uses) {
  soci::statement st = ((sql.prepare << text), ..., std::forward<Uses>(uses));
  st.execute(true);
  return st.get_affected_rows();
}

/// The patient row with this id (deleted or not), or nullopt.
std::optional<Patient> load_patient(soci::session& sql, long long id);

/// A patient's sessions with their needle lengths, by date then id (two queries).
std::vector<TreatmentSession> load_sessions_of_patient(soci::session& sql, long long patient_id);

}  // namespace dermaplan::records
