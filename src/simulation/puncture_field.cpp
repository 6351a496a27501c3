#include "simulation/puncture_field.h"

#include "simulation/analytic.h"
#include "simulation/random.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace dermaplan::simulation {

namespace {

constexpr double kPi = std::numbers::pi;

/// The parameter interval [lo, hi] where p + s*u lies inside rect (slab method).
bool clip_line(double px, double py, double ux, double uy, const RectMm& rect, double& lo,
               double& hi) {
  lo = -1e300;
  hi = 1e300;
  auto slab = [&](double p, double u, double a, double b) {
    if (std::abs(u) < 1e-12) return p >= a && p <= b;
    double t0 = (a - p) / u, t1 = (b - p) / u;
    if (t0 > t1) std::swap(t0, t1);
    lo = std::max(lo, t0);
    hi = std::min(hi, t1);
    return lo <= hi;
  };
  return slab(px, ux, rect.x0, rect.x1) && slab(py, uy, rect.y0, rect.y1);
}

/// The stroke lines of one pass: parallel lines across the window, `pitch` apart, with a random
/// common offset so that every point of the window is equally likely to be under a stroke.
struct Stroke {
  double cx, cy;  //!< a point on the stroke's centre line
  double ux, uy;  //!< rolling / gliding direction
  double nx, ny;  //!< across the stroke
  double phase;   //!< uniform [0, 1): where the first needle or stamp falls
};

template <class EmitStroke>
void for_each_stroke(const RectMm& window, Direction direction, double band_mm, double pitch_mm,
                     const Jitter& jitter, Rng& rng, EmitStroke&& emit) {
  const double phi = direction_angle_rad(direction);
  const double ux = std::cos(phi), uy = std::sin(phi);
  const double nx = -uy, ny = ux;
  const double mx = (window.x0 + window.x1) / 2, my = (window.y0 + window.y1) / 2;
  const double half_extent = std::abs(nx) * window.width() / 2 + std::abs(ny) * window.height() / 2;
  const double half_diag = std::hypot(window.width(), window.height()) / 2;
  const double sigma_dir = jitter.direction_deg * kPi / 180;
  // Strokes whose band could reach the window after jitter.
  const double reach = band_mm / 2 + 4 * jitter.lateral_mm + half_diag * std::sin(std::min(1.0, 4 * sigma_dir));
  const double base = rng.uniform() * pitch_mm;
  const long k_lo = static_cast<long>(std::floor((-half_extent - reach - base) / pitch_mm));
  const long k_hi = static_cast<long>(std::ceil((half_extent + reach - base) / pitch_mm));
  for (long k = k_lo; k <= k_hi; ++k) {
    const double t = base + k * pitch_mm + jitter.lateral_mm * rng.normal();
    const double dphi = sigma_dir * rng.normal();
    const double phase = rng.uniform();
    Stroke stroke;
    stroke.cx = mx + t * nx;
    stroke.cy = my + t * ny;
    stroke.ux = std::cos(phi + dphi);
    stroke.uy = std::sin(phi + dphi);
    stroke.nx = -stroke.uy;
    stroke.ny = stroke.ux;
    stroke.phase = phase;
    emit(stroke);
  }
}

void lay_roller_pass(const RollerGeometry& roller, const Technique& technique, Direction direction,
                     Rng& rng, const RectMm& window, PunctureField& out) {
  const int rings = roller.rings;
  const double circumference = kPi * roller.drum_diameter_mm;
  const double pitch = roller.drum_width_mm * (1 - technique.overlap);
  for_each_stroke(window, direction, roller.drum_width_mm, pitch, technique.jitter, rng,
                  [&](const Stroke& stroke) {
    const double start_s = stroke.phase * circumference;  // drum angle at first contact
    for (int ring = 0; ring < rings; ++ring) {
      const int per_ring = roller.needles / rings + (ring < roller.needles % rings ? 1 : 0);
      const double spacing = circumference / per_ring;
      const double ring_phase = (ring % 2) ? roller.phase : 0.0;
      const double axial = (ring + 0.5) * roller.drum_width_mm / rings - roller.drum_width_mm / 2;
      const double px = stroke.cx + axial * stroke.nx, py = stroke.cy + axial * stroke.ny;
      double lo, hi;
      if (!clip_line(px, py, stroke.ux, stroke.uy, window, lo, hi)) continue;
      const long i_lo = static_cast<long>(std::ceil((lo - start_s) / spacing - ring_phase));
      const long i_hi = static_cast<long>(std::floor((hi - start_s) / spacing - ring_phase));
      if (i_hi < i_lo) continue;
      const std::size_t first = out.x_mm.size();
      const std::size_t count = static_cast<std::size_t>(i_hi - i_lo + 1);
      out.x_mm.resize(first + count);
      out.y_mm.resize(first + count);
      float* xs = out.x_mm.data() + first;
      float* ys = out.y_mm.data() + first;
      const double s0 = start_s + (i_lo + ring_phase) * spacing;
      const double x0 = px + s0 * stroke.ux, y0 = py + s0 * stroke.uy;
      const double dx = spacing * stroke.ux, dy = spacing * stroke.uy;
      for (std::size_t i = 0; i < count; ++i) {
        xs[i] = static_cast<float>(x0 + static_cast<double>(i) * dx);
        ys[i] = static_cast<float>(y0 + static_cast<double>(i) * dy);
      }
    }
  });
}

void lay_pen_pass(const PenGeometry& pen, const Technique& technique, Direction direction,
                  Rng& rng, const RectMm& window, PunctureField& out) {
  const double swath = pen_swath_width_mm(pen);
  const double pitch = swath * (1 - technique.overlap);
  const double forward_speed = pen.glide_speed_mm_s / pen_path_per_advance(pen);
  const double step = forward_speed / pen.stroke_rate_hz;  // forward advance per stamp
  const auto offsets = pen_needle_offsets_mm(pen);
  const bool circles = pen.pattern == PenPattern::circles;
  const double loop_radius = pen.tip_diameter_mm / 2, loop_advance = loop_radius;
  const RectMm reach{window.x0 - swath, window.y0 - swath, window.x1 + swath, window.y1 + swath};
  for_each_stroke(window, direction, swath, pitch, technique.jitter, rng, [&](const Stroke& stroke) {
    double lo, hi;
    if (!clip_line(stroke.cx, stroke.cy, stroke.ux, stroke.uy, reach, lo, hi)) return;
    const long k_lo = static_cast<long>(std::ceil(lo / step - stroke.phase));
    const long k_hi = static_cast<long>(std::floor(hi / step - stroke.phase));
    for (long k = k_lo; k <= k_hi; ++k) {
      const double s = (k + stroke.phase) * step;
      double tx = stroke.cx + s * stroke.ux, ty = stroke.cy + s * stroke.uy;
      if (circles) {
        const double angle = 2 * kPi * s / loop_advance;
        const double a = loop_radius * std::cos(angle), b = loop_radius * std::sin(angle);
        tx += a * stroke.ux + b * stroke.nx;
        ty += a * stroke.uy + b * stroke.ny;
      }
      for (const auto& [ox, oy] : offsets) {
        const double x = tx + ox, y = ty + oy;
        if (!window.contains(x, y)) continue;
        out.x_mm.push_back(static_cast<float>(x));
        out.y_mm.push_back(static_cast<float>(y));
      }
    }
  });
}

}  // namespace

