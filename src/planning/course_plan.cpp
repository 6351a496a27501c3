#include "planning/course_plan.h"

#include "core/errors.h"
#include "kb/describe.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

namespace dermaplan::planning {
namespace {

using kb::Decision;

std::string join(const std::vector<std::string>& items, const char* sep = ", ") {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : sep) + item;
  return out;
}

void append_sources(kb::SourceIds& into, const kb::SourceIds& more) {
  for (const auto& id : more)
    if (std::find(into.begin(), into.end(), id) == into.end()) into.push_back(id);
}

class Planner {
 public:
  Planner(const screening::Intake& intake, const kb::KnowledgeBase& kb, CivilDate as_of,
          const PlanRequest& request)
      : intake_(intake), kb_(kb), as_of_(as_of), request_(request) {}

  CoursePlan run() {
    resolve_inputs();
    plan_.screening = screening::screen(intake_, kb_, as_of_, area_ids_);
    plan_.indication = indication_;
    plan_.treatment_class = indication_->treatment_class.value();
    plan_.physician_required = indication_->physician_required;
    use_topic(indication_->treatment_class);
    use_topic(indication_->needle_length);
    use_topic(indication_->course);
    plan_.device = device_;
    if (!request_.device) use_topic(kb_.planning.default_device);
    for (const auto* region : regions_) plan_.areas.push_back(plan_area(*region));
    home_use();
    schedule();
    prepare();
    for (const auto& step : kb_.procedure)
      if (!step.applies_if || screening::intake_matches(*step.applies_if, intake_))
        plan_.procedure.push_back(&step);
    use_topic(kb_.planning.passes);
    use_topic(kb_.planning.anaesthesia);
    use_topic(kb_.planning.assessment);
    for (const auto& item : kb_.aftercare) use_topic(item.window);
    for (const auto& finding : plan_.screening.findings)
      if (finding.topic) add_disagreement(finding.topic);
    return std::move(plan_);
  }

 private:
  void resolve_inputs() {
    indication_ = kb_.find_indication(request_.indication);
    if (!indication_) {
      std::vector<std::string> accepted;
      for (const auto& i : kb_.indications) accepted.push_back(i.id);
      throw InputError("indication", fmt::format("unknown indication '{}'; accepted: {}",
                                                 request_.indication, join(accepted)));
    }
    area_ids_ = request_.areas.empty() ? indication_->regions : request_.areas;
    std::set<std::string> seen;
    for (const auto& id : area_ids_) {
      const kb::Region* region = kb_.find_region(id);
      if (!region) {
        std::vector<std::string> accepted;
        for (const auto& r : kb_.regions) accepted.push_back(r.id);
        throw InputError("area", fmt::format("unknown region '{}'; accepted: {}", id, join(accepted)));
      }
      if (seen.insert(id).second) regions_.push_back(region);
    }
    const std::string device_id =
        request_.device ? *request_.device : kb_.planning.default_device.value().device;
    device_ = kb_.find_device(device_id);
    if (!device_) {
      std::vector<std::string> accepted;
      for (const auto& d : kb_.devices) accepted.push_back(d.id);
      throw InputError("device", fmt::format("unknown device '{}'; accepted: {}", device_id, join(accepted)));
    }
    if (request_.start && *request_.start < as_of_)
      throw InputError("start", fmt::format("{} is before the planning date {}",
                                            format_civil_date(*request_.start), format_civil_date(as_of_)));
  }

  void home_use() {
    if (!kb_.planning.home_use || plan_.areas.empty()) return;
    use_topic(*kb_.planning.home_use);
    HomeUse h;
    h.max_mm = kb_.planning.home_use->value().max_mm;
    h.sources = kb_.planning.home_use->selected().sources;
    for (const auto& area : plan_.areas) h.longest_needle_mm = std::max(h.longest_needle_mm, area.device_length_mm);
    h.within = h.longest_needle_mm <= h.max_mm + 1e-9;
    plan_.home_use = h;
  }

