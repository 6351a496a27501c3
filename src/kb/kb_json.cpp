#include "kb/kb_json.h"

#include "core/errors.h"
#include "kb/describe.h"

namespace dermaplan::kb {

using nlohmann::json;

const std::vector<std::string>& listable_kinds() {
  static const std::vector<std::string> kinds = {"sources",     "regions",     "devices",
                                                 "indications", "screening",   "topics",
                                                 "preparation", "procedure",   "aftercare",
                                                 "scales",      "vocabulary",  "risks",
                                                 "about"};
  return kinds;
}

namespace {

json layer_json(const LayerThickness& layer) {
  json out = {{"min", layer.all.min_um}, {"max", layer.all.max_um}, {"method", layer.method},
              {"sources", layer.sources}};
  if (layer.female) out["female"] = {{"min", layer.female->min_um}, {"max", layer.female->max_um}};
  if (layer.male) out["male"] = {{"min", layer.male->min_um}, {"max", layer.male->max_um}};
  if (!layer.note.empty()) out["note"] = layer.note;
  return out;
}

template <class T, class Describe>
json disputed_json(const Disputed<T>& value, Describe describe) {
  json out = {{"value", describe(value.value())}, {"sources", value.selected().sources}};
  if (!value.selected().note.empty()) out["note"] = value.selected().note;
  if (value.disputed()) {
    out["topic"] = value.topic;
    out["position"] = value.selected().id;
    out["disagreement"] = true;
  }
  return out;
}

json about_json(const AboutItem& item) {
  return {{"id", item.id}, {"title", item.title},
          {"statement", disputed_json(item.statement, [](const Statement& s) { return s.text; })}};
}

json region_json(const Region& region) {
  json out = {{"id", region.id},
              {"name", region.name},
              {"group", region.group},
              {"epidermis_um", layer_json(region.epidermis_um)},
              {"dermis_um", layer_json(region.dermis_um)}};
  if (region.needle_guide) out["needle_guide"] = disputed_json(*region.needle_guide, describe_needle_guide);
  if (region.pressure)
    out["pressure"] = {{"value", to_string(*region.pressure)}, {"sources", region.pressure_sources}};
  if (!region.anaesthetic_cream_needed)
    out["anaesthetic_cream"] = {{"needed", false}, {"sources", region.anaesthetic_cream_sources}};
  return out;
}

json device_json(const Device& device) {
  json out = {{"id", device.id},         {"name", device.name},
              {"kind", to_string(device.kind)}, {"single_use", device.single_use},
              {"sources", device.sources}};
  if (device.needles) out["needles"] = device.needles;
  if (device.rows) out["rows"] = device.rows;
  if (device.drum_diameter_mm) out["drum_diameter_mm"] = device.drum_diameter_mm;
  if (device.drum_width_mm) out["drum_width_mm"] = device.drum_width_mm;
  if (device.needle_length_mm) out["needle_length_mm"] = device.needle_length_mm;
  if (device.needle_diameter_mm) out["needle_diameter_mm"] = device.needle_diameter_mm;
  if (device.depth_range)
    out["depth_mm"] = {{"min", device.depth_range->min_mm}, {"max", device.depth_range->max_mm},
                       {"step", device.depth_step_mm}};
  if (device.stroke_rate_hz)
    out["stroke_rate_hz"] = {{"min", device.stroke_rate_hz->min_mm}, {"max", device.stroke_rate_hz->max_mm}};
  for (const auto& c : device.cartridges) {
    json cartridge = {{"id", c.id}, {"sources", c.sources}};
    if (c.needles) cartridge["needles"] = c.needles;
    if (!c.note.empty()) cartridge["note"] = c.note;
    out["cartridges"].push_back(cartridge);
  }
  if (!device.material.empty()) out["material"] = device.material;
  if (!device.anaesthetic_cream_needed) out["anaesthetic_cream_needed"] = false;
  if (device.purpose == DevicePurpose::product_penetration) out["purpose"] = "product-penetration";
  if (!device.note.empty()) out["note"] = device.note;
  return out;
}

json indication_json(const Indication& indication) {
  json out = {{"id", indication.id},
              {"name", indication.name},
              {"group", indication.group},
              {"treatment_class", disputed_json(indication.treatment_class, describe_treatment_class)},
              {"physician_required", indication.physician_required},
              {"regions", indication.regions},
              {"needle_length", disputed_json(indication.needle_length, describe_needle_length)},
              {"course", disputed_json(indication.course, describe_course)},
              {"sources", indication.sources}};
  if (!indication.note.empty()) out["note"] = indication.note;
  return out;
}

json rule_json(const ScreeningRule& rule) {
  json out = {{"id", rule.id},
              {"title", rule.title},
              {"area_limited", rule.scope() != Scope::anywhere},
              {"applies_to", to_string(rule.scope())},
              {"ask", rule.ask},
              {"message", rule.message},
              {"effect", disputed_json(rule.effect, describe_effect)}};
  if (!rule.check.empty()) out["check"] = rule.check;
  if (!rule.reading.empty()) out["reading"] = rule.reading;
  return out;
}

json source_json(const Source& source) {
  return {{"id", source.id}, {"title", source.title}, {"locator", source.locator},
          {"evidence", to_string(source.evidence)}};
}

json scale_json(const Scale& scale) {
  json out = {{"id", scale.id},   {"name", scale.name},   {"min", scale.min},
              {"max", scale.max}, {"anchors", scale.anchors}, {"sources", scale.sources}};
  if (scale.step) out["step"] = *scale.step;
  if (scale.lower_is_better) out["better"] = *scale.lower_is_better ? "lower" : "higher";
  else out["classification"] = true;  // no better or worse end
  if (!scale.note.empty()) out["note"] = scale.note;
  return out;
}

json vocabulary_json(const std::string& kind, const VocabularyEntry& entry) {
  return {{"kind", kind}, {"code", entry.code}, {"name", entry.name}, {"aliases", entry.aliases}};
}

}  // namespace

json topic_json(const TopicSummary& topic) {
  json positions = json::array();
  for (size_t i = 0; i < topic.positions.size(); ++i) {
    const auto& p = topic.positions[i];
    json entry = {{"id", p.id}, {"value", p.summary}, {"sources", p.sources}, {"default", p.is_default}};
    if (i == topic.chosen) entry["chosen"] = true;
    if (!p.note.empty()) entry["note"] = p.note;
    positions.push_back(entry);
  }
  json out = {{"topic", topic.topic},       {"question", topic.question},
              {"where", topic.where},       {"positions", positions},
              {"chosen", topic.positions.at(topic.chosen).id},
              {"chosen_by", topic.chosen_by_policy ? "policy" : "default"}};
  if (topic.overridden) out["overridden_by_policy"] = true;
  return out;
}

json list_json(const KnowledgeBase& kb, const std::string& kind) {
  json out = json::array();
  if (kind == "sources") {
    for (const auto& s : kb.sources) out.push_back(source_json(s));
  } else if (kind == "regions") {
    for (const auto& r : kb.regions)
      out.push_back({{"id", r.id}, {"name", r.name}, {"group", r.group}});
  } else if (kind == "devices") {
    for (const auto& d : kb.devices)
      out.push_back({{"id", d.id}, {"name", d.name}, {"kind", to_string(d.kind)}});
  } else if (kind == "indications") {
    for (const auto& i : kb.indications)
      out.push_back({{"id", i.id}, {"name", i.name},
                     {"treatment_class", to_string(i.treatment_class.value())}});
  } else if (kind == "screening") {
    for (const auto& r : kb.screening)
      out.push_back({{"id", r.id}, {"title", r.title}, {"effect", describe_effect(r.effect.value())}});
  } else if (kind == "topics") {
    for (const auto& t : kb.topics)
      out.push_back({{"id", t.topic}, {"question", t.question},
                     {"chosen", t.positions.at(t.chosen).id}, {"positions", t.positions.size()}});
  } else if (kind == "preparation") {
    for (const auto& p : kb.preparation)
      out.push_back({{"id", p.id}, {"task", p.task}, {"done_by", to_string(p.done_by)},
                     {"before", describe_days_before(p.before.value())}});
  } else if (kind == "procedure") {
    for (const auto& p : kb.procedure) out.push_back({{"id", p.id}, {"step", p.step}});
  } else if (kind == "aftercare") {
    for (const auto& a : kb.aftercare)
      out.push_back({{"id", a.id}, {"instruction", a.instruction},
                     {"window", describe_hours_window(a.window.value())}});
  } else if (kind == "about") {
    for (const auto& a : kb.planning.about)
      out.push_back({{"id", a.id}, {"title", a.title}, {"text", a.statement.value().text},
                     {"sources", a.statement.selected().sources}});
  } else if (kind == "scales") {
    for (const auto& s : kb.scales) {
      json item = {{"id", s.id}, {"name", s.name}};
      if (!s.lower_is_better) item["classification"] = true;  // not an outcome: no better end
      if (s.step) item["step"] = *s.step;
      out.push_back(std::move(item));
    }
  } else if (kind == "risks") {
    for (const auto& r : kb.risks) out.push_back({{"id", r.id}, {"text", r.text}, {"sources", r.sources}});
  } else if (kind == "vocabulary") {
    for (const auto& e : kb.vocabulary.conditions) out.push_back(vocabulary_json("condition", e));
    for (const auto& e : kb.vocabulary.medications) out.push_back(vocabulary_json("medication", e));
    for (const auto& e : kb.vocabulary.procedures) out.push_back(vocabulary_json("procedure", e));
    for (const auto& e : kb.vocabulary.allergies) out.push_back(vocabulary_json("allergy", e));
  } else {
    std::string accepted;
    for (const auto& k : listable_kinds()) accepted += (accepted.empty() ? "" : ", ") + k;
    throw InputError("kind", "unknown kind '" + kind + "'; accepted: " + accepted);
  }
  return out;
}

json show_json(const KnowledgeBase& kb, const std::string& id) {
  json matches = json::array();
  auto add = [&](const char* kind, json item) {
    item["kind"] = kind;
    matches.push_back(std::move(item));
  };
  if (const auto* s = kb.find_source(id)) add("source", source_json(*s));
  if (const auto* r = kb.find_region(id)) add("region", region_json(*r));
  if (const auto* d = kb.find_device(id)) add("device", device_json(*d));
  if (const auto* i = kb.find_indication(id)) add("indication", indication_json(*i));
  if (const auto* r = kb.find_rule(id)) add("screening", rule_json(*r));
  if (const auto* t = kb.find_topic(id)) add("topic", topic_json(*t));
  for (const auto& s : kb.scales)
    if (s.id == id) add("scale", scale_json(s));
  for (const auto& p : kb.preparation)
    if (p.id == id) {
      json task = {{"id", p.id}, {"task", p.task}, {"done_by", to_string(p.done_by)},
                   {"before", disputed_json(p.before, describe_days_before)}, {"each_session", p.each_session}};
      if (!p.assumption.empty()) task["assumption"] = p.assumption;
      if (!p.conflicts_with.empty()) task["conflicts_with"] = p.conflicts_with;
      add("preparation", std::move(task));
    }
  for (const auto& p : kb.procedure)
    if (p.id == id) add("procedure", {{"id", p.id}, {"step", p.step}, {"sources", p.sources}});
  for (const auto& a : kb.aftercare)
    if (a.id == id) {
      json item = {{"id", a.id}, {"instruction", a.instruction},
                   {"window", disputed_json(a.window, describe_hours_window)}, {"sources", a.sources()}};
      if (!a.window.value().reading.empty()) item["window"]["reading"] = a.window.value().reading;
      add("aftercare", std::move(item));
    }
  for (const auto& a : kb.planning.about)
    if (a.id == id) add("about", about_json(a));
  if (id == "planning") {
    const Planning& p = kb.planning;
    json classes = json::array();
    for (const auto& c : p.depth_classes)
      classes.push_back({{"id", c.id}, {"name", c.name}, {"max_mm", c.max_mm}, {"sources", c.sources}});
    json planning = {{"passes", disputed_json(p.passes, describe_passes)},
                     {"anaesthesia", disputed_json(p.anaesthesia, describe_anaesthesia)},
                     {"assessment", disputed_json(p.assessment, describe_assessment)},
                     {"depth_classes", classes},
                     {"bleeding_from_mm", {{"value", p.bleeding_from_mm}, {"sources", p.bleeding_sources}}},
                     {"default_device", disputed_json(p.default_device, describe_device_preference)},
                     {"physician_required", {{"text", p.physician_required.text}, {"sources", p.physician_required_sources}}}};
    if (p.home_use) planning["home_use_max_mm"] = disputed_json(*p.home_use, describe_home_use_limit);
    json about = json::array();
    for (const auto& a : p.about) about.push_back(about_json(a));
    planning["about"] = std::move(about);
    add("planning", planning);
  }
  // Topics that mention this id in where they sit ("screening isotretinoin: effect").
  for (const auto& t : kb.topics)
    if (t.topic != id && t.where.find(" " + id + ":") != std::string::npos)
      add("topic", topic_json(t));
  if (matches.empty())
    throw InputError("id", "nothing in the knowledge base has the id '" + id +
                               "'; try 'dermaplan kb list <kind>'");
  return {{"id", id}, {"matches", matches}};
}

}  // namespace dermaplan::kb
