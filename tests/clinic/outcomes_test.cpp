// The practice outcomes report from the record, on both backends: a small practice recorded
// through the use cases (intake, plan) and the store (sessions, an amendment, scores, events),
// with a seeded effect the report must recover, a cohort too small to show, the practitioner
// dimension for admins only, bad filters named, and one audit row per report.
#include "clinic/outcomes.h"

#include <gtest/gtest.h>

#include <map>

#include "clinic/failure.h"
#include "clinic/patient_care.h"
#include "core/errors.h"
#include "outcomes/render.h"
#include "store_test_support.h"
#include "test_support.h"

namespace dermaplan::clinic {
namespace {

using records::testing::StoreTest;

const CivilDate kToday{date::year{2026}, date::month{12}, date::day{1}};
const char* kGoodmanBaron = "goodman-baron-qualitative";

nlohmann::json intake_document() {
  return {{"birth_date", "1985-04-12"}, {"sex", "female"},        {"fitzpatrick", 2},
          {"pregnant", false},          {"breastfeeding", false}, {"skin", {{"sensitive", false}, {"dry", false}}},
          {"conditions", nlohmann::json::array()}, {"medications", nlohmann::json::array()},
          {"procedures", nlohmann::json::array()}, {"allergies", nlohmann::json::array()}};
}

class PracticeOutcomes : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    store_ = open();
    admin_ = make_admin(*store_);
  }

  struct Treated {
    long long patient_id = 0;
    int planned = 0;
  };

  /// A patient with an intake and a plan for `indication` on `region` (through the use cases),
  /// then every required session performed at `needle_mm` 28 days apart from `first`, a score
  /// of `baseline` at the first session and `baseline + change` 12 weeks later.
  Treated treat(const std::string& name, const std::string& indication, const std::string& region,
                const std::string& device, double needle_mm, const std::string& scale, double baseline,
                double change, CivilDate first) {
    records::Patient p = make_patient(*store_, admin_, name);
    IntakeRequest intake{p.id, intake_document(), {region}, first};
    record_intake(*store_, kb(), admin_, intake, first);
    PatientPlanRequest plan_request;
    plan_request.patient_id = p.id;
    plan_request.plan.indication = indication;
    plan_request.plan.areas = {region};
    plan_request.date = first;
    const RecordedPlan plan = plan_for_patient(*store_, kb(), admin_, plan_request, first);
    Treated t{p.id, 0};
    for (const auto& s : plan.plan.sessions) t.planned += s.optional ? 0 : 1;
    EXPECT_GT(t.planned, 0) << indication;
    for (int n = 0; n < t.planned; ++n) {
      records::TreatmentSession s;
      s.patient_id = p.id;
      s.plan_id = plan.row.id;
      s.session_date = format_civil_date(add_days(first, 28L * n));
      s.practitioner_id = practitioner_ ? practitioner_ : admin_.user_id;
      s.device_id = device;
      s.needle_lengths = {{region, needle_mm}};
      s.lot_number = "LOT-" + std::to_string(n % 2);
      s.status = records::SessionStatus::performed;
      s = store_->create_session(admin_, s);
      if (n == 0) store_->sign_session(admin_, s.id, s.row_version);
    }
    score(p.id, scale, region, baseline, first);
    score(p.id, scale, region, baseline + change, add_days(first, 84));
    return t;
  }

  void score(long long patient_id, const std::string& scale, const std::string& region, double value, CivilDate on) {
    records::OutcomeAssessment o;
    o.patient_id = patient_id;
    o.scale_id = scale;
    o.score = value;
    o.region = region;
    o.assessed_on = format_civil_date(on);
    store_->add_outcome(admin_, o);
  }

