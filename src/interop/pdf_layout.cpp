#include "interop/pdf_layout.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <librsvg/rsvg.h>
#include <pango/pangocairo.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace dermaplan::interop {

std::optional<Paper> parse_paper(const std::string& text) {
  if (text == "a4") return Paper::a4;
  if (text == "letter") return Paper::letter;
  return std::nullopt;
}

const char* to_string(Paper paper) { return paper == Paper::a4 ? "a4" : "letter"; }

namespace {
constexpr double kMargin = 56.7;  // 20 mm
constexpr double kFooter = 28;

cairo_status_t append_bytes(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

struct PngSource {
  const std::string* bytes;
  size_t offset = 0;
};
cairo_status_t read_bytes(void* closure, unsigned char* data, unsigned int length) {
  auto* source = static_cast<PngSource*>(closure);
  if (source->bytes->size() - source->offset < length) return CAIRO_STATUS_READ_ERROR;
  std::memcpy(data, source->bytes->data() + source->offset, length);
  source->offset += length;
  return CAIRO_STATUS_SUCCESS;
}
}  // namespace

struct PdfLayout::Impl {
  std::string bytes;
  double width = 0, height = 0;
  std::string footer;
  cairo_surface_t* surface = nullptr;
  cairo_t* cr = nullptr;
  double y = kMargin;
  int page = 1;
  bool finished = false;
  std::vector<std::string> table_header;  // repeated on page breaks within a table
  std::vector<double> table_widths;

  double text_width() const { return width - 2 * kMargin; }
  double bottom() const { return height - kMargin - kFooter; }

  PangoLayout* layout(const std::string& text, const TextStyle& style, double width_pt) {
    PangoLayout* l = pango_cairo_create_layout(cr);
    PangoFontDescription* font = pango_font_description_from_string("DejaVu Sans");
    pango_font_description_set_absolute_size(font, style.size_pt * PANGO_SCALE);
    if (style.bold) pango_font_description_set_weight(font, PANGO_WEIGHT_BOLD);
    if (style.italic) pango_font_description_set_style(font, PANGO_STYLE_ITALIC);
    pango_layout_set_font_description(l, font);
    pango_font_description_free(font);
    pango_layout_set_width(l, static_cast<int>(width_pt * PANGO_SCALE));
    pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_text(l, text.c_str(), static_cast<int>(text.size()));
    return l;
  }

  static double layout_height(PangoLayout* l) {
    int w = 0, h = 0;
    pango_layout_get_size(l, &w, &h);
    return static_cast<double>(h) / PANGO_SCALE;
  }

  void draw_footer() {
    TextStyle style{.size_pt = 8, .grey = 0.4};
    PangoLayout* l = layout(fmt::format("{} · page {}", footer, page), style, text_width());
    cairo_set_source_rgb(cr, style.grey, style.grey, style.grey);
    cairo_move_to(cr, kMargin, height - kMargin - layout_height(l) + 8);
    pango_cairo_show_layout(cr, l);
    g_object_unref(l);
  }

  void new_page() {
    draw_footer();
    cairo_show_page(cr);
    ++page;
    y = kMargin;
  }

  void ensure(double pt) {
    if (y + pt > bottom() && y > kMargin) new_page();
  }

  /// Draws a layout line by line at x, breaking pages between lines.
  void flow(PangoLayout* l, double x, double grey) {
    PangoLayoutIter* iter = pango_layout_get_iter(l);
    double line_top = 0;  // the layout's y of the current page's first line
    bool first = true;
    do {
      PangoRectangle logical;
      pango_layout_iter_get_line_extents(iter, nullptr, &logical);
      const double top = static_cast<double>(logical.y) / PANGO_SCALE;
      const double h = static_cast<double>(logical.height) / PANGO_SCALE;
      if (first) line_top = top, first = false;
      if (y + (top - line_top) + h > bottom()) {
        y += top - line_top;
        new_page();
        line_top = top;
      }
      const double baseline = static_cast<double>(pango_layout_iter_get_baseline(iter)) / PANGO_SCALE;
      cairo_set_source_rgb(cr, grey, grey, grey);
      cairo_move_to(cr, x, y + (baseline - line_top));
      pango_cairo_show_layout_line(cr, pango_layout_iter_get_line_readonly(iter));
      if (!pango_layout_iter_next_line(iter)) {
        y += top - line_top + h;
        break;
      }
    } while (true);
    pango_layout_iter_free(iter);
  }

  void text_block(const std::string& text, const TextStyle& style, double after) {
    PangoLayout* l = layout(text, style, text_width() - style.indent_pt);
    flow(l, kMargin + style.indent_pt, style.grey);
    g_object_unref(l);
    y += after;
  }

