#include "kb/loader.h"

#include "core/errors.h"
#include "kb/describe.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <map>
#include <set>

namespace dermaplan::kb {
namespace {

namespace fs = std::filesystem;

// ---- error reporting ----------------------------------------------------------

/// The file a node came from, so every error can say file:line.
struct Origin {
  std::string file;
};

std::string where(const Origin& origin, const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  if (mark.line < 0) return origin.file;
  return fmt::format("{}:{}", origin.file, mark.line + 1);
}

[[noreturn]] void fail(const Origin& origin, const YAML::Node& node, const std::string& what) {
  throw KnowledgeError(where(origin, node), what);
}

std::string join(const std::vector<std::string>& items, const char* sep = ", ") {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : sep) + item;
  return out;
}

/// Rejects keys a map may not have, so a typo never silently drops a rule.
void check_keys(const Origin& origin, const YAML::Node& node,
                const std::vector<std::string>& accepted) {
  if (!node.IsMap()) fail(origin, node, "expected a map with keys: " + join(accepted));
  for (const auto& item : node) {
    if (!item.first.IsScalar()) fail(origin, item.first, "keys must be plain text; accepted: " + join(accepted));
    const auto key = item.first.Scalar();
    if (std::find(accepted.begin(), accepted.end(), key) == accepted.end())
      fail(origin, item.first, fmt::format("unknown key '{}'; accepted: {}", key, join(accepted)));
  }
}

std::string req_str(const Origin& origin, const YAML::Node& node, const char* key) {
  const YAML::Node value = node[key];
  if (!value) fail(origin, node, fmt::format("missing '{}' (text)", key));
  if (!value.IsScalar() || value.Scalar().empty())
    fail(origin, value, fmt::format("'{}' must be non-empty text", key));
  return value.Scalar();
}

std::string opt_str(const Origin& origin, const YAML::Node& node, const char* key,
                    std::string fallback = "") {
  const YAML::Node value = node[key];
  if (!value) return fallback;
  if (!value.IsScalar()) fail(origin, value, fmt::format("'{}' must be text", key));
  return value.Scalar();
}

double as_number(const Origin& origin, const YAML::Node& value, const std::string& key,
                 double min, double max) {
  double number = 0;
  if (!value.IsScalar() || !YAML::convert<double>::decode(value, number) || !std::isfinite(number))
    fail(origin, value, fmt::format("'{}' must be a number", key));
  if (number < min || number > max)
    fail(origin, value, fmt::format("'{}' = {} is out of range; accepted {} to {}", key,
                                    value.Scalar(), min, max));
  return number;
}

double req_num(const Origin& origin, const YAML::Node& node, const char* key, double min,
               double max) {
  const YAML::Node value = node[key];
  if (!value) fail(origin, node, fmt::format("missing '{}' (a number from {} to {})", key, min, max));
  return as_number(origin, value, key, min, max);
}

std::optional<double> opt_num(const Origin& origin, const YAML::Node& node, const char* key,
                              double min, double max) {
  const YAML::Node value = node[key];
  if (!value) return std::nullopt;
  return as_number(origin, value, key, min, max);
}

int req_int(const Origin& origin, const YAML::Node& node, const char* key, int min, int max) {
  const double number = req_num(origin, node, key, min, max);
  if (number != std::floor(number))
    fail(origin, node[key], fmt::format("'{}' must be a whole number", key));
  return static_cast<int>(number);
}

bool opt_bool(const Origin& origin, const YAML::Node& node, const char* key, bool fallback) {
  const YAML::Node value = node[key];
  if (!value) return fallback;
  bool flag = false;
  if (!value.IsScalar() || !YAML::convert<bool>::decode(value, flag))
    fail(origin, value, fmt::format("'{}' must be true or false", key));
  return flag;
}

std::vector<std::string> str_list(const Origin& origin, const YAML::Node& node, const char* key,
                                  bool required) {
  const YAML::Node value = node[key];
  std::vector<std::string> out;
  if (!value) {
    if (required) fail(origin, node, fmt::format("missing '{}' (a list)", key));
    return out;
  }
  if (!value.IsSequence()) fail(origin, value, fmt::format("'{}' must be a list", key));
  for (const auto& item : value) {
    if (!item.IsScalar() || item.Scalar().empty())
      fail(origin, item, fmt::format("'{}' entries must be non-empty text", key));
    out.push_back(item.Scalar());
  }
  if (required && out.empty()) fail(origin, value, fmt::format("'{}' must not be empty", key));
  return out;
}

template <class E>
E req_enum(const Origin& origin, const YAML::Node& node, const char* key,
           const std::vector<std::pair<std::string, E>>& names) {
  const std::string text = req_str(origin, node, key);
  for (const auto& [name, value] : names)
    if (name == text) return value;
  std::vector<std::string> accepted;
  for (const auto& entry : names) accepted.push_back(entry.first);
  fail(origin, node[key], fmt::format("'{}' = '{}' is not accepted; accepted: {}", key, text,
                                      join(accepted)));
}

bool valid_id(const std::string& id) {
  if (id.empty()) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
  });
}

std::string req_id(const Origin& origin, const YAML::Node& node, const char* key = "id") {
  std::string id = req_str(origin, node, key);
  if (!valid_id(id))
    fail(origin, node[key],
         fmt::format("'{}' must be lowercase letters, digits, '-', '.' or '_'", id));
  return id;
}

// ---- policy -------------------------------------------------------------------

struct PolicyFile {
  Origin origin;
  std::string name;
  std::map<std::string, YAML::Node> positions;  //!< topic -> node holding the position id
  std::map<std::string, YAML::Node> overrides;  //!< topic -> map of value fields
  std::set<std::string> used;
};

void read_policy_sections(PolicyFile& policy, const YAML::Node& root);

PolicyFile read_policy(const std::string& path) {
  PolicyFile policy;
  policy.origin.file = path;
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    throw KnowledgeError(path, "cannot read the policy file");
  } catch (const YAML::ParserException& e) {
    throw KnowledgeError(fmt::format("{}:{}", path, e.mark.line + 1), e.msg);
  }
  try {
    read_policy_sections(policy, root);
  } catch (const YAML::Exception& e) {
    throw KnowledgeError(fmt::format("{}:{}", path, e.mark.line + 1), "unexpected YAML here: " + e.msg);
  }
  return policy;
}

void read_policy_sections(PolicyFile& policy, const YAML::Node& root) {
  check_keys(policy.origin, root, {"policy", "positions", "overrides", "note"});
  policy.name = req_str(policy.origin, root, "policy");
  if (const auto positions = root["positions"]) {
    if (!positions.IsMap()) fail(policy.origin, positions, "'positions' must map topic: position");
    for (const auto& item : positions) policy.positions[item.first.as<std::string>()] = item.second;
  }
  if (const auto overrides = root["overrides"]) {
    if (!overrides.IsMap()) fail(policy.origin, overrides, "'overrides' must map topic: {fields}");
    for (const auto& item : overrides) {
      if (!item.second.IsMap())
        fail(policy.origin, item.second, "an override must be a map of value fields");
      policy.overrides[item.first.as<std::string>()] = item.second;
    }
  }
}

// ---- the loader ---------------------------------------------------------------

struct SourceRef {
  std::string id;
  std::string where;
};

class Loader {
 public:
  explicit Loader(PolicyFile* policy) : policy_(policy) {}

  KnowledgeBase load(const std::string& dir);

 private:
  // Sections.
  void read_file(const fs::path& path);
  void read_sections(const Origin& origin, const YAML::Node& root);
  void read_sources(const Origin&, const YAML::Node&);
  void read_vocabulary(const Origin&, const YAML::Node&);
  void read_regions(const Origin&, const YAML::Node&);
  void read_devices(const Origin&, const YAML::Node&);
  void read_indications(const Origin&, const YAML::Node&);
  void read_screening(const Origin&, const YAML::Node&);
  void read_planning(const Origin&, const YAML::Node&);
  void read_preparation(const Origin&, const YAML::Node&);
  void read_procedure(const Origin&, const YAML::Node&);
  void read_aftercare(const Origin&, const YAML::Node&);
  void read_scales(const Origin&, const YAML::Node&);
  void read_risks(const Origin&, const YAML::Node&);
  void read_consent(const Origin&, const YAML::Node&);
  void read_results(const Origin&, const YAML::Node&);
  void read_responder_thresholds(const Origin&, const YAML::Node&);
  void check_result_references() const;

