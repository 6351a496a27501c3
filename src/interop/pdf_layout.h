// A small flowing-text PDF writer over cairo + pango, for the patient documents: headings,
// wrapped paragraphs, bullet lists, tables whose rows never split across pages (the header
// row is repeated on a new page), PNG and SVG images, and a footer on every page. Fonts are found by
// fontconfig (DejaVu Sans, with fallback for scripts it lacks, e.g. CJK) and embedded as
// subsets with Unicode maps by cairo. Not thread-safe; one object per document.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dermaplan::interop {

enum class Paper { a4, letter };

/// "a4" / "letter"; nullopt for anything else.
std::optional<Paper> parse_paper(const std::string& text);
const char* to_string(Paper paper);

struct PdfMetadata {
  std::string title;    //!< required: shown by viewers, read by pdfinfo
  std::string author;
  std::string subject;
  std::string creator = "dermaplan";
  std::string created;  //!< ISO 8601 "2026-11-22T10:00:00Z"; empty: cairo's clock
};

struct TextStyle {
  double size_pt = 10;
  bool bold = false;
  bool italic = false;
  double grey = 0;        //!< 0 black .. 1 white
  double indent_pt = 0;
};

class PdfLayout {
 public:
  PdfLayout(Paper paper, PdfMetadata metadata, std::string footer);
  ~PdfLayout();
  PdfLayout(const PdfLayout&) = delete;
  PdfLayout& operator=(const PdfLayout&) = delete;

  void heading(const std::string& text, int level = 1);
  void paragraph(const std::string& text, const TextStyle& style = {});
  void bullet(const std::string& text, const TextStyle& style = {});
  /// Column widths are fractions of the text width; every row has one cell per column.
  void table(const std::vector<double>& widths, const std::vector<std::string>& header,
             const std::vector<std::vector<std::string>>& rows);
  /// A PNG image scaled to fit max_width_pt x max_height_pt, keeping its aspect ratio.
  /// Returns false (and draws a note instead) when the bytes are not a readable PNG.
  bool image_png(const std::string& png_bytes, double max_width_pt, double max_height_pt);
  /// An SVG drawing (librsvg, drawn as vectors; nothing outside the bytes is loaded) scaled the
  /// same way. Returns false (and draws a note instead) when the bytes are not a readable SVG.
  bool image_svg(const std::string& svg_bytes, double max_width_pt, double max_height_pt);
  void space(double pt);
  void rule();
  /// Keeps the next `pt` points together: starts a new page when less is left.
  void keep(double pt);
  /// Ends the document and returns the PDF bytes. Call once.
  std::string finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dermaplan::interop
