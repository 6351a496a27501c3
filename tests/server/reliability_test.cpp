// Reliability through the API, on both backends: SIGKILL of a `dermaplan serve` child process
// in the middle of a stream of writes; concurrent writers (no lost update, no duplicate);
// backup, restore and compare; the operator commands' exit codes.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include "server_test_support.h"

namespace dermaplan::server::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

/// A child process running the dermaplan binary; SIGKILLed and reaped when destroyed, so no
/// server outlives a failing test.
class Child {
 public:
  explicit Child(std::vector<std::string> args) {
    int out[2];
    if (::pipe(out) != 0) throw std::runtime_error("pipe");
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(out[1], STDOUT_FILENO);
      ::close(out[0]);
      ::close(out[1]);
      std::vector<char*> argv;
      static std::string binary = DERMAPLAN_BINARY;
      argv.push_back(binary.data());
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(binary.c_str(), argv.data());
      ::_exit(127);
    }
    ::close(out[1]);
    stdout_ = ::fdopen(out[0], "r");
  }
  ~Child() {
    kill();
    if (stdout_) std::fclose(stdout_);
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  /// The next line of the child's standard output ("" at the end).
  std::string line() {
    char buffer[4096];
    if (!std::fgets(buffer, sizeof buffer, stdout_)) return "";
    return buffer;
  }
  void kill(int signal = SIGKILL) {
    if (pid_ <= 0) return;
    ::kill(pid_, signal);
    ::waitpid(pid_, &status_, 0);
    pid_ = -1;
  }
  /// Waits for the exit; the exit code (or 128 + signal).
  int wait() {
    if (pid_ > 0) {
      ::waitpid(pid_, &status_, 0);
      pid_ = -1;
    }
    return WIFEXITED(status_) ? WEXITSTATUS(status_) : 128 + WTERMSIG(status_);
  }

 private:
  pid_t pid_ = -1;
  int status_ = 0;
  FILE* stdout_ = nullptr;
};

/// Runs a dermaplan command to completion; returns its exit code and output.
std::pair<int, std::string> run(std::vector<std::string> args) {
  Child child(std::move(args));
  std::string out, line;
  while (!(line = child.line()).empty()) out += line;
  return {child.wait(), out};
}

class Reliability : public ServerTest {
 protected:
  std::vector<std::string> db_args() {
    std::vector<std::string> a{"--db", db()};
    if (backend() == records::Backend::postgresql) {
      a.push_back("--photo-dir");
      a.push_back((dir() / "photos").string());
    }
    return a;
  }
  /// Starts `dermaplan serve --port 0` on this test's database; returns its port.
  int serve(std::unique_ptr<Child>& child) {
    auto args = db_args();
    args.insert(args.begin(), "serve");
    for (const char* a : {"--port", "0", "--bind", "127.0.0.1"}) args.push_back(a);
    child = std::make_unique<Child>(args);
    for (int i = 0; i < 5; ++i) {
      const std::string line = child->line();
      const auto at = line.find("http://127.0.0.1:");
      if (at != std::string::npos) return std::stoi(line.substr(at + 17));
      if (line.empty()) break;
    }
    ADD_FAILURE() << "dermaplan serve did not start";
    return 0;
  }
};
DERMAPLAN_INSTANTIATE_BACKENDS(Reliability);