  /// One table row: cells laid out side by side, drawn together on one page.
  void row(const std::vector<std::string>& cells, bool header) {
    const double pad = 3;
    TextStyle style{.size_pt = 9.5, .bold = header};
    std::vector<PangoLayout*> layouts;
    double h = 0;
    for (size_t i = 0; i < cells.size(); ++i) {
      layouts.push_back(layout(cells[i], style, table_widths[i] * text_width() - 2 * pad));
      h = std::max(h, layout_height(layouts.back()));
    }
    h += 2 * pad;
    if (y + h > bottom() && y > kMargin) {
      new_page();
      if (!header && !table_header.empty()) row(table_header, true);
    }
    if (header) {
      cairo_set_source_rgb(cr, 0.9, 0.92, 0.95);
      cairo_rectangle(cr, kMargin, y, text_width(), h);
      cairo_fill(cr);
    }
    double x = kMargin;
    for (size_t i = 0; i < layouts.size(); ++i) {
      cairo_set_source_rgb(cr, 0, 0, 0);
      cairo_move_to(cr, x + pad, y + pad);
      pango_cairo_show_layout(cr, layouts[i]);
      x += table_widths[i] * text_width();
      g_object_unref(layouts[i]);
    }
    cairo_set_source_rgb(cr, 0.75, 0.75, 0.75);
    cairo_set_line_width(cr, 0.5);
    cairo_move_to(cr, kMargin, y + h);
    cairo_line_to(cr, kMargin + text_width(), y + h);
    cairo_stroke(cr);
    y += h;
  }
};

PdfLayout::PdfLayout(Paper paper, PdfMetadata metadata, std::string footer) : impl_(std::make_unique<Impl>()) {
  Impl& d = *impl_;
  d.width = paper == Paper::a4 ? 595.276 : 612;
  d.height = paper == Paper::a4 ? 841.89 : 792;
  d.footer = std::move(footer);
  d.surface = cairo_pdf_surface_create_for_stream(append_bytes, &d.bytes, d.width, d.height);
  cairo_pdf_surface_restrict_to_version(d.surface, CAIRO_PDF_VERSION_1_5);
  cairo_pdf_surface_set_metadata(d.surface, CAIRO_PDF_METADATA_TITLE, metadata.title.c_str());
  if (!metadata.author.empty()) cairo_pdf_surface_set_metadata(d.surface, CAIRO_PDF_METADATA_AUTHOR, metadata.author.c_str());
  if (!metadata.subject.empty())
    cairo_pdf_surface_set_metadata(d.surface, CAIRO_PDF_METADATA_SUBJECT, metadata.subject.c_str());
  cairo_pdf_surface_set_metadata(d.surface, CAIRO_PDF_METADATA_CREATOR, metadata.creator.c_str());
  if (!metadata.created.empty())
    cairo_pdf_surface_set_metadata(d.surface, CAIRO_PDF_METADATA_CREATE_DATE, metadata.created.c_str());
  d.cr = cairo_create(d.surface);
  if (cairo_status(d.cr) != CAIRO_STATUS_SUCCESS) throw std::runtime_error("cairo: cannot create a PDF surface");
}

PdfLayout::~PdfLayout() {
  if (impl_->cr) cairo_destroy(impl_->cr);
  if (impl_->surface) cairo_surface_destroy(impl_->surface);
}

void PdfLayout::heading(const std::string& text, int level) {
  const double size = level == 1 ? 17 : level == 2 ? 13 : 11;
  impl_->y += level == 1 ? 0 : 8;
  impl_->ensure(size * 3.5);  // never a heading alone at the foot of a page
  impl_->text_block(text, TextStyle{.size_pt = size, .bold = true}, level == 1 ? 8 : 4);
}

void PdfLayout::paragraph(const std::string& text, const TextStyle& style) { impl_->text_block(text, style, 5); }

void PdfLayout::bullet(const std::string& text, const TextStyle& style) {
  TextStyle inner = style;
  inner.indent_pt = style.indent_pt + 12;
  impl_->ensure(style.size_pt * 1.4);
  PangoLayout* dot = impl_->layout("•", style, 12);
  cairo_set_source_rgb(impl_->cr, style.grey, style.grey, style.grey);
  cairo_move_to(impl_->cr, kMargin + style.indent_pt + 2, impl_->y);
  pango_cairo_show_layout(impl_->cr, dot);
  g_object_unref(dot);
  impl_->text_block(text, inner, 3);
}

void PdfLayout::table(const std::vector<double>& widths, const std::vector<std::string>& header,
                      const std::vector<std::vector<std::string>>& rows) {
  Impl& d = *impl_;
  d.table_widths = widths;
  d.table_header = header;
  d.ensure(60);
  if (!header.empty()) d.row(header, true);
  for (const auto& r : rows) {
    if (r.size() != widths.size()) throw std::logic_error("table row width differs from its columns");
    d.row(r, false);
  }
  d.table_header.clear();
  d.y += 8;
}

bool PdfLayout::image_png(const std::string& png_bytes, double max_width_pt, double max_height_pt) {
  Impl& d = *impl_;
  PngSource source{&png_bytes};
  cairo_surface_t* image = cairo_image_surface_create_from_png_stream(read_bytes, &source);
  if (cairo_surface_status(image) != CAIRO_STATUS_SUCCESS) {
    cairo_surface_destroy(image);
    paragraph("(the stored image could not be read as a PNG)", TextStyle{.italic = true});
    return false;
  }
  const double w = cairo_image_surface_get_width(image), h = cairo_image_surface_get_height(image);
  const double scale = std::min({max_width_pt / w, max_height_pt / h, d.text_width() / w});
  d.ensure(h * scale + 4);
  cairo_save(d.cr);
  cairo_translate(d.cr, kMargin, d.y);
  cairo_scale(d.cr, scale, scale);
  cairo_set_source_surface(d.cr, image, 0, 0);
  cairo_paint(d.cr);
  cairo_restore(d.cr);
  cairo_surface_destroy(image);
  d.y += h * scale + 4;
  return true;
}

bool PdfLayout::image_svg(const std::string& svg_bytes, double max_width_pt, double max_height_pt) {
  Impl& d = *impl_;
  GError* error = nullptr;
  // From memory, without a base file: librsvg resolves no external reference then.
  RsvgHandle* svg = rsvg_handle_new_from_data(reinterpret_cast<const guint8*>(svg_bytes.data()), svg_bytes.size(),
                                              &error);
  double w = 0, h = 0;
  if (svg && !rsvg_handle_get_intrinsic_size_in_pixels(svg, &w, &h)) {
    // Only a viewBox (or percentages): its aspect ratio in the box given.
    gboolean has_viewbox = FALSE;
    RsvgRectangle viewbox{};
    rsvg_handle_get_intrinsic_dimensions(svg, nullptr, nullptr, nullptr, nullptr, &has_viewbox, &viewbox);
    w = has_viewbox ? viewbox.width : max_width_pt;
    h = has_viewbox ? viewbox.height : max_height_pt;
  }
  bool drawn = false;
  if (svg && w > 0 && h > 0) {
    const double scale = std::min({max_width_pt / w, max_height_pt / h, d.text_width() / w});
    d.ensure(h * scale + 4);
    const RsvgRectangle viewport{kMargin, d.y, w * scale, h * scale};
    cairo_save(d.cr);
    drawn = rsvg_handle_render_document(svg, d.cr, &viewport, &error);
    cairo_restore(d.cr);
    if (drawn) d.y += h * scale + 4;
  }
  if (error) g_error_free(error);
  if (svg) g_object_unref(svg);
  if (!drawn) paragraph("(the stored image could not be read as an SVG drawing)", TextStyle{.italic = true});
  return drawn;
}

void PdfLayout::space(double pt) { impl_->y += pt; }

void PdfLayout::rule() {
  Impl& d = *impl_;
  d.ensure(6);
  cairo_set_source_rgb(d.cr, 0.6, 0.6, 0.6);
  cairo_set_line_width(d.cr, 0.6);
  cairo_move_to(d.cr, kMargin, d.y + 2);
  cairo_line_to(d.cr, kMargin + d.text_width(), d.y + 2);
  cairo_stroke(d.cr);
  d.y += 6;
}

void PdfLayout::keep(double pt) { impl_->ensure(pt); }

std::string PdfLayout::finish() {
  Impl& d = *impl_;
  if (d.finished) throw std::logic_error("PdfLayout::finish called twice");
  d.finished = true;
  d.draw_footer();
  cairo_show_page(d.cr);
  cairo_destroy(d.cr);
  d.cr = nullptr;
  cairo_surface_finish(d.surface);
  const cairo_status_t status = cairo_surface_status(d.surface);
  cairo_surface_destroy(d.surface);
  d.surface = nullptr;
  if (status != CAIRO_STATUS_SUCCESS) throw std::runtime_error(std::string("cairo: ") + cairo_status_to_string(status));
  return std::move(d.bytes);
}

}  // namespace dermaplan::interop