std::vector<std::pair<double, double>> pen_needle_offsets_mm(const PenGeometry& pen) {
  std::vector<std::pair<double, double>> offsets;
  const double golden_angle = kPi * (3 - std::sqrt(5.0));
  const double radius = pen.tip_diameter_mm / 2;
  for (int k = 0; k < pen.needles; ++k) {
    const double r = radius * std::sqrt((k + 0.5) / pen.needles);
    offsets.emplace_back(r * std::cos(k * golden_angle), r * std::sin(k * golden_angle));
  }
  return offsets;
}

PunctureField lay_punctures(const SimulationInput& input, double margin_mm,
                            const StopRequested& stop) {
  PunctureField field;
  field.patch = {0, 0, input.patch.width_mm, input.patch.height_mm};
  field.window = {-margin_mm, -margin_mm, input.patch.width_mm + margin_mm,
                  input.patch.height_mm + margin_mm};
  const double expected = expected_density_per_cm2(input.device, input.technique) *
                          field.window.width() * field.window.height() / 100;
  field.x_mm.reserve(static_cast<std::size_t>(expected * 1.1) + 1024);
  field.y_mm.reserve(field.x_mm.capacity());
  const Technique& technique = input.technique;
  for (int pass = 0; pass < technique.passes; ++pass) {
    if (stop && stop()) throw SimulationStopped();
    Rng rng(input.seed, static_cast<std::uint64_t>(pass));
    const Direction direction = technique.directions[pass % technique.directions.size()];
    if (const auto* roller = std::get_if<RollerGeometry>(&input.device))
      lay_roller_pass(*roller, technique, direction, rng, field.window, field);
    else
      lay_pen_pass(std::get<PenGeometry>(input.device), technique, direction, rng, field.window,
                   field);
  }
  return field;
}

CellCounts bin_punctures(const PunctureField& field, double cell_mm,
                         const std::vector<std::uint8_t>& keep) {
  CellCounts grid;
  grid.cell_mm = cell_mm;
  grid.nx = static_cast<int>(std::floor(field.patch.width() / cell_mm + 1e-9));
  grid.ny = static_cast<int>(std::floor(field.patch.height() / cell_mm + 1e-9));
  grid.counts.assign(static_cast<std::size_t>(grid.nx) * grid.ny, 0);
  const float inv = static_cast<float>(1.0 / cell_mm);
  const float ox = static_cast<float>(field.patch.x0), oy = static_cast<float>(field.patch.y0);
  const std::size_t n = field.size();
  const float* xs = field.x_mm.data();
  const float* ys = field.y_mm.data();
  const unsigned nx = static_cast<unsigned>(grid.nx), ny = static_cast<unsigned>(grid.ny);
  std::uint32_t* counts = grid.counts.data();
  for (std::size_t i = 0; i < n; ++i) {
    if (!keep.empty() && !keep[i]) continue;
    const float fx = (xs[i] - ox) * inv, fy = (ys[i] - oy) * inv;
    if (fx < 0 || fy < 0) continue;
    const unsigned ix = static_cast<unsigned>(fx), iy = static_cast<unsigned>(fy);
    if (ix >= nx || iy >= ny) continue;
    ++counts[iy * nx + ix];
  }
  return grid;
}

}  // namespace dermaplan::simulation