  // Pieces.
  SourceIds sources(const Origin&, const YAML::Node&, bool required = true);
  LayerThickness layer(const Origin&, const YAML::Node&, const char* key);
  Trigger trigger(const Origin&, const YAML::Node&);
  CountRange count_range(const Origin&, const YAML::Node&, const char* key, int min, int max);
  void note_code(const std::string& kind, const std::string& code, const std::string& where);

  /// Reads a value that may be disputed: a topic with positions, or a plain value with sources.
  template <class T>
  Disputed<T> disputed(const Origin& origin, const YAML::Node& node, const std::string& where_text,
                       const std::vector<std::string>& value_keys,
                       const std::function<T(const Origin&, const YAML::Node&)>& parse_value,
                       const std::function<std::string(const T&)>& describe_value);

  PolicyFile* policy_;
  KnowledgeBase kb_;
  bool have_manifest_ = false;
  std::vector<SourceRef> source_refs_;
  struct CodeRef {
    std::string kind, code, where;
  };
  std::vector<CodeRef> code_refs_;
  struct IdRef {
    std::string kind, id, where;
  };
  std::vector<IdRef> id_refs_;
  std::map<std::string, std::map<std::string, std::string>> seen_ids_;  // section -> id -> where
  std::vector<IdRef> result_refs_;  //!< indication, scale and risk ids named by results
};

void check_unique(std::map<std::string, std::map<std::string, std::string>>& seen,
                  const std::string& section, const std::string& id, const Origin& origin,
                  const YAML::Node& node) {
  auto [it, inserted] = seen[section].emplace(id, where(origin, node));
  if (!inserted)
    fail(origin, node, fmt::format("duplicate {} id '{}' (first at {})", section, id, it->second));
}

SourceIds Loader::sources(const Origin& origin, const YAML::Node& node, bool required) {
  SourceIds ids = str_list(origin, node, "sources", required);
  for (const auto& id : ids) source_refs_.push_back({id, where(origin, node)});
  return ids;
}

void Loader::note_code(const std::string& kind, const std::string& code, const std::string& at) {
  code_refs_.push_back({kind, code, at});
}

template <class T>
Disputed<T> Loader::disputed(const Origin& origin, const YAML::Node& node,
                             const std::string& where_text,
                             const std::vector<std::string>& value_keys,
                             const std::function<T(const Origin&, const YAML::Node&)>& parse_value,
                             const std::function<std::string(const T&)>& describe_value) {
  Disputed<T> out;
  if (!node || !node.IsMap()) fail(origin, node, "expected a value map or a topic with positions");
  std::vector<std::string> position_keys = value_keys;
  for (const char* key : {"id", "default", "sources", "note", "formerly"}) position_keys.push_back(key);

  if (!node["topic"]) {
    std::vector<std::string> keys = value_keys;
    keys.push_back("sources");
    keys.push_back("note");
    check_keys(origin, node, keys);
    Position<T> only;
    only.id = "sourced";
    only.value = parse_value(origin, node);
    only.sources = sources(origin, node);
    only.note = opt_str(origin, node, "note");
    only.is_default = true;
    out.positions.push_back(std::move(only));
    return out;
  }

  check_keys(origin, node, {"topic", "question", "positions"});
  out.topic = req_id(origin, node, "topic");
  check_unique(seen_ids_, "topic", out.topic, origin, node);
  // The ids a position had in earlier knowledge bases (renamed, not changed in meaning): a
  // clinic policy written then still chooses what it chose. A topic whose meaning changed gets
  // a new id, so a policy naming the old one is refused and its choice made again.
  std::vector<std::vector<std::string>> position_formerly;
  out.question = req_str(origin, node, "question");
  const YAML::Node list = node["positions"];
  if (!list || !list.IsSequence() || list.size() == 0)
    fail(origin, node, "a topic needs a non-empty 'positions' list");
  int defaults = 0;
  std::set<std::string> ids;
  for (const auto& item : list) {
    check_keys(origin, item, position_keys);
    Position<T> position;
    position.id = req_id(origin, item);
    if (!ids.insert(position.id).second)
      fail(origin, item, fmt::format("duplicate position id '{}' in topic '{}'", position.id, out.topic));
    position.value = parse_value(origin, item);
    position.sources = sources(origin, item);
    position.note = opt_str(origin, item, "note");
    position.is_default = opt_bool(origin, item, "default", false);
    position_formerly.push_back(str_list(origin, item, "formerly", false));
    if (position.is_default) {
      ++defaults;
      out.chosen = out.positions.size();
    }
    out.positions.push_back(std::move(position));
  }
  if (out.positions.size() < 2)
    fail(origin, node, fmt::format("topic '{}' has one position: write it as a plain value with sources", out.topic));
  if (defaults != 1)
    fail(origin, node, fmt::format("topic '{}' must mark exactly one position 'default: true' (has {})",
                                   out.topic, defaults));

  // Apply the clinic policy.
  if (policy_) {
    if (auto it = policy_->positions.find(out.topic); it != policy_->positions.end()) {
      policy_->used.insert(out.topic);
      const std::string wanted = it->second.IsScalar() ? it->second.Scalar() : "";
      auto found = std::find_if(out.positions.begin(), out.positions.end(), [&](const auto& p) {
        const auto& before = position_formerly[static_cast<size_t>(&p - out.positions.data())];
        return p.id == wanted || std::find(before.begin(), before.end(), wanted) != before.end();
      });
      if (found == out.positions.end()) {
        std::vector<std::string> accepted;
        for (const auto& p : out.positions) accepted.push_back(p.id);
        fail(policy_->origin, it->second,
             fmt::format("topic '{}' has no position '{}'; accepted: {}", out.topic, wanted,
                         join(accepted)));
      }
      const size_t index = static_cast<size_t>(found - out.positions.begin());
      out.chosen_by_policy = index != out.chosen;
      out.chosen = index;
    }
    if (auto it = policy_->overrides.find(out.topic); it != policy_->overrides.end()) {
      policy_->used.insert(out.topic);
      YAML::Node merged = YAML::Clone(list[out.chosen]);
      for (const auto& field : it->second) {
        const auto key = field.first.template as<std::string>();
        if (std::find(value_keys.begin(), value_keys.end(), key) == value_keys.end())
          fail(policy_->origin, field.first,
               fmt::format("topic '{}' has no value field '{}'; accepted: {}", out.topic, key,
                           join(value_keys)));
        merged[key] = field.second;
      }
      // Errors in the merged value point at the policy file.
      out.positions[out.chosen].value = parse_value(policy_->origin, merged);
      out.overridden = true;
    }
  }

  TopicSummary summary;
  summary.topic = out.topic;
  summary.question = out.question;
  summary.where = where_text;
  for (const auto& p : out.positions)
    summary.positions.push_back({p.id, describe_value(p.value), p.sources, p.note, p.is_default});
  summary.chosen = out.chosen;
  summary.chosen_by_policy = out.chosen_by_policy;
  summary.overridden = out.overridden;
  kb_.topics.push_back(std::move(summary));
  return out;
}

// ---- value parsers ----------------------------------------------------------------

RangeUm range_um(const Origin& origin, const YAML::Node& node) {
  check_keys(origin, node, {"min", "max"});
  RangeUm range{req_num(origin, node, "min", 1, 20000), req_num(origin, node, "max", 1, 20000)};
  if (range.min_um > range.max_um) fail(origin, node, "min must not exceed max");
  return range;
}

