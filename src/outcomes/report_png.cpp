#include "outcomes/chart.h"
#include "outcomes/render.h"

#include <cairo.h>
#include <fmt/format.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace dermaplan::outcomes {

namespace {

struct Rgb {
  double r, g, b;
};

/// Okabe-Ito: distinguishable with colour-vision deficiencies.
const Rgb kPalette[] = {{0.000, 0.447, 0.698}, {0.835, 0.369, 0.000}, {0.000, 0.620, 0.451}, {0.800, 0.475, 0.655},
                        {0.902, 0.624, 0.000}, {0.337, 0.706, 0.914}, {0.941, 0.894, 0.259}, {0.0, 0.0, 0.0}};
constexpr int kPaletteSize = sizeof(kPalette) / sizeof(kPalette[0]);
constexpr size_t kMaxSeries = 6;

double nice_step(double span, int target) {
  const double raw = span / std::max(1, target);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * magnitude >= raw) return m * magnitude;
  return 10 * magnitude;
}

class Canvas {
 public:
  Canvas(int width, int height)
      : surface_(cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height)), cr_(cairo_create(surface_)) {
    cairo_set_source_rgb(cr_, 1, 1, 1);
    cairo_paint(cr_);
  }
  ~Canvas() {
    cairo_destroy(cr_);
    cairo_surface_destroy(surface_);
  }
  Canvas(const Canvas&) = delete;
  Canvas& operator=(const Canvas&) = delete;

  void colour(const Rgb& c) { cairo_set_source_rgb(cr_, c.r, c.g, c.b); }
  void colour(double r, double g, double b) { cairo_set_source_rgb(cr_, r, g, b); }
  void text(const std::string& s, double x, double y, double size, double align = 0, double valign = 0,
            bool bold = false, double wrap_width = 0) {
    PangoLayout* layout = pango_cairo_create_layout(cr_);
    PangoFontDescription* font =
        pango_font_description_from_string(fmt::format("DejaVu Sans{} {}", bold ? " Bold" : "", size).c_str());
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
  void line(double x0, double y0, double x1, double y1, double width = 1, bool dashed = false) {
    cairo_set_line_width(cr_, width);
    if (dashed) {
      const double dash[] = {4, 3};
      cairo_set_dash(cr_, dash, 2, 0);
    }
    cairo_move_to(cr_, x0, y0);
    cairo_line_to(cr_, x1, y1);
    cairo_stroke(cr_);
    cairo_set_dash(cr_, nullptr, 0, 0);
  }
  void rect(double x, double y, double w, double h, bool fill) {
    cairo_rectangle(cr_, x, y, w, h);
    if (fill) {
      cairo_fill(cr_);
    } else {
      cairo_set_line_width(cr_, 1);
      cairo_stroke(cr_);
    }
  }
  void dot(double x, double y, double radius) {
    cairo_arc(cr_, x, y, radius, 0, 2 * M_PI);
    cairo_fill(cr_);
  }
  cairo_t* cr() { return cr_; }
  std::string png() {
    cairo_surface_flush(surface_);
    std::string bytes;
    const auto status = cairo_surface_write_to_png_stream(
        surface_,
        [](void* closure, const unsigned char* data, unsigned int length) {
          static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
          return CAIRO_STATUS_SUCCESS;
        },
        &bytes);
    if (status != CAIRO_STATUS_SUCCESS) throw std::runtime_error("cairo could not encode the chart as PNG");
    return bytes;
  }

 private:
  cairo_surface_t* surface_;
  cairo_t* cr_;
};

