#include "screening/intake.h"

#include "core/errors.h"
#include "core/json_text.h"
#include "kb/describe.h"

#include <fmt/format.h>

#include <algorithm>

namespace dermaplan::screening {
namespace {

using nlohmann::json;

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

const char* type_name(const json& value) {
  switch (value.type()) {
    case json::value_t::null: return "null";
    case json::value_t::object: return "an object";
    case json::value_t::array: return "a list";
    case json::value_t::string: return "text";
    case json::value_t::boolean: return "true/false";
    default: return "a number";
  }
}

/// Walks a JSON document keeping the path of the value at hand.
class Reader {
 public:
  Reader(const kb::KnowledgeBase& kb, CivilDate as_of) : kb_(kb), as_of_(as_of) {}

  Intake read(const json& root) {
    expect_object(root, "");
    check_keys(root, "", {"birth_date", "sex", "fitzpatrick", "pregnant", "breastfeeding", "skin",
                          "conditions", "medications", "procedures", "allergies", "notes", "id"});
    Intake intake;
    if (has(root, "birth_date")) {
      intake.birth_date = date_at(root["birth_date"], "/birth_date");
      if (days_between(*intake.birth_date, as_of_) > 130L * 366)
        throw InputError("/birth_date", "more than 130 years before the screening date");
    }
    if (has(root, "sex")) {
      const std::string sex = string_at(root["sex"], "/sex");
      if (auto parsed = kb::parse_sex(sex)) intake.sex = *parsed;
      else throw InputError("/sex", fmt::format("'{}' is not accepted; accepted: female, male, other, unknown", sex));
    }
    if (has(root, "fitzpatrick")) {
      const json& value = root["fitzpatrick"];
      if (!value.is_number_integer() || value.get<long long>() < 1 || value.get<long long>() > 6)
        throw InputError("/fitzpatrick", "must be a whole number from 1 to 6 (Fitzpatrick skin type I–VI)");
      intake.fitzpatrick = value.get<int>();
    }
    if (has(root, "pregnant")) intake.pregnant = bool_at(root["pregnant"], "/pregnant");
    if (has(root, "breastfeeding")) intake.breastfeeding = bool_at(root["breastfeeding"], "/breastfeeding");
    if (intake.sex == kb::Sex::male && intake.pregnant.value_or(false))
      throw InputError("/pregnant", "contradicts \"sex\": \"male\"");
    if (intake.sex == kb::Sex::male && intake.breastfeeding.value_or(false))
      throw InputError("/breastfeeding", "contradicts \"sex\": \"male\"");
    if (has(root, "skin")) {
      const json& skin = root["skin"];
      expect_object(skin, "/skin");
      check_keys(skin, "/skin", {"sensitive", "dry"});
      if (has(skin, "sensitive")) intake.sensitive_skin = bool_at(skin["sensitive"], "/skin/sensitive");
      if (has(skin, "dry")) intake.dry_skin = bool_at(skin["dry"], "/skin/dry");
    }
    if (has(root, "conditions")) intake.conditions = conditions(root["conditions"]);
    if (has(root, "medications")) intake.medications = medications(root["medications"]);
    if (has(root, "procedures")) intake.procedures = procedures(root["procedures"]);
    if (has(root, "allergies")) intake.allergies = allergies(root["allergies"]);
    return intake;
  }

 private:
  static bool has(const json& object, const char* key) {
    auto it = object.find(key);
    return it != object.end() && !it->is_null();
  }

  static void expect_object(const json& value, const std::string& path) {
    if (!value.is_object())
      throw InputError(path.empty() ? "/" : path, fmt::format("expected an object, got {}", type_name(value)));
  }

  static void check_keys(const json& object, const std::string& path,
                         const std::vector<std::string>& accepted) {
    for (const auto& [key, value] : object.items()) {
      if (std::find(accepted.begin(), accepted.end(), key) == accepted.end())
        throw InputError(path + "/" + key,
                         fmt::format("unknown field '{}'; accepted: {}", key, join(accepted)));
    }
  }

  static std::string string_at(const json& value, const std::string& path) {
    if (!value.is_string()) throw InputError(path, fmt::format("expected text, got {}", type_name(value)));
    return value.get<std::string>();
  }

  static bool bool_at(const json& value, const std::string& path) {
    if (!value.is_boolean()) throw InputError(path, fmt::format("expected true or false, got {}", type_name(value)));
    return value.get<bool>();
  }

  CivilDate date_at(const json& value, const std::string& path) const {
    const std::string text = string_at(value, path);
    const auto day = parse_civil_date(text);
    if (!day) throw InputError(path, fmt::format("'{}' is not a real date in the form YYYY-MM-DD", text));
    if (*day > as_of_)
      throw InputError(path, fmt::format("{} is after the screening date {}", text, format_civil_date(as_of_)));
    return *day;
  }

  std::string code_at(const json& value, const std::string& path, const char* kind,
                      const std::vector<kb::VocabularyEntry>& vocabulary) const {
    const std::string text = string_at(value, path);
    std::string lowered = text;
    std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::replace(lowered.begin(), lowered.end(), ' ', '-');
    std::replace(lowered.begin(), lowered.end(), '_', '-');
    for (const auto& entry : vocabulary) {
      if (entry.code == lowered) return entry.code;
      if (std::find(entry.aliases.begin(), entry.aliases.end(), lowered) != entry.aliases.end())
        return entry.code;
    }
    std::vector<std::string> accepted;
    for (const auto& entry : vocabulary) accepted.push_back(entry.code);
    throw InputError(path, fmt::format("unknown {} code '{}'; accepted: {}", kind, text, join(accepted)));
  }

