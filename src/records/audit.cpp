// SociStore: the append-only, hash-chained audit log.
#include <nlohmann/json.hpp>

#include "records/sha256.h"
#include "records/soci_store.h"

namespace dermaplan::records {
namespace {

// The canonical text of a row as stored (action as its stored text, so that a tampered action
// that is no longer a known name still hashes, and fails to match).
std::string canonical_text(long long seq, long long at_ms, long long user_id, const std::string& username,
                           const std::string& action, const std::string& entity, long long record_id,
                           const std::string& detail) {
  nlohmann::json row = nlohmann::json::array({seq, at_ms, user_id, username, action, entity, record_id, detail});
  return row.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

constexpr const char* kAuditColumns =
    "seq, at_ms, user_id, username, action, entity, record_id, detail, hash";

}  // namespace

std::string audit_canonical_text(const AuditEntry& e) {
  return canonical_text(e.seq, e.at_ms, e.user_id, e.username, to_string(e.action), e.entity,
                        e.record_id, e.detail);
}

AuditEntry SociStore::audit(soci::session& sql, const Actor& by, AuditAction action,
                            const std::string& entity, long long record_id, const std::string& detail) {
  // The head row is locked for the rest of the transaction (SQLite: the write transaction
  // already holds the database's write lock), so appenders queue and seqs never collide.
  long long head_seq = 0;
  std::string head_hash;
  sql << "SELECT seq, hash FROM audit_head WHERE id = 1" << for_update(), soci::into(head_seq),
      soci::into(head_hash);
  if (!sql.got_data()) throw StoreUnavailableError("audit_head", "the audit head row is missing");
  AuditEntry e;
  e.seq = head_seq + 1;
  e.at_ms = now();
  e.user_id = by.user_id;
  e.username = by.username;
  e.action = action;
  e.entity = entity;
  e.record_id = record_id;
  e.detail = detail;
  e.hash = chain_hash_hex(head_hash, audit_canonical_text(e));
  std::string action_text = to_string(action);
  sql << "INSERT INTO audit_log (seq, at_ms, user_id, username, action, entity, record_id, detail, hash)"
         " VALUES (:s, :t, :u, :n, :a, :e, :r, :d, :h)",
      soci::use(e.seq), soci::use(e.at_ms), soci::use(e.user_id), soci::use(e.username),
      soci::use(action_text), soci::use(e.entity), soci::use(e.record_id), soci::use(e.detail),
      soci::use(e.hash);
  sql << "UPDATE audit_head SET seq = :s, hash = :h WHERE id = 1", soci::use(e.seq), soci::use(e.hash);
  return e;
}

AuditEntry SociStore::append_audit(const Actor& by, AuditAction action, const std::string& entity,
                                   long long record_id, const std::string& detail) {
  return write("append_audit", [&](soci::session& sql) {
    return audit(sql, by, action, entity, record_id, detail);
  });
}

std::vector<AuditEntry> SociStore::list_audit(long long after_seq, int limit) {
  if (limit < 1 || limit > 10000) {
    throw InvalidRecordError("limit", "must be 1..10000, got " + std::to_string(limit));
  }
  return read("list_audit", [&](soci::session& sql) {
    std::vector<AuditEntry> out;
    soci::rowset<soci::row> rows = (sql.prepare << "SELECT " << kAuditColumns
                                                << " FROM audit_log WHERE seq > :s ORDER BY seq LIMIT :l",
                                    soci::use(after_seq), soci::use(limit));
    for (const auto& r : rows) {
      AuditEntry e;
      e.seq = row_int(r, 0);
      e.at_ms = row_int(r, 1);
      e.user_id = row_int(r, 2);
      e.username = row_text(r, 3);
      e.action = parse_audit_action(row_text(r, 4)).value_or(AuditAction::read);
      e.entity = row_text(r, 5);
      e.record_id = row_int(r, 6);
      e.detail = row_text(r, 7);
      e.hash = row_text(r, 8);
      out.push_back(std::move(e));
    }
    return out;
  });
}

AuditVerification SociStore::verify_audit_chain() {
  return read(
      "verify_audit_chain",
      [&](soci::session& sql) {
        AuditVerification result;
        auto broken = [&](long long seq, std::string reason) {
          result.ok = false;
          result.first_broken_seq = seq;
          result.reason = std::move(reason);
          return result;
        };
        std::string previous_hash;  // empty: the 32 zero bytes before the first row
        long long expected_seq = 1;
        soci::rowset<soci::row> rows =
            (sql.prepare << "SELECT " << kAuditColumns << " FROM audit_log ORDER BY seq");
        for (const auto& r : rows) {
          long long seq = row_int(r, 0);
          if (seq != expected_seq) {
            return broken(expected_seq, "row " + std::to_string(expected_seq) + " is missing");
          }
          std::string text = canonical_text(seq, row_int(r, 1), row_int(r, 2), row_text(r, 3),
                                            row_text(r, 4), row_text(r, 5), row_int(r, 6), row_text(r, 7));
          std::string stored = row_text(r, 8);
          if (chain_hash_hex(previous_hash, text) != stored) {
            return broken(seq, "the row's hash does not match its content and the previous hash");
          }
          previous_hash = stored;
          ++result.rows_checked;
          ++expected_seq;
        }
        long long head_seq = 0;
        std::string head_hash;
        sql << "SELECT seq, hash FROM audit_head WHERE id = 1", soci::into(head_seq), soci::into(head_hash);
        if (head_seq != expected_seq - 1 || head_hash != previous_hash) {
          long long at = std::min(head_seq, expected_seq);
          return broken(at < 1 ? 1 : at, "the chain ends at " + std::to_string(expected_seq - 1) +
                                             " but the head says " + std::to_string(head_seq) +
                                             " (rows removed from the end?)");
        }
        return result;
      },
      /*snapshot=*/true);
}

}  // namespace dermaplan::records
