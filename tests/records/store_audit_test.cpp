// The audit log: append-only in the database, hash-chained, and tampering found at its seq.
#include "records/sha256.h"
#include "store_test_support.h"

namespace dermaplan::records::testing {
namespace {

class StoreAudit : public StoreTest {
 protected:
  /// Writes a few audited records; returns how many audit rows there are.
  long long populate(Store& store) {
    Actor admin = make_admin(store);
    for (int i = 0; i < 5; ++i) {
      Patient p = make_patient(store, admin, "Audit patient " + std::to_string(i));
      store.append_audit(admin, AuditAction::read, "patient", p.id, "chart opened");
    }
    return static_cast<long long>(store.list_audit(0, 1000).size());
  }
  /// What an attacker with database access would do first.
  void drop_guards(soci::session& sql) {
    if (backend() == Backend::sqlite) {
      sql << "DROP TRIGGER audit_log_no_update";
      sql << "DROP TRIGGER audit_log_no_delete";
    } else {
      sql << "DROP TRIGGER audit_log_append_only ON audit_log";
    }
  }
};
DERMAPLAN_INSTANTIATE_BACKENDS(StoreAudit);

TEST_P(StoreAudit, ChainVerifiesAndMatchesTheDocumentedFormula) {
  auto store = open();
  long long rows = populate(*store);
  EXPECT_EQ(rows, 11);
  auto v = store->verify_audit_chain();
  EXPECT_TRUE(v.ok) << v.reason;
  EXPECT_EQ(v.rows_checked, 11);
  EXPECT_EQ(v.first_broken_seq, 0);
  // hash(n) = SHA-256(hash(n-1) bytes || canonical text), starting from 32 zero bytes.
  auto entries = store->list_audit(0, 100);
  std::string previous;
  for (const auto& e : entries) {
    EXPECT_EQ(e.hash, chain_hash_hex(previous, audit_canonical_text(e)));
    previous = e.hash;
  }
  EXPECT_EQ(audit_canonical_text(entries[0]).front(), '[');
}

TEST_P(StoreAudit, DatabaseRefusesUpdatesAndDeletes) {
  auto store = open();
  populate(*store);
  auto sql = raw(db());
  EXPECT_ANY_THROW(*sql << "UPDATE audit_log SET detail = 'x' WHERE seq = 3");
  EXPECT_ANY_THROW(*sql << "DELETE FROM audit_log WHERE seq = 3");
  EXPECT_TRUE(store->verify_audit_chain().ok);
}

TEST_P(StoreAudit, ModifiedRowIsFoundAtItsSeq) {
  auto store = open();
  populate(*store);
  {
    auto sql = raw(db());
    drop_guards(*sql);
    *sql << "UPDATE audit_log SET detail = 'chart not opened' WHERE seq = 4";
  }
  auto v = store->verify_audit_chain();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_broken_seq, 4);
  EXPECT_EQ(v.rows_checked, 3);
  EXPECT_FALSE(v.reason.empty());
}

TEST_P(StoreAudit, RewrittenHashIsFoundAtTheNextRow) {
  // An attacker who recomputes the tampered row's own hash still breaks the next link.
  auto store = open();
  populate(*store);
  auto before = store->list_audit(0, 100);
  {
    auto sql = raw(db());
    drop_guards(*sql);
    AuditEntry forged = before[5];  // seq 6
    forged.username = "someone-else";
    std::string hash = chain_hash_hex(before[4].hash, audit_canonical_text(forged));
    *sql << "UPDATE audit_log SET username = 'someone-else', hash = :h WHERE seq = 6", soci::use(hash);
  }
  auto v = store->verify_audit_chain();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_broken_seq, 7);
}

TEST_P(StoreAudit, DeletedRowsAreFound) {
  auto store = open();
  populate(*store);
  {
    auto sql = raw(db());
    drop_guards(*sql);
    *sql << "DELETE FROM audit_log WHERE seq = 5";
  }
  auto v = store->verify_audit_chain();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_broken_seq, 5);

}

TEST_P(StoreAudit, TruncatedTailIsFound) {
  auto store = open();
  long long rows = populate(*store);
  {
    auto sql = raw(db());
    drop_guards(*sql);
    *sql << "DELETE FROM audit_log WHERE seq > 9";
  }
  auto v = store->verify_audit_chain();
  EXPECT_FALSE(v.ok);
  EXPECT_EQ(v.first_broken_seq, 10);
  EXPECT_EQ(v.rows_checked, 9);
  EXPECT_LT(v.rows_checked, rows);
}

}  // namespace
}  // namespace dermaplan::records::testing
