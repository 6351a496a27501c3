// The report's fixed vocabulary: dimensions, follow-up windows, bands, request checks.
#include "core/errors.h"
#include "outcomes/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace dermaplan::outcomes {

namespace {
const std::vector<std::pair<Dimension, const char*>> kDimensionNames = {
    {Dimension::indication, "indication"}, {Dimension::region, "region"},
    {Dimension::device, "device"},         {Dimension::needle_length, "needle-length"},
    {Dimension::sessions, "sessions"},     {Dimension::interval, "interval"},
    {Dimension::fitzpatrick, "fitzpatrick"}, {Dimension::sex, "sex"},
    {Dimension::age, "age"},               {Dimension::practitioner, "practitioner"},
    {Dimension::period, "period"}};
}  // namespace

const char* to_string(Dimension dimension) {
  for (const auto& [d, name] : kDimensionNames)
    if (d == dimension) return name;
  return "?";
}

std::optional<Dimension> parse_dimension(std::string_view text) {
  for (const auto& [d, name] : kDimensionNames)
    if (text == name) return d;
  return std::nullopt;
}

const std::vector<Dimension>& all_dimensions() {
  static const std::vector<Dimension> all = [] {
    std::vector<Dimension> out;
    for (const auto& entry : kDimensionNames) out.push_back(entry.first);
    return out;
  }();
  return all;
}

const char* to_string(Anchor anchor) { return anchor == Anchor::first_session ? "first-session" : "last-session"; }

const std::vector<FollowUpWindow>& follow_up_windows() {
  static const std::vector<FollowUpWindow> windows = {
      {Anchor::first_session, 4, 14, 42},   {Anchor::first_session, 8, 42, 70},
      {Anchor::first_session, 12, 70, 112}, {Anchor::first_session, 26, 112, 273},
      {Anchor::first_session, 52, 273, 546}, {Anchor::last_session, 0, 0, 14},
      {Anchor::last_session, 4, 14, 42},    {Anchor::last_session, 8, 42, 70},
      {Anchor::last_session, 12, 70, 112},  {Anchor::last_session, 26, 112, 273},
      {Anchor::last_session, 52, 273, 546}};
  return windows;
}

std::string value_label(const OutcomesReport& report, Dimension dimension, const std::string& value) {
  if (dimension != Dimension::practitioner) return value;
  const auto it = report.practitioner_names.find(value);
  return it == report.practitioner_names.end() || it->second.empty() ? "user " + value
                                                                       : it->second + " (user " + value + ")";
}

std::string needle_length_band(double length_mm) {
  if (length_mm <= 0.5 + 1e-9) return "up to 0.5 mm";
  const double upper = std::ceil(length_mm / 0.5 - 1e-9) * 0.5;
  return fmt::format("{:.1f}-{:.1f} mm", upper - 0.5, upper);
}

void validate(const ReportRequest& request) {
  if (request.min_cell_patients < kMinimumCellPatients)
    throw InputError("min_cell", fmt::format("{} is below the smallest cell size allowed; accepted: {} or more",
                                             request.min_cell_patients, kMinimumCellPatients));
  if (request.min_cell_patients > 1000)
    throw InputError("min_cell", fmt::format("{} is too large; accepted: {} to 1000", request.min_cell_patients,
                                             kMinimumCellPatients));
  if (!(request.confidence >= 0.5 && request.confidence <= 0.999))
    throw InputError("confidence", fmt::format("{} is not accepted; accepted: 0.5 to 0.999", request.confidence));
  if (request.from && request.to && *request.to < *request.from)
    throw InputError("to", "the period ends before it starts");
  if (request.group_by.empty()) throw InputError("by", "name at least one dimension to group by");
  for (size_t i = 0; i < request.group_by.size(); ++i)
    for (size_t j = i + 1; j < request.group_by.size(); ++j)
      if (request.group_by[i] == request.group_by[j])
        throw InputError("by", fmt::format("'{}' is named twice", to_string(request.group_by[i])));
  if (request.baseline_window_days < 0 || request.baseline_window_days > 365)
    throw InputError("baseline_window_days", "accepted: 0 to 365");
  if (request.abandoned_after_days < 14 || request.abandoned_after_days > 3650)
    throw InputError("abandoned_after_days", "accepted: 14 to 3650");
}

}  // namespace dermaplan::outcomes