LayerThickness Loader::layer(const Origin& origin, const YAML::Node& node, const char* key) {
  const YAML::Node value = node[key];
  if (!value) fail(origin, node, fmt::format("missing '{}' (min/max in micrometres, sources)", key));
  check_keys(origin, value, {"min", "max", "female", "male", "method", "sources", "note"});
  LayerThickness out;
  out.all = {req_num(origin, value, "min", 1, 20000), req_num(origin, value, "max", 1, 20000)};
  if (out.all.min_um > out.all.max_um) fail(origin, value, "min must not exceed max");
  if (value["female"]) out.female = range_um(origin, value["female"]);
  if (value["male"]) out.male = range_um(origin, value["male"]);
  out.method = req_str(origin, value, "method");
  if (out.method != "histology" && out.method != "ultrasound" && out.method != "derived" &&
      out.method != "mixed")
    fail(origin, value["method"], "method must be histology, ultrasound, derived or mixed");
  out.sources = sources(origin, value);
  out.note = opt_str(origin, value, "note");
  return out;
}

CountRange Loader::count_range(const Origin& origin, const YAML::Node& node, const char* key,
                               int min, int max) {
  const YAML::Node value = node[key];
  if (!value) fail(origin, node, fmt::format("missing '{}' ({{min, max}})", key));
  check_keys(origin, value, {"min", "max"});
  CountRange out{req_int(origin, value, "min", min, max), req_int(origin, value, "max", min, max)};
  if (out.min > out.max) fail(origin, value, "min must not exceed max");
  return out;
}

const std::vector<std::string> kTriggerKeys = {"medication", "condition", "procedure", "allergy",
                                               "pregnant",   "breastfeeding", "skin",
                                               "fitzpatrick_at_least", "state"};

Trigger Loader::trigger(const Origin& origin, const YAML::Node& node) {
  check_keys(origin, node, kTriggerKeys);
  Trigger out;
  int kinds = 0;
  auto coded = [&](const char* key, Trigger::Kind kind, const char* vocabulary) {
    if (!node[key]) return;
    ++kinds;
    out.kind = kind;
    out.code = req_str(origin, node, key);
    note_code(vocabulary, out.code, where(origin, node[key]));
  };
  coded("medication", Trigger::Kind::medication, "medications");
  coded("condition", Trigger::Kind::condition, "conditions");
  coded("procedure", Trigger::Kind::procedure, "procedures");
  coded("allergy", Trigger::Kind::allergy, "allergies");
  if (node["pregnant"]) ++kinds, out.kind = Trigger::Kind::pregnant;
  if (node["breastfeeding"]) ++kinds, out.kind = Trigger::Kind::breastfeeding;
  if (node["skin"]) {
    ++kinds;
    out.kind = Trigger::Kind::skin;
    // One property, or a list of them (the rule applies when the intake has any).
    if (node["skin"].IsSequence()) out.skin = str_list(origin, node, "skin", true);
    else out.skin = {req_str(origin, node, "skin")};
    std::set<std::string> seen;
    for (const auto& property : out.skin) {
      if (property != "sensitive" && property != "dry")
        fail(origin, node["skin"], fmt::format("skin = '{}' is not accepted; accepted: sensitive, dry (or a list of them)", property));
      if (!seen.insert(property).second) fail(origin, node["skin"], fmt::format("skin lists '{}' twice", property));
    }
    out.code = out.skin.front();
  }
  if (node["fitzpatrick_at_least"]) {
    ++kinds;
    out.kind = Trigger::Kind::fitzpatrick_at_least;
    out.fitzpatrick = req_int(origin, node, "fitzpatrick_at_least", 1, 6);
  }
  if (kinds != 1)
    fail(origin, node,
         "'when' needs exactly one of: medication, condition, procedure, allergy, pregnant, "
         "breastfeeding, skin, fitzpatrick_at_least");
  if (node["state"]) {
    using S = Trigger::State;
    const std::vector<std::pair<std::string, S>> medication_states = {
        {"any", S::any}, {"current", S::current}, {"recent", S::recent}};
    const std::vector<std::pair<std::string, S>> condition_states = {
        {"any", S::any}, {"active", S::active}, {"history", S::history}};
    if (out.kind == Trigger::Kind::medication)
      out.state = req_enum(origin, node, "state", medication_states);
    else if (out.kind == Trigger::Kind::condition)
      out.state = req_enum(origin, node, "state", condition_states);
    else
      fail(origin, node["state"], "'state' applies only to medication and condition triggers");
  }
  return out;
}

WaitPeriod wait_period(const Origin& origin, const YAML::Node& node) {
  WaitPeriod wait;
  wait.days = static_cast<int>(opt_num(origin, node, "days", 0, 3650).value_or(0));
  wait.weeks = static_cast<int>(opt_num(origin, node, "weeks", 0, 520).value_or(0));
  wait.months = static_cast<int>(opt_num(origin, node, "months", 0, 240).value_or(0));
  wait.years = static_cast<int>(opt_num(origin, node, "years", 0, 20).value_or(0));
  return wait;
}

const std::vector<std::pair<std::string, Decision>> kDecisions = {
    {"caution", Decision::caution},
    {"defer", Decision::defer},
    {"contraindicated", Decision::contraindicated}};

const std::vector<std::pair<std::string, Scope>> kScopes = {
    {"anywhere", Scope::anywhere}, {"zone", Scope::zone}, {"region", Scope::region}};

const std::vector<std::pair<std::string, Sex>> kSexes = {
    {"female", Sex::female}, {"male", Sex::male}, {"other", Sex::other}, {"unknown", Sex::unknown}};

// ---- sections --------------------------------------------------------------------

void Loader::read_sources(const Origin& origin, const YAML::Node& list) {
  for (const auto& node : list) {
    check_keys(origin, node, {"id", "title", "locator", "evidence", "note"});
    Source source;
    source.id = req_id(origin, node);
    check_unique(seen_ids_, "source", source.id, origin, node);
    source.title = req_str(origin, node, "title");
    source.locator = req_str(origin, node, "locator");
    source.evidence = req_enum<Evidence>(origin, node, "evidence",
                                         {{"seed", Evidence::seed},
                                          {"primary", Evidence::primary},
                                          {"review", Evidence::review},
                                          {"clinic", Evidence::clinic},
                                          {"secondary", Evidence::secondary}});
    kb_.sources.push_back(std::move(source));
  }
}

void Loader::read_vocabulary(const Origin& origin, const YAML::Node& node) {
  check_keys(origin, node, {"conditions", "medications", "procedures", "allergies"});
  auto read_list = [&](const char* key, std::vector<VocabularyEntry>& out) {
    const YAML::Node list = node[key];
    if (!list) return;
    if (!list.IsSequence()) fail(origin, list, fmt::format("'{}' must be a list", key));
    for (const auto& item : list) {
      check_keys(origin, item, {"code", "name", "aliases", "note", "sources"});
      VocabularyEntry entry;
      entry.code = req_id(origin, item, "code");
      check_unique(seen_ids_, std::string("vocabulary ") + key, entry.code, origin, item);
      entry.name = req_str(origin, item, "name");
      entry.aliases = str_list(origin, item, "aliases", false);
      for (const auto& alias : entry.aliases)
        check_unique(seen_ids_, std::string("vocabulary ") + key, alias, origin, item);
      if (item["sources"]) sources(origin, item);
      out.push_back(std::move(entry));
    }
  };
  read_list("conditions", kb_.vocabulary.conditions);
  read_list("medications", kb_.vocabulary.medications);
  read_list("procedures", kb_.vocabulary.procedures);
  read_list("allergies", kb_.vocabulary.allergies);
}

