// RFC 4180 CSV: CRLF line ends, fields quoted when they hold a quote, comma, CR or LF (quotes
// doubled), UTF-8, one header row. Text cells that a spreadsheet would run as a formula
// (starting with = + - @, tab or CR) get a leading apostrophe; numbers are written as numbers.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace dermaplan::interop {

/// One cell: text (neutralised against formula injection) or a number (written as is).
struct CsvCell {
  std::string value;
  bool numeric = false;
  static CsvCell text(std::string value) { return {std::move(value), false}; }
  static CsvCell number(long long value) { return {std::to_string(value), true}; }
  static CsvCell number(double value);
};

/// The text as a spreadsheet may safely open it: "'=1+1" for "=1+1", unchanged otherwise.
std::string neutralise_formula(std::string_view text);

/// One RFC 4180 field: quoted when needed, quotes doubled.
std::string csv_field(std::string_view value);

/// Writes rows to a stream as they come (nothing is held), the header first.
class CsvWriter {
 public:
  CsvWriter(std::ostream& out, const std::vector<std::string>& header);
  /// InputError if the row's width differs from the header's.
  void row(const std::vector<CsvCell>& cells);
  long long rows() const { return rows_; }

 private:
  std::ostream& out_;
  size_t width_;
  long long rows_ = 0;
};

}  // namespace dermaplan::interop