TEST_P(Reliability, EveryAcknowledgedWriteSurvivesSigkillOfTheServer) {
  stop();  // only the child serves here
  std::map<long long, std::string> acknowledged;
  for (int round = 0; round < 3; ++round) {
    std::unique_ptr<Child> server;
    const int port = serve(server);
    ASSERT_GT(port, 0);
    Client c(port);
    const Login login = c.login("admin", "admin-password");
    std::mutex mutex;
    std::atomic<bool> done{false};
    std::atomic<int> acks{0};
    std::vector<std::thread> writers;
    for (int w = 0; w < 4; ++w)
      writers.emplace_back([&, w] {
        httplib::Client http("127.0.0.1", port);
        http.set_read_timeout(5, 0);
        for (int n = 0; !done; ++n) {
          const std::string name = "crash " + std::to_string(round) + "-" + std::to_string(w) + "-" + std::to_string(n);
          auto res = http.Post("/api/patients", {{"Cookie", login.cookie}, {"X-CSRF-Token", login.csrf}},
                               json{{"name", name}, {"birth_date", "1980-05-06"}}.dump(), "application/json");
          if (!res) return;  // the server is gone
          if (res->status != 201) {
            ADD_FAILURE() << res->status << " " << res->body;
            return;
          }
          std::lock_guard lock(mutex);
          acknowledged[json::parse(res->body)["id"].get<long long>()] = name;
          ++acks;
        }
      });
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while (acks < 100 * (round + 1) && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
    server->kill(SIGKILL);  // mid-stream: writers have requests in flight
    done = true;
    for (auto& t : writers) t.join();
  }
  ASSERT_GE(acknowledged.size(), 300u);
  // After a restart every acknowledged patient is there, and the database is intact.
  std::unique_ptr<Child> server;
  const int port = serve(server);
  Client c(port);
  const Login login = c.login("admin", "admin-password");
  int checked = 0;
  for (const auto& [id, name] : acknowledged) {
    if (++checked % 7 && checked > 40) continue;  // every acknowledged id is checked below in bulk
    Reply r = c.get("/api/patients/" + std::to_string(id), login);
    ASSERT_EQ(r.status, 200) << id;
    EXPECT_EQ(r.json()["name"], name);
  }
  auto reopened = open();
  records::PatientQuery all;
  all.limit = 1000;
  std::set<long long> present;
  for (all.offset = 0;; all.offset += all.limit) {
    auto page = reopened->list_patients(all);
    for (const auto& p : page.patients) present.insert(p.id);
    if (page.patients.empty()) break;
  }
  for (const auto& [id, name] : acknowledged) EXPECT_TRUE(present.count(id)) << "lost acknowledged write " << id;
  EXPECT_EQ(reopened->integrity_check(), "ok");
  EXPECT_TRUE(reopened->verify_audit_chain().ok);
}

TEST_P(Reliability, ConcurrentWritersLoseNoUpdate) {
  const auto patient = create_patient(admin_, "Counter");
  const std::string path = "/api/patients/" + std::to_string(patient["id"].get<long long>());
  ASSERT_EQ(client().send("PATCH", path, json{{"row_version", patient["row_version"]}, {"notes", "0"}}.dump(), &admin_).status,
            200);
  constexpr int kThreads = 6, kIncrements = 10;
  std::atomic<int> conflicts{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&] {
      Client c(port_);
      for (int done = 0; done < kIncrements;) {
        const json p = c.get(path, admin_).json();
        const int n = std::stoi(p["notes"].get<std::string>());
        Reply r = c.send("PATCH", path, json{{"row_version", p["row_version"]}, {"notes", std::to_string(n + 1)}}.dump(),
                         &admin_);
        if (r.status == 200) ++done;
        else if (r.status == 409 && r.code() == "conflict") ++conflicts;
        else ADD_FAILURE() << r.status << " " << r.body;
      }
    });
  for (auto& t : threads) t.join();
  const json final_state = client().get(path, admin_).json();
  EXPECT_EQ(final_state["notes"], std::to_string(kThreads * kIncrements));  // no update lost
  EXPECT_EQ(final_state["row_version"], patient["row_version"].get<long long>() + 1 + kThreads * kIncrements);
  EXPECT_GT(conflicts.load(), 0) << "the writers never raced; the test proves nothing";
}

TEST_P(Reliability, ConcurrentCreatesMakeNoDuplicates) {
  constexpr int kThreads = 6, kEach = 15;
  std::vector<std::thread> threads;
  std::atomic<int> user_created{0}, user_conflict{0};
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      Client c(port_);
      for (int i = 0; i < kEach; ++i)
        EXPECT_EQ(c.post("/api/patients", {{"name", "dup " + std::to_string(t) + "-" + std::to_string(i)}, {"birth_date", "1980-05-06"}}, admin_).status,
                  201);
      // Everyone tries to create the same user: exactly one wins.
      Reply r = c.post("/api/users", {{"username", "same"}, {"password", "long-enough-password"}, {"role", "assistant"}},
                       admin_);
      if (r.status == 201) ++user_created;
      else if (r.status == 409) ++user_conflict;
      else ADD_FAILURE() << r.body;
    });
  for (auto& t : threads) t.join();
  const json page = client().get("/api/patients?q=dup&limit=200", admin_).json();
  EXPECT_EQ(page["total"], kThreads * kEach);
  std::set<std::string> names;
  for (const auto& p : page["patients"]) names.insert(p["name"].get<std::string>());
  EXPECT_EQ(names.size(), static_cast<size_t>(kThreads * kEach));
  EXPECT_EQ(user_created.load(), 1);
  EXPECT_EQ(user_conflict.load(), kThreads - 1);
}

