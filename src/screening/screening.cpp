#include "screening/screening.h"

#include "kb/describe.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>

namespace dermaplan::screening {

Intake with_conditions_implied_by(Intake intake, const kb::Indication& indication) {
  for (const auto& code : indication.implies_conditions) {
    if (!intake.conditions) intake.conditions.emplace();
    std::erase_if(*intake.conditions, [&](const ConditionEntry& c) { return c.code == code; });
    ConditionEntry entry;
    entry.code = code;
    entry.active = true;
    intake.conditions->push_back(entry);
  }
  return intake;
}

const char* const kDecisionSupportNotice =
    "Decision support for a qualified practitioner, not a decision: verify every finding with "
    "the patient and use your clinical judgement.";

namespace {

using kb::Decision;
using kb::Trigger;

/// The skin properties a skin trigger names ("sensitive", "dry"); a trigger made in code may
/// name one in `code` only.
std::vector<std::string> skin_properties(const Trigger& trigger) {
  return trigger.skin.empty() ? std::vector<std::string>{trigger.code} : trigger.skin;
}

/// The vocabulary's name for a code ("Isotretinoin (oral)"), or the code itself.
std::string name_of(const std::vector<kb::VocabularyEntry>& vocabulary, const std::string& code) {
  for (const auto& entry : vocabulary)
    if (entry.code == code) return entry.name;
  return code;
}

class Screener {
 public:
  Screener(const Intake& intake, const kb::KnowledgeBase& kb, CivilDate as_of,
           const std::vector<std::string>& areas)
      : intake_(intake), kb_(kb), as_of_(as_of), areas_(areas) {}

  ScreeningResult run() {
    result_.as_of = as_of_;
    result_.areas = areas_;
    result_.policy = kb_.policy;
    result_.knowledge_version = kb_.version;
    for (const auto& rule : kb_.screening) apply(rule);
    decide();
    return std::move(result_);
  }

 private:
  Finding base_finding(const kb::ScreeningRule& rule) const {
    Finding finding;
    finding.id = rule.id;
    finding.title = rule.title;
    const kb::Effect& effect = rule.effect.value();
    finding.decision = effect.decision;
    finding.message = rule.message;
    finding.sources = rule.effect.selected().sources;
    finding.reading = rule.reading;
    if (rule.effect.disputed()) finding.topic = kb_.find_topic(rule.effect.topic);
    return finding;
  }

  void add(Finding finding) { result_.findings.push_back(std::move(finding)); }

  void add_check(const std::string& check) {
    if (std::find(result_.checks.begin(), result_.checks.end(), check) == result_.checks.end())
      result_.checks.push_back(check);
  }

  void unknown(const kb::ScreeningRule& rule, const std::string& what) {
    if (!rule.ask || !rule.asked_of_sex(intake_.sex)) return;
    Finding finding = base_finding(rule);
    finding.id = rule.id + "-unknown";
    finding.decision = Decision::caution;
    finding.message = fmt::format("{} not recorded in the intake. {}", what, rule.check);
    finding.unknown = true;
    add(std::move(finding));
    add_check(rule.check);
  }

  /// A disputed rule whose chosen position no longer applies to an event on `date`: where another
  /// position still would (a longer wait, any history), the practitioner is told, with its
  /// sources, and the topic goes with the result (the disagreement is shown, not hidden).
  void other_positions(const kb::ScreeningRule& rule, CivilDate date, const std::string& what,
                       const char* date_label) {
    if (!rule.effect.disputed()) return;
    const auto& chosen = rule.effect.selected();
    for (std::size_t i = 0; i < rule.effect.positions.size(); ++i) {
      const auto& p = rule.effect.positions[i];
      if (i == rule.effect.chosen || p.value.decision == Decision::eligible) continue;
      std::string reach;
      if (p.value.lifetime) {
        reach = "whatever its date";
      } else if (!p.value.wait.empty()) {
        const CivilDate until = add_wait(date, p.value.wait);
        if (until <= as_of_) continue;
        reach = fmt::format("until {} ({})", format_civil_date(until), p.value.wait.describe());
      } else {
        continue;
      }
      add_check(fmt::format(
          "{}, {} {}: no finding under the chosen position '{}' [{}]; position '{}' [{}] would still {} "
          "{} (see where the sources disagree: {}).",
          what, date_label, format_civil_date(date), chosen.id, fmt::join(chosen.sources, ", "), p.id,
          fmt::join(p.sources, ", "), decision_verb(p.value.decision), reach, rule.effect.topic));
      const kb::TopicSummary* topic = kb_.find_topic(rule.effect.topic);
      if (topic && std::find(result_.other_positions_apply.begin(), result_.other_positions_apply.end(), topic) ==
                       result_.other_positions_apply.end())
        result_.other_positions_apply.push_back(topic);
    }
  }

