#include "interop/fhir_intake.h"

#include "core/errors.h"
#include "interop/fhir_export.h"

#include <fmt/format.h>

#include <algorithm>

namespace dermaplan::interop {

using nlohmann::json;

namespace {

const char* code_system(const std::string& list) {
  if (list == "conditions") return kCodeSystemCondition;
  if (list == "medications") return kCodeSystemMedication;
  if (list == "procedures") return kCodeSystemProcedureHistory;
  if (list == "allergies") return kCodeSystemAllergy;
  return "urn:dermaplan:codesystem:intake";
}

/// The vocabulary entry a code or alias names (as the intake parser resolves them), or null.
const kb::VocabularyEntry* vocabulary_entry(const kb::KnowledgeBase* kb, const std::string& list, std::string code) {
  if (!kb) return nullptr;
  const std::vector<kb::VocabularyEntry>* entries = list == "conditions"    ? &kb->vocabulary.conditions
                                                    : list == "medications" ? &kb->vocabulary.medications
                                                    : list == "procedures"  ? &kb->vocabulary.procedures
                                                    : list == "allergies"   ? &kb->vocabulary.allergies
                                                                            : nullptr;
  if (!entries) return nullptr;
  std::transform(code.begin(), code.end(), code.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::replace(code.begin(), code.end(), ' ', '-');
  std::replace(code.begin(), code.end(), '_', '-');
  for (const auto& e : *entries)
    if (e.code == code || std::find(e.aliases.begin(), e.aliases.end(), code) != e.aliases.end()) return &e;
  return nullptr;
}

class ToItems {
 public:
  explicit ToItems(const kb::KnowledgeBase* kb) : kb_(kb) {}

  json object_items(const json& object, const std::string& path, const std::string& list) const {
    json items = json::array();
    for (const auto& [key, value] : object.items()) {
      json item = value_item(value, path + "/" + key, key, list);
      if (!item.is_null()) items.push_back(std::move(item));
    }
    return items;
  }

 private:
  json value_item(const json& value, const std::string& path, const std::string& key, const std::string& list) const {
    json item = {{"linkId", path}, {"text", key}};
    if (value.is_null()) return nullptr;
    if (value.is_object()) {
      json children = object_items(value, path, list);
      if (children.empty()) return nullptr;
      item["item"] = std::move(children);
      return item;
    }
    if (value.is_array()) {
      json children = json::array();
      for (size_t i = 0; i < value.size(); ++i) {
        json child = value_item(value[i], fmt::format("{}/{}", path, i), fmt::format("{} {}", key, i + 1), key);
        if (!child.is_null()) children.push_back(std::move(child));
      }
      if (!children.empty()) item["item"] = std::move(children);
      return item;
    }
    json answer = scalar_answer(value, key, list);
    if (answer.is_null()) return nullptr;
    item["answer"] = json::array({std::move(answer)});
    return item;
  }

  json scalar_answer(const json& value, const std::string& key, const std::string& list) const {
    if (value.is_boolean()) return {{"valueBoolean", value}};
    if (value.is_number_integer()) return {{"valueInteger", value}};
    if (value.is_number()) return {{"valueDecimal", value}};
    const std::string text = value.get<std::string>();
    if (text.empty()) return nullptr;
    if (key == "code") {
      // The vocabulary's code for what was entered (an alias such as "roaccutane" becomes
      // "isotretinoin"), with its name.
      const kb::VocabularyEntry* entry = vocabulary_entry(kb_, list, text);
      json coding = {{"system", code_system(list)}, {"code", entry ? entry->code : text}};
      if (entry) coding["display"] = entry->name;
      return {{"valueCoding", coding}};
    }
    if (key == "area") return {{"valueCoding", {{"system", kCodeSystemRegion}, {"code", text}}}};
    if (parse_civil_date(text)) return {{"valueDate", text}};
    return {{"valueString", text}};
  }

  const kb::KnowledgeBase* kb_;
};

bool is_index(const std::string& segment) {
  return !segment.empty() && std::all_of(segment.begin(), segment.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string last_segment(const std::string& link_id) {
  const size_t slash = link_id.rfind('/');
  return slash == std::string::npos ? link_id : link_id.substr(slash + 1);
}

json answer_value(const json& item, const std::string& path) {
  const json& answers = item.at("answer");
  if (!answers.is_array() || answers.size() != 1)
    throw InputError(path + ".answer", "an intake item has exactly one answer");
  const json& a = answers[0];
  for (const char* type : {"valueBoolean", "valueInteger", "valueDecimal", "valueDate", "valueString"})
    if (a.contains(type)) return a.at(type);
  if (a.contains("valueCoding")) {
    const json& coding = a.at("valueCoding");
    if (!coding.contains("code") || !coding.at("code").is_string())
      throw InputError(path + ".answer[0].valueCoding.code", "a coded answer needs a code");
    return coding.at("code");
  }
  throw InputError(path + ".answer[0]",
                   "accepted answer types: valueBoolean, valueInteger, valueDecimal, valueDate, valueString, valueCoding");
}

json item_value(const json& item, const std::string& path);

json items_value(const json& items, const std::string& path) {
  if (!items.is_array()) throw InputError(path, "must be a list of items");
  bool all_indexed = !items.empty(), any_indexed = false;
  for (size_t i = 0; i < items.size(); ++i) {
    const json& link = items[i].is_object() ? items[i].value("linkId", json()) : json();
    if (!link.is_string()) throw InputError(fmt::format("{}[{}].linkId", path, i), "every item needs a linkId");
    const bool indexed = is_index(last_segment(link.get<std::string>()));
    all_indexed = all_indexed && indexed;
    any_indexed = any_indexed || indexed;
  }
  if (any_indexed && !all_indexed) throw InputError(path, "mixes list elements and named fields");
  json out = all_indexed ? json::array() : json::object();
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string item_path = fmt::format("{}[{}]", path, i);
    json value = item_value(items[i], item_path);
    if (all_indexed) {
      out.push_back(std::move(value));
      continue;
    }
    // A field answered twice: which answer holds is not for the reader to guess.
    const std::string name = last_segment(items[i].at("linkId").get<std::string>());
    if (out.contains(name)) {
      size_t first = 0;
      while (last_segment(items[first].at("linkId").get<std::string>()) != name) ++first;
      throw InputError(item_path + ".linkId", fmt::format("'{}' is answered twice (also at {}[{}]); answer each field "
                                                          "once",
                                                          items[i].at("linkId").get<std::string>(), path, first));
    }
    out[name] = std::move(value);
  }
  return out;
}

json item_value(const json& item, const std::string& path) {
  if (item.contains("answer")) return answer_value(item, path);
  if (item.contains("item")) return items_value(item.at("item"), path + ".item");
  return json::array();  // asked, none
}

}  // namespace

json intake_items(const json& intake, const kb::KnowledgeBase* kb) {
  if (!intake.is_object()) return json::array();
  return ToItems(kb).object_items(intake, "", "");
}

json intake_from_items(const json& items, const std::string& path) {
  json out = items_value(items, path);
  if (!out.is_object()) throw InputError(path, "the top-level items must be named fields, not list elements");
  return out;
}

}  // namespace dermaplan::interop
