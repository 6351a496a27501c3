#include "simulation/face.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <cmath>

namespace dermaplan::simulation {

namespace {

// MODEL ASSUMPTION (no source): approximate adult facial-region areas, both sides together.
struct RegionArea {
  const char* region_id;
  double area_cm2;
};
constexpr RegionArea kFaceAreas[] = {
    {"forehead", 60}, {"glabella", 8},  {"temple", 20}, {"periorbital", 16}, {"nose", 20},
    {"cheek", 100},   {"perioral", 20}, {"chin", 15},   {"jawline", 30},
};

}  // namespace

double face_region_area_cm2(std::string_view region_id) {
  for (const auto& row : kFaceAreas)
    if (region_id == row.region_id) return row.area_cm2;
  return 0;
}

std::vector<FaceRegionResult> simulate_face(const std::vector<FaceRegionPlan>& plan, bool parallel) {
  std::vector<FaceRegionResult> out(plan.size());
  auto run = [&](std::size_t k) {
    SimulationInput input = plan[k].input;
    input.seed = plan[k].input.seed + k;
    out[k].region_id = plan[k].region_id;
    out[k].name = plan[k].name;
    out[k].result = simulate(input);
  };
  for (const auto& region : plan) validate(region.input);
  if (parallel) {
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, plan.size(), 1),
                      [&](const auto& range) {
                        for (std::size_t k = range.begin(); k != range.end(); ++k) run(k);
                      });
  } else {
    for (std::size_t k = 0; k < plan.size(); ++k) run(k);
  }
  return out;
}

FaceSummary summarise_face(const std::vector<FaceRegionResult>& regions) {
  FaceSummary s;
  for (const auto& r : regions) {
    s.area_cm2 += r.result.area_cm2;
    s.punctures += r.result.punctures;
    s.channels += r.result.channels;
    for (int c = 0; c < 4; ++c)
      s.depth_class.fraction[c] += r.result.depth_class.fraction[c] * r.result.channels;
  }
  if (s.channels)
    for (double& f : s.depth_class.fraction) f /= static_cast<double>(s.channels);
  return s;
}

}  // namespace dermaplan::simulation