  static const char* decision_verb(Decision decision) {
    return decision == Decision::contraindicated ? "exclude treatment"
           : decision == Decision::defer         ? "defer treatment"
                                                 : "call for caution";
  }


  /// An event on `date` (a last dose, a procedure) with the rule's waiting period.
  /// `date_label` introduces the date in messages ("last dose", "on", "since").
  /// `note` is appended to the message (where the event concerns the treated areas).
  void timed(const kb::ScreeningRule& rule, const std::optional<CivilDate>& date, bool ongoing,
             const std::string& what, const std::optional<std::string>& area, const char* date_label,
             const std::string& note, const std::optional<std::string>& zone) {
    const kb::Effect& effect = rule.effect.value();
    Finding finding = base_finding(rule);
    finding.area = area;
    finding.zone = zone;
    if (effect.lifetime || effect.wait.empty()) {
      if (!ongoing && !effect.lifetime && effect.wait.empty() && date) {
        // A past event with no waiting period and no lifetime effect: no longer relevant.
        other_positions(rule, *date, what, date_label);
        return;
      }
      finding.message = fmt::format("{}: {}{}", what, rule.message, note);
      add(std::move(finding));
      return;
    }
    if (ongoing) {
      finding.message = fmt::format("{} (ongoing): {} Not before {} after it ends.{}", what, rule.message,
                                    effect.wait.describe(), note);
      add(std::move(finding));
      return;
    }
    if (!date) {
      finding.message = fmt::format("{}, {} unknown: {} The waiting period is {}; confirm the date.{}",
                                    what, date_label, rule.message, effect.wait.describe(), note);
      add_check(fmt::format("{}: record the date to compute the waiting period ({}).", rule.title,
                            effect.wait.describe()));
      add(std::move(finding));
      return;
    }
    const CivilDate until = add_wait(*date, effect.wait);
    if (until <= as_of_) {  // the waiting period is over
      other_positions(rule, *date, what, date_label);
      return;
    }
    finding.until = until;
    finding.message = fmt::format("{}, {} {}: {} Wait {} (until {}).{}", what, date_label, format_civil_date(*date),
                                  rule.message, effect.wait.describe(), format_civil_date(until), note);
    add(std::move(finding));
  }

  /// Whether a condition or procedure at `entry_area` concerns the treated areas under the
  /// rule's scope. An unknown place or no treated areas concerns them all (the conservative
  /// reading). For a zone-wide match, `zone` is set and `note` names the treated areas it
  /// concerns besides its own.
  bool concerns(const kb::ScreeningRule& rule, const std::optional<std::string>& entry_area,
                std::string& note, std::optional<std::string>& zone) const {
    const kb::Scope scope = rule.scope();
    if (scope == kb::Scope::anywhere || !entry_area || areas_.empty()) return true;
    const bool in_area = std::find(areas_.begin(), areas_.end(), *entry_area) != areas_.end();
    if (scope == kb::Scope::region) return in_area;
    const kb::Region* entry = kb_.find_region(*entry_area);
    if (!entry) return in_area;
    std::string others;
    for (const auto& area : areas_) {
      const kb::Region* treated = kb_.find_region(area);
      if (area != *entry_area && treated && treated->group == entry->group)
        others += (others.empty() ? "" : ", ") + area;
    }
    if (!in_area && others.empty()) return false;
    zone = entry->group;
    if (!others.empty()) note = fmt::format(" It concerns the treated {} in the same zone ({}).", others, entry->group);
    return true;
  }

