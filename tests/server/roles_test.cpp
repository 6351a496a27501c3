// The role table and the route table: every endpoint but health and login refuses an anonymous
// request; every endpoint refuses a role the table does not allow; the table says what
// docs/api.md says. Routes come from Api::routes(), never from a list written here.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "server/roles.h"
#include "server_test_support.h"

namespace dermaplan::server::testing {
namespace {

using records::Role;

/// A concrete path for a route pattern ({id} -> 1, ...).
std::string concrete(const std::string& pattern) {
  std::string path = std::regex_replace(pattern, std::regex("\\{sha256\\}"), std::string(64, 'a'));
  path = std::regex_replace(path, std::regex("\\{kind\\}"), "regions");
  path = std::regex_replace(path, std::regex("\\{lot\\}"), "LOT-1");
  return std::regex_replace(path, std::regex("\\{[a-z_]+\\}"), "1");
}

bool is_public(const RouteInfo& r) {
  return (r.method == "GET" && r.pattern == "/api/health") || (r.method == "POST" && r.pattern == "/api/login");
}

TEST(RoleTable, AssistantCannotSignNorReadTheAuditLog) {
  EXPECT_FALSE(allows(Role::assistant, Permission::sign_sessions));
  EXPECT_FALSE(allows(Role::assistant, Permission::administer));
  EXPECT_FALSE(allows(Role::assistant, Permission::create_plans));
  EXPECT_FALSE(allows(Role::assistant, Permission::write_clinical));
  EXPECT_FALSE(allows(Role::assistant, Permission::delete_patients));
  EXPECT_TRUE(allows(Role::assistant, Permission::edit_sessions));
  EXPECT_TRUE(allows(Role::practitioner, Permission::sign_sessions));
  EXPECT_FALSE(allows(Role::practitioner, Permission::administer));
  EXPECT_FALSE(allows(Role::practitioner, Permission::delete_patients));
  for (auto p : all_permissions()) EXPECT_TRUE(allows(Role::admin, p)) << to_string(p);
}

TEST(RoleTable, EveryApiRouteIsInTheDocumentation) {
  std::ifstream in(DERMAPLAN_API_DOC);
  const std::string doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_FALSE(doc.empty());
  const auto dir = std::filesystem::temp_directory_path() / ("dermaplan-doc-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    auto store = records::open_store((dir / "doc.db").string());
    Api api(*store, test_kb());
    for (const auto& r : api.routes()) {
      const std::string entry = "`" + r.method + " " + r.pattern;
      EXPECT_NE(doc.find(entry), std::string::npos) << "docs/api.md does not document " << r.method << " " << r.pattern;
    }
  }
  std::filesystem::remove_all(dir);
}


class RouteAuth : public ServerTest {};
DERMAPLAN_INSTANTIATE_BACKENDS(RouteAuth);

TEST_P(RouteAuth, EveryRouteButHealthAndLoginRefusesAnonymous) {
  auto c = client();
  int checked = 0;
  for (const auto& r : api_->routes()) {
    const Reply reply = c.send(r.method, concrete(r.pattern), "{}");
    if (is_public(r)) {
      EXPECT_NE(reply.status, 401) << r.method << " " << r.pattern;
      continue;
    }
    EXPECT_EQ(reply.status, 401) << r.method << " " << r.pattern << ": " << reply.body;
    EXPECT_EQ(reply.code(), "unauthorized") << r.method << " " << r.pattern;
    ++checked;
  }
  EXPECT_GT(checked, 25);
  // A made-up token is anonymous too.
  Login fake{"dermaplan_session=" + std::string(64, 'f'), "x", std::string(64, 'f')};
  EXPECT_EQ(c.get("/api/patients", fake).status, 401);
  EXPECT_EQ(c.get("/api/health", fake).status, 200);
}

TEST_P(RouteAuth, EveryRouteRefusesARoleTheTableDoesNotAllow) {
  add_user("pat", Role::practitioner);
  add_user("asa", Role::assistant);
  const std::map<Role, Login> logins{{Role::practitioner, login_as("pat")}, {Role::assistant, login_as("asa")},
                                     {Role::admin, admin_}};
  auto c = client();
  int refused = 0;
  for (const auto& r : api_->routes()) {
    if (is_public(r)) continue;
    for (const auto& [role, login] : logins) {
      if (r.method == "POST" && r.pattern == "/api/logout") continue;  // would end the session
      const Reply reply = c.send(r.method, concrete(r.pattern), "{}", &login);
      if (allows(role, r.permission)) {
        EXPECT_NE(reply.status, 403) << records::to_string(role) << " " << r.method << " " << r.pattern << ": "
                                     << reply.body;
        EXPECT_NE(reply.status, 401) << records::to_string(role) << " " << r.method << " " << r.pattern;
        EXPECT_LT(reply.status, 500) << records::to_string(role) << " " << r.method << " " << r.pattern << ": "
                                     << reply.body;
      } else {
        EXPECT_EQ(reply.status, 403) << records::to_string(role) << " " << r.method << " " << r.pattern;
        EXPECT_EQ(reply.code(), "forbidden");
        ++refused;
      }
    }
  }
  EXPECT_GT(refused, 10);
}

TEST_P(RouteAuth, AssistantCannotSignASessionNorReadTheAuditLogOverHttp) {
  add_user("asa", Role::assistant);
  const Login asa = login_as("asa");
  auto c = client();
  // Everything the treatment gate asks for is on record, so the assistant may document it.
  const auto patient = make_treatable(admin_, "Ada Assistant-Documented");
  Reply s = c.post(patient.path + "/sessions", patient.session("2026-09-22"), asa);
  ASSERT_EQ(s.status, 201) << s.body;
  const auto session = s.json();
  Reply sign = c.post("/api/sessions/" + std::to_string(session["id"].get<long long>()) + "/sign",
                      {{"row_version", session["row_version"]}}, asa);
  EXPECT_EQ(sign.status, 403);
  EXPECT_EQ(c.get("/api/audit", asa).status, 403);
  // The admin may.
  EXPECT_EQ(c.post("/api/sessions/" + std::to_string(session["id"].get<long long>()) + "/sign",
                   {{"row_version", session["row_version"]}}, admin_)
                .status,
            200);
  EXPECT_EQ(c.get("/api/audit", admin_).status, 200);
}

}  // namespace
}  // namespace dermaplan::server::testing
