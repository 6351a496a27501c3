// Treatment sessions: planned -> performed -> signed, immutability once signed, amendments that
// keep the original, and lot traceability.
#include "store_test_support.h"

namespace dermaplan::records::testing {
namespace {

class StoreSessions : public StoreTest {
 protected:
  TreatmentSession performed_session(Store& store, const Actor& by, long long patient_id,
                                     const std::string& date, const std::string& lot) {
    TreatmentSession s;
    s.patient_id = patient_id;
    s.session_date = date;
    s.practitioner_id = by.user_id;
    s.device_id = "dermapen-4";
    s.needle_lengths = {{"cheek_left", 1.5}, {"forehead", 0.5}};
    s.lot_number = lot;
    s.passes = 3;
    s.directions = "vertical, horizontal, diagonal";
    s.anaesthetic = "lidocaine 4% cream";
    s.anaesthetic_minutes = 30;
    s.end_point = "uniform pinpoint bleeding";
    s.products_applied = "hyaluronic acid serum";
    s.status = SessionStatus::performed;
    return store.create_session(by, s);
  }
};
DERMAPLAN_INSTANTIATE_BACKENDS(StoreSessions);

TEST_P(StoreSessions, PlannedSessionBecomesPerformedAndKeepsEveryField) {
  auto store = open();
  Actor admin = make_admin(*store);
  Patient p = make_patient(*store, admin, "Ida Jung");
  CoursePlan plan;
  plan.patient_id = p.id;
  plan.indication = "skin_rejuvenation";
  plan.plan_json = "{}";
  plan = store->add_course_plan(admin, plan);

  TreatmentSession s;
  s.patient_id = p.id;
  s.plan_id = plan.id;
  s.session_date = "2026-06-01";
  s.status = SessionStatus::planned;
  s = store->create_session(admin, s);
  EXPECT_EQ(s.practitioner_id, 0);
  EXPECT_EQ(s.row_version, 1);

  s.status = SessionStatus::performed;
  s.practitioner_id = admin.user_id;
  s.device_id = "roller-192";
  s.needle_lengths = {{"cheek_right", 1.0}, {"cheek_left", 1.25}};
  s.lot_number = "  LOT-A1  ";
  s.passes = 4;
  s.anaesthetic_minutes = 45;
  TreatmentSession saved = store->update_session(admin, s);
  EXPECT_EQ(saved.row_version, 2);
  EXPECT_EQ(saved.lot_number, "LOT-A1");  // trimmed

  auto loaded = store->find_session(s.id);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->status, SessionStatus::performed);
  EXPECT_EQ(loaded->plan_id, plan.id);
  EXPECT_EQ(loaded->device_id, "roller-192");
  ASSERT_EQ(loaded->needle_lengths.size(), 2u);
  EXPECT_EQ(loaded->needle_lengths[0], (RegionNeedleLength{"cheek_left", 1.25}));  // by region
  EXPECT_EQ(loaded->anaesthetic_minutes, 45);
  EXPECT_THROW(store->update_session(admin, s), ConflictError);  // stale version

  TreatmentSession bad = *loaded;
  bad.needle_lengths = {{"cheek_left", 9.0}};
  EXPECT_THROW(store->update_session(admin, bad), InvalidRecordError);
  bad = *loaded;
  bad.status = SessionStatus::signed_off;
  EXPECT_THROW(store->update_session(admin, bad), InvalidRecordError);  // only sign_session signs

