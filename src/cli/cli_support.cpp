#include "cli/cli_support.h"

#include "core/errors.h"
#include "kb/loader.h"

#include <fmt/format.h>
#include <stdexcept>

#include <fstream>
#include <iostream>
#include <iterator>

namespace dermaplan::cli {

kb::KnowledgeBase load_kb(const CommonOptions& common) {
  const std::string dir = common.knowledge_dir.empty() ? kb::default_knowledge_dir() : common.knowledge_dir;
  return kb::load_knowledge(dir, common.policy_file);
}

std::string read_input(const std::string& path, size_t max_bytes, const std::string& option) {
  std::string text;
  auto read_all = [&](std::istream& in) {
    char buffer[65536];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
      text.append(buffer, static_cast<size_t>(in.gcount()));
      if (text.size() > max_bytes)
        throw InputError(option, fmt::format("{} is larger than the {} bytes accepted",
                                             path == "-" ? "standard input" : path, max_bytes));
    }
  };
  if (path == "-") {
    read_all(std::cin);
    return text;
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) throw InputError(option, fmt::format("cannot open '{}'", path));
  read_all(file);
  return text;
}

CivilDate date_option(const std::string& text, const std::string& option) {
  if (text.empty()) return today_utc();
  const auto day = parse_civil_date(text);
  if (!day) throw InputError(option, fmt::format("'{}' is not a real date in the form YYYY-MM-DD", text));
  return *day;
}

InputError as_option_error(const InputError& e, std::initializer_list<OptionFor> table) {
  const std::string& where = e.where();
  for (const auto& entry : table) {
    const auto& p = entry.pointer;
    if (where.compare(0, p.size(), p) != 0 || (where.size() > p.size() && where[p.size()] != '/')) continue;
    if (entry.inside_file && where.size() > p.size()) return InputError(where.substr(p.size()), e.message());
    return InputError(std::string(entry.option), e.message());
  }
  return e;
}

bool json_format(const std::string& format, const std::string& option) {
  if (format == "json") return true;
  if (format == "text") return false;
  throw InputError(option, fmt::format("'{}' is not accepted; accepted: json, text", format));
}

interop::Paper paper_option(const std::string& text) {
  auto paper = interop::parse_paper(text);
  if (!paper) throw InputError("--paper", fmt::format("'{}' is not accepted; accepted: a4, letter", text));
  return *paper;
}

void write_output(const std::string& path, const std::string& bytes, const std::string& option) {
  if (path == "-") {
    std::cout.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    std::cout.flush();
    return;
  }
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) throw InputError(option, fmt::format("cannot write '{}'", path));
  file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!file.flush()) throw std::runtime_error(fmt::format("writing '{}' failed", path));
}

}  // namespace dermaplan::cli
