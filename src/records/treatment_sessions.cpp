// SociStore: treatment sessions, signing, amendments and lot traceability.
#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "core/storable_text.h"
#include "records/signed_content.h"
#include "records/soci_store.h"
#include "records/sql_query.h"

namespace dermaplan::records {
using nlohmann::json;

std::vector<RegionNeedleLength> needle_lengths_from_json(const std::string& text, const char* field) {
  std::vector<RegionNeedleLength> out;
  try {
    json doc = json::parse(text);
    if (!doc.is_array()) throw InvalidRecordError(field, "expected a JSON array");
    for (const auto& item : doc) {
      out.push_back({item.at("region").get<std::string>(), item.at("needle_length_mm").get<double>()});
    }
  } catch (const json::exception& e) {
    throw InvalidRecordError(field, std::string("expected [{\"region\": ..., \"needle_length_mm\": ...}]: ") + e.what());
  }
  return out;
}

std::string needle_lengths_to_json(const std::vector<RegionNeedleLength>& lengths) {
  json doc = json::array();
  for (const auto& l : lengths) doc.push_back({{"region", l.region}, {"needle_length_mm", l.needle_length_mm}});
  return doc.dump();
}

namespace {

constexpr const char* kSessionColumns =
    "id, patient_id, plan_id, session_date, practitioner_id, device_id, lot_number, passes, directions, "
    "anaesthetic, anaesthetic_minutes, end_point, products_applied, notes, status, signed_by, "
    "signed_at_ms, created_by, created_at_ms, updated_at_ms, row_version";

TreatmentSession session_from(const soci::row& r) {
  TreatmentSession s;
  s.id = row_int(r, 0);
  s.patient_id = row_int(r, 1);
  s.plan_id = row_int(r, 2);
  s.session_date = row_text(r, 3);
  s.practitioner_id = row_int(r, 4);
  s.device_id = row_text(r, 5);
  s.lot_number = row_text(r, 6);
  s.passes = static_cast<int>(row_int(r, 7));
  s.directions = row_text(r, 8);
  s.anaesthetic = row_text(r, 9);
  s.anaesthetic_minutes = static_cast<int>(row_int(r, 10));
  s.end_point = row_text(r, 11);
  s.products_applied = row_text(r, 12);
  s.notes = row_text(r, 13);
  s.status = parse_session_status(row_text(r, 14)).value_or(SessionStatus::planned);
  s.signed_by = row_int(r, 15);
  s.signed_at_ms = row_int(r, 16);
  s.created_by = row_int(r, 17);
  s.created_at_ms = row_int(r, 18);
  s.updated_at_ms = row_int(r, 19);
  s.row_version = row_int(r, 20);
  return s;
}

std::string trim(const std::string& text) {
  auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return "";
  auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

void validate_needles(const std::vector<RegionNeedleLength>& lengths, const char* field) {
  std::set<std::string> seen;
  for (const auto& l : lengths) {
    require_text(l.region, field);
    if (!std::isfinite(l.needle_length_mm) || l.needle_length_mm <= 0 || l.needle_length_mm > 5) {
      throw InvalidRecordError(field, "needle length for \"" + l.region + "\" must be in (0, 5] mm");
    }
    if (!seen.insert(l.region).second) throw InvalidRecordError(field, "region \"" + l.region + "\" twice");
  }
}

void validate_session(TreatmentSession& s) {
  require_date(s.session_date, "session.session_date");
  validate_needles(s.needle_lengths, "session.needle_lengths");
  if (s.passes < 0) throw InvalidRecordError("session.passes", "must not be negative");
  if (s.anaesthetic_minutes < 0) throw InvalidRecordError("session.anaesthetic_minutes", "must not be negative");
  s.lot_number = trim(s.lot_number);
}

/// A session's plan is 0 (none) or one of its patient's plans.
void require_plan_of_patient(soci::session& sql, const TreatmentSession& s) {
  if (s.plan_id == 0) return;
  long long plan_patient = 0;
  sql << "SELECT patient_id FROM course_plans WHERE id = :id", soci::use(s.plan_id), soci::into(plan_patient);
  if (!sql.got_data() || plan_patient != s.patient_id) {
    throw InvalidRecordError("session.plan_id",
                             "no plan " + std::to_string(s.plan_id) + " for patient " + std::to_string(s.patient_id));
  }
}

void load_needles(soci::session& sql, TreatmentSession& s) {
  s.needle_lengths.clear();
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT region, needle_length_mm FROM session_needle_lengths WHERE session_id = :s"
                      " ORDER BY region",
       soci::use(s.id));
  for (const auto& r : rows) s.needle_lengths.push_back({row_text(r, 0), row_real(r, 1)});
}

void write_needles(soci::session& sql, const TreatmentSession& s) {
  sql << "DELETE FROM session_needle_lengths WHERE session_id = :s", soci::use(s.id);
  // Row-wise prepared inserts (never a re-executed vector bind: see docs/records.md).
  std::string region;
  double mm = 0;
  long long id = s.id;
  soci::statement insert = (sql.prepare << "INSERT INTO session_needle_lengths (session_id, region,"
                                           " needle_length_mm) VALUES (:s, :r, :m)",
                            soci::use(id), soci::use(region), soci::use(mm));
  for (const auto& l : s.needle_lengths) {
    region = l.region;
    mm = l.needle_length_mm;
    insert.execute(true);
  }
}

constexpr const char* kGateColumns =
    "id, session_id, step, passed_by, passed_at_ms, override_reason, unmet, cautions, recap";

GatePassage gate_passage_from(const soci::row& r) {
  GatePassage g;
  g.id = row_int(r, 0);
  g.session_id = row_int(r, 1);
  g.step = row_text(r, 2);
  g.passed_by = row_int(r, 3);
  g.passed_at_ms = row_int(r, 4);
  g.override_reason = row_text(r, 5);
  g.unmet_json = row_text(r, 6);
  g.cautions_json = row_text(r, 7);
  g.recap_json = row_text(r, 8);
  return g;
}

void load_gate_passages(soci::session& sql, TreatmentSession& s) {
  s.gate_passages.clear();
  soci::rowset<soci::row> rows = (sql.prepare << "SELECT " << kGateColumns
                                              << " FROM gate_passages WHERE session_id = :s ORDER BY id",
                                  soci::use(s.id));
  for (const auto& r : rows) s.gate_passages.push_back(gate_passage_from(r));
}

/// Loads what hangs off a session: its needle lengths and its gate passages.
void load_children(soci::session& sql, TreatmentSession& s) {
  load_needles(sql, s);
  load_gate_passages(sql, s);
}

void check_json_text(const std::string& text, bool array, const char* field) {
  const auto doc = json::parse(text, nullptr, false);
  if (array ? !doc.is_array() : !doc.is_object()) {
    throw InvalidRecordError(field, array ? "must be a JSON array" : "must be a JSON object");
  }
}

std::vector<TreatmentSession> sessions_from(soci::session& sql, soci::rowset<soci::row>& rows) {
  std::vector<TreatmentSession> out;
  for (const auto& r : rows) out.push_back(session_from(r));
  for (auto& s : out) load_children(sql, s);
  return out;
}

/// The value of an amendable field as text (what amendments record as old/new values).
std::string field_text(const TreatmentSession& s, const std::string& field) {
  if (field == "session_date") return s.session_date;
  if (field == "practitioner_id") return std::to_string(s.practitioner_id);
  if (field == "device_id") return s.device_id;
  if (field == "needle_lengths") return needle_lengths_to_json(s.needle_lengths);
  if (field == "lot_number") return s.lot_number;
  if (field == "passes") return std::to_string(s.passes);
  if (field == "directions") return s.directions;
  if (field == "anaesthetic") return s.anaesthetic;
  if (field == "anaesthetic_minutes") return std::to_string(s.anaesthetic_minutes);
  if (field == "end_point") return s.end_point;
  if (field == "products_applied") return s.products_applied;
  if (field == "notes") return s.notes;
  throw InvalidRecordError("amendment.field", "\"" + field + "\" cannot be amended");
}

/// Checks an amendment's value (`where`: "amendment.new_value" or "amendment.old_value") and
/// returns it normalised.
std::string validate_amended_value(const std::string& field, const std::string& value,
                                   const char* where = "amendment.new_value") {
  auto non_negative_integer = [&]() {
    if (value.empty() || value.find_first_not_of("0123456789") != std::string::npos || value.size() > 9) {
      throw InvalidRecordError(where, "\"" + value + "\" is not a non-negative whole number");
    }
    return std::to_string(std::stol(value));
  };
  if (field == "session_date") {
    require_date(value, where);
    return value;
  }
  if (field == "practitioner_id" || field == "passes" || field == "anaesthetic_minutes") return non_negative_integer();
  if (field == "needle_lengths") {
    auto lengths = needle_lengths_from_json(value, where);
    validate_needles(lengths, where);
    return needle_lengths_to_json(lengths);
  }
  if (field == "lot_number") return trim(value);
  return value;
}

/// A normalised value in a form that compares equal whatever the order of its regions.
std::string comparable_value(const std::string& field, const std::string& normalised) {
  if (field != "needle_lengths") return normalised;
  auto lengths = needle_lengths_from_json(normalised, "amendment.value");
  std::sort(lengths.begin(), lengths.end(), [](const auto& a, const auto& b) { return a.region < b.region; });
  return needle_lengths_to_json(lengths);
}

}  // namespace

/// Writes a passage of `s` through the gate (inside the caller's transaction) and audits it.
void SociStore::add_gate_passage(soci::session& sql, const Actor& by, TreatmentSession& s, GatePassage passage) {
  if (passage.step != "performed" && passage.step != "signed") {
    throw InvalidRecordError("gate_passage.step", "must be \"performed\" or \"signed\"");
  }
  check_json_text(passage.unmet_json, true, "gate_passage.unmet");
  check_json_text(passage.cautions_json, true, "gate_passage.cautions");
  check_json_text(passage.recap_json, false, "gate_passage.recap");
  const bool overridden = passage.unmet_json != "[]";
  if (overridden && trim(passage.override_reason).empty()) {
    throw InvalidRecordError("gate_passage.override_reason", "unmet conditions need a written reason");
  }
  passage.session_id = s.id;
  passage.passed_by = by.user_id;
  passage.passed_at_ms = now();
  sql << "INSERT INTO gate_passages (session_id, step, passed_by, passed_at_ms, override_reason, unmet, cautions,"
         " recap) VALUES (:s, :st, :b, :a, :o, :u, :c, :r) RETURNING id",
      soci::use(passage.session_id), soci::use(passage.step), soci::use(passage.passed_by),
      soci::use(passage.passed_at_ms), soci::use(passage.override_reason), soci::use(passage.unmet_json),
      soci::use(passage.cautions_json), soci::use(passage.recap_json), soci::into(passage.id);
  audit(sql, by, AuditAction::create, "gate_passage", passage.id,
        json{{"session_id", s.id},
             {"patient_id", s.patient_id},
             {"step", passage.step},
             {"overridden", overridden},
             {"override_reason", passage.override_reason},
             {"unmet", json::parse(passage.unmet_json)},
             {"cautions", json::parse(passage.cautions_json)}}
            .dump());
  s.gate_passages.push_back(std::move(passage));
}

TreatmentSession SociStore::load_session_for_update(soci::session& sql, long long session_id) {
  soci::row r;
  sql << "SELECT " << kSessionColumns << " FROM treatment_sessions WHERE id = :id" << for_update(),
      soci::use(session_id), soci::into(r);
  if (!sql.got_data()) throw NotFoundError("session " + std::to_string(session_id), "no such session");
  TreatmentSession s = session_from(r);
  load_children(sql, s);
  return s;
}

TreatmentSession SociStore::create_session(const Actor& by, TreatmentSession session,
                                           std::optional<GatePassage> passage) {
  validate_session(session);
  if (session.status == SessionStatus::signed_off) {
    throw InvalidRecordError("session.status", "a new session is planned or performed; sign it with sign_session");
  }
  return write("create_session", [&](soci::session& sql) {
    require_patient(sql, session.patient_id, "session.patient_id");
    require_plan_of_patient(sql, session);
    session.created_by = by.user_id;
    session.created_at_ms = session.updated_at_ms = now();
    session.signed_by = session.signed_at_ms = 0;
    session.row_version = 1;
    std::string status = to_string(session.status);
    soci::indicator plan_ind = null_if_zero(session.plan_id);
    soci::indicator practitioner_ind = null_if_zero(session.practitioner_id);
    sql << "INSERT INTO treatment_sessions (patient_id, plan_id, session_date, practitioner_id, device_id,"
           " lot_number, passes, directions, anaesthetic, anaesthetic_minutes, end_point, products_applied,"
           " notes, status, created_by, created_at_ms, updated_at_ms, row_version) VALUES (:pa, :pl, :d, :pr,"
           " :dv, :l, :ps, :di, :an, :am, :e, :pd, :n, :st, :cb, :ca, :ua, 1) RETURNING id",
        soci::use(session.patient_id), soci::use(session.plan_id, plan_ind), soci::use(session.session_date),
        soci::use(session.practitioner_id, practitioner_ind), soci::use(session.device_id),
        soci::use(session.lot_number), soci::use(session.passes), soci::use(session.directions),
        soci::use(session.anaesthetic), soci::use(session.anaesthetic_minutes), soci::use(session.end_point),
        soci::use(session.products_applied), soci::use(session.notes), soci::use(status),
        soci::use(session.created_by), soci::use(session.created_at_ms), soci::use(session.updated_at_ms),
        soci::into(session.id);
    write_needles(sql, session);
    audit(sql, by, AuditAction::create, "session", session.id,
          json{{"patient_id", session.patient_id}, {"status", status}, {"lot_number", session.lot_number}}.dump());
    session.gate_passages.clear();
    if (passage) add_gate_passage(sql, by, session, *passage);
    return session;
  });
}

std::optional<TreatmentSession> SociStore::find_session(long long id) {
  return read(
      "find_session",
      [&](soci::session& sql) -> std::optional<TreatmentSession> {
        soci::row r;
        sql << "SELECT " << kSessionColumns << " FROM treatment_sessions WHERE id = :id", soci::use(id),
            soci::into(r);
        if (!sql.got_data()) return std::nullopt;
        TreatmentSession s = session_from(r);
        load_children(sql, s);
        return s;
      },
      /*snapshot=*/true);
}

std::vector<TreatmentSession> load_sessions_of_patient(soci::session& sql, long long patient_id) {
  std::vector<TreatmentSession> out;
  {
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT " << kSessionColumns
                     << " FROM treatment_sessions WHERE patient_id = :p ORDER BY session_date, id",
         soci::use(patient_id));
    for (const auto& r : rows) out.push_back(session_from(r));
  }
  if (out.empty()) return out;
  // Every needle length of the patient in one query, instead of one query per session.
  std::map<long long, TreatmentSession*> by_id;
  for (auto& s : out) by_id[s.id] = &s;
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT n.session_id, n.region, n.needle_length_mm FROM session_needle_lengths n"
                      " JOIN treatment_sessions s ON s.id = n.session_id WHERE s.patient_id = :p"
                      " ORDER BY n.session_id, n.region",
       soci::use(patient_id));
  for (const auto& r : rows) {
    auto it = by_id.find(row_int(r, 0));
    if (it != by_id.end()) it->second->needle_lengths.push_back({row_text(r, 1), row_real(r, 2)});
  }
  // And every gate passage of the patient in one query.
  soci::rowset<soci::row> passages =
      (sql.prepare << "SELECT g.id, g.session_id, g.step, g.passed_by, g.passed_at_ms, g.override_reason,"
                      " g.unmet, g.cautions, g.recap FROM gate_passages g JOIN treatment_sessions s"
                      " ON s.id = g.session_id WHERE s.patient_id = :p ORDER BY g.id",
       soci::use(patient_id));
  for (const auto& r : passages) {
    auto it = by_id.find(row_int(r, 1));
    if (it != by_id.end()) it->second->gate_passages.push_back(gate_passage_from(r));
  }
  return out;
}

