#include "server/roles.h"

#include <array>

namespace dermaplan::server {

namespace {
struct Grant {
  Permission permission;
  bool admin, practitioner, assistant;
};

// THE role table (docs/api.md, "Roles", shows the same).
constexpr std::array kGrants{
    //     permission                    admin  practitioner  assistant
    Grant{Permission::public_access,    true,  true,         true},
    Grant{Permission::signed_in,        true,  true,         true},
    Grant{Permission::use_engines,      true,  true,         true},
    Grant{Permission::read_patients,    true,  true,         true},
    Grant{Permission::write_patients,   true,  true,         true},
    Grant{Permission::create_plans,     true,  true,         false},
    Grant{Permission::edit_sessions,    true,  true,         true},
    Grant{Permission::sign_sessions,    true,  true,         false},
    Grant{Permission::write_clinical,   true,  true,         false},
    Grant{Permission::export_records,   true,  true,         false},
    Grant{Permission::read_outcomes,    true,  true,         false},
    Grant{Permission::delete_patients,  true,  false,        false},
    Grant{Permission::administer,       true,  false,        false},
};
}  // namespace

bool allows(records::Role role, Permission permission) {
  for (const auto& g : kGrants)
    if (g.permission == permission) {
      switch (role) {
        case records::Role::admin: return g.admin;
        case records::Role::practitioner: return g.practitioner;
        case records::Role::assistant: return g.assistant;
      }
    }
  return false;
}

std::string_view to_string(Permission permission) {
  switch (permission) {
    case Permission::public_access: return "public_access";
    case Permission::signed_in: return "signed_in";
    case Permission::use_engines: return "use_engines";
    case Permission::read_patients: return "read_patients";
    case Permission::write_patients: return "write_patients";
    case Permission::create_plans: return "create_plans";
    case Permission::edit_sessions: return "edit_sessions";
    case Permission::sign_sessions: return "sign_sessions";
    case Permission::write_clinical: return "write_clinical";
    case Permission::export_records: return "export_records";
    case Permission::read_outcomes: return "read_outcomes";
    case Permission::delete_patients: return "delete_patients";
    case Permission::administer: return "administer";
  }
  return "?";
}

const std::vector<Permission>& all_permissions() {
  static const std::vector<Permission> all = [] {
    std::vector<Permission> v;
    for (const auto& g : kGrants) v.push_back(g.permission);
    return v;
  }();
  return all;
}

}  // namespace dermaplan::server
