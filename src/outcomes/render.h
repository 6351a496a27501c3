// The outcomes report as JSON (the contract in docs/outcomes.md), text, CSV (RFC 4180) and a
// PNG chart. Every rendering starts with the report's notice and gives "too few" for a withheld
// figure, never its numbers.
#pragma once

#include "outcomes/report.h"

#include <nlohmann/json.hpp>

#include <string>

namespace dermaplan::outcomes {

nlohmann::json report_to_json(const OutcomesReport& report);

/// A plain-text report for the terminal.
std::string report_to_text(const OutcomesReport& report);

/// One row per figure: section, cohort, scale, anchor, week, measure, n, patients, count,
/// estimate, ci_low, ci_high, level, suppressed, note. The first row after the header is the notice.
std::string report_to_csv(const OutcomesReport& report);

/// A PNG (1200 x 640): mean change from baseline after the first session per cohort, with
/// intervals, on `scale` (empty: the scale with most courses), and adverse events per 100
/// sessions by device. Throws std::runtime_error if cairo fails.
std::string report_png(const OutcomesReport& report, const std::string& scale = "");

}  // namespace dermaplan::outcomes
