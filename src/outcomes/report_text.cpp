#include "outcomes/render.h"

#include <fmt/format.h>

namespace dermaplan::outcomes {

namespace {

std::string too_few(int k) { return fmt::format("too few (fewer than {} patients)", k); }
std::string withheld(const Figure& f, int k) {
  return f.complementary ? "withheld so that a smaller cell cannot be worked out" : too_few(k);
}

std::string ci_text(const std::optional<Interval>& ci, double scale, int decimals, const char* unit = "") {
  if (!ci) return "";
  return fmt::format(" ({:.{}f}{} to {:.{}f}{})", ci->low * scale, decimals, unit, ci->high * scale, decimals, unit);
}

std::string mean_text(const Figure& f, int k) {
  if (f.suppressed) return too_few(k);
  return fmt::format("{:+.2f}{}, n {}", f.estimate, ci_text(f.ci, 1, 2), f.n);
}

std::string plain_mean_text(const Figure& f, int k, int decimals = 2) {
  if (f.suppressed) return too_few(k);
  return fmt::format("{:.{}f}{}, n {}", f.estimate, decimals, ci_text(f.ci, 1, decimals), f.n);
}

std::string percent_text(const Figure& f, int k) {
  if (f.suppressed) return too_few(k);
  return fmt::format("{:.1f}%{}, {} of {}", f.estimate * 100, ci_text(f.ci, 100, 1, "%"), f.count, f.n);
}

std::string per_100_text(const Figure& f, int k) {
  if (f.suppressed) return withheld(f, k);
  return fmt::format("{:.1f} per 100 sessions{}, {} of {} sessions", f.estimate * 100, ci_text(f.ci, 100, 1), f.count,
                     f.n);
}

std::string key_text(const OutcomesReport& report, const Cohort& c) {
  std::string out;
  for (const auto& [dimension, value] : c.key)
    out += fmt::format("{}{} {}", out.empty() ? "" : " · ", to_string(dimension), value_label(report, dimension, value));
  return out;
}

std::string window_text(const FollowUpWindow& w) {
  return fmt::format("week {:>2} after the {} session", w.week, w.anchor == Anchor::first_session ? "first" : "last");
}

std::string join(const std::vector<std::string>& items, const char* sep = ", ") {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : sep) + item;
  return out;
}

void literature_text(std::string& out, const Cohort& c, int k) {
  if (c.literature.empty() && c.literature_notes.empty() && c.also_published.empty()) return;
  out += "  Beside the literature (other populations and protocols; the practice figure first):\n";
  std::string last_result;
  for (const auto& l : c.literature) {
    if (l.result_id != last_result) {
      out += fmt::format("    {} [{}]\n", l.study, join(l.sources));
      std::string protocol;
      for (const auto& d : l.protocol)
        protocol += fmt::format("{}{}: practice {}, study {}", protocol.empty() ? "" : "; ", d.aspect, d.practice, d.study);
      out += "      protocol: " + protocol + "\n";
      last_result = l.result_id;
    }
    const bool rate = l.kind != LiteratureComparison::Kind::mean_change;
    std::string practice;
    if (l.practice.suppressed)
      practice = too_few(k);
    else if (l.practice.n == 0)
      practice = "no practice scores in this window";
    else
      practice = rate ? percent_text(l.practice, k) : mean_text(l.practice, k);
    const std::string published =
        rate ? fmt::format("{:.1f}%{}", l.published_estimate * 100, ci_text(l.published_ci, 100, 1, "%"))
             : fmt::format("{:+.2f}{}", l.published_estimate, ci_text(l.published_ci, 1, 2));
    out += fmt::format("      {}, {}: practice {} | published {}, n {}, {:.0f}% interval{}{}\n", l.measure, l.timepoint,
                       practice, published, l.published_n, l.published_level * 100,
                       l.published_derived ? " (derived by dermaplan)" : "",
                       !l.overlap ? "" : *l.overlap ? "; the intervals overlap" : "; the intervals do not overlap");
    if (!l.assumption.empty()) out += "        assumption: " + l.assumption + "\n";
  }
  for (const auto& n : c.literature_notes)
    out += fmt::format("    {} [{}]: same indication and scale, no figure to set beside: {}\n", n.study, join(n.sources),
                       n.summary);
  if (!c.also_published.empty())
    out += "    Published for this indication on other measures: " + join(c.also_published) + "\n";
}

void cohort_text(std::string& out, const OutcomesReport& report, const Cohort& c, int k) {
  out += "\nCohort: " + key_text(report, c);
  if (c.suppressed) {
    out += c.suppressed_secondary ? " — withheld so that a smaller cell cannot be worked out\n"
                                  : fmt::format(" — {}\n", too_few(k));
    return;
  }
  out += fmt::format(" — {} courses, {} patients\n", c.courses, c.patients);
  out += fmt::format("  Completed {} · abandoned {} · ongoing {}\n", percent_text(c.completed, k),
                     percent_text(c.abandoned, k), c.ongoing);
  out += "  Days from the last session to the assessment: " + plain_mean_text(c.days_to_assessment, k, 1);
  if (c.median_days_to_assessment) out += fmt::format(", median {:.0f}", *c.median_days_to_assessment);
  out += "\n  Adverse events: " + per_100_text(c.adverse_event_sessions, k) + "\n";
  const auto& p = c.protocol;
  out += fmt::format("  Protocol: needles {:.2f}-{:.2f} mm (mean {:.2f}), sessions {:.0f}-{:.0f} (mean {:.1f}), {}, {}\n",
                     p.needle_length_mm.min(), p.needle_length_mm.max(), p.needle_length_mm.mean(), p.sessions.min(),
                     p.sessions.max(), p.sessions.mean(),
                     p.median_interval_days ? fmt::format("median interval {:.0f} days", *p.median_interval_days)
                                            : std::string("single sessions"),
                     join(p.device_kinds));
  for (const auto& s : c.scales) {
    out += fmt::format("  {} ({} is better{})\n", s.name, s.lower_is_better ? "lower" : "higher",
                       s.responder_improvement ? fmt::format("; responder: improved by {} or more [{}]",
                                                             *s.responder_improvement, join(s.responder_sources))
                                               : std::string("; no responder threshold in the knowledge base"));
    out += "    baseline score                 " + plain_mean_text(s.baseline, k) + "\n";
    for (const auto& f : s.follow_ups) {
      out += fmt::format("    {}   change {}", window_text(f.window), mean_text(f.change, k));
      if (f.responders) out += "   responders " + percent_text(*f.responders, k);
      out += "\n";
    }
  }
  literature_text(out, c, k);
}

void event_rates_text(std::string& out, const char* title, const std::vector<AdverseEventRate>& rates, int k) {
  if (rates.empty()) return;
  out += fmt::format("  {}:\n", title);
  for (const auto& r : rates) {
    out += fmt::format("    {:<36} {}", r.category, per_100_text(r.sessions_with_event, k));
    if (!r.sessions_with_event.suppressed) out += fmt::format(", {} events", r.events);
    if (r.difference_vs_rest)
      out += fmt::format("; vs every other session {:+.1f}{}{}", r.difference_estimate * 100,
                         ci_text(r.difference_vs_rest, 100, 1), r.flagged ? "  FLAGGED: higher than the rest" : "");
    out += "\n";
  }
}

}  // namespace

