#include "clinic/exports.h"

#include "clinic/patient_care.h"

#include "clinic/failure.h"
#include "core/civil_date.h"
#include "core/errors.h"
#include "interop/csv.h"
#include "interop/fhir_bulk.h"
#include "screening/screening.h"

#include <fmt/format.h>

#include <fstream>
#include <memory>

namespace dermaplan::clinic {

using nlohmann::json;

interop::RecordForExport record_for_export(records::Store& store, long long patient_id) {
  auto read = store.read_patient_record(patient_id);
  if (!read) throw records::NotFoundError("", fmt::format("no patient with id {}", patient_id));
  interop::RecordForExport r;
  r.patient = std::move(read->patient);
  r.intakes = std::move(read->intakes);
  r.consents = std::move(read->consents);
  r.plans = std::move(read->plans);
  r.sessions = std::move(read->sessions);
  r.adverse_events = std::move(read->adverse_events);
  r.outcomes = std::move(read->outcomes);
  r.photos = std::move(read->photos);
  for (const auto& s : r.sessions)
    if (s.status == records::SessionStatus::signed_off) {
      auto amendments = store.list_amendments(s.id);
      if (!amendments.empty()) r.amendments[s.id] = std::move(amendments);
    }
  return r;
}

std::function<std::string(long long)> staff_names(records::Store& store) {
  auto names = std::make_shared<std::map<long long, std::string>>();
  for (const auto& u : store.list_users()) (*names)[u.id] = u.display_name.empty() ? u.username : u.display_name;
  return [names](long long id) {
    auto it = names->find(id);
    return it == names->end() ? std::string() : it->second;
  };
}

json patient_fhir_bundle(records::Store& store, const kb::KnowledgeBase& kb, const records::Actor& by,
                         const PatientFhirRequest& request) {
  interop::FhirExportOptions options;
  options.kb = &kb;
  options.user_name = staff_names(store);
  options.photo_url_prefix = request.photo_url_prefix;
  json bundle = interop::patient_bundle(record_for_export(store, request.patient_id), options, request.now_ms);
  store.append_audit(by, records::AuditAction::export_data, "patient", request.patient_id,
                     json{{"format", "fhir-bundle"}, {"resources", bundle["entry"].size()}}.dump());
  return bundle;
}

namespace {

/// Calls `visit(patient, total)` for every patient (deleted ones too when asked), a page at a time.
template <class Visit>
void each_patient(records::Store& store, bool include_deleted, Visit visit) {
  records::PatientQuery query;
  query.include_deleted = include_deleted;
  query.limit = 500;
  for (;;) {  // keyset pages: each costs the same however deep the walk is
    const auto page = store.list_patients(query);
    for (const auto& p : page.patients) visit(p, page.total);
    if (!page.next) break;
    query.after = page.next;
  }
}

}  // namespace

PracticeFhirExport export_practice_fhir(records::Store& store, const kb::KnowledgeBase& kb, const records::Actor& by,
                                        const std::filesystem::path& dir, long long now_ms,
                                        const std::function<void(long long, long long, long long)>& progress) {
  interop::FhirBulkWriter writer(dir);
  interop::FhirExportOptions options;
  options.kb = &kb;
  options.user_name = staff_names(store);
  options.references = interop::ReferenceStyle::relative;
  PracticeFhirExport out;
  each_patient(store, false, [&](const records::Patient& p, long long total) {
    writer.add(interop::patient_resources(record_for_export(store, p.id), options));
    ++out.patients;
    if (progress) progress(out.patients, total, writer.total());
  });
  writer.finish(now_ms, "dermaplan export fhir --all");
  out.resources = writer.total();
  out.counts = writer.counts();
  store.append_audit(by, records::AuditAction::export_data, "practice", 0,
                     json{{"format", "fhir-ndjson"}, {"patients", out.patients}, {"resources", out.counts}}.dump());
  return out;
}

// ---- CSV ------------------------------------------------------------------------------------

namespace {

using interop::CsvCell;
using interop::CsvWriter;

CsvCell text(const std::string& value) { return CsvCell::text(value); }
CsvCell num(long long value) { return CsvCell::number(value); }
CsvCell ref(long long id) { return id ? CsvCell::number(id) : CsvCell::text(""); }
CsvCell when(long long epoch_ms) { return CsvCell::text(epoch_ms ? interop::fhir_instant(epoch_ms) : ""); }

struct TableSpec {
  std::string name;
  std::vector<std::string> header;
};

const std::vector<TableSpec>& table_specs() {
  static const std::vector<TableSpec> specs = {
      {"users", {"id", "username", "display_name", "role", "disabled", "created_at", "updated_at"}},
      {"patients", {"id", "name", "birth_date", "sex", "notes", "created_by", "created_at", "updated_at", "deleted",
                    "deleted_at", "deleted_by", "demo"}},
      {"intakes", {"id", "patient_id", "version", "intake_json", "screening_json", "knowledge_version", "policy",
                   "created_by", "created_at"}},
      {"consents", {"id", "patient_id", "text_version", "consent_text", "consented_by", "consented_at",
                    "recorded_by", "recorded_at", "indication", "acknowledged", "photo_use", "signature_sha256",
                    "signature_content_type"}},
      {"course_plans", {"id", "patient_id", "indication", "assessment_date", "plan_json", "created_by",
                        "created_at"}},
      {"sessions", {"id", "patient_id", "plan_id", "session_date", "status", "practitioner_id", "device_id",
                    "lot_number", "passes", "directions", "anaesthetic", "anaesthetic_minutes", "end_point",
                    "products_applied", "notes", "signed_by", "signed_at", "created_by", "created_at",
                    "updated_at"}},
      {"session_needle_lengths", {"session_id", "region", "needle_length_mm"}},
      {"gate_passages", {"id", "session_id", "step", "passed_by", "passed_at", "override_reason", "unmet_json",
                         "cautions_json", "recap_json"}},
      {"amendments", {"id", "session_id", "author_id", "amended_at", "field", "old_value", "new_value", "reason"}},
      {"adverse_events", {"id", "patient_id", "session_id", "event_type", "severity", "onset_date",
                          "resolution_date", "resolution", "notes", "recorded_by", "created_at", "updated_at"}},
      {"outcomes", {"id", "patient_id", "session_id", "scale_id", "score", "region", "assessor_id", "assessed_on",
                    "notes", "created_at"}},
      {"photos", {"id", "patient_id", "session_id", "sha256", "size_bytes", "content_type", "region", "view", "tag",
                  "taken_on", "created_by", "created_at"}},
      {"audit", {"seq", "at", "user_id", "username", "action", "entity", "record_id", "detail", "hash"}},
  };
  return specs;
}

/// The CSV writers of the tables asked for, by name; the walk skips the queries of the others.
using CsvSinks = std::map<std::string, std::unique_ptr<CsvWriter>>;

/// Walks the record once and writes a row to each table present in `sinks`.
void write_csv_tables(records::Store& store, CsvSinks& sinks) {
  auto sink = [&](const char* name) -> CsvWriter* {
    auto it = sinks.find(name);
    return it == sinks.end() ? nullptr : it->second.get();
  };
  if (auto* users = sink("users"))
    for (const auto& u : store.list_users())
      users->row({num(u.id), text(u.username), text(u.display_name), text(records::to_string(u.role)),
                  text(u.disabled ? "true" : "false"), when(u.created_at_ms), when(u.updated_at_ms)});
  auto* patients = sink("patients");
  auto* intakes = sink("intakes");
  auto* consents = sink("consents");
  auto* plans = sink("course_plans");
  auto* sessions = sink("sessions");
  auto* needles = sink("session_needle_lengths");
  auto* gates = sink("gate_passages");
  auto* amendments = sink("amendments");
  auto* events = sink("adverse_events");
  auto* outcomes = sink("outcomes");
  auto* photos = sink("photos");
  const bool per_patient = intakes || consents || plans || sessions || needles || gates || amendments || events ||
                           outcomes || photos;
  if (patients || per_patient)
    each_patient(store, true, [&](const records::Patient& p, long long) {
      if (patients)
        patients->row({num(p.id), text(p.name), text(p.birth_date), text(p.sex), text(p.notes), ref(p.created_by),
                       when(p.created_at_ms), when(p.updated_at_ms), text(p.deleted ? "true" : "false"),
                       when(p.deleted_at_ms), ref(p.deleted_by), text(p.demo ? "true" : "false")});
      if (intakes)
        for (const auto& i : store.list_intakes(p.id))
          intakes->row({num(i.id), num(i.patient_id), num(i.version), text(i.intake_json), text(i.screening_json),
                        text(i.knowledge_version), text(i.policy), ref(i.created_by), when(i.created_at_ms)});
      if (consents)
        for (const auto& c : store.list_consents(p.id))
          consents->row({num(c.id), num(c.patient_id), text(c.text_version), text(c.consent_text),
                         text(c.consented_by), when(c.consented_at_ms), ref(c.recorded_by), when(c.recorded_at_ms),
                         text(c.indication), text(json(c.acknowledged).dump()),
                         text(c.photo_use ? records::to_string(*c.photo_use) : ""), text(c.signature_sha256),
                         text(c.signature_content_type)});
      if (plans)
        for (const auto& c : store.list_course_plans(p.id))
          plans->row({num(c.id), num(c.patient_id), text(c.indication), text(c.assessment_date), text(c.plan_json),
                      ref(c.created_by), when(c.created_at_ms)});
      if (sessions || needles || gates || amendments)
        for (const auto& s : store.list_sessions(p.id)) {
          if (sessions)
            sessions->row({num(s.id), num(s.patient_id), ref(s.plan_id), text(s.session_date),
                           text(records::to_string(s.status)), ref(s.practitioner_id), text(s.device_id),
                           text(s.lot_number), num(s.passes), text(s.directions), text(s.anaesthetic),
                           num(s.anaesthetic_minutes), text(s.end_point), text(s.products_applied), text(s.notes),
                           ref(s.signed_by), when(s.signed_at_ms), ref(s.created_by), when(s.created_at_ms),
                           when(s.updated_at_ms)});
          if (needles)
            for (const auto& n : s.needle_lengths)
              needles->row({num(s.id), text(n.region), CsvCell::number(n.needle_length_mm)});
          if (gates)
            for (const auto& g : s.gate_passages)
              gates->row({num(g.id), num(g.session_id), text(g.step), ref(g.passed_by), when(g.passed_at_ms),
                          text(g.override_reason), text(g.unmet_json), text(g.cautions_json), text(g.recap_json)});
          if (amendments && s.status == records::SessionStatus::signed_off)
            for (const auto& a : store.list_amendments(s.id))
              amendments->row({num(a.id), num(a.session_id), ref(a.author_id), when(a.amended_at_ms), text(a.field),
                               text(a.old_value), text(a.new_value), text(a.reason)});
        }
      if (events)
        for (const auto& e : store.list_adverse_events(p.id))
          events->row({num(e.id), num(e.patient_id), ref(e.session_id), text(e.event_type),
                       text(records::to_string(e.severity)), text(e.onset_date), text(e.resolution_date),
                       text(e.resolution), text(e.notes), ref(e.recorded_by), when(e.created_at_ms),
                       when(e.updated_at_ms)});
      if (outcomes)
        for (const auto& o : store.list_outcomes(p.id))
          outcomes->row({num(o.id), num(o.patient_id), ref(o.session_id), text(o.scale_id), CsvCell::number(o.score),
                         text(o.region), ref(o.assessor_id), text(o.assessed_on), text(o.notes),
                         when(o.created_at_ms)});
      if (photos)
        for (const auto& ph : store.list_photos(p.id))
          photos->row({num(ph.id), num(ph.patient_id), ref(ph.session_id), text(ph.sha256), num(ph.size_bytes),
                       text(ph.content_type), text(ph.region), text(ph.view), text(records::to_string(ph.tag)),
                       text(ph.taken_on), ref(ph.created_by), when(ph.created_at_ms)});
    });
  if (auto* audit = sink("audit"))
    for (long long after = 0;;) {
      const auto rows = store.list_audit(after, 10000);
      for (const auto& a : rows)
        audit->row({num(a.seq), when(a.at_ms), ref(a.user_id), text(a.username), text(records::to_string(a.action)),
                    text(a.entity), ref(a.record_id), text(a.detail), text(a.hash)});
      if (rows.size() < 10000) break;
      after = rows.back().seq;
    }
}

}  // namespace

const std::vector<std::string>& csv_tables() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const auto& spec : table_specs()) v.push_back(spec.name);
    return v;
  }();
  return names;
}

