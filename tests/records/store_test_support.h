// The fixture every records test uses: one fresh, empty database per test, on the backend the
// test is instantiated with (SQLite file in a temp dir, or a new database on the test cluster).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "records/soci_headers.h"
#include "records/store.h"

namespace dermaplan::records {
inline void PrintTo(Backend backend, std::ostream* os) {
  *os << (backend == Backend::sqlite ? "sqlite" : "postgresql");
}
}  // namespace dermaplan::records

namespace dermaplan::records::testing {

/// The PostgreSQL server URL for tests: $DERMAPLAN_TEST_PG_URL, else the URL the CTest fixture
/// wrote to its file; nullopt when neither is set (the PostgreSQL cases then skip).
std::optional<std::string> pg_server_url();

/// "sqlite" / "postgresql", for test names.
std::string backend_name(const ::testing::TestParamInfo<Backend>& info);

class StoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override;
  void TearDown() override;

  /// The database name for open_store: a file path or a postgresql:// URL.
  const std::string& db() const { return db_; }
  /// A scratch directory removed after the test.
  const std::filesystem::path& dir() const { return dir_; }
  std::unique_ptr<Store> open(StoreOptions options = {});
  /// A second, empty database on the same backend (for restore targets).
  std::string make_database(const std::string& tag) { return make_database_on(backend(), tag); }
  /// An empty database on a given backend (PostgreSQL needs pg_server_url()).
  std::string make_database_on(Backend backend, const std::string& tag);
  /// A raw SOCI connection to a database of this test (tampering, old schema versions).
  std::unique_ptr<soci::session> raw(const std::string& db);

  /// Creates the admin user and returns it as an actor.
  Actor make_admin(Store& store, const std::string& username = "admin");
  Patient make_patient(Store& store, const Actor& by, const std::string& name);

  Backend backend() const { return GetParam(); }

 private:
  std::filesystem::path dir_;
  std::string db_;
  std::vector<std::string> pg_databases_;
};

#define DERMAPLAN_INSTANTIATE_BACKENDS(Suite)                                                   \
  INSTANTIATE_TEST_SUITE_P(Backends, Suite,                                                     \
                           ::testing::Values(::dermaplan::records::Backend::sqlite,             \
                                             ::dermaplan::records::Backend::postgresql),        \
                           ::dermaplan::records::testing::backend_name)

}  // namespace dermaplan::records::testing
