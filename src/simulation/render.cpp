#include "simulation/render.h"

#include "simulation/report.h"

#include <cairo.h>
#include <fmt/format.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <stdexcept>

namespace dermaplan::simulation {

namespace {

struct Rgb {
  double r, g, b;
};

/// Viridis, sampled at 9 stops and interpolated; t in [0, 1].
Rgb viridis(double t) {
  static const Rgb stops[] = {{0.267, 0.005, 0.329}, {0.283, 0.141, 0.458}, {0.254, 0.265, 0.530},
                              {0.207, 0.372, 0.553}, {0.164, 0.471, 0.558}, {0.128, 0.567, 0.551},
                              {0.135, 0.659, 0.518}, {0.267, 0.749, 0.441}, {0.478, 0.821, 0.318},
                              {0.741, 0.873, 0.150}, {0.993, 0.906, 0.144}};
  constexpr int n = sizeof(stops) / sizeof(stops[0]);
  t = std::clamp(t, 0.0, 1.0) * (n - 1);
  const int i = std::min(n - 2, static_cast<int>(t));
  const double f = t - i;
  return {stops[i].r + f * (stops[i + 1].r - stops[i].r), stops[i].g + f * (stops[i + 1].g - stops[i].g),
          stops[i].b + f * (stops[i + 1].b - stops[i].b)};
}

/// A "nice" tick step (1, 2, 5 x 10^k) giving about `target` ticks over span.
double nice_step(double span, int target) {
  const double raw = span / std::max(1, target);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * mag >= raw) return m * mag;
  return 10 * mag;
}

class Canvas {
 public:
  Canvas(int width, int height)
      : surface_(cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height)),
        cr_(cairo_create(surface_)) {
    cairo_set_source_rgb(cr_, 1, 1, 1);
    cairo_paint(cr_);
  }
  ~Canvas() {
    cairo_destroy(cr_);
    cairo_surface_destroy(surface_);
  }
  Canvas(const Canvas&) = delete;
  Canvas& operator=(const Canvas&) = delete;

  cairo_t* cr() { return cr_; }

  void colour(const Rgb& c) { cairo_set_source_rgb(cr_, c.r, c.g, c.b); }
  void colour(double r, double g, double b) { cairo_set_source_rgb(cr_, r, g, b); }

  /// Text with its anchor at (x, y): align 0 = left, 0.5 = centre, 1 = right; valign likewise.
  /// A positive wrap_width wraps the text at word boundaries to lines of at most that width.
  void text(const std::string& s, double x, double y, double size, double align = 0,
            double valign = 0, bool bold = false, double wrap_width = 0) {
    PangoLayout* layout = pango_cairo_create_layout(cr_);
    PangoFontDescription* font = pango_font_description_from_string(
        fmt::format("DejaVu Sans{} {}", bold ? " Bold" : "", size).c_str());
    pango_layout_set_font_description(layout, font);
    if (wrap_width > 0) {
      pango_layout_set_width(layout, static_cast<int>(wrap_width * PANGO_SCALE));
      pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
    }
    pango_layout_set_text(layout, s.c_str(), -1);
    int w, h;
    pango_layout_get_pixel_size(layout, &w, &h);
    cairo_move_to(cr_, x - align * w, y - valign * h);
    pango_cairo_show_layout(cr_, layout);
    pango_font_description_free(font);
    g_object_unref(layout);
  }

  void line(double x0, double y0, double x1, double y1, double width = 1) {
    cairo_set_line_width(cr_, width);
    cairo_move_to(cr_, x0, y0);
    cairo_line_to(cr_, x1, y1);
    cairo_stroke(cr_);
  }

  void rect(double x, double y, double w, double h, bool fill) {
    cairo_rectangle(cr_, x, y, w, h);
    if (fill)
      cairo_fill(cr_);
    else {
      cairo_set_line_width(cr_, 1);
      cairo_stroke(cr_);
    }
  }

