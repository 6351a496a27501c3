// Treatment sessions: planned, performed, signed (then immutable), amended, traced by lot.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "records/entities.h"

namespace dermaplan::records {

/// Everything that used one lot number.
struct LotTrace {
  std::vector<TreatmentSession> sessions;  //!< ordered by date, then id
  std::vector<Patient> patients;           //!< each once, ordered by id (deleted ones included)
};

/// Treatment sessions and their amendments. Thread-safe; throws RecordErrors only (store.h).
class TreatmentSessionStore {
 public:
  virtual ~TreatmentSessionStore() = default;

  /// status must be planned or performed (sign with sign_session).
  ///
  /// create, update and sign take the session's passage through the treatment gate when the
  /// step needs one (the application layer decides); it is written in the same transaction,
  /// audited, and returned in session.gate_passages.
  virtual TreatmentSession create_session(const Actor& by, TreatmentSession session,
                                          std::optional<GatePassage> passage = std::nullopt) = 0;
  virtual std::optional<TreatmentSession> find_session(long long id) = 0;
  /// A patient's sessions ordered by date, then id.
  virtual std::vector<TreatmentSession> list_sessions(long long patient_id) = 0;
  /// Every session dated in [from, to] (YYYY-MM-DD, inclusive), of patients not deleted, by
  /// date then id (the day's agenda).
  virtual std::vector<TreatmentSession> list_sessions_between(const std::string& from, const std::string& to) = 0;
  /// Replaces every field but ids, signature and creation. SignedSessionError if the stored
  /// session is signed; ConflictError on a stale row_version; status may go planned -> performed
  /// (or back), never to signed.
  virtual TreatmentSession update_session(const Actor& by, TreatmentSession session,
                                          std::optional<GatePassage> passage = std::nullopt) = 0;
  /// Signs a performed session: from then on it is immutable. InvalidRecordError unless
  /// performed; SignedSessionError if already signed; ConflictError on a stale row_version.
  virtual TreatmentSession sign_session(const Actor& by, long long session_id, long long row_version,
                                        std::optional<GatePassage> passage = std::nullopt) = 0;
  /// Records a correction to a signed session (InvalidRecordError if not signed or the field is
  /// not amendable). The store fills in old_value, author and time.
  virtual Amendment add_amendment(const Actor& by, long long session_id, const std::string& field,
                                  const std::string& new_value, const std::string& reason) = 0;
  /// Oldest first.
  virtual std::vector<Amendment> list_amendments(long long session_id) = 0;
  /// Every session whose lot number is `lot_number`, originally or by amendment, and their
  /// patients (exact match after trimming blanks).
  virtual LotTrace trace_lot(const std::string& lot_number) = 0;
};

}  // namespace dermaplan::records
