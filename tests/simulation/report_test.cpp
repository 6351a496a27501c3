// Titles and client-facing forms of simulation results: the sweep title names the swept range
// (never the base input's single value), and the density map handed to the HTTP API keeps the
// heat map's cells and their meaning.
#include "core/errors.h"
#include "simulation/report.h"
#include "simulation/simulation.h"
#include "simulation/sweep.h"

#include <gtest/gtest.h>

#include <numeric>

namespace dermaplan::simulation {
namespace {

SimulationInput base_input() {
  SimulationInput input;
  input.device_label = "dermaroller-192-1.5";
  input.region_label = "cheek";
  input.technique.passes = 5;  // what the CLI takes from the knowledge base when --passes is absent
  input.technique.directions = {Direction::horizontal, Direction::vertical, Direction::diagonal_up,
                                Direction::diagonal_down};
  return input;
}

TEST(SweepTitle, PassesSweepNamesTheRangeNotTheDefaultPassCount) {
  const std::string title = sweep_title(base_input(), {SweepParameter::passes, 1, 30, 1});
  EXPECT_EQ(title, "dermaroller-192-1.5 · 1 to 30 passes h,v,d1,d2, medium pressure · cheek · sweep of passes");
  EXPECT_EQ(title.find("5 passes"), std::string::npos) << title;
}

TEST(SweepTitle, PassesInStepsAndASinglePass) {
  EXPECT_EQ(sweep_title(base_input(), {SweepParameter::passes, 1, 28, 5}),
            "dermaroller-192-1.5 · 1 to 26 passes (step 5) h,v,d1,d2, medium pressure · cheek · sweep of passes");
  EXPECT_EQ(sweep_title(base_input(), {SweepParameter::passes, 1, 1, 1}),
            "dermaroller-192-1.5 · 1 pass h,v,d1,d2, medium pressure · cheek · sweep of passes");
}

TEST(SweepTitle, OverlapSweepReplacesTheBaseOverlap) {
  SimulationInput input = base_input();
  input.technique.overlap = 0.2;
  const std::string title = sweep_title(input, {SweepParameter::overlap, 0, 0.5, 0.1});
  EXPECT_EQ(title, "dermaroller-192-1.5 · 5 passes h,v,d1,d2, medium pressure, 0 to 50 % overlap (step 10 %) · "
                   "cheek · sweep of overlap");
  EXPECT_EQ(title.find("20 %"), std::string::npos) << title;
}

TEST(SweepTitle, LengthAndSpeedSweepsNameTheirRange) {
  EXPECT_EQ(sweep_title(base_input(), {SweepParameter::needle_length_mm, 0.25, 2.5, 0.25}),
            "dermaroller-192-1.5, needles 0.25 to 2.5 mm (step 0.25 mm) · 5 passes h,v,d1,d2, medium pressure · "
            "cheek · sweep of needle length");
  SimulationInput pen = base_input();
  pen.device = PenGeometry{};
  pen.device_label = "dermapen-4";
  EXPECT_EQ(sweep_title(pen, {SweepParameter::glide_speed_mm_s, 10, 50, 20}),
            "dermapen-4, glide 10 to 50 mm/s (step 20 mm/s) · 5 passes h,v,d1,d2, medium pressure · cheek · "
            "sweep of glide speed");
}

TEST(SweepTitle, RefusesTheRangesTheSweepRefuses) {
  EXPECT_THROW(sweep_title(base_input(), {SweepParameter::passes, 5, 1, 1}), InputError);
}

TEST(DensityMap, KeepsTheHeatMapCellsInPunctureDensity) {
  SimulationInput input = base_input();
  input.technique.passes = 4;
  input.patch = {12, 9};
  const SimulationResult r = simulate(input);
  const auto map = density_map_json(r.puncture_cells);
  ASSERT_EQ(map["width"], 12);
  ASSERT_EQ(map["height"], 9);
  EXPECT_EQ(map["cell_mm"], 1.0);
  const auto values = map["per_cm2"].get<std::vector<long long>>();
  ASSERT_EQ(values.size(), 12u * 9u);
  // Row-major from the patch origin, 100 per cm^2 per puncture in a 1 mm^2 cell.
  for (int iy = 0; iy < 9; ++iy)
    for (int ix = 0; ix < 12; ++ix)
      EXPECT_EQ(values[iy * 12 + ix], 100 * static_cast<long long>(r.puncture_cells.counts[iy * 12 + ix]));
  // A whole-mm patch is covered by whole cells: their mean is the reported density exactly.
  const double mean = std::accumulate(values.begin(), values.end(), 0.0) / values.size();
  EXPECT_NEAR(mean, r.density_per_cm2, 1e-9);
}

TEST(DensityMap, MergesCellsWhenThePatchIsWiderThanTheLimit) {
  CellCounts cells;
  cells.nx = 5;
  cells.ny = 4;
  cells.cell_mm = 1;
  cells.counts.assign(20, 0);
  for (std::size_t i = 0; i < cells.counts.size(); ++i) cells.counts[i] = static_cast<std::uint32_t>(i);
  const auto map = density_map_json(cells, 2);  // at most 2 cells a side: merge 3 x 3
  EXPECT_EQ(map["cell_mm"], 3.0);
  EXPECT_EQ(map["width"], 1);   // only whole merged cells: 5 / 3
  EXPECT_EQ(map["height"], 1);  // 4 / 3
  // counts 0+1+2 + 5+6+7 + 10+11+12 = 54 punctures over 9 mm^2 = 600 per cm^2
  EXPECT_EQ(map["per_cm2"], nlohmann::json::array({600}));
  const auto fine = density_map_json(cells, 64);
  EXPECT_EQ(fine["width"], 5);
  EXPECT_EQ(fine["per_cm2"][7], 700);
}

}  // namespace
}  // namespace dermaplan::simulation
