// The record read course by course for the outcomes report: what each course carries (only
// performed and signed sessions, amended values in force, the skin type in force, the
// patient's scores, the events that followed), order, deleted patients, batches and filters;
// the summaries the store keeps per patient agree with the clinical tables after every kind of
// write, a restore and a write behind the store's back.
#include "store_test_support.h"

namespace dermaplan::records::testing {
namespace {

class StoreCourseHistory : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    StoreOptions options;
    options.now_ms = [this] { return now_ms_; };
    store_ = open(options);
    admin_ = make_admin(*store_);
  }

  CoursePlan plan(long long patient_id, const std::string& indication, const std::string& plan_json) {
    CoursePlan p;
    p.patient_id = patient_id;
    p.indication = indication;
    p.plan_json = plan_json;
    return store_->add_course_plan(admin_, p);
  }

  TreatmentSession session(long long patient_id, long long plan_id, const std::string& date, SessionStatus status,
                           const std::string& lot = "LOT-1") {
    TreatmentSession s;
    s.patient_id = patient_id;
    s.plan_id = plan_id;
    s.session_date = date;
    s.practitioner_id = admin_.user_id;
    s.device_id = "dermaroller-192-1.0";
    s.needle_lengths = {{"cheek", 1.0}};
    s.lot_number = lot;
    s.status = status == SessionStatus::signed_off ? SessionStatus::performed : status;
    s = store_->create_session(admin_, s);
    if (status == SessionStatus::signed_off) s = store_->sign_session(admin_, s.id, s.row_version);
    return s;
  }

  void intake(long long patient_id, const std::string& json) {
    Intake i;
    i.patient_id = patient_id;
    i.intake_json = json;
    store_->add_intake(admin_, i);
  }

  void event(long long patient_id, long long session_id, const std::string& type, const std::string& onset) {
    AdverseEvent e;
    e.patient_id = patient_id;
    e.session_id = session_id;
    e.event_type = type;
    e.severity = Severity::moderate;
    e.onset_date = onset;
    store_->add_adverse_event(admin_, e);
  }

  void score(long long patient_id, double value, const std::string& date) {
    OutcomeAssessment o;
    o.patient_id = patient_id;
    o.scale_id = "goodman-baron-qualitative";
    o.score = value;
    o.region = "cheek";
    o.assessed_on = date;
    store_->add_outcome(admin_, o);
  }

  std::vector<CourseHistory> read_all(CourseHistoryQuery query = {}) {
    std::vector<CourseHistory> out;
    auto cursor = store_->read_course_histories(query);
    CourseHistory c;
    while (cursor->next(c)) out.push_back(c);
    return out;
  }

  /// Every course twice, from the kept summaries and from the clinical tables, which must agree;
  /// after the first read no summary is stale (the report read the summaries, not the tables).
  void expect_summaries_match(const std::string& step) {
    SCOPED_TRACE(step);
    const auto kept = read_all();
    EXPECT_EQ(stale_summaries(), 0);
    CourseHistoryQuery tables;
    tables.from_clinical_tables = true;
    const auto recomputed = read_all(tables);
    ASSERT_EQ(kept.size(), recomputed.size());
    for (size_t k = 0; k < kept.size(); ++k) EXPECT_TRUE(kept[k] == recomputed[k]) << "course " << k;
  }

  int stale_summaries() {
    int n = 0;
    *raw(db()) << "SELECT COUNT(*) FROM course_summaries WHERE stale <> 0", soci::into(n);
    return n;
  }

  // 2026-01-01T00:00:00Z
  long long now_ms_ = 1'767'225'600'000;
  std::unique_ptr<Store> store_;
  Actor admin_;
};
DERMAPLAN_INSTANTIATE_BACKENDS(StoreCourseHistory);

const char* kPlanOfThree =
    R"({"indication": "acne-scars", "sessions": [{"number": 1}, {"number": 2}, {"number": 3},)"
    R"( {"number": 4, "optional": true}], "areas": [{"region": "cheek", "sessions": [{"number": 9}]}]})";

