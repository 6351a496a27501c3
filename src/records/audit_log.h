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
  /// missing, or the end of the chain if rows after it were removed.
  virtual AuditVerification verify_audit_chain() = 0;
};

}  // namespace dermaplan::records
