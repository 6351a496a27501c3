#include "simulation/field_analysis.h"

#include "simulation/random.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <numbers>

namespace dermaplan::simulation {

namespace {

constexpr double kPi = std::numbers::pi;

/// Punctures bucketed into square cells (CSR); within a cell, indices ascend (order made).
struct SpatialGrid {
  double x0 = 0, y0 = 0, cell = 1;
  int nx = 1, ny = 1;
  std::vector<std::uint32_t> start;
  std::vector<std::uint32_t> items;
  std::vector<std::uint32_t> cell_of;

  int col(double x) const { return std::clamp(static_cast<int>((x - x0) / cell), 0, nx - 1); }
  int row(double y) const { return std::clamp(static_cast<int>((y - y0) / cell), 0, ny - 1); }
};

SpatialGrid build_grid(const PunctureField& field, double cell_mm) {
  SpatialGrid grid;
  const std::size_t n = field.size();
  // Keep the cell count proportionate to the punctures.
  const double area = field.window.width() * field.window.height();
  const double max_cells = 4.0 * static_cast<double>(n) + 4096;
  cell_mm = std::max(cell_mm, std::sqrt(area / max_cells));
  grid.x0 = field.window.x0;
  grid.y0 = field.window.y0;
  grid.cell = cell_mm;
  grid.nx = std::max(1, static_cast<int>(std::ceil(field.window.width() / cell_mm)));
  grid.ny = std::max(1, static_cast<int>(std::ceil(field.window.height() / cell_mm)));
  const std::size_t cells = static_cast<std::size_t>(grid.nx) * grid.ny;
  grid.start.assign(cells + 1, 0);
  grid.cell_of.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto c = static_cast<std::uint32_t>(grid.row(field.y_mm[i]) * grid.nx +
                                              grid.col(field.x_mm[i]));
    grid.cell_of[i] = c;
    ++grid.start[c + 1];
  }
  for (std::size_t c = 0; c < cells; ++c) grid.start[c + 1] += grid.start[c];
  grid.items.resize(n);
  std::vector<std::uint32_t> fill(grid.start.begin(), grid.start.end() - 1);
  for (std::size_t i = 0; i < n; ++i) grid.items[fill[grid.cell_of[i]]++] = static_cast<std::uint32_t>(i);
  return grid;
}

/// Greedy merging in the order made, and the union area of the holes by exact accounting for
/// isolated holes plus 32 stratified probes for holes that overlap earlier ones.
void merge_and_cover(const PunctureField& field, const SpatialGrid& grid, double diameter,
                     std::uint64_t seed, const StopRequested& stop, FieldAnalysis& out) {
  const std::size_t n = field.size();
  out.founder.assign(n, 0);
  out.channel_of.assign(n, 0);
  const double d2_merge = diameter * diameter;
  const double radius = diameter / 2, r2 = radius * radius;
  const double disc_area = kPi * r2;
  const RectMm& patch = field.patch;
  Rng rng(seed, 0xC0FEull);
  constexpr int kProbes = 32;
  constexpr int kMaxOverlaps = 256;
  // Probe p sits at angle rotation + p * golden_angle: the offsets' cos and sin are the same
  // for every hole, so each hole needs one sincos (of its rotation) instead of one per probe.
  const double golden_angle = kPi * (3 - std::sqrt(5.0));
  double probe_cos[kProbes], probe_sin[kProbes];
  for (int p = 0; p < kProbes; ++p) {
    probe_cos[p] = std::cos(p * golden_angle);
    probe_sin[p] = std::sin(p * golden_angle);
  }
  constexpr std::size_t kStopCheckEvery = 1 << 16;
  std::uint32_t overlaps[kMaxOverlaps];
  std::uint32_t channels = 0;
  double area = 0;
  const float* xs = field.x_mm.data();
  const float* ys = field.y_mm.data();
  for (std::size_t i = 0; i < n; ++i) {
    if (stop && i % kStopCheckEvery == kStopCheckEvery - 1 && stop()) throw SimulationStopped();
    const double xi = xs[i], yi = ys[i];
    const int cx = static_cast<int>(grid.cell_of[i] % grid.nx);
    const int cy = static_cast<int>(grid.cell_of[i] / grid.nx);
    int nearest = -1;
    double nearest_d2 = d2_merge;
    int overlap_count = 0;
    for (int gy = std::max(0, cy - 1); gy <= std::min(grid.ny - 1, cy + 1); ++gy) {
      for (int gx = std::max(0, cx - 1); gx <= std::min(grid.nx - 1, cx + 1); ++gx) {
        const std::size_t c = static_cast<std::size_t>(gy) * grid.nx + gx;
        for (std::uint32_t k = grid.start[c]; k < grid.start[c + 1]; ++k) {
          const std::uint32_t j = grid.items[k];
          if (j >= i) break;
          const double dx = xs[j] - xi, dy = ys[j] - yi;
          const double d2 = dx * dx + dy * dy;
          if (d2 >= d2_merge) continue;
          if (out.founder[j] && d2 < nearest_d2) {
            nearest_d2 = d2;
            nearest = static_cast<int>(j);
          }
          if (overlap_count < kMaxOverlaps) overlaps[overlap_count++] = j;
        }
      }
    }
    if (nearest >= 0) {
      out.channel_of[i] = out.channel_of[static_cast<std::size_t>(nearest)];
    } else {
      out.founder[i] = 1;
      out.channel_of[i] = channels++;
    }
    // Coverage: the part of this hole inside the patch not already inside an earlier hole.
    if (xi + radius <= patch.x0 || xi - radius >= patch.x1 || yi + radius <= patch.y0 ||
        yi - radius >= patch.y1)
      continue;
    const bool inside = xi - radius >= patch.x0 && xi + radius <= patch.x1 &&
                        yi - radius >= patch.y0 && yi + radius <= patch.y1;
    if (inside && overlap_count == 0) {
      area += disc_area;
      continue;
    }
    const double jitter = rng.uniform();
    const double rotation = 2 * kPi * rng.uniform();
    const double rot_cos = std::cos(rotation), rot_sin = std::sin(rotation);
    // The probes inside the patch (the others count neither way), as a bit mask; then each
    // earlier hole clears the probes it covers, until none is left: the same probes end up
    // uncovered as by testing every probe against the holes in turn, with far fewer tests when
    // the hole lies in earlier ones (a pen's repeated stamps).
    double px[kProbes], py[kProbes];
    std::uint32_t open = 0;
    for (int p = 0; p < kProbes; ++p) {
      const double rr = radius * std::sqrt((p + jitter) / kProbes);
      // cos and sin of (rotation + p * golden_angle) by the angle-sum identities.
      const double c = rot_cos * probe_cos[p] - rot_sin * probe_sin[p];
      const double s = rot_sin * probe_cos[p] + rot_cos * probe_sin[p];
      px[p] = xi + rr * c;
      py[p] = yi + rr * s;
      if (patch.contains(px[p], py[p])) open |= 1u << p;
    }
    for (int o = 0; o < overlap_count && open != 0; ++o) {
      const double ox = xs[overlaps[o]], oy = ys[overlaps[o]];
      std::uint32_t covered = 0;
      for (int p = 0; p < kProbes; ++p) {
        const double dx = ox - px[p], dy = oy - py[p];
        covered |= static_cast<std::uint32_t>(dx * dx + dy * dy < r2) << p;
      }
      open &= ~covered;
    }
    const int uncovered = std::popcount(open);
    area += disc_area * uncovered / kProbes;
  }
  out.channel_count = channels;
  out.punctured_area_mm2 = area;
}

/// Nearest other channel for every channel opened inside the patch (ring search on the grid).
void nearest_neighbours(const PunctureField& field, const SpatialGrid& grid, FieldAnalysis& out) {
  const std::size_t n = field.size();
  const int max_ring = std::max(grid.nx, grid.ny);
  for (std::size_t i = 0; i < n; ++i) {
    if (!out.founder[i] || !field.patch.contains(field.x_mm[i], field.y_mm[i])) continue;
    const double xi = field.x_mm[i], yi = field.y_mm[i];
    const int cx = static_cast<int>(grid.cell_of[i] % grid.nx);
    const int cy = static_cast<int>(grid.cell_of[i] / grid.nx);
    double best2 = std::numeric_limits<double>::infinity();
    for (int ring = 0; ring <= max_ring; ++ring) {
      for (int gy = cy - ring; gy <= cy + ring; ++gy) {
        if (gy < 0 || gy >= grid.ny) continue;
        const bool edge_row = gy == cy - ring || gy == cy + ring;
        const int step = edge_row ? 1 : 2 * ring;
        for (int gx = cx - ring; gx <= cx + ring; gx += std::max(1, step)) {
          if (gx < 0 || gx >= grid.nx) continue;
          const std::size_t c = static_cast<std::size_t>(gy) * grid.nx + gx;
          for (std::uint32_t k = grid.start[c]; k < grid.start[c + 1]; ++k) {
            const std::uint32_t j = grid.items[k];
            if (j == i || !out.founder[j]) continue;
            const double dx = field.x_mm[j] - xi, dy = field.y_mm[j] - yi;
            best2 = std::min(best2, dx * dx + dy * dy);
          }
        }
      }
      const double reach = ring * grid.cell;
      if (best2 <= reach * reach) break;
    }
    if (std::isfinite(best2)) out.nearest_neighbour_mm.push_back(std::sqrt(best2));
  }
}

/// 1-D squared distance transform (Felzenszwalb & Huttenlocher) of f into d.
void distance_transform_1d(const double* f, int n, double* d, int* v, double* z) {
  int k = 0;
  v[0] = 0;
  z[0] = -std::numeric_limits<double>::infinity();
  z[1] = std::numeric_limits<double>::infinity();
  for (int q = 1; q < n; ++q) {
    double s = ((f[q] + double(q) * q) - (f[v[k]] + double(v[k]) * v[k])) / (2.0 * (q - v[k]));
    while (s <= z[k]) {  // z[0] = -inf stops this at k = 0
      --k;
      s = ((f[q] + double(q) * q) - (f[v[k]] + double(v[k]) * v[k])) / (2.0 * (q - v[k]));
    }
    ++k;
    v[k] = q;
    z[k] = s;
    z[k + 1] = std::numeric_limits<double>::infinity();
  }
  k = 0;
  for (int q = 0; q < n; ++q) {
    while (z[k + 1] < q) ++k;
    const double dq = q - v[k];
    d[q] = dq * dq + f[v[k]];
  }
}

/// Squared distance from (px, py) to the nearest puncture (ring search; infinity if none).
double nearest_puncture_d2(const PunctureField& field, const SpatialGrid& grid, double px,
                           double py) {
  const int cx = grid.col(px), cy = grid.row(py);
  const int max_ring = std::max(grid.nx, grid.ny);
  double best2 = std::numeric_limits<double>::infinity();
  for (int ring = 0; ring <= max_ring; ++ring) {
    for (int gy = cy - ring; gy <= cy + ring; ++gy) {
      if (gy < 0 || gy >= grid.ny) continue;
      const bool edge_row = gy == cy - ring || gy == cy + ring;
      const int step = edge_row ? 1 : std::max(1, 2 * ring);
      for (int gx = cx - ring; gx <= cx + ring; gx += step) {
        if (gx < 0 || gx >= grid.nx) continue;
        const std::size_t c = static_cast<std::size_t>(gy) * grid.nx + gx;
        for (std::uint32_t k = grid.start[c]; k < grid.start[c + 1]; ++k) {
          const std::uint32_t j = grid.items[k];
          const double dx = field.x_mm[j] - px, dy = field.y_mm[j] - py;
          best2 = std::min(best2, dx * dx + dy * dy);
        }
      }
    }
    const double reach = ring * grid.cell;
    if (best2 <= reach * reach) break;
  }
  return best2;
}

/// Largest empty disc centred in the patch: a coarse distance transform on a raster finds the candidate cells, then exact distances on an 8 x 8 sub-grid of each
/// candidate refine the maximum.
void largest_gap(const PunctureField& field, const SpatialGrid& index, double spacing_mm,
                 FieldAnalysis& out) {
  const RectMm& w = field.window;
  // About 2 raster cells per mean spacing, at most 250k cells; exact refinement follows.
  const double h = std::max({0.02, spacing_mm / 2, std::sqrt(w.width() * w.height() / 250000.0)});
  const int nx = std::max(1, static_cast<int>(std::ceil(w.width() / h)));
  const int ny = std::max(1, static_cast<int>(std::ceil(w.height() / h)));
  constexpr int kSub = 8;
  out.gap_resolution_mm = h / kSub;
  if (field.size() == 0) {
    out.largest_gap_mm = std::nan("");
    return;
  }
  constexpr double kFar = 1e12;  // > any squared distance in cells, small enough to stay exact
  std::vector<double> grid(static_cast<std::size_t>(nx) * ny, kFar);
  for (std::size_t i = 0; i < field.size(); ++i) {
    const int ix = std::clamp(static_cast<int>((field.x_mm[i] - w.x0) / h), 0, nx - 1);
    const int iy = std::clamp(static_cast<int>((field.y_mm[i] - w.y0) / h), 0, ny - 1);
    grid[static_cast<std::size_t>(iy) * nx + ix] = 0;
  }
  const int longest = std::max(nx, ny);
  std::vector<double> f(longest), d(longest), z(longest + 1);
  std::vector<int> v(longest);
  for (int x = 0; x < nx; ++x) {  // columns
    for (int y = 0; y < ny; ++y) f[y] = grid[static_cast<std::size_t>(y) * nx + x];
    distance_transform_1d(f.data(), ny, d.data(), v.data(), z.data());
    for (int y = 0; y < ny; ++y) grid[static_cast<std::size_t>(y) * nx + x] = d[y];
  }
  for (int y = 0; y < ny; ++y) {  // rows
    double* row = grid.data() + static_cast<std::size_t>(y) * nx;
    std::copy(row, row + nx, f.begin());
    distance_transform_1d(f.data(), nx, row, v.data(), z.data());
  }
  // The raster distance is within sqrt(2) cells of the true distance at any point of a cell
  // (site and evaluation point each move by at most half a cell diagonal). Branch and bound:
  // visit cells by decreasing raster distance, refine each by quadrants with exact distances
  // while its upper bound (exact at the centre + half diagonal) beats the best found.
  const RectMm& patch = field.patch;
  auto overlaps_patch = [&](int x, int y) {
    const double x0 = w.x0 + x * h, y0 = w.y0 + y * h;
    return !(x0 + h <= patch.x0 || x0 >= patch.x1 || y0 + h <= patch.y0 || y0 >= patch.y1);
  };
  double coarse_max = 0;
  int max_x = 0, max_y = 0;
  for (int y = 0; y < ny; ++y)
    for (int x = 0; x < nx; ++x) {
      const double dist = grid[static_cast<std::size_t>(y) * nx + x];
      if (dist > coarse_max && overlaps_patch(x, y)) {
        coarse_max = dist;
        max_x = x;
        max_y = y;
      }
    }
  coarse_max = std::sqrt(coarse_max);
  const double slack = std::sqrt(2.0);
  const double tolerance = h / kSub;
  double best = 0;
  auto refine = [&](auto&& self, double cx, double cy, double half) -> void {
    if (cx + half <= patch.x0 || cx - half >= patch.x1 || cy + half <= patch.y0 ||
        cy - half >= patch.y1)
      return;
    const double centre = std::sqrt(nearest_puncture_d2(field, index, cx, cy));
    if (patch.contains(cx, cy)) best = std::max(best, centre);
    if (centre + half * slack <= best + tolerance || half < tolerance / 2) return;
    const double q = half / 2;
    self(self, cx - q, cy - q, q);
    self(self, cx + q, cy - q, q);
    self(self, cx - q, cy + q, q);
    self(self, cx + q, cy + q, q);
  };
  // Seed the bound at the raster maximum, then visit every cell that could still beat it.
  refine(refine, w.x0 + (max_x + 0.5) * h, w.y0 + (max_y + 0.5) * h, h / 2);
  const double cut = coarse_max - 2 * slack;
  for (int y = 0; y < ny; ++y)
    for (int x = 0; x < nx; ++x) {
      const double dist = std::sqrt(grid[static_cast<std::size_t>(y) * nx + x]);
      if (dist < cut || (dist + slack) * h <= best + tolerance || !overlaps_patch(x, y)) continue;
      refine(refine, w.x0 + (x + 0.5) * h, w.y0 + (y + 0.5) * h, h / 2);
    }
  const double best2 = best * best;
  out.largest_gap_mm = 2 * std::sqrt(best2);
}

}  // namespace

FieldAnalysis analyse_field(const PunctureField& field, double needle_diameter_mm,
                            double density_hint_per_mm2, std::uint64_t seed, const StopRequested& stop) {
  FieldAnalysis out;
  const double spacing = density_hint_per_mm2 > 0 ? 1 / std::sqrt(density_hint_per_mm2) : 1.0;
  const SpatialGrid grid = build_grid(field, std::max(needle_diameter_mm, spacing));
  merge_and_cover(field, grid, needle_diameter_mm, seed, stop, out);
  if (stop && stop()) throw SimulationStopped();
  nearest_neighbours(field, grid, out);
  largest_gap(field, grid, spacing, out);
  return out;
}

}  // namespace dermaplan::simulation
