// The server under attack from loopback: bytes the database cannot hold, costly requests,
// lockouts by strangers, framing and sniffing, slow clients.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "server_test_support.h"

namespace dermaplan::server::testing {
namespace {

using nlohmann::json;
using namespace std::string_literals;

class Hardening : public ServerTest {};
DERMAPLAN_INSTANTIATE_BACKENDS(Hardening);

/// A TCP connection to 127.0.0.1:port, or -1.
int connect_loopback(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0) return fd;
  if (fd >= 0) ::close(fd);
  return -1;
}

// ---- text the database cannot store ---------------------------------------------------------

TEST_P(Hardening, login_with_a_nul_in_the_username_is_400_and_the_audit_chain_stays_valid) {
  // A raw body: json::dump would escape the NUL exactly like this.
  Reply r = client().send("POST", "/api/login", R"({"username":"evil\u0000user","password":"x"})");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.field(), "/username");
  const auto verification = store_->verify_audit_chain();
  EXPECT_TRUE(verification.ok) << verification.reason;
}

TEST_P(Hardening, notes_with_a_nul_are_400_and_nothing_is_stored) {
  Reply r = client().send("POST", "/api/patients",
                          R"({"name":"Nul Case","birth_date":"1980-05-06","notes":"before\u0000after"})", &admin_);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.field(), "/notes");
  EXPECT_NE(r.json()["error"]["message"].get<std::string>().find("NUL"), std::string::npos) << r.body;
  EXPECT_EQ(store_->list_patients({}).total, 0);
}

TEST_P(Hardening, a_nul_deep_in_an_intake_names_its_json_path) {
  json intake = example_intake();
  intake["medications"][0]["code"] = std::string("iso\0tretinoin", 13);
  Reply r = client().post("/api/screen", {{"intake", intake}, {"date", "2026-11-22"}}, admin_);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.field(), "/intake/medications/0/code") << r.body;
  // A field name too.
  r = client().send("POST", "/api/patients", R"({"name":"Ok","na\u0000me":"x"})", &admin_);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.field(), std::string("/na\0me", 6)) << r.body;  // named, with the key's bytes
}

TEST_P(Hardening, query_values_with_a_nul_or_invalid_utf8_are_400) {
  Reply r = client().get("/api/patients?q=ab%00cd", admin_);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.field(), "?q");
  r = client().get("/api/patients?q=%FF%FE", admin_);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.field(), "?q");
  EXPECT_TRUE(store_->verify_audit_chain().ok);
}

// ---- costly requests -----------------------------------------------------------------------

TEST_P(Hardening, a_simulation_over_the_budget_is_refused_at_once_naming_the_limit) {
  const json costly = {{"device", "pen-automated"}, {"region", "cheek"}, {"passes", 40}, {"patch_mm", 40},
                       {"overlap", 0.9}, {"seed", 77}};
  const auto start = std::chrono::steady_clock::now();
  Reply r = client().post("/api/simulate", costly, admin_);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.code(), "simulation_too_large");
  EXPECT_EQ(r.field(), "/passes");
  EXPECT_GT(r.json()["error"]["estimated_punctures"].get<double>(), r.json()["error"]["max_punctures"].get<double>());
  EXPECT_NE(r.json()["error"]["message"].get<std::string>().find("1000000"), std::string::npos) << r.body;
  EXPECT_LT(seconds, 2.0);
  // An ordinary one still runs.
  r = client().post("/api/simulate", {{"device", "pen-automated"}, {"region", "cheek"}, {"passes", 4}}, admin_);
  EXPECT_EQ(r.status, 200) << r.body.substr(0, 300);
}

// ---- login throttling --------------------------------------------------------------------

/// POST /api/login straight to the Api from a chosen peer address.
int login_from(const Api& api, const std::string& peer, const std::string& username, const std::string& password) {
  Request r;
  r.method = "POST";
  r.path = "/api/login";
  r.remote_addr = peer;
  r.body = json{{"username", username}, {"password", password}}.dump();
  return api.handle(r).status;
}

TEST_P(Hardening, a_stranger_guessing_a_password_does_not_lock_the_user_out_elsewhere) {
  for (int i = 0; i < 5; ++i) EXPECT_EQ(login_from(*api_, "203.0.113.9", "admin", "guess"), 401);
  EXPECT_EQ(login_from(*api_, "203.0.113.9", "admin", "admin-password"), 429);  // the stranger's address
  EXPECT_EQ(login_from(*api_, "198.51.100.7", "admin", "admin-password"), 200);  // the real user
  // The per-address limit still holds for the stranger across usernames (20 in the window).
  int limited_at = -1;
  for (int i = 0; i < 30 && limited_at < 0; ++i)
    if (login_from(*api_, "203.0.113.10", "user" + std::to_string(i), "guess") == 429) limited_at = i;
  EXPECT_EQ(limited_at, 20);
}