  std::string region_at(const json& value, const std::string& path) const {
    const std::string id = string_at(value, path);
    if (kb_.find_region(id)) return id;
    std::vector<std::string> accepted;
    for (const auto& region : kb_.regions) accepted.push_back(region.id);
    throw InputError(path, fmt::format("unknown region '{}'; accepted: {}", id, join(accepted)));
  }

  /// The error for an entry (at `path`) that repeats the one at `first`: two entries of one code
  /// can say different things (current and stopped), and which one holds is not the parser's
  /// guess. `typed` is the code as written (an alias names its code).
  static InputError repeated(const json& typed, const std::string& code, const std::string& path,
                             const std::string& first, const char* kind, const std::string& scope) {
    const std::string written = typed.is_string() ? typed.get<std::string>() : code;
    const std::string named = written == code ? fmt::format("'{}'", code) : fmt::format("'{}' ({})", written, code);
    return InputError(path, fmt::format("the {} {} is listed twice{} (also at {}); list it once, with what holds "
                                        "now",
                                        kind, named, scope, first));
  }

  template <class F>
  void each_entry(const json& list, const std::string& path, F&& read_entry) const {
    if (!list.is_array()) throw InputError(path, fmt::format("expected a list, got {}", type_name(list)));
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string entry_path = fmt::format("{}/{}", path, i);
      // A bare string is shorthand for {"code": "..."}.
      if (list[i].is_string()) {
        read_entry(json{{"code", list[i]}}, entry_path);
        continue;
      }
      expect_object(list[i], entry_path);
      if (!has(list[i], "code")) throw InputError(entry_path + "/code", "missing the code");
      read_entry(list[i], entry_path);
    }
  }

  std::vector<ConditionEntry> conditions(const json& list) const {
    std::vector<ConditionEntry> out;
    each_entry(list, "/conditions", [&](const json& item, const std::string& path) {
      check_keys(item, path, {"code", "active", "present", "area", "since", "note"});
      ConditionEntry entry;
      entry.code = code_at(item["code"], path + "/code", "condition", kb_.vocabulary.conditions);
      if (has(item, "active")) entry.active = bool_at(item["active"], path + "/active");
      if (has(item, "present")) entry.present = bool_at(item["present"], path + "/present");
      if (!entry.present && entry.active)
        throw InputError(path + "/active", "\"active\": true contradicts \"present\": false");
      if (has(item, "area")) entry.area = region_at(item["area"], path + "/area");
      if (has(item, "since")) entry.since = date_at(item["since"], path + "/since");
      // A condition may be listed once per area (active on the lips, a history elsewhere); one
      // without an area is everywhere, so any other entry of it repeats it.
      for (size_t i = 0; i < out.size(); ++i)
        if (out[i].code == entry.code && (!out[i].area || !entry.area || *out[i].area == *entry.area))
          throw repeated(item["code"], entry.code, path, fmt::format("/conditions/{}", i), "condition",
                         out[i].area || entry.area ? " for the same area (an entry without an area is every area)"
                                                   : "");
      out.push_back(std::move(entry));
    });
    return out;
  }

  std::vector<MedicationEntry> medications(const json& list) const {
    std::vector<MedicationEntry> out;
    each_entry(list, "/medications", [&](const json& item, const std::string& path) {
      check_keys(item, path, {"code", "current", "last_dose", "note"});
      MedicationEntry entry;
      entry.code = code_at(item["code"], path + "/code", "medication", kb_.vocabulary.medications);
      // A medication listed with nothing else is taken to be current: the safe reading.
      entry.current = has(item, "current") ? bool_at(item["current"], path + "/current")
                                           : !has(item, "last_dose");
      if (has(item, "last_dose")) entry.last_dose = date_at(item["last_dose"], path + "/last_dose");
      for (size_t i = 0; i < out.size(); ++i)
        if (out[i].code == entry.code)
          throw repeated(item["code"], entry.code, path, fmt::format("/medications/{}", i), "medication", "");
      out.push_back(std::move(entry));
    });
    return out;
  }

  std::vector<ProcedureEntry> procedures(const json& list) const {
    std::vector<ProcedureEntry> out;
    each_entry(list, "/procedures", [&](const json& item, const std::string& path) {
      check_keys(item, path, {"code", "date", "area", "note"});
      ProcedureEntry entry;
      entry.code = code_at(item["code"], path + "/code", "procedure", kb_.vocabulary.procedures);
      if (has(item, "date")) entry.date = date_at(item["date"], path + "/date");
      if (has(item, "area")) entry.area = region_at(item["area"], path + "/area");
      out.push_back(std::move(entry));
    });
    return out;
  }

  std::vector<std::string> allergies(const json& list) const {
    std::vector<std::string> out;
    each_entry(list, "/allergies", [&](const json& item, const std::string& path) {
      check_keys(item, path, {"code", "note"});
      std::string code = code_at(item["code"], path + "/code", "allergy", kb_.vocabulary.allergies);
      for (size_t i = 0; i < out.size(); ++i)
        if (out[i] == code) throw repeated(item["code"], code, path, fmt::format("/allergies/{}", i), "allergy", "");
      out.push_back(std::move(code));
    });
    return out;
  }

  const kb::KnowledgeBase& kb_;
  CivilDate as_of_;
};

}  // namespace

Intake parse_intake(const nlohmann::json& document, const kb::KnowledgeBase& kb, CivilDate as_of) {
  return Reader(kb, as_of).read(document);
}

Intake parse_intake_text(std::string_view text, const kb::KnowledgeBase& kb, CivilDate as_of) {
  return parse_intake(parse_json_text(text, kMaxIntakeBytes, "intake"), kb, as_of);
}

}  // namespace dermaplan::screening
