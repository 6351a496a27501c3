// Deadlines and per-address limits for the HTTP server's connections, beside cpp-httplib.
//
// cpp-httplib holds one thread per connection and restarts its read timeout with every
// header line, so a client trickling a byte every few seconds holds a thread for as long as it
// likes. The guard watches the server's open connections (every 100 ms: the process's sockets
// whose local port is the server's) and shuts a connection down when
//   - its request (header and body) is not complete within keep_alive + request_timeout of
//     the connection opening or of the previous response written, plus the time the body's
//     declared length takes at min_read_bytes_per_s; trickling cannot extend this. Such a
//     client is told (timeout_response, a 408, then the connection is closed for writing and
//     shut down answer_grace later), or
//   - its client address already has max_per_address connections open (the newest go;
//     exempt addresses, e.g. a trusted reverse proxy, have no limit), or
//   - the server is under pressure: at least 3/4 of the `threads` connections wait for a
//     request (idle between requests, still sending their headers, or a body slower than
//     min_read_bytes_per_s) and this one has waited longer than pressure_grace. The longest
//     waiting go first, down to half the threads. So many addresses trickling together (each
//     under its limit) cannot hold every thread for the whole deadline. Not touched: a
//     connection in a handler, one whose response may still be on its way (its size at
//     min_write_bytes_per_s), one with bytes waiting to be read (a request queued for a
//     thread, not trickled into one), and an exempt address's (a proxy's pool; they count
//     towards the pressure all the same).
// A handler's own running time is not limited here. Shutting down a socket makes the thread's
// next read fail at once, so the thread is free again.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace dermaplan::server {

struct ConnectionLimits {
  std::chrono::milliseconds keep_alive{5000};
  std::chrono::milliseconds request_timeout{30000};
  long long min_write_bytes_per_s = 64 * 1024;
  long long min_read_bytes_per_s = 64 * 1024;
  std::chrono::milliseconds linger{2000};
  int max_per_address = 16;
  std::vector<std::string> exempt_addresses;
  std::chrono::milliseconds scan_interval{100};
  int threads = 0;  //!< the server's connection threads; 0: no pressure rule
  std::chrono::milliseconds pressure_grace{1000};
  /// Written to a connection whose request missed its deadline (a whole HTTP response: 408,
  /// "Connection: close"), before it is closed for writing; "": none, shut down at once.
  std::string timeout_response;
  /// How long the client then has to read it and close, before the connection is shut down
  /// (what it still sends meanwhile is read and dropped by the connection's thread).
  std::chrono::milliseconds answer_grace{1000};
};

class ConnectionGuard {
 public:
  /// Watches connections to local `port`.
  ConnectionGuard(int port, ConnectionLimits limits);
  ~ConnectionGuard();
  ConnectionGuard(const ConnectionGuard&) = delete;
  ConnectionGuard& operator=(const ConnectionGuard&) = delete;

  /// The request from peer address:port was read in full and its handler runs now. False when
  /// the connection already missed its deadline (its 408 is written): the handler must not run.
  bool handler_started(const std::string& peer, int peer_port);
  /// The request's headers are read and a body of `body_bytes` follows: its deadline grows by
  /// the time those bytes take at min_read_bytes_per_s (a photo on a slow uplink), no more.
  void body_expected(const std::string& peer, int peer_port, size_t body_bytes);
  /// Its response is written and nothing more may be read from it (a refusal sent before the
  /// body was read, or a request that could not be parsed): the connection is closed, after
  /// reading and dropping what the client still sends for at most `linger` (so the client gets
  /// the answer, not a reset). Blocks the calling thread for that long at most.
  void close_connection(const std::string& peer, int peer_port);
  /// Its response (of `response_bytes`, 0 once written) is on its way: the next request's
  /// deadline starts, plus the time `response_bytes` take at min_write_bytes_per_s.
  void handler_finished(const std::string& peer, int peer_port, size_t response_bytes);
  /// True once close_connection() was called for that peer: nothing more is to be served on it.
  bool closed(const std::string& peer, int peer_port);
  /// The response being prepared for that peer closes its connection; `library_closes`: the
  /// library closes it itself once written (the client asked to), else close_connection() is
  /// to. Taken (and forgotten) by take_closing() once the response is written.
  void closing(const std::string& peer, int peer_port, bool library_closes);
  /// What closing() said for the response just written (its library_closes), or nothing.
  std::optional<bool> take_closing(const std::string& peer, int peer_port);
  /// True if that peer's connection has been closed by the client (or is gone).
  bool client_gone(const std::string& peer, int peer_port);

  /// Connections shut down so far, for logs and tests.
  long long timed_out() const;
  long long over_limit() const;
  long long shed_under_pressure() const;

 private:
  using Clock = std::chrono::steady_clock;
  struct Connection {
    int fd = -1;
    unsigned long inode = 0;
    std::string peer;
    int peer_port = 0;
    Clock::time_point opened;
  };
  struct Activity {
    bool in_handler = false;
    Clock::time_point deadline;  //!< valid when !in_handler and set
    bool has_deadline = false;
    bool closed = false;         //!< close_connection() was called, or the deadline was missed
    std::optional<bool> closing;    //!< closing() for the response being prepared
    Clock::time_point body_due;     //!< headers read: the body is due by then (its size at
                                    //!< min_read_bytes_per_s, plus pressure_grace)
    Clock::time_point writing_until;  //!< a response is written until then at the latest
    Clock::time_point touched;   //!< last noted
  };
  static Activity& touch(Activity& a);
  void run();
  void scan();
  /// The connection of that peer, scanning once more when it is newer than the last scan.
  std::optional<Connection> find(const std::string& peer, int peer_port);
  /// Shuts the connection down if `fd` still is that socket (checked on a duplicate, so a
  /// descriptor reused meanwhile is never touched).
  static bool shut_down(const Connection& c);
  /// Writes `response` (without blocking) and closes the connection for writing, if `fd` still
  /// is that socket.
  static void answer_and_half_close(const Connection& c, const std::string& response);
  /// True if the client sent bytes no thread has read yet (checked as shut_down checks).
  static bool has_unread_bytes(const Connection& c);

  int port_;
  ConnectionLimits limits_;
  mutable std::mutex mutex_;
  std::mutex scan_mutex_;  //!< one scan at a time (taken before mutex_, never while holding it)
  std::condition_variable wake_;
  bool stopping_ = false;
  std::map<unsigned long, Connection> connections_;            //!< by socket inode
  std::map<std::pair<std::string, int>, Activity> activity_;   //!< by peer address and port
  std::set<unsigned long> shut_;                               //!< inodes already shut down (or answered)
  std::map<unsigned long, Clock::time_point> answered_;        //!< told 408 at; shut down answer_grace later
  long long timed_out_ = 0;
  long long over_limit_ = 0;
  long long shed_ = 0;
  std::thread thread_;
};

}  // namespace dermaplan::server
