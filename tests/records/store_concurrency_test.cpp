// Concurrent writers, each with its own connection (its own Store): no lost update, no
// duplicate, and the audit chain stays whole.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <set>
#include <thread>

#include "store_test_support.h"

namespace dermaplan::records::testing {
namespace {

class StoreConcurrency : public StoreTest {};
DERMAPLAN_INSTANTIATE_BACKENDS(StoreConcurrency);

constexpr int kThreads = 4;

TEST_P(StoreConcurrency, ReadModifyWriteLosesNoUpdate) {
  auto setup = open();
  Actor admin = make_admin(*setup);
  Patient shared = make_patient(*setup, admin, "Shared Record");
  constexpr int kPerThread = 15;
  std::atomic<int> conflicts{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      StoreOptions options;
      options.pool_size = 1;
      options.photo_dir = (dir() / "photos").string();
      auto store = open_store(db(), options);
      for (int i = 0; i < kPerThread; ++i) {
        // Read, append a token, write back with the version read; on conflict read again.
        for (;;) {
          Patient p = *store->find_patient(shared.id);
          p.notes += "[" + std::to_string(t) + ":" + std::to_string(i) + "]";
          try {
            store->update_patient(admin, p);
            break;
          } catch (const ConflictError&) {
            ++conflicts;
          }
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  Patient final_state = *setup->find_patient(shared.id);
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kPerThread; ++i) {
      std::string token = "[" + std::to_string(t) + ":" + std::to_string(i) + "]";
      EXPECT_NE(final_state.notes.find(token), std::string::npos) << "lost update " << token;
    }
  }
  EXPECT_EQ(final_state.row_version, 1 + kThreads * kPerThread);
  std::printf("[          ] %d writers x %d updates, %d version conflicts retried\n", kThreads, kPerThread,
              conflicts.load());
  EXPECT_TRUE(setup->verify_audit_chain().ok);
}

TEST_P(StoreConcurrency, ConcurrentInsertsGetDistinctIdsAndVersions) {
  auto setup = open();
  Actor admin = make_admin(*setup);
  Patient p = make_patient(*setup, admin, "Intake Target");
  constexpr int kPerThread = 25;
  std::vector<std::vector<long long>> ids(kThreads);
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      StoreOptions options;
      options.pool_size = 1;
      options.photo_dir = (dir() / "photos").string();
      auto store = open_store(db(), options);
      for (int i = 0; i < kPerThread; ++i) {
        ids[t].push_back(make_patient(*store, admin, "Writer " + std::to_string(t) + "-" + std::to_string(i)).id);
        Intake intake;
        intake.patient_id = p.id;
        intake.intake_json = "{}";
        store->add_intake(admin, intake);  // versions of one patient: must not collide
      }
    });
  }
  for (auto& th : threads) th.join();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::set<long long> distinct;
  for (const auto& list : ids) distinct.insert(list.begin(), list.end());
  EXPECT_EQ(distinct.size(), static_cast<std::size_t>(kThreads * kPerThread));
  PatientQuery q;
  q.name_contains = "writer ";
  EXPECT_EQ(setup->list_patients(q).total, kThreads * kPerThread);
  auto intakes = setup->list_intakes(p.id);
  ASSERT_EQ(intakes.size(), static_cast<std::size_t>(kThreads * kPerThread));
  for (std::size_t i = 0; i < intakes.size(); ++i) EXPECT_EQ(intakes[i].version, static_cast<int>(i) + 1);
  auto v = setup->verify_audit_chain();
  EXPECT_TRUE(v.ok) << v.reason;
  EXPECT_EQ(v.rows_checked, 2 + 2 * kThreads * kPerThread);
  std::printf("[          ] %d concurrent writers: %d audited commits in %.2f s (%.0f commits/s)\n", kThreads,
              2 * kThreads * kPerThread, seconds, 2 * kThreads * kPerThread / seconds);
}

TEST_P(StoreConcurrency, SingleWriterThroughputReport) {
  // Not a limit, a figure for the notes: audited, durable commits per second, one writer.
  auto store = open();
  Actor admin = make_admin(*store);
  constexpr int kCommits = 200;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kCommits; ++i) make_patient(*store, admin, "Throughput " + std::to_string(i));
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  start = std::chrono::steady_clock::now();
  PatientQuery q;
  q.limit = 50;
  constexpr int kPages = 200;
  for (int i = 0; i < kPages; ++i) {
    q.offset = (i * 7) % 150;
    ASSERT_EQ(store->list_patients(q).patients.size(), 50u);
  }
  double list_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("[          ] one writer: %.0f audited commits/s; patient list pages of 50: %.0f/s\n",
              kCommits / seconds, kPages / list_seconds);
}

TEST_P(StoreConcurrency, OneStoreSharedByThreads) {
  auto store = open();  // pool of 4 connections
  Actor admin = make_admin(*store);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        Patient p = make_patient(*store, admin, "Pooled " + std::to_string(t) + "-" + std::to_string(i));
        store->append_audit(admin, AuditAction::read, "patient", p.id, "");
        EXPECT_TRUE(store->find_patient(p.id));
      }
    });
  }
  for (auto& th : threads) th.join();
  PatientQuery q;
  q.name_contains = "pooled";
  EXPECT_EQ(store->list_patients(q).total, kThreads * 10);
  EXPECT_TRUE(store->verify_audit_chain().ok);
}


