// Records as API JSON (docs/api.md). Timestamps are ISO 8601 UTC; secrets (password hashes,
// token hashes) never appear.
#pragma once

#include "clinic/consent.h"
#include "core/json_text.h"
#include "records/entities.h"
#include "records/store.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace dermaplan::server {

/// "2026-11-22T09:30:00Z"; "" for 0.
std::string iso_utc(long long epoch_ms);
/// Parses "YYYY-MM-DDTHH:MM:SSZ" (UTC) into epoch milliseconds. A date alone is refused (it
/// does not say when on that day, and midnight UTC is the day before west of Greenwich).
/// InputError at `where` otherwise, saying whether the shape, the day (2023-02-30) or the
/// time (25:00:00) is wrong.
long long parse_iso_utc(const std::string& text, const std::string& where);

nlohmann::json to_json(const records::User& user);
nlohmann::json to_json(const records::Patient& patient);
/// The records that hold JSON documents (an intake and its screening, a plan, a session's gate
/// passages) parse them into the value; with `splice` they go in as their stored text instead,
/// for `splice->dump()` to write (JsonSplice: a patient's record without parsing its plans).
nlohmann::json to_json(const records::Intake& intake, JsonSplice* splice = nullptr);
nlohmann::json to_json(const records::Consent& consent);
nlohmann::json to_json(const records::CoursePlan& plan, JsonSplice* splice = nullptr);
nlohmann::json to_json(const records::TreatmentSession& session, JsonSplice* splice = nullptr);
nlohmann::json to_json(const records::Amendment& amendment);
nlohmann::json to_json(const records::AdverseEvent& event);
nlohmann::json to_json(const records::OutcomeAssessment& outcome);
nlohmann::json to_json(const records::Photo& photo);
nlohmann::json to_json(const records::AuditEntry& entry);
/// {"version", "indication", "title", "text", "items": [{id, text, sources}],
///  "risks": [{id, text, sources}], "notice"}.
nlohmann::json to_json(const clinic::ConsentForm& form);

}  // namespace dermaplan::server