void Loader::read_regions(const Origin& origin, const YAML::Node& list) {
  for (const auto& node : list) {
    check_keys(origin, node, {"id", "name", "group", "epidermis_um", "dermis_um", "needle_guide_mm",
                              "pressure", "pressure_sources", "anaesthetic_cream", "note"});
    Region region;
    region.id = req_id(origin, node);
    check_unique(seen_ids_, "region", region.id, origin, node);
    region.name = req_str(origin, node, "name");
    region.group = req_enum<std::string>(origin, node, "group",
                                         {{"face", "face"}, {"neck", "neck"}, {"body", "body"},
                                          {"scalp", "scalp"}});
    region.epidermis_um = layer(origin, node, "epidermis_um");
    region.dermis_um = layer(origin, node, "dermis_um");
    if (node["needle_guide_mm"]) {
      region.needle_guide = disputed<NeedleGuide>(
          origin, node["needle_guide_mm"], "region " + region.id + ": needle guide",
          {"min", "max", "thick_skin_max"},
          [](const Origin& o, const YAML::Node& n) {
            NeedleGuide guide;
            guide.min_mm = req_num(o, n, "min", 0.01, 5);
            guide.max_mm = req_num(o, n, "max", 0.01, 5);
            if (guide.min_mm > guide.max_mm) fail(o, n, "min must not exceed max");
            guide.thick_skin_max_mm = opt_num(o, n, "thick_skin_max", 0.01, 5);
            return guide;
          },
          describe_needle_guide);
    }
    if (node["pressure"]) {
      region.pressure = req_enum<Pressure>(origin, node, "pressure",
                                           {{"light", Pressure::light},
                                            {"medium", Pressure::medium},
                                            {"firm", Pressure::firm}});
      region.pressure_sources = str_list(origin, node, "pressure_sources", true);
      for (const auto& id : region.pressure_sources) source_refs_.push_back({id, where(origin, node)});
    }
    if (const auto cream = node["anaesthetic_cream"]) {
      check_keys(origin, cream, {"needed", "sources", "note"});
      if (!cream["needed"]) fail(origin, cream, "missing 'needed' (true or false)");
      region.anaesthetic_cream_needed = opt_bool(origin, cream, "needed", true);
      region.anaesthetic_cream_sources = sources(origin, cream);
    }
    kb_.regions.push_back(std::move(region));
  }
}

void Loader::read_devices(const Origin& origin, const YAML::Node& list) {
  for (const auto& node : list) {
    check_keys(origin, node,
               {"id", "name", "kind", "needles", "rows", "drum_diameter_mm", "drum_width_mm",
                "needle_length_mm", "needle_diameter_mm", "depth_mm", "stroke_rate_hz",
                "cartridges", "material", "single_use", "anaesthetic_cream_needed", "purpose", "sources",
                "note"});
    Device device;
    device.id = req_id(origin, node);
    check_unique(seen_ids_, "device", device.id, origin, node);
    device.name = req_str(origin, node, "name");
    device.kind = req_enum<DeviceKind>(origin, node, "kind",
                                       {{"roller", DeviceKind::roller},
                                        {"pen", DeviceKind::pen},
                                        {"stylus", DeviceKind::stylus}});
    device.sources = sources(origin, node);
    device.note = opt_str(origin, node, "note");
    device.material = opt_str(origin, node, "material");
    device.single_use = opt_bool(origin, node, "single_use", false);
    device.anaesthetic_cream_needed = opt_bool(origin, node, "anaesthetic_cream_needed", true);
    if (node["purpose"])
      device.purpose = req_enum<DevicePurpose>(origin, node, "purpose",
                                               {{"treatment", DevicePurpose::treatment},
                                                {"product-penetration", DevicePurpose::product_penetration}});
    device.needle_diameter_mm = opt_num(origin, node, "needle_diameter_mm", 0.01, 1).value_or(0);
    if (device.kind == DeviceKind::roller) {
      device.needles = req_int(origin, node, "needles", 1, 5000);
      device.rows = req_int(origin, node, "rows", 1, 200);
      device.drum_diameter_mm = req_num(origin, node, "drum_diameter_mm", 1, 200);
      device.drum_width_mm = req_num(origin, node, "drum_width_mm", 1, 500);
      device.needle_length_mm = req_num(origin, node, "needle_length_mm", 0.05, 5);
      if (device.needles % device.rows != 0)
        fail(origin, node, "needles must be a multiple of rows (needles are set in rings)");
    } else {
      device.needles = static_cast<int>(opt_num(origin, node, "needles", 1, 5000).value_or(0));
      device.needle_length_mm = opt_num(origin, node, "needle_length_mm", 0.05, 5).value_or(0);
    }
    if (const auto depth = node["depth_mm"]) {
      check_keys(origin, depth, {"min", "max", "step"});
      device.depth_range = RangeMm{req_num(origin, depth, "min", 0, 5), req_num(origin, depth, "max", 0.05, 5)};
      if (device.depth_range->min_mm > device.depth_range->max_mm)
        fail(origin, depth, "min must not exceed max");
      device.depth_step_mm = opt_num(origin, depth, "step", 0.01, 1).value_or(0);
    }
    if (device.kind == DeviceKind::pen && !device.depth_range)
      fail(origin, node, "a pen needs 'depth_mm: {min, max, step}'");
    if (const auto rate = node["stroke_rate_hz"]) {
      check_keys(origin, rate, {"min", "max"});
      device.stroke_rate_hz = RangeMm{req_num(origin, rate, "min", 1, 1000), req_num(origin, rate, "max", 1, 1000)};
    }
    if (const auto cartridges = node["cartridges"]) {
      if (!cartridges.IsSequence()) fail(origin, cartridges, "'cartridges' must be a list");
      for (const auto& item : cartridges) {
        check_keys(origin, item, {"id", "needles", "sources", "note"});
        PenCartridge cartridge;
        cartridge.id = req_id(origin, item);
        cartridge.needles = static_cast<int>(opt_num(origin, item, "needles", 1, 1000).value_or(0));
        cartridge.sources = sources(origin, item);
        cartridge.note = opt_str(origin, item, "note");
        device.cartridges.push_back(std::move(cartridge));
      }
    }
    kb_.devices.push_back(std::move(device));
  }
}

void Loader::read_indications(const Origin& origin, const YAML::Node& list) {
  for (const auto& node : list) {
    check_keys(origin, node, {"id", "name", "group", "treatment_class", "physician_required",
                              "regions", "sources", "needle_length_mm", "course", "implies_conditions", "note"});
    Indication indication;
    indication.id = req_id(origin, node);
    check_unique(seen_ids_, "indication", indication.id, origin, node);
    indication.name = req_str(origin, node, "name");
    indication.group = req_str(origin, node, "group");
    const YAML::Node tc = node["treatment_class"];
    if (!tc) fail(origin, node, "missing 'treatment_class' (cosmetic or medical)");
    auto parse_class = [](const Origin& o, const YAML::Node& n) {
      return req_enum<TreatmentClass>(o, n, "class", {{"cosmetic", TreatmentClass::cosmetic},
                                                      {"medical", TreatmentClass::medical}});
    };
    if (tc.IsScalar()) {
      YAML::Node wrapped;
      wrapped["class"] = tc;
      Position<TreatmentClass> only{"sourced", parse_class(origin, wrapped), {}, "", true};
      indication.treatment_class.positions.push_back(only);
    } else {
      indication.treatment_class = disputed<TreatmentClass>(
          origin, tc, "indication " + indication.id + ": treatment class", {"class"}, parse_class,
          describe_treatment_class);
    }
    indication.physician_required = opt_bool(origin, node, "physician_required", false);
    indication.regions = str_list(origin, node, "regions", true);
    for (const auto& region : indication.regions)
      id_refs_.push_back({"region", region, where(origin, node["regions"])});
    indication.sources = sources(origin, node);
    indication.note = opt_str(origin, node, "note");
    if (node["implies_conditions"]) {
      indication.implies_conditions = str_list(origin, node, "implies_conditions", true);
      for (const auto& code : indication.implies_conditions)
        note_code("conditions", code, where(origin, node["implies_conditions"]));
    }
    if (!node["needle_length_mm"]) fail(origin, node, "missing 'needle_length_mm'");
    indication.needle_length = disputed<NeedleLength>(
        origin, node["needle_length_mm"], "indication " + indication.id + ": needle length",
        {"min", "max", "recommended"},
        [](const Origin& o, const YAML::Node& n) {
          NeedleLength length;
          length.min_mm = req_num(o, n, "min", 0.05, 5);
          length.max_mm = req_num(o, n, "max", 0.05, 5);
          if (n["recommended"]) length.recommended_mm = req_num(o, n, "recommended", 0.05, 5);
          if (length.min_mm > length.max_mm) fail(o, n, "min must not exceed max");
          if (length.recommended_mm && (*length.recommended_mm < length.min_mm || *length.recommended_mm > length.max_mm))
            fail(o, n, "recommended must lie between min and max");
          return length;
        },
        describe_needle_length);
    if (!node["course"]) fail(origin, node, "missing 'course'");
    indication.course = disputed<Course>(
        origin, node["course"], "indication " + indication.id + ": course",
        {"sessions", "interval_days"},
        [this](const Origin& o, const YAML::Node& n) {
          return Course{count_range(o, n, "sessions", 1, 52), count_range(o, n, "interval_days", 1, 365)};
        },
        describe_course);
    kb_.indications.push_back(std::move(indication));
  }
}

