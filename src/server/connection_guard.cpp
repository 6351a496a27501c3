#include "server/connection_guard.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <utility>

namespace dermaplan::server {

namespace {

/// The numeric host of a socket address, as cpp-httplib writes Request::remote_addr.
bool numeric_host(const sockaddr_storage& addr, socklen_t len, std::string& host, int& port) {
  char text[NI_MAXHOST];
  if (getnameinfo(reinterpret_cast<const sockaddr*>(&addr), len, text, sizeof text, nullptr, 0, NI_NUMERICHOST) != 0)
    return false;
  host = text;
  port = addr.ss_family == AF_INET ? ntohs(reinterpret_cast<const sockaddr_in&>(addr).sin_port)
                                   : ntohs(reinterpret_cast<const sockaddr_in6&>(addr).sin6_port);
  return true;
}

int local_port(int fd) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return -1;
  if (addr.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in&>(addr).sin_port);
  if (addr.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6&>(addr).sin6_port);
  return -1;
}

}  // namespace

ConnectionGuard::ConnectionGuard(int port, ConnectionLimits limits) : port_(port), limits_(std::move(limits)) {
  thread_ = std::thread([this] { run(); });
}

ConnectionGuard::~ConnectionGuard() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void ConnectionGuard::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    scan();
    lock.lock();
    wake_.wait_for(lock, limits_.scan_interval, [this] { return stopping_; });
  }
}

ConnectionGuard::Activity& ConnectionGuard::touch(Activity& a) {
  a.touched = Clock::now();
  return a;
}

bool ConnectionGuard::handler_started(const std::string& peer, int peer_port) {
  std::lock_guard lock(mutex_);
  Activity& a = touch(activity_[{peer, peer_port}]);
  // Decided under the lock the deadline is decided under: either the handler runs and the
  // connection is not cut, or it was cut (and told 408) and nothing runs, so a client is never
  // told "not received" about a request that was carried out.
  if (a.closed) return false;
  a.in_handler = true;
  a.body_due = {};  // the body is read: its allowance does not carry over to the next request
  return true;
}

void ConnectionGuard::handler_finished(const std::string& peer, int peer_port, size_t response_bytes) {
  const auto write_allowance = std::chrono::milliseconds(
      static_cast<long long>(response_bytes) * 1000 / std::max(1LL, limits_.min_write_bytes_per_s));
  std::lock_guard lock(mutex_);
  Activity& a = touch(activity_[{peer, peer_port}]);
  a.in_handler = false;
  a.has_deadline = true;
  a.deadline = Clock::now() + write_allowance + limits_.keep_alive + limits_.request_timeout;
  a.writing_until = Clock::now() + write_allowance;
}

void ConnectionGuard::body_expected(const std::string& peer, int peer_port, size_t body_bytes) {
  const auto read_allowance = std::chrono::milliseconds(
      static_cast<long long>(std::min<size_t>(body_bytes, 1ull << 40)) * 1000 /
      std::max(1LL, limits_.min_read_bytes_per_s));
  std::lock_guard lock(mutex_);
  Activity& a = touch(activity_[{peer, peer_port}]);
  if (!a.has_deadline) {  // the connection's first request: its deadline counts from the opening
    auto it = std::find_if(connections_.begin(), connections_.end(), [&](const auto& kv) {
      return kv.second.peer == peer && kv.second.peer_port == peer_port;
    });
    a.deadline = (it != connections_.end() ? it->second.opened : Clock::now()) + limits_.keep_alive +
                 limits_.request_timeout;
    a.has_deadline = true;
  }
  a.deadline += read_allowance;
  a.body_due = Clock::now() + read_allowance + limits_.pressure_grace;
}

std::optional<ConnectionGuard::Connection> ConnectionGuard::find(const std::string& peer, int peer_port) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (attempt == 1) scan();  // under 100 ms old: not seen yet
    std::lock_guard lock(mutex_);
    auto it = std::find_if(connections_.begin(), connections_.end(), [&](const auto& kv) {
      return kv.second.peer == peer && kv.second.peer_port == peer_port;
    });
    if (it != connections_.end()) return it->second;
  }
  return std::nullopt;
}

