// `dermaplan serve`: the HTTP API and the web UI on the embedded SQLite default or PostgreSQL.
#include "cli/cli_support.h"
#include "clinic/accounts.h"
#include "records/store.h"
#include "server/api.h"
#include "server/http_server.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <pthread.h>
#include <signal.h>

#include <filesystem>
#include <iostream>
#include <thread>

namespace dermaplan::cli {

namespace {
struct ServeOptions {
  std::string db = "dermaplan.db";
  std::string photo_dir;
  std::string bind = "127.0.0.1";
  int port = 8080;
  std::string web;
  std::string backup_dir;
  int threads = 96;
  std::vector<std::string> trusted_proxies;
  bool secure_cookies = false;
  int request_timeout_s = 30;
  int max_connections_per_address = 16;
  long long page_cache_ms = 1000;
  std::string practice;
};

std::string default_web_dir() {
#ifdef DERMAPLAN_WEB_DIST
  if (std::filesystem::is_directory(DERMAPLAN_WEB_DIST)) return DERMAPLAN_WEB_DIST;
#endif
  return "";
}
}  // namespace

void add_serve_command(CLI::App& app, CommonOptions& common) {
  static ServeOptions options;
  auto* cmd = app.add_subcommand("serve", "Run the HTTP API (docs/api.md) and the web interface");
  cmd->add_option("--db", options.db, "SQLite file, or a postgresql:// URL")->capture_default_str();
  cmd->add_option("--photo-dir", options.photo_dir, "Photo directory (default: <db file>.photos, or ./dermaplan-photos)");
  cmd->add_option("--port", options.port, "TCP port (0: any free port, printed on start)")
      ->check(CLI::Range(0, 65535))->capture_default_str();
  cmd->add_option("--bind", options.bind, "Address to listen on (keep 127.0.0.1 behind a TLS proxy)")
      ->capture_default_str();
  cmd->add_option("--web", options.web, "Directory of the built web interface (default: web/dist if built)");
  cmd->add_option("--backup-dir", options.backup_dir, "Where POST /api/backup writes (default: ./backups)");
  cmd->add_option("--threads", options.threads, "Connection threads")->check(CLI::Range(4, 1024))->capture_default_str();
  cmd->add_option("--trusted-proxy", options.trusted_proxies,
                  "Address of a reverse proxy whose X-Forwarded-For is believed (repeatable; e.g. 127.0.0.1)");
  cmd->add_option("--request-timeout", options.request_timeout_s,
                  "Seconds a whole request (header and body) may take after the 5 s keep-alive wait; "
                  "trickling bytes does not extend it")
      ->check(CLI::Range(1, 3600))->capture_default_str();
  cmd->add_option("--max-connections-per-address", options.max_connections_per_address,
                  "Open connections per client address (trusted proxies exempt); the newest beyond are closed")
      ->check(CLI::Range(1, 100000))->capture_default_str();
  cmd->add_option("--page-cache-ms", options.page_cache_ms,
                  "How long patient-list pages and patient records may be answered from memory while the "
                  "database's change counter stands still (0: never)")
      ->check(CLI::Range(0LL, 60'000LL))
      ->capture_default_str();
  cmd->add_flag("--secure-cookies", options.secure_cookies,
                "Mark cookies Secure (behind a TLS proxy; without it, only when a trusted proxy sends "
                "X-Forwarded-Proto: https)");
  cmd->add_option("--practice", options.practice,
                  "Practice settings YAML for the handouts and consent PDFs (name, contact, warning signs)");
  cmd->callback([&common] {
    // Block the stop signals before any thread starts; one thread waits for them.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

    const auto kb = load_kb(common);
    interop::Practice practice;
    if (!options.practice.empty()) {
      practice = interop::load_practice(options.practice);
    } else {
      std::cerr << "dermaplan serve: no --practice settings: handouts and consent forms name \"" << practice.name
                << "\" with no phone number and no warning signs (see examples/practice.yaml)" << std::endl;
    }
    records::StoreOptions store_options;
    store_options.photo_dir = options.photo_dir;
    store_options.pool_size = 8;
    auto store = records::open_store(options.db, store_options);
    // Several servers of one database must share the photo directory (refused otherwise).
    store->claim_photo_dir();
    // New files are the owner's alone (main's umask); one made before may not be.
    const bool sqlite = store->backend() == records::Backend::sqlite;
    for (const std::string& path : {sqlite ? options.db : std::string(), sqlite ? options.db + "-wal" : std::string(),
                                    store->photo_dir()}) {
      struct stat st {};
      if (!path.empty() && ::stat(path.c_str(), &st) == 0 && (st.st_mode & 0077) != 0)
        std::cerr << "dermaplan serve: " << path << " can be read by other users of this machine (mode "
                  << fmt::format("{:04o}", st.st_mode & 07777) << "); it holds patient data: chmod "
                  << (S_ISDIR(st.st_mode) ? "-R go-rwx " : "600 ") << path << std::endl;
    }
    {
      clinic::PasswordHasher hasher;
      if (auto password = clinic::ensure_first_admin(*store, hasher)) {
        std::cout << "First admin account: admin / " << *password
                  << " — change it with dermaplan user passwd admin" << std::endl;
      }
    }
    server::ApiOptions api_options;
    api_options.program_version = DERMAPLAN_VERSION;
    api_options.backup_dir = options.backup_dir;
    api_options.trusted_proxies = options.trusted_proxies;
    api_options.secure_cookies = options.secure_cookies;
    api_options.patient_list_cache_ms = options.page_cache_ms;
    api_options.patient_record_cache_ms = options.page_cache_ms;
    api_options.practice = std::move(practice);
    server::Api api(*store, kb, api_options);
    server::HttpOptions http_options;
    http_options.bind = options.bind;
    http_options.port = options.port;
    http_options.threads = options.threads;
    http_options.request_timeout_s = options.request_timeout_s;
    http_options.max_connections_per_address = options.max_connections_per_address;
    http_options.unlimited_addresses = options.trusted_proxies;
    http_options.web_dir = options.web.empty() ? default_web_dir() : options.web;
    server::HttpServer http(api, http_options);
    std::cout << "dermaplan serve: listening on http://" << options.bind << ":" << http.port() << " ("
              << (store->backend() == records::Backend::sqlite ? "SQLite " : "PostgreSQL ")
              << (store->backend() == records::Backend::sqlite ? options.db : std::string("database")) << ", "
              << (http_options.web_dir.empty() ? "API only" : "web UI from " + http_options.web_dir)
              << "); Ctrl-C stops it" << std::endl;
    std::thread waiter([&http, stop_signals] {
      int signal = 0;
      sigwait(&stop_signals, &signal);
      http.stop();
    });
    http.run();
    // Stopped by a signal: the waiter has returned. Stopped otherwise: wake it up.
    pthread_kill(waiter.native_handle(), SIGTERM);
    waiter.join();
    std::cout << "dermaplan serve: stopped" << std::endl;
  });
}

}  // namespace dermaplan::cli
