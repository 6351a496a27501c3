#include "synthetic_practice.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <memory>

namespace dermaplan::testing {

namespace {

/// SplitMix64: a small generator whose output is the same on every platform.
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  int between(int low, int high) { return low + static_cast<int>(next() % static_cast<std::uint64_t>(high - low + 1)); }
  bool chance(double p) { return uniform() < p; }

 private:
  std::uint64_t state_;
};

/// An integer change whose mean is `mean`: floor(mean) or floor(mean) + 1.
int integer_change(Random& random, double mean) {
  const double low = std::floor(mean);
  return static_cast<int>(low) + (random.chance(mean - low) ? 1 : 0);
}

struct Treatment {
  std::string device;
  double needle_mm;
  std::vector<std::string> regions;
};

void fill_row(const SyntheticPractice& practice, long long index, outcomes::CourseRow& row) {
  Random random(practice.seed * 0x100000001b3ULL ^ static_cast<std::uint64_t>(index + 1) * 0x9e3779b97f4a7c15ULL);
  row.patient_id = index + 1;
  row.course_id = index + 1;
  row.sessions.clear();
  row.scores.clear();
  row.adverse_events.clear();

  std::string scale;
  Treatment treatment;
  const double pick = random.uniform();
  bool long_needle = false;
  if (index < practice.small_cohort_patients) {
    row.indication = "burn-scars";
    scale = "vancouver";
    treatment = {"dermaroller-192-2.5", 2.5, {"upper-arm"}};
  } else if (pick < 0.6) {
    row.indication = "acne-scars";
    scale = "goodman-baron-qualitative";
    long_needle = random.chance(0.5);
    treatment = long_needle ? Treatment{"dermaroller-192-1.5", 1.5, {"cheek"}} : Treatment{"dermaroller-192-0.5", 0.5, {"cheek"}};
    if (random.chance(0.3)) treatment.regions.push_back("forehead");
  } else if (pick < 0.85) {
    row.indication = "melasma";
    scale = "masi";
    treatment = {"pen-automated", 0.5, {"cheek"}};
  } else {
    row.indication = "striae";
    treatment = {"dermaroller-192-1.5", 1.5, {"abdomen"}};
  }
  const double sex = random.uniform();
  row.sex = sex < 0.7 ? kb::Sex::female : sex < 0.98 ? kb::Sex::male : kb::Sex::other;
  row.birth_date = CivilDate{date::year{1955 + random.between(0, 45)}, date::month{static_cast<unsigned>(random.between(1, 12))},
                             date::day{static_cast<unsigned>(random.between(1, 28))}};
  row.fitzpatrick = random.between(1, 6);
  row.planned_sessions = random.between(3, 5);
  const bool abandoned = random.chance(practice.abandon_share);
  const int performed = abandoned ? random.between(1, 2) : row.planned_sessions;
  const int interval = random.between(28, 42);
  const long long practitioner = random.between(2, 5);

  CivilDate day = add_days(practice.first_day, index % 365 + random.between(0, 6));
  for (int i = 0; i < performed; ++i) {
    outcomes::SessionFact session;
    session.session_id = row.patient_id * 10 + i + 1;
    session.date = day;
    session.device_id = treatment.device;
    session.lot_number = fmt::format("LOT-{:02}", random.between(1, practice.lots));
    for (const auto& region : treatment.regions) session.needles.push_back({region, treatment.needle_mm});
    session.practitioner_id = practitioner;
    const double rate = session.lot_number == practice.raised_lot ? practice.raised_lot_event_rate : practice.event_rate;
    if (random.chance(rate)) {
      static const char* types[] = {"Erythema", "post-inflammatory  hyperpigmentation", "infection"};
      const double s = random.uniform();
      row.adverse_events.push_back({session.session_id, types[random.between(0, 2)],
                                    s < 0.7 ? outcomes::Severity::mild
                                    : s < 0.95 ? outcomes::Severity::moderate
                                               : outcomes::Severity::severe,
                                    add_days(day, 1)});
    }
    row.sessions.push_back(std::move(session));
    day = add_days(day, interval + random.between(0, 3));
  }
  if (scale.empty()) return;

  const CivilDate first = row.sessions.front().date, last = row.sessions.back().date;
  for (const auto& region : treatment.regions) {
    if (scale == "goodman-baron-qualitative") {
      const int baseline = random.between(3, 4);
      const double mean = long_needle ? practice.long_needle_change : practice.short_needle_change;
      const int at_12 = integer_change(random, mean);
      row.scores.push_back({scale, static_cast<double>(baseline), first, region});
      row.scores.push_back({scale, static_cast<double>(std::max(1, baseline + integer_change(random, mean / 3))),
                            add_days(first, 28), region});
      if (abandoned) continue;
      row.scores.push_back({scale, static_cast<double>(std::max(1, baseline + integer_change(random, 2 * mean / 3))),
                            add_days(first, 56), region});
      row.scores.push_back({scale, static_cast<double>(std::max(1, baseline + at_12)), add_days(first, 84), region});
      row.scores.push_back({scale, static_cast<double>(std::max(1, baseline + at_12 - (random.chance(0.3) ? 1 : 0))),
                            add_days(last, 56), region});
    } else {
      const double top = scale == "masi" ? 30 : 10;
      const double baseline = std::round(random.uniform() * top * 0.6 + top * 0.3);
      row.scores.push_back({scale, baseline, first, region});
      if (abandoned) continue;
      row.scores.push_back({scale, std::round(baseline * (0.7 + 0.2 * random.uniform())), add_days(first, 84), region});
      row.scores.push_back({scale, std::round(baseline * (0.6 + 0.2 * random.uniform())), add_days(last, 56), region});
    }
  }
}

}  // namespace

CivilDate synthetic_report_date(const SyntheticPractice& practice) { return add_days(practice.first_day, 1000); }

outcomes::CourseStream synthetic_stream(const SyntheticPractice& practice) {
  auto next = std::make_shared<long long>(0);
  return [practice, next](outcomes::CourseRow& row) {
    if (*next >= practice.patients) return false;
    fill_row(practice, (*next)++, row);
    return true;
  };
}

}  // namespace dermaplan::testing