std::vector<TreatmentSession> SociStore::list_sessions(long long patient_id) {
  return read(
      "list_sessions", [&](soci::session& sql) { return load_sessions_of_patient(sql, patient_id); },
      /*snapshot=*/true);
}

std::vector<TreatmentSession> SociStore::list_sessions_between(const std::string& from, const std::string& to) {
  require_date(from, "from");
  require_date(to, "to");
  return read(
      "list_sessions_between",
      [&](soci::session& sql) {
        soci::rowset<soci::row> rows =
            (sql.prepare << "SELECT " << kSessionColumns
                         << " FROM treatment_sessions WHERE session_date >= :f AND session_date <= :t"
                            " AND patient_id IN (SELECT id FROM patients WHERE deleted = 0)"
                            " ORDER BY session_date, id",
             soci::use(from), soci::use(to));
        return sessions_from(sql, rows);
      },
      /*snapshot=*/true);
}

TreatmentSession SociStore::update_session(const Actor& by, TreatmentSession session,
                                           std::optional<GatePassage> passage) {
  validate_session(session);
  if (session.status == SessionStatus::signed_off) {
    throw InvalidRecordError("session.status", "sign a session with sign_session");
  }
  return write("update_session", [&, &input = session](soci::session& sql) {
    TreatmentSession session = input;  // a retry starts again from the caller's copy
    TreatmentSession old = load_session_for_update(sql, session.id);
    if (old.status == SessionStatus::signed_off) {
      throw SignedSessionError("session " + std::to_string(session.id),
                               "a signed session is immutable; record a correction as an amendment");
    }
    if (old.row_version != session.row_version) {
      throw ConflictError("session " + std::to_string(session.id),
                          "changed since it was read (version " + std::to_string(session.row_version) +
                              ", now " + std::to_string(old.row_version) + ")");
    }
    if (old.status != SessionStatus::planned && session.status == SessionStatus::planned) {
      throw InvalidRecordError("session.status", "a performed session cannot be set back to planned");
    }
    session.patient_id = old.patient_id;
    require_plan_of_patient(sql, session);
    session.created_by = old.created_by;
    session.created_at_ms = old.created_at_ms;
    session.signed_by = session.signed_at_ms = 0;
    session.updated_at_ms = now();
    std::string status = to_string(session.status);
    soci::indicator plan_ind = null_if_zero(session.plan_id);
    soci::indicator practitioner_ind = null_if_zero(session.practitioner_id);
    long long changed = execute_counting(
        sql,
        "UPDATE treatment_sessions SET plan_id = :pl, session_date = :d, practitioner_id = :pr, device_id = :dv,"
        " lot_number = :l, passes = :ps, directions = :di, anaesthetic = :an, anaesthetic_minutes = :am,"
        " end_point = :e, products_applied = :pd, notes = :n, status = :st, updated_at_ms = :ua,"
        " row_version = row_version + 1 WHERE id = :id AND row_version = :rv",
        soci::use(session.plan_id, plan_ind), soci::use(session.session_date),
        soci::use(session.practitioner_id, practitioner_ind),
        soci::use(session.device_id), soci::use(session.lot_number), soci::use(session.passes),
        soci::use(session.directions), soci::use(session.anaesthetic), soci::use(session.anaesthetic_minutes),
        soci::use(session.end_point), soci::use(session.products_applied), soci::use(session.notes),
        soci::use(status), soci::use(session.updated_at_ms), soci::use(session.id),
        soci::use(session.row_version));
    if (changed != 1) throw ConflictError("session " + std::to_string(session.id), "changed concurrently");
    write_needles(sql, session);
    session.row_version += 1;
    json fields = json::array();
    if (old.plan_id != session.plan_id) fields.push_back("plan_id");
    for (const auto& field : amendable_session_fields()) {
      if (field_text(old, field) != field_text(session, field)) fields.push_back(field);
    }
    if (old.status != session.status) fields.push_back("status");
    audit(sql, by, AuditAction::update, "session", session.id,
          json{{"patient_id", session.patient_id}, {"fields", fields}, {"status", status}}.dump());
    session.gate_passages = old.gate_passages;
    if (passage) add_gate_passage(sql, by, session, *passage);
    return session;
  });
}