void Loader::read_screening(const Origin& origin, const YAML::Node& list) {
  for (const auto& node : list) {
    check_keys(origin, node, {"id", "title", "when", "applies_to", "ask", "asked_of", "check",
                              "message", "reading", "effect", "note"});
    ScreeningRule rule;
    rule.id = req_id(origin, node);
    check_unique(seen_ids_, "screening rule", rule.id, origin, node);
    rule.title = req_str(origin, node, "title");
    if (!node["when"]) fail(origin, node, "missing 'when'");
    rule.when = trigger(origin, node["when"]);
    if (node["applies_to"]) rule.applies_to = req_enum(origin, node, "applies_to", kScopes);
    rule.ask = opt_bool(origin, node, "ask", false);
    for (const auto& sex : str_list(origin, node, "asked_of", false)) {
      auto it = std::find_if(kSexes.begin(), kSexes.end(), [&](const auto& s) { return s.first == sex; });
      if (it == kSexes.end())
        fail(origin, node["asked_of"], fmt::format("'asked_of' has '{}'; accepted: female, male, other, unknown", sex));
      rule.asked_of.push_back(it->second);
    }
    rule.check = opt_str(origin, node, "check");
    if (rule.ask && rule.check.empty()) fail(origin, node, "a rule with 'ask: true' needs a 'check' text");
    rule.message = req_str(origin, node, "message");
    rule.reading = opt_str(origin, node, "reading");
    if (!node["effect"]) fail(origin, node, "missing 'effect'");
    rule.effect = disputed<Effect>(
        origin, node["effect"], "screening " + rule.id + ": effect",
        {"decision", "days", "weeks", "months", "years", "lifetime", "applies_to"},
        [](const Origin& o, const YAML::Node& n) {
          Effect effect;
          effect.decision = req_enum(o, n, "decision", kDecisions);
          if (n["applies_to"]) effect.scope = req_enum(o, n, "applies_to", kScopes);
          effect.wait = wait_period(o, n);
          effect.lifetime = opt_bool(o, n, "lifetime", false);
          if (effect.lifetime && !effect.wait.empty())
            fail(o, n, "'lifetime' and a waiting period exclude each other");
          return effect;
        },
        describe_effect);
    kb_.screening.push_back(std::move(rule));
  }
}

void Loader::read_planning(const Origin& origin, const YAML::Node& node) {
  check_keys(origin, node, {"passes", "anaesthesia", "assessment", "depth_classes",
                            "bleeding_from_mm", "default_device", "physician_required", "home_use_max_mm",
                            "about"});
  auto& planning = kb_.planning;
  auto need = [&](const char* key) {
    if (!node[key]) fail(origin, node, fmt::format("planning needs '{}'", key));
    return node[key];
  };
  planning.passes = disputed<Passes>(
      origin, need("passes"), "planning: passes", {"count", "directions"},
      [this](const Origin& o, const YAML::Node& n) {
        Passes passes{count_range(o, n, "count", 1, 100), str_list(o, n, "directions", true)};
        for (const auto& d : passes.directions)
          if (d != "horizontal" && d != "vertical" && d != "diagonal")
            fail(o, n["directions"], "directions are horizontal, vertical or diagonal");
        return passes;
      },
      describe_passes);
  planning.anaesthesia = disputed<Anaesthesia>(
      origin, need("anaesthesia"), "planning: anaesthesia", {"agent", "minutes"},
      [this](const Origin& o, const YAML::Node& n) {
        return Anaesthesia{req_str(o, n, "agent"), count_range(o, n, "minutes", 0, 240)};
      },
      describe_anaesthesia);
  planning.assessment = disputed<Assessment>(
      origin, need("assessment"), "planning: assessment", {"after_last_session_days"},
      [this](const Origin& o, const YAML::Node& n) {
        return Assessment{count_range(o, n, "after_last_session_days", 1, 730)};
      },
      describe_assessment);
  const YAML::Node classes = need("depth_classes");
  if (!classes.IsSequence()) fail(origin, classes, "'depth_classes' must be a list");
  for (const auto& item : classes) {
    check_keys(origin, item, {"id", "name", "max_mm", "sources", "note"});
    planning.depth_classes.push_back({req_id(origin, item), req_str(origin, item, "name"),
                                      req_num(origin, item, "max_mm", 0.01, 5), sources(origin, item)});
  }
  const YAML::Node bleeding = need("bleeding_from_mm");
  check_keys(origin, bleeding, {"value_mm", "sources", "note"});
  planning.bleeding_from_mm = req_num(origin, bleeding, "value_mm", 0.01, 5);
  planning.bleeding_sources = sources(origin, bleeding);
  planning.default_device = disputed<DevicePreference>(
      origin, need("default_device"), "planning: default device", {"device"},
      [this](const Origin& o, const YAML::Node& n) {
        DevicePreference preference{req_str(o, n, "device")};
        id_refs_.push_back({"device", preference.device, where(o, n)});
        return preference;
      },
      describe_device_preference);
  // What "physician required" rests on: cited wherever an output says a course needs one.
  const YAML::Node physician = node["physician_required"];
  if (!physician)
    fail(origin, node,
         "planning needs 'physician_required' (text with sources: what a plan or finding that says a course "
         "needs a physician rests on)");
  check_keys(origin, physician, {"text", "sources", "note"});
  planning.physician_required = Statement{req_str(origin, physician, "text"), "", ""};
  planning.physician_required_sources = sources(origin, physician);
  if (node["home_use_max_mm"]) {
    planning.home_use = disputed<HomeUseLimit>(
        origin, node["home_use_max_mm"], "planning: home-use needle length", {"max_mm"},
        [](const Origin& o, const YAML::Node& n) { return HomeUseLimit{req_num(o, n, "max_mm", 0.05, 5)}; },
        describe_home_use_limit);
  }
  if (const auto about = node["about"]) {
    if (!about.IsSequence()) fail(origin, about, "'about' must be a list");
    for (const auto& item : about) {
      check_keys(origin, item, {"id", "title", "statement"});
      AboutItem entry;
      entry.id = req_id(origin, item);
      check_unique(seen_ids_, "planning about", entry.id, origin, item);
      entry.title = req_str(origin, item, "title");
      if (!item["statement"]) fail(origin, item, "missing 'statement' (text with sources, or a topic)");
      entry.statement = disputed<Statement>(
          origin, item["statement"], "planning about " + entry.id, {"text", "text_without_anaesthetic_cream", "text_at_cosmetic_depth"},
          [](const Origin& o, const YAML::Node& n) {
            return Statement{req_str(o, n, "text"), opt_str(o, n, "text_without_anaesthetic_cream"),
                             opt_str(o, n, "text_at_cosmetic_depth")};
          },
          [](const Statement& s) { return s.text; });
      planning.about.push_back(std::move(entry));
    }
  }
}

