// SociStore: the append-only, hash-chained audit log.
#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "core/storable_text.h"
#include "records/sha256.h"
#include "records/signed_content.h"
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

std::vector<AuditEntry> SociStore::audit_rows(soci::session& sql, const std::vector<AuditRow>& rows) {
  // The head row is locked for the rest of the transaction (SQLite: the write transaction
  // already holds the database's write lock), so appenders queue and seqs never collide.
  long long head_seq = 0;
  std::string head_hash;
  sql << "SELECT seq, hash FROM audit_head WHERE id = 1" << for_update(), soci::into(head_seq),
      soci::into(head_hash);
  if (!sql.got_data()) throw StoreUnavailableError("audit_head", "the audit head row is missing");
  const long long at_ms = now();
  std::vector<AuditEntry> out;
  out.reserve(rows.size());
  const std::size_t n = rows.size();
  std::vector<long long> seq(n), at(n), user_id(n), record_id(n);
  std::vector<std::string> username(n), action(n), entity(n), detail(n), hash(n);
  for (std::size_t i = 0; i < n; ++i) {
    const AuditRow& row = rows[i];
    // The hash covers these bytes; the database must store the same ones (PostgreSQL would cut
    // at a NUL and refuse invalid UTF-8). The transports refuse such text first.
    using Field = std::pair<const char*, const std::string*>;
    for (const auto& [name, text] : {Field{"audit.username", &row.by.username}, Field{"audit.entity", &row.entity},
                                     Field{"audit.detail", &row.detail}})
      if (const std::string reason = unstorable_reason(*text); !reason.empty())
        throw InvalidRecordError(name, "text with " + reason + " cannot be stored");
    AuditEntry e;
    e.seq = head_seq + 1 + static_cast<long long>(i);
    e.at_ms = at_ms;
    e.user_id = row.by.user_id;
    e.username = row.by.username;
    e.action = row.action;
    e.entity = row.entity;
    e.record_id = row.record_id;
    e.detail = row.detail;
    e.hash = chain_hash_hex(i == 0 ? head_hash : out.back().hash, audit_canonical_text(e));
    seq[i] = e.seq;
    at[i] = e.at_ms;
    user_id[i] = e.user_id;
    record_id[i] = e.record_id;
    username[i] = e.username;
    action[i] = to_string(e.action);
    entity[i] = e.entity;
    detail[i] = e.detail;
    hash[i] = e.hash;
    out.push_back(std::move(e));
  }
  // One statement prepared once for all rows (SOCI bulk binding).
  sql << "INSERT INTO audit_log (seq, at_ms, user_id, username, action, entity, record_id, detail, hash)"
         " VALUES (:s, :t, :u, :n, :a, :e, :r, :d, :h)",
      soci::use(seq), soci::use(at), soci::use(user_id), soci::use(username), soci::use(action),
      soci::use(entity), soci::use(record_id), soci::use(detail), soci::use(hash);
  sql << "UPDATE audit_head SET seq = :s, hash = :h WHERE id = 1", soci::use(out.back().seq),
      soci::use(out.back().hash);
  return out;
}

AuditEntry SociStore::audit(soci::session& sql, const Actor& by, AuditAction action, const std::string& entity,
                            long long record_id, const std::string& detail) {
  return std::move(audit_rows(sql, {AuditRow{by, action, entity, record_id, detail}}).front());
}

struct SociStore::PendingAudit {
  const Actor& by;
  AuditAction action;
  const std::string& entity;
  long long record_id;
  const std::string& detail;
  AuditEntry result;
  std::exception_ptr error;
};

void SociStore::commit_audit_batch(const std::vector<PendingAudit*>& batch) {
  try {
    std::vector<AuditRow> requests;
    requests.reserve(batch.size());
    for (PendingAudit* p : batch) requests.push_back(AuditRow{p->by, p->action, p->entity, p->record_id, p->detail});
    // Audit rows of reads are not changes to the record (change_seq stays).
    std::vector<AuditEntry> rows =
        write<false>("append_audit", [&](soci::session& sql) { return audit_rows(sql, requests); });
    for (std::size_t i = 0; i < batch.size(); ++i) batch[i]->result = std::move(rows[i]);
    return;
  } catch (...) {
    if (batch.size() == 1) {
      batch.front()->error = std::current_exception();
      return;
    }
  }
  for (PendingAudit* p : batch) {  // the batch failed as a whole: each row on its own
    try {
      p->result = write<false>("append_audit", [&](soci::session& sql) {
        return audit(sql, p->by, p->action, p->entity, p->record_id, p->detail);
      });
    } catch (...) {
      p->error = std::current_exception();
    }
  }
}

