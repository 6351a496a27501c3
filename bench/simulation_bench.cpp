// Device simulator throughput: punctures generated and binned per second, one
// 2 x 2 cm patch with 15 roller passes, and a whole face with a standard plan. Single thread
// unless the benchmark says otherwise. Figures are recorded in bench/RESULTS.md.
#include "simulation/face.h"
#include "simulation/puncture_field.h"
#include "simulation/simulation.h"
#include "simulation/sweep.h"

#include <benchmark/benchmark.h>

#include <cmath>

namespace sim = dermaplan::simulation;

namespace {

const std::vector<sim::Direction> kAll{sim::Direction::horizontal, sim::Direction::vertical,
                                       sim::Direction::diagonal_up, sim::Direction::diagonal_down};

sim::SimulationInput classic_patch() {
  sim::SimulationInput input;  // 192-needle 2 x 2 cm roller, 1.5 mm
  input.technique.passes = 15;
  input.technique.directions = kAll;
  input.patch = {20, 20};
  return input;
}

/// The standard plan's face: every facial region, 192-needle roller, 5 passes h,v,d1,d2 (the
/// seed's "4 to 5 times ... horizontal, vertical and diagonal"), 0.5 mm on thin-skinned regions.
std::vector<sim::FaceRegionPlan> standard_face() {
  const char* ids[] = {"forehead", "glabella", "temple", "periorbital", "nose",
                       "cheek",    "perioral", "chin",   "jawline"};
  std::vector<sim::FaceRegionPlan> plan;
  for (const char* id : ids) {
    sim::FaceRegionPlan p;
    p.region_id = p.name = id;
    p.input.technique.passes = 5;
    p.input.technique.directions = kAll;
    const double side = std::sqrt(sim::face_region_area_cm2(id) * 100);
    p.input.patch = {side, side};
    const std::string region = id;
    const bool thin = region == "forehead" || region == "periorbital" || region == "nose" ||
                      region == "glabella" || region == "temple";
    p.input.device = sim::RollerGeometry{192, 8, 20, 20, thin ? 0.5 : 1.0, 0.1, 0};
    plan.push_back(p);
  }
  return plan;
}

/// Generation + binning only, on a large patch: the hot path's rate.
void BM_GenerateAndBin_Roller(benchmark::State& state) {
  sim::SimulationInput input = classic_patch();
  input.patch = {200, 200};
  std::size_t punctures = 0;
  for (auto _ : state) {
    const sim::PunctureField field = sim::lay_punctures(input, 2.0);
    const sim::CellCounts cells = sim::bin_punctures(field, 1.0);
    benchmark::DoNotOptimize(cells.counts.data());
    punctures += field.size();
  }
  state.counters["punctures_per_s"] =
      benchmark::Counter(static_cast<double>(punctures), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_GenerateAndBin_Roller)->Unit(benchmark::kMillisecond);

void BM_GenerateAndBin_Pen(benchmark::State& state) {
  sim::SimulationInput input;
  input.device = sim::PenGeometry{12, 100, 20, 5, 1.0, 0.25, sim::PenPattern::lines};
  input.technique.passes = 2;
  input.technique.directions = kAll;
  input.patch = {100, 100};
  std::size_t punctures = 0;
  for (auto _ : state) {
    const sim::PunctureField field = sim::lay_punctures(input, 2.0);
    const sim::CellCounts cells = sim::bin_punctures(field, 1.0);
    benchmark::DoNotOptimize(cells.counts.data());
    punctures += field.size();
  }
  state.counters["punctures_per_s"] =
      benchmark::Counter(static_cast<double>(punctures), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_GenerateAndBin_Pen)->Unit(benchmark::kMillisecond);

/// (a) The whole simulation of a 2 x 2 cm patch with 15 roller passes (all metrics).
void BM_Simulate_Patch2x2cm_15Passes(benchmark::State& state) {
  const sim::SimulationInput input = classic_patch();
  for (auto _ : state) benchmark::DoNotOptimize(sim::simulate(input).punctures);
}
BENCHMARK(BM_Simulate_Patch2x2cm_15Passes)->Unit(benchmark::kMillisecond);

/// (a') What POST /api/simulate computes in bench/server_load.sh: a 1 x 1 cm patch, a 12-needle
/// pen at 100 Hz and 20 mm/s, 1.0 mm, 4 passes h and v (pen stamps overlap heavily: about 4,600
/// punctures per cm^2, most of them in an earlier hole). Every iteration another seed.
void BM_Simulate_PenPatch1cm_4Passes(benchmark::State& state) {
  sim::SimulationInput input;
  input.device = sim::PenGeometry{12, 100, 20, 5, 1.0, 0.25, sim::PenPattern::lines};
  input.technique.passes = 4;
  input.technique.directions = {sim::Direction::horizontal, sim::Direction::vertical};
  input.patch = {10, 10};
  for (auto _ : state) {
    ++input.seed;
    benchmark::DoNotOptimize(sim::simulate(input).punctures);
  }
}
BENCHMARK(BM_Simulate_PenPatch1cm_4Passes)->Unit(benchmark::kMillisecond);

/// (b) The whole face with a standard plan, one thread.
void BM_Simulate_WholeFace_OneThread(benchmark::State& state) {
  const auto plan = standard_face();
  std::size_t punctures = 0;
  for (auto _ : state) {
    const auto regions = sim::simulate_face(plan, false);
    for (const auto& r : regions) punctures += r.result.punctures;
  }
  state.counters["punctures_per_s"] =
      benchmark::Counter(static_cast<double>(punctures), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Simulate_WholeFace_OneThread)->Unit(benchmark::kMillisecond);

/// A 30-point sweep of passes (2 x 2 cm), all cores.
void BM_Sweep_Passes1to30_AllCores(benchmark::State& state) {
  const sim::SimulationInput input = classic_patch();
  for (auto _ : state)
    benchmark::DoNotOptimize(sim::run_sweep(input, {sim::SweepParameter::passes, 1, 30, 1}).size());
}
BENCHMARK(BM_Sweep_Passes1to30_AllCores)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
