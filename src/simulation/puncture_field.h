// Where the needles land: lays the punctures of a device and technique over a skin window,
// and bins them into square cells. This is the hot path (tens of millions of punctures/s).
#pragma once

#include "simulation/geometry.h"

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <vector>

namespace dermaplan::simulation {

/// An axis-aligned rectangle in mm.
struct RectMm {
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  double width() const { return x1 - x0; }
  double height() const { return y1 - y0; }
  bool contains(double x, double y) const { return x >= x0 && x < x1 && y >= y0 && y < y1; }
};

/// The punctures of one treatment, in the order the needles made them.
/// `patch` is the measured window [0, width] x [0, height]; `window` is the patch plus a margin
/// where punctures are also laid (so that gaps and merges at the patch edge are not artefacts).
struct PunctureField {
  RectMm patch;
  RectMm window;
  std::vector<float> x_mm;
  std::vector<float> y_mm;

  std::size_t size() const { return x_mm.size(); }
};

/// Asked between steps of a simulation; true ends it (the caller no longer wants the answer,
/// e.g. an HTTP client that disconnected). Empty: never stop.
using StopRequested = std::function<bool()>;

/// Thrown when a StopRequested said stop: nothing of the simulation is returned.
struct SimulationStopped : std::runtime_error {
  SimulationStopped() : std::runtime_error("the simulation was stopped before it finished") {}
};

/// Lays down every pass of input.technique with input.device over input.patch plus margin_mm.
/// Pass k draws from random stream k of input.seed, so the field depends on the seed only.
/// `stop` is asked before each pass (SimulationStopped). Preconditions: validate(input) passed
/// (see simulation.h).
PunctureField lay_punctures(const SimulationInput& input, double margin_mm,
                            const StopRequested& stop = {});

/// Puncture counts on a grid of square cells covering the patch from its origin; only whole
/// cells are kept (nx = floor(width / cell_mm)). counts[iy * nx + ix].
struct CellCounts {
  int nx = 0;
  int ny = 0;
  double cell_mm = 1;
  std::vector<std::uint32_t> counts;
};

/// Bins the punctures selected by `keep` (all when empty) into cells of cell_mm.
CellCounts bin_punctures(const PunctureField& field, double cell_mm,
                         const std::vector<std::uint8_t>& keep = {});

/// Needle offsets from the pen tip's centre: a sunflower (Vogel) layout filling the tip.
std::vector<std::pair<double, double>> pen_needle_offsets_mm(const PenGeometry& pen);

}  // namespace dermaplan::simulation
