// Photo image files, content-addressed: a photo with SHA-256 "ab12..." lives at
// <dir>/ab/ab12.... Files are written once (atomically, fsync'd) and never changed.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace dermaplan::records {

class PhotoFiles {
 public:
  explicit PhotoFiles(std::filesystem::path dir) : dir_(std::move(dir)) {}

  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path path_of(const std::string& sha256) const;
  bool contains(const std::string& sha256) const;

  /// Stores the bytes (if not already there) and returns their SHA-256 hex. Durable on return.
  /// Throws StoreUnavailableError on a file-system error.
  std::string put(std::string_view bytes) const;
  /// The bytes of a stored photo. NotFoundError if absent; StoreUnavailableError if the file no
  /// longer matches its hash.
  std::string read(const std::string& sha256) const;
  /// Copies one photo into `target` (no-op if already there); the bytes are verified.
  void copy_to(const std::string& sha256, const PhotoFiles& target) const;

 private:
  std::filesystem::path dir_;
};

}  // namespace dermaplan::records
