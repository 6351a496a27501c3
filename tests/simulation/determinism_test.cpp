// Same seed: the same output, bit for bit, at any thread count. Different seeds: statistically
// consistent output.
#include "simulation/report.h"
#include "simulation/simulation.h"
#include "simulation/sweep.h"

#include <gtest/gtest.h>
#include <tbb/task_arena.h>

#include <cmath>
#include <cstring>

namespace dermaplan::simulation {
namespace {

SimulationInput pen_input(std::uint64_t seed) {
  SimulationInput input;
  input.device = PenGeometry{12, 100, 25, 5, 1.0, 0.25, PenPattern::circles};
  input.technique.passes = 2;
  input.technique.directions = {Direction::horizontal, Direction::vertical};
  input.patch = {25, 25};
  input.seed = seed;
  return input;
}

SimulationInput roller_input(std::uint64_t seed) {
  SimulationInput input;
  input.technique.passes = 15;
  input.technique.directions = {Direction::horizontal, Direction::vertical,
                                Direction::diagonal_up, Direction::diagonal_down};
  input.patch = {20, 20};
  input.seed = seed;
  return input;
}

TEST(Determinism, SameSeedSameJsonBitForBit) {
  for (const auto& input : {roller_input(42), pen_input(42)}) {
    const std::string a = to_json(simulate(input)).dump();
    const std::string b = to_json(simulate(input)).dump();
    EXPECT_EQ(a, b);
    const SimulationResult ra = simulate(input), rb = simulate(input);
    EXPECT_EQ(ra.puncture_cells.counts, rb.puncture_cells.counts);
    EXPECT_EQ(std::memcmp(&ra.punctured_fraction, &rb.punctured_fraction, sizeof(double)), 0);
  }
}

int questions_asked_by(const SimulationInput& input) {
  int asked = 0;
  simulate(input, [&asked] {
    ++asked;
    return false;
  });
  return asked;
}

TEST(Determinism, AStopThatNeverSaysStopChangesNothing) {
  const SimulationInput input = roller_input(42);
  EXPECT_EQ(to_json(simulate(input, [] { return false; })).dump(), to_json(simulate(input)).dump());
  // Before each of the 15 passes, then during and after the analysis and before depth.
  EXPECT_GE(questions_asked_by(input), 15 + 3);
}

TEST(Determinism, AStopEndsTheSimulationAtThatStep) {
  // Stop at the (k+1)-th question: before a pass while laying, during the analysis, or at the
  // last step; nothing more is asked after it.
  for (const SimulationInput& input : {roller_input(42), pen_input(42)}) {
    const int total = questions_asked_by(input);
    for (int k : {0, 1, 7, input.technique.passes, total - 2, total - 1}) {
      if (k >= total) continue;
      int asked = 0;
      const StopRequested after_k = [&asked, k] { return asked++ >= k; };
      EXPECT_THROW(simulate(input, after_k), SimulationStopped) << "k = " << k;
      EXPECT_EQ(asked, k + 1) << "no question asked after the stop, k = " << k;
    }
  }
}

TEST(Determinism, DifferentSeedsDifferentFields) {
  const SimulationResult a = simulate(roller_input(1)), b = simulate(roller_input(2));
  EXPECT_NE(a.puncture_cells.counts, b.puncture_cells.counts);
}

TEST(Determinism, SweepIsIdenticalAtAnyThreadCount) {
  const SweepSpec spec{SweepParameter::passes, 1, 12, 1};
  auto run_with = [&](int threads) {
    std::string dump;
    tbb::task_arena arena(threads);
    arena.execute([&] {
      for (const auto& point : run_sweep(roller_input(9), spec)) dump += to_json(point.result).dump();
    });
    return dump;
  };
  const std::string one = run_with(1);
  EXPECT_EQ(one, run_with(2));
  EXPECT_EQ(one, run_with(4));
  // And each point equals a plain simulate() of the same input.
  const auto points = run_sweep(roller_input(9), spec);
  EXPECT_EQ(to_json(points[4].result).dump(),
            to_json(simulate(with_value(roller_input(9), SweepParameter::passes, 5))).dump());
}

TEST(Determinism, SeedsAreStatisticallyConsistent) {
  // Over 20 seeds the metrics scatter around their expectation, and seed-to-seed spread is
  // small: no seed gives an outlier beyond 5 standard deviations of the others.
  for (const auto& make : {roller_input, pen_input}) {
    std::vector<double> density, fraction, depth;
    for (std::uint64_t seed = 1; seed <= 20; ++seed) {
      const SimulationResult r = simulate(make(seed));
      density.push_back(r.density_per_cm2 / r.density_expected_per_cm2);
      fraction.push_back(r.punctured_fraction);
      depth.push_back(r.depth_um.mean);
    }
    for (const auto* series : {&density, &fraction, &depth}) {
      double mean = 0, var = 0;
      for (double v : *series) mean += v / series->size();
      for (double v : *series) var += (v - mean) * (v - mean) / (series->size() - 1);
      const double sd = std::sqrt(var);
      EXPECT_GT(sd, 0);  // seeds do change the outcome
      EXPECT_LT(sd / mean, 0.1);
      for (double v : *series) EXPECT_LT(std::abs(v - mean), 5 * sd + 1e-12);
    }
    // The mean density matches the formula within 3 standard errors.
    double mean_ratio = 0, var_ratio = 0;
    for (double v : density) mean_ratio += v / density.size();
    for (double v : density) var_ratio += (v - mean_ratio) * (v - mean_ratio) / (density.size() - 1);
    EXPECT_NEAR(mean_ratio, 1.0, 3 * std::sqrt(var_ratio / density.size()));
  }
}

}  // namespace
}  // namespace dermaplan::simulation
