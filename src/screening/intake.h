// A patient's intake: what screening and planning read. Parsed from JSON (see README,
// "Intake") with every error naming its JSON path.
#pragma once

#include "core/civil_date.h"
#include "kb/knowledge_base.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace dermaplan::screening {

struct ConditionEntry {
  std::string code;            //!< vocabulary code (aliases resolved)
  bool active = false;         //!< present now; false = a history of it
  bool present = true;         //!< false: explicitly denied ("present": false)
  std::optional<std::string> area;  //!< region id; none = every area
  std::optional<CivilDate> since;
};

struct MedicationEntry {
  std::string code;
  bool current = false;
  std::optional<CivilDate> last_dose;
};

struct ProcedureEntry {
  std::string code;
  std::optional<CivilDate> date;
  std::optional<std::string> area;
};

/// Lists are optional: a missing list means "not asked" (unknown); an empty list means
/// "asked, none". The same holds for the yes/no fields.
struct Intake {
  std::optional<CivilDate> birth_date;
  kb::Sex sex = kb::Sex::unknown;
  std::optional<int> fitzpatrick;  //!< 1..6
  std::optional<bool> pregnant;
  std::optional<bool> breastfeeding;
  std::optional<bool> sensitive_skin;
  std::optional<bool> dry_skin;
  std::optional<std::vector<ConditionEntry>> conditions;
  std::optional<std::vector<MedicationEntry>> medications;
  std::optional<std::vector<ProcedureEntry>> procedures;
  std::optional<std::vector<std::string>> allergies;  //!< allergy codes
};

/// Largest intake document accepted (bytes).
inline constexpr size_t kMaxIntakeBytes = 1 << 20;

/// Parses and validates an intake as of a date: codes must be in the knowledge base's
/// vocabulary (aliases accepted), regions must exist, dates must be real and not after
/// `as_of`, fields must not contradict each other. Throws InputError with the JSON path.
Intake parse_intake(const nlohmann::json& document, const kb::KnowledgeBase& kb, CivilDate as_of);

/// Parses JSON text first (malformed JSON, or more than kMaxIntakeBytes, is an InputError).
Intake parse_intake_text(std::string_view text, const kb::KnowledgeBase& kb, CivilDate as_of);


}  // namespace dermaplan::screening