TreatmentSession SociStore::sign_session(const Actor& by, long long session_id, long long row_version,
                                         std::optional<GatePassage> passage) {
  return write("sign_session", [&](soci::session& sql) {
    TreatmentSession s = load_session_for_update(sql, session_id);
    std::string where = "session " + std::to_string(session_id);
    if (s.status == SessionStatus::signed_off) throw SignedSessionError(where, "already signed");
    if (s.status != SessionStatus::performed) {
      throw InvalidRecordError(where, "only a performed session can be signed (it is " +
                                          std::string(to_string(s.status)) + ")");
    }
    if (s.row_version != row_version) throw ConflictError(where, "changed since it was read");
    s.status = SessionStatus::signed_off;
    s.signed_by = by.user_id;
    s.signed_at_ms = s.updated_at_ms = now();
    sql << "UPDATE treatment_sessions SET status = 'signed', signed_by = :b, signed_at_ms = :t,"
           " updated_at_ms = :u, row_version = row_version + 1 WHERE id = :id",
        soci::use(s.signed_by), soci::use(s.signed_at_ms), soci::use(s.updated_at_ms), soci::use(s.id);
    s.row_version += 1;
    audit(sql, by, AuditAction::sign, "session", s.id,
          json{{"patient_id", s.patient_id}, {kContentHashKey, signed_session_sha256(sql, s.id)}}.dump());
    if (passage) add_gate_passage(sql, by, s, *passage);
    return s;
  });
}

