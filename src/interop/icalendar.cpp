#include "interop/icalendar.h"

#include "core/errors.h"
#include "interop/aftercare_windows.h"

#include <fmt/format.h>

#include <chrono>

namespace dermaplan::interop {

std::string escape_ical_text(const std::string& text) {
  std::string out;
  out.reserve(text.size() + 8);
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    switch (c) {
      case '\\': out += "\\\\"; break;
      case ';': out += "\\;"; break;
      case ',': out += "\\,"; break;
      case '\n': out += "\\n"; break;
      case '\r':
        if (i + 1 < text.size() && text[i + 1] == '\n') break;  // CRLF counts as one newline
        out += "\\n";
        break;
      default:
        // Other control characters are not allowed in TEXT (RFC 5545 3.3.11).
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t') break;
        out += c;
    }
  }
  return out;
}

std::string fold_ical_line(const std::string& line) {
  std::string out;
  size_t start = 0;
  size_t limit = 75;  // octets on the first line; 74 after the leading space of continuations
  while (line.size() - start > limit) {
    size_t cut = start + limit;
    // Never split a UTF-8 sequence: back up over continuation bytes (10xxxxxx).
    while (cut > start && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
    out.append(line, start, cut - start);
    out += "\r\n ";
    start = cut;
    limit = 74;
  }
  out.append(line, start, std::string::npos);
  out += "\r\n";
  return out;
}

namespace {

std::string ical_date(CivilDate day) {
  return fmt::format("{:04}{:02}{:02}", static_cast<int>(day.year()), static_cast<unsigned>(day.month()),
                     static_cast<unsigned>(day.day()));
}

std::string ical_utc(long long epoch_ms) {
  using namespace std::chrono;
  const sys_seconds t{seconds{epoch_ms / 1000}};
  const auto day = floor<days>(t);
  const hh_mm_ss<seconds> time{t - day};
  return fmt::format("{}T{:02}{:02}{:02}Z", ical_date(CivilDate{day}), time.hours().count(),
                     time.minutes().count(), time.seconds().count());
}

class Calendar {
 public:
  Calendar(const CalendarOptions& options) : options_(options), stamp_(ical_utc(options.stamp_ms)) {}

  void property(const std::string& name, const std::string& raw_value) { out_ += fold_ical_line(name + ":" + raw_value); }
  void text(const std::string& name, const std::string& value) { property(name, escape_ical_text(value)); }
  void date(const std::string& name, CivilDate day) { property(name + ";VALUE=DATE", ical_date(day)); }
  void begin(const char* component) { property("BEGIN", component); }
  void end(const char* component) { property("END", component); }
  /// UID and DTSTAMP, which every event and to-do carries.
  void identity(const std::string& item) {
    property("UID", escape_ical_text(options_.series + "-" + item + "@" + options_.uid_domain));
    property("DTSTAMP", stamp_);
  }
  void alarm(const std::string& trigger, const std::string& description) {
    begin("VALARM");
    property("ACTION", "DISPLAY");
    property("TRIGGER", trigger);
    text("DESCRIPTION", description);
    end("VALARM");
  }
  std::string take() { return std::move(out_); }

 private:
  const CalendarOptions& options_;
  std::string stamp_;
  std::string out_;
};

std::string session_label(const PlanDocument& plan, const PlanSession& s) {
  return fmt::format("Microneedling session {} ({})", s.number, plan.indication_name);
}

}  // namespace

std::string plan_calendar(const PlanDocument& plan, const CalendarOptions& options) {
  if (options.series.empty()) throw InputError("series", "a calendar needs a stable series key for its UIDs");
  Calendar cal(options);
  cal.begin("VCALENDAR");
  cal.property("VERSION", "2.0");
  cal.property("PRODID", "-//dermaplan//dermaplan " + options.product_version + "//EN");
  cal.property("CALSCALE", "GREGORIAN");
  cal.text("X-WR-CALNAME", options.calendar_name.empty() ? "Microneedling: " + plan.indication_name
                                                         : options.calendar_name);
  const auto windows = aftercare_windows(plan);

  for (const auto& s : plan.sessions) {
    std::string description = fmt::format("Session {} of your course of {}–{} sessions.", s.number,
                                          plan.session_count_min, plan.session_count_max);
    if (s.latest_date != s.date)
      description += fmt::format(" Any day from {} to {}.", format_civil_date(s.date), format_civil_date(s.latest_date));
    if (s.optional) description += " This session depends on how your skin responds.";
    for (const auto& t : plan.preparation)
      if (t.session == s.number && t.done_by == TaskDoer::patient)
        description += fmt::format("\nBefore it, by {}: {}", format_civil_date(t.due), t.task);
    // An instruction without an end date gets no dated entry of its own (this calendar invents
    // no end): it is listed here, saying so.
    for (const auto& w : windows)
      if (!w.last_day)
        for (const auto* a : w.instructions)
          description += w.vague_end.empty()
                             ? "\nAfter it, with no end given (this calendar sets no end date): " + a->instruction
                             : fmt::format("\nAfter it, {} (no number is given, so this calendar sets no end date): {}",
                                           w.vague_end, a->instruction);
    cal.begin("VEVENT");
    cal.identity(fmt::format("session-{}", s.number));
    cal.date("DTSTART", s.date);
    cal.date("DTEND", add_days(s.date, 1));
    cal.text("SUMMARY", session_label(plan, s));
    cal.text("DESCRIPTION", description);
    if (!options.location.empty()) cal.text("LOCATION", options.location);
    cal.property("TRANSP", "OPAQUE");
    cal.alarm("-P1D", session_label(plan, s) + " tomorrow");
    cal.end("VEVENT");
  }

  for (const auto& t : plan.preparation) {
    if (t.done_by != TaskDoer::patient) continue;  // the practitioner's task is not the patient's to-do
    cal.begin("VTODO");
    cal.identity(fmt::format("prep-{}-session-{}", t.id, t.session));
    cal.date("DUE", t.due);
    cal.text("SUMMARY", "Before session " + std::to_string(t.session) + ": " + t.task);
    cal.text("DESCRIPTION", fmt::format("{} Due by {}, for session {}.", t.task, format_civil_date(t.due), t.session));
    cal.property("STATUS", "NEEDS-ACTION");
    cal.alarm("-P1D", "Due tomorrow: " + t.task);
    cal.end("VTODO");
  }

  for (const auto& s : plan.sessions)
    for (const auto& w : windows) {
      if (!w.last_day) continue;
      std::string instructions;
      for (const auto* a : w.instructions) instructions += (instructions.empty() ? "" : "\n") + a->instruction;
      cal.begin("VEVENT");
      cal.identity(fmt::format("aftercare-session-{}-day-{}-{}", s.number, w.first_day, *w.last_day));
      cal.date("DTSTART", add_days(s.date, w.first_day));
      cal.date("DTEND", add_days(s.date, *w.last_day + 1));
      cal.text("SUMMARY", fmt::format("Aftercare after session {} ({})", s.number, describe_window(w)));
      cal.text("DESCRIPTION", instructions);
      cal.property("TRANSP", "TRANSPARENT");
      cal.end("VEVENT");
    }

  if (plan.assessment_date) {
    cal.begin("VEVENT");
    cal.identity("assessment");
    cal.date("DTSTART", *plan.assessment_date);
    cal.date("DTEND", add_days(*plan.assessment_date, 1));
    cal.text("SUMMARY", "Result assessment (" + plan.indication_name + ")");
    cal.text("DESCRIPTION", "Assessment of the result of your microneedling course.");
    if (!options.location.empty()) cal.text("LOCATION", options.location);
    cal.property("TRANSP", "OPAQUE");
    cal.end("VEVENT");
  }
  cal.end("VCALENDAR");
  return cal.take();
}

}  // namespace dermaplan::interop
