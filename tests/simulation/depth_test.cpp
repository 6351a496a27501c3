// The depth model: the measured anchors, and depth classes moving the right way with needle
// length, pressure and region.
#include "simulation/depth_model.h"
#include "simulation/simulation.h"

#include <gtest/gtest.h>

namespace dermaplan::simulation {
namespace {

// Facial histology (selcuk, women) and the upper eyelid (chopra2015 epidermis, histology dermis).
const SkinLayers kCheek{{66, 121}, {1150, 1498}, 0.2, {"selcuk"}};
const SkinLayers kEyelid{{31, 71}, {469, 645}, 0.2, {"chopra2015"}};

SimulationResult run(double length_mm, Pressure pressure, const SkinLayers& skin) {
  SimulationInput input;
  input.device = RollerGeometry{192, 8, 20, 20, length_mm, 0.25, 0};
  input.technique.passes = 8;
  input.technique.directions = {Direction::horizontal, Direction::vertical,
                                Direction::diagonal_up, Direction::diagonal_down};
  input.technique.pressure = pressure;
  input.skin = skin;
  input.patch = {30, 30};
  return simulate(input);
}

TEST(DepthCurve, ReproducesTheMeasuredAnchors) {
  EXPECT_DOUBLE_EQ(depth_efficiency(0.77, Pressure::light).mean, 0.20);  // kalluri2011
  EXPECT_DOUBLE_EQ(depth_efficiency(0.60, Pressure::firm).mean, 0.77);   // gantrezoct
  for (double length : {0.25, 0.5, 0.6, 0.77, 0.9})                      // lam2008: < 50 %
    EXPECT_LT(depth_efficiency(length, Pressure::medium).mean, 0.5) << length;
}

TEST(DepthCurve, RisesWithLengthAndPressure) {
  for (double length = 0.2; length <= 3.0; length += 0.1) {
    const double light = depth_efficiency(length, Pressure::light).mean;
    const double medium = depth_efficiency(length, Pressure::medium).mean;
    const double firm = depth_efficiency(length, Pressure::firm).mean;
    EXPECT_LT(light, medium) << length;
    EXPECT_LT(medium, firm) << length;
    EXPECT_LE(firm, 1.0);
    EXPECT_LE(depth_efficiency(length, Pressure::medium).mean,
              depth_efficiency(length + 0.1, Pressure::medium).mean)
        << length;
  }
}

TEST(DepthClasses, GoDeeperWithNeedleLength) {
  double previous_reach = -1, previous_mean = -1;
  for (double length : {0.25, 0.5, 1.0, 1.5, 2.5}) {
    const SimulationResult r = run(length, Pressure::medium, kCheek);
    EXPECT_GE(r.dermis_reach_fraction, previous_reach) << length;
    EXPECT_GT(r.depth_um.mean, previous_mean) << length;
    previous_reach = r.dermis_reach_fraction;
    previous_mean = r.depth_um.mean;
  }
  // lima2013: 0.5 mm reaches the papillary dermis; 2.5 mm the reticular dermis.
  EXPECT_GT(run(0.5, Pressure::medium, kCheek).depth_class[DepthClass::papillary_dermis], 0.5);
  EXPECT_GT(run(2.5, Pressure::medium, kCheek).depth_class[DepthClass::reticular_dermis], 0.5);
}

TEST(DepthClasses, GoDeeperWithPressure) {
  const SimulationResult light = run(1.0, Pressure::light, kCheek);
  const SimulationResult medium = run(1.0, Pressure::medium, kCheek);
  const SimulationResult firm = run(1.0, Pressure::firm, kCheek);
  EXPECT_LT(light.depth_um.mean, medium.depth_um.mean);
  EXPECT_LT(medium.depth_um.mean, firm.depth_um.mean);
  EXPECT_LT(light.depth_class[DepthClass::reticular_dermis],
            medium.depth_class[DepthClass::reticular_dermis]);
  EXPECT_LT(medium.depth_class[DepthClass::reticular_dermis],
            firm.depth_class[DepthClass::reticular_dermis]);
  EXPECT_FALSE(run(0.25, Pressure::light, kCheek).bleeding_expected);
  EXPECT_TRUE(firm.bleeding_expected);
}

TEST(DepthClasses, ThinSkinIsPassedSooner) {
  const SimulationResult cheek = run(1.5, Pressure::medium, kCheek);
  const SimulationResult eyelid = run(1.5, Pressure::medium, kEyelid);
  EXPECT_EQ(cheek.depth_class[DepthClass::beyond_dermis], 0.0);
  EXPECT_GT(eyelid.depth_class[DepthClass::beyond_dermis], 0.5);
  EXPECT_TRUE(cheek.warnings.empty());
  // Firm pressure with 1.5 mm needles passes even the cheek's dermis in places, the eyelid's
  // nearly everywhere.
  const SimulationResult firm_cheek = run(1.5, Pressure::firm, kCheek);
  const SimulationResult firm_eyelid = run(1.5, Pressure::firm, kEyelid);
  EXPECT_GT(firm_cheek.depth_class[DepthClass::beyond_dermis], 0.0);
  EXPECT_GT(firm_eyelid.depth_class[DepthClass::beyond_dermis],
            firm_cheek.depth_class[DepthClass::beyond_dermis] + 0.5);
  EXPECT_FALSE(eyelid.warnings.empty());
  const SimulationResult shallow_cheek = run(0.25, Pressure::medium, kCheek);
  const SimulationResult shallow_eyelid = run(0.25, Pressure::medium, kEyelid);
  EXPECT_LT(shallow_eyelid.depth_class[DepthClass::epidermis],
            shallow_cheek.depth_class[DepthClass::epidermis]);
}

TEST(DepthClasses, SimulationAgreesWithTheIntegral) {
  for (double length : {0.25, 0.5, 1.0, 2.0}) {
    const SimulationResult r = run(length, Pressure::medium, kCheek);
    for (int c = 0; c < 4; ++c)
      EXPECT_NEAR(r.depth_class.fraction[c], r.depth_class_expected.fraction[c], 0.05)
          << "length " << length << " class " << c;
    EXPECT_NEAR(r.depth_um.mean, r.depth_expected_mean_um, 0.05 * r.depth_expected_mean_um);
  }
}

TEST(DepthSamples, NeverExceedTheNeedle) {
  Rng rng(3, 4);
  const DepthEfficiency steep{0.95, 0.5};
  for (int i = 0; i < 10000; ++i) {
    const double d = sample_depth_um(1.0, steep, rng);
    ASSERT_GE(d, 0);
    ASSERT_LE(d, 1000);
  }
}

}  // namespace
}  // namespace dermaplan::simulation