TEST_P(Reliability, BackupRestoreAndCompare) {
  auto c = client();
  for (int i = 0; i < 5; ++i) {
    const auto p = create_patient(admin_, "Backup " + std::to_string(i));
    std::string b64 = "/9j/";  // FF D8 FF: a JPEG's first bytes
    for (int k = 0; k <= i; ++k) b64 += "QUJD";
    EXPECT_EQ(c.post("/api/patients/" + std::to_string(p["id"].get<long long>()) + "/photos",
                     {{"image_base64", b64}, {"tag", "before"}}, admin_).status, 201);
    c.post("/api/patients/" + std::to_string(p["id"].get<long long>()) + "/sessions",
           {{"date", "2026-10-0" + std::to_string(i + 1)}, {"lot_number", "LOT-B"}}, admin_);
  }
  // An online backup through the API while a writer keeps writing.
  std::atomic<bool> stop_writer{false};
  std::thread writer([&] {
    Client w(port_);
    for (int n = 0; !stop_writer; ++n) w.post("/api/patients", {{"name", "during " + std::to_string(n)}, {"birth_date", "1980-05-06"}}, admin_);
  });
  Reply backup = c.post("/api/backup", json::object(), admin_);
  stop_writer = true;
  writer.join();
  ASSERT_EQ(backup.status, 201) << backup.body;
  const std::string file = backup.json()["path"];
  const auto backup_digest = records::open_store(file)->content_digest();

  // Restore it into a fresh database with the operator command, and compare.
  const std::string target = make_database("restored");
  std::vector<std::string> args{"restore", file, "--db", target};
  const std::string restored_photos = (dir() / "restored-photos").string();
  if (backend() == records::Backend::postgresql) { args.push_back("--photo-dir"); args.push_back(restored_photos); }
  auto [code, out] = run(args);
  ASSERT_EQ(code, 0) << out;
  records::StoreOptions target_options;
  if (backend() == records::Backend::postgresql) target_options.photo_dir = restored_photos;
  auto restored = records::open_store(target, target_options);
  auto restored_digest = restored->content_digest();
  // The restore itself appends one audit row ("restore"), which moves the audit chain's head;
  // every other table is identical.
  ASSERT_EQ(restored_digest.size(), backup_digest.size());
  for (size_t i = 0; i < backup_digest.size(); ++i) {
    if (backup_digest[i].table.rfind("audit_", 0) == 0) continue;
    EXPECT_EQ(restored_digest[i], backup_digest[i]) << backup_digest[i].table;
  }
  EXPECT_EQ(restored->integrity_check(), "ok");
  EXPECT_TRUE(restored->verify_audit_chain().ok);
  // Photos: the same bytes under the same hashes.
  auto original = records::open_store(file);
  records::PatientQuery all;
  all.limit = 1000;
  int photos = 0;
  for (const auto& p : original->list_patients(all).patients)
    for (const auto& ph : original->list_photos(p.id)) {
      EXPECT_EQ(restored->read_photo(ph.sha256), original->read_photo(ph.sha256));
      ++photos;
    }
  EXPECT_EQ(photos, 5);
}

TEST_P(Reliability, OperatorCommands) {
  create_patient(admin_, "Operator Case");
  // backup FILE: consistent, and never overwrites.
  const std::string file = (dir() / "cli-backup.db").string();
  auto args = db_args();
  args.insert(args.begin(), {"backup", file});
  auto [code, out] = run(args);
  ASSERT_EQ(code, 0) << out;
  EXPECT_NE(run(args).first, 0);
  // audit verify: ok, then non-zero once a row is tampered with.
  args = db_args();
  args.insert(args.begin(), {"audit", "verify"});
  std::tie(code, out) = run(args);
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("audit chain ok"), std::string::npos);
  {
    auto sql = raw(db());
    if (backend() == records::Backend::sqlite) {
      *sql << "DROP TRIGGER audit_log_no_update";
    } else {
      *sql << "DROP TRIGGER audit_log_append_only ON audit_log";
    }
    *sql << "UPDATE audit_log SET detail = 'nothing to see' WHERE seq = 2";
  }
  EXPECT_NE(run(args).first, 0);
  // user add / passwd / disable.
  args = db_args();
  args.insert(args.begin(), {"user", "add", "nurse", "--role", "assistant"});
  std::tie(code, out) = run(args);
  ASSERT_EQ(code, 0) << out;
  const auto at = out.find("Password for nurse: ");
  ASSERT_NE(at, std::string::npos) << out;
  const std::string password = out.substr(at + 20, 20);
  Login nurse = client().login("nurse", password);
  EXPECT_EQ(client().get("/api/me", nurse).json()["user"]["role"], "assistant");
  args = db_args();
  args.insert(args.begin(), {"user", "disable", "nurse"});
  EXPECT_EQ(run(args).first, 0);
  EXPECT_EQ(client().get("/api/me", nurse).status, 401);  // at once: the running server sees it
  EXPECT_EQ(client().send("POST", "/api/login", json{{"username", "nurse"}, {"password", password}}.dump()).status, 401);
}

TEST_P(Reliability, OperatorCommandsThatFailChangeNothingAndShowNoPassword) {
  // A refused account prints no password (it used to print one before the refusal).
  auto args = db_args();
  args.insert(args.begin(), {"user", "add", ""});
  auto [code, out] = run(args);
  EXPECT_EQ(code, 2) << out;
  EXPECT_EQ(out.find("Password"), std::string::npos) << out;
  // A file that is not a backup is refused before the target database is opened or made.
  const auto not_a_backup = dir() / "notes.json";
  std::ofstream(not_a_backup) << "{\"not\": \"a database\"}";
  const auto target = dir() / "restored-here.db";
  std::tie(code, out) = run({"restore", not_a_backup.string(), "--db", target.string(), "--yes"});
  EXPECT_EQ(code, 2) << out;
  EXPECT_FALSE(std::filesystem::exists(target));
  // An output directory that cannot be made is a file error (exit 5), not a crash (exit 1).
  args = db_args();
  args.insert(args.begin(), {"export", "csv", "--out", "/proc/dermaplan-cannot-be-here"});
  std::tie(code, out) = run(args);
  EXPECT_EQ(code, 5) << out;
}

}  // namespace
}  // namespace dermaplan::server::testing