  template <class T>
  void use_topic(const kb::Disputed<T>& value) {
    if (value.disputed()) add_disagreement(kb_.find_topic(value.topic));
  }

  void add_disagreement(const kb::TopicSummary* topic) {
    if (topic && std::find(plan_.disagreements.begin(), plan_.disagreements.end(), topic) ==
                     plan_.disagreements.end())
      plan_.disagreements.push_back(topic);
  }

  /// The device (or, for a roller, the roller of the family) that delivers `length_mm`.
  std::pair<const kb::Device*, double> deliver(double length_mm, std::vector<std::string>& warnings) {
    if (device_->offers_length(length_mm)) return {device_, length_mm};
    if (device_->depth_range) {
      // An adjustable pen: the nearest setting not above the wanted length.
      const auto& range = *device_->depth_range;
      double setting = std::clamp(length_mm, range.min_mm, range.max_mm);
      if (device_->depth_step_mm > 0)
        setting = range.min_mm +
                  std::floor((setting - range.min_mm) / device_->depth_step_mm + 1e-9) * device_->depth_step_mm;
      warnings.push_back(fmt::format("{} cannot be set to {}; set to {}.", device_->name,
                                     kb::format_mm(length_mm), kb::format_mm(setting)));
      return {device_, setting};
    }
    if (device_->needle_length_mm <= 0) {
      // A device whose length the sources do not give (the Nanopore stylus).
      warnings.push_back(fmt::format("The sources give no needle length for {}: confirm that it delivers {}.",
                                     device_->name, kb::format_mm(length_mm)));
      return {device_, length_mm};
    }
    if (device_->kind == kb::DeviceKind::roller && !request_.device) {
      // The default roller comes in several lengths: take the longest not above the wanted one.
      const kb::Device* best = nullptr;
      for (const auto& d : kb_.devices) {
        if (d.kind != kb::DeviceKind::roller || d.needle_length_mm > length_mm + 1e-9) continue;
        if (!best || d.needle_length_mm > best->needle_length_mm) best = &d;
      }
      if (best) {
        if (std::abs(best->needle_length_mm - length_mm) > 1e-9)
          warnings.push_back(fmt::format("No roller of {} in the knowledge base; {} ({}) is the longest below it.",
                                         kb::format_mm(length_mm), best->name, kb::format_mm(best->needle_length_mm)));
        return {best, best->needle_length_mm};
      }
      // Every roller is longer: the shortest one, said plainly.
      for (const auto& d : kb_.devices)
        if (d.kind == kb::DeviceKind::roller && (!best || d.needle_length_mm < best->needle_length_mm)) best = &d;
      if (best) {
        warnings.push_back(fmt::format("No roller as short as {} in the knowledge base; {} ({}) is the shortest, "
                                       "and longer than planned.",
                                       kb::format_mm(length_mm), best->name, kb::format_mm(best->needle_length_mm)));
        return {best, best->needle_length_mm};
      }
    }
    warnings.push_back(fmt::format("{} has a fixed needle length of {}, not the {} this area calls for.",
                                   device_->name, kb::format_mm(device_->needle_length_mm), kb::format_mm(length_mm)));
    return {device_, device_->needle_length_mm};
  }