void trajectories(Canvas& c, const ChartData& chart, double left, double top, double width, double height) {
  c.colour(0, 0, 0);
  c.text(chart.scale.empty() ? "Mean change from baseline" : "Mean change from baseline: " + chart.scale_name, left - 50,
         top - 34, 11, 0, 0, true, width + 60);
  double low = 0, high = 0;
  for (const auto& s : chart.trajectories)
    for (const auto& p : s.points)
      if (!p.suppressed) low = std::min(low, p.ci.low), high = std::max(high, p.ci.high);
  if (high - low < 1e-9) low -= 1, high += 1;
  const double pad = (high - low) * 0.08;
  low -= pad, high += pad;
  auto x_at = [&](double week) { return left + week / 52.0 * width; };
  auto y_at = [&](double value) { return top + (high - value) / (high - low) * height; };
  c.colour(0.6, 0.6, 0.6);
  c.line(left, y_at(0), left + width, y_at(0), 1, true);
  c.colour(0, 0, 0);
  c.rect(left, top, width, height, false);
  const double step = nice_step(high - low, 6);
  for (double v = std::ceil(low / step) * step; v <= high + 1e-9; v += step) {
    c.line(left - 4, y_at(v), left, y_at(v));
    c.text(fmt::format("{:g}", std::abs(v) < 1e-12 ? 0.0 : v), left - 7, y_at(v), 9, 1, 0.5);
  }
  for (int week : {0, 4, 8, 12, 26, 52}) {
    c.line(x_at(week), top + height, x_at(week), top + height + 4);
    c.text(std::to_string(week), x_at(week), top + height + 6, 9, 0.5);
  }
  c.text("weeks after the first session", left + width / 2, top + height + 22, 10, 0.5);
  cairo_save(c.cr());
  cairo_translate(c.cr(), left - 46, top + height / 2);
  cairo_rotate(c.cr(), -M_PI / 2);
  c.text(fmt::format("change in scale points ({} is better)", chart.lower_is_better ? "lower" : "higher"), 0, 0, 10,
         0.5, 0.5);
  cairo_restore(c.cr());

  double legend_y = top + height + 42;
  size_t drawn = 0, hidden = 0;
  std::string withheld, off_scale;
  for (const auto& s : chart.trajectories) {
    if (s.suppressed) {
      withheld += (withheld.empty() ? "" : "; ") + s.label +
                  (s.complementary ? " (so that a smaller cell cannot be worked out)" : " (too few)");
      continue;
    }
    if (s.points.empty()) {
      off_scale += (off_scale.empty() ? "" : "; ") + s.label;
      continue;
    }
    if (drawn == kMaxSeries) {
      ++hidden;
      continue;
    }
    const Rgb colour = kPalette[drawn % kPaletteSize];
    const double ly = legend_y + static_cast<double>(drawn) * 15;
    const double shift = (static_cast<double>(drawn) - 1.5) * 3;  // keeps the intervals from hiding each other
    ++drawn;
    c.colour(colour);
    c.line(left, ly + 7, left + 18, ly + 7, 2.5);
    long long n = 0;
    for (const auto& p : s.points) n = std::max(n, p.n);
    const bool some_withheld = std::any_of(s.points.begin(), s.points.end(), [](const auto& p) { return p.suppressed; });
    c.colour(0, 0, 0);
    c.text(fmt::format("{} (n up to {}){}", s.label, n, some_withheld ? "; some weeks too few, not drawn" : ""),
           left + 24, ly, 9);
    c.colour(colour);
    const ChartPoint* previous = nullptr;
    for (const auto& p : s.points) {
      if (p.suppressed) {
        previous = nullptr;
        continue;
      }
      const double x = x_at(p.week) + shift;
      if (previous) c.line(x_at(previous->week) + shift, y_at(previous->mean), x, y_at(p.mean), 2);
      c.line(x, y_at(p.ci.low), x, y_at(p.ci.high), 1.2);
      c.line(x - 3, y_at(p.ci.low), x + 3, y_at(p.ci.low), 1.2);
      c.line(x - 3, y_at(p.ci.high), x + 3, y_at(p.ci.high), 1.2);
      c.dot(x, y_at(p.mean), 3);
      previous = &p;
    }
  }
  c.colour(0.35, 0.35, 0.35);
  double note_y = legend_y + static_cast<double>(drawn) * 15 + 2;
  if (hidden) {
    c.text(fmt::format("and {} more cohorts: see the text or JSON report", hidden), left, note_y, 9);
    note_y += 15;
  }
  if (!off_scale.empty()) {
    c.text("No scores on this scale: " + off_scale, left, note_y, 9, 0, 0, false, width + 500);
    note_y += 15;
  }
  if (!withheld.empty())
    c.text(fmt::format("Withheld, fewer than {} patients or so that one cannot be worked out: {}", chart.min_cell_patients,
                       withheld),
           left, note_y, 9, 0, 0, false, width + 500);
}

