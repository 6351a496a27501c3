// Users, login sessions, patients (with pagination and search), intakes, consents, plans,
// adverse events, outcomes and photos: the same cases on both backends.
#include <functional>
#include <filesystem>
#include <fstream>
#include <set>

#include "records/migrations.h"
#include "store_test_support.h"

namespace dermaplan::records::testing {
namespace {

class StoreCrud : public StoreTest {};
DERMAPLAN_INSTANTIATE_BACKENDS(StoreCrud);

TEST_P(StoreCrud, OpensEmptyDatabaseAtLatestSchema) {
  auto store = open();
  EXPECT_EQ(store->backend(), backend());
  EXPECT_EQ(store->schema_version(), latest_schema_version());
  EXPECT_EQ(store->count_users(), 0);
  EXPECT_EQ(store->integrity_check(), "ok");
  EXPECT_TRUE(store->verify_audit_chain().ok);
  // Opening again applies nothing and keeps the version.
  auto again = open();
  EXPECT_EQ(again->schema_version(), latest_schema_version());
}

TEST_P(StoreCrud, ConnectionsUseDurableCommitSettings) {
  { auto store = open(); }
  auto sql = raw(db());  // configured by the same code as the store's connections
  if (backend() == Backend::postgresql) {
    std::string synchronous_commit;
    *sql << "SHOW synchronous_commit", soci::into(synchronous_commit);
    EXPECT_EQ(synchronous_commit, "on");
    return;
  }
  std::string mode;
  int synchronous = -1;
  int foreign_keys = -1;
  *sql << "PRAGMA journal_mode", soci::into(mode);
  *sql << "PRAGMA synchronous", soci::into(synchronous);
  *sql << "PRAGMA foreign_keys", soci::into(foreign_keys);
  EXPECT_EQ(mode, "wal");
  EXPECT_EQ(synchronous, 2);  // FULL
  EXPECT_EQ(foreign_keys, 1);
}

TEST_P(StoreCrud, UsersAreUniqueAndUpdatedWithVersionCheck) {
  auto store = open();
  Actor admin = make_admin(*store);
  auto found = store->find_user_by_username("admin");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->role, Role::admin);
  EXPECT_EQ(found->row_version, 1);
  EXPECT_EQ(store->count_users(), 1);

  User dup;
  dup.username = "admin";
  dup.display_name = "Someone else";
  dup.password_hash = "x";
  EXPECT_THROW(store->create_user(admin, dup), DuplicateError);

  User changed = *found;
  changed.role = Role::practitioner;
  changed.disabled = true;
  User saved = store->update_user(admin, changed);
  EXPECT_EQ(saved.row_version, 2);
  EXPECT_EQ(store->find_user(saved.id)->role, Role::practitioner);
  EXPECT_TRUE(store->find_user(saved.id)->disabled);
  // The stale copy (version 1) is refused.
  EXPECT_THROW(store->update_user(admin, changed), ConflictError);
  EXPECT_EQ(store->list_users().size(), 1u);
}

TEST_P(StoreCrud, LoginSessionsStoreHashesAndRevoke) {
  auto store = open();
  Actor admin = make_admin(*store);
  AuthSession s;
  s.token_hash = std::string(64, 'a');
  s.user_id = admin.user_id;
  s.expires_at_ms = 2'000'000'000'000;
  s = store->create_auth_session(s);
  EXPECT_GT(s.id, 0);
  auto found = store->find_auth_session(std::string(64, 'a'));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->expires_at_ms, 2'000'000'000'000);
  EXPECT_FALSE(found->revoked);
  EXPECT_THROW(store->create_auth_session(s), DuplicateError);
  EXPECT_TRUE(store->revoke_auth_session(s.token_hash));
  EXPECT_TRUE(store->find_auth_session(s.token_hash)->revoked);
  EXPECT_FALSE(store->revoke_auth_session("unknown"));
  AuthSession other = s;
  other.token_hash = std::string(64, 'b');
  store->create_auth_session(other);
  EXPECT_EQ(store->revoke_auth_sessions_of(admin.user_id), 1);
  EXPECT_FALSE(store->find_auth_session(std::string(64, 'c')));
}