  void write(const std::string& path) {
    cairo_surface_flush(surface_);
    if (cairo_surface_write_to_png(surface_, path.c_str()) != CAIRO_STATUS_SUCCESS)
      throw std::runtime_error("cannot write " + path);
  }

 private:
  cairo_surface_t* surface_;
  cairo_t* cr_;
};

/// A vertical colour bar from 0 to vmax with ticks and a label.
void colour_bar(Canvas& c, double x, double y, double w, double h, double vmax,
                const std::string& label) {
  constexpr int kSteps = 100;
  for (int i = 0; i < kSteps; ++i) {
    c.colour(viridis((i + 0.5) / kSteps));
    c.rect(x, y + h - (i + 1) * h / kSteps, w, h / kSteps + 0.5, true);
  }
  c.colour(0, 0, 0);
  c.rect(x, y, w, h, false);
  const double step = nice_step(vmax, 5);
  for (double v = 0; v <= vmax + 1e-9; v += step) {
    const double py = y + h - v / vmax * h;
    c.line(x + w, py, x + w + 4, py);
    c.text(fmt::format("{:g}", v), x + w + 7, py, 9, 0, 0.5);
  }
  cairo_save(c.cr());
  cairo_translate(c.cr(), x + w + 52, y + h / 2);
  cairo_rotate(c.cr(), -M_PI / 2);
  c.text(label, 0, 0, 10, 0.5, 0.5);
  cairo_restore(c.cr());
}

}  // namespace

void write_heatmap_png(const SimulationResult& r, const std::string& title, const std::string& path) {
  const CellCounts& cells = r.puncture_cells;
  const double width_mm = std::max(1, cells.nx) * cells.cell_mm;
  const double height_mm = std::max(1, cells.ny) * cells.cell_mm;
  const double plot = 520;
  const double scale = plot / std::max(width_mm, height_mm);
  const double pw = width_mm * scale, ph = height_mm * scale;
  const double left = 70, top = 86;
  Canvas c(static_cast<int>(std::max(left + pw + 140, 820.0)), static_cast<int>(top + ph + 90));
  c.colour(0, 0, 0);
  c.text(title, 12, 10, 12, 0, 0, true);
  c.text(fmt::format("{:.0f} punctures/cm² (expected {:.0f}), {:.0f} channels/cm², cv {:.2f} "
                     "over 1 mm² cells",
                     r.density_per_cm2, r.density_expected_per_cm2, r.channels_per_cm2,
                     r.density_cv),
         12, 34, 10);
  c.text(fmt::format("largest gap {:.2f} mm, {:.2f} % of the skin punctured, seed {}",
                     r.largest_gap_mm, 100 * r.punctured_fraction, r.input.seed),
         12, 52, 10);
  double vmax = 0;
  for (auto count : cells.counts) vmax = std::max(vmax, count * 100.0 / (cells.cell_mm * cells.cell_mm));
  vmax = std::max(vmax, 1.0);
  const double cell_area_cm2 = cells.cell_mm * cells.cell_mm / 100;
  for (int iy = 0; iy < cells.ny; ++iy)
    for (int ix = 0; ix < cells.nx; ++ix) {
      const double v = cells.counts[static_cast<std::size_t>(iy) * cells.nx + ix] / cell_area_cm2;
      c.colour(viridis(v / vmax));
      // y grows upwards in the plot
      c.rect(left + ix * cells.cell_mm * scale, top + ph - (iy + 1) * cells.cell_mm * scale,
             cells.cell_mm * scale + 0.6, cells.cell_mm * scale + 0.6, true);
    }
  c.colour(0, 0, 0);
  c.rect(left, top, pw, ph, false);
  const double step = nice_step(std::max(width_mm, height_mm), 6);
  for (double v = 0; v <= width_mm + 1e-9; v += step) {
    c.line(left + v * scale, top + ph, left + v * scale, top + ph + 5);
    c.text(fmt::format("{:g}", v), left + v * scale, top + ph + 7, 9, 0.5);
  }
  for (double v = 0; v <= height_mm + 1e-9; v += step) {
    c.line(left - 5, top + ph - v * scale, left, top + ph - v * scale);
    c.text(fmt::format("{:g}", v), left - 8, top + ph - v * scale, 9, 1, 0.5);
  }
  c.text("x (mm)", left + pw / 2, top + ph + 26, 10, 0.5);
  cairo_save(c.cr());
  cairo_translate(c.cr(), left - 45, top + ph / 2);
  cairo_rotate(c.cr(), -M_PI / 2);
  c.text("y (mm)", 0, 0, 10, 0.5, 0.5);
  cairo_restore(c.cr());
  colour_bar(c, left + pw + 24, top, 18, ph, vmax, "punctures per cm² (1 mm² cells)");
  c.write(path);
}