TEST_P(StoreConcurrency, WritesSharingACommitKeepTheirOwnOutcome) {
  // 16 threads write through one store at once (on SQLite their writes share transactions and
  // commits, each in its own savepoint): creates, read-modify-write updates of one patient
  // retried on conflict, stale updates that must fail, deletes of a patient that does not exist,
  // and accounts whose username is taken (refused by the database's unique key, inside the
  // shared transaction). Each caller gets its own answer; a refused write leaves nothing behind.
  auto store = open();
  Actor admin = make_admin(*store);
  const Patient shared = make_patient(*store, admin, "Shared Record");
  const long long audit_before = store->audit_head().seq;
  const long long changes_before = store->change_seq();
  constexpr int kWriters = 16;
  constexpr int kPerWriter = 10;
  std::vector<std::vector<Patient>> created(kWriters);
  std::atomic<int> stale_refused{0}, missing_refused{0}, taken_refused{0}, updates{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kWriters; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerWriter; ++i) {
        const std::string tag = std::to_string(t) + "-" + std::to_string(i);
        switch ((t + i) % 5) {
          case 0:
            created[t].push_back(make_patient(*store, admin, "Grouped " + tag));
            break;
          case 1:
            for (;;) {
              Patient p = *store->find_patient(shared.id);
              p.notes += "[" + tag + "]";
              try {
                store->update_patient(admin, p);
                ++updates;
                break;
              } catch (const ConflictError&) {
              }
            }
            break;
          case 2: {
            Patient stale = shared;  // version 1: long since changed (after the first update)
            stale.row_version = 0;
            stale.notes = "STALE " + tag;
            try {
              store->update_patient(admin, stale);
            } catch (const ConflictError&) {
              ++stale_refused;
            }
            break;
          }
          case 3:
            try {
              store->delete_patient(admin, 999999, "no such patient " + tag);
            } catch (const NotFoundError&) {
              ++missing_refused;
            }
            break;
          default:
            try {
              make_admin(*store, "admin");
            } catch (const DuplicateError&) {
              ++taken_refused;
            }
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  const int kEach = kWriters * kPerWriter / 5;
  EXPECT_EQ(stale_refused.load(), kEach);
  EXPECT_EQ(missing_refused.load(), kEach);
  EXPECT_EQ(taken_refused.load(), kEach);
  EXPECT_EQ(store->list_users().size(), 1u);
  EXPECT_EQ(updates.load(), kEach);
  const Patient final_state = *store->find_patient(shared.id);
  EXPECT_EQ(final_state.notes.find("STALE"), std::string::npos) << final_state.notes;
  EXPECT_EQ(final_state.row_version, 1 + kEach);
  std::set<long long> ids;
  for (const auto& mine : created)
    for (const Patient& p : mine) {
      ids.insert(p.id);
      const auto stored = store->find_patient(p.id);
      ASSERT_TRUE(stored) << p.name;
      EXPECT_EQ(stored->name, p.name);
    }
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(kEach));
  PatientQuery q;
  q.name_contains = "grouped";
  EXPECT_EQ(store->list_patients(q).total, kEach);
  // One audit row per write that stood (a create, an update), none for a refused one.
  const auto rows = store->list_audit(audit_before, 10000);
  EXPECT_EQ(rows.size(), static_cast<std::size_t>(2 * kEach));
  for (const auto& row : rows) EXPECT_EQ(row.detail.find("no such patient"), std::string::npos) << row.detail;
  EXPECT_GT(store->change_seq(), changes_before);
  const auto v = store->verify_audit_chain();
  EXPECT_TRUE(v.ok) << v.reason;
}

TEST_P(StoreConcurrency, GroupCommittedAuditRowsAreEachChainedAndReturnedToTheirCaller) {
  // Many threads audit reads through one store at once: the rows are committed in groups, yet
  // each caller gets its own row back, seqs are distinct and gap-free, and the chain verifies.
  auto store = open();
  Actor admin = make_admin(*store);
  const long long before = static_cast<long long>(store->list_audit(0, 10000).size());
  constexpr int kReaders = 16;
  constexpr int kPerReader = 20;
  std::vector<std::vector<AuditEntry>> returned(kReaders);
  std::vector<std::thread> threads;
  for (int t = 0; t < kReaders; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerReader; ++i) {
        std::string detail = "reader " + std::to_string(t) + " read " + std::to_string(i);
        returned[t].push_back(store->append_audit(admin, AuditAction::read, "patient", 1000 * t + i, detail));
      }
    });
  }
  for (auto& th : threads) th.join();
  auto stored = store->list_audit(before, 10000);
  ASSERT_EQ(stored.size(), static_cast<std::size_t>(kReaders * kPerReader));
  std::set<long long> seqs;
  for (int t = 0; t < kReaders; ++t) {
    for (int i = 0; i < kPerReader; ++i) {
      const AuditEntry& mine = returned[t][i];
      seqs.insert(mine.seq);
      ASSERT_GT(mine.seq, before);
      const AuditEntry& row = stored[static_cast<std::size_t>(mine.seq - before - 1)];
      EXPECT_EQ(row.seq, mine.seq);
      EXPECT_EQ(row.record_id, 1000 * t + i);
      EXPECT_EQ(row.detail, "reader " + std::to_string(t) + " read " + std::to_string(i));
      EXPECT_EQ(row.hash, mine.hash);
      if (i > 0) {
        EXPECT_GT(mine.seq, returned[t][i - 1].seq) << "one caller's rows keep their order";
      }
    }
  }
  EXPECT_EQ(seqs.size(), static_cast<std::size_t>(kReaders * kPerReader));
  EXPECT_EQ(*seqs.begin(), before + 1);
  EXPECT_EQ(*seqs.rbegin(), before + kReaders * kPerReader);
  auto v = store->verify_audit_chain();
  EXPECT_TRUE(v.ok) << v.reason;
}

}  // namespace
}  // namespace dermaplan::records::testing