  /// Six acne-scar patients at 0.5 mm (change 0 or -1 at week 12: mean -0.5) and six at 1.5 mm
  /// (-1 or -2: mean -1.5), two burn-scar and two striae patients.
  void record_practice() {
    const CivilDate start{date::year{2026}, date::month{1}, date::day{5}};
    for (int i = 0; i < 6; ++i) {
      treat("Short " + std::to_string(i), "acne-scars", "cheek", "dermaroller-192-0.5", 0.5, kGoodmanBaron, 4,
            i % 2 ? -1 : 0, add_days(start, i));
      treat("Long " + std::to_string(i), "acne-scars", "cheek", "dermaroller-192-1.5", 1.5, kGoodmanBaron, 4,
            i % 2 ? -2 : -1, add_days(start, i));
    }
    // Two cohorts too small to show (two, so that no other has to be withheld beside one).
    for (int i = 0; i < 2; ++i) {
      treat("Burn " + std::to_string(i), "burn-scars", "upper-arm", "dermaroller-192-2.5", 2.5, "vancouver", 8, -2,
            add_days(start, i));
      treat("Striae " + std::to_string(i), "striae", "abdomen", "dermaroller-192-1.0", 1.0, "gais", 4, -1,
            add_days(start, i));
    }
  }

  long long practitioner_ = 0;  //!< who performs the sessions treat() records; 0: the admin

  outcomes::OutcomesReport report(const OutcomesFilters& filters, records::Role role = records::Role::admin) {
    return practice_outcomes(*store_, kb(), admin_, role, outcomes_request(filters, kToday));
  }

  const kb::KnowledgeBase& kb() { return testing::bundled_kb(); }

  std::unique_ptr<records::Store> store_;
  records::Actor admin_;
};
DERMAPLAN_INSTANTIATE_BACKENDS(PracticeOutcomes);

const outcomes::Cohort* cohort_with(const outcomes::OutcomesReport& report, const std::string& value) {
  for (const auto& c : report.cohorts)
    for (const auto& [dimension, v] : c.key)
      if (v == value) return &c;
  return nullptr;
}

const outcomes::FollowUpFigure* week(const outcomes::Cohort& cohort, const std::string& scale, int week) {
  for (const auto& s : cohort.scales)
    if (s.scale == scale)
      for (const auto& f : s.follow_ups)
        if (f.window.anchor == outcomes::Anchor::first_session && f.window.week == week) return &f;
  return nullptr;
}

TEST_P(PracticeOutcomes, RecoversTheSeededNeedleLengthEffectFromTheRecord) {
  record_practice();
  const auto r = report({.by = "indication,needle-length", .scale = kGoodmanBaron});
  EXPECT_EQ(r.totals.courses, 16);
  EXPECT_EQ(r.totals.patients, 16);

  const struct {
    double needle_mm;
    double change;
  } cases[] = {{0.5, -0.5}, {1.5, -1.5}};
  for (const auto& c : cases) {
    SCOPED_TRACE(c.needle_mm);
    const auto* cohort = cohort_with(r, outcomes::needle_length_band(c.needle_mm));
    ASSERT_NE(cohort, nullptr);
    EXPECT_FALSE(cohort->suppressed);
    EXPECT_EQ(cohort->patients, 6);
    const auto* at_12 = week(*cohort, kGoodmanBaron, 12);
    ASSERT_NE(at_12, nullptr);
    EXPECT_EQ(at_12->change.n, 6);
    EXPECT_DOUBLE_EQ(at_12->change.estimate, c.change);
    ASSERT_TRUE(at_12->change.ci);
    EXPECT_LT(at_12->change.ci->low, c.change);
    EXPECT_GT(at_12->change.ci->high, c.change);
    // Every required session of the plan was performed: completed, as the plan's schedule says.
    EXPECT_EQ(cohort->completed.n, 6);
    EXPECT_EQ(cohort->completed.count, 6);
    EXPECT_DOUBLE_EQ(cohort->protocol.needle_length_mm.mean(), c.needle_mm);
  }
  // The comparison defined in advance: 1.5 mm against the shortest band, one grade more.
  bool compared = false;
  for (const auto& n : r.needle_length) {
    if (n.indication != "acne-scars" || n.band != outcomes::needle_length_band(1.5)) continue;
    compared = true;
    EXPECT_FALSE(n.suppressed);
    EXPECT_DOUBLE_EQ(n.difference, -1.0);
    ASSERT_TRUE(n.difference_ci);
    EXPECT_LT(n.difference_ci->low, -1.0);
    EXPECT_GT(n.difference_ci->high, -1.0);
  }
  EXPECT_TRUE(compared);
}