std::string report_to_text(const OutcomesReport& report) {
  const auto& r = report.request;
  const int k = r.min_cell_patients;
  std::string by;
  for (Dimension d : r.group_by) by += (by.empty() ? "" : ", ") + std::string(to_string(d));
  std::string out = "PRACTICE OUTCOMES — observational, not a trial\n" + report.notice + "\n";
  out += fmt::format("Report date {}; grouped by {}; {}{}{}cells under {} patients withheld; {:.0f}% intervals; "
                     "knowledge base {}\n",
                     format_civil_date(r.as_of), by, r.scale.empty() ? "" : "scale " + r.scale + "; ",
                     r.indications.empty() ? "" : "indications " + join(r.indications) + "; ",
                     r.from || r.to ? fmt::format("first sessions {} to {}; ", r.from ? format_civil_date(*r.from) : "any",
                                                  r.to ? format_civil_date(*r.to) : "any")
                                    : "",
                     k, r.confidence * 100, report.knowledge_version);
  out += fmt::format("{} courses of {} patients, {} sessions", report.totals.courses, report.totals.patients,
                     report.totals.sessions);
  if (report.totals.courses_without_sessions)
    out += fmt::format("; {} planned courses without a performed session left out", report.totals.courses_without_sessions);
  out += "\n";
  for (const auto& c : report.cohorts) cohort_text(out, report, c, k);

  const auto& ae = report.adverse_events;
  out += fmt::format("\nAdverse events, all sessions: {} events after {} sessions", ae.events, ae.sessions);
  if (ae.events_without_session) out += fmt::format(" ({} not linked to a session)", ae.events_without_session);
  out += "\n  any: " + per_100_text(ae.any, k) + "\n";
  event_rates_text(out, "by type", ae.by_type, k);
  event_rates_text(out, "by severity", ae.by_severity, k);
  event_rates_text(out, "by device", ae.by_device, k);
  event_rates_text(out, ae.lots_compared
                            ? fmt::format("by lot (each against every other session, {:.2f}% intervals: Bonferroni over "
                                          "{} lots)",
                                          ae.lot_comparison_level * 100, ae.lots_compared)
                                  .c_str()
                            : "by lot",
                   ae.by_lot, k);

  if (!report.needle_length.empty()) {
    out += "\nNeedle length (defined in advance): change 12 weeks after the first session, band minus shortest band\n";
    for (const auto& n : report.needle_length) {
      out += fmt::format("  {} · {}: {} minus {}: ", n.indication, n.scale, n.band, n.reference_band);
      if (n.suppressed)
        out += too_few(k) + "\n";
      else
        out += fmt::format("{:+.2f}{} (n {} vs {})\n", n.difference, ci_text(n.difference_ci, 1, 2), n.band_change.n,
                           n.reference_change.n);
    }
  }
  out += "\nComparisons (defined before looking at the data):\n";
  for (const auto& c : report.comparisons) out += "  - " + c + "\n";
  out += "Definitions:\n";
  for (const auto& d : report.definitions) out += "  - " + d + "\n";
  out += report.notice + "\n";
  return out;
}

}  // namespace dermaplan::outcomes
