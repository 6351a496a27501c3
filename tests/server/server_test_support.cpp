#include "server_test_support.h"

#include <sodium.h>

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

json eligible_intake() {
  return {{"birth_date", "1990-04-02"}, {"sex", "female"},     {"fitzpatrick", 2},
          {"pregnant", false},          {"breastfeeding", false}, {"skin", {{"sensitive", false}, {"dry", false}}},
          {"conditions", json::array()}, {"medications", json::array()}, {"procedures", json::array()},
          {"allergies", json::array()}};
}

json signature_svg() {
  static const std::string svg =
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 300 100\">"
      "<path d=\"M10 80 C 40 10, 65 10, 95 80 S 150 150, 180 80\" fill=\"none\" stroke=\"#000\"/></svg>";
  std::string b64(sodium_base64_ENCODED_LEN(svg.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(b64.data(), b64.size(), reinterpret_cast<const unsigned char*>(svg.data()), svg.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  b64.resize(b64.size() - 1);  // the terminating NUL
  return {{"content_type", "image/svg+xml"}, {"data_base64", b64}};
}

json consent_body(const json& form, const std::string& consented_by) {
  json acknowledged = json::array();
  for (const char* list : {"items", "risks"}) {
    for (const auto& statement : form[list]) acknowledged.push_back(statement["id"]);
  }
  json body = {{"consented_by", consented_by}, {"consented_at", "2026-09-22T09:30:00Z"},
               {"text_version", form["version"]}, {"acknowledged", acknowledged},
               {"photo_use", "record_only"},       {"signature", signature_svg()}};
  if (form.contains("indication") && form["indication"].is_string()) body["indication"] = form["indication"];
  return body;
}

json Reply::json() const { return nlohmann::json::parse(body); }

void expect_created_or_refused_at(const Reply& r, const char* field) {
  if (!*field) {
    EXPECT_EQ(r.status, 201) << r.body;
    return;
  }
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.field(), field) << r.body;
}

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

TreatablePatient ServerTest::make_treatable(const Login& who, const std::string& name,
                                                       const std::string& indication, const std::string& region,
                                                       const std::string& as_of) {
  auto c = client();
  TreatablePatient t;
  t.id = create_patient(who, name)["id"].get<long long>();
  t.path = "/api/patients/" + std::to_string(t.id);
  t.region = region;
  json intake_body = {{"intake", eligible_intake()}, {"areas", {region}}};
  intake_body["date"] = as_of.empty() ? "2026-09-01" : as_of;
  Reply intake = c.post(t.path + "/intakes", intake_body, who);
  EXPECT_EQ(intake.status, 201) << intake.body;
  EXPECT_EQ(intake.json()["screening"]["decision"], "eligible") << intake.body;
  Reply plan = c.post(t.path + "/plans", {{"indication", indication}, {"areas", {region}}}, who);
  EXPECT_EQ(plan.status, 201) << plan.body;
  if (plan.status != 201) return t;
  t.plan_id = plan.json()["id"].get<long long>();
  const json area = plan.json()["plan"]["areas"][0];
  t.device = area["device"]["id"].get<std::string>();
  t.length_mm = area["needle_length_mm"]["planned"].get<double>();
  Reply form = c.get("/api/consent-text?indication=" + indication, who);
  EXPECT_EQ(form.status, 200) << form.body;
  json consent = consent_body(form.json(), name);
  consent["consented_at"] = (as_of.empty() ? "2026-09-01" : as_of) + "T09:30:00Z";
  Reply consented = c.post(t.path + "/consents", consent, who);
  EXPECT_EQ(consented.status, 201) << consented.body;
  return t;
}

json TreatablePatient::session(const std::string& date, const std::string& status) const {
  return {{"date", date},
          {"status", status},
          {"plan_id", plan_id},
          {"device", device},
          {"lot_number", "LOT-" + std::to_string(id)},
          {"needle_lengths", {{{"region", region}, {"needle_length_mm", length_mm}}}}};
}

}  // namespace dermaplan::server::testing
