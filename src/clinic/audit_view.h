// Reading the audit log the way an administrator looks at it: oldest or newest first, filtered
// by user, record type, patient and reads against everything else, each row with the patients
// it concerns (from its record id and detail, or the session it names).
#pragma once

#include "records/store.h"

#include <map>
#include <string>
#include <vector>

namespace dermaplan::clinic {

enum class AuditOrder { oldest_first, newest_first };
enum class AuditKind { any, reads, writes };  //!< writes: every action but read (also logins, backups)

struct AuditQuery {
  AuditOrder order = AuditOrder::oldest_first;
  long long after = 0;       //!< oldest_first: rows with seq > after
  long long before = 0;      //!< newest_first: rows with seq < before; 0: from the newest
  int limit = 100;           //!< 1..1000
  std::string user;          //!< username or user id; empty: anyone
  std::string entity;        //!< empty: any record type
  long long patient_id = 0;  //!< 0: any
  AuditKind kind = AuditKind::any;
};

struct AuditRow {
  records::AuditEntry entry;
  std::vector<long long> patient_ids;  //!< the patients the row concerns (reads of a list: every one shown)
};

struct AuditPage {
  std::vector<AuditRow> rows;
  long long next_after = 0;    //!< oldest_first: pass as `after` to read on
  long long next_before = 0;   //!< newest_first: pass as `before` to read on; 0 at the start of the log
  std::map<long long, std::string> patient_names;  //!< every patient the rows concern, deleted ones too
};

/// Reads one page. Filters are applied while reading, at most 20,000 rows per call (a page may
/// then hold fewer than `limit` rows; read on from next_after / next_before). `newest` is the
/// seq to read back from when order is newest_first and before is 0 (the caller's own audit
/// row of this read: the log has no gaps).
AuditPage read_audit(records::Store& store, const AuditQuery& query, long long newest = 0);

/// The patients an audit row concerns, resolved without the store where the row says (record id
/// of a patient row, "patient_id", "patients" or "ids" in a JSON detail); a session row without
/// them is resolved through `session_patient` (0: unknown).
std::vector<long long> audit_patients(const records::AuditEntry& entry, long long session_patient = 0);

}  // namespace dermaplan::clinic
