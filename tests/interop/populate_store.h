// Writes example_record() into a real store (users, patient, every kind of record, a signed
// and amended session, a photo), plus a second patient whose text cells are made to break CSV
// and spreadsheet readers. Returns the first patient's new id.
#pragma once

#include "records/store.h"

namespace dermaplan::testing {

long long populate_store(records::Store& store);

/// The second patient's name: quotes, comma, newline, a formula and non-Latin script.
inline constexpr const char* kTrickyName = "=HYPERLINK(\"http://x\",\"Zoë \"\"Zo\"\", O'Brien\")\r\n王小明; Ελένη";

}  // namespace dermaplan::testing