void Loader::read_preparation(const Origin& origin, const YAML::Node& list) {
  for (const auto& node : list) {
    check_keys(origin, node, {"id", "task", "done_by", "before_days", "each_session", "applies_if", "holds_session",
                              "decided_by", "assumption", "conflicts_with", "zones", "sources", "note"});
    PreparationTask task;
    task.id = req_id(origin, node);
    check_unique(seen_ids_, "preparation task", task.id, origin, node);
    task.task = req_str(origin, node, "task");
    task.each_session = opt_bool(origin, node, "each_session", false);
    task.holds_session = opt_bool(origin, node, "holds_session", false);
    task.done_by = req_enum<TaskDoer>(origin, node, "done_by",
                                      {{"patient", TaskDoer::patient}, {"practitioner", TaskDoer::practitioner}});
    task.assumption = opt_str(origin, node, "assumption");
    task.conflicts_with = str_list(origin, node, "conflicts_with", false);
    for (const auto& other : task.conflicts_with) {
      if (other == task.id) fail(origin, node["conflicts_with"], "a task cannot conflict with itself");
      id_refs_.push_back({"preparation task", other, where(origin, node["conflicts_with"])});
    }
    if (const auto decided = node["decided_by"]) {
      check_keys(origin, decided, {"who", "note"});
      task.decided_by = req_str(origin, decided, "who");
      task.decided_by_note = req_str(origin, decided, "note");
    }
    if (node["applies_if"]) task.applies_if = trigger(origin, node["applies_if"]);
    if (node["zones"]) {
      task.zones = str_list(origin, node, "zones", true);
      for (const auto& zone : task.zones)
        if (zone != "face" && zone != "neck" && zone != "body" && zone != "scalp")
          fail(origin, node["zones"], fmt::format("'zones' = '{}' is not accepted; accepted: face, neck, body, scalp", zone));
    }
    const YAML::Node before = node["before_days"];
    if (!before) fail(origin, node, "missing 'before_days' (a number, or a topic with 'days')");
    auto parse_days = [](const Origin& o, const YAML::Node& n) {
      return DaysBefore{req_int(o, n, "days", 0, 365)};
    };
    if (before.IsScalar()) {
      YAML::Node wrapped;
      wrapped["days"] = before;
      Position<DaysBefore> only{"sourced", parse_days(origin, wrapped), sources(origin, node),
                                opt_str(origin, node, "note"), true};
      task.before.positions.push_back(only);
    } else {
      if (node["sources"]) fail(origin, node["sources"], "with a topic, sources belong to its positions");
      task.before = disputed<DaysBefore>(origin, before, "preparation " + task.id + ": days before",
                                         {"days"}, parse_days, describe_days_before);
    }
    kb_.preparation.push_back(std::move(task));
  }
}

void Loader::read_procedure(const Origin& origin, const YAML::Node& list) {
  for (const auto& node : list) {
    check_keys(origin, node, {"id", "step", "order", "sources", "note", "applies_if", "with_anaesthetic_cream"});
    ProcedureStep step;
    step.id = req_id(origin, node);
    check_unique(seen_ids_, "procedure step", step.id, origin, node);
    step.step = req_str(origin, node, "step");
    step.order = req_int(origin, node, "order", 0, 10000);
    step.sources = sources(origin, node);
    if (node["applies_if"]) step.applies_if = trigger(origin, node["applies_if"]);
    step.with_anaesthetic_cream = opt_bool(origin, node, "with_anaesthetic_cream", false);
    kb_.procedure.push_back(std::move(step));
  }
}

void Loader::read_aftercare(const Origin& origin, const YAML::Node& list) {
  for (const auto& node : list) {
    check_keys(origin, node, {"id", "instruction", "from_hours", "to_hours", "open_ended", "vague_end", "reading",
                              "window", "sources", "note"});
    AftercareInstruction item;
    item.id = req_id(origin, node);
    check_unique(seen_ids_, "aftercare instruction", item.id, origin, node);
    item.instruction = req_str(origin, node, "instruction");
    auto parse_window = [](const Origin& o, const YAML::Node& n) {
      HoursWindow window;
      window.from_hours = req_num(o, n, "from_hours", 0, 24 * 365);
      window.open_ended = opt_bool(o, n, "open_ended", false);
      if (!window.open_ended) {
        window.to_hours = req_num(o, n, "to_hours", 0, 24 * 365);
        if (window.to_hours < window.from_hours) fail(o, n, "to_hours must not be before from_hours");
      } else if (n["to_hours"]) {
        fail(o, n["to_hours"], "an open-ended window has no 'to_hours'");
      }
      if (n["vague_end"]) {
        if (!window.open_ended)
          fail(o, n["vague_end"], "'vague_end' (the source's words for an end without a number) needs 'open_ended: true'");
        window.vague_end = req_str(o, n, "vague_end");
      }
      window.reading = opt_str(o, n, "reading");
      return window;
    };
    if (node["window"]) {
      if (node["from_hours"] || node["to_hours"])
        fail(origin, node, "with 'window', the hours belong to its positions");
      if (node["sources"]) item.wording_sources = sources(origin, node);
      item.window = disputed<HoursWindow>(origin, node["window"], "aftercare " + item.id + ": window",
                                          {"from_hours", "to_hours", "open_ended", "vague_end", "reading"}, parse_window,
                                          describe_hours_window);
    } else {
      Position<HoursWindow> only{"sourced", parse_window(origin, node), sources(origin, node),
                                 opt_str(origin, node, "note"), true};
      item.window.positions.push_back(only);
    }
    kb_.aftercare.push_back(std::move(item));
  }
}

void Loader::read_scales(const Origin& origin, const YAML::Node& list) {
  for (const auto& node : list) {
    check_keys(origin, node, {"id", "name", "min", "max", "step", "better", "anchors", "sources", "note"});
    Scale scale;
    scale.id = req_id(origin, node);
    check_unique(seen_ids_, "scale", scale.id, origin, node);
    scale.name = req_str(origin, node, "name");
    scale.min = req_num(origin, node, "min", -1000, 1000);
    scale.max = req_num(origin, node, "max", -1000, 1000);
    if (scale.min >= scale.max) fail(origin, node, "min must be below max");
    scale.step = opt_num(origin, node, "step", 0.001, 1000);
    if (scale.step) {
      const double steps = (scale.max - scale.min) / *scale.step;
      if (std::abs(steps - std::round(steps)) > 1e-9) fail(origin, node, "max - min must be a whole number of steps");
    }
    if (node["better"])
      scale.lower_is_better = req_enum<bool>(origin, node, "better", {{"lower", true}, {"higher", false}});
    if (const auto anchors = node["anchors"]) {
      if (!anchors.IsMap()) fail(origin, anchors, "'anchors' must map score: meaning");
      for (const auto& a : anchors) scale.anchors[a.first.as<std::string>()] = a.second.as<std::string>();
    }
    scale.sources = sources(origin, node);
    scale.note = opt_str(origin, node, "note");
    kb_.scales.push_back(std::move(scale));
  }
}

void Loader::read_risks(const Origin& origin, const YAML::Node& list) {
  for (const auto& node : list) {
    check_keys(origin, node, {"id", "text", "sources", "note"});
    Risk risk;
    risk.id = req_id(origin, node);
    check_unique(seen_ids_, "risk", risk.id, origin, node);
    risk.text = req_str(origin, node, "text");
    risk.sources = sources(origin, node);
    kb_.risks.push_back(std::move(risk));
  }
}

void Loader::read_consent(const Origin& origin, const YAML::Node& node) {
  if (!kb_.consent.version.empty()) fail(origin, node, "'consent' may appear in one file only");
  check_keys(origin, node, {"version", "items"});
  kb_.consent.version = req_str(origin, node, "version");
  const YAML::Node items = node["items"];
  if (!items || !items.IsSequence() || items.size() == 0) fail(origin, node, "'items' must be a non-empty list");
  for (const auto& item : items) {
    check_keys(origin, item, {"id", "text", "sources"});
    ConsentItem entry{req_id(origin, item), req_str(origin, item, "text"), sources(origin, item)};
    check_unique(seen_ids_, "consent item", entry.id, origin, item);
    kb_.consent.items.push_back(std::move(entry));
  }
}

// ---- published results and responder thresholds (results.yaml) --------------------

StatedDuration stated_duration(const Origin& origin, const YAML::Node& node, const char* what) {
  StatedDuration out;
  int parts = 0;
  if (node["days"]) ++parts, out.days = req_int(origin, node, "days", 0, 3650);
  if (node["weeks"]) ++parts, out.weeks = req_int(origin, node, "weeks", 0, 520);
  if (node["months"]) ++parts, out.months = req_int(origin, node, "months", 0, 240);
  if (parts != 1) fail(origin, node, fmt::format("{} needs exactly one of: days, weeks, months", what));
  return out;
}

