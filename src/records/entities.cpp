#include "records/entities.h"

#include <array>
#include <utility>

#include "records/errors.h"

namespace dermaplan::records {
namespace {

template <class Enum, std::size_t N>
const char* name_of(const std::array<std::pair<Enum, const char*>, N>& table, Enum value) {
  for (const auto& [v, name] : table) {
    if (v == value) return name;
  }
  return "?";
}

template <class Enum, std::size_t N>
std::optional<Enum> parse_of(const std::array<std::pair<Enum, const char*>, N>& table,
                             std::string_view text) {
  for (const auto& [v, name] : table) {
    if (text == name) return v;
  }
  return std::nullopt;
}

constexpr std::array<std::pair<Role, const char*>, 3> kRoles{{
    {Role::admin, "admin"}, {Role::practitioner, "practitioner"}, {Role::assistant, "assistant"}}};
constexpr std::array<std::pair<SessionStatus, const char*>, 3> kStatuses{{
    {SessionStatus::planned, "planned"},
    {SessionStatus::performed, "performed"},
    {SessionStatus::signed_off, "signed"}}};
constexpr std::array<std::pair<Severity, const char*>, 3> kSeverities{{
    {Severity::mild, "mild"}, {Severity::moderate, "moderate"}, {Severity::severe, "severe"}}};
constexpr std::array<std::pair<PhotoTag, const char*>, 3> kTags{{
    {PhotoTag::before, "before"}, {PhotoTag::after, "after"}, {PhotoTag::progress, "progress"}}};
constexpr std::array<std::pair<PhotoUse, const char*>, 3> kPhotoUses{{
    {PhotoUse::record_only, "record_only"}, {PhotoUse::teaching, "teaching"}, {PhotoUse::marketing, "marketing"}}};
constexpr std::array<std::pair<AuditAction, const char*>, 12> kActions{{
    {AuditAction::read, "read"},
    {AuditAction::create, "create"},
    {AuditAction::update, "update"},
    {AuditAction::remove, "delete"},
    {AuditAction::sign, "sign"},
    {AuditAction::amend, "amend"},
    {AuditAction::login, "login"},
    {AuditAction::logout, "logout"},
    {AuditAction::login_failed, "login_failed"},
    {AuditAction::backup, "backup"},
    {AuditAction::restore, "restore"},
    {AuditAction::export_data, "export"}}};

}  // namespace

const char* to_string(Role value) { return name_of(kRoles, value); }
const char* to_string(SessionStatus value) { return name_of(kStatuses, value); }
const char* to_string(Severity value) { return name_of(kSeverities, value); }
const char* to_string(PhotoTag value) { return name_of(kTags, value); }
const char* to_string(PhotoUse value) { return name_of(kPhotoUses, value); }
const char* to_string(AuditAction value) { return name_of(kActions, value); }
std::optional<Role> parse_role(std::string_view text) { return parse_of(kRoles, text); }
std::optional<SessionStatus> parse_session_status(std::string_view text) {
  return parse_of(kStatuses, text);
}
std::optional<Severity> parse_severity(std::string_view text) {
  return parse_of(kSeverities, text);
}
std::optional<PhotoTag> parse_photo_tag(std::string_view text) { return parse_of(kTags, text); }
std::optional<PhotoUse> parse_photo_use(std::string_view text) { return parse_of(kPhotoUses, text); }
std::optional<AuditAction> parse_audit_action(std::string_view text) {
  return parse_of(kActions, text);
}

const std::vector<std::string>& amendable_session_fields() {
  static const std::vector<std::string> fields{
      "session_date", "practitioner_id", "device_id", "needle_lengths", "lot_number", "passes",
      "directions", "anaesthetic", "anaesthetic_minutes", "end_point", "products_applied", "notes"};
  return fields;
}

const char* to_string(RecordErrorCode code) {
  switch (code) {
    case RecordErrorCode::not_found: return "not_found";
    case RecordErrorCode::conflict: return "conflict";
    case RecordErrorCode::immutable: return "immutable";
    case RecordErrorCode::invalid: return "invalid";
    case RecordErrorCode::duplicate: return "duplicate";
    case RecordErrorCode::unavailable: return "unavailable";
  }
  return "?";
}

}  // namespace dermaplan::records
