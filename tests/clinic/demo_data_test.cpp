// dermaplan demo-data: synthetic patients marked as demo, a plausible record for each, and a
// refusal on a database that holds real patients. On both backends.
#include "clinic/demo_data.h"

#include <gtest/gtest.h>

#include "clinic/consent.h"
#include "clinic/failure.h"
#include "core/errors.h"

#include "store_test_support.h"
#include "test_support.h"

namespace dermaplan::clinic {
namespace {

using records::testing::StoreTest;

class DemoData : public StoreTest {
 protected:
  records::Actor demo_user(records::Store& store) {
    records::User u;
    u.username = "demo-data";
    u.display_name = "Demo data";
    u.role = records::Role::practitioner;
    u.password_hash = "!no-login";
    u.disabled = true;
    u = store.create_user({0, "test"}, u);
    return {u.id, u.username};
  }
  const CivilDate today = *parse_civil_date("2026-12-03");
};
DERMAPLAN_INSTANTIATE_BACKENDS(DemoData);

TEST_P(DemoData, MakesAPlausibleMarkedRecordForEachPatient) {
  auto store = open();
  const auto& kb = testing::bundled_kb();
  const auto by = demo_user(*store);
  DemoDataRequest request;
  request.patients = 24;
  request.seed = 7;
  request.batch = 10;  // three transactions, the last one short
  std::vector<long long> progress;
  const auto result = add_demo_data(*store, kb, by, request, today, [&](long long n) { progress.push_back(n); });
  EXPECT_EQ(progress, (std::vector<long long>{10, 20, 24}));
  EXPECT_EQ(result.patients, 24);
  EXPECT_EQ(result.intakes, 24);
  EXPECT_EQ(result.plans, 24);
  EXPECT_EQ(result.consents, 24);
  EXPECT_GT(result.sessions, 0);
  EXPECT_GE(result.photos, 24);
  const auto counts = store->count_patients();
  EXPECT_EQ(counts.live, 24);
  EXPECT_EQ(counts.demo, 24);
  EXPECT_EQ(counts.real(), 0);
  records::PatientQuery q;
  q.limit = 100;
  long long sessions = 0;
  for (const auto& p : store->list_patients(q).patients) {
    SCOPED_TRACE(p.name);
    EXPECT_TRUE(p.demo);
    EXPECT_TRUE(p.name.ends_with(kDemoNameSuffix));
    EXPECT_TRUE(p.notes.starts_with(kDemoNotePrefix));
    const auto record = store->read_patient_record(p.id);
    ASSERT_TRUE(record);
    ASSERT_EQ(record->intakes.size(), 1u);
    ASSERT_EQ(record->plans.size(), 1u);
    ASSERT_EQ(record->consents.size(), 1u);
    const auto& consent = record->consents[0];
    EXPECT_TRUE(consent_is_current(kb, consent, record->plans[0].indication));
    EXPECT_TRUE(consent.photo_use.has_value());
    EXPECT_EQ(consent.signature_content_type, "image/svg+xml");
    for (const auto& s : record->sessions) {
      EXPECT_EQ(s.status, records::SessionStatus::signed_off);
      EXPECT_TRUE(s.gate_passages.empty());  // said in the command's help: no gate passages
      EXPECT_FALSE(s.needle_lengths.empty());
      EXPECT_LT(*parse_civil_date(s.session_date), today);
      ++sessions;
    }
    EXPECT_FALSE(record->photos.empty());
    for (const auto& photo : record->photos) EXPECT_FALSE(store->read_photo(photo.sha256).empty());
  }
  EXPECT_EQ(sessions, result.sessions);
  const auto chain = store->verify_audit_chain();
  EXPECT_TRUE(chain.ok) << chain.reason;
}

TEST_P(DemoData, TheSameSeedGivesTheSamePatients) {
  const auto& kb = testing::bundled_kb();
  auto names = [&](const std::string& tag, std::uint64_t seed) {
    auto store = records::open_store(make_database(tag));
    DemoDataRequest request;
    request.patients = 8;
    request.seed = seed;
    add_demo_data(*store, kb, demo_user(*store), request, today);
    std::vector<std::string> out;
    for (const auto& p : store->list_patients({}).patients) out.push_back(p.name + " " + p.birth_date);
    return out;
  };
  EXPECT_EQ(names("a", 3), names("b", 3));
  EXPECT_NE(names("c", 3), names("d", 4));
}

TEST_P(DemoData, IsRefusedWhereRealPatientsAreAndAddsToDemoData) {
  const auto& kb = testing::bundled_kb();
  auto store = open();
  const auto by = demo_user(*store);
  DemoDataRequest request;
  request.patients = 3;
  add_demo_data(*store, kb, by, request, today);
  add_demo_data(*store, kb, by, request, today);  // a demo database takes more
  EXPECT_EQ(store->count_patients().demo, 6);
  records::Patient real;
  real.name = "Real Person";
  real.birth_date = "1990-01-01";
  store->create_patient(by, real);
  try {
    add_demo_data(*store, kb, by, request, today);
    FAIL() << "demo data added next to a real patient";
  } catch (const ClinicError& e) {
    EXPECT_EQ(e.kind(), FailureKind::refused);
    EXPECT_NE(e.message().find("1 patient(s) not marked as demo"), std::string::npos) << e.message();
  }
  EXPECT_EQ(store->count_patients().demo, 6);
  request.patients = 0;
  EXPECT_THROW(add_demo_data(*store, kb, by, request, today), InputError);
}

}  // namespace
}  // namespace dermaplan::clinic