TEST_P(PracticeOutcomes, BothBackendsGiveTheSameReport) {
  record_practice();
  const OutcomesFilters filters{.by = "indication,needle-length,fitzpatrick"};
  const std::string here = outcomes::report_to_json(report(filters)).dump(1);
  // The same practice recorded on the other backend (SQLite again when no PostgreSQL is set up).
  const auto other = backend() == records::Backend::sqlite && records::testing::pg_server_url()
                         ? records::Backend::postgresql
                         : records::Backend::sqlite;
  records::StoreOptions options;
  options.photo_dir = (dir() / "other-photos").string();
  store_ = records::open_store(make_database_on(other, "other"), options);
  admin_ = make_admin(*store_);
  record_practice();
  EXPECT_EQ(outcomes::report_to_json(report(filters)).dump(1), here);
}

TEST_P(PracticeOutcomes, ACohortOfTwoPatientsIsWithheldAndTheSkinTypeComesFromTheIntake) {
  record_practice();
  const auto by_indication = report({.by = "indication"});
  const auto* burns = cohort_with(by_indication, "burn-scars");
  ASSERT_NE(burns, nullptr);
  EXPECT_TRUE(burns->suppressed);
  EXPECT_EQ(burns->courses, 0);
  EXPECT_EQ(burns->patients, 0);
  EXPECT_FALSE(burns->suppressed_secondary);
  EXPECT_TRUE(burns->scales.empty());
  const auto* acne = cohort_with(by_indication, "acne-scars");
  ASSERT_NE(acne, nullptr);
  EXPECT_EQ(acne->patients, 12);

  const auto by_type = report({.by = "fitzpatrick", .min_cell = "3"});
  ASSERT_EQ(by_type.cohorts.size(), 1u);
  EXPECT_EQ(by_type.cohorts[0].key[0].second, "II");
  EXPECT_EQ(by_type.cohorts[0].patients, 16);
}

TEST_P(PracticeOutcomes, FiltersByIndicationAndPeriod) {
  record_practice();
  EXPECT_EQ(report({.indication = "burn-scars", .min_cell = "3"}).totals.courses, 2);
  EXPECT_EQ(report({.from = "2026-01-08"}).totals.courses, 6);  // acne scars first treated on the 8th, 9th, 10th
  EXPECT_EQ(report({.to = "2025-12-31"}).totals.courses, 0);
}

TEST_P(PracticeOutcomes, EveryReportIsOneAuditedRead) {
  record_practice();
  const long long before = store_->audit_head().seq;
  report({.by = "indication,device", .scale = kGoodmanBaron, .from = "2026-01-01", .min_cell = "6"});
  const auto rows = store_->list_audit(before, 10);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].action, records::AuditAction::read);
  EXPECT_EQ(rows[0].entity, "outcomes_report");
  EXPECT_EQ(rows[0].username, admin_.username);
  const auto detail = nlohmann::json::parse(rows[0].detail);
  EXPECT_EQ(detail["report"], "practice-outcomes");
  EXPECT_EQ(detail["by"], (nlohmann::json{"indication", "device"}));
  EXPECT_EQ(detail["scale"], kGoodmanBaron);
  EXPECT_EQ(detail["from"], "2026-01-01");
  EXPECT_EQ(detail["min_cell"], 6);
  EXPECT_EQ(detail["courses"], 16);
}

TEST_P(PracticeOutcomes, AnUnknownScaleOrIndicationIsNamed) {
  for (const auto& [filters, where] : {std::pair{OutcomesFilters{.scale = "goodman"}, "scale"},
                                       std::pair{OutcomesFilters{.indication = "acne"}, "indication"}}) {
    try {
      report(filters);
      FAIL() << where;
    } catch (const InputError& e) {
      EXPECT_EQ(e.where(), where);
    }
  }
}

TEST_P(PracticeOutcomes, GroupingByPractitionerIsForAdministrators) {
  record_practice();
  EXPECT_NO_THROW(report({.by = "practitioner"}, records::Role::admin));
  const long long before = store_->audit_head().seq;
  try {
    report({.by = "indication,practitioner"}, records::Role::practitioner);
    FAIL() << "a practitioner saw figures by practitioner";
  } catch (const ClinicError& e) {
    EXPECT_EQ(e.kind(), FailureKind::forbidden);
    EXPECT_EQ(e.where(), "by");
  }
  EXPECT_EQ(store_->audit_head().seq, before);  // nothing was read
}

