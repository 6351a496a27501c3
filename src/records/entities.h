// The records a practice keeps: plain structs, one per table.
//
// Conventions: `id` 0 means "not stored yet". Instants are epoch milliseconds UTC (`*_at_ms`);
// calendar days are "YYYY-MM-DD" strings (`*_date`, `*_on`). A reference to another record is
// its id, 0 when there is none. `row_version` starts at 1 and grows by one on every update;
// updates must pass the version they read (optimistic concurrency, see Store).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dermaplan::records {

enum class Role { admin, practitioner, assistant };
enum class SessionStatus { planned, performed, signed_off };  // signed_off is stored as "signed"
enum class Severity { mild, moderate, severe };
enum class PhotoTag { before, after, progress };
/// What the patient allows their photos to be used for, beyond the record itself.
enum class PhotoUse { record_only, teaching, marketing };
enum class AuditAction { read, create, update, remove, sign, amend, login, logout, login_failed, backup, restore, export_data };

/// Stable lower-case names, as stored in the database and sent over the API
/// (AuditAction::remove is "delete", AuditAction::export_data is "export").
const char* to_string(Role value);
const char* to_string(SessionStatus value);
const char* to_string(Severity value);
const char* to_string(PhotoTag value);
const char* to_string(PhotoUse value);
const char* to_string(AuditAction value);
/// Inverse of to_string; nullopt for anything else (exact, case-sensitive).
std::optional<Role> parse_role(std::string_view text);
std::optional<SessionStatus> parse_session_status(std::string_view text);
std::optional<Severity> parse_severity(std::string_view text);
std::optional<PhotoTag> parse_photo_tag(std::string_view text);
std::optional<PhotoUse> parse_photo_use(std::string_view text);
std::optional<AuditAction> parse_audit_action(std::string_view text);

/// Who is doing something: every write and every audit row carries one.
/// user_id 0 is the system itself (first-run bootstrap, migrations); username is kept in the
/// audit row as written, so the log still reads right after a user is renamed.
struct Actor {
  long long user_id = 0;
  std::string username;
};

struct User {
  long long id = 0;
  std::string username;       //!< unique, the login name
  std::string display_name;
  Role role = Role::assistant;
  std::string password_hash;  //!< an encoded hash (Argon2id from the server); never a password
  bool disabled = false;
  long long created_at_ms = 0;
  long long updated_at_ms = 0;
  long long row_version = 0;
};

/// A login session. Only the hash of the token is kept, so a database leak reveals no tokens.
struct AuthSession {
  long long id = 0;
  std::string token_hash;
  long long user_id = 0;
  long long created_at_ms = 0;
  long long expires_at_ms = 0;
  long long last_seen_ms = 0;  //!< the last recorded activity (the inactivity timeout runs from it)
  bool revoked = false;
};

struct Patient {
  long long id = 0;
  std::string name;
  std::string birth_date;     //!< YYYY-MM-DD
  std::string sex;            //!< free text as recorded ("female", "male", "other", ...)
  std::string notes;
  long long created_by = 0;
  long long created_at_ms = 0;
  long long updated_at_ms = 0;
  bool deleted = false;       //!< set only by Store::delete_patient (an audited admin action)
  long long deleted_at_ms = 0;
  long long deleted_by = 0;
  long long row_version = 0;
  bool demo = false;          //!< synthetic, made by `dermaplan demo-data`; never a real person
};

/// One version of a patient's intake; every version is kept. `version` is assigned by the store
/// (1, 2, ... per patient).
struct Intake {
  long long id = 0;
  long long patient_id = 0;
  int version = 0;
  std::string intake_json;      //!< the intake as entered (same JSON as the CLI)
  std::string screening_json;   //!< the screening result computed from it
  std::string knowledge_version;//!< knowledge-base version the result was computed with
  std::string policy;           //!< the practice policy the result was computed with
  long long created_by = 0;
  long long created_at_ms = 0;
};

struct Consent {
  long long id = 0;
  long long patient_id = 0;
  std::string text_version;   //!< the version id of the consent text shown
  std::string consent_text;   //!< the text exactly as shown
  std::string consented_by;   //!< the person who consented (the patient or a guardian), by name
  long long consented_at_ms = 0;
  long long recorded_by = 0;  //!< the user who recorded it
  long long recorded_at_ms = 0;
  // The evidence (consents recorded before schema 5 have none of it):
  std::string indication;                 //!< the indication the form was for; "" = the general form
  std::vector<std::string> acknowledged;  //!< the id of every statement and risk acknowledged, in order
  std::optional<PhotoUse> photo_use;      //!< the patient's choice; nullopt on older consents
  std::string signature_sha256;           //!< the signature image, stored like a photo; "" if none
  std::string signature_content_type;     //!< "image/svg+xml" or "image/png"; "" if none
};

struct CoursePlan {
  long long id = 0;
  long long patient_id = 0;
  std::string indication;
  std::string plan_json;      //!< the plan as computed (same JSON as the CLI)
  std::string assessment_date;  //!< YYYY-MM-DD the plan sets for assessing the result, or ""
  long long created_by = 0;
  long long created_at_ms = 0;
};

/// The needle length used on one treated region (kept as child rows of the session).
struct RegionNeedleLength {
  std::string region;
  double needle_length_mm = 0;
  bool operator==(const RegionNeedleLength&) const = default;
};

