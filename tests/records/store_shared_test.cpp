// Several servers on one database: what each must be able to rely on from the store. The
// change counter that keeps caches honest across processes, migrations applied once while
// other openers wait, and one photo directory for all of them.
#include <atomic>
#include <fstream>
#include <thread>

#include "records/migrations.h"
#include "store_test_support.h"

namespace dermaplan::records::testing {
namespace {

class StoreShared : public StoreTest {};
DERMAPLAN_INSTANTIATE_BACKENDS(StoreShared);

TEST_P(StoreShared, TheChangeCounterGrowsWithEveryWriteByAnyStore) {
  auto a = open();
  auto b = open();
  Actor admin = make_admin(*a);
  const long long start = b->change_seq();
  Patient p = make_patient(*a, admin, "Counted Change");
  const long long after_create = b->change_seq();
  EXPECT_GT(after_create, start);
  p.notes = "edited through the other store";
  b->update_patient(admin, p);
  EXPECT_GT(a->change_seq(), after_create);
  // Audited reads and login bookkeeping are not changes to the record.
  const long long before_reads = a->change_seq();
  b->append_audit(admin, AuditAction::read, "patient", p.id, "");
  AuthSession s;
  s.token_hash = std::string(64, 'a');
  s.user_id = admin.user_id;
  s.expires_at_ms = 9'000'000'000'000;
  b->create_auth_session(s);
  b->touch_auth_session(s.token_hash, 1'900'000'000'000);
  EXPECT_EQ(a->change_seq(), before_reads);
  // A bulk transaction counts too.
  b->in_one_transaction([&] { make_patient(*b, admin, "Bulk One"); });
  EXPECT_GT(a->change_seq(), before_reads);
}

TEST_P(StoreShared, ServersOpeningAnEmptyDatabaseTogetherMigrateItOnce) {
  const std::string db = make_database("together");
  std::atomic<int> opened{0}, failed{0};
  std::vector<std::thread> servers;
  for (int i = 0; i < 4; ++i)
    servers.emplace_back([&, i] {
      try {
        StoreOptions options;
        options.photo_dir = (dir() / ("photos" + std::to_string(i))).string();
        auto store = open_store(db, options);
        if (store->schema_version() == latest_schema_version()) ++opened;
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
        ++failed;
      }
    });
  for (auto& t : servers) t.join();
  EXPECT_EQ(opened.load(), 4);
  EXPECT_EQ(failed.load(), 0);
  auto sql = raw(db);
  long long steps = 0;
  *sql << "SELECT COUNT(*) FROM schema_migrations", soci::into(steps);
  EXPECT_EQ(steps, latest_schema_version());
  EXPECT_EQ(migrate(*sql, backend()), 0);
}

TEST_P(StoreShared, EveryServerOfADatabaseUsesOnePhotoDirectory) {
  StoreOptions shared;
  shared.photo_dir = (dir() / "shared-photos").string();
  auto first = open(shared);
  first->claim_photo_dir();
  auto second = open(shared);
  EXPECT_NO_THROW(second->claim_photo_dir());
  EXPECT_NO_THROW(first->claim_photo_dir());  // again: still the same directory
  StoreOptions elsewhere;
  elsewhere.photo_dir = (dir() / "other-photos").string();
  auto third = open(elsewhere);
  try {
    third->claim_photo_dir();
    FAIL() << "a server with another photo directory was accepted";
  } catch (const StoreUnavailableError& e) {
    EXPECT_NE(std::string(e.what()).find("same --photo-dir"), std::string::npos) << e.what();
  }
  // A directory that belongs to another database is refused too.
  std::filesystem::create_directories(elsewhere.photo_dir);
  std::ofstream(elsewhere.photo_dir + "/.dermaplan-database-id") << "0123456789abcdef\n";
  EXPECT_THROW(third->claim_photo_dir(), StoreUnavailableError);
}

}  // namespace
}  // namespace dermaplan::records::testing