TEST_P(StoreCourseHistory, ACourseCarriesWhatTheReportNeedsAsInForce) {
  Patient p = make_patient(*store_, admin_, "Ada Course");
  intake(p.id, R"({"fitzpatrick": 2, "sex": "female"})");  // recorded 2026-01-01
  CoursePlan acne = plan(p.id, "acne-scars", kPlanOfThree);
  session(p.id, acne.id, "2026-01-05", SessionStatus::planned);  // not performed: left out
  TreatmentSession first = session(p.id, acne.id, "2026-01-12", SessionStatus::signed_off, "LOT-OLD");
  TreatmentSession second = session(p.id, acne.id, "2026-02-09", SessionStatus::performed);
  store_->add_amendment(admin_, first.id, "lot_number", "LOT-NEW", "wrong lot written down");
  store_->add_amendment(admin_, first.id, "needle_lengths", R"([{"region": "cheek", "needle_length_mm": 1.5}])",
                        "the 1.5 mm roller was used");
  now_ms_ += 90LL * 86'400'000;  // an intake recorded after the first session does not count for it
  intake(p.id, R"({"fitzpatrick": 5})");
  score(p.id, 4, "2026-01-12");
  score(p.id, 3, "2026-04-06");
  event(p.id, second.id, "erythema", "2026-02-10");
  event(p.id, 0, "infection", "2026-03-01");

  const auto courses = read_all();
  ASSERT_EQ(courses.size(), 1u);
  const CourseHistory& c = courses[0];
  EXPECT_EQ(c.patient_id, p.id);
  EXPECT_EQ(c.plan_id, acne.id);
  EXPECT_EQ(c.indication, "acne-scars");
  EXPECT_EQ(c.planned_sessions, 3);  // the optional fourth is not required
  EXPECT_EQ(c.patient_sex, "female");
  EXPECT_EQ(c.patient_birth_date, "1985-04-12");
  EXPECT_EQ(c.fitzpatrick, 2);
  ASSERT_EQ(c.sessions.size(), 2u);
  EXPECT_EQ(c.sessions[0].id, first.id);
  EXPECT_EQ(c.sessions[0].status, SessionStatus::signed_off);
  EXPECT_EQ(c.sessions[0].lot_number, "LOT-NEW");
  ASSERT_EQ(c.sessions[0].needle_lengths.size(), 1u);
  EXPECT_DOUBLE_EQ(c.sessions[0].needle_lengths[0].needle_length_mm, 1.5);
  EXPECT_EQ(c.sessions[1].lot_number, "LOT-1");
  EXPECT_EQ(c.sessions[1].device_id, "dermaroller-192-1.0");
  EXPECT_EQ(c.sessions[1].practitioner_id, admin_.user_id);
  ASSERT_EQ(c.scores.size(), 2u);
  EXPECT_EQ(c.scores[0].assessed_on, "2026-01-12");
  EXPECT_DOUBLE_EQ(c.scores[1].score, 3);
  ASSERT_EQ(c.adverse_events.size(), 2u);
  EXPECT_EQ(c.adverse_events[0].session_id, second.id);
  EXPECT_EQ(c.adverse_events[0].severity, Severity::moderate);
  EXPECT_EQ(c.adverse_events[1].session_id, 0);
  EXPECT_EQ(c.adverse_events[1].event_type, "infection");
}

TEST_P(StoreCourseHistory, AnAmendedDateReordersAndEventsWithoutASessionGoToTheirCourse) {
  Patient p = make_patient(*store_, admin_, "Bea Two Courses");
  CoursePlan early = plan(p.id, "acne-scars", kPlanOfThree);
  CoursePlan late = plan(p.id, "melasma", "{}");
  TreatmentSession a = session(p.id, early.id, "2026-01-10", SessionStatus::signed_off);
  session(p.id, early.id, "2026-01-20", SessionStatus::performed);
  session(p.id, late.id, "2026-06-01", SessionStatus::performed);
  store_->add_amendment(admin_, a.id, "session_date", "2026-01-30", "date written wrongly");
  event(p.id, 0, "erythema", "2026-02-01");    // during the first course
  event(p.id, 0, "itching", "2026-06-03");     // after the second began
  event(p.id, 0, "bruising", "2025-12-01");    // before either: the first course

  const auto courses = read_all();
  ASSERT_EQ(courses.size(), 2u);
  EXPECT_EQ(courses[0].plan_id, early.id);
  EXPECT_EQ(courses[0].planned_sessions, 3);
  EXPECT_EQ(courses[1].planned_sessions, 0);  // a plan without a schedule
  ASSERT_EQ(courses[0].sessions.size(), 2u);
  EXPECT_EQ(courses[0].sessions[0].session_date, "2026-01-20");
  EXPECT_EQ(courses[0].sessions[1].session_date, "2026-01-30");  // the amended date, in order
  ASSERT_EQ(courses[0].adverse_events.size(), 2u);
  EXPECT_EQ(courses[0].adverse_events[0].event_type, "bruising");
  EXPECT_EQ(courses[0].adverse_events[1].event_type, "erythema");
  ASSERT_EQ(courses[1].adverse_events.size(), 1u);
  EXPECT_EQ(courses[1].adverse_events[0].event_type, "itching");
  // Both courses carry the patient's scores (the report picks each course's baseline).
  EXPECT_FALSE(courses[1].fitzpatrick);
}

