// The statistics the outcomes report uses: running means, confidence intervals for means and
// differences of means (Student and Welch t), Wilson intervals for proportions and Newcombe's
// interval for a difference of two proportions.
#pragma once

#include <cstdint>

namespace dermaplan::outcomes {

struct Interval {
  double low = 0;
  double high = 0;
  bool overlaps(const Interval& other) const { return low <= other.high && other.low <= high; }
};

/// Mean and variance of a stream of values in constant memory (Welford's method).
class RunningMean {
 public:
  void add(double value);
  std::int64_t count() const { return n_; }
  double mean() const { return mean_; }
  /// Sample variance (n - 1 denominator); 0 below two values.
  double variance() const;
  double sd() const;
  double min() const { return min_; }
  double max() const { return max_; }

 private:
  std::int64_t n_ = 0;
  double mean_ = 0;
  double m2_ = 0;
  double min_ = 0;
  double max_ = 0;
};

/// Two-sided quantile of Student's t: t such that P(|T| <= t) = level, for df > 0.
double t_critical(double level, double df);
/// Two-sided quantile of the standard normal distribution.
double z_critical(double level);

/// Confidence interval of a mean from n values with sample sd (t with n - 1 df); n >= 2.
Interval mean_interval(double mean, double sd, std::int64_t n, double level);

/// Welch's interval for mean_a - mean_b (unequal variances); both n >= 2.
Interval welch_difference_interval(double mean_a, double sd_a, std::int64_t n_a, double mean_b, double sd_b,
                                   std::int64_t n_b, double level);

/// Wilson score interval of a proportion count / of (of > 0).
Interval wilson_interval(std::int64_t count, std::int64_t of, double level);

/// Newcombe's hybrid score interval (method 10) for count_a / of_a - count_b / of_b.
Interval newcombe_difference_interval(std::int64_t count_a, std::int64_t of_a, std::int64_t count_b,
                                      std::int64_t of_b, double level);

}  // namespace dermaplan::outcomes