  AreaPlan plan_area(const kb::Region& region) {
    AreaPlan area;
    area.region = &region;
    const kb::NeedleLength wanted = indication_->needle_length.value();
    area.needle_length = wanted;
    append_sources(area.sources, indication_->needle_length.selected().sources);
    // A length a source names, else the lower end of the sourced range: the range is what the
    // sources support, and the plan says that the practitioner chooses within it.
    double recommended = wanted.recommended_mm.value_or(wanted.min_mm);
    area.length_basis = wanted.recommended_mm || wanted.min_mm == wanted.max_mm ? "named" : "range-minimum";
    if (region.needle_guide) {
      use_topic(*region.needle_guide);
      const kb::NeedleGuide& guide = region.needle_guide->value();
      append_sources(area.sources, region.needle_guide->selected().sources);
      // The guide's thick-skin maximum is the most a region takes; above the plain maximum
      // only thick skin does.
      const double limit = guide.thick_skin_max_mm.value_or(guide.max_mm);
      if (recommended > limit) {
        area.warnings.push_back(fmt::format(
            "{} for {} is above the {} guide of {}: reduced to {}. The practitioner decides whether "
            "this region takes more.",
            kb::format_mm(recommended), indication_->name, region.name,
            kb::describe_needle_guide(guide), kb::format_mm(limit)));
        recommended = limit;
      }
      if (recommended > guide.max_mm)
        area.warnings.push_back(fmt::format(
            "{} is within the {} guide for thick skin only ({}): confirm the patient's skin there is thick.",
            kb::format_mm(recommended), region.name, kb::describe_needle_guide(guide)));
    }
    area.planned_length_mm = recommended;
    auto [device, length] = deliver(recommended, area.warnings);
    area.device = device;
    area.device_length_mm = length;
    area.depth_check = check_depth(region, length, area.warnings);
    append_sources(area.sources, area.depth_check.sources);
    return area;
  }

  DepthCheck check_depth(const kb::Region& region, double length_mm, std::vector<std::string>& warnings) {
    DepthCheck check;
    check.needle_um = length_mm * 1000.0;
    check.epidermis_um = region.epidermis_um.for_sex(intake_.sex);
    check.dermis_um = region.dermis_um.for_sex(intake_.sex);
    check.skin_um = {check.epidermis_um.min_um + check.dermis_um.min_um,
                     check.epidermis_um.max_um + check.dermis_um.max_um};
    append_sources(check.sources, region.epidermis_um.sources);
    append_sources(check.sources, region.dermis_um.sources);
    if (check.needle_um <= check.epidermis_um.max_um) check.nominal_reach = "epidermis";
    else if (check.needle_um <= check.skin_um.min_um) check.nominal_reach = "dermis";
    else check.nominal_reach = check.needle_um <= check.skin_um.max_um ? "dermis-or-beyond" : "beyond-dermis";
    check.exceeds_dermis = check.needle_um > check.skin_um.min_um;
    if (check.exceeds_dermis)
      warnings.push_back(fmt::format(
          "A {} needle is longer than the thinnest recorded {} skin (epidermis + dermis {:.0f}–{:.0f} µm{}): "
          "at full penetration it may pass the dermis. Real penetration is usually shorter than the "
          "needle (see `dermaplan simulate`).",
          kb::format_mm(length_mm), region.name, check.skin_um.min_um, check.skin_um.max_um,
          intake_.sex == kb::Sex::female || intake_.sex == kb::Sex::male ? ", " + kb::to_string(intake_.sex) : ""));
    check.bleeding_expected = length_mm >= kb_.planning.bleeding_from_mm - 1e-9;
    append_sources(check.sources, kb_.planning.bleeding_sources);
    for (const auto& depth_class : kb_.planning.depth_classes) {
      if (length_mm <= depth_class.max_mm + 1e-9) {
        check.depth_class = depth_class.id;
        append_sources(check.sources, depth_class.sources);
        break;
      }
    }
    if (check.depth_class.empty()) check.depth_class = "beyond-classes";
    return check;
  }

