#include "planning/course_plan.h"

#include "core/errors.h"
#include "core/json_text.h"
#include "kb/describe.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <set>

namespace dermaplan::planning {
namespace {

using kb::Decision;

/// "3–5", or "42" when both ends agree; `unit` follows.
std::string range_words(int min, int max, const char* unit = "") {
  return min == max ? fmt::format("{}{}", min, unit) : fmt::format("{}–{}{}", min, max, unit);
}

std::string join(const std::vector<std::string>& items, const char* sep = ", ") {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : sep) + item;
  return out;
}

constexpr double kEpsilon = 1e-6;

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
    plan_.screening = screening::screen(intake_with_implied_conditions(), kb_, as_of_, area_ids_);
    plan_.indication = indication_;
    plan_.treatment_class = indication_->treatment_class.value();
    plan_.physician_required = indication_->physician_required;
    use_topic(indication_->treatment_class);
    use_topic(indication_->needle_length);
    use_topic(indication_->course);
    if (!request_.device) use_topic(kb_.planning.default_device);
    for (const auto* region : regions_) plan_.areas.push_back(plan_area(*region));
    // The plan's device is the one its areas use (the first area's where they differ).
    plan_.device = plan_.areas.empty() ? device_ : plan_.areas.front().device;
    for (const auto& area : plan_.areas)
      if (std::find(plan_.devices.begin(), plan_.devices.end(), area.device) == plan_.devices.end())
        plan_.devices.push_back(area.device);
    if (plan_.devices.empty()) plan_.devices.push_back(device_);
    home_use();
    anaesthesia();
    schedule();
    prepare();
    for (const auto& step : kb_.procedure)
      if ((!step.applies_if || screening::intake_matches(*step.applies_if, intake_)) &&
          (!step.with_anaesthetic_cream || plan_.anaesthesia.needed))
        plan_.procedure.push_back(&step);
    for (const auto& item : kb_.planning.about) use_topic(item.statement);
    use_topic(kb_.planning.passes);
    use_topic(kb_.planning.anaesthesia);
    use_topic(kb_.planning.assessment);
    for (const auto& item : kb_.aftercare) use_topic(item.window);
    for (const auto& finding : plan_.screening.findings)
      if (finding.topic) add_disagreement(finding.topic);
    for (const auto* topic : plan_.screening.other_positions_apply) add_disagreement(topic);
    return std::move(plan_);
  }

 private:
  /// The intake with the conditions the indication implies present on every area (a patient
  /// treated for keloids has a history of keloid scarring), each named in a plan warning.
  screening::Intake intake_with_implied_conditions() {
    for (const auto& code : indication_->implies_conditions) {
      std::string name = code;
      for (const auto& v : kb_.vocabulary.conditions)
        if (v.code == code) name = v.name;
      plan_.warnings.push_back(fmt::format(
          "Treating {} means the patient has this condition: screening reads '{}' as present, whatever the "
          "intake says.",
          indication_->name, name));
    }
    return screening::with_conditions_implied_by(intake_, *indication_);
  }

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

  /// Anaesthetic cream is needed unless the device needs none or no treated area does (the scalp).
  void anaesthesia() {
    PlanAnaesthesia& a = plan_.anaesthesia;
    a.needed = false;
    if (!plan_.device->anaesthetic_cream_needed) {
      append_sources(a.not_needed_sources, plan_.device->sources);
      return;
    }
    for (const auto& area : plan_.areas) {
      if (area.region->anaesthetic_cream_needed) a.needed = true;
      else {
        a.areas_without.push_back(area.region);
        append_sources(a.not_needed_sources, area.region->anaesthetic_cream_sources);
      }
    }
    if (plan_.areas.empty()) a.needed = true;
  }

  void home_use() {
    if (!kb_.planning.home_use || plan_.areas.empty()) return;
    use_topic(*kb_.planning.home_use);
    HomeUse h;
    h.max_mm = kb_.planning.home_use->value().max_mm;
    h.sources = kb_.planning.home_use->selected().sources;
    for (const auto& area : plan_.areas) h.longest_needle_mm = std::max(h.longest_needle_mm, area.device_length_mm);
    h.physician_required = plan_.physician_required;
    h.within = h.longest_needle_mm <= h.max_mm + 1e-9 && !h.physician_required;
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

  /// The length, among `options`, that a plan in `range` aiming at `target` uses: inside the
  /// range the one nearest the target (the shorter on a tie); else the longest below the range
  /// (the safe side), else the shortest above it.
  static std::optional<double> pick_length(const std::vector<double>& options, const kb::RangeMm& range,
                                           double target) {
    std::optional<double> inside, below, above;
    for (double option : options) {
      if (option >= range.min_mm - kEpsilon && option <= range.max_mm + kEpsilon) {
        if (!inside || std::abs(option - target) < std::abs(*inside - target) - kEpsilon) inside = option;
      } else if (option < range.min_mm) {
        if (!below || option > *below) below = option;
      } else if (!above || option < *above) {
        above = option;
      }
    }
    if (inside) return inside;
    if (below) return below;
    return above;
  }

  /// The device that treats `range`, aiming at `target`, and the length it delivers. A fixed
  /// device delivers its own length; a pen its nearest real setting (never 0 mm); the default
  /// roller stands for its family of lengths (product-penetration rollers excluded).
  std::pair<const kb::Device*, double> deliver(const kb::RangeMm& range, double target,
                                               std::vector<std::string>& warnings) {
    const std::string range_text = describe_range(range);
    if (device_->purpose == kb::DevicePurpose::product_penetration)
      warnings.push_back(fmt::format("{} is a product-penetration device (helps topical products into the skin), "
                                     "not a treating needle length {}.",
                                     device_->name, src_text(device_->sources)));
    if (device_->depth_range) {
      const std::vector<double> settings = device_->settings_mm();
      double setting = 0;
      if (settings.empty()) {
        // No depth step in the sources: any depth in the device's range, never 0 mm.
        const auto& depth = *device_->depth_range;
        setting = std::clamp(target, std::max(depth.min_mm, kEpsilon), depth.max_mm);
      } else {
        setting = *pick_length(settings, range, target);
      }
      if (!within(setting, range))
        warnings.push_back(fmt::format("{} has no setting in {}: set to {}, the nearest on the safe side.",
                                       device_->name, range_text, kb::format_mm(setting)));
      return {device_, setting};
    }
    if (device_->needle_length_mm <= 0) {
      // A device whose length the sources do not give (the Nanopore stylus).
      warnings.push_back(fmt::format("The sources give no needle length for {}: confirm that it delivers {}.",
                                     device_->name, kb::format_mm(target)));
      return {device_, target};
    }
    if (device_->kind == kb::DeviceKind::roller && !request_.device) {
      std::vector<double> lengths;
      for (const auto& d : kb_.devices)
        if (d.kind == kb::DeviceKind::roller && d.purpose == kb::DevicePurpose::treatment)
          lengths.push_back(d.needle_length_mm);
      if (const auto length = pick_length(lengths, range, target)) {
        const kb::Device* roller = nullptr;
        for (const auto& d : kb_.devices)
          if (!roller && d.kind == kb::DeviceKind::roller && d.purpose == kb::DevicePurpose::treatment &&
              std::abs(d.needle_length_mm - *length) < kEpsilon)
            roller = &d;
        if (!within(*length, range))
          warnings.push_back(fmt::format(
              "No roller in the knowledge base lies in {}: {} ({}) is the nearest{}.", range_text, roller->name,
              kb::format_mm(*length), *length < range.min_mm ? ", on the shallow side" : ", and longer than planned"));
        return {roller, *length};
      }
    }
    if (!within(device_->needle_length_mm, range))
      warnings.push_back(fmt::format("{} has a fixed needle length of {}, outside the {} planned for this area.",
                                     device_->name, kb::format_mm(device_->needle_length_mm), range_text));
    return {device_, device_->needle_length_mm};
  }

  static bool within(double length_mm, const kb::RangeMm& range) {
    return length_mm >= range.min_mm - kEpsilon && length_mm <= range.max_mm + kEpsilon;
  }

  static std::string describe_range(const kb::RangeMm& range) {
    return std::abs(range.min_mm - range.max_mm) < kEpsilon ? kb::format_mm(range.min_mm)
                                                            : fmt::format("{:g}–{:g} mm", range.min_mm, range.max_mm);
  }

  static std::string src_text(const kb::SourceIds& ids) { return "[" + join(ids) + "]"; }

  /// The range a region takes: its depth guide, or, where the sources give none, up to the
  /// thinnest recorded skin there (an assumption of this software, said in the output).
  struct RegionLimit {
    kb::RangeMm range;                       //!< the guide (or 0 up to the skin-derived cap)
    std::optional<double> thick_skin_max_mm;  //!< the guide's thick-skin maximum
    std::string name;                        //!< "the Cheek guide of 0.5–1 mm" for messages
  };

  RegionLimit region_limit(const kb::Region& region, AreaPlan& area) {
    RegionLimit limit;
    if (region.needle_guide) {
      use_topic(*region.needle_guide);
      const kb::NeedleGuide& guide = region.needle_guide->value();
      append_sources(area.sources, region.needle_guide->selected().sources);
      limit.range = {guide.min_mm, guide.max_mm};
      limit.thick_skin_max_mm = guide.thick_skin_max_mm;
      limit.name = fmt::format("the {} guide of {}", region.name, kb::describe_needle_guide(guide));
      area.limit_basis = "region-guide";
      return limit;
    }
    const kb::RangeUm epidermis = region.epidermis_um.for_sex(intake_.sex);
    const kb::RangeUm dermis = region.dermis_um.for_sex(intake_.sex);
    const double cap_mm = std::floor(epidermis.min_um + dermis.min_um) / 1000.0;
    limit.range = {0, cap_mm};
    limit.name = fmt::format("the {} cap of {}", region.name, kb::format_mm(cap_mm));
    area.limit_basis = "skin-thickness";
    area.warnings.push_back(fmt::format(
        "No source gives a needle depth guide for {}: capped at {}, the thinnest recorded skin there "
        "(epidermis + dermis {:.0f}–{:.0f} µm). Assumption of this software, not a sourced guide; the "
        "practitioner decides whether this region takes more.",
        region.name, kb::format_mm(cap_mm), epidermis.min_um + dermis.min_um, epidermis.max_um + dermis.max_um));
    return limit;
  }

  AreaPlan plan_area(const kb::Region& region) {
    AreaPlan area;
    area.region = &region;
    const kb::NeedleLength wanted = indication_->needle_length.value();
    area.needle_length = wanted;
    append_sources(area.sources, indication_->needle_length.selected().sources);
    // A length a source names, else the lower end of the sourced range: the range is what the
    // sources support, and the plan says that the practitioner chooses within it.
    double target = wanted.recommended_mm.value_or(wanted.min_mm);
    area.length_basis = wanted.recommended_mm || wanted.min_mm == wanted.max_mm ? "named" : "range-minimum";
    const kb::RangeMm indicated{wanted.min_mm, wanted.max_mm};
    const RegionLimit limit = region_limit(region, area);
    const std::string indicated_text =
        fmt::format("the {} range for {}", describe_range(indicated), indication_->name);
    // The planned range is where the indication's range and the region's limit overlap; a guide's
    // thick-skin band counts only when the plain guide does not overlap.
    kb::RangeMm planned{std::max(indicated.min_mm, limit.range.min_mm), std::min(indicated.max_mm, limit.range.max_mm)};
    if (planned.min_mm > planned.max_mm + kEpsilon && limit.thick_skin_max_mm &&
        indicated.min_mm <= *limit.thick_skin_max_mm + kEpsilon && indicated.max_mm > limit.range.max_mm) {
      planned = {std::max(indicated.min_mm, limit.range.max_mm), std::min(indicated.max_mm, *limit.thick_skin_max_mm)};
      area.warnings.push_back(fmt::format(
          "{} lies within {} for thick skin only: confirm the patient's skin there is thick.",
          describe_range(planned), limit.name));
    }
    if (planned.min_mm > planned.max_mm + kEpsilon) {
      // No overlap: the safe side is the shallower of the two.
      const double top = limit.thick_skin_max_mm.value_or(limit.range.max_mm);
      const bool above = indicated.min_mm > limit.range.max_mm;
      const double safe = above ? top : indicated.max_mm;
      planned = {safe, safe};
      area.warnings.push_back(fmt::format(
          "{} and {} do not overlap: planned at {}, the shallower side{}. The practitioner decides whether "
          "this region takes more.",
          indicated_text, limit.name, kb::format_mm(safe),
          above && top > limit.range.max_mm ? " (the guide's thick-skin maximum: confirm the skin there is thick)" : ""));
    }
    area.planned_range = planned;
    if (!within(target, planned)) {
      const double clamped = std::clamp(target, planned.min_mm, planned.max_mm);
      if (area.length_basis == "named")
        area.warnings.push_back(fmt::format("The {} a source names for {} is outside {}: aiming at {} instead.",
                                            kb::format_mm(target), indication_->name, describe_range(planned),
                                            kb::format_mm(clamped)));
      target = clamped;
    }
    auto [device, length] = deliver(planned, target, area.warnings);
    const kb::RangeMm whole_limit{limit.range.min_mm, limit.thick_skin_max_mm.value_or(limit.range.max_mm)};
    const bool said = std::any_of(area.warnings.begin(), area.warnings.end(),
                                  [&](const std::string& w) { return w.find(limit.name) != std::string::npos; });
    if (!within(length, whole_limit) && !said)
      area.warnings.push_back(fmt::format("{} is outside {}.", kb::format_mm(length), limit.name));
    const bool thick_said = std::any_of(area.warnings.begin(), area.warnings.end(),
                                        [](const std::string& w) { return w.find("thick") != std::string::npos; });
    if (within(length, whole_limit) && length > limit.range.max_mm + kEpsilon && !thick_said)
      area.warnings.push_back(fmt::format("{} lies within {} for thick skin only: confirm the patient's skin there is thick.",
                                          kb::format_mm(length), limit.name));
    area.device = device;
    area.device_length_mm = length;
    area.planned_length_mm = length;
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
    const kb::DepthClass* depth_class = nullptr;
    for (const auto& candidate : kb_.planning.depth_classes) {
      if (length_mm <= candidate.max_mm + 1e-9) {
        depth_class = &candidate;
        check.depth_class = candidate.id;
        append_sources(check.sources, candidate.sources);
        break;
      }
    }
    if (!depth_class) check.depth_class = "beyond-classes";
    if (depth_class && depth_class->id == kb::to_string(kb::TreatmentClass::cosmetic) &&
        plan_.treatment_class == kb::TreatmentClass::medical)
      warnings.push_back(fmt::format(
          "{} on the {} is {} (up to {}) {}, although {} is planned as medical needling: the limit above "
          "keeps it this shallow. The practitioner decides whether this region takes more.",
          kb::format_mm(length_mm), region.name, depth_class->name, kb::format_mm(depth_class->max_mm),
          "[" + join(depth_class->sources) + "]", indication_->name));
    return check;
  }

  void schedule() {
    const kb::Course& course = indication_->course.value();
    plan_.interval_days = course.interval_days;
    plan_.session_count = course.sessions;
    const auto& screening = plan_.screening;
    // With no start given, the first session leaves room for the longest preparation lead time;
    // a task that holds the session (stopping an anticoagulant) is never cut short, start or not.
    int lead_days = 0, hold_days = 0;
    const kb::PreparationTask* longest = nullptr;
    const kb::PreparationTask* holding = nullptr;
    for (const auto* chosen : chosen_tasks()) {
      const kb::PreparationTask& task = *chosen;
      const int days = task.before.value().days;
      if (days > lead_days) lead_days = days, longest = &task;
      if (task.holds_session && days > hold_days) hold_days = days, holding = &task;
    }
    CivilDate start = request_.start.value_or(add_days(as_of_, lead_days));
    if (!request_.start && longest)
      plan_.warnings.push_back(fmt::format(
          "Session 1 is no earlier than {} to allow {} days of preparation ({}); give a start date to plan otherwise.",
          format_civil_date(start), lead_days, longest->id));
    if (holding && start < add_days(as_of_, hold_days)) {
      const CivilDate held = add_days(as_of_, hold_days);
      plan_.warnings.push_back(fmt::format(
          "Session 1 moved from {} to {}: '{}' is planned {} days before the session, and today ({}) is the "
          "earliest it can start.",
          format_civil_date(start), format_civil_date(held), holding->task, hold_days, format_civil_date(as_of_)));
      start = held;
    }
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
    const kb::Assessment& assessment = kb_.planning.assessment.value();
    CivilDate earliest = start, latest = start;
    for (int n = 1; n <= course.sessions.max; ++n) {
      if (n > 1) {
        latest = add_days(earliest, course.interval_days.max);
        earliest = add_days(earliest, course.interval_days.min);
      }
      const bool optional = n > course.sessions.min;
      // Every waiting period and held preparation is checked against each session's date.
      earliest = not_before_waits(earliest, n);
      if (optional && n == course.sessions.min + 1) {
        // The response is assessed after the last required session; the optional sessions come
        // after that assessment, which decides on them.
        const CivilDate last_required = plan_.sessions.back().date;
        const CivilDate decision = add_days(last_required, assessment.after_last_session_days.min);
        const CivilDate decision_latest = add_days(last_required, assessment.after_last_session_days.max);
        plan_.decision_assessment = PlannedAssessment{decision, decision_latest, course.sessions.min};
        // The first optional session follows the assessment wherever in its window it is held.
        if (latest < decision_latest) latest = decision_latest;
        if (earliest < decision) {
          earliest = decision;
          if (decision > latest)
            plan_.warnings.push_back(fmt::format(
                "Session {} waits for the assessment on {} ({}–{} days after session {}), later than the course's "
                "interval of at most {} days.",
                n, format_civil_date(decision), assessment.after_last_session_days.min,
                assessment.after_last_session_days.max, course.sessions.min, course.interval_days.max));
        }
      }
      if (latest < earliest) latest = earliest;
      plan_.sessions.push_back({n, earliest, n == 1 ? earliest : latest, optional});
    }
    const PlannedSession& last = plan_.sessions.back();
    plan_.final_assessment = PlannedAssessment{add_days(last.date, assessment.after_last_session_days.min),
                                               add_days(last.date, assessment.after_last_session_days.max),
                                               last.number};
    plan_.assessment_date = plan_.decision_assessment ? plan_.decision_assessment->date : plan_.final_assessment->date;
  }

  /// The first date on or after `date` that every defer finding's waiting period has ended by.
  CivilDate not_before_waits(CivilDate date, int session) {
    for (const auto& finding : plan_.screening.findings) {
      if (finding.decision != Decision::defer || !finding.until || *finding.until <= date) continue;
      if (session > 1)  // session 1's deferral is the plan's status
        plan_.warnings.push_back(fmt::format("Session {} moved from {} to {}: {} (waiting period).", session,
                                           format_civil_date(date), format_civil_date(*finding.until), finding.title));
      date = *finding.until;
    }
    return date;
  }

  /// Whether a preparation task concerns this patient (applies_if) and a treated area (zones).
  bool applies(const kb::PreparationTask& task) const {
    if (task.applies_if && !screening::intake_matches(*task.applies_if, intake_)) return false;
    return task.zones.empty() || std::any_of(plan_.areas.begin(), plan_.areas.end(), [&](const AreaPlan& area) {
             return std::find(task.zones.begin(), task.zones.end(), area.region->group) != task.zones.end();
           });
  }

  /// The preparation tasks this plan gives: those that apply.
  std::vector<const kb::PreparationTask*> chosen_tasks() const {
    std::vector<const kb::PreparationTask*> chosen;
    for (const auto& task : kb_.preparation)
      if (applies(task)) chosen.push_back(&task);
    return chosen;
  }

  void prepare() {
    if (plan_.sessions.empty()) return;
    const auto chosen = chosen_tasks();
    // Tasks that may pull against each other are both kept (no source rules either out): the
    // practitioner is told, to decide which products are used and when.
    for (const auto* task : chosen)
      for (const auto* other : chosen)
        if (std::find(task->conflicts_with.begin(), task->conflicts_with.end(), other->id) != task->conflicts_with.end())
          plan_.warnings.push_back(fmt::format(
              "The preparation has both '{}' ({}) and '{}' ({}), which may pull against each other; the sources "
              "do not say which gives way: the practitioner decides which products the patient uses, and when.",
              task->task, task->id, other->task, other->id));
    for (const auto* chosen_task : chosen) {
      const kb::PreparationTask& task = *chosen_task;
      use_topic(task.before);
      const int days = task.before.value().days;
      const size_t count = task.each_session ? plan_.sessions.size() : 1;
      for (size_t i = 0; i < count; ++i) {
        const auto& session = plan_.sessions[i];
        CivilDate due = add_days(session.date, -days);
        plan_.preparation.push_back({task.id, task.task, due, session.number, task.before.selected().sources,
                                     task.decided_by, task.decided_by_note, task.done_by, task.assumption});
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
  for (const auto& p : topic.positions) {
    nlohmann::json position = {{"id", p.id}, {"value", p.summary}, {"sources", p.sources}, {"default", p.is_default}};
    if (!p.note.empty()) position["note"] = p.note;  // why (for the default: why it is the default)
    positions.push_back(std::move(position));
  }
  nlohmann::json out = {{"topic", topic.topic},
                        {"question", topic.question},
                        {"chosen", topic.positions.at(topic.chosen).id},
                        {"chosen_by", topic.chosen_by_policy ? "policy" : "default"}};
  out["positions"] = std::move(positions);
  if (topic.overridden) out["overridden_by_policy"] = true;
  return out;
}

/// seed-000 counts the passes of a roller ("the dermaroller is now rolled 4 to 5 times"): said
/// where a plan with that count uses a pen.
constexpr const char* kPassesForAPen =
    "seed-000 counts a roller's passes; for a pen no seed gives a count (an assumption of this software "
    "that the same count applies)";

bool roller_passes_on_a_pen(const CoursePlan& plan, const kb::KnowledgeBase& kb) {
  const auto& sources = kb.planning.passes.selected().sources;
  if (std::find(sources.begin(), sources.end(), "seed-000") == sources.end()) return false;
  for (const auto* d : plan.devices)
    if (d->kind == kb::DeviceKind::pen) return true;
  return false;
}

/// The dates assume each session is held on its planned date; the interval counts from the day
/// a session is really held.
std::string later_sessions_note(const CoursePlan& plan) {
  return fmt::format("The dates assume each session is held on its date: a session held later moves the "
                     "following ones by as many days, so that they stay at least {} days apart.",
                     plan.interval_days.min);
}

}  // namespace

CoursePlan plan_course(const screening::Intake& intake, const kb::KnowledgeBase& kb, CivilDate as_of,
                       const PlanRequest& request) {
  return Planner(intake, kb, as_of, request).run();
}

namespace {

nlohmann::json procedure_step_json(const kb::ProcedureStep& step) {
  return {{"id", step.id}, {"step", step.step}, {"sources", step.sources}};
}

nlohmann::json aftercare_json(const kb::KnowledgeBase& kb) {
  nlohmann::json aftercare = nlohmann::json::array();
  for (const auto& item : kb.aftercare) {
    const kb::HoursWindow& w = item.window.value();
    nlohmann::json entry = {{"id", item.id}, {"instruction", item.instruction}, {"from_hours", w.from_hours},
                            {"sources", item.sources()}};
    if (w.open_ended) entry["open_ended"] = true;
    else entry["to_hours"] = w.to_hours;
    // The source's words for an end it gives no number for: kept as words, never made hours.
    if (!w.vague_end.empty()) entry["vague_end"] = w.vague_end;
    if (!w.reading.empty()) entry["reading"] = w.reading;  // how an ambiguous sentence is read
    if (item.window.disputed()) entry["topic"] = item.window.topic;
    aftercare.push_back(std::move(entry));
  }
  return aftercare;
}

/// Every area of the plan at cosmetic depth (the needles stay in the epidermis).
bool cosmetic_depth_only(const CoursePlan& plan) {
  return !plan.areas.empty() && std::all_of(plan.areas.begin(), plan.areas.end(), [](const AreaPlan& a) {
    return a.depth_check.depth_class == "cosmetic";
  });
}

nlohmann::json about_json(const kb::KnowledgeBase& kb, bool anaesthesia_needed, bool cosmetic_depth) {
  nlohmann::json about = nlohmann::json::array();
  for (const auto& item : kb.planning.about) {
    nlohmann::json entry = {{"id", item.id},
                            {"title", item.title},
                            {"text", item.statement.value().text_for(anaesthesia_needed, cosmetic_depth)},
                            {"sources", item.statement.selected().sources}};
    if (item.statement.disputed()) entry["topic"] = item.statement.topic;
    about.push_back(std::move(entry));
  }
  return about;
}

/// A part as a value (parts null: to_json) or as its kept text in `splice` (to_json_text).
struct PartSource {
  const PlanJsonParts* parts = nullptr;
  JsonSplice* splice = nullptr;

  nlohmann::json topic(const kb::TopicSummary& topic) const {
    const std::string* text = parts ? parts->topic(topic) : nullptr;
    return text ? splice->dumped(*text) : disagreement_json(topic);
  }
  nlohmann::json step(const kb::ProcedureStep& step) const {
    const std::string* text = parts ? parts->step(step) : nullptr;
    return text ? splice->dumped(*text) : procedure_step_json(step);
  }
  nlohmann::json aftercare(const kb::KnowledgeBase& kb) const {
    return parts ? splice->dumped(parts->aftercare()) : aftercare_json(kb);
  }
  nlohmann::json about(const kb::KnowledgeBase& kb, bool anaesthesia_needed, bool cosmetic_depth) const {
    return parts ? splice->dumped(parts->about(anaesthesia_needed, cosmetic_depth))
                 : about_json(kb, anaesthesia_needed, cosmetic_depth);
  }
};

nlohmann::json plan_json(const CoursePlan& plan, const kb::KnowledgeBase& kb, const PartSource& part) {
  using nlohmann::json;
  const kb::Device& device = *plan.device;
  auto device_object = [](const kb::Device& d) {
    json out = {{"id", d.id}, {"name", d.name}, {"kind", kb::to_string(d.kind)},
                {"single_use", d.single_use}, {"sources", d.sources}};
    if (d.purpose == kb::DevicePurpose::product_penetration) out["purpose"] = "product-penetration";
    return out;
  };
  json device_json = device_object(device);
  json devices_json = json::array();
  for (const auto* d : plan.devices) devices_json.push_back(device_object(*d));
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
                              {"basis", area.length_basis},
                              {"planned_range", {{"min", area.planned_range.min_mm}, {"max", area.planned_range.max_mm}}},
                              {"limit", area.limit_basis}}},
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
      if (guide.thick_skin_max_mm) item["region_guide_mm"]["thick_skin_max"] = *guide.thick_skin_max_mm;
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
  {
    json item = {{"id", t.id}, {"task", t.task}, {"due", format_civil_date(t.due)},
                 {"session", t.session}, {"done_by", kb::to_string(t.done_by)}, {"sources", t.sources}};
    if (!t.decided_by.empty()) item["decided_by"] = {{"who", t.decided_by}, {"note", t.decided_by_note}};
    if (!t.assumption.empty()) item["assumption"] = t.assumption;
    preparation.push_back(std::move(item));
  }
  json procedure = json::array();
  for (const auto* step : plan.procedure) procedure.push_back(part.step(*step));
  json disagreements = json::array();
  for (const auto* topic : plan.disagreements) disagreements.push_back(part.topic(*topic));

  // The large parts are moved in, not listed in one initializer: nlohmann copies every value of
  // an initializer list, which made serialising a plan cost twice what it needs to.
  json out = {
      {"indication", plan.indication->id},
      {"indication_name", plan.indication->name},
      {"treatment_class", kb::to_string(plan.treatment_class)},
      {"physician_required", plan.physician_required},
      {"physician_required_basis", plan.physician_required
                                       ? json{{"text", kb.planning.physician_required.text},
                                              {"sources", kb.planning.physician_required_sources}}
                                       : json(nullptr)},
      {"treatable", plan.treatable},
      {"status", plan.status},
      {"passes", {{"count", {{"min", passes.count.min}, {"max", passes.count.max}}},
                  {"directions", passes.directions},
                  {"sources", kb.planning.passes.selected().sources},
                  {"note", roller_passes_on_a_pen(plan, kb) ? kPassesForAPen : ""}}},
      {"anaesthesia", {{"agent", anaesthesia.agent},
                       {"minutes", {{"min", anaesthesia.minutes.min}, {"max", anaesthesia.minutes.max}}},
                       {"needed", plan.anaesthesia.needed},
                       {"sources", kb.planning.anaesthesia.selected().sources}}},
      {"home_use", plan.home_use ? json{{"max_mm", plan.home_use->max_mm},
                                        {"longest_needle_mm", plan.home_use->longest_needle_mm},
                                        {"within", plan.home_use->within},
                                        {"physician_required", plan.home_use->physician_required},
                                        {"sources", plan.home_use->sources},
                                        {"physician_required_sources", plan.home_use->physician_required
                                                                           ? json(kb.planning.physician_required_sources)
                                                                           : json::array()}}
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
  out["devices"] = std::move(devices_json);
  {
    json without = json::array();
    for (const auto* region : plan.anaesthesia.areas_without) without.push_back(region->id);
    out["anaesthesia"]["not_needed_on"] = std::move(without);
    if (!plan.anaesthesia.not_needed_sources.empty())
      out["anaesthesia"]["not_needed_sources"] = plan.anaesthesia.not_needed_sources;
  }
  out["about"] = part.about(kb, plan.anaesthesia.needed, cosmetic_depth_only(plan));
  out["areas"] = std::move(areas);
  out["sessions"] = std::move(sessions);
  if (plan.sessions.size() > 1) out["sessions_note"] = later_sessions_note(plan);
  out["preparation"] = std::move(preparation);
  out["procedure"] = std::move(procedure);
  out["aftercare"] = part.aftercare(kb);
  out["disagreements"] = std::move(disagreements);
  if (plan.assessment_date) {
    out["assessment_date"] = format_civil_date(*plan.assessment_date);
    out["assessment_sources"] = kb.planning.assessment.selected().sources;
  }
  auto assessment_json = [&](const PlannedAssessment& a) {
    return json{{"date", format_civil_date(a.date)}, {"latest_date", format_civil_date(a.latest_date)},
                {"after_session", a.after_session}, {"sources", kb.planning.assessment.selected().sources}};
  };
  if (plan.decision_assessment) out["decision_assessment"] = assessment_json(*plan.decision_assessment);
  if (plan.final_assessment) out["final_assessment"] = assessment_json(*plan.final_assessment);
  return out;
}

/// The part of `items` that `item` points into, if any.
template <typename T>
const std::string* part_of(const std::vector<T>& items, const std::vector<std::string>& texts, const T& item) {
  const T* at = &item;
  const std::less<const T*> before;  // a total order over any pointers (< is not, across objects)
  if (items.empty() || before(at, items.data()) || !before(at, items.data() + items.size())) return nullptr;
  return &texts[static_cast<std::size_t>(at - items.data())];
}

std::string dump_replacing_bad_utf8(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

nlohmann::json to_json(const CoursePlan& plan, const kb::KnowledgeBase& kb) { return plan_json(plan, kb, {}); }

PlanJsonParts::PlanJsonParts(const kb::KnowledgeBase& kb) : kb_(&kb) {
  for (const auto& topic : kb.topics) topics_.push_back(dump_replacing_bad_utf8(disagreement_json(topic)));
  for (const auto& step : kb.procedure) steps_.push_back(dump_replacing_bad_utf8(procedure_step_json(step)));
  aftercare_ = dump_replacing_bad_utf8(aftercare_json(kb));
  for (int cream = 0; cream < 2; ++cream)
    for (int cosmetic = 0; cosmetic < 2; ++cosmetic)
      about_[cream][cosmetic] = dump_replacing_bad_utf8(about_json(kb, cream == 1, cosmetic == 1));
}

const std::string* PlanJsonParts::topic(const kb::TopicSummary& topic) const { return part_of(kb_->topics, topics_, topic); }

const std::string* PlanJsonParts::step(const kb::ProcedureStep& step) const { return part_of(kb_->procedure, steps_, step); }

std::string to_json_text(const CoursePlan& plan, const PlanJsonParts& parts) {
  JsonSplice splice;
  return splice.dump(plan_json(plan, parts.kb(), {&parts, &splice}));
}

std::string to_text(const CoursePlan& plan, const kb::KnowledgeBase& kb) {
  std::string out;
  auto line = [&](const std::string& text) { out += text + "\n"; };
  auto src = [](const kb::SourceIds& ids) { return "[" + join(ids) + "]"; };
  line(fmt::format("TREATMENT PLAN — {} ({} needling{})", plan.indication->name,
                   kb::to_string(plan.treatment_class), plan.physician_required ? ", physician required" : ""));
  line(std::string(72, '='));
  if (plan.physician_required)
    line(fmt::format("Physician required: {} {}", kb.planning.physician_required.text,
                     src(kb.planning.physician_required_sources)));
  if (const auto& tc = plan.indication->treatment_class; tc.disputed()) {
    std::string others;
    for (size_t i = 0; i < tc.positions.size(); ++i)
      if (i != tc.chosen)
        others += fmt::format("; or {} {}", kb::to_string(tc.positions[i].value), src(tc.positions[i].sources));
    line(fmt::format("Treatment class disputed ({}): {} {}{}{} (see where the sources disagree)", tc.topic,
                     kb::to_string(tc.value()), src(tc.selected().sources), tc.chosen_by_policy ? " (policy)" : "",
                     others));
  }
  line(plan.status);
  line("");
  line(fmt::format("Screening: {}", kb::to_string(plan.screening.decision)));
  for (const auto& f : plan.screening.findings)
    line(fmt::format("  [{}] {} {}{}", kb::to_string(f.decision), f.message, src(f.sources),
                     f.reading.empty() ? "" : "\n      reading: " + f.reading));
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
    // The planned range (the indication's range where it meets the region's limit) when it differs.
    const auto& planned = area.planned_range;
    const bool narrowed = std::abs(planned.min_mm - range.min_mm) > 1e-9 || std::abs(planned.max_mm - range.max_mm) > 1e-9;
    const std::string planned_text =
        !narrowed ? ""
                  : fmt::format("; planned range {}, limited by the {}",
                                std::abs(planned.min_mm - planned.max_mm) < 1e-9
                                    ? kb::format_mm(planned.min_mm)
                                    : fmt::format("{:g}–{:g} mm", planned.min_mm, planned.max_mm),
                                area.limit_basis == "region-guide" ? "region guide" : "skin-thickness cap");
    const std::string basis = area.length_basis == "range-minimum"
                                  ? fmt::format("; no single length named: the lower end{}, the practitioner chooses within it",
                                                narrowed ? " of the planned range" : "")
                                  : "";
    line(fmt::format("  {}: {} with {} (indication range {}{}{}); skin {:.0f}–{:.0f} µm; {} depth{}",
                     area.region->name, kb::format_mm(area.device_length_mm), area.device->id, range_text, planned_text, basis,
                     d.skin_um.min_um, d.skin_um.max_um, d.depth_class,
                     d.bleeding_expected ? "; pinpoint bleeding expected" : ""));
    line("      " + src(area.sources));
    for (const auto& w : area.warnings) line("      ! " + w);
  }
  const auto& passes = kb.planning.passes.value();
  const auto& anaesthesia = kb.planning.anaesthesia.value();
  line(fmt::format("Passes: {} {}{}", kb::describe_passes(passes), src(kb.planning.passes.selected().sources),
                   roller_passes_on_a_pen(plan, kb) ? std::string("; ") + kPassesForAPen : ""));
  std::vector<std::string> without;
  for (const auto* region : plan.anaesthesia.areas_without) without.push_back(region->name);
  if (!plan.device->anaesthetic_cream_needed)
    line(fmt::format("Anaesthesia: not needed with {} {}", plan.device->name, src(plan.device->sources)));
  else if (!plan.anaesthesia.needed)
    line(fmt::format("Anaesthesia: not needed on the {} {}", join(without), src(plan.anaesthesia.not_needed_sources)));
  else
    line(fmt::format("Anaesthesia: {} {}{}", kb::describe_anaesthesia(anaesthesia),
                     src(kb.planning.anaesthesia.selected().sources),
                     without.empty() ? ""
                                     : fmt::format("; not needed on the {} {}", join(without),
                                                   src(plan.anaesthesia.not_needed_sources))));
  if (plan.home_use) {
    const auto& h = *plan.home_use;
    line(h.physician_required
             ? fmt::format("Home use: no — this course needs a physician {}", src(kb.planning.physician_required_sources))
         : h.within ? fmt::format("Home use: the needles ({}) are within the home-use limit of {} {}",
                                  kb::format_mm(h.longest_needle_mm), kb::format_mm(h.max_mm), src(h.sources))
                    : fmt::format("Home use: no — needles up to {} are longer than the home-use limit of {} {}",
                                  kb::format_mm(h.longest_needle_mm), kb::format_mm(h.max_mm), src(h.sources)));
  }
  line("");
  if (!plan.sessions.empty()) {
    line(fmt::format("Sessions ({}, every {}) {}:", range_words(plan.session_count.min, plan.session_count.max),
                     range_words(plan.interval_days.min, plan.interval_days.max, " days"),
                     src(plan.indication->course.selected().sources)));
    for (const auto& s : plan.sessions)
      line(fmt::format("  {}. {}{}{}", s.number, format_civil_date(s.date),
                       s.date < s.latest_date ? " (by " + format_civil_date(s.latest_date) + ")" : "",
                       s.optional ? "  optional, depending on the response" : ""));
    if (plan.sessions.size() > 1)
      line("  " + later_sessions_note(plan));
    const auto assessment_sources = src(kb.planning.assessment.selected().sources);
    if (plan.decision_assessment)
      line(fmt::format("Assessment deciding on the optional sessions: {} (by {}), after session {} and before "
                       "session {} {}",
                       format_civil_date(plan.decision_assessment->date),
                       format_civil_date(plan.decision_assessment->latest_date), plan.decision_assessment->after_session,
                       plan.decision_assessment->after_session + 1, assessment_sources));
    if (plan.final_assessment)
      line(fmt::format("Final assessment: {} (by {}), after session {}{} {}", format_civil_date(plan.final_assessment->date),
                       format_civil_date(plan.final_assessment->latest_date), plan.final_assessment->after_session,
                       plan.decision_assessment ? " if every optional session is held" : "", assessment_sources));
    line("");
    line("Preparation:");
    for (const auto& t : plan.preparation)
      line(fmt::format("  {}  {} (session {}{}) {}{}{}", format_civil_date(t.due), t.task, t.session,
                       t.done_by == kb::TaskDoer::practitioner ? "; the practitioner's, not on the patient's handout" : "",
                       src(t.sources),
                       t.decided_by.empty() ? "" : fmt::format("\n              decided by the {}: {}", t.decided_by, t.decided_by_note),
                       t.assumption.empty() ? "" : fmt::format("\n              assumption: {}", t.assumption)));
  }
  if (!kb.planning.about.empty()) {
    line("");
    line("About the treatment:");
    for (const auto& item : kb.planning.about)
      line(fmt::format("  {}: {} {}", item.title, item.statement.value().text_for(plan.anaesthesia.needed, cosmetic_depth_only(plan)), src(item.statement.selected().sources)));
  }
  line("");
  line("Procedure:");
  int n = 0;
  for (const auto* step : plan.procedure) line(fmt::format("  {:>2}. {} {}", ++n, step->step, src(step->sources)));
  line("");
  line("Aftercare:");
  for (const auto& item : kb.aftercare)
    line(fmt::format("  {:<23} {} {}{}", kb::describe_hours_window(item.window.value()), item.instruction,
                     src(item.sources()),
                     item.window.value().reading.empty() ? "" : "\n      reading: " + item.window.value().reading));
  for (const auto& w : plan.warnings) line("! " + w);
  if (!plan.disagreements.empty()) {
    line("");
    line("Where the sources disagree (chosen position first):");
    for (const auto* topic : plan.disagreements) {
      const auto& chosen = topic->positions.at(topic->chosen);
      line(fmt::format("  {}: {} — {} {}{}", topic->topic, topic->question, chosen.summary, src(chosen.sources),
                       topic->chosen_by_policy ? " (policy)" : ""));
      if (!chosen.note.empty()) line("      note: " + chosen.note);
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
