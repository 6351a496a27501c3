// Accounts and sessions over HTTP: cookies, CSRF, expiry on the injected clock, revocation,
// login rate limits, Argon2id hashes and the first admin account.
#include <functional>
#include <thread>

#include "clinic/accounts.h"
#include "clinic/failure.h"
#include "server/api_error.h"
#include "server_test_support.h"

namespace dermaplan::server::testing {
namespace {

using nlohmann::json;
using records::Role;

class Auth : public ServerTest {};
DERMAPLAN_INSTANTIATE_BACKENDS(Auth);

TEST_P(Auth, LoginSetsAnHttpOnlyStrictCookieAndACsrfToken) {
  auto c = client();
  Reply r = c.send("POST", "/api/login", json{{"username", "admin"}, {"password", "admin-password"}}.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  bool session = false, csrf = false;
  auto range = r.headers.equal_range("Set-Cookie");
  for (auto it = range.first; it != range.second; ++it) {
    if (it->second.rfind("dermaplan_session=", 0) == 0) {
      session = true;
      EXPECT_NE(it->second.find("HttpOnly"), std::string::npos);
      EXPECT_NE(it->second.find("SameSite=Strict"), std::string::npos);
    }
    if (it->second.rfind("dermaplan_csrf=", 0) == 0) {
      csrf = true;
      EXPECT_EQ(it->second.find("HttpOnly"), std::string::npos);  // the page reads it
    }
  }
  EXPECT_TRUE(session && csrf);
  EXPECT_EQ(r.json()["user"]["role"], "admin");
  EXPECT_FALSE(r.json()["user"].contains("password_hash"));
  // The token is stored hashed, never in clear.
  const Login login = c.login("admin", "admin-password");
  EXPECT_FALSE(store_->find_auth_session(login.token).has_value());
  EXPECT_TRUE(store_->find_auth_session(token_hash(login.token)).has_value());
}

TEST_P(Auth, WrongPasswordAndUnknownUserGetTheSame401) {
  auto c = client();
  Reply a = c.send("POST", "/api/login", json{{"username", "admin"}, {"password", "nope"}}.dump());
  Reply b = c.send("POST", "/api/login", json{{"username", "nobody"}, {"password", "nope"}}.dump());
  EXPECT_EQ(a.status, 401);
  EXPECT_EQ(b.status, 401);
  EXPECT_EQ(a.body, b.body);
}

TEST_P(Auth, StateChangingRequestsNeedTheCsrfHeader) {
  auto c = client();
  const json patient = {{"name", "Csrf Case"}, {"birth_date", "1980-05-06"}};
  Reply without = c.send("POST", "/api/patients", patient.dump(), &admin_, /*csrf=*/false);
  EXPECT_EQ(without.status, 403);
  EXPECT_EQ(without.code(), "csrf");
  Login wrong = admin_;
  wrong.csrf = std::string(64, '0');
  EXPECT_EQ(c.send("POST", "/api/patients", patient.dump(), &wrong).status, 403);
  Reply ok = c.send("POST", "/api/patients", patient.dump(), &admin_);
  EXPECT_EQ(ok.status, 201) << ok.body;
  // Reads need none.
  EXPECT_EQ(c.send("GET", "/api/patients", "", &admin_, false).status, 200);
  // A bearer token (not sent by browsers on their own) needs no CSRF header.
  httplib::Client raw("127.0.0.1", port_);
  auto res = raw.Post("/api/patients", {{"Authorization", "Bearer " + admin_.token}}, patient.dump(), "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 201);
  // The scheme's case does not matter (RFC 9110 section 11.1).
  auto lower = raw.Get("/api/patients", {{"Authorization", "bearer " + admin_.token}});
  ASSERT_TRUE(lower);
  EXPECT_EQ(lower->status, 200);
}

TEST_P(Auth, SessionsExpireAfterInactivityOnTheInjectedClock) {
  auto c = client();
  const long long idle = SessionOptions{}.inactivity_ms;
  advance_clock_ms(idle - 60'000);
  EXPECT_EQ(c.get("/api/me", admin_).status, 200);  // activity resets the idle clock
  advance_clock_ms(idle - 60'000);
  EXPECT_EQ(c.get("/api/me", admin_).status, 200);
  advance_clock_ms(idle + 1);
  Reply r = c.get("/api/me", admin_);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.code(), "unauthorized");
  // Expired stays expired, also after the clock stops moving.
  EXPECT_EQ(c.get("/api/me", admin_).status, 401);
}

TEST_P(Auth, TheIdleClockSurvivesARestartOfTheServer) {
  const SessionOptions defaults;
  const long long idle = defaults.inactivity_ms;
  advance_clock_ms(idle - 60'000);
  EXPECT_EQ(client().get("/api/me", admin_).status, 200);  // activity, written to the store
  stop();
  start();  // a new server process: nothing in memory
  advance_clock_ms(idle - 60'000);  // long after the login, not long after the last activity
  EXPECT_EQ(client().get("/api/me", admin_).status, 200);
  stop();
  start();
  advance_clock_ms(idle + defaults.persist_activity_ms + 1);  // idle too long, restart or not
  EXPECT_EQ(client().get("/api/me", admin_).status, 401);
  EXPECT_TRUE(store_->find_auth_session(token_hash(admin_.token))->revoked);
}

TEST_P(Auth, UsersChangeTheirOwnPasswordAndEveryOtherSessionEnds) {
  auto c = client();
  add_user("asa", Role::assistant);
  Login here = login_as("asa");
  Login elsewhere = login_as("asa");
  auto change = [&](const Login& who, const std::string& current, const std::string& next) {
    return c.send("POST", "/api/me/password", json{{"current_password", current}, {"new_password", next}}.dump(), &who);
  };
  Reply wrong = change(here, "not-my-password", "a-brand-new-secret");
  EXPECT_EQ(wrong.status, 403);
  EXPECT_EQ(wrong.code(), "wrong_password");
  EXPECT_EQ(wrong.field(), "/current_password");
  EXPECT_EQ(change(here, "asa-password", "short").field(), "/new_password");
  EXPECT_EQ(change(here, "asa-password", "asa-password").status, 400) << "the same password again";
  EXPECT_EQ(c.send("POST", "/api/me/password",
                   json{{"current_password", "asa-password"}, {"new_password", "a-brand-new-secret"}}.dump(), &here,
                   /*csrf=*/false)
                .status,
            403)
      << "a state-changing request without the CSRF header";

  Reply ok = change(here, "asa-password", "a-brand-new-secret");
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(c.get("/api/me", here).status, 401) << "the old session ends";
  EXPECT_EQ(c.get("/api/me", elsewhere).status, 401) << "so does every other";
  // The answer carries a new session, like a login.
  Login renewed;
  for (const auto& [name, value] : ok.headers) {
    if (name == "Set-Cookie" && value.rfind("dermaplan_session=", 0) == 0) {
      renewed.token = value.substr(18, value.find(';') - 18);
      renewed.cookie = "dermaplan_session=" + renewed.token;
    }
  }
  renewed.csrf = ok.json()["csrf_token"];
  ASSERT_EQ(renewed.token.size(), 64u);
  EXPECT_EQ(c.get("/api/me", renewed).status, 200);
  EXPECT_EQ(c.send("POST", "/api/login", json{{"username", "asa"}, {"password", "asa-password"}}.dump()).status, 401);
  EXPECT_EQ(c.login("asa", "a-brand-new-secret").token.size(), 64u);
  // The wrong attempt and the change are both in the audit log.
  int failed = 0, updated = 0;
  for (const auto& e : store_->list_audit(0, 1000)) {
    if (e.action == records::AuditAction::login_failed && e.detail.find("password change") != std::string::npos)
      ++failed;
    if (e.action == records::AuditAction::update && e.entity == "user" && e.username == "asa") ++updated;
  }
  EXPECT_EQ(failed, 1);
  EXPECT_EQ(updated, 1);
}

TEST_P(Auth, EveryRoleSeesWhoIsWhoButNotLoginNames) {
  add_user("asa", Role::assistant);
  Reply r = client().get("/api/staff", login_as("asa"));
  ASSERT_EQ(r.status, 200) << r.body;
  bool found_admin = false;
  const json staff = r.json()["staff"];
  for (const auto& person : staff) {
    EXPECT_FALSE(person.contains("username"));
    EXPECT_FALSE(person.contains("password_hash"));
    if (person["role"] == "admin") found_admin = true;
  }
  EXPECT_TRUE(found_admin) << r.body;
  EXPECT_EQ(staff.size(), 2u);
}

TEST_P(Auth, NewAccountsHaveNamesAndPasswordsOneCanType) {
  // Login names that differ from a taken one only in case, or hold a space, an invisible
  // character or an accent, would be two accounts a person cannot tell apart; a password of
  // spaces is none.
  auto c = client();
  struct Case {
    const char* name;
    json body;
    int status;
    const char* field;
  };
  const auto user = [](const std::string& username, const std::string& password) {
    return json{{"username", username}, {"display_name", "Someone"}, {"role", "assistant"}, {"password", password}};
  };
  const std::vector<Case> cases{
      {"the admin's name in capitals", user("ADMIN", "a-long-password"), 409, "/username"},
      {"a trailing space", user("admin ", "a-long-password"), 400, "/username"},
      {"a zero-width space inside", user("ad\u200bmin", "a-long-password"), 400, "/username"},
      {"a line break", user("nurse\njo", "a-long-password"), 400, "/username"},
      {"a password of spaces", user("nurse.jo", "                "), 400, "/password"},
      // ASCII only: "jürgen" has look-alikes (a decomposed ü; "JÜRGEN") that folding ASCII
      // case would not catch; the display name holds "Jürgen".
      {"a name with an accent", user("jürgen", "correct horse battery"), 400, "/username"},
      {"a decomposed accent", user("ju\u0308rgen", "correct horse battery"), 400, "/username"},
      {"an ASCII name and a passphrase", user("juergen", "correct horse battery"), 201, ""},
      {"an ASCII case twin of it", user("Juergen", "correct horse battery"), 409, "/username"},
  };
  for (const auto& k : cases) {
    SCOPED_TRACE(k.name);
    Reply r = c.post("/api/users", k.body, admin_);
    EXPECT_EQ(r.status, k.status) << r.body;
    if (*k.field) {
      EXPECT_EQ(r.field(), k.field) << r.body;
    }
  }
}

TEST_P(Auth, SessionsEndAtTheirLifetimeEvenWhenActive) {
  auto c = client();
  const SessionOptions defaults;
  for (long long t = 0; t < defaults.lifetime_ms - 3'600'000; t += 3'600'000) {
    advance_clock_ms(3'600'000);
    ASSERT_EQ(c.get("/api/me", admin_).status, 200) << t;
  }
  advance_clock_ms(3'600'001);
  EXPECT_EQ(c.get("/api/me", admin_).status, 401);
}

TEST_P(Auth, LogoutRevokesTheToken) {
  auto c = client();
  EXPECT_EQ(c.send("POST", "/api/logout", "", &admin_).status, 204);
  EXPECT_EQ(c.get("/api/me", admin_).status, 401);
  EXPECT_TRUE(store_->find_auth_session(token_hash(admin_.token))->revoked);
}

TEST_P(Auth, PasswordChangeAndDisableRevokeSessions) {
  auto c = client();
  const auto pat = add_user("pat", Role::practitioner);
  Login first = login_as("pat");
  Login second = login_as("pat");
  Reply r = c.send("PATCH", "/api/users/" + std::to_string(pat.id),
                   json{{"row_version", pat.row_version}, {"password", "a-new-password-1"}}.dump(), &admin_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(c.get("/api/me", first).status, 401);
  EXPECT_EQ(c.get("/api/me", second).status, 401);
  EXPECT_EQ(c.send("POST", "/api/login", json{{"username", "pat"}, {"password", "pat-password"}}.dump()).status, 401);
  Login third = c.login("pat", "a-new-password-1");
  EXPECT_EQ(c.get("/api/me", third).status, 200);
  r = c.send("PATCH", "/api/users/" + std::to_string(pat.id),
             json{{"row_version", r.json()["row_version"]}, {"disabled", true}}.dump(), &admin_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(c.get("/api/me", third).status, 401);
  EXPECT_EQ(c.send("POST", "/api/login", json{{"username", "pat"}, {"password", "a-new-password-1"}}.dump()).status,
            401);
}

TEST_P(Auth, RevocationByAnotherProcessIsSeenOnTheNextRequest) {
  auto c = client();
  const auto pat = add_user("pat", Role::practitioner);
  Login login = login_as("pat");
  EXPECT_EQ(c.get("/api/me", login).status, 200);
  store_->revoke_auth_sessions_of(pat.id);  // what `dermaplan user disable` does from outside
  EXPECT_EQ(c.get("/api/me", login).status, 401);  // no clock advance: every request reads the login counter
}

TEST_P(Auth, LoginIsRateLimitedPerUsername) {
  auto c = client();
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(c.send("POST", "/api/login", json{{"username", "admin"}, {"password", "wrong"}}.dump()).status, 401);
  Reply r = c.send("POST", "/api/login", json{{"username", "admin"}, {"password", "admin-password"}}.dump());
  EXPECT_EQ(r.status, 429);  // even the right password, until the window passes
  EXPECT_EQ(r.code(), "rate_limited");
  advance_clock_ms(5 * 60 * 1000 + 1);
  EXPECT_EQ(c.send("POST", "/api/login", json{{"username", "admin"}, {"password", "admin-password"}}.dump()).status,
            200);
  // Failed logins are audited.
  int failed = 0;
  for (const auto& e : store_->list_audit(0, 1000))
    if (e.action == records::AuditAction::login_failed) ++failed;
  EXPECT_EQ(failed, 5);
}

TEST_P(Auth, LoginIsRateLimitedPerClientAddress) {
  auto c = client();
  // Spread over many usernames, so only the per-address limit (4x the per-user one) applies.
  int limited_at = -1;
  for (int i = 0; i < 30 && limited_at < 0; ++i) {
    Reply r = c.send("POST", "/api/login",
                     json{{"username", "guess" + std::to_string(i)}, {"password", "wrong"}}.dump());
    if (r.status == 429) limited_at = i;
    else EXPECT_EQ(r.status, 401);
  }
  EXPECT_EQ(limited_at, 20);
}

TEST_P(Auth, ForwardedAddressesCountOnlyFromATrustedProxy) {
  // Straight to the Api, so the test can set the peer address and headers.
  auto failed_login = [&](const Api& api, const std::string& peer, const std::string& forwarded, int i) {
    Request r;
    r.method = "POST";
    r.path = "/api/login";
    r.remote_addr = peer;
    if (!forwarded.empty()) r.headers["x-forwarded-for"] = forwarded;
    r.body = json{{"username", "guess" + std::to_string(i)}, {"password", "wrong"}}.dump();
    return api.handle(r).status;
  };
  ApiOptions behind_proxy;
  behind_proxy.trusted_proxies = {"127.0.0.1"};
  behind_proxy.clock = [this] { return now_ms_.load(); };
  behind_proxy.password_limits = PasswordHasher::minimum();
  Api proxied(*store_, test_kb(), behind_proxy);
  // 30 failures through the proxy from 30 different clients: none is limited...
  for (int i = 0; i < 30; ++i)
    EXPECT_EQ(failed_login(proxied, "127.0.0.1", "198.51.100." + std::to_string(i), i), 401) << i;
  // ...while one client behind it is, after 20 (a spoofed first entry does not help: the proxy
  // appends the real peer last).
  int limited_at = -1;
  for (int i = 0; i < 30 && limited_at < 0; ++i)
    if (failed_login(proxied, "127.0.0.1", "10.9.9." + std::to_string(i) + ", 203.0.113.7", 100 + i) == 429)
      limited_at = i;
  EXPECT_EQ(limited_at, 20);
  // The audit log names the forwarded client.
  bool named = false;
  for (const auto& e : store_->list_audit(0, 10000))
    if (e.action == records::AuditAction::login_failed && e.detail == "from 203.0.113.7") named = true;
  EXPECT_TRUE(named);

  // Without the option the header is ignored: every request counts for its peer.
  ApiOptions direct = behind_proxy;
  direct.trusted_proxies.clear();
  Api exposed(*store_, test_kb(), direct);
  limited_at = -1;
  for (int i = 0; i < 30 && limited_at < 0; ++i)
    if (failed_login(exposed, "192.0.2.5", "198.51.100." + std::to_string(i), 200 + i) == 429) limited_at = i;
  EXPECT_EQ(limited_at, 20);
}

TEST(PasswordHashing, InteractiveLimitsProduceArgon2id) {
  PasswordHasher hasher;  // production limits
  const std::string hash = hasher.hash("correct horse battery");
  EXPECT_EQ(hash.rfind("$argon2id$v=19$m=65536,t=2,p=1$", 0), 0u) << hash;
  EXPECT_TRUE(hasher.verify(hash, "correct horse battery"));
  EXPECT_FALSE(hasher.verify(hash, "correct horse batterx"));
  EXPECT_NE(hasher.hash("correct horse battery"), hash);  // salted
}

TEST(PasswordHashing, TheBoundedPoolRefusesBeyondItsQueue) {
  PasswordHasher hasher(PasswordHasher::interactive(), /*max_parallel=*/1, /*max_waiting=*/0);
  std::atomic<int> busy{0}, done{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&] {
      try {
        hasher.hash("x");
        ++done;
      } catch (const clinic::ClinicError& e) {
        EXPECT_EQ(clinic::http_status(e.kind()), 503);
        ++busy;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_GE(done.load(), 1);
  EXPECT_GE(busy.load(), 1);
}

class TwoServers : public records::testing::StoreTest {};
DERMAPLAN_INSTANTIATE_BACKENDS(TwoServers);

TEST_P(TwoServers, ALoginChangeOnOneShowsOnTheOtherBeforeItAnswers) {
  // Two servers' session managers, each over its own store on one database.
  auto store_a = open();
  auto store_b = open();
  const Clock clock = [] { return records::system_now_ms(); };
  SessionManager a(*store_a, clock), b(*store_b, clock);
  PasswordHasher hasher(PasswordHasher::minimum());
  const records::Actor by{0, "test"};
  // What changes where (on B, as another server's API or `dermaplan user ...` would), and
  // whether the session is then refused or shows the change.
  auto change_on_b = [&](const records::User& u, clinic::AccountChange change) {
    change.user_id = u.id;
    change.row_version = u.row_version;
    clinic::change_account(*store_b, hasher, by, change);
  };
  struct Case {
    const char* what;
    std::function<void(const records::User&, const std::string& token)> change;
    bool refused;
  };
  const std::vector<Case> cases{
      {"logout on A", [&](const records::User&, const std::string& token) { a.end(token_hash(token)); }, true},
      {"password change on B",
       [&](const records::User& u, const std::string&) {
         clinic::AccountChange c;
         c.password = "another-password-1";
         change_on_b(u, c);
       },
       true},
      {"disabled on B",
       [&](const records::User& u, const std::string&) {
         clinic::AccountChange c;
         c.disabled = true;
         change_on_b(u, c);
       },
       true},
      {"the user's sessions revoked in the store (dermaplan user disable)",
       [&](const records::User& u, const std::string&) { store_b->revoke_auth_sessions_of(u.id); }, true},
      {"role change on B",
       [&](const records::User& u, const std::string&) {
         clinic::AccountChange c;
         c.role = Role::assistant;
         change_on_b(u, c);
       },
       false},
  };
  int n = 0;
  for (const auto& test : cases) {
    records::User u;
    u.username = "pat" + std::to_string(++n);
    u.display_name = "Pat";
    u.role = Role::practitioner;
    u.password_hash = hasher.hash("pat-password-1");
    u = store_a->create_user(by, u);
    const std::string token = a.start(u);
    // Both know the session (and cache it).
    for (int i = 0; i < 2; ++i) {
      ASSERT_TRUE(a.check(token)) << test.what;
      ASSERT_TRUE(b.check(token)) << test.what;
    }
    test.change(*store_a->find_user(u.id), token);  // when it returns ...
    for (SessionManager* server : {&a, &b}) {      // ... both servers refuse it or show it
      const auto who = server->check(token);
      if (test.refused) {
        EXPECT_FALSE(who) << test.what << (server == &a ? " (A)" : " (B)");
      } else {
        ASSERT_TRUE(who) << test.what;
        EXPECT_EQ(who->user.role, Role::assistant) << test.what << (server == &a ? " (A)" : " (B)");
      }
    }
  }
}

class FirstAdmin : public records::testing::StoreTest {};
DERMAPLAN_INSTANTIATE_BACKENDS(FirstAdmin);

TEST_P(FirstAdmin, IsCreatedOnceWithAPasswordThatLogsIn) {
  auto store = open();
  PasswordHasher hasher(PasswordHasher::minimum());
  const auto password = clinic::ensure_first_admin(*store, hasher);
  ASSERT_TRUE(password.has_value());
  EXPECT_GE(password->size(), 16u);
  EXPECT_FALSE(clinic::ensure_first_admin(*store, hasher).has_value());
  const auto admin = store->find_user_by_username("admin");
  ASSERT_TRUE(admin);
  EXPECT_EQ(admin->role, Role::admin);
  EXPECT_TRUE(hasher.verify(admin->password_hash, *password));
}

}  // namespace
}  // namespace dermaplan::server::testing
