// A rich patient record for the export tests: every kind of record, a Unicode name, a planned,
// a performed and a signed (and amended) session, an adverse event, outcomes and a photo.
#pragma once

#include "interop/fhir_export.h"

namespace dermaplan::testing {

interop::RecordForExport example_record();
/// Names for the record's users (1: "Dr. Ana Lúcia Gonçalves", 2: "Sam Assistant").
std::string example_user_name(long long user_id);

}  // namespace dermaplan::testing
