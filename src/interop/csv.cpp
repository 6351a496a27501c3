#include "interop/csv.h"

#include "core/errors.h"

#include <fmt/format.h>

namespace dermaplan::interop {

CsvCell CsvCell::number(double value) { return {fmt::format("{}", value), true}; }

std::string neutralise_formula(std::string_view text) {
  if (!text.empty()) {
    const char c = text.front();
    if (c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r') return "'" + std::string(text);
  }
  return std::string(text);
}

std::string csv_field(std::string_view value) {
  if (value.find_first_of("\",\r\n") == std::string_view::npos) return std::string(value);
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

CsvWriter::CsvWriter(std::ostream& out, const std::vector<std::string>& header) : out_(out), width_(header.size()) {
  for (size_t i = 0; i < header.size(); ++i) out_ << (i ? "," : "") << csv_field(header[i]);
  out_ << "\r\n";
}

void CsvWriter::row(const std::vector<CsvCell>& cells) {
  if (cells.size() != width_)
    throw InputError("csv", fmt::format("a row of {} cells under a header of {}", cells.size(), width_));
  for (size_t i = 0; i < cells.size(); ++i)
    out_ << (i ? "," : "") << csv_field(cells[i].numeric ? cells[i].value : neutralise_formula(cells[i].value));
  out_ << "\r\n";
  ++rows_;
}

}  // namespace dermaplan::interop
