// Fuzzes the knowledge-base loader: the input replaces one file of a minimal knowledge base.
// Any bytes must load or give a KnowledgeError, never a crash or another exception.
#include "core/errors.h"
#include "kb/loader.h"

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>

using namespace dermaplan;
namespace fs = std::filesystem;

namespace {

/// This process's knowledge-base folder, removed when the fuzzer exits (one was left behind by
/// every run).
struct FuzzFolder {
  fs::path path = fs::temp_directory_path() / ("dermaplan-fuzz-kb-" + std::to_string(getpid()));
  FuzzFolder() {
    fs::remove_all(path);
    fs::create_directories(path);
    fs::copy_file(fs::path(DERMAPLAN_MINIMAL_KB) / "manifest.yaml", path / "manifest.yaml");
  }
  ~FuzzFolder() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const FuzzFolder folder;
  const fs::path& dir = folder.path;
  {
    std::ofstream out(dir / "body.yaml", std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    kb::load_knowledge(dir.string());
  } catch (const KnowledgeError&) {
  }
  return 0;
}
