// A course plan as an iCalendar file (RFC 5545), the patient's calendar: one all-day VEVENT per
// session (with a reminder the day before), one VTODO per preparation task of the patient's due
// on its date (the practitioner's tasks, the counselling discussion, are not the patient's), all-day VEVENTs
// for the aftercare windows after each session, and one for the result assessment.
//
// UIDs are derived from `series` and the item (session number, task id, aftercare window), not
// from the dates, so exporting a changed plan again updates the calendar entries instead of
// duplicating them.
#pragma once

#include "interop/plan_document.h"

#include <string>

namespace dermaplan::interop {

struct CalendarOptions {
  std::string series;                    //!< stable key of the plan, e.g. "plan-12"; required
  std::string uid_domain = "dermaplan";  //!< right-hand side of every UID
  long long stamp_ms = 0;                //!< DTSTAMP (the export time), epoch milliseconds UTC
  std::string product_version = "dev";   //!< in PRODID
  std::string calendar_name;             //!< X-WR-CALNAME; empty: "Microneedling: <indication>"
  std::string location;                  //!< LOCATION of sessions (the practice), may be empty
};

/// The calendar as RFC 5545 text: CRLF line ends, lines folded at 75 octets (never inside a
/// UTF-8 sequence), TEXT values escaped. InputError "series" when options.series is empty.
std::string plan_calendar(const PlanDocument& plan, const CalendarOptions& options);

/// RFC 5545 TEXT escaping: backslash, semicolon, comma and newline.
std::string escape_ical_text(const std::string& text);

/// Folds one unfolded content line (without its CRLF) into lines of at most 75 octets, each
/// ending in CRLF; continuation lines start with a space.
std::string fold_ical_line(const std::string& line);

}  // namespace dermaplan::interop
