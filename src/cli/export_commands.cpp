// `dermaplan export fhir|csv` and `dermaplan import fhir`: the practice's data in standard
// formats (docs/interop.md), read from and written to the database directly. Every export and
// import is audited as the actor "cli".
#include "cli/cli_support.h"
#include "core/civil_date.h"
#include "core/json_text.h"
#include "core/errors.h"
#include "clinic/exports.h"
#include "records/store.h"

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
    if (!all) {
      clinic::PatientFhirRequest request;
      request.patient_id = patient_id;
      request.now_ms = records::system_now_ms();
      const auto bundle = clinic::patient_fhir_bundle(*store, kb, kCli, request);
      write_output(out.empty() ? "-" : out, bundle.dump(2) + "\n", "--out");
      return;
    }
    if (out.empty() || out == "-") throw InputError("--out", "--all writes a directory of NDJSON files; give --out DIR");
    Progress progress("FHIR export");
    const auto exported = clinic::export_practice_fhir(
        *store, kb, kCli, out, records::system_now_ms(),
        [&](long long done, long long total, long long resources) { progress.update(done, total, resources); });
    progress.done();
    std::cout << fmt::format("Exported {} patients, {} resources to {}\n", exported.patients, exported.resources, out);
  });

  static DbOptions csv_db;
  static std::string csv_out;
  auto* csv = exp->add_subcommand("csv", "Every table of the record as RFC 4180 CSV files in --out");
  csv->add_option("--out", csv_out, "Directory to write the CSV files into")->required();
  add_db_options(csv, csv_db);
  csv->callback([] {
    auto store = open_db(csv_db);
    const auto counts = clinic::export_csv_directory(*store, kCli, csv_out);
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
    auto store = open_db(import_db);
    const auto user = store->find_user_by_username(import_user);
    if (!user || user->disabled) throw InputError("--user", fmt::format("no active user '{}'", import_user));
    const auto imported = clinic::import_fhir_patient(*store, kb, {user->id, user->username}, document, as_of,
                                                      today_utc(), "--date");
    std::cout << fmt::format("Imported patient {} ({}) with {} intake version(s)\n", imported.patient.id,
                             imported.patient.name, imported.intakes.size());
    for (const auto& s : imported.skipped)
      std::cout << fmt::format("  not imported: {} {}: {}\n", s.path, s.resource_type, s.reason);
    for (const auto& m : imported.merged)
      std::cout << fmt::format("  merged: {} {} into {}: {}\n", m.path, m.resource_type, m.into, m.reason);
  });
}

}  // namespace dermaplan::cli