  void apply(const kb::ScreeningRule& rule) {
    const Trigger& when = rule.when;
    switch (when.kind) {
      case Trigger::Kind::medication: {
        if (!intake_.medications) return unknown(rule, "Medication");
        for (const auto& m : *intake_.medications) {
          if (m.code != when.code) continue;
          if (when.state == Trigger::State::current && !m.current) continue;
          if (when.state == Trigger::State::recent && m.current) continue;  // stopped: the wait runs from last_dose
          const std::string name = name_of(kb_.vocabulary.medications, m.code);
          const std::string what = m.current ? fmt::format("Currently takes {}", name)
                                             : name;
          timed(rule, m.last_dose, m.current, what, std::nullopt, "last dose", "", std::nullopt);
        }
        return;
      }
      case Trigger::Kind::condition: {
        if (!intake_.conditions) return unknown(rule, "Conditions");
        for (const auto& c : *intake_.conditions) {
          if (c.code != when.code || !c.present) continue;
          if (when.state == Trigger::State::active && !c.active) continue;
          if (when.state == Trigger::State::history && c.active) continue;
          std::string note;
          std::optional<std::string> zone;
          if (!concerns(rule, c.area, note, zone)) continue;
          const std::string what = fmt::format("{}: {}{}", c.active ? "Active" : "History",
                                               name_of(kb_.vocabulary.conditions, c.code),
                                               c.area ? " (" + *c.area + ")" : "");
          const kb::Effect& effect = rule.effect.value();
          // A waiting period for a condition runs from when it began ("since").
          if (!effect.wait.empty()) {
            timed(rule, c.since, false, what, c.area, "since", note, zone);
          } else {
            Finding finding = base_finding(rule);
            finding.area = c.area;
            finding.zone = zone;
            finding.message = fmt::format("{}: {}{}", what, rule.message, note);
            add(std::move(finding));
          }
        }
        return;
      }
      case Trigger::Kind::procedure: {
        if (!intake_.procedures) return unknown(rule, "Previous procedures");
        for (const auto& p : *intake_.procedures) {
          if (p.code != when.code) continue;
          std::string note;
          std::optional<std::string> zone;
          if (!concerns(rule, p.area, note, zone)) continue;
          const std::string what = fmt::format("{}{}", name_of(kb_.vocabulary.procedures, p.code),
                                               p.area ? " (" + *p.area + ")" : "");
          timed(rule, p.date, false, what, p.area, "on", note, zone);
        }
        return;
      }
      case Trigger::Kind::allergy: {
        if (!intake_.allergies) return unknown(rule, "Allergies");
        if (std::find(intake_.allergies->begin(), intake_.allergies->end(), when.code) ==
            intake_.allergies->end())
          return;
        Finding finding = base_finding(rule);
        finding.message = fmt::format("{}: {}", name_of(kb_.vocabulary.allergies, when.code), rule.message);
        add(std::move(finding));
        return;
      }
      case Trigger::Kind::pregnant:
      case Trigger::Kind::breastfeeding: {
        const bool pregnancy = when.kind == Trigger::Kind::pregnant;
        const auto& flag = pregnancy ? intake_.pregnant : intake_.breastfeeding;
        if (!flag) return unknown(rule, pregnancy ? "Pregnancy status" : "Breastfeeding status");
        if (!*flag) return;
        Finding finding = base_finding(rule);
        finding.message = fmt::format("{}: {}", pregnancy ? "Pregnant" : "Breastfeeding", rule.message);
        add(std::move(finding));
        return;
      }
      case Trigger::Kind::skin: {
        // One finding for every property the rule names (seed-002: "sensitive and dry skin"):
        // those the intake has, and those it does not record.
        std::vector<std::string> present, unrecorded;
        for (const auto& property : skin_properties(when)) {
          const auto& flag = property == "sensitive" ? intake_.sensitive_skin : intake_.dry_skin;
          if (!flag) unrecorded.push_back(property);
          else if (*flag) present.push_back(property);
        }
        auto words = [](const std::vector<std::string>& properties, const char* conjunction) {
          std::string out;
          for (size_t i = 0; i < properties.size(); ++i)
            out += (i == 0 ? "" : i + 1 == properties.size() ? conjunction : ", ") + properties[i];
          return out;
        };
        if (present.empty()) {
          if (unrecorded.empty()) return;
          std::string what = words(unrecorded, " or ") + " skin";
          what[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(what[0])));
          return unknown(rule, what);
        }
        std::string what = words(present, " and ") + " skin";
        what[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(what[0])));
        Finding finding = base_finding(rule);
        finding.message = fmt::format("{}: {}{}", what, rule.message,
                                      unrecorded.empty() ? ""
                                                         : fmt::format(" ({} skin not recorded in the intake.)",
                                                                       words(unrecorded, " or ")));
        add(std::move(finding));
        return;
      }
      case Trigger::Kind::fitzpatrick_at_least: {
        if (!intake_.fitzpatrick) return unknown(rule, "Fitzpatrick skin type");
        if (*intake_.fitzpatrick < when.fitzpatrick) return;
        Finding finding = base_finding(rule);
        finding.message = fmt::format("Fitzpatrick type {}: {}", *intake_.fitzpatrick, rule.message);
        add(std::move(finding));
        return;
      }
    }
  }

