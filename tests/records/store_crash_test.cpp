// kill -9 in the middle of a stream of writes: a child process writes and acknowledges each
// commit on a pipe; the parent SIGKILLs it, reopens the database and finds every acknowledged
// write, an intact database and an unbroken audit chain.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <set>

#include "store_test_support.h"

namespace dermaplan::records::testing {
namespace {

class StoreCrash : public StoreTest {};
DERMAPLAN_INSTANTIATE_BACKENDS(StoreCrash);

/// The child: writes patients (and every 10th a photo) until killed; after each commit it writes
/// the record's number to `ack_fd`. Never returns.
[[noreturn]] void write_until_killed(const std::string& db, const StoreOptions& options, int first,
                                     int ack_fd) {
  try {
    auto store = open_store(db, options);
    Actor admin{1, "admin"};
    for (int n = first;; ++n) {
      Patient p;
      p.name = "crash-" + std::to_string(n);
      p.birth_date = "1990-01-01";
      p = store->create_patient(admin, p);
      if (n % 10 == 0) {
        Photo ph;
        ph.patient_id = p.id;
        ph.content_type = "image/jpeg";
        ph.taken_on = "2026-01-01";
        store->add_photo(admin, ph, std::string(64 * 1024, static_cast<char>(n)) + std::to_string(n));
      }
      if (::write(ack_fd, &n, sizeof n) != sizeof n) ::_exit(4);
    }
  } catch (...) {
    ::_exit(3);
  }
}

TEST_P(StoreCrash, EveryAcknowledgedWriteSurvivesSigkill) {
  StoreOptions options;
  if (backend() == Backend::postgresql) options.photo_dir = (dir() / "photos").string();
  { auto store = open(options); make_admin(*store); }

  std::set<int> acknowledged;
  int next = 0;
  for (int round = 0; round < 3; ++round) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      ::close(fds[0]);
      write_until_killed(db(), options, next, fds[1]);
    }
    ::close(fds[1]);
    // Let it write a different number of records each round, then kill it mid-stream.
    const int kill_after = 15 + 20 * round;
    int received = 0;
    int n = 0;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (received < kill_after && std::chrono::steady_clock::now() < deadline) {
      ssize_t got = ::read(fds[0], &n, sizeof n);
      if (got == static_cast<ssize_t>(sizeof n)) {
        acknowledged.insert(n);
        ++received;
      } else if (got <= 0 && errno != EINTR) {
        break;
      }
    }
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the writer stopped by itself (exit " << WEXITSTATUS(status) << ")";
    // Acknowledgements already in the pipe were acknowledged before the kill: count them too.
    while (::read(fds[0], &n, sizeof n) == static_cast<ssize_t>(sizeof n)) acknowledged.insert(n);
    ::close(fds[0]);
    ASSERT_GE(received, kill_after) << "the writer was too slow";
    next = *acknowledged.rbegin() + 2;  // the unacknowledged one may or may not be there

    auto store = open(options);
    EXPECT_EQ(store->integrity_check(), "ok");
    auto v = store->verify_audit_chain();
    EXPECT_TRUE(v.ok) << "round " << round << ": " << v.reason;
    std::set<std::string> names;
    for (const auto& p : store->list_patients(PatientQuery{"", false, 1000, 0, {}}).patients) {
      names.insert(p.name);
      for (const auto& ph : store->list_photos(p.id)) EXPECT_NO_THROW(store->read_photo(ph.sha256));
    }
    for (int a : acknowledged) EXPECT_TRUE(names.count("crash-" + std::to_string(a))) << "lost crash-" << a;
  }
  EXPECT_GE(acknowledged.size(), 15u + 35u + 55u);
}

}  // namespace
}  // namespace dermaplan::records::testing