TEST_P(StoreCourseHistory, ComesByPatientInBatchesWithoutDeletedPatientsAndByIndication) {
  std::vector<long long> expected;
  for (int i = 0; i < 7; ++i) {
    Patient p = make_patient(*store_, admin_, "Patient " + std::to_string(i));
    intake(p.id, R"({"fitzpatrick": )" + std::to_string(i % 6 + 1) + "}");
    CoursePlan c = plan(p.id, i % 2 ? "melasma" : "acne-scars", kPlanOfThree);
    session(p.id, c.id, "2026-03-0" + std::to_string(i + 1), SessionStatus::performed);
    if (i == 3) {
      store_->delete_patient(admin_, p.id, "duplicate record");
      continue;
    }
    expected.push_back(p.id);
  }
  Patient without_plan = make_patient(*store_, admin_, "No Plan");
  (void)without_plan;

  for (int batch : {1, 2, 3, 500}) {
    SCOPED_TRACE("batch of " + std::to_string(batch));
    CourseHistoryQuery query;
    query.batch_patients = batch;
    const auto all = read_all(query);
    ASSERT_EQ(all.size(), expected.size());
    for (size_t k = 0; k < all.size(); ++k) {
      EXPECT_EQ(all[k].patient_id, expected[k]);
      EXPECT_EQ(all[k].sessions.size(), 1u);
      ASSERT_TRUE(all[k].fitzpatrick);
    }
    query.indications = {"melasma"};
    const auto melasma = read_all(query);
    ASSERT_EQ(melasma.size(), 2u);  // patients 1 and 5 (3 was deleted)
    for (const auto& c : melasma) EXPECT_EQ(c.indication, "melasma");
  }
  CourseHistoryQuery bad;
  bad.batch_patients = 0;
  EXPECT_THROW(store_->read_course_histories(bad), InvalidRecordError);
}

TEST_P(StoreCourseHistory, TheKeptSummariesEqualTheClinicalTablesAfterEveryKindOfWrite) {
  Patient ada = make_patient(*store_, admin_, "Ada Summary");
  Patient bea = make_patient(*store_, admin_, "Bea Summary");
  intake(ada.id, R"({"fitzpatrick": 3})");
  CoursePlan acne = plan(ada.id, "acne-scars", kPlanOfThree);
  CoursePlan melasma = plan(ada.id, "melasma", "{}");
  CoursePlan bea_plan = plan(bea.id, "striae", kPlanOfThree);
  expect_summaries_match("plans without sessions");

  TreatmentSession planned = session(ada.id, acne.id, "2026-01-05", SessionStatus::planned);
  TreatmentSession signed_one = session(ada.id, acne.id, "2026-01-12", SessionStatus::signed_off, "LOT-A");
  TreatmentSession performed = session(ada.id, melasma.id, "2026-02-09", SessionStatus::performed);
  TreatmentSession bea_session = session(bea.id, bea_plan.id, "2026-03-01", SessionStatus::performed);
  score(ada.id, 4, "2026-01-12");
  score(bea.id, 3, "2026-03-01");
  event(ada.id, signed_one.id, "erythema", "2026-01-13");
  event(ada.id, 0, "itching", "2026-02-10");
  expect_summaries_match("sessions, scores and events");

  planned.status = SessionStatus::performed;  // the planned session is performed, on another roller
  planned.device_id = "dermaroller-192-1.5";
  planned.needle_lengths = {{"cheek", 1.5}, {"forehead", 0.5}};
  planned = store_->update_session(admin_, planned, {});
  expect_summaries_match("a planned session performed");

  store_->sign_session(admin_, performed.id, performed.row_version);
  expect_summaries_match("a session signed");

  const struct {
    const char* field;
    const char* value;
  } amendments[] = {{"session_date", "2026-01-19"},
                    {"practitioner_id", "2"},  // another than the one recorded (a no-op is refused)
                    {"device_id", "dermapen-4"},
                    {"needle_lengths", R"([{"region": "cheek", "needle_length_mm": 2.0}])"},
                    {"lot_number", "LOT-B"}};
  for (const auto& a : amendments) {
    store_->add_amendment(admin_, signed_one.id, a.field, a.value, "written down wrongly");
    expect_summaries_match(std::string("amended ") + a.field);
  }

  AdverseEvent changed = store_->list_adverse_events(ada.id).front();
  changed.event_type = "swelling";
  changed.severity = Severity::severe;
  changed.onset_date = "2026-01-20";
  store_->update_adverse_event(admin_, changed);
  expect_summaries_match("an event corrected");

  now_ms_ += 30LL * 86'400'000;
  intake(bea.id, R"({"fitzpatrick": 6})");  // recorded after her first session: the earliest later one counts
  expect_summaries_match("a later intake");

  store_->delete_patient(admin_, bea.id, "duplicate record");
  expect_summaries_match("a patient deleted");
  EXPECT_EQ(read_all().size(), 2u);

  const std::string backup = (dir() / "summaries.backup").string();
  store_->backup_to(backup);
  score(ada.id, 2, "2026-06-01");  // after the backup: gone again once restored
  store_->restore_from(backup);
  expect_summaries_match("restored");
  for (const auto& c : read_all()) EXPECT_EQ(c.scores.size(), 1u);

  // Behind the store's back (someone with the database in hand): the triggers still mark it.
  *raw(db()) << "UPDATE treatment_sessions SET device_id = 'pen-automated' WHERE id = " << bea_session.id;
  *raw(db()) << "UPDATE session_needle_lengths SET needle_length_mm = 0.75 WHERE session_id = " << planned.id
             << " AND region = 'forehead'";
  EXPECT_GT(stale_summaries(), 0);
  expect_summaries_match("written with SQL");
}