TEST_P(Hardening, repeated_lockouts_back_off_doubling) {
  const long long window = 5 * 60 * 1000;
  for (int i = 0; i < 5; ++i) EXPECT_EQ(login_from(*api_, "203.0.113.9", "admin", "guess"), 401);
  EXPECT_EQ(login_from(*api_, "203.0.113.9", "admin", "guess"), 429);
  advance_clock_ms(window + 1);  // the first lock: one window
  for (int i = 0; i < 5; ++i) EXPECT_EQ(login_from(*api_, "203.0.113.9", "admin", "guess"), 401) << i;
  advance_clock_ms(window + 1);  // the second lock lasts two windows
  EXPECT_EQ(login_from(*api_, "203.0.113.9", "admin", "admin-password"), 429);
  advance_clock_ms(window);
  EXPECT_EQ(login_from(*api_, "203.0.113.9", "admin", "admin-password"), 200);
  // A success forgets the history: the next five failures lock for one window again.
  for (int i = 0; i < 5; ++i) EXPECT_EQ(login_from(*api_, "203.0.113.9", "admin", "guess"), 401);
  advance_clock_ms(window + 1);
  EXPECT_EQ(login_from(*api_, "203.0.113.9", "admin", "admin-password"), 200);
}

// ---- the last admin ------------------------------------------------------------------------

TEST_P(Hardening, the_last_admin_cannot_demote_or_disable_themselves_over_http) {
  const auto me = store_->find_user_by_username("admin");
  ASSERT_TRUE(me);
  const std::string path = "/api/users/" + std::to_string(me->id);
  Reply r = client().send("PATCH", path, json{{"row_version", me->row_version}, {"role", "practitioner"}}.dump(), &admin_);
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(r.code(), "last_admin");
  r = client().send("PATCH", path, json{{"row_version", me->row_version}, {"disabled", true}}.dump(), &admin_);
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(store_->find_user(me->id)->role, records::Role::admin);
}

// ---- methods and framing the library answers itself ------------------------------------------

/// Sends `request` as it is on a fresh connection and returns the answer (what came within 5 s).
std::string raw_exchange(int port, const std::string& request) {
  const int fd = connect_loopback(port);
  if (fd < 0) return "";
  ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  timeval five_seconds{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &five_seconds, sizeof five_seconds);
  // Until the head and Content-Length bytes of body have come (the library keeps a connection
  // open after a request line it could not parse, whatever the request said), or the server
  // closes.
  std::string answer;
  char buffer[4096];
  for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) {
    answer.append(buffer, static_cast<size_t>(n));
    const auto head_end = answer.find("\r\n\r\n");
    if (head_end == std::string::npos) continue;
    const auto length_at = answer.find("\r\nContent-Length: ");
    if (length_at == std::string::npos || length_at > head_end) continue;
    const size_t length = std::stoul(answer.substr(length_at + 18));
    if (answer.size() >= head_end + 4 + length) break;
  }
  ::close(fd);
  return answer;
}

struct MethodCase {
  const char* name;
  std::string request;  //!< sent as it is; "Connection: close" is added before the blank line
  int status;
  const char* code;     //!< the JSON error code ("" for a success)
  const char* allow;    //!< the Allow header expected ("" for none)
  const char* says = "";  //!< in the error's message
};