AuditEntry SociStore::append_audit(const Actor& by, AuditAction action, const std::string& entity,
                                   long long record_id, const std::string& detail) {
  if (soci::session* batch = batch_session())
    return in_batch("append_audit", *batch, [&](soci::session& sql) { return audit(sql, by, action, entity, record_id, detail); });
  PendingAudit me{by, action, entity, record_id, detail, {}, nullptr};
  // The rows gathered while a commit runs go in one multi-row insert (audit_rows), not each
  // as its own write.
  audit_group_.run(me, [this](const std::vector<PendingAudit*>& batch) { commit_audit_batch(batch); });
  if (me.error) std::rethrow_exception(me.error);
  return std::move(me.result);
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

AuditHead SociStore::audit_head() {
  return read("audit_head", [&](soci::session& sql) {
    AuditHead head;
    sql << "SELECT seq, hash FROM audit_head WHERE id = 1", soci::into(head.seq), soci::into(head.hash);
    if (!sql.got_data()) throw StoreUnavailableError("audit_head", "the audit head row is missing");
    return head;
  });
}

namespace {

/// What a sign or amend row recorded: its seq and the content hash ("" before hashes).
struct Recorded {
  long long seq = 0;
  std::string hash;
};

/// The content hash in a sign/amend row's detail, and the amendment id of an amend row.
void read_detail(const std::string& detail, std::string& hash, long long& amendment_id) {
  const auto doc = nlohmann::json::parse(detail, nullptr, false);
  if (!doc.is_object()) return;
  if (auto it = doc.find(kContentHashKey); it != doc.end() && it->is_string()) hash = *it;
  if (auto it = doc.find("amendment_id"); it != doc.end() && it->is_number_integer()) amendment_id = *it;
}

}  // namespace

AuditVerification SociStore::verify_audit_chain(const std::string& expected_hash) {
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
        std::map<long long, Recorded> signings;    // by session id (the last signing row)
        std::map<long long, Recorded> amendments;  // by amendment id
        {
          soci::rowset<soci::row> rows =
              (sql.prepare << "SELECT " << kAuditColumns << " FROM audit_log ORDER BY seq");
          for (const auto& r : rows) {
            long long seq = row_int(r, 0);
            if (seq != expected_seq) {
              return broken(expected_seq, "row " + std::to_string(expected_seq) + " is missing");
            }
            const std::string action = row_text(r, 4);
            const std::string entity = row_text(r, 5);
            const std::string detail = row_text(r, 7);
            std::string text = canonical_text(seq, row_int(r, 1), row_int(r, 2), row_text(r, 3), action, entity,
                                              row_int(r, 6), detail);
            std::string stored = row_text(r, 8);
            if (chain_hash_hex(previous_hash, text) != stored) {
              return broken(seq, "the row's hash does not match its content and the previous hash");
            }
            if (entity == "session" && (action == "sign" || action == "amend")) {
              std::string hash;
              long long amendment_id = 0;
              read_detail(detail, hash, amendment_id);
              if (action == "sign") signings[row_int(r, 6)] = Recorded{seq, hash};
              else if (amendment_id > 0) amendments[amendment_id] = Recorded{seq, hash};
            }
            if (!expected_hash.empty() && stored == expected_hash) result.expected_seq = seq;
            previous_hash = stored;
            ++result.rows_checked;
            ++expected_seq;
          }
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
        result.head_seq = head_seq;
        result.head_hash = head_hash;
        if (!expected_hash.empty() && result.expected_seq == 0) {
          return broken(head_seq < 1 ? 1 : head_seq,
                        "no row has the expected hash " + expected_hash +
                            ": the log was cut or rebuilt after that head was taken (or the hash is not from this "
                            "database)");
        }

        // What was signed is still what is stored.
        std::vector<long long> signed_ids;
        {
          soci::rowset<soci::row> rows =
              sql.prepare << "SELECT id FROM treatment_sessions WHERE status = 'signed' ORDER BY id";
          for (const auto& r : rows) signed_ids.push_back(row_int(r, 0));
        }
        for (long long id : signed_ids) {
          auto it = signings.find(id);
          if (it == signings.end())
            return broken(head_seq, "signed session " + std::to_string(id) +
                                        " has no signing row in the audit log (signed behind the store's back?)");
          if (it->second.hash.empty()) {
            ++result.signed_sessions_unhashed;
            continue;
          }
          if (signed_session_sha256(sql, id) != it->second.hash)
            return broken(it->second.seq, "signed session " + std::to_string(id) +
                                              " no longer matches the content hash recorded when it was signed");
          ++result.signed_sessions_checked;
        }
        for (const auto& [id, recorded] : signings) {
          if (!std::binary_search(signed_ids.begin(), signed_ids.end(), id))
            return broken(recorded.seq,
                          "session " + std::to_string(id) + " was signed here but is no longer a signed session");
        }
        std::vector<long long> amendment_ids;
        {
          soci::rowset<soci::row> rows = sql.prepare << "SELECT id FROM amendments ORDER BY id";
          for (const auto& r : rows) amendment_ids.push_back(row_int(r, 0));
        }
        for (long long id : amendment_ids) {
          auto it = amendments.find(id);
          if (it == amendments.end())
            return broken(head_seq, "amendment " + std::to_string(id) + " has no row in the audit log");
          if (it->second.hash.empty()) continue;  // recorded before content hashes
          if (amendment_sha256(sql, id) != it->second.hash)
            return broken(it->second.seq, "amendment " + std::to_string(id) +
                                              " no longer matches the content hash recorded when it was made");
          ++result.amendments_checked;
        }
        for (const auto& [id, recorded] : amendments) {
          if (!std::binary_search(amendment_ids.begin(), amendment_ids.end(), id))
            return broken(recorded.seq, "amendment " + std::to_string(id) + " was recorded here but is gone");
        }
        return result;
      },
      /*snapshot=*/true);
}

}  // namespace dermaplan::records