long long export_csv_table(records::Store& store, const records::Actor& by, const std::string& table,
                           std::ostream& out) {
  const TableSpec* spec = nullptr;
  for (const auto& s : table_specs())
    if (s.name == table) spec = &s;
  if (!spec) {
    std::string accepted;
    for (const auto& name : csv_tables()) accepted += (accepted.empty() ? "" : ", ") + name;
    throw records::NotFoundError("/table", fmt::format("no table '{}'; the tables are: {}", table, accepted));
  }
  CsvSinks sinks;
  sinks[table] = std::make_unique<CsvWriter>(out, spec->header);
  write_csv_tables(store, sinks);
  const long long rows = sinks[table]->rows();
  store.append_audit(by, records::AuditAction::export_data, "practice", 0,
                     json{{"format", "csv"}, {"rows", {{table, rows}}}}.dump());
  return rows;
}

std::map<std::string, long long> export_csv_directory(records::Store& store, const records::Actor& by,
                                                      const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  std::map<std::string, std::unique_ptr<std::ofstream>> files;
  CsvSinks sinks;
  // Every file exists, with its header, even when the table is empty.
  for (const auto& spec : table_specs()) {
    const auto path = dir / (spec.name + ".csv");
    auto file = std::make_unique<std::ofstream>(path, std::ios::binary | std::ios::trunc);
    if (!*file) throw InputError("--out", fmt::format("cannot write '{}'", path.string()));
    sinks[spec.name] = std::make_unique<CsvWriter>(*file, spec.header);
    files[spec.name] = std::move(file);
  }
  write_csv_tables(store, sinks);
  std::map<std::string, long long> counts;
  for (auto& [name, writer] : sinks) {
    counts[name] = writer->rows();
    files[name]->flush();
    if (!*files[name]) throw std::runtime_error(fmt::format("writing {}.csv failed", name));
  }
  store.append_audit(by, records::AuditAction::export_data, "practice", 0,
                     json{{"format", "csv"}, {"rows", counts}}.dump());
  return counts;
}

