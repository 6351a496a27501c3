#include "clinic/failure.h"

#include "core/errors.h"
#include "records/errors.h"

#include <filesystem>

namespace dermaplan::clinic {

namespace {

/// The store names fields "entity.field" ("session.lot_number"); requests carry the field at
/// their top level, so the location becomes "/lot_number". Pointers, options and "record 12"
/// style locations pass unchanged.
std::string request_location(const std::string& where) {
  if (where.empty() || where.front() == '/' || where.front() == '?' || where.front() == '-') return where;
  const auto dot = where.find('.');
  if (dot == std::string::npos || where.find(' ') != std::string::npos) return where;
  std::string out = "/" + where.substr(dot + 1);
  for (auto& c : out)
    if (c == '.') c = '/';
  return out;
}

Failure from_record_error(const records::RecordError& e) {
  using records::RecordErrorCode;
  Failure f;
  f.message = e.message();
  f.where = e.where();
  switch (e.code()) {
    case RecordErrorCode::not_found: f.kind = FailureKind::not_found; f.code = "not_found"; break;
    case RecordErrorCode::conflict: f.kind = FailureKind::conflict; f.code = "conflict"; break;
    case RecordErrorCode::duplicate: f.kind = FailureKind::conflict; f.code = "conflict"; break;
    case RecordErrorCode::immutable: f.kind = FailureKind::signed_record; f.code = "signed"; break;
    case RecordErrorCode::invalid:
      f.kind = FailureKind::bad_input;
      f.code = "bad_request";
      f.where = request_location(e.where());
      break;
    case RecordErrorCode::unavailable: f.kind = FailureKind::unavailable; f.code = "unavailable"; break;
  }
  return f;
}

}  // namespace

Failure describe_failure(const std::exception_ptr& error) noexcept {
  try {
    try {
      std::rethrow_exception(error);
    } catch (const ClinicError& e) {
      Failure f{e.kind(), e.code(), e.message(), e.where(), e.details()};
      return f;
    } catch (const InputError& e) {
      return {FailureKind::bad_input, "bad_request", e.message(), e.where(), nullptr};
    } catch (const KnowledgeError& e) {
      return {FailureKind::bad_knowledge, "knowledge_base", e.message(), e.where(), nullptr};
    } catch (const records::RecordError& e) {
      return from_record_error(e);
    } catch (const std::filesystem::filesystem_error& e) {
      // A file or directory the command was told to use (an --out directory, a photo
      // directory): what failed and where, not a crash.
      // what() reads "filesystem error: <operation>: <reason> [<path>]": keep the middle.
      const std::string where = e.path1().string();
      std::string what = e.what();
      if (what.rfind("filesystem error: ", 0) == 0) what.erase(0, 18);
      if (const auto bracket = what.find(" ["); bracket != std::string::npos) what.erase(bracket);
      return {FailureKind::unavailable, "file_error", what, where, nullptr};
    } catch (const nlohmann::json::exception& e) {
      return {FailureKind::bad_input, "bad_request", std::string("JSON: ") + e.what(), "", nullptr};
    } catch (const std::exception& e) {
      return {FailureKind::internal, "internal", e.what(), "", nullptr};
    } catch (...) {
      return {FailureKind::internal, "internal", "unknown error", "", nullptr};
    }
  } catch (...) {
    return {FailureKind::internal, "internal", "error while describing an error", "", nullptr};
  }
}

int exit_code(FailureKind kind) {
  switch (kind) {
    case FailureKind::bad_input:
    case FailureKind::bad_knowledge:
    case FailureKind::not_found: return 2;
    case FailureKind::audit_chain_broken: return 3;
    case FailureKind::conflict:
    case FailureKind::signed_record:
    case FailureKind::refused:
    case FailureKind::forbidden: return 4;
    case FailureKind::busy:
    case FailureKind::unavailable: return 5;
    case FailureKind::internal: return 1;
  }
  return 1;
}

int http_status(FailureKind kind) {
  switch (kind) {
    case FailureKind::bad_input: return 400;
    case FailureKind::not_found: return 404;
    case FailureKind::conflict:
    case FailureKind::signed_record:
    case FailureKind::refused: return 409;
    case FailureKind::forbidden: return 403;
    case FailureKind::busy:
    case FailureKind::unavailable: return 503;
    case FailureKind::bad_knowledge:
    case FailureKind::audit_chain_broken:
    case FailureKind::internal: return 500;
  }
  return 500;
}

}  // namespace dermaplan::clinic
