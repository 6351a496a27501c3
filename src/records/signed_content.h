// The content hash of what a signature covers, as the database holds it: written into the
// audit chain when a session is signed or amended, recomputed by verify_audit_chain. So a lot
// number or needle depth changed behind the store's back (triggers dropped, file edited) no
// longer matches a hash that the chain itself protects. Internal to the records layer.
#pragma once

#include <string>

#include "records/soci_headers.h"

namespace dermaplan::records {

/// The audit detail key that carries the hash ("content_sha256").
inline constexpr const char* kContentHashKey = "content_sha256";

/// Hex SHA-256 of a session row and its needle lengths as stored (a fixed column list, so
/// columns added later do not change the hash of sessions signed before). Empty if there is
/// no such session.
std::string signed_session_sha256(soci::session& sql, long long session_id);

/// Hex SHA-256 of an amendment row as stored. Empty if there is no such amendment.
std::string amendment_sha256(soci::session& sql, long long amendment_id);

}  // namespace dermaplan::records
