// The plan calendar read back by libical, an independent RFC 5545 parser: no X-LIC-ERROR
// anywhere, icalrestriction_check passes, every session, task and aftercare window is there
// with all-day (VALUE=DATE) dates, UIDs are stable, and long or special text survives folding
// and escaping.
#include "interop/icalendar.h"

#include "core/errors.h"
#include "interop/aftercare_windows.h"
#include "interop_test_support.h"

#include <libical/ical.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>

namespace dermaplan::interop {
namespace {

using testing::example_plan;

CalendarOptions options_at(long long stamp_ms) {
  CalendarOptions options;
  options.series = "plan-7";
  options.stamp_ms = stamp_ms;
  options.product_version = "test";
  options.location = "Example Skin Clinic, 1 Example Street";
  return options;
}

struct Parsed {
  std::unique_ptr<icalcomponent, decltype(&icalcomponent_free)> root{nullptr, icalcomponent_free};
};

Parsed parse(const std::string& text) {
  Parsed parsed;
  parsed.root.reset(icalparser_parse_string(text.c_str()));
  return parsed;
}

/// Every X-LIC-ERROR property libical attached while parsing, in any component.
std::vector<std::string> parse_errors(icalcomponent* component) {
  std::vector<std::string> errors;
  for (icalproperty* p = icalcomponent_get_first_property(component, ICAL_XLICERROR_PROPERTY); p;
       p = icalcomponent_get_next_property(component, ICAL_XLICERROR_PROPERTY))
    errors.push_back(icalproperty_as_ical_string(p));
  for (icalcomponent* c = icalcomponent_get_first_component(component, ICAL_ANY_COMPONENT); c;
       c = icalcomponent_get_next_component(component, ICAL_ANY_COMPONENT)) {
    auto inner = parse_errors(c);
    errors.insert(errors.end(), inner.begin(), inner.end());
  }
  return errors;
}

std::vector<icalcomponent*> children(icalcomponent* root, icalcomponent_kind kind) {
  std::vector<icalcomponent*> out;
  for (icalcomponent* c = icalcomponent_get_first_component(root, kind); c;
       c = icalcomponent_get_next_component(root, kind))
    out.push_back(c);
  return out;
}

std::string ymd(struct icaltimetype t) {
  return format_civil_date(CivilDate{date::year{t.year}, date::month{static_cast<unsigned>(t.month)},
                                     date::day{static_cast<unsigned>(t.day)}});
}

TEST(PlanCalendar, LibicalParsesItWithoutErrorsAndRestrictionsPass) {
  const std::string text = plan_calendar(example_plan(), options_at(1'795'000'000'000));
  Parsed parsed = parse(text);
  ASSERT_NE(parsed.root, nullptr);
  ASSERT_EQ(icalcomponent_isa(parsed.root.get()), ICAL_VCALENDAR_COMPONENT);
  EXPECT_EQ(parse_errors(parsed.root.get()), std::vector<std::string>{});
  EXPECT_EQ(icalrestriction_check(parsed.root.get()), 1);
  // The restriction check adds X-LIC-ERROR properties for what it finds wrong.
  EXPECT_EQ(parse_errors(parsed.root.get()), std::vector<std::string>{});
}

TEST(PlanCalendar, OneAllDayEventPerSessionOnItsDate) {
  const PlanDocument plan = example_plan();
  ASSERT_GE(plan.sessions.size(), 3u);
  Parsed parsed = parse(plan_calendar(plan, options_at(1'795'000'000'000)));
  std::map<std::string, icalcomponent*> by_uid;
  for (icalcomponent* e : children(parsed.root.get(), ICAL_VEVENT_COMPONENT)) by_uid[icalcomponent_get_uid(e)] = e;
  for (const auto& s : plan.sessions) {
    auto it = by_uid.find("plan-7-session-" + std::to_string(s.number) + "@dermaplan");
    ASSERT_NE(it, by_uid.end()) << "session " << s.number;
    const icaltimetype start = icalcomponent_get_dtstart(it->second);
    const icaltimetype end = icalcomponent_get_dtend(it->second);
    EXPECT_TRUE(start.is_date) << "VALUE=DATE";
    EXPECT_TRUE(end.is_date);
    EXPECT_EQ(ymd(start), format_civil_date(s.date));
    EXPECT_EQ(ymd(end), format_civil_date(add_days(s.date, 1)));
    EXPECT_NE(std::string(icalcomponent_get_summary(it->second)).find("session " + std::to_string(s.number)),
              std::string::npos);
    icalcomponent* alarm = icalcomponent_get_first_component(it->second, ICAL_VALARM_COMPONENT);
    ASSERT_NE(alarm, nullptr);
    icalproperty* trigger = icalcomponent_get_first_property(alarm, ICAL_TRIGGER_PROPERTY);
    ASSERT_NE(trigger, nullptr);
    EXPECT_EQ(icaldurationtype_as_int(icalproperty_get_trigger(trigger).duration), -24 * 3600);
  }
  ASSERT_TRUE(plan.assessment_date);
  auto assessment = by_uid.find("plan-7-assessment@dermaplan");
  ASSERT_NE(assessment, by_uid.end());
  EXPECT_EQ(ymd(icalcomponent_get_dtstart(assessment->second)), format_civil_date(*plan.assessment_date));
}

/// The preparation tasks the patient carries out (the practitioner's are not on their calendar).
std::vector<PlanTask> patient_tasks(const PlanDocument& plan) {
  std::vector<PlanTask> out;
  for (const auto& t : plan.preparation)
    if (t.done_by == TaskDoer::patient) out.push_back(t);
  return out;
}

TEST(PlanCalendar, OneToDoPerPatientPreparationTaskDueOnItsDate) {
  const PlanDocument plan = example_plan();
  const std::vector<PlanTask> tasks = patient_tasks(plan);
  ASSERT_FALSE(tasks.empty());
  Parsed parsed = parse(plan_calendar(plan, options_at(1'795'000'000'000)));
  const auto todos = children(parsed.root.get(), ICAL_VTODO_COMPONENT);
  ASSERT_EQ(todos.size(), tasks.size());
  for (size_t i = 0; i < todos.size(); ++i) {
    const PlanTask& task = tasks[i];
    EXPECT_EQ(std::string(icalcomponent_get_uid(todos[i])),
              "plan-7-prep-" + task.id + "-session-" + std::to_string(task.session) + "@dermaplan");
    const icaltimetype due = icalcomponent_get_due(todos[i]);
    EXPECT_TRUE(due.is_date);
    EXPECT_EQ(ymd(due), format_civil_date(task.due));
    EXPECT_NE(std::string(icalcomponent_get_description(todos[i])).find(task.task), std::string::npos);
  }
}

// seed-000: the counselling discussion is between the doctor and the patient before treatment.
// It is the practitioner's task: the plan keeps it, the patient's calendar does not list it as a
// to-do or under a session.
TEST(PlanCalendar, ThePractitionersCounsellingIsNotOnThePatientsCalendar) {
  const PlanDocument plan = example_plan();
  const auto counselling = std::find_if(plan.preparation.begin(), plan.preparation.end(),
                                        [](const PlanTask& t) { return t.id == "counselling"; });
  ASSERT_NE(counselling, plan.preparation.end()) << "the plan keeps the counselling task";
  EXPECT_EQ(counselling->done_by, TaskDoer::practitioner);
  const std::string text = plan_calendar(plan, options_at(1'795'000'000'000));
  Parsed parsed = parse(text);
  for (icalcomponent* todo : children(parsed.root.get(), ICAL_VTODO_COMPONENT))
    EXPECT_EQ(std::string(icalcomponent_get_uid(todo)).find("-prep-counselling-"), std::string::npos);
  for (icalcomponent* event : children(parsed.root.get(), ICAL_VEVENT_COMPONENT)) {
    const char* description = icalcomponent_get_description(event);
    EXPECT_EQ(std::string(description ? description : "").find("Counselling discussion"), std::string::npos)
        << icalcomponent_get_uid(event);
  }
}

// A plan saved before tasks said who does them: every task reads as the patient's and is on
// the calendar, as it was when the plan was made; a value that is neither is refused.
TEST(PlanCalendar, APlanSavedWithoutDoneByKeepsEveryTaskOnTheCalendar) {
  nlohmann::json old = testing::example_plan_json();
  for (auto& task : old["preparation"]) task.erase("done_by");
  const PlanDocument plan = parse_plan_document(old);
  for (const auto& t : plan.preparation) EXPECT_EQ(t.done_by, TaskDoer::patient) << t.id;
  Parsed parsed = parse(plan_calendar(plan, options_at(1'795'000'000'000)));
  EXPECT_EQ(children(parsed.root.get(), ICAL_VTODO_COMPONENT).size(), plan.preparation.size());
  old["preparation"][0]["done_by"] = "nurse";
  try {
    parse_plan_document(old, "--plan");
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where(), "--plan/preparation/0/done_by");
    EXPECT_NE(std::string(e.what()).find("accepted: patient, practitioner"), std::string::npos) << e.what();
  }
}

TEST(PlanCalendar, AftercareWindowsAfterEverySessionCarryEveryBoundedInstruction) {
  const PlanDocument plan = example_plan();
  Parsed parsed = parse(plan_calendar(plan, options_at(1'795'000'000'000)));
  std::string aftercare_text;
  int aftercare_events = 0;
  for (icalcomponent* e : children(parsed.root.get(), ICAL_VEVENT_COMPONENT)) {
    const std::string uid = icalcomponent_get_uid(e);
    if (uid.find("-aftercare-") == std::string::npos) continue;
    ++aftercare_events;
    EXPECT_TRUE(icalcomponent_get_dtstart(e).is_date);
    aftercare_text += icalcomponent_get_description(e);
  }
  int bounded_windows = 0;
  for (const auto& w : aftercare_windows(plan)) bounded_windows += w.last_day ? 1 : 0;
  EXPECT_EQ(aftercare_events, bounded_windows * static_cast<int>(plan.sessions.size()));
  for (const auto& a : plan.aftercare)
    if (a.to_hours) {
      EXPECT_NE(aftercare_text.find(a.instruction), std::string::npos) << a.id;
    }
}

TEST(PlanCalendar, AVagueOrMissingEndGetsNoDateAndTheExportSaysSo) {
  // seed-002's "for a few days" without make-up (under a policy that takes it): no dated
  // aftercare entry holds it; each session's description lists it with the source's words and
  // says that the calendar sets no end date. An instruction with no end says so too.
  const PlanDocument plan = testing::example_plan_with_policy("policies/makeup-few-days.yaml");
  const PlanAftercare* makeup = nullptr;
  for (const auto& a : plan.aftercare)
    if (a.id == "no-makeup") makeup = &a;
  ASSERT_NE(makeup, nullptr);
  ASSERT_FALSE(makeup->to_hours);
  Parsed parsed = parse(plan_calendar(plan, options_at(1'795'000'000'000)));
  EXPECT_EQ(parse_errors(parsed.root.get()), std::vector<std::string>{});
  int sessions = 0;
  for (icalcomponent* e : children(parsed.root.get(), ICAL_VEVENT_COMPONENT)) {
    const std::string uid = icalcomponent_get_uid(e);
    const std::string description = icalcomponent_get_description(e) ? icalcomponent_get_description(e) : "";
    if (uid.find("-aftercare-") != std::string::npos) {
      EXPECT_EQ(description.find(makeup->instruction), std::string::npos) << "a dated entry for a vague end: " << uid;
    } else if (uid.find("-session-") != std::string::npos) {
      ++sessions;
      EXPECT_NE(description.find("After it, for a few days (no number is given, so this calendar sets no end date): " +
                                 makeup->instruction),
                std::string::npos)
          << description;
      EXPECT_NE(description.find("After it, with no end given (this calendar sets no end date): "), std::string::npos)
          << description;
    }
  }
  EXPECT_EQ(sessions, static_cast<int>(plan.sessions.size()));
}

TEST(PlanCalendar, UidsAreStableAcrossExportsAndUnique) {
  const PlanDocument plan = example_plan();
  auto uids = [&](long long stamp) {
    Parsed parsed = parse(plan_calendar(plan, options_at(stamp)));
    std::vector<std::string> out;
    for (auto kind : {ICAL_VEVENT_COMPONENT, ICAL_VTODO_COMPONENT})
      for (icalcomponent* c : children(parsed.root.get(), kind)) out.push_back(icalcomponent_get_uid(c));
    return out;
  };
  const auto first = uids(1'795'000'000'000), later = uids(1'796'000'000'000);
  EXPECT_EQ(first, later);
  EXPECT_EQ(std::set<std::string>(first.begin(), first.end()).size(), first.size()) << "duplicate UID";
  // A plan moved by a week keeps its UIDs: re-importing updates the events.
  PlanDocument moved = plan;
  for (auto& s : moved.sessions) s.date = add_days(s.date, 7), s.latest_date = add_days(s.latest_date, 7);
  Parsed parsed = parse(plan_calendar(moved, options_at(1'795'000'000'000)));
  EXPECT_EQ(std::string(icalcomponent_get_uid(children(parsed.root.get(), ICAL_VEVENT_COMPONENT).front())),
            "plan-7-session-1@dermaplan");
}

TEST(PlanCalendar, DtstampIsTheExportTimeInUtc) {
  Parsed parsed = parse(plan_calendar(example_plan(), options_at(1'795'000'000'000)));
  icalcomponent* event = children(parsed.root.get(), ICAL_VEVENT_COMPONENT).front();
  const icaltimetype stamp = icalcomponent_get_dtstamp(event);
  EXPECT_TRUE(icaltime_is_utc(stamp));
  EXPECT_EQ(icaltime_as_timet(stamp), 1'795'000'000);
}

TEST(PlanCalendar, LongUnicodeAndSpecialTextSurvivesFoldingAndEscaping) {
  PlanDocument plan = example_plan();
  const std::string tricky =
      "Crème; avec virgule, backslash \\ et\nnouvelle ligne — Zoë Ørsted 王小明 Ελένη Олег: "
      "a long line that must be folded because it is far longer than seventy-five octets";
  plan.indication_name = tricky;
  plan.preparation.front().task = tricky;
  const std::string text = plan_calendar(plan, options_at(1'795'000'000'000));
  // Every physical line is at most 75 octets, ends in CRLF, and no UTF-8 sequence is split.
  size_t start = 0;
  while (start < text.size()) {
    const size_t end = text.find("\r\n", start);
    ASSERT_NE(end, std::string::npos) << "every line ends in CRLF";
    EXPECT_LE(end - start, 75u);
    if (end > start) {
      EXPECT_NE(static_cast<unsigned char>(text[start]) & 0xC0, 0x80) << "split UTF-8";
    }
    start = end + 2;
  }
  size_t newlines = 0, crlfs = 0;
  for (size_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n') ++newlines, crlfs += i > 0 && text[i - 1] == '\r';
  EXPECT_EQ(newlines, crlfs) << "a bare LF";
  Parsed parsed = parse(text);
  EXPECT_EQ(parse_errors(parsed.root.get()), std::vector<std::string>{});
  icalcomponent* todo = children(parsed.root.get(), ICAL_VTODO_COMPONENT).front();
  EXPECT_EQ(std::string(icalcomponent_get_summary(todo)),
            "Before session " + std::to_string(plan.preparation.front().session) + ": " + tricky);
}

TEST(IcalText, EscapesAndFoldsPerRfc5545) {
  EXPECT_EQ(escape_ical_text("a,b;c\\d\ne\r\nf"), "a\\,b\\;c\\\\d\\ne\\nf");
  EXPECT_EQ(fold_ical_line(std::string(75, 'x')), std::string(75, 'x') + "\r\n");
  EXPECT_EQ(fold_ical_line(std::string(76, 'x')), std::string(75, 'x') + "\r\n x\r\n");
  // 74 ASCII octets then a 2-octet character: the character moves to the next line whole.
  EXPECT_EQ(fold_ical_line(std::string(74, 'x') + "é"), std::string(74, 'x') + "\r\n é\r\n");
}

TEST(PlanCalendar, NeedsASeries) {
  CalendarOptions options = options_at(0);
  options.series.clear();
  EXPECT_THROW(plan_calendar(example_plan(), options), InputError);
}

}  // namespace
}  // namespace dermaplan::interop
