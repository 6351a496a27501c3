// The append-only, hash-chained audit log.
#pragma once

#include <string>
#include <vector>

#include "records/entities.h"

namespace dermaplan::records {

/// The result of checking the audit hash chain.
struct AuditVerification {
  bool ok = true;
  long long rows_checked = 0;
  long long first_broken_seq = 0;  //!< 0 when ok
  std::string reason;              //!< what was wrong at that seq, empty when ok
  long long head_seq = 0;          //!< the chain's last row (what `audit head` prints)
  std::string head_hash;
  long long signed_sessions_checked = 0;  //!< signed sessions whose content matched its signing hash
  long long signed_sessions_unhashed = 0; //!< signed before content hashes were recorded (not checked)
  long long amendments_checked = 0;
  long long expected_seq = 0;      //!< where the expected hash was found (0: none asked or not found)
};

/// The chain's last row: an operator keeps its hash outside the database (a printout, another
/// machine) and later checks that the chain still runs through it (verify_audit_chain).
struct AuditHead {
  long long seq = 0;
  std::string hash;  //!< hex SHA-256; empty for an empty log
};

/// The audit log. Writes of the other stores add their rows themselves, in their own
/// transaction; this interface appends the rest and reads the log. Thread-safe; throws
/// RecordErrors only (store.h).
class AuditLog {
 public:
  virtual ~AuditLog() = default;

  /// Appends one row (for reads, logins, exports: writes audit themselves). Returns once the
  /// row is committed as durably as any write. Concurrent callers are group-committed: rows
  /// that arrive while a commit is under way go together in the next transaction (one sync to
  /// disk for many rows), each still chained and returned to its own caller.
  virtual AuditEntry append_audit(const Actor& by, AuditAction action, const std::string& entity,
                                  long long record_id, const std::string& detail) = 0;
  /// Rows with seq > after_seq, oldest first, at most `limit` (1..10000).
  virtual std::vector<AuditEntry> list_audit(long long after_seq, int limit) = 0;
  /// Recomputes the whole chain. Reports the first seq whose hash does not match, or that is
  /// missing, or the end of the chain if rows after it were removed. Then checks each signed
  /// session and amendment against the content hash its audit row recorded (a signed session
  /// without a signing row, or an amendment without its row, is broken too). With
  /// `expected_hash` (an earlier head kept elsewhere), the chain must also contain a row with
  /// that hash: a log truncated or rebuilt since then does not.
  virtual AuditVerification verify_audit_chain(const std::string& expected_hash = "") = 0;
  /// The chain's last row as the head table records it.
  virtual AuditHead audit_head() = 0;
};

}  // namespace dermaplan::records