Amendment SociStore::add_amendment(const Actor& by, long long session_id, const std::string& field,
                                   const std::string& new_value, const std::string& reason,
                                   const std::optional<std::string>& expected_old_value) {
  require_text(reason, "amendment.reason");
  const auto& fields = amendable_session_fields();
  if (std::find(fields.begin(), fields.end(), field) == fields.end()) {
    throw InvalidRecordError("amendment.field", "\"" + field + "\" cannot be amended");
  }
  std::string value = validate_amended_value(field, new_value);
  const std::optional<std::string> expected =
      expected_old_value ? std::optional(comparable_value(field, validate_amended_value(field, *expected_old_value,
                                                                                        "amendment.old_value")))
                         : std::nullopt;
  return write("add_amendment", [&](soci::session& sql) {
    TreatmentSession s = load_session_for_update(sql, session_id);
    if (s.status != SessionStatus::signed_off) {
      throw InvalidRecordError("session " + std::to_string(session_id),
                               "only a signed session takes amendments; edit it instead");
    }
    Amendment a;
    a.session_id = session_id;
    a.author_id = by.user_id;
    a.amended_at_ms = now();
    a.field = field;
    a.new_value = value;
    a.reason = reason;
    // The value in force: the last amendment of this field, else the signed original.
    soci::row last;
    sql << "SELECT new_value FROM amendments WHERE session_id = :s AND field = :f ORDER BY id DESC LIMIT 1",
        soci::use(session_id), soci::use(field), soci::into(last);
    a.old_value = sql.got_data() ? row_text(last, 0) : field_text(s, field);
    // The session row is locked (FOR UPDATE), so amendments of one session are serialised and
    // the value in force read here is the one the new amendment supersedes.
    const std::string in_force = comparable_value(field, a.old_value);
    if (expected && *expected != in_force) {
      throw ConflictError("/old_value", "the " + field + " in force is now \"" + a.old_value + "\", not \"" +
                                            *expected_old_value +
                                            "\" as read: another correction came first; reload the session and "
                                            "amend the value in force");
    }
    if (comparable_value(field, value) == in_force) {
      throw InvalidRecordError("amendment.new_value",
                               "nothing changes: the " + field + " in force is already \"" + a.old_value + "\"");
    }
    sql << "INSERT INTO amendments (session_id, author_id, amended_at_ms, field, old_value, new_value, reason)"
           " VALUES (:s, :a, :t, :f, :o, :n, :r) RETURNING id",
        soci::use(a.session_id), soci::use(a.author_id), soci::use(a.amended_at_ms), soci::use(a.field),
        soci::use(a.old_value), soci::use(a.new_value), soci::use(a.reason), soci::into(a.id);
    audit(sql, by, AuditAction::amend, "session", session_id,
          json{{"amendment_id", a.id}, {"field", field}, {"patient_id", s.patient_id},
               {kContentHashKey, amendment_sha256(sql, a.id)}}
              .dump());
    return a;
  });
}

