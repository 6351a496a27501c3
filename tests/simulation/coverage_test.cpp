// Coverage, merging, spacing and gaps of puncture fields with known answers.
#include "simulation/analytic.h"
#include "simulation/field_analysis.h"
#include "simulation/random.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

namespace dermaplan::simulation {
namespace {

/// Punctures at random (Poisson count, uniform positions) over a patch plus margin.
PunctureField poisson_field(double density_per_mm2, double side_mm, double margin_mm,
                            std::uint64_t seed) {
  PunctureField field;
  field.patch = {0, 0, side_mm, side_mm};
  field.window = {-margin_mm, -margin_mm, side_mm + margin_mm, side_mm + margin_mm};
  Rng rng(seed, 99);
  const double area = field.window.width() * field.window.height();
  // Normal approximation of the Poisson count is fine at these sizes.
  const double mean = density_per_mm2 * area;
  const auto n = static_cast<std::size_t>(std::max(0.0, std::round(mean + std::sqrt(mean) * rng.normal())));
  for (std::size_t i = 0; i < n; ++i) {
    field.x_mm.push_back(static_cast<float>(rng.uniform(field.window.x0, field.window.x1)));
    field.y_mm.push_back(static_cast<float>(rng.uniform(field.window.y0, field.window.y1)));
  }
  return field;
}

struct CoverageCase {
  double covered_disc_fraction;  // lambda pi r^2
  double needle_diameter_mm;
};

class RandomCoverage : public ::testing::TestWithParam<CoverageCase> {};

// For random placement, the punctured fraction is 1 - exp(-lambda pi r^2), within 2 %.
TEST_P(RandomCoverage, FollowsOneMinusExp) {
  const auto [a, diameter] = GetParam();
  const double r = diameter / 2;
  const double lambda = a / (3.141592653589793 * r * r);
  const PunctureField field = poisson_field(lambda, 30, 1, 5);
  const FieldAnalysis analysis = analyse_field(field, diameter, lambda, 3);
  const double fraction = analysis.punctured_area_mm2 / (30.0 * 30.0);
  const double expected = random_punctured_fraction(lambda * 100, r);
  EXPECT_NEAR(expected, 1 - std::exp(-a), 1e-12);
  EXPECT_NEAR(fraction, expected, 0.02 * expected) << "lambda pi r^2 = " << a;
}

INSTANTIATE_TEST_SUITE_P(Densities, RandomCoverage,
                         ::testing::Values(CoverageCase{0.01, 0.07}, CoverageCase{0.05, 0.25},
                                           CoverageCase{0.3, 0.25}, CoverageCase{1.0, 0.25},
                                           CoverageCase{2.0, 0.1}));

PunctureField lattice_field(double spacing_mm, int count_per_side) {
  PunctureField field;
  const double side = spacing_mm * count_per_side;
  field.patch = {0, 0, side, side};
  field.window = {-2 * spacing_mm, -2 * spacing_mm, side + 2 * spacing_mm, side + 2 * spacing_mm};
  for (int iy = -2; iy < count_per_side + 2; ++iy)
    for (int ix = -2; ix < count_per_side + 2; ++ix) {
      field.x_mm.push_back(static_cast<float>((ix + 0.5) * spacing_mm));
      field.y_mm.push_back(static_cast<float>((iy + 0.5) * spacing_mm));
    }
  return field;
}

TEST(Lattice, GapNeighbourAndCoverageAreExact) {
  const double spacing = 1.0, diameter = 0.25;
  const PunctureField field = lattice_field(spacing, 20);
  const FieldAnalysis analysis = analyse_field(field, diameter, 1.0, 1);
  // Largest empty disc in a square lattice: the cell diagonal.
  EXPECT_NEAR(analysis.largest_gap_mm, spacing * std::sqrt(2.0), 2 * analysis.gap_resolution_mm);
  ASSERT_EQ(analysis.nearest_neighbour_mm.size(), 400u);
  for (double d : analysis.nearest_neighbour_mm) EXPECT_NEAR(d, spacing, 1e-5);
  EXPECT_EQ(analysis.channel_count, field.size());  // nothing closer than the diameter
  const double hole = 3.141592653589793 * diameter * diameter / 4;
  EXPECT_NEAR(analysis.punctured_area_mm2, 400 * hole, 1e-9);  // isolated holes: exact
}

TEST(Merging, PuncturesCloserThanTheDiameterShareAChannel) {
  PunctureField field;
  field.patch = {0, 0, 10, 10};
  field.window = field.patch;
  // (1) a channel; (2) 0.2 mm away: slides in; (3) 0.3 mm from (1): new channel;
  // (4) 0.2 mm from (2), which is no channel of its own, 0.28 from (1) and 0.22 from (3):
  //     joins (3).
  const float pts[][2] = {{5.0f, 5.0f}, {5.2f, 5.0f}, {5.0f, 5.3f}, {5.2f, 5.2f}};
  for (const auto& p : pts) {
    field.x_mm.push_back(p[0]);
    field.y_mm.push_back(p[1]);
  }
  const FieldAnalysis analysis = analyse_field(field, 0.25, 0.04, 1);
  EXPECT_EQ(analysis.channel_count, 2u);
  EXPECT_EQ(analysis.founder, (std::vector<std::uint8_t>{1, 0, 1, 0}));
  EXPECT_EQ(analysis.channel_of[1], analysis.channel_of[0]);
  EXPECT_EQ(analysis.channel_of[3], analysis.channel_of[2]);
}

TEST(Merging, RandomChannelDensityFollowsMeanField) {
  // lambda pi d^2 = 1: mean-field ln(2) / (pi d^2); the greedy process should be within 10 %.
  const double diameter = 0.25;
  const double lambda = 1 / (3.141592653589793 * diameter * diameter);
  const PunctureField field = poisson_field(lambda, 30, 1, 8);
  const FieldAnalysis analysis = analyse_field(field, diameter, lambda, 3);
  std::size_t channels = 0;
  for (std::size_t i = 0; i < field.size(); ++i)
    channels += analysis.founder[i] && field.patch.contains(field.x_mm[i], field.y_mm[i]);
  const double expected = random_channel_density_per_cm2(lambda * 100, diameter) * 9;
  EXPECT_NEAR(channels, expected, 0.10 * expected);
}

TEST(RandomGaps, LargestGapMatchesJansonOrder) {
  // Median over several fields within 15 % of the coverage-limit formula.
  const double density_cm2 = 250, lambda = density_cm2 / 100;
  std::vector<double> gaps;
  for (std::uint64_t seed = 1; seed <= 9; ++seed) {
    const PunctureField field = poisson_field(lambda, 20, 3, seed);
    gaps.push_back(analyse_field(field, 0.07, lambda, seed).largest_gap_mm);
  }
  std::nth_element(gaps.begin(), gaps.begin() + 4, gaps.end());
  const double expected = random_largest_gap_mm(density_cm2, 4);
  EXPECT_NEAR(gaps[4], expected, 0.15 * expected);
}

TEST(RandomNeighbours, MeanNearestNeighbourIsHalfOverSqrtLambda) {
  const double lambda = 2.0;
  const PunctureField field = poisson_field(lambda, 40, 2, 4);
  const FieldAnalysis analysis = analyse_field(field, 0.01, lambda, 1);
  double sum = 0;
  for (double d : analysis.nearest_neighbour_mm) sum += d;
  const double mean = sum / analysis.nearest_neighbour_mm.size();
  EXPECT_NEAR(mean, random_mean_nearest_neighbour_mm(lambda * 100), 0.03 * mean);
}

// The fast paths against the definitions, computed the slow way on small fields: a random
// field, a pen-like one (stamps of a few needles 0.2 mm apart, most punctures in an earlier
// hole) and one thinner than its search grid.
struct BruteForceCase {
  const char* name;
  double density_per_mm2;
  double diameter_mm;
  bool pen_like;
};

PunctureField pen_like_field(double side_mm, double margin_mm, std::uint64_t seed) {
  PunctureField field;
  field.patch = {0, 0, side_mm, side_mm};
  field.window = {-margin_mm, -margin_mm, side_mm + margin_mm, side_mm + margin_mm};
  Rng rng(seed, 7);
  for (int pass = 0; pass < 4; ++pass)
    for (double lane = field.window.y0; lane < field.window.y1; lane += 1.5)
      for (double t = field.window.x0; t < field.window.x1; t += 0.2)
        for (int needle = 0; needle < 3; ++needle) {
          const double along = t + 0.02 * rng.normal(), across = lane + 0.5 * needle + 0.05 * rng.normal();
          const double x = pass % 2 ? across : along, y = pass % 2 ? along : across;
          if (!field.window.contains(x, y)) continue;
          field.x_mm.push_back(static_cast<float>(x));
          field.y_mm.push_back(static_cast<float>(y));
        }
  return field;
}

class BruteForce : public ::testing::TestWithParam<BruteForceCase> {};

TEST_P(BruteForce, AnalysisMatchesTheDefinitions) {
  const BruteForceCase c = GetParam();
  const PunctureField field = c.pen_like ? pen_like_field(6, 1, 11) : poisson_field(c.density_per_mm2, 6, 1, 12);
  const std::size_t n = field.size();
  ASSERT_GT(n, 10u);
  const FieldAnalysis analysis = analyse_field(field, c.diameter_mm, c.density_per_mm2, 5);
  auto d2 = [&](std::size_t a, double x, double y) {
    const double dx = field.x_mm[a] - x, dy = field.y_mm[a] - y;
    return dx * dx + dy * dy;
  };
  // Merging: each puncture joins the nearest earlier channel closer than the diameter.
  std::vector<std::uint8_t> founder(n, 0);
  std::vector<std::uint32_t> channel_of(n, 0);
  std::uint32_t channels = 0;
  for (std::size_t i = 0; i < n; ++i) {
    double best = c.diameter_mm * c.diameter_mm;
    std::size_t nearest = n;
    for (std::size_t j = 0; j < i; ++j)
      if (founder[j] && d2(j, field.x_mm[i], field.y_mm[i]) < best) {
        best = d2(j, field.x_mm[i], field.y_mm[i]);
        nearest = j;
      }
    founder[i] = nearest == n;
    channel_of[i] = nearest == n ? channels++ : channel_of[nearest];
  }
  EXPECT_EQ(analysis.founder, founder);
  EXPECT_EQ(analysis.channel_of, channel_of);
  // Nearest other channel of each channel in the patch, in the order made.
  std::vector<double> nearest_mm;
  for (std::size_t i = 0; i < n; ++i) {
    if (!founder[i] || !field.patch.contains(field.x_mm[i], field.y_mm[i])) continue;
    double best = std::numeric_limits<double>::infinity();
    for (std::size_t j = 0; j < n; ++j)
      if (j != i && founder[j]) best = std::min(best, d2(j, field.x_mm[i], field.y_mm[i]));
    nearest_mm.push_back(std::sqrt(best));
  }
  ASSERT_EQ(analysis.nearest_neighbour_mm.size(), nearest_mm.size());
  for (std::size_t k = 0; k < nearest_mm.size(); ++k)
    EXPECT_NEAR(analysis.nearest_neighbour_mm[k], nearest_mm[k], 1e-6) << "channel " << k;
  // Largest gap and punctured area on a fine raster of the patch (step s).
  const double s = 0.01;
  double gap_radius = 0, covered = 0, cells = 0;
  const double r2 = c.diameter_mm * c.diameter_mm / 4;
  for (double y = s / 2; y < field.patch.y1; y += s)
    for (double x = s / 2; x < field.patch.x1; x += s) {
      double best = std::numeric_limits<double>::infinity();
      for (std::size_t j = 0; j < n; ++j) best = std::min(best, d2(j, x, y));
      gap_radius = std::max(gap_radius, std::sqrt(best));
      covered += best < r2;
      ++cells;
    }
  EXPECT_NEAR(analysis.largest_gap_mm, 2 * gap_radius, 2 * (analysis.gap_resolution_mm + s));
  const double fraction = analysis.punctured_area_mm2 / (6.0 * 6.0);
  EXPECT_NEAR(fraction, covered / cells, 0.02 * covered / cells);
}

INSTANTIATE_TEST_SUITE_P(Fields, BruteForce,
                         ::testing::Values(BruteForceCase{"random", 20, 0.25, false},
                                           BruteForceCase{"pen_like", 40, 0.25, true},
                                           BruteForceCase{"sparse", 0.5, 0.07, false}),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace dermaplan::simulation