// ---- import ---------------------------------------------------------------------------------

ImportedRecord import_fhir_patient(records::Store& store, const kb::KnowledgeBase& kb, const records::Actor& by,
                                   const json& document, CivilDate as_of, CivilDate today,
                                   const std::string& date_where) {
  if (as_of > add_days(today, 1))
    throw InputError(date_where, fmt::format("{} is in the future (today is {}); an intake is imported as of the day "
                                             "it was taken",
                                             format_civil_date(as_of), format_civil_date(today)));
  interop::ImportedPatient imported;
  try {
    imported = interop::read_fhir_patient(document, kb, as_of);
  } catch (const interop::FhirImportError& e) {
    json problems = json::array();
    for (const auto& p : e.problems()) problems.push_back({{"path", p.path}, {"message", p.message}});
    throw ClinicError(FailureKind::bad_input, "bad_request", e.message(), e.where(), {{"problems", problems}});
  } catch (const InputError& e) {
    throw ClinicError(FailureKind::bad_input, "bad_request", e.message(), e.where(),
                      {{"problems", json::array({{{"path", e.where()}, {"message", e.message()}}})}});
  }
  try {
    check_patient_name(imported.patient.name, "Patient.name");
  } catch (const InputError& e) {
    throw ClinicError(FailureKind::bad_input, "bad_request", e.message(), e.where(),
                      {{"problems", json::array({{{"path", e.where()}, {"message", e.message()}}})}});
  }
  std::vector<records::Intake> rows;
  for (const auto& intake_json : imported.intakes) {
    const auto intake = screening::parse_intake(intake_json, kb, as_of);
    records::Intake row;
    row.intake_json = intake_json.dump();
    row.screening_json = screening::to_json(screening::screen(intake, kb, as_of, {})).dump();
    row.knowledge_version = kb.version;
    row.policy = kb.policy;
    rows.push_back(std::move(row));
  }
  ImportedRecord out;
  auto created = store.create_patient_with_intakes(by, imported.patient, std::move(rows));
  out.patient = std::move(created.patient);
  out.intakes = std::move(created.intakes);
  out.skipped = std::move(imported.skipped);
  out.merged = std::move(imported.merged);
  return out;
}

}  // namespace dermaplan::clinic
