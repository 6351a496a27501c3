#include "outcomes/statistics.h"

#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace dermaplan::outcomes {

void RunningMean::add(double value) {
  ++n_;
  const double delta = value - mean_;
  mean_ += delta / static_cast<double>(n_);
  m2_ += delta * (value - mean_);
  if (n_ == 1 || value < min_) min_ = value;
  if (n_ == 1 || value > max_) max_ = value;
}

double RunningMean::variance() const { return n_ < 2 ? 0 : m2_ / static_cast<double>(n_ - 1); }
double RunningMean::sd() const { return std::sqrt(variance()); }

double t_critical(double level, double df) {
  if (!(level > 0 && level < 1) || !(df > 0)) throw std::invalid_argument("t_critical: level in (0, 1), df > 0");
  return boost::math::quantile(boost::math::students_t(df), 0.5 + level / 2);
}

double z_critical(double level) {
  if (!(level > 0 && level < 1)) throw std::invalid_argument("z_critical: level in (0, 1)");
  return boost::math::quantile(boost::math::normal(), 0.5 + level / 2);
}

Interval mean_interval(double mean, double sd, std::int64_t n, double level) {
  if (n < 2) throw std::invalid_argument("mean_interval: needs two values or more");
  const double half = t_critical(level, static_cast<double>(n - 1)) * sd / std::sqrt(static_cast<double>(n));
  return {mean - half, mean + half};
}

Interval welch_difference_interval(double mean_a, double sd_a, std::int64_t n_a, double mean_b, double sd_b,
                                   std::int64_t n_b, double level) {
  if (n_a < 2 || n_b < 2) throw std::invalid_argument("welch_difference_interval: needs two values a side");
  const double va = sd_a * sd_a / static_cast<double>(n_a), vb = sd_b * sd_b / static_cast<double>(n_b);
  const double se = std::sqrt(va + vb);
  const double difference = mean_a - mean_b;
  if (se == 0) return {difference, difference};
  const double df = (va + vb) * (va + vb) /
                    (va * va / static_cast<double>(n_a - 1) + vb * vb / static_cast<double>(n_b - 1));
  const double half = t_critical(level, df) * se;
  return {difference - half, difference + half};
}

Interval wilson_interval(std::int64_t count, std::int64_t of, double level) {
  if (of <= 0 || count < 0 || count > of) throw std::invalid_argument("wilson_interval: 0 <= count <= of, of > 0");
  const double z = z_critical(level), n = static_cast<double>(of), p = static_cast<double>(count) / n;
  const double denominator = 1 + z * z / n;
  const double centre = (p + z * z / (2 * n)) / denominator;
  const double half = z * std::sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator;
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

Interval newcombe_difference_interval(std::int64_t count_a, std::int64_t of_a, std::int64_t count_b,
                                      std::int64_t of_b, double level) {
  const double pa = static_cast<double>(count_a) / static_cast<double>(of_a);
  const double pb = static_cast<double>(count_b) / static_cast<double>(of_b);
  const Interval a = wilson_interval(count_a, of_a, level), b = wilson_interval(count_b, of_b, level);
  const double difference = pa - pb;
  return {difference - std::sqrt((pa - a.low) * (pa - a.low) + (b.high - pb) * (b.high - pb)),
          difference + std::sqrt((a.high - pa) * (a.high - pa) + (pb - b.low) * (pb - b.low))};
}

}  // namespace dermaplan::outcomes
