// The audit log as an administrator reads it: newest first with paging back, filtered by
// patient (a session read counts for its patient), by reads against everything else, with the
// patients' names; and the patients a row concerns, resolved from the row alone.
#include "clinic/audit_view.h"
#include "server_test_support.h"

namespace dermaplan::server::testing {
namespace {

using nlohmann::json;

class AuditViewApi : public ServerTest {};
DERMAPLAN_INSTANTIATE_BACKENDS(AuditViewApi);

std::string id_text(const json& j) { return std::to_string(j["id"].get<long long>()); }

bool concerns(const json& entry, long long patient) {
  for (const auto& id : entry["patient_ids"])
    if (id == patient) return true;
  return false;
}

TEST_P(AuditViewApi, NewestFirstPagesBackWithoutGapsOrRepeats) {
  auto c = client();
  for (int i = 0; i < 5; ++i) create_patient(admin_, "Page " + std::to_string(i));
  Reply all = c.get("/api/audit?limit=1000", admin_);
  ASSERT_EQ(all.status, 200) << all.body;
  const long long last_before = all.json()["entries"].back()["seq"];

  std::vector<long long> seen;
  long long before = 0;
  for (int page = 0; page < 100; ++page) {
    Reply r = c.get("/api/audit?order=desc&limit=3" + (before ? "&before=" + std::to_string(before) : std::string()), admin_);
    ASSERT_EQ(r.status, 200) << r.body;
    const json j = r.json();
    for (const auto& e : j["entries"]) seen.push_back(e["seq"]);
    before = j["next_before"];
    if (before == 0) break;
    EXPECT_EQ(j["entries"].size(), 3u);
  }
  ASSERT_FALSE(seen.empty());
  // The first page starts just below its own audit row, newer than everything read before.
  EXPECT_GT(seen.front(), last_before);
  for (size_t i = 1; i < seen.size(); ++i) EXPECT_EQ(seen[i], seen[i - 1] - 1) << "at " << i;
  EXPECT_EQ(seen.back(), 1);
  EXPECT_EQ(c.get("/api/audit?order=sideways", admin_).status, 400);
  EXPECT_EQ(c.get("/api/audit?kind=some", admin_).status, 400);
}

TEST_P(AuditViewApi, FiltersByPatientAndByReadsOrWritesWithNames) {
  auto c = client();
  const auto maria = create_patient(admin_, "Maria Audit");
  const auto other = create_patient(admin_, "Otto Other");
  const long long m = maria["id"];
  const std::string p = "/api/patients/" + id_text(maria);
  ASSERT_EQ(c.post(p + "/intakes", {{"intake", example_intake()}, {"date", "2026-11-22"}}, admin_).status, 201);
  Reply session = c.post(p + "/sessions", {{"date", "2026-11-22"}, {"status", "planned"}}, admin_);
  ASSERT_EQ(session.status, 201) << session.body;
  ASSERT_EQ(c.get("/api/sessions/" + id_text(session.json()), admin_).status, 200);
  ASSERT_EQ(c.get("/api/patients/" + id_text(other), admin_).status, 200);
  ASSERT_EQ(c.get("/api/patients?q=audit", admin_).status, 200);

  Reply r = c.get("/api/audit?order=desc&patient=" + std::to_string(m), admin_);
  ASSERT_EQ(r.status, 200) << r.body;
  const json j = r.json();
  EXPECT_EQ(j["patients"][std::to_string(m)], "Maria Audit");
  bool created = false, intake = false, session_created = false, session_read = false, listed = false;
  for (const auto& e : j["entries"]) {
    EXPECT_TRUE(concerns(e, m)) << e.dump();
    const std::string action = e["action"], entity = e["entity"];
    if (entity == "patient" && action == "create") created = true;
    if (entity == "intake" && action == "create") intake = true;
    if (entity == "session" && action == "create") session_created = true;
    if (entity == "session" && action == "read") session_read = true;
    if (entity == "patient" && action == "read" && e["record_id"] == 0) listed = true;
  }
  EXPECT_TRUE(created && intake && session_created && session_read && listed) << r.body;
  // Newest first: the list read came last.
  EXPECT_EQ(j["entries"][0]["entity"], "patient");
  EXPECT_EQ(j["entries"][0]["action"], "read");

  Reply reads = c.get("/api/audit?order=desc&kind=read&limit=1000", admin_);
  ASSERT_EQ(reads.status, 200);
  const json read_rows = reads.json()["entries"];
  for (const auto& e : read_rows) EXPECT_EQ(e["action"], "read");
  Reply writes = c.get("/api/audit?kind=write&limit=1000", admin_);
  ASSERT_EQ(writes.status, 200);
  const json write_rows = writes.json()["entries"];
  ASSERT_FALSE(write_rows.empty());
  for (const auto& e : write_rows) EXPECT_NE(e["action"], "read");
  EXPECT_TRUE(writes.json().contains("next_after"));
}

TEST(AuditPatients, FromTheRowAlone) {
  records::AuditEntry e;
  e.entity = "patient";
  e.record_id = 7;
  EXPECT_EQ(clinic::audit_patients(e), (std::vector<long long>{7}));
  e.record_id = 0;
  e.detail = R"({"ids":[3,1,3],"list":{"q":""}})";
  EXPECT_EQ(clinic::audit_patients(e), (std::vector<long long>{1, 3}));
  e.entity = "intake";
  e.record_id = 12;
  e.detail = R"({"patient_id":5,"version":2})";
  EXPECT_EQ(clinic::audit_patients(e), (std::vector<long long>{5}));
  e.entity = "agenda";
  e.detail = R"({"date":"2026-11-22","patients":[4,2]})";
  EXPECT_EQ(clinic::audit_patients(e), (std::vector<long long>{2, 4}));
  e.entity = "session";
  e.detail = "GET /api/sessions/12";
  EXPECT_TRUE(clinic::audit_patients(e).empty());
  EXPECT_EQ(clinic::audit_patients(e, 9), (std::vector<long long>{9}));
  e.detail = "{not json";
  EXPECT_TRUE(clinic::audit_patients(e).empty());
}

}  // namespace
}  // namespace dermaplan::server::testing