  void schedule() {
    const kb::Course& course = indication_->course.value();
    plan_.interval_days = course.interval_days;
    plan_.session_count = course.sessions;
    const auto& screening = plan_.screening;
    // With no start given, the first session leaves room for the longest preparation lead time.
    int lead_days = 0;
    const kb::PreparationTask* longest = nullptr;
    for (const auto& task : kb_.preparation) {
      if (task.applies_if && !screening::intake_matches(*task.applies_if, intake_)) continue;
      if (task.before.value().days > lead_days) lead_days = task.before.value().days, longest = &task;
    }
    CivilDate start = request_.start.value_or(add_days(as_of_, lead_days));
    if (!request_.start && longest)
      plan_.warnings.push_back(fmt::format(
          "Session 1 is no earlier than {} to allow {} days of preparation ({}); give a start date to plan otherwise.",
          format_civil_date(start), lead_days, longest->id));
    switch (screening.decision) {
      case Decision::contraindicated:
        plan_.treatable = false;
        plan_.status = "Not treatable as screened: a contraindication was found. No sessions are planned.";
        return;
      case Decision::defer:
        if (!screening.earliest_date) {
          plan_.treatable = false;
          plan_.status = "Deferred with no known end date: no sessions are planned. Re-screen when the "
                         "reason has passed.";
          return;
        }
        start = std::max(start, *screening.earliest_date);
        plan_.status = fmt::format("Deferred: the first session is no earlier than {}.",
                                   format_civil_date(*screening.earliest_date));
        break;
      case Decision::caution:
        plan_.status = "Plannable with caution: review the screening findings before each session.";
        break;
      case Decision::eligible:
        plan_.status = "Plannable: no findings.";
        break;
    }
    plan_.treatable = true;
    CivilDate earliest = start, latest = start;
    for (int n = 1; n <= course.sessions.max; ++n) {
      if (n > 1) {
        latest = add_days(earliest, course.interval_days.max);
        earliest = add_days(earliest, course.interval_days.min);
      }
      plan_.sessions.push_back({n, earliest, n == 1 ? earliest : latest, n > course.sessions.min});
    }
    const kb::Assessment& assessment = kb_.planning.assessment.value();
    const CivilDate last_required = plan_.sessions.at(course.sessions.min - 1).date;
    plan_.assessment_date = add_days(last_required, assessment.after_last_session_days.min);
  }

  void prepare() {
    if (plan_.sessions.empty()) return;
    for (const auto& task : kb_.preparation) {
      if (task.applies_if && !screening::intake_matches(*task.applies_if, intake_)) continue;
      use_topic(task.before);
      const int days = task.before.value().days;
      const size_t count = task.each_session ? plan_.sessions.size() : 1;
      for (size_t i = 0; i < count; ++i) {
        const auto& session = plan_.sessions[i];
        CivilDate due = add_days(session.date, -days);
        plan_.preparation.push_back({task.id, task.task, due, session.number, task.before.selected().sources});
        if (due < as_of_)
          plan_.warnings.push_back(fmt::format(
              "'{}' should have started on {} ({} days before session {}); it is already late.",
              task.task, format_civil_date(due), days, session.number));
      }
    }
    std::stable_sort(plan_.preparation.begin(), plan_.preparation.end(),
                     [](const DatedTask& a, const DatedTask& b) { return a.due < b.due; });
  }

  const screening::Intake& intake_;
  const kb::KnowledgeBase& kb_;
  CivilDate as_of_;
  const PlanRequest& request_;
  const kb::Indication* indication_ = nullptr;
  const kb::Device* device_ = nullptr;
  std::vector<std::string> area_ids_;
  std::vector<const kb::Region*> regions_;
  CoursePlan plan_;
};

nlohmann::json range_json(const kb::RangeUm& range) {
  return {{"min", range.min_um}, {"max", range.max_um}};
}

nlohmann::json disagreement_json(const kb::TopicSummary& topic) {
  nlohmann::json positions = nlohmann::json::array();
  for (const auto& p : topic.positions)
    positions.push_back({{"id", p.id}, {"value", p.summary}, {"sources", p.sources}, {"default", p.is_default}});
  nlohmann::json out = {{"topic", topic.topic},
                        {"question", topic.question},
                        {"chosen", topic.positions.at(topic.chosen).id},
                        {"chosen_by", topic.chosen_by_policy ? "policy" : "default"}};
  out["positions"] = std::move(positions);
  if (topic.overridden) out["overridden_by_policy"] = true;
  return out;
}

}  // namespace

