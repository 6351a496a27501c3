// Operator commands: `dermaplan user add|passwd|disable|enable`, `dermaplan audit verify|head`,
// `dermaplan backup FILE`, `dermaplan restore FILE`. They open the database directly (the
// server may be running: the store is safe for several processes) and audit what they do as
// the actor "cli".
#include "cli/cli_support.h"
#include "core/errors.h"
#include "records/sha256.h"
#include "records/store.h"
#include "clinic/accounts.h"
#include "clinic/demo_data.h"
#include "clinic/failure.h"

#include <fmt/format.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <iostream>
#include <stdexcept>

namespace dermaplan::cli {

namespace {

/// The demo account's password hash: not a hash, so nothing verifies against it.
constexpr const char* kNoLogin = "!no-login";

struct DbOptions {
  std::string db = "dermaplan.db";
  std::string photo_dir;
};

void add_db_options(CLI::App* cmd, DbOptions& options) {
  cmd->add_option("--db", options.db, "SQLite file, or a postgresql:// URL")->capture_default_str();
  cmd->add_option("--photo-dir", options.photo_dir, "Photo directory (default: <db file>.photos, or ./dermaplan-photos)");
}

std::unique_ptr<records::Store> open(const DbOptions& options) {
  records::StoreOptions store_options;
  store_options.photo_dir = options.photo_dir;
  return records::open_store(options.db, store_options);
}

const records::Actor kCli{0, "cli"};

/// The new password: one line from standard input, or a generated one (`generated`: the
/// caller prints it once the change is stored, and only then).
struct NewPassword {
  std::string password;
  bool generated = false;
};
NewPassword new_password(bool from_stdin) {
  if (from_stdin) {
    std::string line;
    std::getline(std::cin, line);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    clinic::check_new_password(line, "--password-stdin");
    return {line, false};
  }
  return {clinic::random_password(20), true};
}

void print_generated(const NewPassword& p, const std::string& username) {
  if (p.generated) std::cout << "Password for " << username << ": " << p.password << " (shown once)\n";
}

records::User existing_user(records::Store& store, const std::string& username) {
  auto user = store.find_user_by_username(username);
  if (!user) throw InputError("USERNAME", "no user '" + username + "'");
  return *user;
}

/// Applies an account change as the operator; the option names where a rule refused it.
clinic::AccountChanged change_account_or_report(records::Store& store, clinic::PasswordHasher& hasher,
                                                const clinic::AccountChange& change) {
  try {
    return clinic::change_account(store, hasher, kCli, change);
  } catch (const InputError& e) {
    throw as_option_error(e, {{"/password", "--password-stdin"}});
  }
}

}  // namespace

void add_admin_commands(CLI::App& app, CommonOptions& common) {
  // ---- user ----
  static DbOptions user_db;
  static std::string username, role = "practitioner", display_name;
  static bool password_stdin = false;
  auto* user = app.add_subcommand("user", "Manage accounts: add, passwd, disable, enable");
  user->require_subcommand(1);

  auto* add = user->add_subcommand("add", "Create an account (prints a generated password once)");
  add->add_option("username", username, "Login name")->required();
  add->add_option("--role", role, "admin, practitioner or assistant")
      ->check(CLI::IsMember({"admin", "practitioner", "assistant"}))->capture_default_str();
  add->add_option("--display-name", display_name, "Name shown in the interface");
  add->add_flag("--password-stdin", password_stdin, "Read the password from standard input");
  add_db_options(add, user_db);
  add->callback([] {
    auto store = open(user_db);
    clinic::PasswordHasher hasher;
    clinic::NewAccount account;
    account.username = username;
    account.display_name = display_name;
    account.role = *records::parse_role(role);
    const NewPassword password = new_password(password_stdin);
    account.password = password.password;
    records::User u;
    try {
      u = clinic::create_account(*store, hasher, kCli, account);
    } catch (const InputError& e) {
      throw as_option_error(e, {{"/username", "USERNAME"}, {"/password", "--password-stdin"}});
    }
    std::cout << fmt::format("Created {} ({}), id {}\n", u.username, records::to_string(u.role), u.id);
    print_generated(password, u.username);
  });

  auto* passwd = user->add_subcommand("passwd", "Set a new password (ends the user's sessions)");
  passwd->add_option("username", username, "Login name")->required();
  passwd->add_flag("--password-stdin", password_stdin, "Read the password from standard input");
  add_db_options(passwd, user_db);
  passwd->callback([] {
    auto store = open(user_db);
    clinic::PasswordHasher hasher;
    clinic::AccountChange change;
    change.user_id = existing_user(*store, username).id;
    const NewPassword password = new_password(password_stdin);
    change.password = password.password;
    const auto changed = change_account_or_report(*store, hasher, change);
    std::cout << fmt::format("Password changed for {}; {} session(s) ended\n", changed.user.username,
                             changed.sessions_ended_count);
    print_generated(password, changed.user.username);
  });

  auto* disable = user->add_subcommand("disable", "Disable an account (ends its sessions; nothing is deleted)");
  disable->add_option("username", username, "Login name")->required();
  add_db_options(disable, user_db);
  disable->callback([] {
    auto store = open(user_db);
    clinic::PasswordHasher hasher;
    clinic::AccountChange change;
    change.user_id = existing_user(*store, username).id;
    change.disabled = true;
    const auto changed = change_account_or_report(*store, hasher, change);
    std::cout << fmt::format("Disabled {}; {} session(s) ended\n", changed.user.username, changed.sessions_ended_count);
  });

  auto* enable = user->add_subcommand("enable", "Enable a disabled account again");
  enable->add_option("username", username, "Login name")->required();
  add_db_options(enable, user_db);
  enable->callback([] {
    auto store = open(user_db);
    clinic::PasswordHasher hasher;
    clinic::AccountChange change;
    change.user_id = existing_user(*store, username).id;
    change.disabled = false;
    const auto changed = change_account_or_report(*store, hasher, change);
    std::cout << fmt::format("Enabled {}\n", changed.user.username);
  });

  // ---- audit verify / head ----
  static DbOptions audit_db;
  static std::string expected_hash;
  auto* audit = app.add_subcommand("audit", "Check the audit log");
  audit->require_subcommand(1);
  auto* verify = audit->add_subcommand(
      "verify", "Recompute the audit hash chain and the signed sessions' content hashes; exit 3 if broken");
  verify->add_option("--expect", expected_hash,
                     "A head hash printed earlier by `audit head` and kept outside the database: the chain "
                     "must still contain it");
  add_db_options(verify, audit_db);
  verify->callback([] {
    if (!expected_hash.empty() && !records::is_sha256_hex(expected_hash))
      throw InputError("--expect", "a head hash is 64 hexadecimal digits, as `dermaplan audit head` prints it");
    auto store = open(audit_db);
    const auto result = store->verify_audit_chain(expected_hash);
    if (!result.ok)
      throw clinic::ClinicError(clinic::FailureKind::audit_chain_broken, "audit_chain_broken",
                                fmt::format("broken at seq {} ({} rows checked): {}", result.first_broken_seq,
                                            result.rows_checked, result.reason));
    std::cout << fmt::format("audit chain ok: {} rows; head seq {} hash {}\n", result.rows_checked, result.head_seq,
                             result.head_hash.empty() ? "(empty log)" : result.head_hash);
    std::cout << fmt::format("signed content ok: {} signed sessions, {} amendments", result.signed_sessions_checked,
                             result.amendments_checked);
    if (result.signed_sessions_unhashed > 0)
      std::cout << fmt::format(" ({} sessions signed before content hashes were recorded: not checked)",
                               result.signed_sessions_unhashed);
    std::cout << "\n";
    if (!expected_hash.empty())
      std::cout << fmt::format("expected head found at seq {}\n", result.expected_seq);
  });
  auto* head = audit->add_subcommand(
      "head", "Print the audit chain's head (seq and hash): keep it outside the database, check later with "
              "`audit verify --expect HASH`");
  add_db_options(head, audit_db);
  head->callback([] {
    auto store = open(audit_db);
    const auto h = store->audit_head();
    std::cout << fmt::format("seq {} hash {}\n", h.seq, h.hash.empty() ? "(empty log)" : h.hash);
  });

  // ---- backup / restore ----
  static DbOptions backup_db;
  static std::string backup_file;
  auto* backup = app.add_subcommand("backup", "Consistent online backup to a SQLite FILE (+ FILE.photos)");
  backup->add_option("file", backup_file, "Backup file to create (never overwritten)")->required();
  add_db_options(backup, backup_db);
  backup->callback([] {
    auto store = open(backup_db);
    store->backup_to(backup_file);
    store->append_audit(kCli, records::AuditAction::backup, "database", 0, backup_file);
    std::cout << "Backup written to " << backup_file << "\n";
  });

  static DbOptions restore_db;
  static std::string restore_file;
  static bool restore_yes = false;
  auto* restore = app.add_subcommand("restore", "Replace the database's content with a backup FILE");
  restore->add_option("file", restore_file, "Backup made by dermaplan backup")->required()->check(CLI::ExistingFile);
  restore->add_flag("--yes", restore_yes, "Confirm replacing a database that already has users or patients");
  add_db_options(restore, restore_db);
  restore->callback([] {
    // A file that is not an SQLite database is refused before the target is opened (or made).
    {
      std::ifstream in(restore_file, std::ios::binary);
      char header[16] = {};
      in.read(header, sizeof header);
      if (in.gcount() != sizeof header || std::memcmp(header, "SQLite format 3", 16) != 0)
        throw InputError("FILE", "'" + restore_file + "' is not a backup made by dermaplan backup (not an SQLite database)");
    }
    auto store = open(restore_db);
    records::PatientQuery any;
    any.limit = 1;
    any.include_deleted = true;
    if (!restore_yes && (store->count_users() > 0 || store->list_patients(any).total > 0))
      throw InputError("--yes", "the database " + restore_db.db +
                                    " has content that the restore replaces; stop the server and add --yes");
    store->restore_from(restore_file);
    store->append_audit(kCli, records::AuditAction::restore, "database", 0, restore_file);
    std::cout << "Restored " << restore_file << " into " << restore_db.db << "; integrity: " << store->integrity_check()
              << "\n";
  });

  // ---- demo-data ----
  static DbOptions demo_db;
  static clinic::DemoDataRequest demo;
  auto* demo_data = app.add_subcommand(
      "demo-data",
      "Add synthetic demo patients (marked demo, \" (demo)\" in the name) with intakes, plans, consents, "
      "signed sessions, scores, adverse events and photos, for a first look or a benchmark. Refused on a "
      "database that holds any patient not marked demo. The demo sessions are signed WITHOUT a "
      "treatment-gate passage (they are synthetic; the gate is for real steps). Audited as the user "
      "'demo-data' (disabled: it cannot log in).");
  demo_data->add_option("--patients", demo.patients, "How many patients to add")->required();
  demo_data->add_option("--seed", demo.seed, "The same seed gives the same patients")->capture_default_str();
  demo_data->add_option("--batch", demo.batch, "Patients per transaction")->capture_default_str();
  add_db_options(demo_data, demo_db);
  demo_data->callback([&common] {
    const auto kb = load_kb(common);
    auto store = open(demo_db);
    auto user = store->find_user_by_username(clinic::kDemoDataUsername);
    // Demo records are signed by an account no one can log in as; a "demo-data" user made
    // before the name was reserved is a person's account, not that one.
    if (user && (!user->disabled || user->password_hash != kNoLogin))
      throw clinic::ClinicError(clinic::FailureKind::conflict, "conflict",
                                fmt::format("a user named '{}' (id {}) exists that is not dermaplan's demo "
                                            "account (it has a password or can log in): no demo data is added "
                                            "to this database",
                                            user->username, user->id),
                                "demo-data");
    if (!user) {
      records::User u;
      u.username = clinic::kDemoDataUsername;
      u.display_name = "Demo data (synthetic)";
      u.role = records::Role::practitioner;
      u.password_hash = kNoLogin;
      u.disabled = true;
      user = store->create_user(kCli, u);
    }
    const records::Actor by{user->id, user->username};
    const auto start = std::chrono::steady_clock::now();
    const auto result = clinic::add_demo_data(*store, kb, by, demo, today_utc(), [](long long done) {
      if (done % 10000 == 0) std::cerr << fmt::format("demo-data: {} patients\n", done);
    });
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << fmt::format(
        "Added {} demo patients in {:.1f} s: {} intakes, {} plans, {} consents, {} signed sessions (no gate "
        "passages), {} outcome scores, {} adverse events, {} photos\n",
        result.patients, seconds, result.intakes, result.plans, result.consents, result.sessions, result.outcomes,
        result.adverse_events, result.photos);
  });
}

}  // namespace dermaplan::cli