TEST_P(StoreCrud, TheLoginChangeCounterMovesWithEveryRevocationAndUserUpdateInTheirTransaction) {
  auto store = open();
  Actor admin = make_admin(*store);
  AuthSession s;
  s.token_hash = std::string(64, 'e');
  s.user_id = admin.user_id;
  s.expires_at_ms = 2'000'000'000'000;
  long long seq = store->auth_change_seq();
  // Each step: what it does, and whether the counter moves.
  struct Step {
    const char* what;
    std::function<void()> run;
    bool moves;
  };
  const std::vector<Step> steps{
      {"a new session", [&] { s = store->create_auth_session(s); }, false},
      {"activity", [&] { store->touch_auth_session(s.token_hash, s.created_at_ms + 60'000); }, false},
      {"a revocation of an unknown token", [&] { store->revoke_auth_session(std::string(64, 'f')); }, false},
      {"a revocation", [&] { EXPECT_TRUE(store->revoke_auth_session(s.token_hash)); }, true},
      {"the same revocation again", [&] { EXPECT_TRUE(store->revoke_auth_session(s.token_hash)); }, false},
      {"revoking a user's sessions when none is live", [&] { store->revoke_auth_sessions_of(admin.user_id); }, false},
      {"a user update", [&] { store->update_user(admin, *store->find_user(admin.user_id)); }, true},
      {"a refused (stale) user update",
       [&] {
         User stale = *store->find_user(admin.user_id);
         stale.row_version -= 1;
         EXPECT_THROW(store->update_user(admin, stale), ConflictError);
       },
       false},
      {"another session, then a revocation of the user's sessions",
       [&] {
         AuthSession other = s;
         other.token_hash = std::string(64, 'g');
         store->create_auth_session(other);
         EXPECT_EQ(store->revoke_auth_sessions_of(admin.user_id), 1);
       },
       true},
      {"a revocation and a user update rolled back together",
       [&] {
         AuthSession third = s;
         third.token_hash = std::string(64, 'h');
         store->create_auth_session(third);
         const long long before = store->auth_change_seq();
         EXPECT_THROW(store->in_one_transaction([&] {
           EXPECT_EQ(store->revoke_auth_sessions_of(admin.user_id), 1);
           store->update_user(admin, *store->find_user(admin.user_id));
           throw ConflictError("test", "roll back");
         }),
                      ConflictError);
         EXPECT_EQ(store->auth_change_seq(), before);
         EXPECT_FALSE(store->find_auth_session(third.token_hash)->revoked) << "rolled back with the counter";
       },
       false},
      {"a patient (not a login)", [&] { make_patient(*store, admin, "Counter Case"); }, false},
  };
  for (const auto& step : steps) {
    step.run();
    const long long now = store->auth_change_seq();
    if (step.moves) {
      EXPECT_GT(now, seq) << step.what;
    }
    else EXPECT_EQ(now, seq) << step.what;
    seq = now;
  }
}

TEST_P(StoreCrud, AConnectionThatReadTheLoginCounterSeesAnotherStoresRevocationOnItsNextRead) {
  // One connection each, so the second reads go through the statements the first prepared.
  StoreOptions one;
  one.pool_size = 1;
  auto a = open(one);
  auto b = open(one);
  Actor admin = make_admin(*a);
  AuthSession s;
  s.token_hash = std::string(64, 'i');
  s.user_id = admin.user_id;
  s.expires_at_ms = 2'000'000'000'000;
  a->create_auth_session(s);
  const long long seq = b->auth_change_seq();
  auto found = b->find_auth_session_and_user(s.token_hash);
  ASSERT_TRUE(found);
  EXPECT_FALSE(found->first.revoked);
  EXPECT_EQ(found->first.token_hash, s.token_hash);
  EXPECT_EQ(found->first.expires_at_ms, s.expires_at_ms);
  EXPECT_EQ(found->second.id, admin.user_id);
  EXPECT_EQ(found->second.username, "admin");
  EXPECT_EQ(found->second.role, Role::admin);
  EXPECT_FALSE(b->find_auth_session_and_user(std::string(64, 'j')));
  a->revoke_auth_session(s.token_hash);
  EXPECT_GT(b->auth_change_seq(), seq);
  EXPECT_TRUE(b->find_auth_session_and_user(s.token_hash)->first.revoked);
  User changed = *a->find_user(admin.user_id);
  changed.display_name = "Renamed";
  a->update_user(admin, changed);
  EXPECT_EQ(b->find_auth_session_and_user(s.token_hash)->second.display_name, "Renamed");
  // The counter's statement ends with its read: the connection's other queries do not run in
  // its old snapshot (a SQLite statement left on its row would keep one open).
  b->auth_change_seq();
  changed = *a->find_user(admin.user_id);
  changed.display_name = "Renamed again";
  a->update_user(admin, changed);
  EXPECT_EQ(b->find_user(admin.user_id)->display_name, "Renamed again");
}

TEST_P(StoreCrud, LoginSessionActivityOnlyMovesForward) {
  auto store = open();
  Actor admin = make_admin(*store);
  AuthSession s;
  s.token_hash = std::string(64, 'd');
  s.user_id = admin.user_id;
  s.expires_at_ms = 2'000'000'000'000;
  s = store->create_auth_session(s);
  EXPECT_EQ(store->find_auth_session(s.token_hash)->last_seen_ms, s.created_at_ms) << "a new session starts active";
  store->touch_auth_session(s.token_hash, s.created_at_ms + 60'000);
  EXPECT_EQ(store->find_auth_session(s.token_hash)->last_seen_ms, s.created_at_ms + 60'000);
  store->touch_auth_session(s.token_hash, s.created_at_ms + 1'000);  // a late, older report
  EXPECT_EQ(store->find_auth_session(s.token_hash)->last_seen_ms, s.created_at_ms + 60'000);
  store->touch_auth_session(std::string(64, 'e'), 5);  // unknown: nothing happens
  EXPECT_FALSE(store->find_auth_session(std::string(64, 'e')));
}

TEST_P(StoreCrud, PatientLifecycleWithExplicitAuditedDelete) {
  auto store = open();
  Actor admin = make_admin(*store);
  Patient p = make_patient(*store, admin, "Anna Berg");
  EXPECT_GT(p.id, 0);
  EXPECT_EQ(p.created_by, admin.user_id);
  EXPECT_EQ(p.row_version, 1);

  p.notes = "Fitzpatrick III";
  Patient updated = store->update_patient(admin, p);
  EXPECT_EQ(updated.row_version, 2);
  EXPECT_EQ(store->find_patient(p.id)->notes, "Fitzpatrick III");
  EXPECT_THROW(store->update_patient(admin, p), ConflictError);  // p still says version 1

  Patient bad = updated;
  bad.birth_date = "1985-02-30";
  EXPECT_THROW(store->update_patient(admin, bad), InvalidRecordError);

  EXPECT_THROW(store->delete_patient(admin, p.id, ""), InvalidRecordError);  // a reason is required
  store->delete_patient(admin, p.id, "duplicate record, requested by patient");
  EXPECT_FALSE(store->find_patient(p.id));
  auto kept = store->find_patient(p.id, /*include_deleted=*/true);
  ASSERT_TRUE(kept);  // nothing is erased
  EXPECT_TRUE(kept->deleted);
  EXPECT_EQ(kept->deleted_by, admin.user_id);
  EXPECT_THROW(store->delete_patient(admin, p.id, "again"), NotFoundError);
  EXPECT_THROW(store->update_patient(admin, *kept), NotFoundError);

  auto audit = store->list_audit(0, 100);
  ASSERT_FALSE(audit.empty());
  EXPECT_EQ(audit.back().action, AuditAction::remove);
  EXPECT_EQ(audit.back().entity, "patient");
  EXPECT_EQ(audit.back().record_id, p.id);
  EXPECT_NE(audit.back().detail.find("duplicate record"), std::string::npos);
  EXPECT_TRUE(store->verify_audit_chain().ok);
}

TEST_P(StoreCrud, PatientListPagesAndSearchesCaseInsensitively) {
  auto store = open();
  Actor admin = make_admin(*store);
  for (int i = 0; i < 25; ++i) {
    make_patient(*store, admin, "Patient " + std::string(i < 10 ? "0" : "") + std::to_string(i));
  }
  make_patient(*store, admin, "Ölçer, Zeynep");
  make_patient(*store, admin, "MÜLLER, Jürgen");
  make_patient(*store, admin, "100%_sure");
  Patient gone = make_patient(*store, admin, "Patient deleted");
  store->delete_patient(admin, gone.id, "test");

  PatientQuery q;
  q.name_contains = "patient";
  q.limit = 10;
  auto page1 = store->list_patients(q);
  EXPECT_EQ(page1.total, 25);
  ASSERT_EQ(page1.patients.size(), 10u);
  EXPECT_EQ(page1.patients.front().name, "Patient 00");
  q.offset = 20;
  auto page3 = store->list_patients(q);
  ASSERT_EQ(page3.patients.size(), 5u);
  EXPECT_EQ(page3.patients.back().name, "Patient 24");
  // Every page together: each patient once.
  std::set<long long> ids;
  for (int offset = 0; offset < 25; offset += 10) {
    q.offset = offset;
    for (const auto& p : store->list_patients(q).patients) EXPECT_TRUE(ids.insert(p.id).second);
  }
  EXPECT_EQ(ids.size(), 25u);
  // Pages of one (the smallest page) walk the same patients in the same order.
  q.limit = 1;
  for (int offset = 0; offset < 25; ++offset) {
    q.offset = offset;
    auto one = store->list_patients(q);
    EXPECT_EQ(one.total, 25);
    ASSERT_EQ(one.patients.size(), 1u) << "offset " << offset;
    EXPECT_EQ(one.patients[0].name, "Patient " + std::string(offset < 10 ? "0" : "") + std::to_string(offset));
  }
  q.offset = 25;  // just past the end: no rows, the total still right
  EXPECT_EQ(store->list_patients(q).patients.size(), 0u);
  EXPECT_EQ(store->list_patients(q).total, 25);

  q = {};
  q.name_contains = "müller";
  EXPECT_EQ(store->list_patients(q).total, 1);
  q.name_contains = "ÖLÇ";
  EXPECT_EQ(store->list_patients(q).total, 1);
  q.name_contains = "0%_";  // wildcards are literal
  EXPECT_EQ(store->list_patients(q).total, 1);
  q.name_contains = "_su";
  EXPECT_EQ(store->list_patients(q).total, 1);
  q.name_contains = "_";  // one character: a literal underscore, anywhere in the name
  EXPECT_EQ(store->list_patients(q).total, 1);
  q.name_contains = "10";  // two: "Patient 10" and the name that holds "100%_"
  EXPECT_EQ(store->list_patients(q).total, 2);
  q.name_contains = "";
  EXPECT_EQ(store->list_patients(q).total, 28);
  q.include_deleted = true;
  EXPECT_EQ(store->list_patients(q).total, 29);
  q.limit = 0;
  EXPECT_THROW(store->list_patients(q), InvalidRecordError);
}

TEST_P(StoreCrud, APatientCreatedWithIntakesGetsVersionsAndAuditRowsTogether) {
  auto store = open();
  Actor admin = make_admin(*store);
  const long long audit_before = static_cast<long long>(store->list_audit(0, 1000).size());
  Patient p;
  p.name = "Ines Imported";
  p.birth_date = "1980-02-29";
  Intake first, second;
  first.intake_json = R"({"age": 44})";
  second.intake_json = R"({"age": 45})";
  first.screening_json = second.screening_json = "{}";
  first.patient_id = second.patient_id = 424242;  // ignored: the new patient's id is used
  const auto created = store->create_patient_with_intakes(admin, p, {first, second});
  ASSERT_GT(created.patient.id, 0);
  ASSERT_EQ(created.intakes.size(), 2u);
  EXPECT_EQ(created.intakes[0].version, 1);
  EXPECT_EQ(created.intakes[1].version, 2);
  const auto stored = store->list_intakes(created.patient.id);
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(stored[1].intake_json, R"({"age": 45})");
  EXPECT_EQ(stored[1].id, created.intakes[1].id);
  const auto audit = store->list_audit(0, 1000);
  ASSERT_EQ(static_cast<long long>(audit.size()), audit_before + 3);
  EXPECT_EQ(audit[audit_before].entity, "patient");
  EXPECT_EQ(audit[audit_before + 2].entity, "intake");
  // A bad intake stores nothing, not even the patient.
  Intake empty;
  p.name = "Nobody Stored";
  EXPECT_THROW(store->create_patient_with_intakes(admin, p, {first, empty}), InvalidRecordError);
  PatientQuery q;
  q.name_contains = "Nobody";
  EXPECT_EQ(store->list_patients(q).total, 0);
}

TEST_P(StoreCrud, IntakeVersionsConsentsAndPlansAreKept) {
  auto store = open();
  Actor admin = make_admin(*store);
  Patient p = make_patient(*store, admin, "Carla Diaz");
  Intake i;
  i.patient_id = p.id;
  i.intake_json = R"({"age": 40})";
  i.screening_json = R"({"verdict": "go"})";
  i.knowledge_version = "kb-2026.1";
  i.policy = "default";
  Intake v1 = store->add_intake(admin, i);
  i.intake_json = R"({"age": 40, "isotretinoin": true})";
  i.screening_json = R"({"verdict": "defer"})";
  Intake v2 = store->add_intake(admin, i);
  EXPECT_EQ(v1.version, 1);
  EXPECT_EQ(v2.version, 2);
  auto all = store->list_intakes(p.id);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].screening_json, R"({"verdict": "go"})");
  EXPECT_EQ(all[1].knowledge_version, "kb-2026.1");
  i.patient_id = 999999;
  EXPECT_THROW(store->add_intake(admin, i), NotFoundError);
  // An intake checked against the patient as read (birth date, sex) is written only if the
  // patient has not changed since: an edit in between is a conflict, and nothing is stored.
  i.patient_id = p.id;
  EXPECT_EQ(store->add_intake(admin, i, p.row_version).version, 3);
  Patient edited = p;
  edited.birth_date = "1981-02-03";
  edited = store->update_patient(admin, edited);
  EXPECT_THROW(store->add_intake(admin, i, p.row_version), ConflictError);
  EXPECT_EQ(store->list_intakes(p.id).size(), 3u);
  EXPECT_EQ(store->add_intake(admin, i, edited.row_version).version, 4);

  Consent c;
  c.patient_id = p.id;
  c.text_version = "consent-v3";
  c.consent_text = "I understand the risks: ...";
  c.consented_by = "Carla Diaz";
  c.consented_at_ms = 1'770'000'000'000;
  c = store->add_consent(admin, c);
  auto consents = store->list_consents(p.id);
  ASSERT_EQ(consents.size(), 1u);
  EXPECT_EQ(consents[0].text_version, "consent-v3");
  EXPECT_EQ(consents[0].recorded_by, admin.user_id);

  CoursePlan plan;
  plan.patient_id = p.id;
  plan.indication = "atrophic_acne_scars";
  plan.plan_json = R"({"sessions": 4})";
  plan = store->add_course_plan(admin, plan);
  EXPECT_EQ(store->find_course_plan(plan.id)->plan_json, R"({"sessions": 4})");
  EXPECT_EQ(store->list_course_plans(p.id).size(), 1u);
}

TEST_P(StoreCrud, AdverseEventsAndOutcomes) {
  auto store = open();
  Actor admin = make_admin(*store);
  Patient p = make_patient(*store, admin, "Dora Eck");
  AdverseEvent e;
  e.patient_id = p.id;
  e.event_type = "post-inflammatory hyperpigmentation";
  e.severity = Severity::moderate;
  e.onset_date = "2026-03-02";
  e = store->add_adverse_event(admin, e);
  EXPECT_EQ(e.session_id, 0);
  e.resolution_date = "2026-04-20";
  e.resolution = "resolved with sun protection";
  AdverseEvent resolved = store->update_adverse_event(admin, e);
  EXPECT_EQ(resolved.row_version, 2);
  EXPECT_THROW(store->update_adverse_event(admin, e), ConflictError);
  auto events = store->list_adverse_events(p.id);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].severity, Severity::moderate);
  EXPECT_EQ(events[0].resolution_date, "2026-04-20");
  resolved.resolution_date = "2026-01-01";  // before onset
  EXPECT_THROW(store->update_adverse_event(admin, resolved), InvalidRecordError);

  OutcomeAssessment o;
  o.patient_id = p.id;
  o.scale_id = "goodman_baron_qualitative";
  o.score = 2.5;
  o.region = "cheek_left";
  o.assessed_on = "2026-05-01";
  o = store->add_outcome(admin, o);
  EXPECT_EQ(o.assessor_id, admin.user_id);
  auto outcomes = store->list_outcomes(p.id);
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_DOUBLE_EQ(outcomes[0].score, 2.5);
  EXPECT_EQ(outcomes[0].scale_id, "goodman_baron_qualitative");
}

TEST_P(StoreCrud, PhotosAreFilesNamedBySha256) {
  auto store = open();
  Actor admin = make_admin(*store);
  Patient p = make_patient(*store, admin, "Eva Fink");
  std::string image = "\xFF\xD8\xFF\xE0 not really a jpeg \x00\x01\x02";
  image.push_back('\0');
  Photo ph;
  ph.patient_id = p.id;
  ph.content_type = "image/jpeg";
  ph.region = "forehead";
  ph.view = "frontal";
  ph.tag = PhotoTag::before;
  ph.taken_on = "2026-02-01";
  Photo stored = store->add_photo(admin, ph, image);
  EXPECT_EQ(stored.sha256.size(), 64u);
  EXPECT_EQ(stored.size_bytes, static_cast<long long>(image.size()));
  auto file = std::filesystem::path(store->photo_dir()) / stored.sha256.substr(0, 2) / stored.sha256;
  EXPECT_TRUE(std::filesystem::is_regular_file(file));
  EXPECT_EQ(store->read_photo(stored.sha256), image);
  // The same image again: a second row, one file.
  ph.tag = PhotoTag::after;
  Photo again = store->add_photo(admin, ph, image);
  EXPECT_EQ(again.sha256, stored.sha256);
  auto photos = store->list_photos(p.id);
  ASSERT_EQ(photos.size(), 2u);
  EXPECT_EQ(photos[0].tag, PhotoTag::before);
  EXPECT_EQ(photos[1].tag, PhotoTag::after);
  EXPECT_THROW(store->read_photo(std::string(64, '0')), NotFoundError);
  // Which rows (so which patients) an image belongs to.
  auto rows = store->find_photos(stored.sha256);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].id, stored.id);
  EXPECT_EQ(rows[1].id, again.id);
  EXPECT_EQ(rows[0].patient_id, p.id);
  EXPECT_TRUE(store->find_photos(std::string(64, '0')).empty());
  // A corrupted file is detected.
  std::filesystem::permissions(file, std::filesystem::perms::owner_write, std::filesystem::perm_options::add);
  std::ofstream(file, std::ios::binary | std::ios::trunc) << "tampered";
  EXPECT_THROW(store->read_photo(stored.sha256), StoreUnavailableError);
}

TEST_P(StoreCrud, WritesAreAuditedInTheSameTransaction) {
  auto store = open();
  Actor admin = make_admin(*store);
  Patient p = make_patient(*store, admin, "Gina Holt");
  store->append_audit(admin, AuditAction::read, "patient", p.id, "viewed chart");
  auto rows = store->list_audit(0, 10);
  ASSERT_EQ(rows.size(), 3u);  // create user, create patient, read
  EXPECT_EQ(rows[0].seq, 1);
  EXPECT_EQ(rows[0].entity, "user");
  EXPECT_EQ(rows[0].username, "system");
  EXPECT_EQ(rows[1].action, AuditAction::create);
  EXPECT_EQ(rows[1].user_id, admin.user_id);
  EXPECT_EQ(rows[2].action, AuditAction::read);
  EXPECT_EQ(rows[2].detail, "viewed chart");
  EXPECT_EQ(store->list_audit(2, 10).size(), 1u);
  // A write that fails leaves no audit row.
  Patient bad;
  bad.name = "x";
  bad.birth_date = "1990-01-01";
  Intake orphan;
  orphan.patient_id = 424242;
  orphan.intake_json = "{}";
  EXPECT_THROW(store->add_intake(admin, orphan), NotFoundError);
  EXPECT_EQ(store->list_audit(0, 10).size(), 3u);
}

}  // namespace
}  // namespace dermaplan::records::testing
