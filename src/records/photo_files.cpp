#include "records/photo_files.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "records/errors.h"
#include "records/sha256.h"

namespace dermaplan::records {
namespace fs = std::filesystem;
namespace {

[[noreturn]] void fail(const fs::path& where, const std::string& what) {
  throw StoreUnavailableError(where.string(), what + ": " + std::strerror(errno));
}

void fsync_path(const fs::path& path, int flags) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) fail(path, "cannot open for fsync");
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) fail(path, "fsync failed");
}

void write_file_durably(const fs::path& final_path, std::string_view bytes) {
  static std::atomic<unsigned> counter{0};
  fs::path tmp = final_path;
  tmp += ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (fd < 0) fail(tmp, "cannot create photo file");
  std::size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      ::unlink(tmp.c_str());
      fail(tmp, "cannot write photo file");
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    ::close(fd);
    ::unlink(tmp.c_str());
    fail(tmp, "fsync failed");
  }
  ::close(fd);
  if (::rename(tmp.c_str(), final_path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    fail(final_path, "cannot rename photo file into place");
  }
  fsync_path(final_path.parent_path(), O_RDONLY | O_DIRECTORY);
}

std::string read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(path, "cannot read photo file");
  std::ostringstream out;
  out << in.rdbuf();
  return std::move(out).str();
}

}  // namespace

fs::path PhotoFiles::path_of(const std::string& sha256) const {
  if (!is_sha256_hex(sha256)) {
    throw InvalidRecordError("photo.sha256", "not a lower-case hex SHA-256: \"" + sha256 + "\"");
  }
  return dir_ / sha256.substr(0, 2) / sha256;
}

bool PhotoFiles::contains(const std::string& sha256) const {
  std::error_code ec;
  return fs::is_regular_file(path_of(sha256), ec);
}

std::string PhotoFiles::put(std::string_view bytes) const {
  std::string sha = sha256_hex(bytes);
  fs::path path = path_of(sha);
  if (contains(sha)) return sha;
  std::error_code ec;
  bool created_dir = !fs::exists(path.parent_path(), ec);
  fs::create_directories(path.parent_path(), ec);
  if (ec) throw StoreUnavailableError(path.parent_path().string(), "cannot create photo directory: " + ec.message());
  if (created_dir) fsync_path(path.parent_path().parent_path(), O_RDONLY | O_DIRECTORY);
  write_file_durably(path, bytes);
  return sha;
}

std::string PhotoFiles::read(const std::string& sha256) const {
  fs::path path = path_of(sha256);
  if (!contains(sha256)) throw NotFoundError("photo " + sha256, "no such photo file in " + dir_.string());
  std::string bytes = read_all(path);
  if (sha256_hex(bytes) != sha256) {
    throw StoreUnavailableError(path.string(), "photo file does not match its SHA-256 (corrupted)");
  }
  return bytes;
}

void PhotoFiles::copy_to(const std::string& sha256, const PhotoFiles& target) const {
  if (target.contains(sha256)) return;
  std::string stored = target.put(read(sha256));
  (void)stored;
}

}  // namespace dermaplan::records