  void decide() {
    auto& findings = result_.findings;
    // Most severe first, then by rule order (stable).
    std::stable_sort(findings.begin(), findings.end(),
                     [](const Finding& a, const Finding& b) { return a.decision > b.decision; });
    result_.decision = findings.empty() ? Decision::eligible : findings.front().decision;
    if (result_.decision == Decision::defer) {
      std::optional<CivilDate> latest;
      bool all_dated = true;
      for (const auto& f : findings) {
        if (f.decision != Decision::defer) continue;
        if (!f.until) all_dated = false;
        else if (!latest || *f.until > *latest) latest = f.until;
      }
      if (all_dated) result_.earliest_date = latest;
    }
  }

  const Intake& intake_;
  const kb::KnowledgeBase& kb_;
  CivilDate as_of_;
  const std::vector<std::string>& areas_;
  ScreeningResult result_;
};

}  // namespace

ScreeningResult screen(const Intake& intake, const kb::KnowledgeBase& kb, CivilDate as_of,
                       const std::vector<std::string>& areas) {
  return Screener(intake, kb, as_of, areas).run();
}

nlohmann::json to_json(const ScreeningResult& result) {
  nlohmann::json findings = nlohmann::json::array();
  for (const auto& f : result.findings) {
    nlohmann::json item = {{"id", f.id},
                           {"title", f.title},
                           {"decision", kb::to_string(f.decision)},
                           {"message", f.message},
                           {"sources", f.sources},
                           {"disagreement", f.topic != nullptr}};
    if (f.area) item["area"] = *f.area;
    if (f.zone) item["zone"] = *f.zone;
    if (f.until) item["until"] = format_civil_date(*f.until);
    if (f.unknown) item["unknown"] = true;
    if (!f.reading.empty()) item["reading"] = f.reading;
    if (f.topic) {
      item["topic"] = f.topic->topic;
      item["position"] = f.topic->positions.at(f.topic->chosen).id;
      nlohmann::json others = nlohmann::json::array();
      for (size_t i = 0; i < f.topic->positions.size(); ++i) {
        if (i == f.topic->chosen) continue;
        const auto& p = f.topic->positions[i];
        others.push_back({{"id", p.id}, {"value", p.summary}, {"sources", p.sources}});
      }
      item["other_positions"] = std::move(others);
    }
    findings.push_back(std::move(item));
  }
  nlohmann::json out = {{"decision", kb::to_string(result.decision)},
                        {"as_of", format_civil_date(result.as_of)},
                        {"areas", result.areas},
                        {"checks", result.checks},
                        {"policy", result.policy},
                        {"knowledge_version", result.knowledge_version},
                        {"notice", kDecisionSupportNotice}};
  out["findings"] = std::move(findings);  // moved: an initializer list would copy it
  if (result.earliest_date) out["earliest_date"] = format_civil_date(*result.earliest_date);
  return out;
}

