// The practice outcomes report from the record (docs/outcomes.md): the filters as the command
// line and the API take them, and the report itself, read course by course from the store into
// the outcomes engine and audited like a read of patient data. Observational, not a trial.
#pragma once

#include "core/civil_date.h"
#include "kb/knowledge_base.h"
#include "outcomes/report.h"
#include "records/store.h"

#include <string>

namespace dermaplan::clinic {

/// The report's filters as typed (`dermaplan outcomes --by ...`, `GET /api/outcomes?by=...`);
/// empty means the default.
struct OutcomesFilters {
  std::string by = {};          //!< comma-separated dimensions; default "indication"
  std::string scale = {};       //!< one scale id; default: every outcome scale
  std::string indication = {};  //!< comma-separated indication ids; default: all
  std::string from = {};        //!< YYYY-MM-DD: courses whose first session is on or after
  std::string to = {};          //!< ... and on or before
  std::string min_cell = {};    //!< the smallest cell shown, in patients; default 5, never below 3
};

/// The engine's request for these filters as of `as_of`. InputError whose where() is the
/// filter's name ("by", "scale", "indication", "from", "to", "min_cell") and whose message says
/// what is accepted. Unknown scales and indications are refused by practice_outcomes.
outcomes::ReportRequest outcomes_request(const OutcomesFilters& filters, CivilDate as_of);

/// Who may see a practitioner's own figures: admins only (the dimension "practitioner").
bool may_group_by_practitioner(records::Role role);

/// Builds the report over every course in the record (deleted patients left out), reading the
/// store a batch of patients at a time, and appends one audit row (action read, entity
/// "outcomes_report") naming the report, its filters and how many courses and patients it
/// covers. ClinicError forbidden ("by") when `role` may not group by practitioner; InputError
/// for a bad request (as outcomes::validate, unknown scale or indication).
outcomes::OutcomesReport practice_outcomes(records::Store& store, const kb::KnowledgeBase& kb,
                                           const records::Actor& by, records::Role role,
                                           const outcomes::ReportRequest& request);

/// The engine's row for one course of the record (what practice_outcomes streams).
void to_course_row(const records::CourseHistory& course, outcomes::CourseRow& row);

}  // namespace dermaplan::clinic
