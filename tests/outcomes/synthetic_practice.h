// A deterministic synthetic practice for the outcomes tests and benchmark: patients with one
// course each, generated one row at a time (constant memory), with effects seeded in on purpose
// so the report can be checked against them.
//
// Seeded effects:
//   - acne scars on Goodman & Baron: 12 weeks after the first session the mean change is
//     `short_needle_change` with 0.5 mm needles and `long_needle_change` with 1.5 mm needles
//     (defaults -0.5 and -1.5: 1.5 mm improves by one grade more);
//   - one lot (`raised_lot`) is followed by adverse events at `raised_lot_event_rate` per
//     session, every other lot at `event_rate`;
//   - `small_cohort_patients` patients (default 3) have burn scars, a cohort too small to show.
#pragma once

#include "outcomes/course_row.h"

#include <cstdint>
#include <string>

namespace dermaplan::testing {

struct SyntheticPractice {
  long long patients = 2000;
  std::uint64_t seed = 1;
  double short_needle_change = -0.5;
  double long_needle_change = -1.5;
  int lots = 10;
  std::string raised_lot = "LOT-07";
  double event_rate = 0.03;
  double raised_lot_event_rate = 0.15;
  long long small_cohort_patients = 3;
  double abandon_share = 0.1;        //!< courses stopped after one or two sessions
  CivilDate first_day = CivilDate{date::year{2024}, date::month{1}, date::day{8}};
};

/// The report date that suits the practice: after every course's last follow-up.
CivilDate synthetic_report_date(const SyntheticPractice& practice);

/// Rows of the practice in patient order; each call of the stream makes the next row.
outcomes::CourseStream synthetic_stream(const SyntheticPractice& practice);

}  // namespace dermaplan::testing
