// The kept course summaries (migration 10): one row per patient in course_summaries holding
// that patient's courses as read from the clinical tables (course_history.h), encoded, so that
// the outcomes report reads one row per patient instead of seven tables. Triggers on the seven
// tables the courses come from mark the patient's row stale in the same transaction as the
// change; the store refreshes stale rows before it reads (refresh_course_summaries), and a
// reader that still meets a stale row (written since) reads that patient from the clinical
// tables. Internal to dermaplan_records.
#pragma once

#include "records/soci_headers.h"
#include "records/store.h"

namespace dermaplan::records {

/// Recomputes every stale row from the clinical tables, a few hundred patients at a time,
/// inside the caller's write transaction (PostgreSQL: the stale rows are locked first, so a
/// concurrent change waits and marks its patient stale again after this commits).
void refresh_course_summaries(soci::session& sql, Backend backend);

/// Marks every patient with a course plan stale (and forgets any other row): after rows were
/// copied with the triggers lifted (restore) and in migration 10's backfill.
void mark_every_course_summary_stale(soci::session& sql);

}  // namespace dermaplan::records
