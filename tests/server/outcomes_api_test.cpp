// GET /api/outcomes and /api/outcomes/chart.png on both backends, over a small practice
// recorded through the API (intake, plan, consent, sessions through the treatment gate, scores):
// the seeded change comes back with its interval, small cohorts say "too few", CSV and PNG,
// who may ask (assistants 403, the practitioner dimension admins only), every bad parameter a
// 400 naming it, and one audit row per report.
#include "core/civil_date.h"
#include "server_test_support.h"

namespace dermaplan::server::testing {
namespace {

using nlohmann::json;
using records::Role;

class OutcomesApi : public ServerTest {
 protected:
  /// A patient treated for `indication` on `region`: three sessions 28 days apart from 120 days
  /// ago (what is recorded as performed has happened), a score of `baseline` on the first day
  /// and `baseline + change` 12 weeks later.
  void treated(const std::string& name, const std::string& indication, const std::string& region,
               const std::string& scale, double baseline, double change) {
    auto c = client();
    const CivilDate first = add_days(today_utc(), -120);
    const TreatablePatient p = make_treatable(admin_, name, indication, region, format_civil_date(add_days(first, -7)));
    for (long days : {0L, 28L, 56L}) {
      const Reply s = c.post(p.path + "/sessions", p.session(format_civil_date(add_days(first, days))), admin_);
      ASSERT_EQ(s.status, 201) << s.body;
    }
    for (const auto& [score, date] : {std::pair{baseline, format_civil_date(first)},
                                      std::pair{baseline + change, format_civil_date(add_days(first, 84))}}) {
      const Reply o = c.post(p.path + "/outcomes", {{"scale", scale}, {"score", score}, {"date", date}, {"region", region}},
                             admin_);
      ASSERT_EQ(o.status, 201) << o.body;
    }
  }

  /// Six acne-scar patients whose Goodman & Baron grade falls by 1 or 2 (mean -1.5), and two
  /// cohorts of two (skin rejuvenation, fine wrinkles) too small to show.
  void record_practice() {
    for (int i = 0; i < 6; ++i)
      treated("Acne " + std::to_string(i), "acne-scars", "cheek", "goodman-baron-qualitative", 4, i % 2 ? -2 : -1);
    for (int i = 0; i < 2; ++i) {
      treated("Glow " + std::to_string(i), "skin-rejuvenation", "cheek", "gais", 4, -1);
      treated("Lines " + std::to_string(i), "fine-wrinkles", "forehead", "gais", 4, -2);
    }
  }