void adverse_event_bars(Canvas& c, const ChartData& chart, double left, double top, double width, double height) {
  c.colour(0, 0, 0);
  c.text("Adverse events per 100 sessions, by device", left, top - 34, 11, 0, 0, true);
  const auto& bars = chart.adverse_events_by_device;
  double high = 1;
  for (const auto& b : bars)
    if (!b.suppressed) high = std::max(high, b.ci.high);
  high *= 1.1;
  c.rect(left, top, width, height, false);
  const double step = nice_step(high, 5);
  for (double v = 0; v <= high + 1e-9; v += step) {
    const double x = left + v / high * width;
    c.line(x, top + height, x, top + height + 4);
    c.text(fmt::format("{:g}", v), x, top + height + 6, 9, 0.5);
  }
  c.text("per 100 sessions (Wilson interval)", left + width / 2, top + height + 22, 10, 0.5);
  const double row = std::min(40.0, height / static_cast<double>(std::max<size_t>(1, bars.size())));
  for (size_t i = 0; i < bars.size(); ++i) {
    const auto& b = bars[i];
    const double y = top + static_cast<double>(i) * row + 4;
    if (b.suppressed) {
      c.colour(0.45, 0.45, 0.45);
      c.text(b.label + (b.complementary ? ": withheld so that a smaller cell cannot be worked out"
                                        : fmt::format(": too few (fewer than {} patients)", chart.min_cell_patients)),
             left + 4, y, 8);
      continue;
    }
    c.colour(0, 0, 0);
    c.text(fmt::format("{}: {:.1f} ({:.1f} to {:.1f}), n {} sessions", b.label, b.per_100, b.ci.low, b.ci.high, b.sessions),
           left + 4, y, 8);
    c.colour(0.337, 0.706, 0.914);
    c.rect(left, y + 13, b.per_100 / high * width, row * 0.35, true);
    c.colour(0, 0, 0);
    const double mid = y + 13 + row * 0.175;
    c.line(left + b.ci.low / high * width, mid, left + b.ci.high / high * width, mid, 1.2);
    c.line(left + b.ci.low / high * width, mid - 3, left + b.ci.low / high * width, mid + 3, 1.2);
    c.line(left + b.ci.high / high * width, mid - 3, left + b.ci.high / high * width, mid + 3, 1.2);
  }
}

}  // namespace

std::string report_png(const OutcomesReport& report, const std::string& scale) {
  const ChartData chart = chart_data(report, scale);
  const double width = 1200, height = 640;
  Canvas c(static_cast<int>(width), static_cast<int>(height));
  c.colour(0, 0, 0);
  c.text("Practice outcomes — observational, not a trial", 16, 10, 14, 0, 0, true);
  c.text(fmt::format("{:.0f}% intervals; cells under {} patients withheld; {} courses of {} patients",
                     report.request.confidence * 100, report.request.min_cell_patients, report.totals.courses,
                     report.totals.patients),
         16, 32, 10);
  trajectories(c, chart, 80, 110, 560, 320);
  adverse_event_bars(c, chart, 760, 110, 400, 320);
  c.colour(0.3, 0.3, 0.3);
  c.text(report.notice, 16, height - 40, 9, 0, 0, false, width - 32);
  return c.png();
}

}  // namespace dermaplan::outcomes
