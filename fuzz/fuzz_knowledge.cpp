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

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const fs::path dir = [] {
    const fs::path d = fs::temp_directory_path() / ("dermaplan-fuzz-kb-" + std::to_string(getpid()));
    fs::remove_all(d);
    fs::create_directories(d);
    fs::copy_file(fs::path(DERMAPLAN_MINIMAL_KB) / "manifest.yaml", d / "manifest.yaml");
    return d;
  }();
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