TEST_P(PracticeOutcomes, ThePractitionerDimensionShowsNamesBesideIds) {
  record_practice();  // every session by the admin, display name "Admin admin"
  records::User lee;
  lee.username = "lee";
  lee.display_name = "Lee; Dr. Mina";  // a ';' of its own must not split the CSV's cohort cell
  lee.role = records::Role::practitioner;
  lee.password_hash = "$argon2id$v=19$m=65536,t=2,p=1$test";
  lee = store_->create_user(admin_, lee);
  practitioner_ = lee.id;
  treat("Lee 0", "striae", "abdomen", "dermaroller-192-1.0", 1.0, "gais", 4, -1, add_days(kToday, -200));

  const auto r = report({.by = "practitioner"});
  const std::string admin_id = std::to_string(admin_.user_id), lee_id = std::to_string(lee.id);
  const nlohmann::json json = outcomes::report_to_json(r);
  std::map<std::string, std::string> names;  // id in the key -> practitioner_name
  for (const auto& c : json.at("cohorts")) names[c.at("key").at("practitioner")] = c.value("practitioner_name", "");
  EXPECT_EQ(names, (std::map<std::string, std::string>{{admin_id, "Admin admin"}, {lee_id, "Lee; Dr. Mina"}}));

  const std::string text = outcomes::report_to_text(r);
  EXPECT_NE(text.find("practitioner Admin admin (user " + admin_id + ")"), std::string::npos) << text;
  EXPECT_NE(text.find("practitioner Lee; Dr. Mina (user " + lee_id + ")"), std::string::npos) << text;
  const std::string csv = outcomes::report_to_csv(r);
  EXPECT_NE(csv.find("practitioner=Admin admin (user " + admin_id + ")"), std::string::npos) << csv;
  EXPECT_NE(csv.find("practitioner=Lee, Dr. Mina (user " + lee_id + ")"), std::string::npos) << csv;

  // Without the practitioner dimension no user's name is in the report.
  EXPECT_TRUE(report({.by = "indication"}).practitioner_names.empty());
}

TEST(OutcomesFilters, EachBadFilterIsNamedWithWhatIsAccepted) {
  const struct {
    OutcomesFilters filters;
    const char* where;
    const char* says;
  } cases[] = {
      {{.by = "indication,colour"}, "by", "accepted: indication, region"},
      {{.by = "device,device"}, "by", "named twice"},
      {{.by = "indication,"}, "by", "empty item"},
      {{.indication = "acne-scars,,melasma"}, "indication", "empty item"},
      {{.from = "2026-13-01"}, "from", "YYYY-MM-DD"},
      {{.to = "yesterday"}, "to", "YYYY-MM-DD"},
      {{.from = "2026-05-01", .to = "2026-04-01"}, "to", "ends before it starts"},
      {{.min_cell = "2"}, "min_cell", "accepted: 3 or more"},
      {{.min_cell = "five"}, "min_cell", "not a whole number"},
      {{.min_cell = "5.5"}, "min_cell", "not a whole number"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.where + std::string(" ") + c.says);
    try {
      outcomes_request(c.filters, kToday);
      FAIL() << "accepted";
    } catch (const InputError& e) {
      EXPECT_EQ(e.where(), c.where);
      EXPECT_NE(e.message().find(c.says), std::string::npos) << e.message();
    }
  }
  const auto r = outcomes_request({.by = " indication , device ", .indication = "acne-scars", .min_cell = "7"}, kToday);
  EXPECT_EQ(r.group_by, (std::vector{outcomes::Dimension::indication, outcomes::Dimension::device}));
  EXPECT_EQ(r.indications, std::vector<std::string>{"acne-scars"});
  EXPECT_EQ(r.min_cell_patients, 7);
  EXPECT_EQ(outcomes_request({}, kToday).group_by, std::vector{outcomes::Dimension::indication});
}

}  // namespace
}  // namespace dermaplan::clinic
