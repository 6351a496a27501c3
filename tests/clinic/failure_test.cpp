#include "clinic/failure.h"

#include <gtest/gtest.h>

#include "core/errors.h"
#include "records/errors.h"

#include <filesystem>
#include <set>

namespace dermaplan::clinic {
namespace {

Failure failure_of(const std::function<void()>& raise) {
  try {
    raise();
  } catch (...) {
    return describe_failure(std::current_exception());
  }
  ADD_FAILURE() << "nothing was thrown";
  return {};
}

TEST(Failure, KeepsWhatAndWhereApart) {
  const auto f = failure_of([] { throw InputError("/areas/0", "unknown region 'nose2'"); });
  EXPECT_EQ(f.kind, FailureKind::bad_input);
  EXPECT_EQ(f.where, "/areas/0");
  EXPECT_EQ(f.message, "unknown region 'nose2'");
  EXPECT_EQ(http_status(f.kind), 400);
  EXPECT_EQ(exit_code(f.kind), 2);
}

TEST(Failure, StoreFieldsBecomeRequestPointers) {
  const auto f = failure_of([] { throw records::InvalidRecordError("session.lot_number", "too long"); });
  EXPECT_EQ(f.where, "/lot_number");
  EXPECT_EQ(f.message, "too long");
  EXPECT_EQ(failure_of([] { throw records::SignedSessionError("", "signed"); }).code, "signed");
  EXPECT_EQ(http_status(failure_of([] { throw records::ConflictError("", "x"); }).kind), 409);
  EXPECT_EQ(http_status(failure_of([] { throw records::NotFoundError("", "x"); }).kind), 404);
  EXPECT_EQ(http_status(failure_of([] { throw records::StoreUnavailableError("", "x"); }).kind), 503);
}

TEST(Failure, AFileThatCannotBeUsedIsNamedNotACrash) {
  const auto f = failure_of([] {
    std::filesystem::create_directories("/proc/dermaplan-cannot-be-here");
  });
  EXPECT_EQ(f.kind, FailureKind::unavailable);
  EXPECT_EQ(f.code, "file_error");
  EXPECT_EQ(f.where, "/proc/dermaplan-cannot-be-here");
  EXPECT_EQ(f.message, "cannot create directories: No such file or directory");
  EXPECT_EQ(exit_code(f.kind), 5);
}

TEST(Failure, ABrokenAuditChainHasItsOwnExitCode) {
  const auto broken = failure_of([] {
    throw ClinicError(FailureKind::audit_chain_broken, "audit_chain_broken", "broken at seq 3");
  });
  const auto crash = failure_of([] { throw std::runtime_error("bug"); });
  EXPECT_EQ(crash.kind, FailureKind::internal);
  EXPECT_EQ(exit_code(broken.kind), 3);
  EXPECT_NE(exit_code(broken.kind), exit_code(crash.kind));
}

TEST(Failure, ExitCodesTellTheKindsOfTroubleApart) {
  std::set<int> codes;
  for (auto kind : {FailureKind::internal, FailureKind::bad_input, FailureKind::audit_chain_broken,
                    FailureKind::refused, FailureKind::unavailable})
    codes.insert(exit_code(kind));
  EXPECT_EQ(codes.size(), 5u);
  EXPECT_EQ(codes.count(0), 0u) << "a failure never exits 0";
}

TEST(Failure, GateDetailsTravelWithTheFailure) {
  const auto f = failure_of([] {
    throw ClinicError(FailureKind::refused, "gate", "not now", "",
                      nlohmann::json{{"unmet", {{{"condition", "consent_missing"}}}}});
  });
  EXPECT_EQ(http_status(f.kind), 409);
  EXPECT_EQ(f.details["unmet"][0]["condition"], "consent_missing");
}

}  // namespace
}  // namespace dermaplan::clinic