void write_sweep_png(const std::vector<SweepPoint>& points, SweepParameter parameter,
                     const std::string& title, const std::string& path) {
  if (points.empty()) throw std::runtime_error("no sweep points to plot");
  const double W = 820, left = 80, right = 30, top = 60, panel = 260, gap = 70;
  Canvas c(static_cast<int>(W), static_cast<int>(top + 2 * panel + gap + 60));
  c.colour(0, 0, 0);
  // A long title (device, swept range, technique, region) wraps to a second line.
  c.text(title, 12, 6, 12, 0, 0, true, W - 24);
  const double x0 = points.front().value, x1 = std::max(points.back().value, x0 + 1e-9);
  const double pw = W - left - right;
  auto px = [&](double v) { return left + (v - x0) / (x1 - x0) * pw; };

  struct Series {
    std::string label;
    Rgb colour;
    bool dashed;
    std::vector<double> values;
  };
  auto draw_panel = [&](double ptop, const std::string& ylabel, const std::vector<Series>& series) {
    double ymax = 0;
    for (const auto& s : series)
      for (double v : s.values)
        if (std::isfinite(v)) ymax = std::max(ymax, v);
    ymax = ymax > 0 ? ymax * 1.08 : 1;
    auto py = [&](double v) { return ptop + panel - v / ymax * panel; };
    c.colour(0.9, 0.9, 0.9);
    const double ystep = nice_step(ymax, 5);
    for (double v = ystep; v <= ymax; v += ystep) c.line(left, py(v), left + pw, py(v));
    c.colour(0, 0, 0);
    c.rect(left, ptop, pw, panel, false);
    for (double v = 0; v <= ymax; v += ystep) {
      c.line(left - 5, py(v), left, py(v));
      c.text(fmt::format("{:g}", v), left - 8, py(v), 9, 1, 0.5);
    }
    const double xstep = nice_step(x1 - x0, 8);
    for (double v = std::ceil(x0 / xstep) * xstep; v <= x1 + 1e-9; v += xstep) {
      c.line(px(v), ptop + panel, px(v), ptop + panel + 5);
      c.text(fmt::format("{:g}", v), px(v), ptop + panel + 7, 9, 0.5);
    }
    cairo_save(c.cr());
    cairo_translate(c.cr(), left - 52, ptop + panel / 2);
    cairo_rotate(c.cr(), -M_PI / 2);
    c.text(ylabel, 0, 0, 10, 0.5, 0.5);
    cairo_restore(c.cr());
    double legend_y = ptop + 8;
    for (const auto& s : series) {
      c.colour(s.colour);
      if (s.dashed) {
        const double dash[] = {6, 4};
        cairo_set_dash(c.cr(), dash, 2, 0);
      }
      cairo_set_line_width(c.cr(), 2);
      bool started = false;
      for (std::size_t i = 0; i < points.size(); ++i) {
        if (!std::isfinite(s.values[i])) continue;
        if (!started)
          cairo_move_to(c.cr(), px(points[i].value), py(s.values[i]));
        else
          cairo_line_to(c.cr(), px(points[i].value), py(s.values[i]));
        started = true;
      }
      cairo_stroke(c.cr());
      cairo_set_dash(c.cr(), nullptr, 0, 0);
      if (!s.dashed)
        for (std::size_t i = 0; i < points.size(); ++i) {
          cairo_arc(c.cr(), px(points[i].value), py(s.values[i]), 2.5, 0, 2 * M_PI);
          cairo_fill(c.cr());
        }
      if (s.dashed) {  // the legend's sample drawn as the series is
        const double dash[] = {6, 4};
        cairo_set_dash(c.cr(), dash, 2, 0);
      }
      c.line(left + 14, legend_y + 7, left + 40, legend_y + 7, 2);
      cairo_set_dash(c.cr(), nullptr, 0, 0);
      c.colour(0, 0, 0);
      c.text(s.label, left + 46, legend_y, 9);
      legend_y += 16;
    }
  };

  std::vector<double> density, expected, channels, gap_sim, gap_random, target_lo;
  for (const auto& p : points) {
    density.push_back(p.result.density_per_cm2);
    expected.push_back(p.result.density_expected_per_cm2);
    channels.push_back(p.result.channels_per_cm2);
    gap_sim.push_back(p.result.largest_gap_mm);
    gap_random.push_back(p.result.largest_gap_expected_random_mm);
  }
  draw_panel(top, "per cm²",
             {{"punctures (simulated)", {0.13, 0.40, 0.67}, false, density},
              {"punctures (formula)", {0.13, 0.40, 0.67}, true, expected},
              {"unique channels (simulated)", {0.85, 0.37, 0.01}, false, channels}});
  draw_panel(top + panel + gap, "largest untreated gap (mm)",
             {{"simulated", {0.2, 0.6, 0.2}, false, gap_sim},
              {"random placement (formula)", {0.2, 0.6, 0.2}, true, gap_random}});
  c.colour(0, 0, 0);
  c.text(to_string(parameter), left + pw / 2, top + 2 * panel + gap + 28, 10, 0.5);
  c.text(to_string(parameter), left + pw / 2, top + panel + 26, 10, 0.5);
  c.write(path);
}