/// A session passing the treatment gate on its way to performed or signed, kept with the
/// session for good. When conditions were unmet, a practitioner overrode them with a reason.
struct GatePassage {
  long long id = 0;
  long long session_id = 0;
  std::string step;                   //!< "performed" or "signed"
  long long passed_by = 0;            //!< filled in by the store
  long long passed_at_ms = 0;         //!< filled in by the store
  std::string override_reason;        //!< "" when every condition was met
  std::string unmet_json = "[]";      //!< the conditions overridden: [{"condition", "message", ...}]
  std::string cautions_json = "[]";   //!< the screening cautions acknowledged: [{"id", "message"}]
  std::string recap_json = "{}";      //!< what the practitioner confirmed (device, lot, lengths, ...)
};

/// A treatment session, planned or performed. Once signed it never changes: corrections are
/// Amendments.
struct TreatmentSession {
  long long id = 0;
  long long patient_id = 0;
  long long plan_id = 0;          //!< the course plan it belongs to, 0 if none
  std::string session_date;       //!< YYYY-MM-DD
  long long practitioner_id = 0;  //!< 0 while not yet assigned
  std::string device_id;
  std::vector<RegionNeedleLength> needle_lengths;
  std::string lot_number;         //!< cartridge or roller lot, for traceability
  int passes = 0;
  std::string directions;         //!< e.g. "vertical, horizontal, diagonal"
  std::string anaesthetic;        //!< product, empty if none
  int anaesthetic_minutes = 0;
  std::string end_point;          //!< clinical end point reached, e.g. "uniform pinpoint bleeding"
  std::string products_applied;
  std::string notes;
  SessionStatus status = SessionStatus::planned;
  long long signed_by = 0;
  long long signed_at_ms = 0;
  long long created_by = 0;
  long long created_at_ms = 0;
  long long updated_at_ms = 0;
  long long row_version = 0;
  std::vector<GatePassage> gate_passages;  //!< oldest first; read-only (written with the step)
};

/// A dated correction to a signed session. The session row keeps its original value;
/// old_value is filled in by the store (the value in force before this amendment).
struct Amendment {
  long long id = 0;
  long long session_id = 0;
  long long author_id = 0;
  long long amended_at_ms = 0;
  std::string field;          //!< one of amendable_session_fields()
  std::string old_value;
  std::string new_value;
  std::string reason;
};

/// The session fields an amendment may correct. needle_lengths takes JSON:
/// [{"region":"cheek","needle_length_mm":1.5}, ...].
const std::vector<std::string>& amendable_session_fields();

struct AdverseEvent {
  long long id = 0;
  long long patient_id = 0;
  long long session_id = 0;       //!< the session it followed, 0 if none
  std::string event_type;         //!< e.g. "post-inflammatory hyperpigmentation"
  Severity severity = Severity::mild;
  std::string onset_date;         //!< YYYY-MM-DD
  std::string resolution_date;    //!< YYYY-MM-DD, empty while unresolved
  std::string resolution;         //!< how it resolved / what was done
  std::string notes;
  long long recorded_by = 0;
  long long created_at_ms = 0;
  long long updated_at_ms = 0;
  long long row_version = 0;
};

/// A score on a named outcome scale. The caller validates scale_id (and the score's range)
/// against the knowledge base; the store keeps what it is given.
struct OutcomeAssessment {
  long long id = 0;
  long long patient_id = 0;
  long long session_id = 0;   //!< 0 if not tied to a session
  std::string scale_id;       //!< e.g. "goodman_baron_qualitative", "posas", "masi", "gais"
  double score = 0;
  std::string region;
  long long assessor_id = 0;
  std::string assessed_on;    //!< YYYY-MM-DD
  std::string notes;
  long long created_at_ms = 0;
};

/// A clinical photo. The image is a file named by its SHA-256 in the photo directory;
/// this row says whose it is and what it shows.
struct Photo {
  long long id = 0;
  long long patient_id = 0;
  long long session_id = 0;   //!< 0 if not tied to a session
  std::string sha256;         //!< lower-case hex of the file's bytes
  long long size_bytes = 0;
  std::string content_type;   //!< e.g. "image/jpeg"
  std::string region;
  std::string view;           //!< e.g. "frontal", "left oblique"
  PhotoTag tag = PhotoTag::progress;
  std::string taken_on;       //!< YYYY-MM-DD
  long long created_by = 0;
  long long created_at_ms = 0;
};

/// One row of the append-only, hash-chained audit log.
/// hash = SHA-256(previous row's hash bytes || audit_canonical_text(row)); the first row's
/// previous hash is 32 zero bytes.
struct AuditEntry {
  long long seq = 0;          //!< 1, 2, 3, ... without gaps
  long long at_ms = 0;
  long long user_id = 0;
  std::string username;
  AuditAction action = AuditAction::read;
  std::string entity;         //!< "patient", "session", "user", ...
  long long record_id = 0;
  std::string detail;         //!< free text or JSON, never a secret
  std::string hash;           //!< lower-case hex
};

/// The text that is hashed for an audit row: a compact JSON array of every field but the hash.
std::string audit_canonical_text(const AuditEntry& entry);

}  // namespace dermaplan::records
