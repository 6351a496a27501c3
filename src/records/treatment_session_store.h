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
  /// Replaces every field but ids, signature and creation (the plan included: 0 or one of the
  /// patient's plans, else InvalidRecordError at session.plan_id). SignedSessionError if the
  /// stored session is signed; ConflictError on a stale row_version; status may go planned ->
  /// performed, never back (a performed treatment happened: InvalidRecordError at
  /// session.status) and never to signed.
  virtual TreatmentSession update_session(const Actor& by, TreatmentSession session,
                                          std::optional<GatePassage> passage = std::nullopt) = 0;
  /// Signs a performed session: from then on it is immutable. InvalidRecordError unless
  /// performed; SignedSessionError if already signed; ConflictError on a stale row_version.
  virtual TreatmentSession sign_session(const Actor& by, long long session_id, long long row_version,
                                        std::optional<GatePassage> passage = std::nullopt) = 0;
  /// Records a correction to a signed session (InvalidRecordError if not signed or the field is
  /// not amendable, or at amendment.new_value when the new value is the value in force: nothing
  /// changes). The store fills in old_value (the value in force: the field's last amendment,
  /// else the signed original), author and time. With `expected_old_value` (the value in force
  /// as the caller read it, in the field's text form), ConflictError at "/old_value" when
  /// another amendment has superseded it since: a correction never silently overwrites one its
  /// author did not see.
  virtual Amendment add_amendment(const Actor& by, long long session_id, const std::string& field,
                                  const std::string& new_value, const std::string& reason,
                                  const std::optional<std::string>& expected_old_value = std::nullopt) = 0;
  /// Oldest first.
  virtual std::vector<Amendment> list_amendments(long long session_id) = 0;
  /// Every session whose lot number is `lot_number`, originally or by amendment, and their
  /// patients (after trimming blanks; the case of ASCII letters does not count, other
  /// characters match exactly).
  virtual LotTrace trace_lot(const std::string& lot_number) = 0;
};

}  // namespace dermaplan::records