CoursePlan plan_course(const screening::Intake& intake, const kb::KnowledgeBase& kb, CivilDate as_of,
                       const PlanRequest& request) {
  return Planner(intake, kb, as_of, request).run();
}

nlohmann::json to_json(const CoursePlan& plan, const kb::KnowledgeBase& kb) {
  using nlohmann::json;
  const kb::Device& device = *plan.device;
  json device_json = {{"id", device.id}, {"name", device.name}, {"kind", kb::to_string(device.kind)},
                      {"single_use", device.single_use}, {"sources", device.sources}};
  json areas = json::array();
  for (const auto& area : plan.areas) {
    const DepthCheck& d = area.depth_check;
    json item = {
        {"region", area.region->id},
        {"region_name", area.region->name},
        {"needle_length_mm", {{"min", area.needle_length.min_mm},
                              {"max", area.needle_length.max_mm},
                              {"recommended", area.needle_length.recommended_mm
                                                  ? nlohmann::json(*area.needle_length.recommended_mm)
                                                  : nlohmann::json(nullptr)},
                              {"planned", area.planned_length_mm},
                              {"basis", area.length_basis}}},
        {"device", {{"id", area.device->id}, {"length_mm", area.device_length_mm}}},
        {"depth_check", {{"needle_um", d.needle_um},
                         {"epidermis_um", range_json(d.epidermis_um)},
                         {"dermis_um", range_json(d.dermis_um)},
                         {"skin_um", range_json(d.skin_um)},
                         {"nominal_reach", d.nominal_reach},
                         {"exceeds_dermis", d.exceeds_dermis},
                         {"bleeding_expected", d.bleeding_expected},
                         {"depth_class", d.depth_class},
                         {"sources", d.sources}}},
        {"warnings", area.warnings},
        {"sources", area.sources}};
    if (area.region->pressure)
      item["pressure"] = {{"value", kb::to_string(*area.region->pressure)}, {"sources", area.region->pressure_sources}};
    if (area.region->needle_guide) {
      const auto& guide = area.region->needle_guide->value();
      item["region_guide_mm"] = {{"min", guide.min_mm}, {"max", guide.max_mm},
                                 {"sources", area.region->needle_guide->selected().sources}};
    }
    areas.push_back(std::move(item));
  }
  const kb::Passes& passes = kb.planning.passes.value();
  const kb::Anaesthesia& anaesthesia = kb.planning.anaesthesia.value();
  json sessions = json::array();
  for (const auto& s : plan.sessions) {
    json item = {{"number", s.number}, {"date", format_civil_date(s.date)},
                 {"latest_date", format_civil_date(s.latest_date)}};
    if (s.optional) item["optional"] = true;
    sessions.push_back(std::move(item));
  }
  json preparation = json::array();
  for (const auto& t : plan.preparation)
    preparation.push_back({{"id", t.id}, {"task", t.task}, {"due", format_civil_date(t.due)},
                           {"session", t.session}, {"sources", t.sources}});
  json procedure = json::array();
  for (const auto* step : plan.procedure)
    procedure.push_back({{"id", step->id}, {"step", step->step}, {"sources", step->sources}});
  json aftercare = json::array();
  for (const auto& item : kb.aftercare) {
    const kb::HoursWindow& w = item.window.value();
    json entry = {{"id", item.id}, {"instruction", item.instruction}, {"from_hours", w.from_hours},
                  {"sources", item.window.selected().sources}};
    if (w.open_ended) entry["open_ended"] = true;
    else entry["to_hours"] = w.to_hours;
    if (item.window.disputed()) entry["topic"] = item.window.topic;
    aftercare.push_back(std::move(entry));
  }
  json disagreements = json::array();
  for (const auto* topic : plan.disagreements) disagreements.push_back(disagreement_json(*topic));

  // The large parts are moved in, not listed in one initializer: nlohmann copies every value of
  // an initializer list, which made serialising a plan cost twice what it needs to.
  json out = {
      {"indication", plan.indication->id},
      {"indication_name", plan.indication->name},
      {"treatment_class", kb::to_string(plan.treatment_class)},
      {"physician_required", plan.physician_required},
      {"treatable", plan.treatable},
      {"status", plan.status},
      {"passes", {{"count", {{"min", passes.count.min}, {"max", passes.count.max}}},
                  {"directions", passes.directions},
                  {"sources", kb.planning.passes.selected().sources}}},
      {"anaesthesia", {{"agent", anaesthesia.agent},
                       {"minutes", {{"min", anaesthesia.minutes.min}, {"max", anaesthesia.minutes.max}}},
                       {"needed", device.anaesthetic_cream_needed},
                       {"sources", kb.planning.anaesthesia.selected().sources}}},
      {"home_use", plan.home_use ? json{{"max_mm", plan.home_use->max_mm},
                                        {"longest_needle_mm", plan.home_use->longest_needle_mm},
                                        {"within", plan.home_use->within},
                                        {"sources", plan.home_use->sources}}
                                  : json(nullptr)},
      {"session_count", {{"min", plan.session_count.min}, {"max", plan.session_count.max}}},
      {"interval_days", {{"min", plan.interval_days.min}, {"max", plan.interval_days.max}}},
      {"course_sources", plan.indication->course.selected().sources},
      {"warnings", plan.warnings},
      {"policy", kb.policy},
      {"knowledge_version", kb.version},
      {"notice", screening::kDecisionSupportNotice}};
  out["screening"] = screening::to_json(plan.screening);
  out["device"] = std::move(device_json);
  out["areas"] = std::move(areas);
  out["sessions"] = std::move(sessions);
  out["preparation"] = std::move(preparation);
  out["procedure"] = std::move(procedure);
  out["aftercare"] = std::move(aftercare);
  out["disagreements"] = std::move(disagreements);
  if (plan.assessment_date) {
    out["assessment_date"] = format_civil_date(*plan.assessment_date);
    out["assessment_sources"] = kb.planning.assessment.selected().sources;
  }
  return out;
}