  TreatmentSession other_plan = s;
  other_plan.plan_id = 999;
  EXPECT_THROW(store->create_session(admin, other_plan), InvalidRecordError);
  EXPECT_EQ(store->list_sessions(p.id).size(), 1u);
}

TEST_P(StoreSessions, SignedSessionIsImmutableAndTakesAmendments) {
  auto store = open();
  Actor admin = make_admin(*store);
  Patient p = make_patient(*store, admin, "Jana Kohl");
  TreatmentSession s = performed_session(*store, admin, p.id, "2026-06-02", "LOT-7");

  TreatmentSession signed_session = store->sign_session(admin, s.id, s.row_version);
  EXPECT_EQ(signed_session.status, SessionStatus::signed_off);
  EXPECT_EQ(signed_session.signed_by, admin.user_id);
  EXPECT_GT(signed_session.signed_at_ms, 0);

  TreatmentSession edit = *store->find_session(s.id);
  edit.status = SessionStatus::performed;
  edit.notes = "changed after signing";
  EXPECT_THROW(store->update_session(admin, edit), SignedSessionError);
  EXPECT_THROW(store->sign_session(admin, s.id, edit.row_version), SignedSessionError);
  try {
    store->update_session(admin, edit);
  } catch (const RecordError& e) {
    EXPECT_EQ(e.code(), RecordErrorCode::immutable);
  }

  // Corrections are amendments; the session keeps its original values.
  Amendment a1 = store->add_amendment(admin, s.id, "lot_number", "LOT-8", "wrong lot transcribed");
  EXPECT_EQ(a1.old_value, "LOT-7");
  EXPECT_EQ(a1.new_value, "LOT-8");
  Amendment a2 = store->add_amendment(admin, s.id, "lot_number", "LOT-9", "second correction");
  EXPECT_EQ(a2.old_value, "LOT-8");  // the value in force before it
  Amendment a3 = store->add_amendment(admin, s.id, "needle_lengths",
                                      R"([{"region":"cheek_left","needle_length_mm":1.0}])", "typo");
  EXPECT_EQ(a3.old_value, R"([{"needle_length_mm":1.5,"region":"cheek_left"},{"needle_length_mm":0.5,"region":"forehead"}])");
  EXPECT_THROW(store->add_amendment(admin, s.id, "status", "performed", "no"), InvalidRecordError);
  EXPECT_THROW(store->add_amendment(admin, s.id, "passes", "three", "no"), InvalidRecordError);
  EXPECT_THROW(store->add_amendment(admin, s.id, "notes", "x", ""), InvalidRecordError);

  auto amendments = store->list_amendments(s.id);
  ASSERT_EQ(amendments.size(), 3u);
  EXPECT_EQ(amendments[0].reason, "wrong lot transcribed");
  EXPECT_EQ(amendments[0].author_id, admin.user_id);
  EXPECT_EQ(store->find_session(s.id)->lot_number, "LOT-7");  // the original is kept

  // Amendments are only for signed sessions.
  TreatmentSession open_session = performed_session(*store, admin, p.id, "2026-06-09", "LOT-7");
  EXPECT_THROW(store->add_amendment(admin, open_session.id, "notes", "x", "y"), InvalidRecordError);
  TreatmentSession planned = open_session;
  planned.status = SessionStatus::planned;
  planned.session_date = "2026-06-30";
  planned = store->create_session(admin, planned);
  EXPECT_THROW(store->sign_session(admin, planned.id, planned.row_version), InvalidRecordError);
}

TEST_P(StoreSessions, APerformedSessionStaysPerformed) {
  // A treatment that happened is a fact: an edit cannot make it planned again (and re-date it
  // as if it had not been done).
  auto store = open();
  Actor admin = make_admin(*store);
  Patient p = make_patient(*store, admin, "Ole Fakt");
  TreatmentSession s = performed_session(*store, admin, p.id, "2026-06-08", "LOT-7");
  TreatmentSession back = s;
  back.status = SessionStatus::planned;
  try {
    store->update_session(admin, back);
    ADD_FAILURE() << "set back to planned";
  } catch (const InvalidRecordError& e) {
    EXPECT_EQ(e.where(), "session.status");
  }
  EXPECT_EQ(store->find_session(s.id)->status, SessionStatus::performed);
  EXPECT_EQ(store->find_session(s.id)->row_version, s.row_version);
}

TEST_P(StoreSessions, AnEditStoresThePlanOfTheSamePatientOnly) {
  auto store = open();
  Actor admin = make_admin(*store);
  Patient p = make_patient(*store, admin, "Pia Plan");
  Patient other = make_patient(*store, admin, "Otto Other");
  auto plan_of = [&](const Patient& who) {
    CoursePlan plan;
    plan.patient_id = who.id;
    plan.indication = "skin_rejuvenation";
    plan.plan_json = "{}";
    return store->add_course_plan(admin, plan).id;
  };
  const long long own = plan_of(p);
  const long long foreign = plan_of(other);
  TreatmentSession s;
  s.patient_id = p.id;
  s.session_date = "2026-06-01";
  s.status = SessionStatus::planned;
  s = store->create_session(admin, s);
  ASSERT_EQ(s.plan_id, 0);

  for (const long long wrong : {foreign, 424242LL}) {
    SCOPED_TRACE(wrong);
    TreatmentSession edit = s;
    edit.plan_id = wrong;
    try {
      store->update_session(admin, edit);
      ADD_FAILURE() << "stored plan " << wrong;
    } catch (const InvalidRecordError& e) {
      EXPECT_EQ(e.where(), "session.plan_id");
    }
  }
  TreatmentSession edit = s;
  edit.plan_id = own;
  const TreatmentSession saved = store->update_session(admin, edit);
  EXPECT_EQ(saved.plan_id, own);
  EXPECT_EQ(store->find_session(s.id)->plan_id, own);
  // And back to none.
  edit = saved;
  edit.plan_id = 0;
  EXPECT_EQ(store->update_session(admin, edit).plan_id, 0);
  EXPECT_EQ(store->find_session(s.id)->plan_id, 0);
}

TEST_P(StoreSessions, DatabaseRefusesRawUpdatesOfSignedSessions) {
  auto store = open();
  Actor admin = make_admin(*store);
  Patient p = make_patient(*store, admin, "Kim Lang");
  TreatmentSession s = performed_session(*store, admin, p.id, "2026-06-03", "LOT-1");
  store->sign_session(admin, s.id, s.row_version);
  auto sql = raw(db());
  EXPECT_ANY_THROW(*sql << "UPDATE treatment_sessions SET notes = 'sneaky' WHERE id = " << s.id);
  EXPECT_ANY_THROW(*sql << "DELETE FROM treatment_sessions WHERE id = " << s.id);
  EXPECT_EQ(store->find_session(s.id)->notes, "");
}

TEST_P(StoreSessions, LotTraceFindsEverySessionAndPatient) {
  auto store = open();
  Actor admin = make_admin(*store);
  Patient a = make_patient(*store, admin, "Lea Maus");
  Patient b = make_patient(*store, admin, "Mia Nagel");
  Patient c = make_patient(*store, admin, "Nora Ott");
  auto s1 = performed_session(*store, admin, a.id, "2026-01-10", "LOT-X");
  auto s2 = performed_session(*store, admin, a.id, "2026-02-10", "LOT-X");
  auto s3 = performed_session(*store, admin, b.id, "2026-01-20", "LOT-X");
  performed_session(*store, admin, c.id, "2026-01-15", "LOT-Y");
  // c's second session was recorded with the wrong lot, then corrected to LOT-X by amendment.
  auto s5 = performed_session(*store, admin, c.id, "2026-03-01", "LOT-Z");
  store->sign_session(admin, s5.id, s5.row_version);
  store->add_amendment(admin, s5.id, "lot_number", "LOT-X", "label misread");

  LotTrace trace = store->trace_lot(" LOT-X ");
  ASSERT_EQ(trace.sessions.size(), 4u);
  EXPECT_EQ(trace.sessions[0].id, s1.id);  // by date
  EXPECT_EQ(trace.sessions[1].id, s3.id);
  EXPECT_EQ(trace.sessions[2].id, s2.id);
  EXPECT_EQ(trace.sessions[3].id, s5.id);
  ASSERT_EQ(trace.patients.size(), 3u);
  EXPECT_EQ(trace.patients[0].id, a.id);
  EXPECT_EQ(trace.patients[1].id, b.id);
  EXPECT_EQ(trace.patients[2].id, c.id);
  EXPECT_TRUE(store->trace_lot("LOT-NONE").sessions.empty());
  EXPECT_THROW(store->trace_lot("  "), InvalidRecordError);
}

TEST_P(StoreSessions, ALotIsFoundWhateverTheCaseOfItsAsciiLetters) {
  // A recall for "L1" finds the session noted "l1" and the one amended to "l1"; letters outside
  // ASCII match exactly, the same on both backends (PostgreSQL's LOWER() folds them, SQLite's not).
  auto store = open();
  Actor admin = make_admin(*store);
  Patient p = make_patient(*store, admin, "Lou Lot");
  TreatmentSession lower = performed_session(*store, admin, p.id, "2026-06-01", "l1");
  TreatmentSession amended = performed_session(*store, admin, p.id, "2026-06-02", "OTHER");
  amended = store->sign_session(admin, amended.id, amended.row_version);
  store->add_amendment(admin, amended.id, "lot_number", "l1", "label misread");
  performed_session(*store, admin, p.id, "2026-06-03", "L12");
  TreatmentSession accented = performed_session(*store, admin, p.id, "2026-06-04", "LÄ-1");
  struct Case {
    const char* query;
    std::vector<long long> sessions;
  };
  const std::vector<Case> cases{
      {"L1", {lower.id, amended.id}},
      {"l1", {lower.id, amended.id}},
      {"LÄ-1", {accented.id}},
      {"lä-1", {}},  // ä is not ASCII: not the same lot
      {"lÄ-1", {accented.id}},
  };
  for (const auto& k : cases) {
    SCOPED_TRACE(k.query);
    std::vector<long long> found;
    for (const auto& s : store->trace_lot(k.query).sessions) found.push_back(s.id);
    EXPECT_EQ(found, k.sessions);
  }
}

TEST_P(StoreSessions, AgendaQueriesFindSessionsAndAssessmentsByDate) {
  auto store = open();
  Actor admin = make_admin(*store);
  Patient a = make_patient(*store, admin, "Agenda A");
  Patient b = make_patient(*store, admin, "Agenda B");
  Patient gone = make_patient(*store, admin, "Agenda Deleted");
  auto planned = [&](const Patient& p, const std::string& date) {
    TreatmentSession s;
    s.patient_id = p.id;
    s.session_date = date;
    s.device_id = "dermapen-4";
    s.status = SessionStatus::planned;
    return store->create_session(admin, s);
  };
  planned(a, "2026-11-30");
  auto b1 = planned(b, "2026-11-22");
  auto a1 = planned(a, "2026-11-22");
  planned(a, "2026-11-21");  // the day before
  auto b2 = performed_session(*store, admin, b.id, "2026-11-25", "LOT-1");
  planned(gone, "2026-11-23");
  store->delete_patient(admin, gone.id, "test");

  auto week = store->list_sessions_between("2026-11-22", "2026-11-29");
  ASSERT_EQ(week.size(), 3u);
  EXPECT_EQ(week[0].id, b1.id);  // same day: by id
  EXPECT_EQ(week[1].id, a1.id);
  EXPECT_EQ(week[2].id, b2.id);
  EXPECT_EQ(week[2].needle_lengths.size(), 2u) << "sessions come whole";
  EXPECT_EQ(store->list_sessions_between("2026-11-30", "2026-11-30").size(), 1u) << "both ends inclusive";
  EXPECT_TRUE(store->list_sessions_between("2027-01-01", "2027-12-31").empty());
  EXPECT_THROW(store->list_sessions_between("2026-13-01", "2026-12-01"), InvalidRecordError);

  CoursePlan plan;
  plan.patient_id = a.id;
  plan.indication = "acne-scars";
  plan.plan_json = "{}";
  plan.assessment_date = "2026-11-27";
  plan = store->add_course_plan(admin, plan);
  EXPECT_EQ(store->find_course_plan(plan.id)->assessment_date, "2026-11-27");
  plan.assessment_date = "";
  store->add_course_plan(admin, plan);  // no assessment date: never on the agenda
  plan.assessment_date = "not a date";
  EXPECT_THROW(store->add_course_plan(admin, plan), InvalidRecordError);
  auto assessed = store->list_plans_assessed_between("2026-11-22", "2026-11-29");
  ASSERT_EQ(assessed.size(), 1u);
  EXPECT_EQ(assessed[0].patient_id, a.id);
  EXPECT_TRUE(store->list_plans_assessed_between("2026-11-28", "2026-12-31").empty());
}

}  // namespace
}  // namespace dermaplan::records::testing
