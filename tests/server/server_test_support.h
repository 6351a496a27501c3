// The fixture of the server suite: a fresh database on the test's backend (the records
// suite's StoreTest), an Api over it with a clock the test controls and fast password hashing,
// and a real HTTP server on 127.0.0.1 with an ephemeral port, stopped in TearDown.
#pragma once

#include <httplib.h>

#include <atomic>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "kb/knowledge_base.h"
#include "server/api.h"
#include "server/http_server.h"
#include "store_test_support.h"

namespace dermaplan::server::testing {

/// The bundled knowledge base, loaded once for the whole suite.
const kb::KnowledgeBase& test_kb();

/// A logged-in client: its cookie and CSRF token.
struct Login {
  std::string cookie;  //!< "dermaplan_session=..."
  std::string csrf;
  std::string token;
};

/// A response as a test sees it.
struct Reply {
  int status = 0;
  std::string body;
  httplib::Headers headers;
  nlohmann::json json() const;
  /// error.code / error.field of a JSON error ("" if absent).
  std::string code() const;
  std::string field() const;
};

/// Sends requests to a server on 127.0.0.1:port.
class Client {
 public:
  explicit Client(int port);
  /// method: GET POST PUT PATCH DELETE. With a login: its cookie, and its CSRF header unless
  /// csrf is false.
  Reply send(const std::string& method, const std::string& path, const std::string& body = "",
             const Login* login = nullptr, bool csrf = true);
  Reply get(const std::string& path, const Login& login) { return send("GET", path, "", &login); }
  Reply post(const std::string& path, const nlohmann::json& body, const Login& login) {
    return send("POST", path, body.dump(), &login);
  }
  /// POST /api/login; fails the test unless it succeeds.
  Login login(const std::string& username, const std::string& password);

 private:
  httplib::Client http_;
};

/// A patient on record with what the treatment gate asks for (ServerTest::make_treatable).
struct TreatablePatient {
  long long id = 0;
  std::string path;         //!< "/api/patients/<id>"
  long long plan_id = 0;
  std::string region;
  std::string device;       //!< the plan's device there
  double length_mm = 0;     //!< the plan's length there
  /// The body of a session that meets every condition (lot number included).
  nlohmann::json session(const std::string& date, const std::string& status = "performed") const;
};

class ServerTest : public records::testing::StoreTest {
 protected:
  void SetUp() override;
  void TearDown() override;

  /// Stops the server and the Api (for tests that restart with other options).
  void stop();
  /// (Re)starts the Api and the HTTP server over store_ with these options (clock and fast
  /// hashing are filled in).
  void start(ApiOptions options = {});

  /// Creates a user with the given role; the password is "<username>-password".
  records::User add_user(const std::string& username, records::Role role);
  Login login_as(const std::string& username) { return client().login(username, username + "-password"); }
  Client client() { return Client(port_); }
  void advance_clock_ms(long long ms) { now_ms_ += ms; }

  /// A new patient through the API (as `who`); returns its JSON.
  nlohmann::json create_patient(const Login& who, const std::string& name);

  /// A patient the treatment gate lets through: an eligible intake, a course plan for
  /// `indication` on `region`, and a signed consent to that plan's form, all made as `who`.
  /// `as_of` (YYYY-MM-DD): the day the intake was taken and the consent given, for sessions
  /// dated before the test runs (the gate wants both by the session's date); "": 2026-09-01,
  /// before every session date the tests use.
  TreatablePatient make_treatable(const Login& who, const std::string& name,
                                  const std::string& indication = "skin-rejuvenation",
                                  const std::string& region = "cheek", const std::string& as_of = "");

  std::unique_ptr<records::Store> store_;
  std::unique_ptr<Api> api_;
  std::unique_ptr<HttpServer> http_;
  std::atomic<long long> now_ms_{1'790'000'000'000};  // 2026-09-22
  int port_ = 0;
  Login admin_;
};

/// The example intake from examples/.
nlohmann::json example_intake();
/// An intake that screens eligible (an adult woman, not pregnant, nothing on record).
nlohmann::json eligible_intake();
/// A small signature drawing, as the web's signature pad sends it.
nlohmann::json signature_svg();
/// The body of POST /api/patients/{id}/consents for `form` (GET /api/consent-text): every
/// statement and risk acknowledged, photos for the record only, signed with signature_svg().
nlohmann::json consent_body(const nlohmann::json& form, const std::string& consented_by);

/// A data-driven case's answer: 201 when `field` is "", else 400 naming `field`.
void expect_created_or_refused_at(const Reply& r, const char* field);

}  // namespace dermaplan::server::testing
