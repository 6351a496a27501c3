// Impossible inputs are rejected with an InputError naming the field.
#include "core/errors.h"
#include "simulation/simulation.h"

#include <gtest/gtest.h>

#include <functional>
#include <limits>

namespace dermaplan::simulation {
namespace {

struct BadInput {
  const char* name;
  std::function<void(SimulationInput&)> spoil;
  const char* where;
};

RollerGeometry& roller(SimulationInput& in) { return std::get<RollerGeometry>(in.device); }
PenGeometry& pen(SimulationInput& in) {
  if (!std::holds_alternative<PenGeometry>(in.device)) in.device = PenGeometry{};
  return std::get<PenGeometry>(in.device);
}

const BadInput kBadInputs[] = {
    {"zero_needles", [](auto& in) { roller(in).needles = 0; }, "roller.needles"},
    {"more_rings_than_needles", [](auto& in) { roller(in).rings = 300; }, "roller.rings"},
    {"zero_drum_diameter", [](auto& in) { roller(in).drum_diameter_mm = 0; }, "roller.drum_diameter_mm"},
    {"negative_drum_width", [](auto& in) { roller(in).drum_width_mm = -20; }, "roller.drum_width_mm"},
    {"nan_length", [](auto& in) { roller(in).needle_length_mm = std::numeric_limits<double>::quiet_NaN(); }, "roller.needle_length_mm"},
    {"ten_mm_needles", [](auto& in) { roller(in).needle_length_mm = 10; }, "roller.needle_length_mm"},
    {"zero_diameter", [](auto& in) { roller(in).needle_diameter_mm = 0; }, "roller.needle_diameter_mm"},
    {"pen_zero_rate", [](auto& in) { pen(in).stroke_rate_hz = 0; }, "pen.stroke_rate_hz"},
    {"pen_negative_speed", [](auto& in) { pen(in).glide_speed_mm_s = -5; }, "pen.glide_speed_mm_s"},
    {"pen_zero_tip", [](auto& in) { pen(in).tip_diameter_mm = 0; }, "pen.tip_diameter_mm"},
    {"zero_passes", [](auto& in) { in.technique.passes = 0; }, "technique.passes"},
    {"absurd_passes", [](auto& in) { in.technique.passes = 5000; }, "technique.passes"},
    {"no_directions", [](auto& in) { in.technique.directions.clear(); }, "technique.directions"},
    {"full_overlap", [](auto& in) { in.technique.overlap = 1.0; }, "technique.overlap"},
    {"inverted_epidermis", [](auto& in) { in.skin.epidermis_um = {100, 50}; }, "skin.epidermis_um"},
    {"zero_dermis", [](auto& in) { in.skin.dermis_um = {0, 0}; }, "skin.dermis_um"},
    {"zero_patch", [](auto& in) { in.patch.width_mm = 0; }, "patch"},
    {"huge_patch", [](auto& in) { in.patch = {1000, 1000}; }, "patch"},
    {"too_many_punctures", [](auto& in) { in.patch = {400, 400}; in.technique.passes = 1000; }, "patch"},
};

void PrintTo(const BadInput& input, std::ostream* os) { *os << input.name; }

class RejectsBadInput : public ::testing::TestWithParam<BadInput> {};

TEST_P(RejectsBadInput, WithTheFieldName) {
  SimulationInput input;
  GetParam().spoil(input);
  try {
    simulate(input);
    FAIL() << "accepted " << GetParam().name;
  } catch (const InputError& e) {
    EXPECT_EQ(e.where(), GetParam().where);
    EXPECT_NE(std::string(e.what()).find(GetParam().where), std::string::npos);
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, RejectsBadInput, ::testing::ValuesIn(kBadInputs),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(AcceptsGoodInput, DefaultsAndLimits) {
  SimulationInput input;
  EXPECT_NO_THROW(validate(input));
  input.technique.passes = 1000;
  input.patch = {10, 10};
  EXPECT_NO_THROW(validate(input));
  input.device = PenGeometry{};
  input.technique.passes = 1;
  EXPECT_NO_THROW(validate(input));
}

}  // namespace
}  // namespace dermaplan::simulation
