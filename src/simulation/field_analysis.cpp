#include "simulation/field_analysis.h"

#include "simulation/random.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace dermaplan::simulation {

namespace {

constexpr double kPi = std::numbers::pi;

/// Punctures bucketed into square cells (CSR); within a cell, indices ascend (order made).
/// The cells of a row are adjacent in `items`, and `xs`, `ys` hold the items' coordinates in
/// the same order, so a search reads a row of cells as one run of memory.
struct SpatialGrid {
  double x0 = 0, y0 = 0, cell = 1;
  int nx = 1, ny = 1;
  std::vector<std::uint32_t> start;
  std::vector<std::uint32_t> items;
  std::vector<float> xs, ys;
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
  grid.xs.resize(n);
  grid.ys.resize(n);
  for (std::size_t k = 0; k < n; ++k) {
    grid.xs[k] = field.x_mm[grid.items[k]];
    grid.ys[k] = field.y_mm[grid.items[k]];
  }
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
  // Probe p sits at angle rotation + p * golden_angle and radius sqrt((p + jitter) / kProbes):
  // the offsets' cos and sin are the same for every hole, so each hole needs only its
  // rotation's. The probes are tested in float, kProbes at a time (the
  // loops below are written for the compiler to vectorise): positions are floats already, and
  // a probe is a Monte Carlo sample of the hole, so float's 1e-7 relative error is far below
  // the estimate's own.
  const double golden_angle = kPi * (3 - std::sqrt(5.0));
  alignas(32) float probe_cos[kProbes], probe_sin[kProbes], probe_rank[kProbes];
  for (int p = 0; p < kProbes; ++p) {
    probe_cos[p] = static_cast<float>(std::cos(p * golden_angle));
    probe_sin[p] = static_cast<float>(std::sin(p * golden_angle));
    probe_rank[p] = static_cast<float>(p);
  }
  const auto radius_f = static_cast<float>(radius), r2_f = static_cast<float>(r2);
  const auto patch_x0 = static_cast<float>(patch.x0), patch_x1 = static_cast<float>(patch.x1);
  const auto patch_y0 = static_cast<float>(patch.y0), patch_y1 = static_cast<float>(patch.y1);
  constexpr std::size_t kStopCheckEvery = 1 << 16;
  std::uint32_t overlaps[kMaxOverlaps + 1];  // one past the end: written, never counted
  std::uint32_t channels = 0;
  double area = 0;
  const float* xs = field.x_mm.data();
  const float* ys = field.y_mm.data();
  for (std::size_t i = 0; i < n; ++i) {
    if (stop && i % kStopCheckEvery == kStopCheckEvery - 1 && stop()) throw SimulationStopped();
    const double xi = xs[i], yi = ys[i];
    const int cx = static_cast<int>(grid.cell_of[i] % grid.nx);
    const int cy = static_cast<int>(grid.cell_of[i] / grid.nx);
    // The earlier punctures within one diameter: without branches on the distances (which
    // fall either way at random), over each row of the 3 x 3 cells as one run.
    int nearest = -1;
    double nearest_d2 = d2_merge;
    int overlap_count = 0;
    const int x_lo = std::max(0, cx - 1), x_hi = std::min(grid.nx - 1, cx + 1);
    for (int gy = std::max(0, cy - 1); gy <= std::min(grid.ny - 1, cy + 1); ++gy) {
      const std::size_t row = static_cast<std::size_t>(gy) * grid.nx;
      const std::uint32_t k_end = grid.start[row + x_hi + 1];
      for (std::uint32_t k = grid.start[row + x_lo]; k < k_end; ++k) {
        const std::uint32_t j = grid.items[k];
        const double dx = grid.xs[k] - xi, dy = grid.ys[k] - yi;
        const double d2 = dx * dx + dy * dy;
        const bool overlapping = (j < i) & (d2 < d2_merge);
        overlaps[overlap_count] = j;
        overlap_count += overlapping & (overlap_count < kMaxOverlaps);
        const bool nearer = overlapping & (out.founder[j] != 0) & (d2 < nearest_d2);
        nearest = nearer ? static_cast<int>(j) : nearest;
        nearest_d2 = nearer ? d2 : nearest_d2;
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
    const auto jitter = static_cast<float>(rng.uniform());
    // A uniform rotation as a unit vector: the direction of a uniform point in the unit disc
    // (cheaper than a sincos; 1.27 draws on average).
    double u, v, norm2;
    do {
      u = 2 * rng.uniform() - 1;
      v = 2 * rng.uniform() - 1;
      norm2 = u * u + v * v;
    } while (norm2 > 1 || norm2 < 1e-12);
    const double inverse_norm = 1 / std::sqrt(norm2);
    const auto rot_cos = static_cast<float>(u * inverse_norm);
    const auto rot_sin = static_cast<float>(v * inverse_norm);
    // The probes inside the patch (the others count neither way) are open (all bits set); each
    // earlier hole closes the probes it covers, until none is left: the same probes end up
    // open as by testing every probe against the holes in turn, with far fewer tests when the
    // hole lies in earlier ones (a pen's repeated stamps).
    alignas(32) float px[kProbes], py[kProbes];
    alignas(32) std::int32_t open[kProbes];
    const float xf = xs[i], yf = ys[i];
    for (int p = 0; p < kProbes; ++p) {
      const float rr = radius_f * std::sqrt((probe_rank[p] + jitter) * (1.0f / kProbes));
      // cos and sin of (rotation + p * golden_angle) by the angle-sum identities.
      const float c = rot_cos * probe_cos[p] - rot_sin * probe_sin[p];
      const float s = rot_sin * probe_cos[p] + rot_cos * probe_sin[p];
      px[p] = xf + rr * c;
      py[p] = yf + rr * s;
      open[p] = -static_cast<std::int32_t>((px[p] >= patch_x0) & (px[p] < patch_x1) &
                                           (py[p] >= patch_y0) & (py[p] < patch_y1));
    }
    for (int o = 0; o < overlap_count; ++o) {
      const float ox = xs[overlaps[o]], oy = ys[overlaps[o]];
      std::int32_t still_open = 0;
      for (int p = 0; p < kProbes; ++p) {
        const float dx = ox - px[p], dy = oy - py[p];
        open[p] &= -static_cast<std::int32_t>(dx * dx + dy * dy >= r2_f);
        still_open |= open[p];
      }
      if (still_open == 0) break;
    }
    int uncovered = 0;
    for (int p = 0; p < kProbes; ++p) uncovered -= open[p];
    area += disc_area * uncovered / kProbes;
  }
  out.channel_count = channels;
  out.punctured_area_mm2 = area;
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

/// Squared distance from (px, py) to the nearest item of `grid` other than item `skip` (ring
/// search; infinity if none).
double nearest_d2(const SpatialGrid& grid, double px, double py,
                  std::uint32_t skip = std::numeric_limits<std::uint32_t>::max()) {
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
          const double dx = grid.xs[k] - px, dy = grid.ys[k] - py;
          const double d2 = grid.items[k] == skip ? std::numeric_limits<double>::infinity()
                                                  : dx * dx + dy * dy;
          best2 = std::min(best2, d2);
        }
      }
    }
    const double reach = ring * grid.cell;
    if (best2 <= reach * reach) break;
  }
  return best2;
}

