#include "outcomes/render.h"

#include <fmt/format.h>

namespace dermaplan::outcomes {

namespace {

using nlohmann::json;

json interval_json(const std::optional<Interval>& ci, double scale = 1) {
  if (!ci) return nullptr;
  return json::array({ci->low * scale, ci->high * scale});
}

json withheld(int min_patients) {
  return {{"suppressed", true}, {"reason", fmt::format("too few patients (fewer than {})", min_patients)}};
}

const char* kComplementary = "withheld so that a smaller cell cannot be worked out from the total";

json withheld(const Figure& f, int min_patients) {
  json out = withheld(min_patients);
  if (f.complementary) out["reason"] = kComplementary;
  return out;
}

json mean_json(const Figure& f, int min_patients) {
  if (f.suppressed) return withheld(f, min_patients);
  return {{"suppressed", false}, {"n", f.n},  {"patients", f.patients},
          {"mean", f.estimate},  {"sd", f.sd}, {"ci", interval_json(f.ci)}};
}

json rate_json(const Figure& f, int min_patients, bool per_100 = false) {
  if (f.suppressed) return withheld(f, min_patients);
  json out = {{"suppressed", false}, {"n", f.n},           {"patients", f.patients},
              {"count", f.count},    {"rate", f.estimate}, {"ci", interval_json(f.ci)}};
  if (per_100) {
    out["per_100"] = f.estimate * 100;
    out["per_100_ci"] = interval_json(f.ci, 100);
  }
  return out;
}

json window_json(const FollowUpWindow& w) {
  return {{"from", to_string(w.anchor)}, {"week", w.week}, {"days", json::array({w.from_days, w.to_days})}};
}

json running_json(const RunningMean& r) {
  if (r.count() == 0) return nullptr;
  return {{"min", r.min()}, {"max", r.max()}, {"mean", r.mean()}};
}

json optional_json(const std::optional<double>& value) { return value ? json(*value) : json(nullptr); }

json cohort_json(const OutcomesReport& report, const Cohort& c, int k) {
  json key = json::object();
  json names = nullptr;  // the practitioner's name beside the id kept in the key
  for (const auto& [dimension, value] : c.key) {
    key[to_string(dimension)] = value;
    if (dimension == Dimension::practitioner)
      if (auto it = report.practitioner_names.find(value); it != report.practitioner_names.end())
        names = it->second;
  }
  if (c.suppressed) {
    json out = withheld(k);
    out["key"] = key;
    if (!names.is_null()) out["practitioner_name"] = names;
    if (c.suppressed_secondary) out["reason"] = kComplementary;
    return out;
  }
  json scales = json::array();
  for (const auto& s : c.scales) {
    json follow_ups = json::array();
    for (const auto& f : s.follow_ups)
      follow_ups.push_back({{"window", window_json(f.window)},
                            {"change", mean_json(f.change, k)},
                            {"score", mean_json(f.score, k)},
                            {"responders", f.responders ? rate_json(*f.responders, k) : json(nullptr)}});
    scales.push_back(
        {{"scale", s.scale},
         {"name", s.name},
         {"better", s.lower_is_better ? "lower" : "higher"},
         {"responder_threshold", s.responder_improvement
                                     ? json{{"improvement", *s.responder_improvement}, {"sources", s.responder_sources}}
                                     : json(nullptr)},
         {"baseline", mean_json(s.baseline, k)},
         {"follow_ups", follow_ups}});
  }
  json literature = json::array();
  for (const auto& l : c.literature) {
    json protocol = json::array();
    for (const auto& d : l.protocol) protocol.push_back({{"aspect", d.aspect}, {"practice", d.practice}, {"study", d.study}});
    const bool is_rate = l.kind != LiteratureComparison::Kind::mean_change;
    literature.push_back(
        {{"result", l.result_id},
         {"kind", l.kind == LiteratureComparison::Kind::mean_change ? "mean_change"
                  : l.kind == LiteratureComparison::Kind::responders ? "responders"
                                                                       : "adverse_event"},
         {"study", l.study},
         {"sources", l.sources},
         {"measure", l.measure},
         {"timepoint", l.timepoint},
         {"window", l.window ? window_json(*l.window) : json(nullptr)},
         {"practice", l.practice.n == 0 && !l.practice.suppressed
                          ? json{{"suppressed", false}, {"n", 0}, {"note", "no practice scores in this window"}}
                          : (is_rate ? rate_json(l.practice, k) : mean_json(l.practice, k))},
         {"published",
          {{"estimate", l.published_estimate},
           {"ci", interval_json(l.published_ci)},
           {"level", l.published_level},
           {"n", l.published_n},
           {"derived", l.published_derived},
           {"assumption", l.assumption.empty() ? json(nullptr) : json(l.assumption)}}},
         {"overlap", l.overlap ? json(*l.overlap) : json(nullptr)},
         {"protocol", protocol}});
  }
  json notes = json::array();
  for (const auto& n : c.literature_notes)
    notes.push_back({{"result", n.result_id}, {"study", n.study}, {"sources", n.sources}, {"summary", n.summary}});
  json out = {{"key", key},
          {"suppressed", false},
          {"indication", c.indication.empty() ? json(nullptr) : json(c.indication)},
          {"courses", c.courses},
          {"patients", c.patients},
          {"completed", rate_json(c.completed, k)},
          {"abandoned", rate_json(c.abandoned, k)},
          {"ongoing", c.ongoing},
          {"days_to_assessment", mean_json(c.days_to_assessment, k)},
          {"median_days_to_assessment", optional_json(c.median_days_to_assessment)},
          {"adverse_event_sessions", rate_json(c.adverse_event_sessions, k, true)},
          {"protocol",
           {{"needle_length_mm", running_json(c.protocol.needle_length_mm)},
            {"sessions", running_json(c.protocol.sessions)},
            {"median_interval_days", optional_json(c.protocol.median_interval_days)},
            {"device_kinds", c.protocol.device_kinds}}},
          {"scales", scales},
          {"literature", literature},
          {"literature_notes", notes},
          {"also_published", c.also_published}};
  if (!names.is_null()) out["practitioner_name"] = names;
  return out;
}

json event_rates_json(const std::vector<AdverseEventRate>& rates, int k, bool lots) {
  json out = json::array();
  for (const auto& r : rates) {
    json row = {{"category", r.category}, {"rate", rate_json(r.sessions_with_event, k, true)}};
    if (!r.sessions_with_event.suppressed) row["events"] = r.events;
    if (lots) {
      row["vs_rest"] = r.difference_vs_rest
                           ? json{{"difference", r.difference_estimate}, {"ci", interval_json(r.difference_vs_rest)}}
                           : json(nullptr);
      row["flagged"] = r.flagged;
    }
    out.push_back(row);
  }
  return out;
}

std::string date_text(const std::optional<CivilDate>& d) { return d ? format_civil_date(*d) : ""; }

}  // namespace

json report_to_json(const OutcomesReport& report) {
  const int k = report.request.min_cell_patients;
  const auto& r = report.request;
  json group_by = json::array();
  for (Dimension d : r.group_by) group_by.push_back(to_string(d));
  json cohorts = json::array();
  for (const auto& c : report.cohorts) cohorts.push_back(cohort_json(report, c, k));
  json needle = json::array();
  for (const auto& n : report.needle_length) {
    json row = {{"indication", n.indication},
                {"scale", n.scale},
                {"window", window_json(n.window)},
                {"band", n.band},
                {"reference_band", n.reference_band},
                {"band_change", mean_json(n.band_change, k)},
                {"reference_change", mean_json(n.reference_change, k)},
                {"suppressed", n.suppressed}};
    if (!n.suppressed) {
      row["difference"] = n.difference;
      row["ci"] = interval_json(n.difference_ci);
    }
    needle.push_back(row);
  }
  const auto& ae = report.adverse_events;
  return {{"notice", report.notice},
          {"report",
           {{"group_by", group_by},
            {"indications", r.indications},
            {"scale", r.scale.empty() ? json(nullptr) : json(r.scale)},
            {"from", r.from ? json(date_text(r.from)) : json(nullptr)},
            {"to", r.to ? json(date_text(r.to)) : json(nullptr)},
            {"as_of", format_civil_date(r.as_of)},
            {"min_cell_patients", r.min_cell_patients},
            {"confidence", r.confidence},
            {"baseline_window_days", r.baseline_window_days},
            {"abandoned_after_days", r.abandoned_after_days}}},
          {"knowledge_version", report.knowledge_version},
          {"definitions", report.definitions},
          {"comparisons", report.comparisons},
          {"totals",
           {{"courses", report.totals.courses},
            {"patients", report.totals.patients},
            {"sessions", report.totals.sessions},
            {"courses_without_sessions", report.totals.courses_without_sessions},
            {"scores_on_unknown_scales", report.totals.scores_on_unknown_scales}}},
          {"cohorts", cohorts},
          {"adverse_events",
           {{"sessions", ae.sessions},
            {"events", ae.events},
            {"events_without_session", ae.events_without_session},
            {"any", rate_json(ae.any, k, true)},
            {"by_type", event_rates_json(ae.by_type, k, false)},
            {"by_severity", event_rates_json(ae.by_severity, k, false)},
            {"by_device", event_rates_json(ae.by_device, k, false)},
            {"by_lot", event_rates_json(ae.by_lot, k, true)},
            {"lots_compared", ae.lots_compared},
            {"lot_comparison_level", ae.lots_compared ? json(ae.lot_comparison_level) : json(nullptr)}}},
          {"needle_length", needle}};
}

}  // namespace dermaplan::outcomes
