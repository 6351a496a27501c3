// `dermaplan export fhir|csv` and `dermaplan import fhir`: the practice's data in standard
// formats (docs/interop.md), read from and written to the database directly. Every export and
// import is audited as the actor "cli".
#include "cli/cli_support.h"
#include "core/json_text.h"
#include "core/errors.h"
#include "interop/csv.h"
#include "interop/fhir_bulk.h"
#include "interop/fhir_export.h"
#include "interop/fhir_import.h"
#include "records/store.h"
#include "screening/screening.h"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <unistd.h>

namespace dermaplan::cli {

namespace {

const records::Actor kCli{0, "cli"};

struct DbOptions {
  std::string db = "dermaplan.db";
  std::string photo_dir;
};

void add_db_options(CLI::App* cmd, DbOptions& options) {
  cmd->add_option("--db", options.db, "SQLite file, or a postgresql:// URL")->capture_default_str();
  cmd->add_option("--photo-dir", options.photo_dir, "Photo directory (default: <db file>.photos, or ./dermaplan-photos)");
}

std::unique_ptr<records::Store> open_db(const DbOptions& options) {
  records::StoreOptions store_options;
  store_options.photo_dir = options.photo_dir;
  return records::open_store(options.db, store_options);
}

/// One patient's whole record (one snapshot) with the amendments of its signed sessions.
interop::RecordForExport load_record(records::Store& store, long long patient_id) {
  auto read = store.read_patient_record(patient_id);
  if (!read) throw InputError("--patient", fmt::format("no patient with id {}", patient_id));
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

/// Staff names by id, read once.
std::function<std::string(long long)> user_names(records::Store& store) {
  auto names = std::make_shared<std::map<long long, std::string>>();
  for (const auto& u : store.list_users()) (*names)[u.id] = u.display_name.empty() ? u.username : u.display_name;
  return [names](long long id) {
    auto it = names->find(id);
    return it == names->end() ? std::string() : it->second;
  };
}

/// Calls `visit` for every patient (deleted ones too when asked), a page at a time.
template <class Visit>
void each_patient(records::Store& store, bool include_deleted, Visit visit) {
  records::PatientQuery query;
  query.include_deleted = include_deleted;
  query.limit = 500;
  for (query.offset = 0;; query.offset += query.limit) {
    const auto page = store.list_patients(query);
    for (const auto& p : page.patients) visit(p, page.total);
    if (static_cast<long long>(query.offset) + query.limit >= page.total || page.patients.empty()) break;
  }
}

/// A progress bar on standard error when it is a terminal; silent otherwise.
class Progress {
 public:
  explicit Progress(std::string what) : what_(std::move(what)), tty_(isatty(STDERR_FILENO) == 1) {}
  void update(long long done, long long total, long long resources) {
    if (!tty_) return;
    const auto now = std::chrono::steady_clock::now();
    if (done != total && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    const double seconds = std::chrono::duration<double>(now - start_).count();
    const int width = 30;
    const int filled = total > 0 ? static_cast<int>(width * done / total) : width;
    std::cerr << fmt::format("\r{} [{}{}] {}/{} patients, {} resources ({:.0f}/s)", what_, std::string(filled, '#'),
                             std::string(width - filled, ' '), done, total, resources,
                             seconds > 0 ? resources / seconds : 0.0)
              << std::flush;
  }
  void done() {
    if (tty_) std::cerr << "\n";
  }

 private:
  std::string what_;
  bool tty_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now(), last_{};
};

// ---- CSV tables -------------------------------------------------------------------------

using interop::CsvCell;
using interop::CsvWriter;

CsvCell text(const std::string& value) { return CsvCell::text(value); }
CsvCell num(long long value) { return CsvCell::number(value); }
CsvCell ref(long long id) { return id ? CsvCell::number(id) : CsvCell::text(""); }
CsvCell when(long long epoch_ms) { return CsvCell::text(epoch_ms ? interop::fhir_instant(epoch_ms) : ""); }

/// Every table of the record as one CSV file each in `dir`; returns rows per file.
std::map<std::string, long long> export_csv(records::Store& store, const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  std::map<std::string, std::unique_ptr<std::ofstream>> files;
  std::map<std::string, std::unique_ptr<CsvWriter>> tables;
  auto table = [&](const std::string& name, const std::vector<std::string>& header) -> CsvWriter& {
    auto& writer = tables[name];
    if (!writer) {
      auto& file = files[name];
      file = std::make_unique<std::ofstream>(dir / (name + ".csv"), std::ios::binary | std::ios::trunc);
      if (!*file) throw InputError("--out", fmt::format("cannot write '{}'", (dir / (name + ".csv")).string()));
      writer = std::make_unique<CsvWriter>(*file, header);
    }
    return *writer;
  };
  const std::vector<std::string> kPatients = {"id", "name", "birth_date", "sex", "notes", "created_by", "created_at",
                                              "updated_at", "deleted", "deleted_at", "deleted_by"};
  const std::vector<std::string> kIntakes = {"id", "patient_id", "version", "intake_json", "screening_json",
                                             "knowledge_version", "policy", "created_by", "created_at"};
  const std::vector<std::string> kConsents = {"id", "patient_id", "text_version", "consent_text", "consented_by",
                                              "consented_at", "recorded_by", "recorded_at"};
  const std::vector<std::string> kPlans = {"id", "patient_id", "indication", "assessment_date", "plan_json",
                                           "created_by", "created_at"};
  const std::vector<std::string> kSessions = {
      "id", "patient_id", "plan_id", "session_date", "status", "practitioner_id", "device_id", "lot_number", "passes",
      "directions", "anaesthetic", "anaesthetic_minutes", "end_point", "products_applied", "notes", "signed_by",
      "signed_at", "created_by", "created_at", "updated_at"};
  const std::vector<std::string> kNeedles = {"session_id", "region", "needle_length_mm"};
  const std::vector<std::string> kAmendments = {"id", "session_id", "author_id", "amended_at", "field", "old_value",
                                                "new_value", "reason"};
  const std::vector<std::string> kEvents = {"id", "patient_id", "session_id", "event_type", "severity", "onset_date",
                                            "resolution_date", "resolution", "notes", "recorded_by", "created_at",
                                            "updated_at"};
  const std::vector<std::string> kOutcomes = {"id", "patient_id", "session_id", "scale_id", "score", "region",
                                              "assessor_id", "assessed_on", "notes", "created_at"};
  const std::vector<std::string> kPhotos = {"id", "patient_id", "session_id", "sha256", "size_bytes", "content_type",
                                            "region", "view", "tag", "taken_on", "created_by", "created_at"};
  // Every file exists, with its header, even when the table is empty.
  for (const auto& [name, header] : std::vector<std::pair<std::string, std::vector<std::string>>>{
           {"patients", kPatients}, {"intakes", kIntakes}, {"consents", kConsents}, {"course_plans", kPlans},
           {"sessions", kSessions}, {"session_needle_lengths", kNeedles}, {"amendments", kAmendments},
           {"adverse_events", kEvents}, {"outcomes", kOutcomes}, {"photos", kPhotos}})
    table(name, header);

  auto& users = table("users", {"id", "username", "display_name", "role", "disabled", "created_at", "updated_at"});
  for (const auto& u : store.list_users())
    users.row({num(u.id), text(u.username), text(u.display_name), text(records::to_string(u.role)),
               text(u.disabled ? "true" : "false"), when(u.created_at_ms), when(u.updated_at_ms)});

  each_patient(store, true, [&](const records::Patient& p, long long) {
    table("patients", kPatients)
        .row({num(p.id), text(p.name), text(p.birth_date), text(p.sex), text(p.notes), ref(p.created_by),
              when(p.created_at_ms), when(p.updated_at_ms), text(p.deleted ? "true" : "false"), when(p.deleted_at_ms),
              ref(p.deleted_by)});
    for (const auto& i : store.list_intakes(p.id))
      table("intakes", kIntakes)
          .row({num(i.id), num(i.patient_id), num(i.version), text(i.intake_json), text(i.screening_json),
                text(i.knowledge_version), text(i.policy), ref(i.created_by), when(i.created_at_ms)});
    for (const auto& c : store.list_consents(p.id))
      table("consents", kConsents)
          .row({num(c.id), num(c.patient_id), text(c.text_version), text(c.consent_text), text(c.consented_by),
                when(c.consented_at_ms), ref(c.recorded_by), when(c.recorded_at_ms)});
    for (const auto& c : store.list_course_plans(p.id))
      table("course_plans", kPlans)
          .row({num(c.id), num(c.patient_id), text(c.indication), text(c.assessment_date), text(c.plan_json),
                ref(c.created_by), when(c.created_at_ms)});
    for (const auto& s : store.list_sessions(p.id)) {
      table("sessions", kSessions)
          .row({num(s.id), num(s.patient_id), ref(s.plan_id), text(s.session_date), text(records::to_string(s.status)),
                ref(s.practitioner_id), text(s.device_id), text(s.lot_number), num(s.passes), text(s.directions),
                text(s.anaesthetic), num(s.anaesthetic_minutes), text(s.end_point), text(s.products_applied),
                text(s.notes), ref(s.signed_by), when(s.signed_at_ms), ref(s.created_by), when(s.created_at_ms),
                when(s.updated_at_ms)});
      for (const auto& n : s.needle_lengths)
        table("session_needle_lengths", kNeedles).row({num(s.id), text(n.region), CsvCell::number(n.needle_length_mm)});
      if (s.status == records::SessionStatus::signed_off)
        for (const auto& a : store.list_amendments(s.id))
          table("amendments", kAmendments)
              .row({num(a.id), num(a.session_id), ref(a.author_id), when(a.amended_at_ms), text(a.field),
                    text(a.old_value), text(a.new_value), text(a.reason)});
    }
    for (const auto& e : store.list_adverse_events(p.id))
      table("adverse_events", kEvents)
          .row({num(e.id), num(e.patient_id), ref(e.session_id), text(e.event_type), text(records::to_string(e.severity)),
                text(e.onset_date), text(e.resolution_date), text(e.resolution), text(e.notes), ref(e.recorded_by),
                when(e.created_at_ms), when(e.updated_at_ms)});
    for (const auto& o : store.list_outcomes(p.id))
      table("outcomes", kOutcomes)
          .row({num(o.id), num(o.patient_id), ref(o.session_id), text(o.scale_id), CsvCell::number(o.score),
                text(o.region), ref(o.assessor_id), text(o.assessed_on), text(o.notes), when(o.created_at_ms)});
    for (const auto& ph : store.list_photos(p.id))
      table("photos", kPhotos)
          .row({num(ph.id), num(ph.patient_id), ref(ph.session_id), text(ph.sha256), num(ph.size_bytes),
                text(ph.content_type), text(ph.region), text(ph.view), text(records::to_string(ph.tag)),
                text(ph.taken_on), ref(ph.created_by), when(ph.created_at_ms)});
  });

  auto& audit = table("audit", {"seq", "at", "user_id", "username", "action", "entity", "record_id", "detail", "hash"});
  for (long long after = 0;;) {
    const auto rows = store.list_audit(after, 10000);
    for (const auto& a : rows)
      audit.row({num(a.seq), when(a.at_ms), ref(a.user_id), text(a.username), text(records::to_string(a.action)),
                 text(a.entity), ref(a.record_id), text(a.detail), text(a.hash)});
    if (rows.size() < 10000) break;
    after = rows.back().seq;
  }

  std::map<std::string, long long> counts;
  for (auto& [name, writer] : tables) {
    counts[name] = writer->rows();
    files[name]->flush();
    if (!*files[name]) throw std::runtime_error(fmt::format("writing {}.csv failed", name));
  }
  return counts;
}

}  // namespace

void add_export_commands(CLI::App& app, CommonOptions& common) {
  auto* exp = app.add_subcommand("export", "Export the record in standard formats: fhir (FHIR R4), csv");
  exp->require_subcommand(1);

  static DbOptions fhir_db;
  static long long patient_id = 0;
  static bool all = false;
  static std::string out;
  auto* fhir = exp->add_subcommand("fhir", "FHIR R4: one patient as a Bundle (JSON), or every patient as bulk NDJSON");
  auto* patient_opt = fhir->add_option("--patient", patient_id, "Patient id: a Bundle of type collection");
  auto* all_opt = fhir->add_flag("--all", all, "Every patient, one NDJSON file per resource type in --out (bulk layout)");
  patient_opt->excludes(all_opt);
  fhir->add_option("--out", out, "--patient: file, or - for standard output (default); --all: a directory");
  add_db_options(fhir, fhir_db);
  fhir->callback([&common] {
    if (!all && patient_id <= 0) throw InputError("--patient", "give --patient ID (a positive id) or --all");
    auto store = open_db(fhir_db);
    const auto kb = load_kb(common);
    interop::FhirExportOptions options;
    options.kb = &kb;
    options.user_name = user_names(*store);
    if (!all) {
      const auto bundle = interop::patient_bundle(load_record(*store, patient_id), options, records::system_now_ms());
      store->append_audit(kCli, records::AuditAction::export_data, "patient", patient_id, "fhir bundle");
      write_output(out.empty() ? "-" : out, bundle.dump(2) + "\n", "--out");
      return;
    }
    if (out.empty() || out == "-") throw InputError("--out", "--all writes a directory of NDJSON files; give --out DIR");
    interop::FhirBulkWriter writer(out);
    options.references = interop::ReferenceStyle::relative;
    Progress progress("FHIR export");
    long long done = 0;
    each_patient(*store, false, [&](const records::Patient& p, long long total) {
      writer.add(interop::patient_resources(load_record(*store, p.id), options));
      progress.update(++done, total, writer.total());
    });
    progress.done();
    writer.finish(records::system_now_ms(), "dermaplan export fhir --all");
    nlohmann::json detail = {{"format", "fhir-ndjson"}, {"patients", done}, {"resources", writer.counts()}};
    store->append_audit(kCli, records::AuditAction::export_data, "practice", 0, detail.dump());
    std::cout << fmt::format("Exported {} patients, {} resources to {}\n", done, writer.total(), out);
  });

  static DbOptions csv_db;
  static std::string csv_out;
  auto* csv = exp->add_subcommand("csv", "Every table of the record as RFC 4180 CSV files in --out");
  csv->add_option("--out", csv_out, "Directory to write the CSV files into")->required();
  add_db_options(csv, csv_db);
  csv->callback([] {
    auto store = open_db(csv_db);
    const auto counts = export_csv(*store, csv_out);
    store->append_audit(kCli, records::AuditAction::export_data, "practice", 0,
                        nlohmann::json({{"format", "csv"}, {"rows", counts}}).dump());
    long long rows = 0;
    for (const auto& [name, n] : counts) rows += n;
    std::cout << fmt::format("Exported {} tables, {} rows to {}\n", counts.size(), rows, csv_out);
  });

  auto* imp = app.add_subcommand("import", "Import a patient from FHIR R4 JSON");
  imp->require_subcommand(1);
  static DbOptions import_db;
  static std::string file, date, import_user;
  auto* import_fhir = imp->add_subcommand("fhir", "A Bundle or Patient: the patient and an intake (Conditions, "
                                                  "MedicationStatements, AllergyIntolerances, Procedures or a "
                                                  "QuestionnaireResponse)");
  import_fhir->add_option("file", file, "FHIR JSON file, or - for standard input")->required();
  import_fhir->add_option("--user", import_user, "The staff account (username) the import is recorded under")
      ->required();
  import_fhir->add_option("--date", date, "Import date YYYY-MM-DD: intakes are checked as of it (default: today)");
  add_db_options(import_fhir, import_db);
  import_fhir->callback([&common] {
    const CivilDate as_of = date_option(date, "--date");
    const auto kb = load_kb(common);
    const auto document = parse_json_text(read_input(file, 16 << 20, "file"), 16 << 20, file);
    const auto imported = interop::read_fhir_patient(document, kb, as_of);
    auto store = open_db(import_db);
    const auto user = store->find_user_by_username(import_user);
    if (!user || user->disabled) throw InputError("--user", fmt::format("no active user '{}'", import_user));
    const records::Actor by{user->id, user->username};
    records::Patient patient = store->create_patient(by, imported.patient);
    for (const auto& intake_json : imported.intakes) {
      const auto intake = screening::parse_intake(intake_json, kb, as_of);
      records::Intake row;
      row.patient_id = patient.id;
      row.intake_json = intake_json.dump();
      row.screening_json = screening::to_json(screening::screen(intake, kb, as_of, {})).dump();
      row.knowledge_version = kb.version;
      row.policy = kb.policy;
      store->add_intake(by, row);
    }
    std::cout << fmt::format("Imported patient {} ({}) with {} intake version(s)\n", patient.id, patient.name,
                             imported.intakes.size());
    for (const auto& s : imported.skipped) std::cout << fmt::format("  not imported: {} {}: {}\n", s.path, s.resource_type, s.reason);
  });
}

}  // namespace dermaplan::cli
