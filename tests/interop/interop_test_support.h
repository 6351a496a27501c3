// Shared by the interop tests: the example plan (examples/plan-request.json planned with the
// bundled knowledge base), running a command-line tool, and a scratch directory.
#pragma once

#include "interop/plan_document.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

namespace dermaplan::testing {

/// The plan JSON of examples/plan-request.json (intake, indication, areas, date).
nlohmann::json example_plan_json();
/// The same plan, parsed.
interop::PlanDocument example_plan();
/// The same request planned under a clinic policy of tests/cases (e.g. "policies/x.yaml"), parsed.
interop::PlanDocument example_plan_with_policy(const std::string& relative_policy);

struct ToolRun {
  int exit_code = -1;
  std::string output;  //!< standard output and standard error together
};
/// Runs a shell command line; never throws.
ToolRun run_tool(const std::string& command_line);

/// A fresh directory under the system temp dir, removed when the object goes.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& name);
  ~ScratchDir();
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& file) const { return path_ / file; }

 private:
  std::filesystem::path path_;
};

void write_file(const std::filesystem::path& path, const std::string& bytes);
std::string read_file(const std::filesystem::path& path);

/// Every run of whitespace as one space (pdftotext wraps and indents lines).
std::string squeeze_spaces(const std::string& text);

}  // namespace dermaplan::testing