TEST_P(Hardening, methods_and_bodies_get_the_status_that_says_what_is_wrong) {
  const std::vector<MethodCase> cases{
      {"a method the path does not take names those it does", "GET /api/login HTTP/1.1\r\n", 405,
       "method_not_allowed", "POST"},
      {"OPTIONS answers with the path's methods", "OPTIONS /api/patients HTTP/1.1\r\n", 405, "method_not_allowed",
       "GET, HEAD, POST"},
      {"HEAD is GET without the body", "HEAD /api/health HTTP/1.1\r\n", 200, "", ""},
      {"TRACE is refused, naming the path's methods", "TRACE /api/health HTTP/1.1\r\n", 405, "method_not_allowed",
       "GET, HEAD"},
      {"TRACE on an API path that is not there is 404, not 405", "TRACE /api/nope HTTP/1.1\r\n", 404, "not_found", ""},
      {"TRACE under a patient, on a path that is not there", "TRACE /api/patients/1/nonexistent HTTP/1.1\r\n", 404,
       "not_found", ""},
      {"CONNECT on an API path names its methods", "CONNECT /api/patients HTTP/1.1\r\n", 405, "method_not_allowed",
       "GET, HEAD, POST"},
      {"TRACE on the web page names its methods", "TRACE / HTTP/1.1\r\n", 405, "method_not_allowed", "GET, HEAD"},
      {"TRACE on a file that is not there is 404", "TRACE /nope.js HTTP/1.1\r\n", 404, "not_found", ""},
      {"an unknown path with a known method is 404", "DELETE /api/nope HTTP/1.1\r\n", 404, "not_found", ""},
      {"an unknown path under a patient is 404", "GET /api/patients/1/nonexistent HTTP/1.1\r\n", 404, "not_found",
       ""},
      {"an unknown method is not implemented", "BREW /api/health HTTP/1.1\r\n", 501, "not_implemented", ""},
      {"a method of bytes that are not text", "G\xffT /api/health HTTP/1.1\r\n", 501, "not_implemented", ""},
      {"a POST without a length", "POST /api/login HTTP/1.1\r\n", 411, "length_required", ""},
      // A length would not help a method the path does not take, or a request without a session.
      {"a PUT the path does not take, without a length", "PUT /api/login HTTP/1.1\r\n", 405, "method_not_allowed",
       "POST"},
      {"a PATCH on a read-only path, without a length", "PATCH /api/health HTTP/1.1\r\n", 405,
       "method_not_allowed", "GET, HEAD"},
      {"a PATCH without a session or a length", "PATCH /api/patients/1 HTTP/1.1\r\n", 401, "unauthorized", ""},
      // The body's framing (RFC 9112 section 6), refused before any body is read.
      {"two lengths that differ", "POST /api/login HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n", 400,
       "bad_request", ""},
      {"a negative length", "POST /api/login HTTP/1.1\r\nContent-Length: -1\r\n", 400, "bad_request", ""},
      {"a length that is not a number", "POST /api/login HTTP/1.1\r\nContent-Length: 2x\r\n", 400, "bad_request", ""},
      {"a length and chunks at once", "POST /api/login HTTP/1.1\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n",
       400, "bad_request", ""},
      {"chunks instead of a length", "POST /api/login HTTP/1.1\r\nTransfer-Encoding: chunked\r\n", 411,
       "length_required", ""},
      {"a transfer coding other than chunked", "POST /api/login HTTP/1.1\r\nTransfer-Encoding: gzip\r\n", 411,
       "length_required", ""},
      {"a refusal instead of 100 Continue", "POST /api/patients HTTP/1.1\r\nContent-Type: application/json\r\n"
                                            "Expect: 100-continue\r\nContent-Length: 5000000\r\n", 401,
       "unauthorized", ""},
      {"a form instead of JSON",
       "POST /api/login HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 9\r\n", 415,
       "unsupported_media_type", ""},
      // What the API would refuse whatever the body says, refused before the body is read.
      {"a write without a session", "POST /api/patients HTTP/1.1\r\nContent-Type: application/json\r\n"
                                    "Content-Length: 30000000\r\n", 401, "unauthorized", ""},
      {"a body over the route's limit", "POST /api/login HTTP/1.1\r\nContent-Type: application/json\r\n"
                                        "Content-Length: 30000000\r\n", 413, "payload_too_large", ""},
      {"no such endpoint", "POST /api/nothing-here HTTP/1.1\r\nContent-Length: 30000000\r\n", 404, "not_found", ""},
      // Header lines (RFC 9110 section 5, RFC 9112 section 5): refused, and the connection closed.
      {"a NUL in a header value", "GET /api/health HTTP/1.1\r\nX-A: a\0b\r\n"s, 400, "bad_request", "", "byte 0x00 at 1"},
      {"a control byte in a header value", "GET /api/health HTTP/1.1\r\nX-A: a\x01" "b\r\n", 400, "bad_request", "",
       "byte 0x01"},
      {"DEL in a header value", "GET /api/health HTTP/1.1\r\nX-A: a\x7f\r\n", 400, "bad_request", "", "byte 0x7F"},
      {"a lone CR in a header value", "GET /api/health HTTP/1.1\r\nX-A: a\rb\r\n", 400, "bad_request", "", "0x0D"},
      {"a percent-escaped NUL (the library decodes values)", "GET /api/health HTTP/1.1\r\nX-A: a%00b\r\n", 400,
       "bad_request", "", "%00 arrives as a NUL"},
      {"a folded header line", "POST /api/login HTTP/1.1\r\nX-A: a\r\n Content-Length: 5\r\n", 400, "bad_request", "",
       "obsolete line folding"},
      {"a folded header line after a tab", "GET /api/health HTTP/1.1\r\nX-A: a\r\n\tX-B: b\r\n", 400, "bad_request", "",
       "obsolete line folding"},
      {"a space before the colon", "GET /api/health HTTP/1.1\r\nX-A : a\r\n", 400, "bad_request", "",
       "'X-A' has a space before its colon"},
      {"a header line starting with a colon", "GET /api/health HTTP/1.1\r\n: a\r\n", 400, "bad_request", "", "no field name"},
      {"a name that is not a token", "GET /api/health HTTP/1.1\r\nX(A): a\r\n", 400, "bad_request", "",
       "'X(A)' has a character"},
      {"a cookie of another site with an escaped line break is not the server's", "GET /api/health HTTP/1.1\r\n"
       "Cookie: flash=two%0Alines; dermaplan_session=x\r\n", 200, "", ""},
      {"a tab and bytes above 0x7F in a value are a value", "GET /api/health HTTP/1.1\r\nX-A: a\tcaf\xc3\xa9\r\n", 200,
       "", ""},
      // What the library answers or drops before the server sees it (docs/security.md).
      {"a request line ending in a bare LF", "GET /api/health HTTP/1.1\nHost: y\n", 400, "bad_request", ""},
      {"a header line over 8 KiB", "GET /api/health HTTP/1.1\r\nX-A: " + std::string(9000, 'a') + "\r\n", 400,
       "bad_request", ""},
      {"a header line without a colon is dropped unseen", "GET /api/health HTTP/1.1\r\nNoColonHere\r\n", 200, "", ""},
      {"a header line ending in a bare LF is dropped unseen", "GET /api/health HTTP/1.1\r\nX-A: b\n", 200, "", ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string answer = raw_exchange(port_, c.request + "Host: x\r\nConnection: close\r\n\r\n");
    ASSERT_GE(answer.size(), 12u) << answer;
    EXPECT_EQ(answer.substr(0, 12), "HTTP/1.1 " + std::to_string(c.status)) << answer;
    const auto head_end = answer.find("\r\n\r\n");
    const std::string head = answer.substr(0, head_end);
    const std::string allow_line = std::string("\r\nAllow: ") + c.allow + "\r\n";
    if (*c.allow) {
      EXPECT_NE((head + "\r\n").find(allow_line), std::string::npos) << head;
    } else {
      EXPECT_EQ(head.find("\r\nAllow:"), std::string::npos) << head;
    }
    if (*c.code) {
      const auto body = json::parse(answer.substr(head_end + 4), nullptr, false);
      ASSERT_TRUE(body.is_object()) << answer;
      EXPECT_EQ(body["error"]["code"], c.code) << answer;
      EXPECT_FALSE(body["error"]["message"].get<std::string>().empty());
      EXPECT_NE(body["error"]["message"].get<std::string>().find(c.says), std::string::npos) << answer;
      // A request the server could not read, or would not trust, ends its connection.
      if (c.status == 400) {
        EXPECT_NE(head.find("\r\nConnection: close"), std::string::npos) << head;
      }
    }
  }
}

/// Sends `request` and reads until the server closes the connection (or `limit` passes).
/// Returns what came and the seconds it took.
std::pair<std::string, double> read_until_closed(int port, const std::string& request, std::chrono::seconds limit) {
  const int fd = connect_loopback(port);
  if (fd < 0) return {"", 0};
  const auto start = std::chrono::steady_clock::now();
  ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  timeval wait{static_cast<time_t>(limit.count()), 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
  std::string answer;
  char buffer[4096];
  for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) answer.append(buffer, static_cast<size_t>(n));
  ::close(fd);
  return {answer, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()};
}

size_t count_of(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST_P(Hardening, a_refusal_before_the_body_closes_the_connection) {
  // The unread body cannot be told from a next request: nothing after the refusal is answered,
  // and the connection ends at once rather than after the keep-alive wait.
  const auto [answer, seconds] = read_until_closed(
      port_,
      "POST /api/patients HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 37\r\n\r\n"
      "GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n",
      std::chrono::seconds(10));
  EXPECT_EQ(answer.substr(0, 12), "HTTP/1.1 401") << answer;
  EXPECT_EQ(count_of(answer, "HTTP/1.1 "), 1u) << answer;
  EXPECT_LT(seconds, 2.0);
  const auto [no_length, no_length_seconds] = read_until_closed(
      port_, "POST /api/login HTTP/1.1\r\nHost: x\r\n\r\nGET /api/health HTTP/1.1\r\nHost: x\r\n\r\n",
      std::chrono::seconds(10));
  EXPECT_EQ(no_length.substr(0, 12), "HTTP/1.1 411") << no_length;
  EXPECT_EQ(count_of(no_length, "HTTP/1.1 "), 1u) << no_length;
  EXPECT_LT(no_length_seconds, 2.0);
}

TEST_P(Hardening, a_refusal_that_closes_says_so_once_and_offers_no_keep_alive) {
  // "Connection: close" beside "Keep-Alive: timeout=5" contradicts itself; the header once, and
  // the connection closed at once whatever the client asked (the library reads only a
  // lower-case "close" as the client's request to close).
  struct Case {
    const char* name;
    std::string request;  //!< sent as it is, then "Host: x" and the blank line
    int status;
  };
  const std::vector<Case> cases{
      {"a method the path does not take", "TRACE /api/patients HTTP/1.1\r\n", 405},
      {"a header with a NUL", "GET /api/health HTTP/1.1\r\nX-A: a\0b\r\n"s, 400},
      {"a POST without a length", "POST /api/login HTTP/1.1\r\n", 411},
      {"a write without a session", "POST /api/patients HTTP/1.1\r\nContent-Type: application/json\r\n"
                                    "Content-Length: 5000\r\n", 401},
      {"the same, the client asking to close", "POST /api/login HTTP/1.1\r\nConnection: close\r\n", 411},
      {"the same, asking in capitals", "POST /api/login HTTP/1.1\r\nConnection: Close\r\n", 411},
      {"an HTTP/1.0 request", "POST /api/login HTTP/1.0\r\n", 411},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const auto [answer, seconds] = read_until_closed(port_, c.request + "Host: x\r\n\r\n", std::chrono::seconds(10));
    ASSERT_GE(answer.size(), 12u) << answer;
    EXPECT_EQ(answer.substr(9, 3), std::to_string(c.status)) << answer;
    const std::string head = answer.substr(0, answer.find("\r\n\r\n") + 2);
    EXPECT_EQ(count_of(head, "\r\nConnection: close\r\n"), 1u) << head;
    EXPECT_EQ(head.find("Keep-Alive"), std::string::npos) << head;
    EXPECT_LT(seconds, 3.0) << "the connection stayed open after the refusal";
  }
}

TEST_P(Hardening, an_ordinary_error_keeps_the_connection_open) {
  // Only refusals before a body close: a 401 or 404 from the API leaves the connection for the
  // next request, as keep-alive should.
  const int fd = connect_loopback(port_);
  ASSERT_GE(fd, 0);
  timeval five_seconds{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &five_seconds, sizeof five_seconds);
  const auto exchange = [&](const std::string& request) {  // one whole response: head and body
    ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    std::string answer;
    char buffer[8192];
    for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) {
      answer.append(buffer, static_cast<size_t>(n));
      const auto head_end = answer.find("\r\n\r\n");
      const auto length_at = answer.find("\r\nContent-Length: ");
      if (head_end == std::string::npos || length_at == std::string::npos || length_at > head_end) continue;
      if (answer.size() >= head_end + 4 + std::stoul(answer.substr(length_at + 18))) break;
    }
    return answer;
  };
  EXPECT_EQ(exchange("GET /api/patients/1 HTTP/1.1\r\nHost: x\r\n\r\n").substr(0, 12), "HTTP/1.1 401");
  EXPECT_EQ(exchange("GET /api/nothing-here HTTP/1.1\r\nHost: x\r\n\r\n").substr(0, 12), "HTTP/1.1 404");
  EXPECT_EQ(exchange("GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n").substr(0, 12), "HTTP/1.1 200");
  ::close(fd);
}

TEST_P(Hardening, path_segments_with_a_nul_or_invalid_utf8_are_400) {
  Reply r = client().get("/api/lots/ab%00cd", admin_);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.field(), "path");
  r = client().get("/api/lots/ab%FFcd", admin_);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.field(), "path");
}