void ConnectionGuard::close_connection(const std::string& peer, int peer_port) {
  {
    std::lock_guard lock(mutex_);
    touch(activity_[{peer, peer_port}]).closed = true;  // whatever happens below: nothing more is served
  }
  const std::optional<Connection> c = find(peer, peer_port);
  if (!c) return;
  {
    std::lock_guard lock(mutex_);
    shut_.insert(c->inode);
  }
  // A lingering close (as nginx's): the response goes out with a FIN, then what the client
  // still sends (the body it was not asked to stop) is read and dropped until it closes, for at
  // most limits_.linger. Closing with unread bytes at once would send a reset, and a client
  // still writing its body would see "connection reset" instead of the answer.
  const int dup = fcntl(c->fd, F_DUPFD_CLOEXEC, 0);
  if (dup < 0) return;
  struct stat st {};
  if (fstat(dup, &st) == 0 && st.st_ino == c->inode) {
    ::shutdown(dup, SHUT_WR);
    const auto until = Clock::now() + limits_.linger;
    char sink[16384];
    size_t dropped = 0;
    for (auto now = Clock::now(); now < until && dropped < (64u << 20); now = Clock::now()) {
      pollfd p{dup, POLLIN | POLLRDHUP, 0};
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - now).count();
      if (poll(&p, 1, static_cast<int>(std::max<long long>(1, left))) <= 0) break;
      const ssize_t n = ::recv(dup, sink, sizeof sink, MSG_DONTWAIT);
      if (n <= 0) break;  // the client closed (or the connection failed)
      dropped += static_cast<size_t>(n);
    }
    ::shutdown(dup, SHUT_RDWR);
    // What the client sent beyond the drop limit must not be read as a request: the server's
    // descriptor (this thread's own connection, so not closed or reused meanwhile) now reads
    // /dev/null, so its next read ends the connection; the socket closes with `dup`.
    const int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null >= 0) {
      ::dup3(null, c->fd, O_CLOEXEC);
      ::close(null);
    }
  }
  close(dup);
}

bool ConnectionGuard::closed(const std::string& peer, int peer_port) {
  std::lock_guard lock(mutex_);
  auto it = activity_.find({peer, peer_port});
  return it != activity_.end() && it->second.closed;
}

void ConnectionGuard::closing(const std::string& peer, int peer_port, bool library_closes) {
  std::lock_guard lock(mutex_);
  touch(activity_[{peer, peer_port}]).closing = library_closes;
}

std::optional<bool> ConnectionGuard::take_closing(const std::string& peer, int peer_port) {
  std::lock_guard lock(mutex_);
  auto it = activity_.find({peer, peer_port});
  if (it == activity_.end()) return std::nullopt;
  return std::exchange(it->second.closing, std::nullopt);
}

bool ConnectionGuard::client_gone(const std::string& peer, int peer_port) {
  Connection c;
  {
    std::lock_guard lock(mutex_);
    auto it = std::find_if(connections_.begin(), connections_.end(), [&](const auto& kv) {
      return kv.second.peer == peer && kv.second.peer_port == peer_port;
    });
    if (it == connections_.end()) return false;  // not seen yet (under 100 ms old), so not known gone
    c = it->second;
  }
  const int dup = fcntl(c.fd, F_DUPFD_CLOEXEC, 0);
  if (dup < 0) return true;
  struct stat st {};
  bool gone = fstat(dup, &st) != 0 || st.st_ino != c.inode;
  if (!gone) {
    pollfd p{dup, POLLRDHUP, 0};
    gone = poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
  }
  close(dup);
  return gone;
}