  static const json* cohort(const json& report, const std::string& indication) {
    for (const auto& c : report["cohorts"])
      if (c["key"].value("indication", "") == indication) return &c;
    return nullptr;
  }
};
DERMAPLAN_INSTANTIATE_BACKENDS(OutcomesApi);

TEST_P(OutcomesApi, TheRecordedChangeComesBackAndSmallCohortsAreWithheld) {
  add_user("pia", Role::practitioner);
  const Login pia = login_as("pia");
  record_practice();
  auto c = client();
  const Reply r = c.get("/api/outcomes?by=indication&scale=goodman-baron-qualitative", pia);
  ASSERT_EQ(r.status, 200) << r.body;
  const json report = r.json();
  EXPECT_NE(report["notice"].get<std::string>().find("not a trial"), std::string::npos);
  EXPECT_EQ(report["totals"]["courses"], 10);
  const json* acne = cohort(report, "acne-scars");
  ASSERT_NE(acne, nullptr);
  EXPECT_EQ((*acne)["suppressed"], false);
  EXPECT_EQ((*acne)["patients"], 6);
  const json& scale = (*acne)["scales"][0];
  EXPECT_EQ(scale["scale"], "goodman-baron-qualitative");
  bool seen = false;
  for (const auto& f : scale["follow_ups"]) {
    if (f["window"]["from"] != "first-session" || f["window"]["week"] != 12) continue;
    seen = true;
    EXPECT_EQ(f["change"]["n"], 6);
    EXPECT_DOUBLE_EQ(f["change"]["mean"].get<double>(), -1.5);
    EXPECT_LT(f["change"]["ci"][0].get<double>(), -1.5);
    EXPECT_GT(f["change"]["ci"][1].get<double>(), -1.5);
  }
  EXPECT_TRUE(seen) << scale.dump();
  for (const char* small : {"skin-rejuvenation", "fine-wrinkles"}) {
    const json* s = cohort(report, small);
    ASSERT_NE(s, nullptr) << small;
    EXPECT_EQ((*s)["suppressed"], true) << small;
    EXPECT_FALSE(s->contains("patients")) << small;
    EXPECT_NE((*s)["reason"].get<std::string>().find("too few"), std::string::npos);
  }
  // With the minimum lowered to 3, still withheld (two patients); the parameter is echoed.
  const Reply three = c.get("/api/outcomes?by=indication&min_cell=3", pia);
  ASSERT_EQ(three.status, 200) << three.body;
  EXPECT_EQ(three.json()["report"]["min_cell_patients"], 3);
  EXPECT_EQ((*cohort(three.json(), "fine-wrinkles"))["suppressed"], true);
  // Filtered to one indication.
  const Reply only = c.get("/api/outcomes?indication=acne-scars&by=indication,device", pia);
  ASSERT_EQ(only.status, 200) << only.body;
  EXPECT_EQ(only.json()["totals"]["courses"], 6);
}

TEST_P(OutcomesApi, CsvAndTheChart) {
  record_practice();
  auto c = client();
  const Reply csv = c.get("/api/outcomes?format=csv&by=indication", admin_);
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_NE(csv.headers.find("Content-Type")->second.find("text/csv"), std::string::npos);
  EXPECT_EQ(csv.body.rfind("section,cohort,", 0), 0u) << csv.body.substr(0, 200);
  EXPECT_NE(csv.body.find("not a trial"), std::string::npos);
  EXPECT_NE(csv.body.find("too few"), std::string::npos);
  const Reply png = c.get("/api/outcomes/chart.png?by=indication&scale=goodman-baron-qualitative", admin_);
  ASSERT_EQ(png.status, 200) << png.body;
  EXPECT_EQ(png.headers.find("Content-Type")->second, "image/png");
  EXPECT_EQ(png.body.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
}

TEST_P(OutcomesApi, AssistantsMayNotAndThePractitionerDimensionIsForAdmins) {
  add_user("asa", Role::assistant);
  add_user("pia", Role::practitioner);
  const Login asa = login_as("asa"), pia = login_as("pia");
  auto c = client();
  EXPECT_EQ(c.get("/api/outcomes", asa).status, 403);
  EXPECT_EQ(c.get("/api/outcomes/chart.png", asa).status, 403);
  const Reply by_practitioner = c.get("/api/outcomes?by=practitioner", pia);
  EXPECT_EQ(by_practitioner.status, 403) << by_practitioner.body;
  EXPECT_EQ(by_practitioner.field(), "?by");
  EXPECT_EQ(c.get("/api/outcomes?by=practitioner,indication", admin_).status, 200);
}

TEST_P(OutcomesApi, EveryBadParameterIsA400NamingIt) {
  const struct {
    const char* query;
    const char* field;
  } cases[] = {
      {"by=colour", "?by"},
      {"by=indication,,device", "?by"},
      {"by=device,device", "?by"},
      {"scale=goodman", "?scale"},
      {"scale=fitzpatrick", "?scale"},  // a classification, not an outcome
      {"indication=acne", "?indication"},
      {"from=2026-02-30", "?from"},
      {"to=tomorrow", "?to"},
      {"from=2026-06-01&to=2026-05-01", "?to"},
      {"min_cell=2", "?min_cell"},
      {"min_cell=many", "?min_cell"},
      {"format=xml", "?format"},
      {"colour=red", "?colour"},
  };
  auto c = client();
  for (const auto& k : cases) {
    const Reply r = c.get(std::string("/api/outcomes?") + k.query, admin_);
    EXPECT_EQ(r.status, 400) << k.query << ": " << r.body;
    EXPECT_EQ(r.field(), k.field) << k.query << ": " << r.body;
  }
  EXPECT_EQ(c.get("/api/outcomes/chart.png?min_cell=1", admin_).field(), "?min_cell");
}

TEST_P(OutcomesApi, EachReportIsOneAuditRowNamingItsFilters) {
  auto c = client();
  const long long before = store_->audit_head().seq;
  ASSERT_EQ(c.get("/api/outcomes?by=indication,device&from=2026-01-01&min_cell=4", admin_).status, 200);
  const auto rows = store_->list_audit(before, 10);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].action, records::AuditAction::read);
  EXPECT_EQ(rows[0].entity, "outcomes_report");
  const json detail = json::parse(rows[0].detail);
  EXPECT_EQ(detail["by"], (json{"indication", "device"}));
  EXPECT_EQ(detail["from"], "2026-01-01");
  EXPECT_EQ(detail["min_cell"], 4);
  // A refused request reads nothing and is not a report.
  EXPECT_EQ(c.get("/api/outcomes?min_cell=2", admin_).status, 400);
  EXPECT_EQ(store_->audit_head().seq, rows[0].seq);
}

}  // namespace
}  // namespace dermaplan::server::testing