std::string to_text(const ScreeningResult& result) {
  std::string out = fmt::format("Screening on {}{}\n", format_civil_date(result.as_of),
                                result.areas.empty() ? " (any area)" : "");
  if (!result.areas.empty()) {
    out.pop_back();
    std::string areas;
    for (const auto& a : result.areas) areas += (areas.empty() ? "" : ", ") + a;
    out += fmt::format(" for: {}\n", areas);
  }
  std::string decision = kb::to_string(result.decision);
  std::transform(decision.begin(), decision.end(), decision.begin(), ::toupper);
  out += fmt::format("Decision: {}", decision);
  if (result.earliest_date) out += fmt::format(" (earliest date {})", format_civil_date(*result.earliest_date));
  out += "\n";
  if (result.findings.empty()) out += "\nNo findings.\n";
  else out += "\nFindings:\n";
  for (const auto& f : result.findings) {
    out += fmt::format("  [{}] {}\n      {}\n", kb::to_string(f.decision), f.title, f.message);
    std::string sources;
    for (const auto& s : f.sources) sources += (sources.empty() ? "" : ", ") + s;
    out += fmt::format("      sources: {}\n", sources);
    if (!f.reading.empty()) out += fmt::format("      reading: {}\n", f.reading);
    if (f.topic) {
      out += fmt::format("      sources disagree ({}); applied: {}. Other positions:\n", f.topic->topic,
                         f.topic->positions.at(f.topic->chosen).id);
      for (size_t i = 0; i < f.topic->positions.size(); ++i) {
        if (i == f.topic->chosen) continue;
        const auto& p = f.topic->positions[i];
        std::string ps;
        for (const auto& s : p.sources) ps += (ps.empty() ? "" : ", ") + s;
        out += fmt::format("        - {}: {} [{}]\n", p.id, p.summary, ps);
      }
    }
  }
  if (!result.checks.empty()) {
    out += "\nStill to ask or verify:\n";
    for (const auto& c : result.checks) out += fmt::format("  - {}\n", c);
  }
  out += fmt::format("\nPolicy: {}. Knowledge base {}.\n{}\n", result.policy, result.knowledge_version,
                     kDecisionSupportNotice);
  return out;
}

}  // namespace dermaplan::screening

namespace dermaplan::screening {

bool intake_matches(const kb::Trigger& trigger, const Intake& intake) {
  using K = kb::Trigger::Kind;
  using S = kb::Trigger::State;
  switch (trigger.kind) {
    case K::medication:
      if (!intake.medications) return false;
      return std::any_of(intake.medications->begin(), intake.medications->end(), [&](const auto& m) {
        if (m.code != trigger.code) return false;
        if (trigger.state == S::current) return m.current;
        if (trigger.state == S::recent) return !m.current;
        return true;
      });
    case K::condition:
      if (!intake.conditions) return false;
      return std::any_of(intake.conditions->begin(), intake.conditions->end(), [&](const auto& c) {
        if (c.code != trigger.code || !c.present) return false;
        if (trigger.state == S::active) return c.active;
        if (trigger.state == S::history) return !c.active;
        return true;
      });
    case K::procedure:
      if (!intake.procedures) return false;
      return std::any_of(intake.procedures->begin(), intake.procedures->end(),
                         [&](const auto& p) { return p.code == trigger.code; });
    case K::allergy:
      return intake.allergies && std::find(intake.allergies->begin(), intake.allergies->end(),
                                           trigger.code) != intake.allergies->end();
    case K::pregnant: return intake.pregnant.value_or(false);
    case K::breastfeeding: return intake.breastfeeding.value_or(false);
    case K::skin: {
      const auto properties = skin_properties(trigger);
      return std::any_of(properties.begin(), properties.end(), [&](const std::string& property) {
        return property == "sensitive" ? intake.sensitive_skin.value_or(false) : intake.dry_skin.value_or(false);
      });
    }
    case K::fitzpatrick_at_least: return intake.fitzpatrick.value_or(0) >= trigger.fitzpatrick;
  }
  return false;
}

}  // namespace dermaplan::screening