TEST_P(StoreCourseHistory, AStaleSummaryInTheSnapshotIsReadFromTheClinicalTables) {
  Patient p = make_patient(*store_, admin_, "Stale");
  CoursePlan c = plan(p.id, "acne-scars", kPlanOfThree);
  session(p.id, c.id, "2026-01-12", SessionStatus::performed);
  score(p.id, 3, "2026-02-01");
  EXPECT_EQ(read_all().size(), 1u);
  // Stale (and unreadable) in what the cursor sees: inside in_one_transaction the refresh is on
  // the batch's connection, not yet committed, while the cursor reads its own snapshot.
  *raw(db()) << "UPDATE course_summaries SET stale = 1, courses = 'not a summary' WHERE patient_id = " << p.id;
  std::vector<CourseHistory> courses;
  store_->in_one_transaction([&] { courses = read_all(); });
  ASSERT_EQ(courses.size(), 1u);
  EXPECT_EQ(courses[0].sessions.size(), 1u);
  EXPECT_EQ(courses[0].scores.size(), 1u);
  EXPECT_EQ(stale_summaries(), 0);  // the batch's refresh committed with it
}

TEST_P(StoreCourseHistory, ADamagedSummaryIsReadFromTheClinicalTables) {
  Patient p = make_patient(*store_, admin_, "Damaged");
  CoursePlan c = plan(p.id, "acne-scars", kPlanOfThree);
  session(p.id, c.id, "2026-01-12", SessionStatus::performed);
  score(p.id, 3, "2026-02-01");
  EXPECT_EQ(read_all().size(), 1u);
  for (const char* damaged : {"1;1;25:goodm", "2;0;0;", "1;0;1;", "1;0;0;trailing"}) {
    SCOPED_TRACE(damaged);
    *raw(db()) << "UPDATE course_summaries SET courses = '" << damaged << "' WHERE patient_id = " << p.id;
    const auto courses = read_all();
    ASSERT_EQ(courses.size(), 1u);
    EXPECT_EQ(courses[0].sessions.size(), 1u);
    EXPECT_EQ(courses[0].scores.size(), 1u);
  }
}

TEST_P(StoreCourseHistory, TheCursorReadsOneSnapshot) {
  Patient p = make_patient(*store_, admin_, "Early");
  plan(p.id, "acne-scars", kPlanOfThree);
  CourseHistoryQuery query;
  query.batch_patients = 1;
  auto cursor = store_->read_course_histories(query);
  CourseHistory c;
  ASSERT_TRUE(cursor->next(c));
  // Written while the cursor is open (from another connection): not in its snapshot.
  Patient later = make_patient(*store_, admin_, "Late");
  plan(later.id, "acne-scars", kPlanOfThree);
  EXPECT_FALSE(cursor->next(c));
  cursor.reset();
  EXPECT_EQ(read_all().size(), 2u);
}

}  // namespace
}  // namespace dermaplan::records::testing
