#include "interop/fhir_import.h"

#include "core/errors.h"
#include "interop/fhir_export.h"
#include "interop/fhir_intake.h"
#include "screening/intake.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>

namespace dermaplan::interop {

using nlohmann::json;

namespace {

std::string normalised(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::replace(text.begin(), text.end(), ' ', '-');
  std::replace(text.begin(), text.end(), '_', '-');
  return text;
}

/// A member that is a list, or an empty list.
const json& list_at(const json& object, const char* key) {
  static const json empty = json::array();
  if (!object.is_object()) return empty;
  auto it = object.find(key);
  return it != object.end() && it->is_array() ? *it : empty;
}

/// A member that is an object, or an empty object.
const json& object_at(const json& object, const char* key) {
  static const json empty = json::object();
  if (!object.is_object()) return empty;
  auto it = object.find(key);
  return it != object.end() && it->is_object() ? *it : empty;
}

/// The code of the first coding of a CodeableConcept member ("clinicalStatus"), or "".
std::string status_code(const json& resource, const char* key) {
  auto it = resource.find(key);
  if (it == resource.end() || !it->is_object()) return "";
  auto codings = it->find("coding");
  if (codings == it->end() || !codings->is_array() || codings->empty() || !(*codings)[0].is_object()) return "";
  auto code = (*codings)[0].find("code");
  return code != (*codings)[0].end() && code->is_string() ? code->get<std::string>() : "";
}

std::string text_at(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

/// The date part of a FHIR date or dateTime ("2026-03-01T10:00:00Z" -> 2026-03-01).
std::string date_part(const json& value) {
  if (!value.is_string()) return "";
  const std::string text = value.get<std::string>();
  return text.size() >= 10 && parse_civil_date(text.substr(0, 10)) ? text.substr(0, 10) : "";
}

class Importer {
 public:
  Importer(const kb::KnowledgeBase& kb, CivilDate as_of) : kb_(kb), as_of_(as_of) {}

  ImportedPatient run(const json& document) {
    if (!document.is_object()) throw InputError("$", "a FHIR resource must be a JSON object");
    const std::string type = text_at(document, "resourceType");
    std::vector<std::pair<std::string, const json*>> resources;
    if (type == "Bundle") {
      if (document.contains("entry") && !document["entry"].is_array()) throw InputError("Bundle.entry", "must be a list");
      const json& entries = list_at(document, "entry");
      for (size_t i = 0; i < entries.size(); ++i) {
        const std::string path = fmt::format("Bundle.entry[{}].resource", i);
        if (!entries[i].is_object() || !entries[i].contains("resource") || !entries[i]["resource"].is_object())
          throw InputError(path, "every entry needs a resource");
        resources.emplace_back(path, &entries[i]["resource"]);
        full_urls_[path] = text_at(entries[i], "fullUrl");
      }
    } else if (type == "Patient") {
      resources.emplace_back("Patient", &document);
    } else {
      throw InputError("resourceType", fmt::format("'{}' is not accepted; accepted: Bundle, Patient", type));
    }

    const json* patient = nullptr;
    std::string patient_path;
    std::vector<std::pair<std::string, const json*>> responses;
    for (const auto& [path, resource] : resources) {
      const std::string rtype = text_at(*resource, "resourceType");
      if (rtype == "Patient") {
        if (patient) throw InputError(path, "a second Patient; import one patient at a time (first at " + patient_path + ")");
        patient = resource, patient_path = path;
      } else if (rtype == "QuestionnaireResponse") responses.emplace_back(path, resource);
      else if (rtype == "Condition") condition(*resource, path);
      else if (rtype == "MedicationStatement") medication(*resource, path);
      else if (rtype == "AllergyIntolerance") allergy(*resource, path);
      else if (rtype == "Procedure") procedure(*resource, path);
      else if (rtype == "Consent" || rtype == "CarePlan" || rtype == "Device" || rtype == "Observation" ||
               rtype == "AdverseEvent" || rtype == "Media" || rtype == "DocumentReference")
        out_.skipped.push_back({path, rtype, "part of the clinical record, not of the intake: not imported"});
      else
        problems_.push_back({path + ".resourceType",
                             fmt::format("'{}' is not accepted; accepted: Patient, QuestionnaireResponse, Condition, "
                                         "MedicationStatement, AllergyIntolerance, Procedure (and dermaplan's own "
                                         "export: Consent, CarePlan, Device, Observation, AdverseEvent, Media)",
                                         rtype)});
    }
    if (!patient) throw InputError(type == "Bundle" ? "Bundle.entry" : "$", "no Patient resource");
    check_subjects(resources, *patient, patient_path);
    read_patient(*patient, patient_path);
    report_problems();

    // QuestionnaireResponses, oldest first; the resources' lists go into the latest version.
    std::stable_sort(responses.begin(), responses.end(), [](const auto& a, const auto& b) {
      return text_at(*a.second, "authored") < text_at(*b.second, "authored");
    });
    for (const auto& [path, response] : responses) {
      const json& items = list_at(*response, "item");
      out_.intakes.push_back(intake_from_items(items, path + ".item"));
      origins_.push_back(path);
    }
    if (out_.intakes.empty()) {
      out_.intakes.push_back(json::object());
      origins_.push_back(patient_path);
    }
    json& latest = out_.intakes.back();
    for (const char* list : {"conditions", "medications", "procedures", "allergies"}) {
      auto it = lists_.find(list);
      if (it == lists_.end()) continue;
      if (!latest.contains(list) || latest[list].is_null()) latest[list] = json::array();
      if (!latest[list].is_array()) continue;  // the intake check says what is wrong with it
      json& into = latest[list];
      for (auto& [entry, path] : it->second) {
        if (const auto same = repeated_entry(into, list, entry)) {
          merge_entry(into[*same], entry, list);
          out_.merged.push_back({path, resource_type_of(list), origin_of(list, *same),
                                 merge_reason(list, entry.value("code", ""))});
          continue;
        }
        entry_origins_[fmt::format("/{}/{}", list, into.size())] = path;
        into.push_back(std::move(entry));
      }
    }
    copied_from_patient_.assign(out_.intakes.size(), {});
    for (size_t i = 0; i < out_.intakes.size(); ++i) {
      json& intake = out_.intakes[i];
      if (!intake.contains("birth_date") && !out_.patient.birth_date.empty()) {
        intake["birth_date"] = out_.patient.birth_date;
        copied_from_patient_[i]["/birth_date"] = patient_path + ".birthDate";
      }
      if (!intake.contains("sex") && !out_.patient.sex.empty()) {
        intake["sex"] = out_.patient.sex;
        copied_from_patient_[i]["/sex"] = patient_path + ".gender";
      }
    }
    for (size_t i = 0; i < out_.intakes.size(); ++i) {
      try {
        screening::parse_intake(out_.intakes[i], kb_, as_of_);
      } catch (const InputError& e) {
        const bool from_patient = copied_from_patient_[i].count(e.where()) != 0;
        throw InputError(where_in_fhir(i, e.where()),
                         from_patient ? message_of(e) : "intake " + e.where() + ": " + message_of(e));
      }
    }
    return std::move(out_);
  }

 private:
  using Problem = std::pair<std::string, std::string>;  // path, what

  void read_patient(const json& p, const std::string& path) {
    std::string name;
    if (p.contains("name") && p["name"].is_array() && !p["name"].empty()) {
      const json& n = p["name"][0];
      name = text_at(n, "text");
      if (name.empty()) {
        for (const auto& given : list_at(n, "given"))
          if (given.is_string()) name += (name.empty() ? "" : " ") + given.get<std::string>();
        const std::string family = text_at(n, "family");
        if (!family.empty()) name += (name.empty() ? "" : " ") + family;
      }
    }
    if (name.empty()) problems_.push_back({path + ".name", "the patient needs a name (name[0].text or given/family)"});
    out_.patient.name = name;
    if (p.contains("birthDate")) {
      const std::string birth = date_part(p["birthDate"]);
      if (birth.empty() || text_at(p, "birthDate").size() != 10)
        problems_.push_back({path + ".birthDate", "must be a full date YYYY-MM-DD"});
      out_.patient.birth_date = birth;
    }
    const std::string gender = text_at(p, "gender");
    if (!gender.empty()) {
      if (gender != "female" && gender != "male" && gender != "other" && gender != "unknown")
        problems_.push_back({path + ".gender", fmt::format("'{}' is not accepted; accepted: female, male, other, unknown", gender)});
      out_.patient.sex = gender;
    }
  }

  /// The vocabulary code a CodeableConcept names, or "" after recording the problem.
  std::string vocabulary_code(const json& concept_, const std::string& path, const char* system,
                              const std::vector<kb::VocabularyEntry>& vocabulary, const char* kind) {
    std::vector<std::string> tried;
    auto match = [&](const std::string& candidate) -> std::string {
      const std::string key = normalised(candidate);
      for (const auto& entry : vocabulary)
        if (entry.code == key || normalised(entry.name) == key ||
            std::find(entry.aliases.begin(), entry.aliases.end(), key) != entry.aliases.end())
          return entry.code;
      return "";
    };
    if (!concept_.is_object()) {
      problems_.push_back({path, fmt::format("needs a CodeableConcept naming the {}", kind)});
      return "";
    }
    const json& codings = list_at(concept_, "coding");
    for (size_t i = 0; i < codings.size(); ++i) {
      const std::string code = text_at(codings[i], "code"), coding_system = text_at(codings[i], "system");
      if (coding_system == system) {
        for (const auto& entry : vocabulary)
          if (entry.code == code) return code;
        problems_.push_back({fmt::format("{}.coding[{}].code", path, i),
                             fmt::format("unknown {} code '{}' in {} (dermaplan kb list vocabulary)", kind, code, system)});
        return "";
      }
      for (const std::string& candidate : {code, text_at(codings[i], "display")}) {
        if (candidate.empty()) continue;
        if (auto found = match(candidate); !found.empty()) return found;
        tried.push_back(candidate);
      }
    }
    const std::string text = text_at(concept_, "text");
    if (!text.empty()) {
      if (auto found = match(text); !found.empty()) return found;
      tried.push_back(text);
    }
    std::string tried_list;
    for (const auto& t : tried) tried_list += (tried_list.empty() ? "'" : ", '") + t + "'";
    problems_.push_back({path, fmt::format("unknown {} {}: use a code of {} or a name or alias from "
                                           "'dermaplan kb list vocabulary'",
                                           kind, tried.empty() ? "(no code or text)" : tried_list, system)});
    return "";
  }

  /// A region id from a bodySite list (the first entry), or "".
  std::string area(const json& resource, const std::string& path) {
    if (!resource.contains("bodySite")) return "";
    const json& sites = resource["bodySite"];
    const json& site = sites.is_array() && !sites.empty() ? sites[0] : sites;
    for (const auto& c : list_at(site, "coding")) {
      const std::string code = text_at(c, "code");
      if (kb_.find_region(code)) return code;
    }
    const std::string text = text_at(site, "text");
    for (const auto& region : kb_.regions)
      if (normalised(region.name) == normalised(text) || region.id == normalised(text)) return region.id;
    problems_.push_back({path + ".bodySite[0]", "unknown region; use a region id (dermaplan kb list regions) in " +
                                                    std::string(kCodeSystemRegion)});
    return "";
  }

  void add(const char* list, json entry, const std::string& path) { lists_[list].emplace_back(std::move(entry), path); }

  /// The vocabulary code of an intake list entry ("roaccutane" or {"code": "Roaccutane"} is
  /// isotretinoin), or "" when it names none (the intake check reports it).
  std::string entry_code(const json& entry, const std::string& list) const {
    const json& code = entry.is_object() ? entry.value("code", json()) : entry;
    if (!code.is_string()) return "";
    const auto& vocabulary = list == "conditions"    ? kb_.vocabulary.conditions
                             : list == "medications" ? kb_.vocabulary.medications
                                                     : kb_.vocabulary.allergies;
    const std::string key = normalised(code.get<std::string>());
    for (const auto& e : vocabulary)
      if (e.code == key || std::find(e.aliases.begin(), e.aliases.end(), key) != e.aliases.end()) return e.code;
    return "";
  }

  static std::optional<std::string> area_of(const json& entry) {
    if (!entry.is_object() || !entry.contains("area") || !entry["area"].is_string()) return std::nullopt;
    return entry["area"].get<std::string>();
  }

  /// Where in `into` (the latest intake's list) an entry of the same thing already is: the same
  /// medication or allergy; the same condition in an area both cover (one without an area is
  /// every area), as the intake reads a repeat (screening/intake.h). Procedures repeat (two peels).
  std::optional<size_t> repeated_entry(const json& into, const std::string& list, const json& entry) const {
    if (list == "procedures") return std::nullopt;
    const std::string code = entry.value("code", "");
    for (size_t i = 0; i < into.size(); ++i) {
      if (entry_code(into[i], list) != code) continue;
      if (list != "conditions") return i;
      const auto a = area_of(into[i]), b = area_of(entry);
      if (!a || !b || *a == *b) return i;
    }
    return std::nullopt;
  }

  /// Folds a repeated entry into the first, keeping the reading that screens more carefully:
  /// taken now if either says so (else the later last dose, unknown if either gives none); present
  /// and active if either says so; the later onset (unknown if either gives none); every area
  /// when either has none. An assumption of this software (no source says how to merge records).
  static void merge_entry(json& first, const json& repeat, const std::string& list) {
    if (!first.is_object()) first = json{{"code", first}};
    const auto later_date = [&](const char* key) {
      if (first.contains(key) && repeat.contains(key) && first[key].is_string() && repeat[key].is_string())
        first[key] = std::max(first[key].get<std::string>(), repeat[key].get<std::string>());
      else first.erase(key);
    };
    if (list == "medications") {
      const auto current = [](const json& e) { return e.value("current", !e.contains("last_dose")); };
      if (current(first) || current(repeat)) {
        first["current"] = true;
        first.erase("last_dose");
      } else {
        first["current"] = false;
        later_date("last_dose");
      }
    } else if (list == "conditions") {
      const bool present = first.value("present", true) || repeat.value("present", true);
      const bool active = first.value("active", false) || repeat.value("active", false);
      first.erase("present");
      if (!present) first["present"] = false, first.erase("active");
      else first["active"] = active;
      later_date("since");
      if (!area_of(first) || !area_of(repeat)) first.erase("area");
    }
  }

  static std::string merge_reason(const std::string& list, const std::string& code) {
    if (list == "medications")
      return fmt::format("the same medication ({}): merged into one entry, taken now if either says so, else the later "
                         "last dose (unknown when either gives none)",
                         code);
    if (list == "conditions")
      return fmt::format("the same condition ({}) in an area both cover: merged into one entry, active if either says "
                         "so, the later onset (unknown when either gives none), every area when either names none",
                         code);
    return fmt::format("the same allergy ({}): listed once", code);
  }

  static std::string resource_type_of(const std::string& list) {
    return list == "conditions" ? "Condition" : list == "medications" ? "MedicationStatement" : "AllergyIntolerance";
  }

  /// The FHIR place the latest intake's entry `index` of `list` came from.
  std::string origin_of(const std::string& list, size_t index) const {
    const std::string pointer = fmt::format("/{}/{}", list, index);
    if (auto it = entry_origins_.find(pointer); it != entry_origins_.end()) return it->second;
    return origins_.back() + " item " + pointer;
  }

  void condition(const json& r, const std::string& path) {
    const std::string code = vocabulary_code(r.value("code", json()), path + ".code", kCodeSystemCondition,
                                             kb_.vocabulary.conditions, "condition");
    json entry = {{"code", code}};
    const std::string clinical = status_code(r, "clinicalStatus");
    entry["active"] = clinical == "active" || clinical == "recurrence" || clinical == "relapse";
    const std::string verification = status_code(r, "verificationStatus");
    if (verification == "refuted") entry["present"] = false, entry.erase("active");
    if (const std::string since = date_part(r.value("onsetDateTime", json())); !since.empty()) entry["since"] = since;
    if (const std::string region = area(r, path); !region.empty()) entry["area"] = region;
    if (!code.empty()) add("conditions", std::move(entry), path);
  }

  void medication(const json& r, const std::string& path) {
    if (r.contains("medicationReference")) {
      problems_.push_back({path + ".medicationReference", "use medicationCodeableConcept (references to Medication are not read)"});
      return;
    }
    const std::string status = text_at(r, "status");
    if (status == "not-taken" || status == "entered-in-error") {
      out_.skipped.push_back({path, "MedicationStatement", "status " + status + ": not taken, not imported"});
      return;
    }
    const std::string code = vocabulary_code(r.value("medicationCodeableConcept", json()), path + ".medicationCodeableConcept",
                                             kCodeSystemMedication, kb_.vocabulary.medications, "medication");
    json entry = {{"code", code}, {"current", status == "active" || status == "intended"}};
    std::string last = date_part(r.value("effectiveDateTime", json()));
    if (r.contains("effectivePeriod") && r["effectivePeriod"].is_object()) last = date_part(r["effectivePeriod"].value("end", json()));
    if (!last.empty() && !entry["current"].get<bool>()) entry["last_dose"] = last;
    if (!code.empty()) add("medications", std::move(entry), path);
  }

  void allergy(const json& r, const std::string& path) {
    const std::string verification = status_code(r, "verificationStatus");
    if (verification == "refuted" || verification == "entered-in-error") {
      out_.skipped.push_back({path, "AllergyIntolerance", "verification " + verification + ": not imported"});
      return;
    }
    const std::string code = vocabulary_code(r.value("code", json()), path + ".code", kCodeSystemAllergy,
                                             kb_.vocabulary.allergies, "allergy");
    if (!code.empty()) add("allergies", json{{"code", code}}, path);
  }

  void procedure(const json& r, const std::string& path) {
    for (const auto& c : list_at(object_at(r, "code"), "coding"))
      if (text_at(c, "system") == kCodeSystemProcedure) {
        out_.skipped.push_back({path, "Procedure", "a dermaplan treatment session: part of the record, not imported"});
        return;
      }
    const std::string code = vocabulary_code(r.value("code", json()), path + ".code", kCodeSystemProcedureHistory,
                                             kb_.vocabulary.procedures, "procedure");
    json entry = {{"code", code}};
    std::string when = date_part(r.value("performedDateTime", json()));
    if (r.contains("performedPeriod") && r["performedPeriod"].is_object()) when = date_part(r["performedPeriod"].value("start", json()));
    if (!when.empty()) entry["date"] = when;
    if (const std::string region = area(r, path); !region.empty()) entry["area"] = region;
    if (!code.empty()) add("procedures", std::move(entry), path);
  }

  void report_problems() {
    if (problems_.empty()) return;
    std::string message = problems_.size() == 1 ? problems_[0].second : fmt::format("{} problems:", problems_.size());
    if (problems_.size() > 1)
      for (const auto& [path, what] : problems_) message += "\n  " + path + ": " + what;
    std::vector<ImportProblem> problems;
    for (const auto& [path, what] : problems_) problems.push_back({path, what});
    throw FhirImportError(problems_[0].first, message, std::move(problems));
  }

  /// Where in the FHIR document an intake JSON path came from.
  std::string where_in_fhir(size_t intake, const std::string& intake_path) const {
    // A value the intake took from the Patient resource is that resource's fault.
    if (intake < copied_from_patient_.size())
      if (auto it = copied_from_patient_[intake].find(intake_path); it != copied_from_patient_[intake].end())
        return it->second;
    if (intake + 1 == out_.intakes.size())
      for (const auto& [prefix, origin] : entry_origins_)
        if (intake_path == prefix || intake_path.rfind(prefix + "/", 0) == 0) return origin;
    const std::string& origin = origins_[intake];
    if (origin.find("QuestionnaireResponse") != std::string::npos || origin.find("resource") != std::string::npos)
      return origin + " item " + intake_path;
    return origin + " " + intake_path;
  }

  static std::string message_of(const InputError& e) {
    std::string message = e.what();
    const std::string prefix = e.where() + ": ";
    return message.rfind(prefix, 0) == 0 ? message.substr(prefix.size()) : message;
  }

  const kb::KnowledgeBase& kb_;
  CivilDate as_of_;
  /// Every intake resource that names its patient (subject, or patient for an
  /// AllergyIntolerance, by reference) must name this bundle's Patient: its fullUrl,
  /// Patient/<id> or urn:uuid:<id>. A Condition of someone else would otherwise be imported into
  /// this patient's intake. A resource that names no reference is taken as this patient's, and
  /// so is every one when the Patient has neither an id nor a fullUrl (nothing to resolve
  /// against: the document is one patient's by being sent as one).
  void check_subjects(const std::vector<std::pair<std::string, const json*>>& resources, const json& patient,
                      const std::string& patient_path) {
    std::vector<std::string> names;
    if (const auto it = full_urls_.find(patient_path); it != full_urls_.end() && !it->second.empty())
      names.push_back(it->second);
    const std::string id = text_at(patient, "id");
    if (!id.empty()) {
      names.push_back("Patient/" + id);
      names.push_back("urn:uuid:" + id);
    }
    if (names.empty()) return;
    for (const auto& [path, resource] : resources) {
      const std::string rtype = text_at(*resource, "resourceType");
      if (rtype != "QuestionnaireResponse" && rtype != "Condition" && rtype != "MedicationStatement" &&
          rtype != "AllergyIntolerance" && rtype != "Procedure")
        continue;
      const char* field = rtype == "AllergyIntolerance" ? "patient" : "subject";
      if (!resource->contains(field) || !(*resource)[field].is_object()) continue;
      const json& ref = (*resource)[field];
      if (!ref.contains("reference")) continue;
      const std::string where = path + "." + field + ".reference";
      if (!ref["reference"].is_string()) {
        problems_.push_back({where, "must be a string naming the bundle's Patient"});
        continue;
      }
      const std::string reference = ref["reference"].get<std::string>();
      if (std::find(names.begin(), names.end(), reference) != names.end()) continue;
      problems_.push_back(
          {where, fmt::format("'{}' is not this bundle's Patient ({}): a resource of another patient is not "
                              "imported into this one; import one patient at a time",
                              reference, names.front())});
    }
  }

  std::map<std::string, std::string> full_urls_;  // entry path -> fullUrl
  ImportedPatient out_;
  std::vector<Problem> problems_;
  std::map<std::string, std::vector<std::pair<json, std::string>>> lists_;  // entries and their FHIR paths
  std::map<std::string, std::string> entry_origins_;  // "/conditions/0" -> FHIR path
  std::vector<std::map<std::string, std::string>> copied_from_patient_;  // per intake: "/sex" -> "Patient.gender"
  std::vector<std::string> origins_;                  // per intake: where it came from
};

}  // namespace

ImportedPatient read_fhir_patient(const json& document, const kb::KnowledgeBase& kb, CivilDate as_of) {
  try {
    return Importer(kb, as_of).run(document);
  } catch (const json::exception& e) {
    // A value of an unexpected JSON type somewhere the reader did not look for one.
    throw InputError("$", std::string("unexpected structure: ") + e.what());
  }
}

}  // namespace dermaplan::interop
