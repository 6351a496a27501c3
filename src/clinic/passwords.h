// Password hashing and the password policy, shared by the API and the operator commands.
//
// Thread safety: PasswordHasher is safe for concurrent use.
#pragma once

#include "core/work_slots.h"

#include <mutex>
#include <string>

namespace dermaplan::clinic {

/// Argon2id (libsodium crypto_pwhash_str). One hash costs ~0.2 s and 64 MiB with the
/// interactive limits, so at most `max_parallel` run at once; callers beyond `max_waiting`
/// waiting get ClinicError busy instead of piling up memory.
class PasswordHasher {
 public:
  struct Limits {
    unsigned long long ops;
    size_t mem_bytes;
  };
  static Limits interactive();  //!< production: crypto_pwhash_OPSLIMIT/MEMLIMIT_INTERACTIVE
  static Limits minimum();      //!< tests only: the smallest argon2id limits (fast)

  explicit PasswordHasher(Limits limits = interactive(), int max_parallel = 2, int max_waiting = 32);

  /// "$argon2id$v=19$m=...". Throws std::runtime_error if libsodium runs out of memory.
  std::string hash(const std::string& password);
  /// True if `password` matches the encoded hash (any argon2id limits).
  bool verify(const std::string& encoded_hash, const std::string& password);
  /// Spends the time of one verification (for unknown usernames: no timing oracle).
  void waste_one_verification();

 private:
  WorkSlots::Slot slot();  //!< one of the hashing slots, or ClinicError busy
  Limits limits_;
  WorkSlots slots_;
  std::mutex mutex_;  //!< guards dummy_hash_
  std::string dummy_hash_;
};

/// Shortest and longest passwords accepted.
inline constexpr size_t kMinPasswordLength = 10;
inline constexpr size_t kMaxPasswordLength = 1024;

/// Throws InputError at `where` unless `password` meets the policy.
void check_new_password(const std::string& password, const std::string& where);

/// A random password of `length` letters and digits (no look-alikes such as l/1, O/0).
std::string random_password(int length = 20);

}  // namespace dermaplan::clinic
