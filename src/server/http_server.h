// The HTTP server: cpp-httplib configured as docs/research says (TCP_NODELAY, a thread pool,
// keep-alive, timeouts, a payload limit) in front of an Api, plus the web UI's static files.
#pragma once

#include "server/api.h"

#include <memory>
#include <string>
#include <vector>

namespace dermaplan::server {

struct HttpOptions {
  std::string bind = "127.0.0.1";
  int port = 8080;                 //!< 0: any free port (see HttpServer::port)
  int threads = 96;                //!< one per open connection (cpp-httplib is thread-per-connection)
  int keep_alive_max = 1000000;    //!< requests per connection (low values make all clients reconnect
                                   //!< at once, overflowing the listen backlog: 1 s SYN retries)
  int keep_alive_timeout_s = 5;
  int listen_backlog = 1024;       //!< pending connections the kernel queues (capped by somaxconn)
  int read_timeout_s = 10;          //!< per read: each byte received restarts it (the library's)
  int write_timeout_s = 10;
  /// The whole request, header and body, must arrive within keep_alive_timeout_s +
  /// request_timeout_s of the connection opening or of the previous response (plus its write
  /// time at 64 KiB/s); trickling cannot extend it (connection_guard.h).
  int request_timeout_s = 30;
  /// Open connections per client address; beyond it the newest are closed at once.
  int max_connections_per_address = 16;
  std::vector<std::string> unlimited_addresses;  //!< e.g. a reverse proxy, whose clients share its address
  std::string web_dir;             //!< the web UI's files; empty or missing: an API-only notice at /
};

/// Serves an Api over HTTP. The Api must outlive the server.
class HttpServer {
 public:
  HttpServer(const Api& api, HttpOptions options);
  ~HttpServer();  // stops and joins

  /// Binds (throws std::runtime_error if the address or port is taken) and starts serving on a
  /// background thread. Returns the bound port.
  int start();
  /// Serves on the calling thread until stop() (from another thread or a signal watcher).
  void run();
  void stop();
  int port() const { return port_; }
  /// Connections shut down for missing the request deadline / for their address's limit.
  long long connections_timed_out() const;
  long long connections_over_limit() const;
  /// Connections closed while waiting for a request because most threads were held so.
  long long connections_shed() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace dermaplan::server
