// The queries that read a patient's whole record at once and find one adverse event by id,
// checked against the per-part list calls they replace: the same cases on both backends.
#include "store_test_support.h"

namespace dermaplan::records::testing {
namespace {

class StoreRecordRead : public StoreTest {};
DERMAPLAN_INSTANTIATE_BACKENDS(StoreRecordRead);

/// A patient with two of every part of the record (and a second patient whose parts must not
/// show up in the first one's record).
struct Filled {
  Patient patient;
  Patient other;
};

Filled fill(Store& store, const Actor& admin, Patient patient, Patient other) {
  for (Patient* p : {&patient, &other}) {
    for (int i = 0; i < 2; ++i) {
      Intake intake;
      intake.patient_id = p->id;
      intake.intake_json = R"({"fitzpatrick": )" + std::to_string(2 + i) + "}";
      intake.screening_json = R"({"decision": "eligible"})";
      intake.knowledge_version = "kb";
      intake.policy = "default";
      store.add_intake(admin, intake);

      CoursePlan plan;
      plan.patient_id = p->id;
      plan.indication = i == 0 ? "acne-scars" : "striae";
      plan.plan_json = "{}";
      plan = store.add_course_plan(admin, plan);

      TreatmentSession s;
      s.patient_id = p->id;
      s.plan_id = plan.id;
      s.session_date = i == 0 ? "2026-05-10" : "2026-04-01";  // the later one first
      s.device_id = "dermaroller-192-1.0";
      s.needle_lengths = {{"forehead", 0.5}, {"cheek", 1.0 + i}};
      s.status = SessionStatus::performed;
      store.create_session(admin, s);

      Consent c;
      c.patient_id = p->id;
      c.text_version = "v" + std::to_string(i);
      c.consent_text = "text";
      c.consented_by = p->name;
      c.consented_at_ms = 1'770'000'000'000 + i;
      store.add_consent(admin, c);

      AdverseEvent e;
      e.patient_id = p->id;
      e.event_type = "erythema";
      e.onset_date = i == 0 ? "2026-05-12" : "2026-04-02";
      store.add_adverse_event(admin, e);

      OutcomeAssessment o;
      o.patient_id = p->id;
      o.scale_id = "gais";
      o.score = 1 + i;
      o.assessed_on = i == 0 ? "2026-07-01" : "2026-06-01";
      store.add_outcome(admin, o);

      Photo ph;
      ph.patient_id = p->id;
      ph.content_type = "image/png";
      ph.taken_on = "2026-04-01";
      store.add_photo(admin, ph, "\x89PNG photo " + std::to_string(p->id) + "/" + std::to_string(i));
    }
  }
  return {patient, other};
}

template <class T>
std::vector<long long> ids(const std::vector<T>& rows) {
  std::vector<long long> out;
  for (const auto& r : rows) out.push_back(r.id);
  return out;
}

TEST_P(StoreRecordRead, WholeRecordEqualsThePartsReadOneByOne) {
  auto store = open();
  Actor admin = make_admin(*store);
  auto f = fill(*store, admin, make_patient(*store, admin, "Ada Lind"), make_patient(*store, admin, "Bo Lind"));
  const long long id = f.patient.id;

  auto record = store->read_patient_record(id);
  ASSERT_TRUE(record);
  EXPECT_EQ(record->patient.id, id);
  EXPECT_EQ(record->patient.name, "Ada Lind");
  EXPECT_EQ(ids(record->intakes), ids(store->list_intakes(id)));
  EXPECT_EQ(ids(record->plans), ids(store->list_course_plans(id)));
  EXPECT_EQ(ids(record->sessions), ids(store->list_sessions(id)));
  EXPECT_EQ(ids(record->consents), ids(store->list_consents(id)));
  EXPECT_EQ(ids(record->adverse_events), ids(store->list_adverse_events(id)));
  EXPECT_EQ(ids(record->outcomes), ids(store->list_outcomes(id)));
  EXPECT_EQ(ids(record->photos), ids(store->list_photos(id)));
  EXPECT_EQ(record->intakes.size(), 2u);
  EXPECT_EQ(record->plans.size(), 2u);
  EXPECT_EQ(record->sessions.size(), 2u);
  EXPECT_EQ(record->consents.size(), 2u);
  EXPECT_EQ(record->adverse_events.size(), 2u);
  EXPECT_EQ(record->outcomes.size(), 2u);
  EXPECT_EQ(record->photos.size(), 2u);

  // Order within each part, and the sessions' needle lengths (read in one query for all).
  EXPECT_EQ(record->intakes[0].version, 1);
  EXPECT_EQ(record->sessions[0].session_date, "2026-04-01");
  const auto one_by_one = store->list_sessions(id);
  for (std::size_t i = 0; i < record->sessions.size(); ++i) {
    EXPECT_EQ(record->sessions[i].needle_lengths, one_by_one[i].needle_lengths);
    EXPECT_EQ(record->sessions[i].needle_lengths, store->find_session(record->sessions[i].id)->needle_lengths);
  }
  EXPECT_EQ(record->sessions[0].needle_lengths,
            (std::vector<RegionNeedleLength>{{"cheek", 2.0}, {"forehead", 0.5}}));
  EXPECT_EQ(record->adverse_events[0].onset_date, "2026-04-02");
  EXPECT_EQ(record->outcomes[0].assessed_on, "2026-06-01");
  for (const auto& photo : record->photos) EXPECT_EQ(photo.patient_id, id);
}

TEST_P(StoreRecordRead, EmptyDeletedAndUnknownPatients) {
  auto store = open();
  Actor admin = make_admin(*store);
  Patient p = make_patient(*store, admin, "Cleo Moss");
  auto record = store->read_patient_record(p.id);
  ASSERT_TRUE(record);
  EXPECT_TRUE(record->intakes.empty());
  EXPECT_TRUE(record->sessions.empty());
  EXPECT_TRUE(record->photos.empty());
  store->delete_patient(admin, p.id, "entered twice");
  EXPECT_FALSE(store->read_patient_record(p.id));
  EXPECT_FALSE(store->read_patient_record(p.id + 1000));
}

TEST_P(StoreRecordRead, FindsOneAdverseEventById) {
  auto store = open();
  Actor admin = make_admin(*store);
  auto f = fill(*store, admin, make_patient(*store, admin, "Dan Roe"), make_patient(*store, admin, "Eli Roe"));
  for (const Patient& p : {f.patient, f.other}) {
    for (const auto& listed : store->list_adverse_events(p.id)) {
      auto found = store->find_adverse_event(listed.id);
      ASSERT_TRUE(found);
      EXPECT_EQ(found->patient_id, p.id);
      EXPECT_EQ(found->onset_date, listed.onset_date);
      EXPECT_EQ(found->row_version, listed.row_version);
    }
  }
  EXPECT_FALSE(store->find_adverse_event(0));
  EXPECT_FALSE(store->find_adverse_event(987654));
}

/// A glance built from the per-part list calls: what read_patient_glances must equal.
PatientGlance glance_from_lists(Store& store, long long id) {
  PatientGlance g;
  g.patient_id = id;
  const auto intakes = store.list_intakes(id);
  if (!intakes.empty()) {
    g.intake_version = intakes.back().version;
    g.screening_json = intakes.back().screening_json;
  }
  const auto plans = store.list_course_plans(id);
  if (!plans.empty()) g.plan_indication = plans.back().indication;
  for (const auto& c : store.list_consents(id)) g.consent_texts.push_back(c.consent_text);
  return g;
}

TEST_P(StoreRecordRead, GlancesOfAPageEqualThePartsReadOneByOne) {
  // The patient list's statuses come from one read for the whole page: each patient's latest
  // intake, latest plan and consents must be that patient's, as the one-by-one calls give them.
  auto store = open();
  Actor admin = make_admin(*store);
  auto intake = [&](const Patient& p, const std::string& decision) {
    Intake i;
    i.patient_id = p.id;
    i.intake_json = "{}";
    i.screening_json = R"({"decision": ")" + decision + R"("})";
    i.knowledge_version = "kb";
    i.policy = "default";
    store->add_intake(admin, i);
  };
  auto plan = [&](const Patient& p, const std::string& indication) {
    CoursePlan c;
    c.patient_id = p.id;
    c.indication = indication;
    c.plan_json = "{}";
    store->add_course_plan(admin, c);
  };
  auto consent = [&](const Patient& p, const std::string& text) {
    Consent c;
    c.patient_id = p.id;
    c.text_version = "v1";
    c.consent_text = text;
    c.consented_by = p.name;
    c.consented_at_ms = 1'770'000'000'000;
    store->add_consent(admin, c);
  };
  const Patient empty = make_patient(*store, admin, "Empty Glance");
  const Patient full = make_patient(*store, admin, "Full Glance");
  const Patient consented = make_patient(*store, admin, "Consent Only");
  const Patient planned = make_patient(*store, admin, "Plan Only");
  const Patient gone = make_patient(*store, admin, "Deleted Glance");
  // Interleaved, so that "latest" cannot be "the last row written by anyone".
  intake(full, "defer");
  intake(gone, "eligible");
  plan(full, "acne-scars");
  plan(planned, "striae");
  consent(full, "form A");
  intake(full, "caution");
  plan(full, "rejuvenation");
  consent(consented, "form C");
  consent(full, "form B");
  plan(planned, "acne-scars");
  intake(gone, "contraindicated");
  store->delete_patient(admin, gone.id, "entered twice");

  const std::vector<long long> ids = {full.id, empty.id, 987654, consented.id, full.id, planned.id, gone.id};
  const auto glances = store->read_patient_glances(ids);
  ASSERT_EQ(glances.size(), ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    SCOPED_TRACE("patient " + std::to_string(ids[i]));
    const PatientGlance expected = glance_from_lists(*store, ids[i]);
    EXPECT_EQ(glances[i].patient_id, expected.patient_id);
    EXPECT_EQ(glances[i].intake_version, expected.intake_version);
    EXPECT_EQ(glances[i].screening_json, expected.screening_json);
    EXPECT_EQ(glances[i].plan_indication, expected.plan_indication);
    EXPECT_EQ(glances[i].consent_texts, expected.consent_texts);
  }
  // Spelled out for the full one.
  EXPECT_EQ(glances[0].intake_version, 2);
  EXPECT_EQ(glances[0].screening_json, R"({"decision": "caution"})");
  EXPECT_EQ(glances[0].plan_indication, "rejuvenation");
  EXPECT_EQ(glances[0].consent_texts, (std::vector<std::string>{"form A", "form B"}));
  EXPECT_EQ(glances[2].intake_version, 0);  // unknown id: an empty glance
  EXPECT_EQ(glances[6].intake_version, 2);  // a deleted patient's record is still read

  EXPECT_TRUE(store->read_patient_glances({}).empty());
  EXPECT_THROW(store->read_patient_glances(std::vector<long long>(1001, full.id)), InvalidRecordError);
  EXPECT_EQ(store->read_patient_glances(std::vector<long long>(1000, full.id)).size(), 1000u);
}

}  // namespace
}  // namespace dermaplan::records::testing
