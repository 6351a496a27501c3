#include "records/derived_columns.h"

#include <nlohmann/json.hpp>

namespace dermaplan::records {
using nlohmann::json;

namespace {

/// Parses only the top-level member `key` of a JSON object (the rest is scanned and dropped,
/// which keeps a large plan document cheap); null when absent or not an object.
json top_level_member(const std::string& text, const char* key) {
  bool keep = true;
  json doc = json::parse(
      text,
      [&](int depth, json::parse_event_t event, json& parsed) {
        if (depth == 1 && event == json::parse_event_t::key) keep = parsed == key;
        return depth < 1 || keep || event == json::parse_event_t::object_end;
      },
      /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc.contains(key)) return nullptr;
  return doc[key];
}

}  // namespace

std::optional<int> fitzpatrick_of_intake(const std::string& intake_json) {
  const json value = top_level_member(intake_json, "fitzpatrick");
  if (!value.is_number_integer()) return std::nullopt;
  const auto type = value.get<long long>();
  if (type < 1 || type > 6) return std::nullopt;
  return static_cast<int>(type);
}

int required_sessions_of_plan(const std::string& plan_json) {
  const json sessions = top_level_member(plan_json, "sessions");
  if (!sessions.is_array()) return 0;
  int required = 0;
  for (const auto& s : sessions)
    if (s.is_object() && !(s.contains("optional") && s["optional"] == true)) ++required;
  return required;
}

}  // namespace dermaplan::records
