#include "server_test_support.h"

#include <fstream>

#include "kb/loader.h"
#include "test_support.h"

namespace dermaplan::server::testing {

using nlohmann::json;

const kb::KnowledgeBase& test_kb() {
  static const kb::KnowledgeBase kb = kb::load_knowledge(DERMAPLAN_KNOWLEDGE_DIR);
  return kb;
}

json example_intake() {
  std::ifstream in(std::string(DERMAPLAN_KNOWLEDGE_DIR) + "/../examples/intake-acne-scars.json");
  return json::parse(in);
}

json Reply::json() const { return nlohmann::json::parse(body); }

std::string Reply::code() const {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_object() && j.contains("error") && j["error"].contains("code")) return j["error"]["code"];
  return "";
}

std::string Reply::field() const {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_object() && j.contains("error") && j["error"].contains("field")) return j["error"]["field"];
  return "";
}

Client::Client(int port) : http_("127.0.0.1", port) {
  http_.set_tcp_nodelay(true);
  http_.set_read_timeout(30, 0);
}

Reply Client::send(const std::string& method, const std::string& path, const std::string& body, const Login* login,
                   bool csrf) {
  httplib::Headers headers;
  if (login) {
    headers.emplace("Cookie", login->cookie);
    if (csrf) headers.emplace("X-CSRF-Token", login->csrf);
  }
  const char* type = "application/json";
  httplib::Result r = method == "GET"     ? http_.Get(path.c_str(), headers)
                      : method == "POST"  ? http_.Post(path.c_str(), headers, body, type)
                      : method == "PUT"   ? http_.Put(path.c_str(), headers, body, type)
                      : method == "PATCH" ? http_.Patch(path.c_str(), headers, body, type)
                                          : http_.Delete(path.c_str(), headers, body, type);
  Reply reply;
  if (!r) {
    ADD_FAILURE() << method << " " << path << ": no response (" << httplib::to_string(r.error()) << ")";
    return reply;
  }
  reply.status = r->status;
  reply.body = r->body;
  reply.headers = r->headers;
  return reply;
}

Login Client::login(const std::string& username, const std::string& password) {
  Reply r = send("POST", "/api/login", json{{"username", username}, {"password", password}}.dump());
  Login login;
  EXPECT_EQ(r.status, 200) << r.body;
  if (r.status != 200) return login;
  login.csrf = r.json()["csrf_token"];
  auto range = r.headers.equal_range("Set-Cookie");
  for (auto it = range.first; it != range.second; ++it) {
    const std::string& c = it->second;
    if (c.rfind("dermaplan_session=", 0) == 0) {
      login.cookie = c.substr(0, c.find(';'));
      login.token = login.cookie.substr(std::string("dermaplan_session=").size());
    }
  }
  EXPECT_FALSE(login.cookie.empty());
  return login;
}

void ServerTest::SetUp() {
  StoreTest::SetUp();
  if (IsSkipped()) return;
  records::StoreOptions options;
  options.now_ms = [this] { return now_ms_.load(); };
  store_ = open(options);
  add_user("admin", records::Role::admin);
  start();
  admin_ = login_as("admin");
}

void ServerTest::start(ApiOptions options) {
  options.clock = [this] { return now_ms_.load(); };
  options.password_limits = PasswordHasher::minimum();
  options.backup_dir = (dir() / "backups").string();
  api_ = std::make_unique<Api>(*store_, test_kb(), options);
  HttpOptions http;
  http.port = 0;
  http.threads = 16;
  http_ = std::make_unique<HttpServer>(*api_, http);
  port_ = http_->start();
}

void ServerTest::stop() {
  http_.reset();
  api_.reset();
}

void ServerTest::TearDown() {
  stop();
  store_.reset();
  StoreTest::TearDown();
}

records::User ServerTest::add_user(const std::string& username, records::Role role) {
  PasswordHasher hasher(PasswordHasher::minimum());
  records::User u;
  u.username = username;
  u.display_name = username;
  u.role = role;
  u.password_hash = hasher.hash(username + "-password");
  return store_->create_user(records::Actor{0, "test"}, u);
}

json ServerTest::create_patient(const Login& who, const std::string& name) {
  Reply r = client().post("/api/patients", {{"name", name}, {"birth_date", "1990-04-02"}, {"sex", "female"}}, who);
  EXPECT_EQ(r.status, 201) << r.body;
  return r.status == 201 ? r.json() : json();
}

}  // namespace dermaplan::server::testing