bool ConnectionGuard::has_unread_bytes(const Connection& c) {
  const int dup = fcntl(c.fd, F_DUPFD_CLOEXEC, 0);
  if (dup < 0) return false;
  struct stat st {};
  bool unread = false;
  if (fstat(dup, &st) == 0 && st.st_ino == c.inode) {
    pollfd p{dup, POLLIN, 0};
    unread = poll(&p, 1, 0) > 0 && (p.revents & POLLIN) != 0;
  }
  close(dup);
  return unread;
}

void ConnectionGuard::answer_and_half_close(const Connection& c, const std::string& response) {
  const int dup = fcntl(c.fd, F_DUPFD_CLOEXEC, 0);
  if (dup < 0) return;
  struct stat st {};
  if (fstat(dup, &st) == 0 && st.st_ino == c.inode) {
    // Nothing else writes on it: its thread is reading the request, and no handler may start.
    (void)::send(dup, response.data(), response.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    ::shutdown(dup, SHUT_WR);
  }
  close(dup);
}

bool ConnectionGuard::shut_down(const Connection& c) {
  const int dup = fcntl(c.fd, F_DUPFD_CLOEXEC, 0);
  if (dup < 0) return false;
  struct stat st {};
  const bool same = fstat(dup, &st) == 0 && st.st_ino == c.inode;
  if (same) ::shutdown(dup, SHUT_RDWR);
  close(dup);
  return same;
}

void ConnectionGuard::scan() {
  std::lock_guard scanning(scan_mutex_);  // the guard's thread and close_connection() may both scan
  const auto now = Clock::now();
  // 1. The server's connections now: sockets of this process on our local port with a peer.
  std::vector<Connection> found;
  if (DIR* dir = opendir("/proc/self/fd")) {
    const int own = dirfd(dir);
    while (dirent* entry = readdir(dir)) {
      char* end = nullptr;
      const long fd = std::strtol(entry->d_name, &end, 10);
      if (end == entry->d_name || *end != '\0' || fd == own) continue;
      struct stat st {};
      if (fstat(static_cast<int>(fd), &st) != 0 || !S_ISSOCK(st.st_mode)) continue;
      if (local_port(static_cast<int>(fd)) != port_) continue;
      sockaddr_storage peer{};
      socklen_t len = sizeof peer;
      if (getpeername(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&peer), &len) != 0) continue;  // the listener
      Connection c;
      c.fd = static_cast<int>(fd);
      c.inode = st.st_ino;
      if (!numeric_host(peer, len, c.peer, c.peer_port)) continue;
      found.push_back(std::move(c));
    }
    closedir(dir);
  }

  std::vector<Connection> to_shut, to_answer;
  {
    std::lock_guard lock(mutex_);
    std::map<unsigned long, Connection> current;
    for (auto& c : found) {
      auto it = connections_.find(c.inode);
      c.opened = it != connections_.end() && it->second.peer_port == c.peer_port ? it->second.opened : now;
      current.emplace(c.inode, std::move(c));
    }
    // Forget what has gone: peers seen before and not now, and any not seen for a while (a
    // connection too new for this scan keeps what its handler noted meanwhile).
    std::set<std::pair<std::string, int>> peers, before;
    for (const auto& [inode, c] : current) peers.insert({c.peer, c.peer_port});
    for (const auto& [inode, c] : connections_) before.insert({c.peer, c.peer_port});
    std::erase_if(activity_, [&](const auto& kv) {
      return !peers.count(kv.first) && (before.count(kv.first) || now - kv.second.touched > std::chrono::seconds(10));
    });
    std::erase_if(shut_, [&](unsigned long inode) { return !current.count(inode); });
    std::erase_if(answered_, [&](const auto& kv) { return !current.count(kv.first); });
    connections_ = std::move(current);
    // Told 408 a while ago and still open (the client goes on sending): shut down now.
    for (auto it = answered_.begin(); it != answered_.end();) {
      if (now - it->second < limits_.answer_grace) {
        ++it;
        continue;
      }
      to_shut.push_back(connections_.at(it->first));
      it = answered_.erase(it);
    }

    // 2. Deadlines: a request not complete in time.
    std::map<std::string, std::vector<const Connection*>> by_address;
    for (const auto& [inode, c] : connections_) {
      if (shut_.count(inode)) continue;
      auto a = activity_.find({c.peer, c.peer_port});
      const bool in_handler = a != activity_.end() && a->second.in_handler;
      const auto deadline = a != activity_.end() && a->second.has_deadline
                                ? a->second.deadline
                                : c.opened + limits_.keep_alive + limits_.request_timeout;
      if (!in_handler && now > deadline) {
        shut_.insert(inode);
        ++timed_out_;
        if (limits_.timeout_response.empty()) {
          to_shut.push_back(c);
        } else {
          touch(activity_[{c.peer, c.peer_port}]).closed = true;  // no handler starts from here on
          to_answer.push_back(c);
          answered_[inode] = now;
        }
        continue;
      }
      by_address[c.peer].push_back(&c);
    }
    // 3. Per-address limit: the newest connections beyond it go.
    for (auto& [address, list] : by_address) {
      if (static_cast<int>(list.size()) <= limits_.max_per_address) continue;
      if (std::find(limits_.exempt_addresses.begin(), limits_.exempt_addresses.end(), address) !=
          limits_.exempt_addresses.end())
        continue;
      std::sort(list.begin(), list.end(), [](const Connection* a, const Connection* b) {
        return a->opened != b->opened ? a->opened < b->opened : a->inode < b->inode;
      });
      for (size_t i = static_cast<size_t>(limits_.max_per_address); i < list.size(); ++i) {
        auto a = activity_.find({list[i]->peer, list[i]->peer_port});
        if (a != activity_.end() && a->second.in_handler) continue;  // never in the middle of its work
        to_shut.push_back(*list[i]);
        shut_.insert(list[i]->inode);
        ++over_limit_;
      }
    }
    // 4. Pressure: most threads held by connections waiting for a request.
    if (limits_.threads > 0) {
      std::vector<std::pair<Clock::time_point, const Connection*>> waiting;  // (since, connection)
      int waiting_count = 0;
      for (const auto& [inode, c] : connections_) {
        if (shut_.count(inode)) continue;
        auto a = activity_.find({c.peer, c.peer_port});
        if (a != activity_.end() && (a->second.in_handler || now < a->second.writing_until ||
                                     now < a->second.body_due))
          continue;
        ++waiting_count;
        // A trusted proxy's idle connections are its pool (it reads whole requests itself):
        // closing one under it could fail a request it is sending on it.
        if (std::find(limits_.exempt_addresses.begin(), limits_.exempt_addresses.end(), c.peer) !=
            limits_.exempt_addresses.end())
          continue;
        const auto since = a != activity_.end() ? std::max(c.opened, a->second.touched) : c.opened;
        if (now - since > limits_.pressure_grace) waiting.emplace_back(since, &c);
      }
      if (waiting_count * 4 >= limits_.threads * 3) {
        std::sort(waiting.begin(), waiting.end(), [](const auto& a, const auto& b) {
          return a.first != b.first ? a.first < b.first : a.second->inode < b.second->inode;
        });
        int left = waiting_count;
        for (const auto& [since, c] : waiting) {
          if (left <= limits_.threads / 2) break;
          if (has_unread_bytes(*c)) continue;  // queued for a thread with its request: not trickling
          to_shut.push_back(*c);
          shut_.insert(c->inode);
          ++shed_;
          --left;
        }
      }
    }
  }
  for (const auto& c : to_answer) answer_and_half_close(c, limits_.timeout_response);
  for (const auto& c : to_shut) shut_down(c);
}

long long ConnectionGuard::shed_under_pressure() const {
  std::lock_guard lock(mutex_);
  return shed_;
}

long long ConnectionGuard::timed_out() const {
  std::lock_guard lock(mutex_);
  return timed_out_;
}

long long ConnectionGuard::over_limit() const {
  std::lock_guard lock(mutex_);
  return over_limit_;
}

}  // namespace dermaplan::server