/// A number or {min, max}.
template <class T>
std::pair<T, T> number_or_range(const Origin& origin, const YAML::Node& node, const char* key,
                                double min, double max, bool whole) {
  const YAML::Node value = node[key];
  auto read = [&](const YAML::Node& holder, const char* k) {
    const double number = req_num(origin, holder, k, min, max);
    if (whole && number != std::floor(number)) fail(origin, holder[k], fmt::format("'{}' must be a whole number", k));
    return static_cast<T>(number);
  };
  if (value.IsScalar()) {
    const T only = read(node, key);
    return {only, only};
  }
  check_keys(origin, value, {"min", "max"});
  const std::pair<T, T> range{read(value, "min"), read(value, "max")};
  if (range.first > range.second) fail(origin, value, "min must not exceed max");
  return range;
}

StatedScore stated_score(const Origin& origin, const YAML::Node& node) {
  StatedScore out;
  out.mean = opt_num(origin, node, "mean", -1e6, 1e6);
  out.sd = opt_num(origin, node, "sd", 0, 1e6);
  out.mode = opt_num(origin, node, "mode", -1e6, 1e6);
  if (out.sd && !out.mean) fail(origin, node["sd"], "'sd' needs a 'mean'");
  return out;
}

StatedInterval stated_interval(const Origin& origin, const YAML::Node& node, const char* key) {
  const YAML::Node value = node[key];
  check_keys(origin, value, {"mean", "low", "high", "level"});
  StatedInterval out;
  out.mean = req_num(origin, value, "mean", -1e6, 1e6);
  out.low = opt_num(origin, value, "low", -1e6, 1e6);
  out.high = opt_num(origin, value, "high", -1e6, 1e6);
  out.level = opt_num(origin, value, "level", 0.5, 0.999).value_or(0.95);
  if (out.low.has_value() != out.high.has_value()) fail(origin, value, "give both 'low' and 'high', or neither");
  if (out.low && !(*out.low <= out.mean && out.mean <= *out.high))
    fail(origin, value, "the interval must hold the mean: low <= mean <= high");
  return out;
}

void Loader::read_results(const Origin& origin, const YAML::Node& list) {
  for (const auto& node : list) {
    check_keys(origin, node, {"id", "study", "indications", "design", "population", "patients", "protocol",
                              "measure", "baseline", "follow_up", "adverse_events", "comparator", "summary",
                              "sources", "note"});
    PublishedResult result;
    result.id = req_id(origin, node);
    check_unique(seen_ids_, "result", result.id, origin, node);
    result.study = req_str(origin, node, "study");
    result.indications = str_list(origin, node, "indications", true);
    for (const auto& id : result.indications) result_refs_.push_back({"indication", id, where(origin, node["indications"])});
    result.design = opt_str(origin, node, "design");
    result.population = opt_str(origin, node, "population");

    const YAML::Node patients = node["patients"];
    if (!patients) fail(origin, node, "missing 'patients' ({analysed, enrolled, unit})");
    check_keys(origin, patients, {"enrolled", "analysed", "unit"});
    result.analysed = req_int(origin, patients, "analysed", 1, 1000000);
    if (patients["enrolled"]) result.enrolled = req_int(origin, patients, "enrolled", 1, 1000000);
    if (result.enrolled && result.enrolled < result.analysed)
      fail(origin, patients, "'analysed' cannot exceed 'enrolled'");
    result.unit = opt_str(origin, patients, "unit", "patients");

    if (const YAML::Node protocol = node["protocol"]) {
      check_keys(origin, protocol, {"device", "needle_length_mm", "sessions", "interval", "course", "with", "note"});
      auto& p = result.protocol;
      if (protocol["device"])
        p.device = req_enum<std::string>(origin, protocol, "device",
                                         {{"roller", "roller"}, {"pen", "pen"}, {"stylus", "stylus"}});
      if (protocol["needle_length_mm"]) {
        const auto [lo, hi] = number_or_range<double>(origin, protocol, "needle_length_mm", 0.01, 5, false);
        p.needle_length = StatedLengthMm{lo, hi};
      }
      if (protocol["sessions"]) {
        const auto [lo, hi] = number_or_range<int>(origin, protocol, "sessions", 1, 100, true);
        p.sessions = StatedCount{lo, hi};
      }
      if (protocol["interval"]) {
        check_keys(origin, protocol["interval"], {"days", "weeks", "months"});
        p.interval = stated_duration(origin, protocol["interval"], "'interval'");
      }
      if (protocol["course"]) {
        check_keys(origin, protocol["course"], {"days", "weeks", "months"});
        p.course = stated_duration(origin, protocol["course"], "'course'");
      }
      p.with = opt_str(origin, protocol, "with");
      p.note = opt_str(origin, protocol, "note");
    }

    const YAML::Node measure = node["measure"];
    if (!measure) fail(origin, node, "missing 'measure' ({scale: id} or {name: text})");
    check_keys(origin, measure, {"scale", "name"});
    if (measure["scale"].IsDefined() == measure["name"].IsDefined())
      fail(origin, measure, "'measure' needs exactly one of: scale (a scale id), name (a measure not in the scales)");
    if (measure["scale"]) {
      result.measure.scale = req_id(origin, measure, "scale");
      result_refs_.push_back({"scale", result.measure.scale, where(origin, measure)});
    } else {
      result.measure.name = req_str(origin, measure, "name");
    }

    if (const YAML::Node baseline = node["baseline"]) {
      check_keys(origin, baseline, {"mean", "sd", "mode"});
      result.baseline = stated_score(origin, baseline);
    }
    if (const YAML::Node follow_up = node["follow_up"]) {
      if (!follow_up.IsSequence()) fail(origin, follow_up, "'follow_up' must be a list");
      for (const auto& item : follow_up) {
        check_keys(origin, item, {"after", "days", "weeks", "months", "mean", "sd", "mode", "change", "improvement",
                                  "responders", "note"});
        StudyFollowUp point;
        point.from = req_enum<FollowUpFrom>(origin, item, "after",
                                            {{"first-session", FollowUpFrom::first_session},
                                             {"last-session", FollowUpFrom::last_session}});
        point.after = stated_duration(origin, item, "a follow-up");
        point.score = stated_score(origin, item);
        if (item["change"]) point.change = stated_interval(origin, item, "change");
        if (item["improvement"]) point.improvement = stated_interval(origin, item, "improvement");
        if (const YAML::Node responders = item["responders"]) {
          check_keys(origin, responders, {"count", "percent", "of", "improvement"});
          StatedResponders r;
          r.of = req_int(origin, responders, "of", 1, 1000000);
          if (responders["count"]) r.count = req_int(origin, responders, "count", 0, r.of);
          r.percent = opt_num(origin, responders, "percent", 0, 100);
          if (r.count.has_value() == r.percent.has_value())
            fail(origin, responders, "'responders' needs exactly one of: count, percent");
          r.improvement = req_num(origin, responders, "improvement", 0.001, 1000);
          point.responders = r;
        }
        if (!point.score.mean && !point.score.mode && !point.change && !point.improvement && !point.responders)
          fail(origin, item, "a follow-up needs a figure: mean, mode, change, improvement or responders");
        point.note = opt_str(origin, item, "note");
        result.follow_up.push_back(std::move(point));
      }
    }
    if (const YAML::Node events = node["adverse_events"]) {
      if (!events.IsSequence()) fail(origin, events, "'adverse_events' must be a list");
      for (const auto& item : events) {
        check_keys(origin, item, {"type", "risk", "patients", "of"});
        StudyAdverseEvent event;
        event.type = req_str(origin, item, "type");
        event.risk = opt_str(origin, item, "risk");
        if (!event.risk.empty()) result_refs_.push_back({"risk", event.risk, where(origin, item)});
        event.of = req_int(origin, item, "of", 1, 1000000);
        event.patients = req_int(origin, item, "patients", 0, event.of);
        result.adverse_events.push_back(std::move(event));
      }
    }
    result.comparator = opt_str(origin, node, "comparator");
    result.summary = opt_str(origin, node, "summary");
    result.sources = sources(origin, node);
    result.note = opt_str(origin, node, "note");
    kb_.results.push_back(std::move(result));
  }
}

