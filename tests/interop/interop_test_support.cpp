#include "interop_test_support.h"

#include "planning/course_plan.h"
#include "screening/intake.h"
#include "test_support.h"

#include <array>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <sys/wait.h>

namespace dermaplan::testing {

namespace {
nlohmann::json example_plan_json_with(const kb::KnowledgeBase& kb) {
  const auto request = read_json_file(std::filesystem::path(DERMAPLAN_EXAMPLES_DIR) / "plan-request.json");
  const CivilDate as_of = *parse_civil_date(request.at("date").get<std::string>());
  const auto intake = screening::parse_intake(request.at("intake"), kb, as_of);
  planning::PlanRequest plan_request;
  plan_request.indication = request.at("indication").get<std::string>();
  plan_request.areas = request.at("areas").get<std::vector<std::string>>();
  return planning::to_json(planning::plan_course(intake, kb, as_of, plan_request), kb);
}
}  // namespace

nlohmann::json example_plan_json() { return example_plan_json_with(bundled_kb()); }

interop::PlanDocument example_plan_with_policy(const std::string& relative_policy) {
  return interop::parse_plan_document(example_plan_json_with(kb_with_policy(relative_policy)));
}

interop::PlanDocument example_plan() { return interop::parse_plan_document(example_plan_json()); }

ToolRun run_tool(const std::string& command_line) {
  ToolRun run;
  FILE* pipe = popen((command_line + " 2>&1").c_str(), "r");
  if (!pipe) return run;
  std::array<char, 4096> buffer{};
  size_t n = 0;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) run.output.append(buffer.data(), n);
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

ScratchDir::ScratchDir(const std::string& name) {
  std::random_device random;
  path_ = std::filesystem::temp_directory_path() / ("dermaplan-" + name + "-" + std::to_string(random()));
  std::filesystem::create_directories(path_);
}

ScratchDir::~ScratchDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

void write_file(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string squeeze_spaces(const std::string& text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

}  // namespace dermaplan::testing
