// Constant-memory tallies the report is built from (internal to the outcomes library).
#pragma once

#include "outcomes/report.h"
#include "outcomes/statistics.h"

#include <algorithm>
#include <optional>
#include <vector>

namespace dermaplan::outcomes::detail {

/// Counts distinct patients of rows that arrive ordered by patient id.
struct PatientCounter {
  long long last = -1;
  long long patients = 0;
  void see(long long patient_id) {
    if (patient_id != last) {
      last = patient_id;
      ++patients;
    }
  }
};

struct MeanCell {
  RunningMean values;
  PatientCounter patients;
  void add(double value, long long patient_id) {
    values.add(value);
    patients.see(patient_id);
  }
};

/// A proportion: units with and without an attribute, and the patients on each side.
struct RateCell {
  long long n = 0;
  long long count = 0;
  PatientCounter patients, with, without;
  void add(bool has, long long patient_id) {
    ++n;
    patients.see(patient_id);
    if (has) {
      ++count;
      with.see(patient_id);
    } else {
      without.see(patient_id);
    }
  }
};

/// Whole days 0..max_days; longer values land in one overflow bucket (max_days + 1).
class DayHistogram {
 public:
  explicit DayHistogram(int max_days) : counts_(static_cast<size_t>(max_days) + 2, 0) {}
  void add(long days) {
    const long last = static_cast<long>(counts_.size()) - 1;
    ++counts_[static_cast<size_t>(std::clamp(days, 0L, last))];
    ++total_;
  }
  std::optional<double> median() const {
    if (total_ == 0) return std::nullopt;
    return (value_at((total_ - 1) / 2) + value_at(total_ / 2)) / 2.0;
  }

 private:
  double value_at(long long rank) const {
    long long seen = 0;
    for (size_t day = 0; day < counts_.size(); ++day) {
      seen += counts_[day];
      if (seen > rank) return static_cast<double>(day);
    }
    return static_cast<double>(counts_.size() - 1);
  }
  std::vector<long long> counts_;
  long long total_ = 0;
};

/// A mean figure, withheld below `min_patients`.
Figure mean_figure(const MeanCell& cell, int min_patients, double level);
/// A proportion figure, withheld when the patients in it, or the patients with or without the
/// attribute, number 1 to min_patients - 1.
Figure rate_figure(const RateCell& cell, int min_patients, double level);
/// Sets every number of a figure to zero and marks it withheld.
void withhold(Figure& figure);

}  // namespace dermaplan::outcomes::detail
