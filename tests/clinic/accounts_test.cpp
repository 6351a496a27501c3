#include "clinic/accounts.h"

#include <gtest/gtest.h>

#include "clinic/failure.h"
#include "core/errors.h"
#include "store_test_support.h"

namespace dermaplan::clinic {
namespace {

class Accounts : public records::testing::StoreTest {
 protected:
  PasswordHasher hasher{PasswordHasher::minimum()};
  const records::Actor by{0, "test"};

  records::User add(records::Store& store, const std::string& name, records::Role role) {
    return create_account(store, hasher, by, {name, "", role, name + "-password"});
  }
  /// The failure's code, or "" when the change went through.
  std::string refusal(records::Store& store, const AccountChange& change) {
    try {
      change_account(store, hasher, by, change);
      return "";
    } catch (const ClinicError& e) {
      return e.code() + " " + e.where();
    }
  }
};
DERMAPLAN_INSTANTIATE_BACKENDS(Accounts);

TEST_P(Accounts, TheLastEnabledAdminCanNeitherBeDemotedNorDisabled) {
  auto store = open();
  const auto admin = add(*store, "root", records::Role::admin);
  add(*store, "lee", records::Role::practitioner);

  AccountChange demote;
  demote.user_id = admin.id;
  demote.role = records::Role::practitioner;
  EXPECT_EQ(refusal(*store, demote), "last_admin /role");
  AccountChange disable;
  disable.user_id = admin.id;
  disable.disabled = true;
  EXPECT_EQ(refusal(*store, disable), "last_admin /disabled");
  EXPECT_EQ(store->find_user(admin.id)->role, records::Role::admin);
  EXPECT_FALSE(store->find_user(admin.id)->disabled);

  // With a second enabled admin, either may step down.
  const auto second = add(*store, "kim", records::Role::admin);
  EXPECT_EQ(refusal(*store, demote), "");
  EXPECT_EQ(store->find_user(admin.id)->role, records::Role::practitioner);
  AccountChange disable_second;
  disable_second.user_id = second.id;
  disable_second.disabled = true;
  EXPECT_EQ(refusal(*store, disable_second), "last_admin /disabled") << "kim is now the only admin";
}

TEST_P(Accounts, ANewPasswordEndsEverySessionAndEnablingDoesNot) {
  auto store = open();
  const auto lee = add(*store, "lee", records::Role::practitioner);
  records::AuthSession s;
  s.token_hash = std::string(64, 'a');
  s.user_id = lee.id;
  s.expires_at_ms = 4'000'000'000'000;
  store->create_auth_session(s);

  AccountChange enable;
  enable.user_id = lee.id;
  enable.disabled = false;
  EXPECT_FALSE(change_account(*store, hasher, by, enable).sessions_ended);
  EXPECT_FALSE(store->find_auth_session(s.token_hash)->revoked);

  AccountChange password;
  password.user_id = lee.id;
  password.password = "a-new-password-1";
  const auto changed = change_account(*store, hasher, by, password);
  EXPECT_TRUE(changed.sessions_ended);
  EXPECT_EQ(changed.sessions_ended_count, 1);
  EXPECT_TRUE(store->find_auth_session(s.token_hash)->revoked);
  EXPECT_TRUE(hasher.verify(store->find_user(lee.id)->password_hash, "a-new-password-1"));
}

TEST_P(Accounts, TheDemoDataAccountCannotBeMadeOneToLogInWith) {
  auto store = open();
  records::User u;  // as `dermaplan demo-data` makes it
  u.username = kDemoDataUsername;
  u.display_name = "Demo data (synthetic)";
  u.role = records::Role::practitioner;
  u.password_hash = "!no-login";
  u.disabled = true;
  const auto demo = store->create_user(by, u);
  EXPECT_EQ(refusal(*store, {demo.id, std::nullopt, std::nullopt, std::nullopt, false, std::nullopt}), "conflict /disabled");
  EXPECT_EQ(refusal(*store, {demo.id, std::nullopt, std::nullopt, std::nullopt, std::nullopt, "a-long-password"}),
            "conflict /password");
  EXPECT_EQ(refusal(*store, {demo.id, std::nullopt, std::nullopt, records::Role::admin, std::nullopt, std::nullopt}),
            "conflict /role");
  EXPECT_EQ(refusal(*store, {demo.id, std::nullopt, "Demo", std::nullopt, std::nullopt, std::nullopt}), "");
  EXPECT_TRUE(store->find_user(demo.id)->disabled);
}

TEST_P(Accounts, PolicyBreachesAndTakenNamesAreRefusedNamingTheField) {
  auto store = open();
  add(*store, "lee", records::Role::practitioner);
  auto where = [&](const NewAccount& a) {
    try {
      create_account(*store, hasher, by, a);
      return std::string("created");
    } catch (const InputError& e) {
      return e.where();
    } catch (const ClinicError& e) {
      return e.code() + " " + e.where();
    }
  };
  EXPECT_EQ(where({"kim", "", records::Role::assistant, "short"}), "/password");
  EXPECT_EQ(where({"lee", "", records::Role::assistant, "long-enough-password"}), "conflict /username");
  EXPECT_EQ(where({"", "", records::Role::assistant, "long-enough-password"}), "/username");
  // Usernames are ASCII: no look-alikes (NFC against NFD, case of accented letters), no spaces.
  for (const char* name : {"jos\xc3\xa9", "jose\xcc\x81", "JOS\xc3\x89", "lee kim", "lee\xe2\x80\x8b", "tab\tname"})
    EXPECT_EQ(where({name, "", records::Role::assistant, "long-enough-password"}), "/username") << name;
  EXPECT_EQ(where({"jo.se_m-1@clinic", "Jos\xc3\xa9 M.", records::Role::assistant, "long-enough-password"}), "created");
  // demo-data's records are signed by a disabled account of that name: no person may have it.
  EXPECT_EQ(where({"demo-data", "", records::Role::admin, "long-enough-password"}), "conflict /username");
  EXPECT_EQ(where({"Demo-Data", "", records::Role::admin, "long-enough-password"}), "conflict /username");
  EXPECT_EQ(where({"kim", "Kim", records::Role::assistant, "long-enough-password"}), "created");
  EXPECT_EQ(store->find_user_by_username("kim")->display_name, "Kim");
}

}  // namespace
}  // namespace dermaplan::clinic
