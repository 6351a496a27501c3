// The knowledge base -> simulator mapping: which geometry a device has, which skin a region
// has (by sex), which pressure a region takes, which depth a pen is set to. The command line
// and the API both build their simulations here, so the same request gives the same result.
//
// Errors: InputError whose `where` names the request field ("/device", "/region",
// "/needle_length_mm", ...); the CLI maps them to its options.
#pragma once

#include "kb/knowledge_base.h"
#include "simulation/face.h"
#include "simulation/geometry.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dermaplan::clinic {

/// MODEL ASSUMPTIONS used when neither the knowledge base nor the request gives a value.
inline constexpr double kAssumedNeedleDiameterMm = 0.1;  //!< doddaballapur2009's standard roller
inline constexpr double kAssumedGlideSpeedMmS = 20;      //!< no source gives a glide speed
inline constexpr double kAssumedStrokeRateHz = 100;      //!< within prime2015's 50-150 stamps/s
inline constexpr int kAssumedPenNeedles = 12;            //!< a 12-needle cartridge (seed-004)

struct SimulationRequest {
  /// A knowledge-base device id; empty with no `geometry`: the knowledge base's default device.
  std::string device_id;
  /// A design not in the knowledge base (`--roller` / `--pen`); excludes device_id.
  std::optional<simulation::DeviceGeometry> geometry;
  std::string geometry_label;             //!< how to name `geometry` in reports
  std::optional<double> needle_length_mm; //!< a pen's depth (default: the region guide's maximum)
  std::string region_id;                  //!< required except for the whole face
  kb::Sex sex = kb::Sex::unknown;         //!< the region's skin for this sex where recorded
  std::optional<int> passes;              //!< default: the knowledge base's passes (maximum)
  std::vector<simulation::Direction> directions{simulation::Direction::horizontal, simulation::Direction::vertical,
                                                simulation::Direction::diagonal_up,
                                                simulation::Direction::diagonal_down};
  std::optional<simulation::Pressure> pressure;  //!< default: the region's, else medium
  std::optional<double> overlap;
  std::optional<double> glide_speed_mm_s;  //!< pens
  std::optional<double> stroke_rate_hz;    //!< pens (default: the middle of the device's range)
  std::optional<double> tip_diameter_mm;   //!< pens
  simulation::PenPattern pattern = simulation::PenPattern::lines;
  std::uint64_t seed = 1;
  simulation::Patch patch{20, 20};
};

struct SimulationSetup {
  simulation::SimulationInput input;
  const kb::Device* device = nullptr;  //!< null for a request's own geometry
  const kb::Region* region = nullptr;
  std::vector<std::string> notes;      //!< what was taken from the knowledge base or assumed
};

/// The simulator input for one region.
SimulationSetup simulation_setup(const kb::KnowledgeBase& kb, const SimulationRequest& request);

/// The most punctures one simulation asked for over HTTP may lay, estimated before it starts
/// (simulation::estimated_punctures): measured in bench/RESULTS.md. The command line is for
/// researchers' long runs and keeps only the simulator's memory guard (kMaxPunctures), but it
/// can be given this budget with --max-punctures.
inline constexpr double kInteractiveMaxPunctures = 1e6;

/// Throws ClinicError (bad input, code "simulation_too_large": HTTP 400, exit 2) when the
/// setup would lay more than `max_punctures`, saying the estimate, the limit and what to
/// reduce (where: "/passes"); `details` carries estimated_punctures and max_punctures.
void check_simulation_budget(const SimulationSetup& setup, double max_punctures);

struct FaceSetup {
  std::vector<simulation::FaceRegionPlan> regions;
  std::string device_label;
  simulation::Technique technique;
  std::vector<std::string> notes;
};

/// Every facial region with a known area, each with its skin, pressure and the needle length
/// its guide allows (rollers: the longest roller of the same build not over the guide's
/// maximum; pens: the guide's maximum within the pen's range). `region_id` is ignored.
FaceSetup face_setup(const kb::KnowledgeBase& kb, const SimulationRequest& request);

/// The region's skin layers for a sex (the sexes' combined ranges where none is recorded).
simulation::SkinLayers skin_layers(const kb::Region& region, kb::Sex sex);

simulation::Pressure simulation_pressure(kb::Pressure pressure);

}  // namespace dermaplan::clinic
