// The errors the clinical record raises: one base type with a code, one subclass per code,
// so a caller either switches on code() or catches the exact case it handles.
#pragma once

#include <stdexcept>
#include <string>

namespace dermaplan::records {

enum class RecordErrorCode {
  not_found,       //!< no such record (or a patient deleted by an admin)
  conflict,        //!< the record changed since it was read (optimistic version check failed)
  immutable,       //!< the record is signed (or append-only) and may not be changed
  invalid,         //!< the record breaks a rule: bad enum value, bad date, unknown reference
  duplicate,       //!< a unique value is already taken (username, token hash)
  unavailable,     //!< the database could not be opened or reached, or a file operation failed
};

/// Base of every records error. `where` names the field or record at fault ("patient 12",
/// "session.lot_number"), so the HTTP layer can report it next to the message.
class RecordError : public std::runtime_error {
 public:
  RecordError(RecordErrorCode code, std::string where, std::string message)
      : std::runtime_error(where.empty() ? message : where + ": " + message),
        code_(code),
        where_(std::move(where)),
        message_(std::move(message)) {}
  RecordErrorCode code() const { return code_; }
  const std::string& where() const { return where_; }
  /// What was wrong, without the location.
  const std::string& message() const { return message_; }

 private:
  RecordErrorCode code_;
  std::string where_;
  std::string message_;
};

#define DERMAPLAN_RECORD_ERROR(Name, code_value)                        \
  class Name : public RecordError {                                    \
   public:                                                             \
    Name(std::string where, std::string what)                          \
        : RecordError(RecordErrorCode::code_value, std::move(where), std::move(what)) {} \
  };

DERMAPLAN_RECORD_ERROR(NotFoundError, not_found)
DERMAPLAN_RECORD_ERROR(ConflictError, conflict)
/// Raised when anything tries to change a signed treatment session (or the audit log).
/// Corrections to a signed session go in as amendments (Store::add_amendment).
DERMAPLAN_RECORD_ERROR(SignedSessionError, immutable)
DERMAPLAN_RECORD_ERROR(InvalidRecordError, invalid)
DERMAPLAN_RECORD_ERROR(DuplicateError, duplicate)
DERMAPLAN_RECORD_ERROR(StoreUnavailableError, unavailable)

#undef DERMAPLAN_RECORD_ERROR

/// "not_found", "conflict", ... (stable: the HTTP API uses these as error codes).
const char* to_string(RecordErrorCode code);

}  // namespace dermaplan::records