void write_face_map_png(const std::vector<FaceRegionResult>& regions, const std::string& title,
                        const std::string& path) {
  // Schematic layout in a 300 x 380 box: region id -> tiles (x, y, w, h).
  struct Tile {
    double x, y, w, h;
  };
  static const std::multimap<std::string, Tile> kLayout{
      {"forehead", {60, 10, 180, 70}},    {"glabella", {125, 86, 50, 34}},
      {"temple", {8, 70, 46, 80}},        {"temple", {246, 70, 46, 80}},
      {"periorbital", {58, 96, 62, 44}},  {"periorbital", {180, 96, 62, 44}},
      {"nose", {126, 126, 48, 96}},       {"cheek", {36, 150, 84, 104}},
      {"cheek", {180, 150, 84, 104}},     {"perioral", {100, 230, 100, 58}},
      {"chin", {110, 296, 80, 52}},       {"jawline", {20, 264, 82, 66}},
      {"jawline", {198, 264, 82, 66}},
  };
  constexpr double k = 1.35;  // layout scale
  const double face_w = 300 * k, face_h = 360 * k, margin = 40, top = 80;
  std::vector<const FaceRegionResult*> extra;
  for (const auto& r : regions)
    if (!kLayout.count(r.region_id)) extra.push_back(&r);
  const double height = top + face_h + 90 + 18 * static_cast<double>(extra.size());
  Canvas c(static_cast<int>(2 * face_w + 2 * margin + 110), static_cast<int>(height));
  c.colour(0, 0, 0);
  c.text(title, 12, 10, 12, 0, 0, true);
  double vmax = 1;
  for (const auto& r : regions) vmax = std::max(vmax, r.result.channels_per_cm2);
  vmax = nice_step(vmax, 1) * std::ceil(vmax / nice_step(vmax, 1));

  auto depth_colour = [](const SimulationResult& r) {
    // green: mostly papillary; blue: reticular; grey: epidermis; red: any beyond the dermis.
    const auto& f = r.depth_class;
    if (f[DepthClass::beyond_dermis] > 0.01) return Rgb{0.85, 0.15, 0.15};
    const double e = f[DepthClass::epidermis], p = f[DepthClass::papillary_dermis],
                 q = f[DepthClass::reticular_dermis];
    if (e >= p && e >= q) return Rgb{0.75, 0.75, 0.75};
    if (p >= q) return Rgb{0.45, 0.75, 0.40};
    return Rgb{0.30, 0.50, 0.85};
  };
  for (int panel = 0; panel < 2; ++panel) {
    const double ox = margin + panel * (face_w + 110), oy = top;
    c.colour(0, 0, 0);
    c.text(panel == 0 ? "unique channels per cm²" : "needle length, % of channels reaching the dermis", ox + face_w / 2, oy - 22,
           11, 0.5, 0, true);
    c.colour(0.97, 0.93, 0.88);
    cairo_new_path(c.cr());
    cairo_save(c.cr());
    cairo_translate(c.cr(), ox + face_w / 2, oy + face_h / 2);
    cairo_scale(c.cr(), face_w / 2, face_h / 2);
    cairo_arc(c.cr(), 0, 0, 1, 0, 2 * M_PI);
    cairo_restore(c.cr());
    cairo_fill_preserve(c.cr());
    c.colour(0.5, 0.45, 0.4);
    cairo_set_line_width(c.cr(), 1.5);
    cairo_stroke(c.cr());
    for (const auto& r : regions) {
      auto [begin, end] = kLayout.equal_range(r.region_id);
      for (auto it = begin; it != end; ++it) {
        const Tile& t = it->second;
        c.colour(panel == 0 ? viridis(r.result.channels_per_cm2 / vmax) : depth_colour(r.result));
        c.rect(ox + k * t.x, oy + k * t.y, k * t.w, k * t.h, true);
        c.colour(1, 1, 1);
        c.rect(ox + k * t.x, oy + k * t.y, k * t.w, k * t.h, false);
        const bool light_fill = panel == 1 || r.result.channels_per_cm2 / vmax > 0.6;
        if (light_fill) c.colour(0, 0, 0);
        const double cx = ox + k * (t.x + t.w / 2), cy = oy + k * (t.y + t.h / 2);
        c.text(r.name.substr(0, r.name.find(" (")), cx, cy - 7, 8, 0.5, 0.5);
        const std::string value =
            panel == 0 ? fmt::format("{:.0f}", r.result.channels_per_cm2)
                       : fmt::format("{:g} mm, {:.0f} %", r.result.needle_length_mm,
                                     100 * r.result.dermis_reach_fraction);
        c.text(value, cx, cy + 7, 7.5, 0.5, 0.5);
      }
    }
  }
  // Legends.
  const double ly = top + face_h + 20;
  colour_bar(c, margin + face_w + 14, top + face_h * 0.2, 14, face_h * 0.6, vmax, "channels per cm²");
  const std::pair<Rgb, const char*> legend[] = {
      {{0.75, 0.75, 0.75}, "mostly epidermis"},
      {{0.45, 0.75, 0.40}, "mostly papillary dermis"},
      {{0.30, 0.50, 0.85}, "mostly reticular dermis"},
      {{0.85, 0.15, 0.15}, "over 1 % beyond the dermis"}};
  double lx = margin;
  for (const auto& [colour, label] : legend) {
    c.colour(colour);
    c.rect(lx, ly, 14, 14, true);
    c.colour(0, 0, 0);
    c.text(label, lx + 20, ly, 9);
    lx += 170;
  }
  double ey = ly + 30;
  for (const auto* r : extra) {
    c.text(fmt::format("{}: {:.0f} channels/cm², {:.0f} % reach the dermis", r->name,
                       r->result.channels_per_cm2, 100 * r->result.dermis_reach_fraction),
           margin, ey, 9);
    ey += 18;
  }
  c.write(path);
}

}  // namespace dermaplan::simulation