/// Nearest other channel for every channel opened inside the patch: a ring search on a grid
/// of the channels alone, sized to their density.
void nearest_neighbours(const PunctureField& field, FieldAnalysis& out) {
  PunctureField channels;
  channels.patch = field.patch;
  channels.window = field.window;
  channels.x_mm.reserve(out.channel_count);
  channels.y_mm.reserve(out.channel_count);
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (!out.founder[i]) continue;
    channels.x_mm.push_back(field.x_mm[i]);
    channels.y_mm.push_back(field.y_mm[i]);
  }
  const double window_area = field.window.width() * field.window.height();
  if (channels.size() < 2 || !(window_area > 0)) return;
  const double spacing = std::sqrt(window_area / static_cast<double>(channels.size()));
  const SpatialGrid grid = build_grid(channels, spacing);
  for (std::size_t i = 0; i < channels.size(); ++i) {
    const double x = channels.x_mm[i], y = channels.y_mm[i];
    if (!field.patch.contains(x, y)) continue;
    const double best2 = nearest_d2(grid, x, y, static_cast<std::uint32_t>(i));
    if (std::isfinite(best2)) out.nearest_neighbour_mm.push_back(std::sqrt(best2));
  }
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
  // Columns: on a raster of sites, the distance along a column is the one to the nearest site
  // above or below it: a sweep down and one up, a whole row at a time.
  constexpr std::int32_t kNoSite = 1 << 28;
  const std::size_t cells = static_cast<std::size_t>(nx) * ny;
  std::vector<std::int32_t> run(cells, kNoSite);
  for (std::size_t i = 0; i < field.size(); ++i) {
    const int ix = std::clamp(static_cast<int>((field.x_mm[i] - w.x0) / h), 0, nx - 1);
    const int iy = std::clamp(static_cast<int>((field.y_mm[i] - w.y0) / h), 0, ny - 1);
    run[static_cast<std::size_t>(iy) * nx + ix] = 0;
  }
  for (int y = 1; y < ny; ++y) {
    const std::int32_t* above = run.data() + static_cast<std::size_t>(y - 1) * nx;
    std::int32_t* here = run.data() + static_cast<std::size_t>(y) * nx;
    for (int x = 0; x < nx; ++x) here[x] = std::min(here[x], above[x] + 1);
  }
  for (int y = ny - 2; y >= 0; --y) {
    const std::int32_t* below = run.data() + static_cast<std::size_t>(y + 1) * nx;
    std::int32_t* here = run.data() + static_cast<std::size_t>(y) * nx;
    for (int x = 0; x < nx; ++x) here[x] = std::min(here[x], below[x] + 1);
  }
  std::vector<double> grid(cells);
  for (std::size_t c = 0; c < cells; ++c)
    grid[c] = run[c] == kNoSite ? kFar : static_cast<double>(run[c]) * run[c];
  // Rows: the exact 1-D transform of the columns' squared distances.
  const int longest = std::max(nx, ny);
  std::vector<double> f(longest), z(longest + 1);
  std::vector<int> v(longest);
  const RectMm& patch = field.patch;
  for (int y = 0; y < ny; ++y) {  // rows; only those that reach the patch are read below
    const double row_y0 = w.y0 + y * h;
    if (row_y0 + h <= patch.y0 || row_y0 >= patch.y1) continue;
    double* row = grid.data() + static_cast<std::size_t>(y) * nx;
    std::copy(row, row + nx, f.begin());
    distance_transform_1d(f.data(), nx, row, v.data(), z.data());
  }
  // The raster distance is within sqrt(2) cells of the true distance at any point of a cell
  // (site and evaluation point each move by at most half a cell diagonal). Branch and bound:
  // visit cells by decreasing raster distance, refine each by quadrants with exact distances
  // while its upper bound (exact at the centre + half diagonal) beats the best found.
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
    const double centre = std::sqrt(nearest_d2(index, cx, cy));
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
  // A cell is worth refining when dist >= cut and (dist + slack) * h > best + tolerance: as
  // one bound on the squared raster distance (refreshed when best grows).
  auto floor_d2 = [&] {
    const double low = std::max({0.0, cut, (best + tolerance) / h - slack});
    return low * low;
  };
  double worth_d2 = floor_d2();
  for (int y = 0; y < ny; ++y)
    for (int x = 0; x < nx; ++x) {
      const double d2 = grid[static_cast<std::size_t>(y) * nx + x];
      if (d2 < worth_d2 || !overlaps_patch(x, y)) continue;
      const double dist = std::sqrt(d2);
      if (dist < cut || (dist + slack) * h <= best + tolerance) continue;
      refine(refine, w.x0 + (x + 0.5) * h, w.y0 + (y + 0.5) * h, h / 2);
      worth_d2 = floor_d2();
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
  nearest_neighbours(field, out);
  largest_gap(field, grid, spacing, out);
  return out;
}

}  // namespace dermaplan::simulation
