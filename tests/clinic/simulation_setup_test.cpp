#include "clinic/simulation_setup.h"

#include <gtest/gtest.h>

#include "core/errors.h"
#include "test_support.h"

namespace dermaplan::clinic {
namespace {

namespace sim = dermaplan::simulation;

TEST(SimulationSetup, TakesTheRegionsPressureAndTheSkinOfTheSex) {
  const auto& kb = testing::bundled_kb();
  SimulationRequest request;
  request.device_id = "dermaroller-192-0.5";
  request.region_id = "forehead";
  request.passes = 4;
  const kb::Region& forehead = *kb.find_region("forehead");
  ASSERT_TRUE(forehead.pressure.has_value()) << "the case needs a region with a pressure";
  const auto setup = simulation_setup(kb, request);
  EXPECT_EQ(setup.input.technique.pressure, simulation_pressure(*forehead.pressure));

  request.pressure = sim::Pressure::firm;
  EXPECT_EQ(simulation_setup(kb, request).input.technique.pressure, sim::Pressure::firm) << "the request wins";

  request.sex = kb::Sex::male;
  const auto male = simulation_setup(kb, request).input.skin;
  const auto& dermis = forehead.dermis_um.for_sex(kb::Sex::male);
  EXPECT_DOUBLE_EQ(male.dermis_um.min_um, dermis.min_um);
  EXPECT_DOUBLE_EQ(male.dermis_um.max_um, dermis.max_um);
}

TEST(SimulationSetup, APensStrokeRateIsTheMiddleOfItsRange) {
  const auto& kb = testing::bundled_kb();
  const kb::Device* pen = nullptr;
  for (const auto& d : kb.devices)
    if (d.kind == kb::DeviceKind::pen && d.stroke_rate_hz && d.stroke_rate_hz->min_mm < d.stroke_rate_hz->max_mm)
      pen = &d;
  ASSERT_NE(pen, nullptr) << "the knowledge base needs a pen with a stroke-rate range";
  SimulationRequest request;
  request.device_id = pen->id;
  request.region_id = "cheek";
  const auto setup = simulation_setup(kb, request);
  const auto& geometry = std::get<sim::PenGeometry>(setup.input.device);
  EXPECT_DOUBLE_EQ(geometry.stroke_rate_hz, (pen->stroke_rate_hz->min_mm + pen->stroke_rate_hz->max_mm) / 2);
  EXPECT_TRUE(pen->offers_length(geometry.needle_length_mm)) << "the depth is one the pen can be set to";
}

TEST(SimulationSetup, BadFieldsAreNamed) {
  const auto& kb = testing::bundled_kb();
  auto where = [&](SimulationRequest r) {
    try {
      simulation_setup(kb, r);
      return std::string("accepted");
    } catch (const InputError& e) {
      return e.where();
    }
  };
  SimulationRequest r;
  r.device_id = "dermaroller-192-0.5";
  r.region_id = "cheek";
  EXPECT_EQ(where(r), "accepted");
  auto unknown_region = r;
  unknown_region.region_id = "elbow";
  EXPECT_EQ(where(unknown_region), "/region");
  auto unknown_device = r;
  unknown_device.device_id = "roller-9000";
  EXPECT_EQ(where(unknown_device), "/device");
  auto wrong_length = r;
  wrong_length.needle_length_mm = 1.5;
  EXPECT_EQ(where(wrong_length), "/needle_length_mm") << "a fixed roller has one length";
  auto no_directions = r;
  no_directions.directions.clear();
  EXPECT_EQ(where(no_directions), "/directions");
}

}  // namespace
}  // namespace dermaplan::clinic