std::vector<Amendment> SociStore::list_amendments(long long session_id) {
  return read("list_amendments", [&](soci::session& sql) {
    std::vector<Amendment> out;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT id, session_id, author_id, amended_at_ms, field, old_value, new_value, reason"
                        " FROM amendments WHERE session_id = :s ORDER BY id",
         soci::use(session_id));
    for (const auto& r : rows) {
      out.push_back({row_int(r, 0), row_int(r, 1), row_int(r, 2), row_int(r, 3), row_text(r, 4),
                     row_text(r, 5), row_text(r, 6), row_text(r, 7)});
    }
    return out;
  });
}

LotTrace SociStore::trace_lot(const std::string& lot_number) {
  std::string lot = trim(lot_number);
  require_text(lot, "lot_number");
  return read(
      "trace_lot",
      [&](soci::session& sql) {
        LotTrace trace;
        // Original lot or amended lot: traceability errs on the side of including a session.
        // The case of ASCII letters does not count (a recall for "L1" finds a session noted
        // "l1"). LOWER() narrows the rows in the database (SQLite folds ASCII only, PostgreSQL
        // more), and the exact rule is applied here, so both backends answer the same.
        std::set<long long> amended_to_lot;
        {
          soci::rowset<soci::row> amended =
              (sql.prepare << "SELECT session_id, new_value FROM amendments WHERE field = 'lot_number'"
                              " AND LOWER(new_value) = LOWER(:l)",
               soci::use(lot));
          for (const auto& r : amended)
            if (equal_ignoring_ascii_case(row_text(r, 1), lot)) amended_to_lot.insert(row_int(r, 0));
        }
        soci::rowset<soci::row> rows =
            (sql.prepare << "SELECT " << kSessionColumns
                         << " FROM treatment_sessions WHERE LOWER(lot_number) = LOWER(:l) OR id IN (SELECT"
                            " session_id FROM amendments WHERE field = 'lot_number' AND LOWER(new_value) ="
                            " LOWER(:l2)) ORDER BY session_date, id",
             soci::use(lot), soci::use(lot));
        trace.sessions = sessions_from(sql, rows);
        std::erase_if(trace.sessions, [&](const TreatmentSession& s) {
          return !equal_ignoring_ascii_case(s.lot_number, lot) && !amended_to_lot.count(s.id);
        });
        std::set<long long> patient_ids;
        for (const auto& s : trace.sessions) patient_ids.insert(s.patient_id);
        for (long long id : patient_ids) {
          if (auto p = load_patient(sql, id)) trace.patients.push_back(std::move(*p));
        }
        return trace;
      },
      /*snapshot=*/true);
}

}  // namespace dermaplan::records