void Loader::read_responder_thresholds(const Origin& origin, const YAML::Node& list) {
  for (const auto& node : list) {
    check_keys(origin, node, {"scale", "improvement", "sources", "note"});
    ResponderThreshold threshold;
    threshold.scale = req_id(origin, node, "scale");
    check_unique(seen_ids_, "responder threshold for scale", threshold.scale, origin, node);
    result_refs_.push_back({"scale", threshold.scale, where(origin, node)});
    threshold.improvement = req_num(origin, node, "improvement", 0.001, 1000);
    threshold.sources = sources(origin, node);
    threshold.note = opt_str(origin, node, "note");
    kb_.responder_thresholds.push_back(std::move(threshold));
  }
}

void Loader::check_result_references() const {
  for (const auto& ref : result_refs_) {
    const bool found = ref.kind == "indication" ? kb_.find_indication(ref.id) != nullptr
                       : ref.kind == "scale"    ? kb_.find_scale(ref.id) != nullptr
                                                : kb_.find_risk(ref.id) != nullptr;
    if (!found) throw KnowledgeError(ref.where, fmt::format("unknown {} id '{}'", ref.kind, ref.id));
  }
  for (const auto& threshold : kb_.responder_thresholds) {
    const Scale* scale = kb_.find_scale(threshold.scale);
    if (!scale->lower_is_better)
      throw KnowledgeError(seen_ids_.at("responder threshold for scale").at(threshold.scale),
                           fmt::format("scale '{}' has no better end ('better' is not set): a responder "
                                       "threshold needs one", threshold.scale));
    if (threshold.improvement > scale->max - scale->min)
      throw KnowledgeError(seen_ids_.at("responder threshold for scale").at(threshold.scale),
                           fmt::format("improvement {} is larger than the scale's range ({} to {})",
                                       threshold.improvement, scale->min, scale->max));
  }
}

void Loader::read_file(const fs::path& path) {
  Origin origin{path.string()};
  YAML::Node root;
  try {
    root = YAML::LoadFile(path.string());
  } catch (const YAML::ParserException& e) {
    throw KnowledgeError(fmt::format("{}:{}", origin.file, e.mark.line + 1), "YAML syntax: " + e.msg);
  } catch (const YAML::BadFile&) {
    throw KnowledgeError(origin.file, "cannot read the file");
  }
  if (root.IsNull()) return;
  try {
    read_sections(origin, root);
  } catch (const YAML::Exception& e) {
    // A conversion the section readers did not anticipate (e.g. a map where text belongs).
    throw KnowledgeError(fmt::format("{}:{}", origin.file, e.mark.line + 1), "unexpected YAML here: " + e.msg);
  }
}

void Loader::read_sections(const Origin& origin, const YAML::Node& root) {
  check_keys(origin, root,
             {"knowledge", "sources", "vocabulary", "regions", "devices", "indications", "screening",
              "planning", "preparation", "procedure", "aftercare", "scales", "risks", "consent",
              "results", "responder_thresholds"});
  using Reader = void (Loader::*)(const Origin&, const YAML::Node&);
  const std::vector<std::pair<const char*, Reader>> list_sections = {
      {"sources", &Loader::read_sources},         {"regions", &Loader::read_regions},
      {"devices", &Loader::read_devices},         {"indications", &Loader::read_indications},
      {"screening", &Loader::read_screening},     {"preparation", &Loader::read_preparation},
      {"procedure", &Loader::read_procedure},     {"aftercare", &Loader::read_aftercare},
      {"scales", &Loader::read_scales},           {"risks", &Loader::read_risks},
      {"results", &Loader::read_results},
      {"responder_thresholds", &Loader::read_responder_thresholds}};
  for (const auto& [key, reader] : list_sections) {
    const YAML::Node section = root[key];
    if (!section) continue;
    if (!section.IsSequence()) fail(origin, section, fmt::format("'{}' must be a list", key));
    (this->*reader)(origin, section);
  }
  if (root["vocabulary"]) read_vocabulary(origin, root["vocabulary"]);
  if (root["consent"]) read_consent(origin, root["consent"]);
  if (root["planning"]) {
    if (seen_ids_["section"].count("planning"))
      fail(origin, root["planning"], "'planning' may appear in one file only");
    seen_ids_["section"]["planning"] = origin.file;
    read_planning(origin, root["planning"]);
  }
  if (const auto manifest = root["knowledge"]) {
    if (have_manifest_) fail(origin, manifest, "'knowledge' (the manifest) may appear once only");
    check_keys(origin, manifest, {"version", "title", "note"});
    kb_.version = req_str(origin, manifest, "version");
    kb_.title = req_str(origin, manifest, "title");
    have_manifest_ = true;
  }
}

KnowledgeBase Loader::load(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw KnowledgeError(dir, "not a directory");
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    if (entry.is_regular_file() && entry.path().extension() == ".yaml") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  if (files.empty()) throw KnowledgeError(dir, "no *.yaml files");
  for (const auto& file : files) read_file(file);

  if (!have_manifest_) throw KnowledgeError(dir, "no manifest: a file with 'knowledge: {version, title}'");
  if (!seen_ids_["section"].count("planning"))
    throw KnowledgeError(dir, "no 'planning' section");

  // Cross references.
  std::set<std::string> source_ids;
  for (const auto& s : kb_.sources) source_ids.insert(s.id);
  for (const auto& ref : source_refs_)
    if (!source_ids.count(ref.id))
      throw KnowledgeError(ref.where, fmt::format("unknown source id '{}' (not in any sources list)", ref.id));
  for (const auto& ref : code_refs_) {
    const auto& vocab = kb_.vocabulary;
    const std::vector<VocabularyEntry>* list =
        ref.kind == "medications" ? &vocab.medications
        : ref.kind == "conditions" ? &vocab.conditions
        : ref.kind == "procedures" ? &vocab.procedures
                                   : &vocab.allergies;
    if (std::none_of(list->begin(), list->end(), [&](const auto& e) { return e.code == ref.code; }))
      throw KnowledgeError(ref.where, fmt::format("unknown {} code '{}' (not in the vocabulary)",
                                                  ref.kind.substr(0, ref.kind.size() - 1), ref.code));
  }
  for (const auto& ref : id_refs_) {
    const bool found = ref.kind == "region"  ? kb_.find_region(ref.id) != nullptr
                       : ref.kind == "device" ? kb_.find_device(ref.id) != nullptr
                                              : std::any_of(kb_.preparation.begin(), kb_.preparation.end(),
                                                            [&](const PreparationTask& t) { return t.id == ref.id; });
    if (!found) throw KnowledgeError(ref.where, fmt::format("unknown {} id '{}'", ref.kind, ref.id));
  }
  check_result_references();
  if (policy_) {
    for (const auto& [topic, node] : policy_->positions)
      if (!policy_->used.count(topic))
        fail(policy_->origin, node, fmt::format("unknown topic '{}' (see 'dermaplan kb list topics')", topic));
    for (const auto& [topic, node] : policy_->overrides)
      if (!policy_->used.count(topic))
        fail(policy_->origin, node, fmt::format("unknown topic '{}' (see 'dermaplan kb list topics')", topic));
    kb_.policy = policy_->name;
  }
  std::sort(kb_.procedure.begin(), kb_.procedure.end(),
            [](const auto& a, const auto& b) { return a.order < b.order; });
  return std::move(kb_);
}

}  // namespace

KnowledgeBase load_knowledge(const std::string& dir, const std::string& policy_file) {
  std::optional<PolicyFile> policy;
  if (!policy_file.empty()) policy = read_policy(policy_file);
  Loader loader(policy ? &*policy : nullptr);
  return loader.load(dir);
}

std::string default_knowledge_dir() {
  if (const char* env = std::getenv("DERMAPLAN_KNOWLEDGE"); env && *env) return env;
  return DERMAPLAN_KNOWLEDGE_DIR;
}

}  // namespace dermaplan::kb