// ---- headers and cookies -----------------------------------------------------------------

/// A server of a small web directory: index.html and assets/a.js, assets/a.css.
HttpOptions web_options(const std::filesystem::path& web) {
  std::filesystem::create_directories(web / "assets");
  std::ofstream(web / "index.html") << "<!doctype html><title>t</title><script type=module src=/assets/a.js></script>";
  std::ofstream(web / "assets" / "a.js") << "console.log(1)";
  std::ofstream(web / "assets" / "a.css") << "body{}";
  HttpOptions options;
  options.port = 0;
  options.threads = 4;
  options.web_dir = web.string();
  return options;
}

TEST_P(Hardening, static_files_index_and_api_carry_the_security_headers) {
  HttpServer server(*api_, web_options(dir() / "web"));
  const int port = server.start();
  httplib::Client http("127.0.0.1", port);
  for (const char* path : {"/", "/index.html", "/patients/7", "/assets/a.js", "/api/health", "/api/nope"}) {
    SCOPED_TRACE(path);
    auto r = http.Get(path);
    ASSERT_TRUE(r);
    const std::string csp = r->get_header_value("Content-Security-Policy");
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
    EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << csp;
    EXPECT_EQ(r->get_header_value("X-Frame-Options"), "DENY");
    EXPECT_EQ(r->get_header_value("Referrer-Policy"), "no-referrer");
    EXPECT_EQ(r->get_header_value("X-Content-Type-Options"), "nosniff");
  }
  server.stop();
}

