#include "store_test_support.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <random>

#include "records/sql_session.h"

namespace dermaplan::records::testing {
namespace fs = std::filesystem;

std::optional<std::string> pg_server_url() {
  if (const char* env = std::getenv("DERMAPLAN_TEST_PG_URL"); env && *env) return std::string(env);
  std::ifstream in(DERMAPLAN_PG_URL_FILE);
  std::string url;
  if (in && std::getline(in, url) && !url.empty()) return url;
  return std::nullopt;
}

std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::sqlite ? "sqlite" : "postgresql";
}

namespace {

std::string unique_suffix() {
  static std::atomic<unsigned> counter{0};
  std::random_device rd;
  return std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" + std::to_string(rd() % 100000);
}

std::string with_database(const std::string& url, const std::string& name) {
  auto query = url.find('?');
  std::string base = url.substr(0, query);
  std::string rest = query == std::string::npos ? "" : url.substr(query);
  auto slash = base.find('/', base.find("://") + 3);
  return (slash == std::string::npos ? base : base.substr(0, slash)) + "/" + name + rest;
}

}  // namespace

void StoreTest::SetUp() {
  if (backend() == Backend::postgresql && !pg_server_url()) {
    GTEST_SKIP() << "PostgreSQL backend not tested: set DERMAPLAN_TEST_PG_URL to a server URL, or run "
                    "through ctest, which starts a throw-away cluster (scripts/pg-test-cluster.sh; needs "
                    "the postgresql package)";
  }
  dir_ = fs::temp_directory_path() / ("dermaplan-records-test-" + unique_suffix());
  fs::create_directories(dir_);
  db_ = make_database("main");
}

std::string StoreTest::make_database_on(Backend backend, const std::string& tag) {
  if (backend == Backend::sqlite) return (dir_ / (tag + ".db")).string();
  std::string name = "dp_" + tag + "_" + unique_suffix();
  auto admin = connect(parse_database(*pg_server_url()));
  *admin << "CREATE DATABASE " << name;
  pg_databases_.push_back(name);
  return with_database(*pg_server_url(), name);
}

void StoreTest::TearDown() {
  if (!pg_databases_.empty()) {
    auto admin = connect(parse_database(*pg_server_url()));
    for (const auto& name : pg_databases_) *admin << "DROP DATABASE IF EXISTS " << name << " WITH (FORCE)";
  }
  std::error_code ec;
  if (!dir_.empty()) fs::remove_all(dir_, ec);
}

std::unique_ptr<Store> StoreTest::open(StoreOptions options) {
  if (options.photo_dir.empty() && backend() == Backend::postgresql) {
    options.photo_dir = (dir_ / "photos").string();
  }
  return open_store(db_, std::move(options));
}

std::unique_ptr<soci::session> StoreTest::raw(const std::string& db) { return connect(parse_database(db)); }

Actor StoreTest::make_admin(Store& store, const std::string& username) {
  User u;
  u.username = username;
  u.display_name = "Admin " + username;
  u.role = Role::admin;
  u.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$test";
  u = store.create_user(Actor{0, "system"}, u);
  return Actor{u.id, u.username};
}

Patient StoreTest::make_patient(Store& store, const Actor& by, const std::string& name) {
  Patient p;
  p.name = name;
  p.birth_date = "1985-04-12";
  p.sex = "female";
  return store.create_patient(by, p);
}

}  // namespace dermaplan::records::testing
