#include "clinic/passwords.h"

#include "clinic/failure.h"
#include "core/errors.h"
#include "core/storable_text.h"

#include <fmt/format.h>
#include <sodium.h>

#include <stdexcept>

namespace dermaplan::clinic {

namespace {
void ensure_sodium() {
  static const int ok = sodium_init();
  if (ok < 0) throw std::runtime_error("libsodium failed to initialise");
}
}  // namespace

PasswordHasher::Limits PasswordHasher::interactive() {
  return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}
PasswordHasher::Limits PasswordHasher::minimum() {
  return {crypto_pwhash_argon2id_OPSLIMIT_MIN, crypto_pwhash_argon2id_MEMLIMIT_MIN};
}

PasswordHasher::PasswordHasher(Limits limits, int max_parallel, int max_waiting)
    : limits_(limits), slots_(max_parallel, max_waiting) {
  ensure_sodium();
}

WorkSlots::Slot PasswordHasher::slot() {
  auto slot = slots_.acquire();
  if (!slot) throw ClinicError(FailureKind::busy, "busy", "too many logins at once; try again in a moment");
  return std::move(*slot);
}

std::string PasswordHasher::hash(const std::string& password) {
  const auto held = slot();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_argon2id_str(out, password.data(), password.size(), limits_.ops, limits_.mem_bytes) != 0)
    throw std::runtime_error("password hashing ran out of memory");
  return out;
}

bool PasswordHasher::verify(const std::string& encoded_hash, const std::string& password) {
  const auto held = slot();
  return crypto_pwhash_str_verify(encoded_hash.c_str(), password.data(), password.size()) == 0;
}

void PasswordHasher::waste_one_verification() {
  {
    std::lock_guard lock(mutex_);
    if (dummy_hash_.empty()) {
      char out[crypto_pwhash_STRBYTES];
      if (crypto_pwhash_argon2id_str(out, "x", 1, limits_.ops, limits_.mem_bytes) == 0) dummy_hash_ = out;
    }
  }
  verify(dummy_hash_, "not the password");
}

void check_new_password(const std::string& password, const std::string& where) {
  if (password.size() < kMinPasswordLength)
    throw InputError(where, fmt::format("a password needs at least {} characters", kMinPasswordLength));
  if (password.size() > kMaxPasswordLength)
    throw InputError(where, fmt::format("a password may have at most {} characters", kMaxPasswordLength));
  if (count_visible_characters(password) < kMinPasswordLength / 2)
    throw InputError(where, "a password needs characters besides spaces (a passphrase may have spaces between "
                            "its words)");
}

std::string random_password(int length) {
  ensure_sodium();
  static const char alphabet[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  std::string out;
  for (int i = 0; i < length; ++i) out += alphabet[randombytes_uniform(sizeof alphabet - 1)];
  return out;
}

}  // namespace dermaplan::clinic