std::string to_text(const CoursePlan& plan, const kb::KnowledgeBase& kb) {
  std::string out;
  auto line = [&](const std::string& text) { out += text + "\n"; };
  auto src = [](const kb::SourceIds& ids) { return "[" + join(ids) + "]"; };
  line(fmt::format("TREATMENT PLAN — {} ({} needling{})", plan.indication->name,
                   kb::to_string(plan.treatment_class), plan.physician_required ? ", physician required" : ""));
  line(std::string(72, '='));
  line(plan.status);
  line("");
  line(fmt::format("Screening: {}", kb::to_string(plan.screening.decision)));
  for (const auto& f : plan.screening.findings)
    line(fmt::format("  [{}] {} {}", kb::to_string(f.decision), f.message, src(f.sources)));
  for (const auto& c : plan.screening.checks) line(fmt::format("  ? {}", c));
  line("");
  std::vector<const kb::Device*> devices;
  for (const auto& area : plan.areas)
    if (std::find(devices.begin(), devices.end(), area.device) == devices.end()) devices.push_back(area.device);
  if (devices.empty()) devices.push_back(plan.device);
  line(devices.size() == 1 ? "Device:" : "Devices:");
  for (const auto* device : devices) line(fmt::format("  {} {}", device->name, src(device->sources)));
  line("Areas:");
  for (const auto& area : plan.areas) {
    const auto& d = area.depth_check;
    const auto& range = area.needle_length;
    const std::string range_text = range.min_mm == range.max_mm
                                       ? kb::format_mm(range.min_mm)
                                       : fmt::format("{:g}–{:g} mm", range.min_mm, range.max_mm);
    const std::string basis = area.length_basis == "range-minimum"
                                  ? ", no single length named: the lower end, the practitioner chooses within it"
                                  : "";
    line(fmt::format("  {}: {} with {} (indication range {}{}); skin {:.0f}–{:.0f} µm; {} depth{}",
                     area.region->name, kb::format_mm(area.device_length_mm), area.device->id, range_text, basis,
                     d.skin_um.min_um, d.skin_um.max_um, d.depth_class,
                     d.bleeding_expected ? "; pinpoint bleeding expected" : ""));
    line("      " + src(area.sources));
    for (const auto& w : area.warnings) line("      ! " + w);
  }
  const auto& passes = kb.planning.passes.value();
  const auto& anaesthesia = kb.planning.anaesthesia.value();
  line(fmt::format("Passes: {} {}", kb::describe_passes(passes), src(kb.planning.passes.selected().sources)));
  if (plan.device->anaesthetic_cream_needed)
    line(fmt::format("Anaesthesia: {} {}", kb::describe_anaesthesia(anaesthesia),
                     src(kb.planning.anaesthesia.selected().sources)));
  else
    line(fmt::format("Anaesthesia: not needed with {} {}", plan.device->name, src(plan.device->sources)));
  if (plan.home_use) {
    const auto& h = *plan.home_use;
    line(h.within ? fmt::format("Home use: the needles ({}) are within the home-use limit of {} {}",
                                kb::format_mm(h.longest_needle_mm), kb::format_mm(h.max_mm), src(h.sources))
                  : fmt::format("Home use: no — needles up to {} are longer than the home-use limit of {} {}",
                                kb::format_mm(h.longest_needle_mm), kb::format_mm(h.max_mm), src(h.sources)));
  }
  line("");
  if (!plan.sessions.empty()) {
    line(fmt::format("Sessions ({}–{}, every {}–{} days) {}:", plan.session_count.min, plan.session_count.max,
                     plan.interval_days.min, plan.interval_days.max, src(plan.indication->course.selected().sources)));
    for (const auto& s : plan.sessions)
      line(fmt::format("  {}. {}{}{}", s.number, format_civil_date(s.date),
                       s.number > 1 ? " (by " + format_civil_date(s.latest_date) + ")" : "",
                       s.optional ? "  optional, depending on the response" : ""));
    if (plan.assessment_date)
      line(fmt::format("Assessment: {} {}", format_civil_date(*plan.assessment_date),
                       src(kb.planning.assessment.selected().sources)));
    line("");
    line("Preparation:");
    for (const auto& t : plan.preparation)
      line(fmt::format("  {}  {} (session {}) {}", format_civil_date(t.due), t.task, t.session, src(t.sources)));
  }
  line("");
  line("Procedure:");
  int n = 0;
  for (const auto* step : plan.procedure) line(fmt::format("  {:>2}. {} {}", ++n, step->step, src(step->sources)));
  line("");
  line("Aftercare:");
  for (const auto& item : kb.aftercare)
    line(fmt::format("  {:<22} {} {}", kb::describe_hours_window(item.window.value()), item.instruction,
                     src(item.window.selected().sources)));
  for (const auto& w : plan.warnings) line("! " + w);
  if (!plan.disagreements.empty()) {
    line("");
    line("Where the sources disagree (chosen position first):");
    for (const auto* topic : plan.disagreements) {
      const auto& chosen = topic->positions.at(topic->chosen);
      line(fmt::format("  {}: {} — {} {}{}", topic->topic, topic->question, chosen.summary, src(chosen.sources),
                       topic->chosen_by_policy ? " (policy)" : ""));
      for (size_t i = 0; i < topic->positions.size(); ++i)
        if (i != topic->chosen)
          line(fmt::format("      or {} {}", topic->positions[i].summary, src(topic->positions[i].sources)));
    }
  }
  line("");
  line(fmt::format("Policy: {}. Knowledge base {}.", kb.policy, kb.version));
  line(screening::kDecisionSupportNotice);
  return out;
}

}  // namespace dermaplan::planning
