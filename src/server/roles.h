// What each role may do: ONE table (roles.cpp), read by the router for every request and by the
// tests, which check it against docs/api.md.
#pragma once

#include "records/entities.h"

#include <string_view>
#include <vector>

namespace dermaplan::server {

/// One permission per kind of action. Routes name the permission they need.
enum class Permission {
  public_access,      //!< no login needed (health, login)
  signed_in,          //!< any logged-in user (me, logout)
  use_engines,        //!< screen, plan, simulate, read the knowledge base
  read_patients,      //!< list and read patients and their records, photos, lots, agenda
  write_patients,     //!< create and edit patients; add intakes, consents, photos
  create_plans,       //!< store a course plan for a patient
  edit_sessions,      //!< create and edit unsigned sessions
  sign_sessions,      //!< sign a session, add an amendment
  write_clinical,     //!< record adverse events and outcome assessments
  export_records,     //!< export a patient's whole record (FHIR)
  read_outcomes,      //!< the practice outcomes report (grouping by practitioner: admins only)
  delete_patients,    //!< the explicit, audited delete
  administer,         //!< users, audit log, backups, practice-wide exports
};

/// Whether `role` holds `permission` (public_access and signed_in: every role).
bool allows(records::Role role, Permission permission);

/// "read_patients", ... (for docs, errors and tests).
std::string_view to_string(Permission permission);

/// Every permission, in declaration order.
const std::vector<Permission>& all_permissions();

}  // namespace dermaplan::server