TEST_P(Hardening, only_the_web_page_and_its_files_are_served_outside_the_api) {
  HttpServer server(*api_, web_options(dir() / "web"));
  const int port = server.start();
  struct Case {
    const char* path;
    int status;
    const char* type;  // the start of its Content-Type
  };
  // The web UI's routes are in the fragment; a NUL would end a file name early and keep the
  // fake extension's type.
  for (const Case& c : {Case{"/", 200, "text/html"}, Case{"/index.html", 200, "text/html"},
                        Case{"/assets/a.css", 200, "text/css"}, Case{"/assets/missing.js", 404, "text/html"},
                        Case{"/.git/config", 404, "text/html"}, Case{"/patients/7", 404, "text/html"},
                        Case{"/assets/a.css%00.html", 400, "application/json"},
                        Case{"/index.html%00.md", 400, "application/json"}}) {
    SCOPED_TRACE(c.path);
    const std::string answer = raw_exchange(port, std::string("GET ") + c.path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    ASSERT_GE(answer.size(), 12u) << answer;
    EXPECT_EQ(answer.substr(0, 12), "HTTP/1.1 " + std::to_string(c.status)) << answer;
    EXPECT_NE(answer.find(std::string("\r\nContent-Type: ") + c.type), std::string::npos) << answer;
  }
  // A method the library does not route: 405 naming GET and HEAD on a file that is there, 404
  // on one that is not (a path that does not exist has no methods to name).
  for (const Case& c : {Case{"/assets/a.css", 405, "GET, HEAD"}, Case{"/assets/missing.js", 404, ""},
                        Case{"/assets/../index.html", 404, ""}}) {
    SCOPED_TRACE(c.path);
    const std::string answer = raw_exchange(port, std::string("TRACE ") + c.path + " HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_GE(answer.size(), 12u) << answer;
    EXPECT_EQ(answer.substr(0, 12), "HTTP/1.1 " + std::to_string(c.status)) << answer;
    EXPECT_EQ(answer.find("\r\nAllow: ") != std::string::npos, *c.type != '\0') << answer;
    if (*c.type) {
      EXPECT_NE(answer.find(std::string("\r\nAllow: ") + c.type + "\r\n"), std::string::npos) << answer;
    }
  }
  server.stop();
}

bool cookies_secure(const Response& r) {
  int cookies = 0, secure = 0;
  for (const auto& [k, v] : r.headers)
    if (k == "Set-Cookie") {
      ++cookies;
      if (v.find("; Secure") != std::string::npos) ++secure;
    }
  EXPECT_EQ(cookies, 2);
  EXPECT_TRUE(secure == 0 || secure == cookies);
  return secure == cookies;
}

TEST_P(Hardening, cookies_are_secure_with_the_option_or_behind_a_trusted_tls_proxy) {
  auto login = [&](const Api& api, const std::string& peer, const std::string& proto) {
    Request r;
    r.method = "POST";
    r.path = "/api/login";
    r.remote_addr = peer;
    if (!proto.empty()) r.headers["x-forwarded-proto"] = proto;
    r.body = json{{"username", "admin"}, {"password", "admin-password"}}.dump();
    Response out = api.handle(r);
    EXPECT_EQ(out.status, 200) << out.body;
    return out;
  };
  ApiOptions plain;
  plain.clock = [this] { return now_ms_.load(); };
  plain.password_limits = PasswordHasher::minimum();
  plain.trusted_proxies = {"127.0.0.1"};
  Api proxied(*store_, test_kb(), plain);
  EXPECT_TRUE(cookies_secure(login(proxied, "127.0.0.1", "https")));
  EXPECT_FALSE(cookies_secure(login(proxied, "127.0.0.1", "http")));
  EXPECT_FALSE(cookies_secure(login(proxied, "192.0.2.8", "https")));  // not the proxy: not believed
  ApiOptions forced = plain;
  forced.trusted_proxies.clear();
  forced.secure_cookies = true;
  Api secure(*store_, test_kb(), forced);
  EXPECT_TRUE(cookies_secure(login(secure, "192.0.2.8", "")));
}

// ---- slow clients ------------------------------------------------------------------------

/// Connections from a loopback source address that send a request header one line at a time,
/// a line every `every`, until stopped or closed by the server (bounded: at most 60 lines).
class Tricklers {
 public:
  /// Each connection sends `first`, then `next` (a header line by default; a body's byte) every `every`.
  Tricklers(int port, const std::vector<std::string>& sources, int per_source, std::chrono::milliseconds every,
            std::string first = "GET /api/health HTTP/1.1\r\nHost: x\r\n", std::string next = "") {
    for (const auto& source : sources)
      for (int i = 0; i < per_source; ++i) {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in from{};
        from.sin_family = AF_INET;
        inet_pton(AF_INET, source.c_str(), &from.sin_addr);
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_port = htons(static_cast<uint16_t>(port));
        inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
        if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0 ||
            ::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
          ADD_FAILURE() << "cannot connect from " << source;
          if (fd >= 0) ::close(fd);
          continue;
        }
        fds_.push_back(fd);
      }
    thread_ = std::thread([this, every, first, next] {
      std::vector<bool> open(fds_.size(), true);
      for (int line = 0; line < 60 && !stop_; ++line) {
        for (size_t i = 0; i < fds_.size(); ++i) {
          if (!open[i]) continue;
          const std::string text = line == 0      ? first
                                   : next.empty() ? "X-Slow-" + std::to_string(line) + ": 1\r\n"
                                                  : next;
          if (::send(fds_[i], text.data(), text.size(), MSG_NOSIGNAL) < 0) open[i] = false;
        }
        for (auto waited = std::chrono::milliseconds(0); waited < every && !stop_; waited += std::chrono::milliseconds(50))
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    });
  }
  ~Tricklers() {
    stop_ = true;
    thread_.join();
    for (int fd : fds_) ::close(fd);
  }
  size_t size() const { return fds_.size(); }

 private:
  std::vector<int> fds_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

/// A server on a free port with few threads and short deadlines, for the slow-client tests.
HttpOptions short_deadlines(int threads, int keep_alive_s, int request_timeout_s) {
  HttpOptions options;
  options.port = 0;
  options.threads = threads;
  options.keep_alive_timeout_s = keep_alive_s;
  options.request_timeout_s = request_timeout_s;
  return options;
}

/// Seconds until GET /api/health from 127.0.0.1 is answered (or the 20 s client timeout).
double health_seconds(int port) {
  httplib::Client http("127.0.0.1", port);
  http.set_connection_timeout(20, 0);
  http.set_read_timeout(20, 0);
  const auto start = std::chrono::steady_clock::now();
  auto r = http.Get("/api/health");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_TRUE(r && r->status == 200);
  return seconds;
}

TEST_P(Hardening, trickling_clients_do_not_starve_a_fresh_request) {
  HttpOptions options = short_deadlines(/*threads=*/8, /*keep_alive_s=*/1, /*request_timeout_s=*/2);
  options.max_connections_per_address = 4;
  HttpServer server(*api_, options);
  const int port = server.start();
  {
    // 40 connections from one address: four are kept (until their deadline), the rest closed.
    Tricklers one_address(port, {"127.0.0.2"}, 40, std::chrono::milliseconds(500));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    EXPECT_LT(health_seconds(port), 1.0);
    EXPECT_GE(server.connections_over_limit(), 30);
  }
  {
    // 24 addresses x 2 connections, more than the 8 threads, each under its address's limit:
    // the pressure rule (or the whole-request deadline, 1 + 2 s) frees the threads, however
    // the lines trickle.
    std::vector<std::string> sources;
    for (int i = 10; i < 34; ++i) sources.push_back("127.0.0." + std::to_string(i));
    Tricklers many(port, sources, 2, std::chrono::milliseconds(500));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_LT(health_seconds(port), 5.0);
    EXPECT_GE(server.connections_timed_out() + server.connections_shed(), 8);
  }
  server.stop();
}

TEST_P(Hardening, many_addresses_trickling_at_once_do_not_hold_every_thread_until_the_deadline) {
  // Deadlines as long as the defaults' (5 + 30 s): 6 addresses x 4 connections, each address
  // under its limit, trickle a header line every 500 ms on a server of 8 threads. The ones
  // waiting longest go once they have waited a second, so a fresh request is served within
  // seconds, not after 35.
  HttpOptions options = short_deadlines(/*threads=*/8, /*keep_alive_s=*/5, /*request_timeout_s=*/30);
  options.max_connections_per_address = 4;
  HttpServer server(*api_, options);
  const int port = server.start();
  {
    std::vector<std::string> sources;
    for (int i = 40; i < 46; ++i) sources.push_back("127.0.0." + std::to_string(i));
    Tricklers six(port, sources, 4, std::chrono::milliseconds(500));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_LT(health_seconds(port), 4.0);
    EXPECT_GE(server.connections_shed(), 8);
    EXPECT_EQ(server.connections_timed_out(), 0);
  }
  {
    // The same with a body a byte at a time on the public login route (its headers accepted):
    // spared only for the time its length takes at 64 KiB/s, plus the grace.
    std::vector<std::string> sources;
    for (int i = 50; i < 56; ++i) sources.push_back("127.0.0." + std::to_string(i));
    const long long shed_before = server.connections_shed();
    Tricklers six(port, sources, 4, std::chrono::milliseconds(500),
                  "POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  "Content-Length: 16384\r\n\r\n",
                  " ");
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_LT(health_seconds(port), 4.0);
    EXPECT_GE(server.connections_shed() - shed_before, 8);
  }
  server.stop();
}

TEST_P(Hardening, a_request_trickled_past_its_deadline_is_told_408_and_closed) {
  // The deadline is keep-alive + request timeout (1 + 2 s), plus what a declared body takes at
  // 64 KiB/s. Trickling cannot extend it, and the client is told why (RFC 9110 section
  // 15.5.9) rather than left with a closed connection.
  HttpOptions options = short_deadlines(/*threads=*/4, /*keep_alive_s=*/1, /*request_timeout_s=*/2);
  HttpServer server(*api_, options);
  const int port = server.start();
  struct Case {
    const char* name;
    std::string head;   //!< sent first
    std::string step;   //!< then every 200 ms
  };
  const std::vector<Case> cases{
      {"a login body a byte at a time (a public route: its headers accepted)",
       "POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 600\r\n\r\n", " "},
      {"a header a line at a time", "GET /api/health HTTP/1.1\r\nHost: x\r\n", "X-Slow: 1\r\n"},
      {"a header ended by a bare LF (the library waits for CRLF)", "GET /api/health HTTP/1.1\r\nHost: x\n\n", ""},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const long long timed_out_before = server.connections_timed_out();
    const int fd = connect_loopback(port);
    ASSERT_GE(fd, 0);
    const auto start = std::chrono::steady_clock::now();
    ::send(fd, c.head.data(), c.head.size(), MSG_NOSIGNAL);
    std::string answer;
    bool closed = false;
    for (int i = 0; i < 60 && !closed; ++i) {  // at most 12 s
      if (!c.step.empty()) ::send(fd, c.step.data(), c.step.size(), MSG_NOSIGNAL);
      pollfd p{fd, POLLIN | POLLRDHUP, 0};
      if (::poll(&p, 1, 200) <= 0) continue;
      char buffer[4096];
      const ssize_t n = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
      if (n > 0) answer.append(buffer, static_cast<size_t>(n));
      else closed = true;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ::close(fd);
    EXPECT_TRUE(closed);
    EXPECT_LT(seconds, 6.0);
    ASSERT_GE(answer.size(), 12u) << answer;
    EXPECT_EQ(answer.substr(0, 12), "HTTP/1.1 408") << answer;
    const auto head_end = answer.find("\r\n\r\n");
    ASSERT_NE(head_end, std::string::npos) << answer;
    EXPECT_NE(answer.substr(0, head_end + 2).find("\r\nConnection: close\r\n"), std::string::npos) << answer;
    EXPECT_EQ(answer.find("Keep-Alive"), std::string::npos) << answer;
    const auto body = json::parse(answer.substr(head_end + 4), nullptr, false);
    EXPECT_EQ(body["error"]["code"], "request_timeout") << answer;
    EXPECT_NE(answer.find("within 3 s"), std::string::npos) << answer;
    EXPECT_EQ(server.connections_timed_out(), timed_out_before + 1);
  }
  server.stop();
}

TEST_P(Hardening, a_slow_but_steady_request_within_the_deadline_is_served) {
  HttpOptions options = short_deadlines(/*threads=*/4, /*keep_alive_s=*/1, /*request_timeout_s=*/3);
  HttpServer server(*api_, options);
  const int port = server.start();
  const int fd = connect_loopback(port);
  ASSERT_GE(fd, 0);
  for (const char* line : {"GET /api/health HTTP/1.1\r\n", "Host: x\r\n", "Connection: close\r\n", "\r\n"}) {
    ::send(fd, line, std::strlen(line), MSG_NOSIGNAL);
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
  }
  char buffer[512] = {};
  const ssize_t n = ::recv(fd, buffer, sizeof buffer - 1, 0);
  ::close(fd);
  ASSERT_GT(n, 0);
  EXPECT_EQ(std::string(buffer, 12), "HTTP/1.1 200");
  server.stop();
}

}  // namespace
}  // namespace dermaplan::server::testing
