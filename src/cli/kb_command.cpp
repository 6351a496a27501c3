#include "cli/cli_support.h"
#include "core/errors.h"
#include "kb/kb_json.h"

#include <fmt/format.h>

#include <iostream>

namespace dermaplan::cli {

void add_kb_command(CLI::App& app, CommonOptions& common) {
  auto* kb_cmd = app.add_subcommand("kb", "Check, list and show the knowledge base");
  kb_cmd->require_subcommand(1);

  auto* check = kb_cmd->add_subcommand("check", "Validate every file; print a summary");
  check->callback([&common] {
    const auto kb = load_kb(common);
    size_t disputed = kb.topics.size();
    std::cout << fmt::format(
        "knowledge base {} OK: {} sources, {} regions, {} devices, {} indications, {} screening rules, "
        "{} preparation tasks, {} procedure steps, {} aftercare instructions, {} scales, {} risks, {} topics where "
        "sources disagree. Policy: {}.\n",
        kb.version, kb.sources.size(), kb.regions.size(), kb.devices.size(), kb.indications.size(),
        kb.screening.size(), kb.preparation.size(), kb.procedure.size(), kb.aftercare.size(),
        kb.scales.size(), kb.risks.size(), disputed, kb.policy);
  });

  static std::string kind;
  static std::string format = "text";
  auto* list = kb_cmd->add_subcommand("list", "List items of one kind");
  std::string kinds;
  for (const auto& k : kb::listable_kinds()) kinds += (kinds.empty() ? "" : ", ") + k;
  list->add_option("kind", kind, "One of: " + kinds)->required();
  list->add_option("--format", format, "json or text")->capture_default_str();
  list->callback([&common] {
    const bool as_json = json_format(format);
    const auto kb = load_kb(common);
    const auto items = kb::list_json(kb, kind);
    if (as_json) {
      std::cout << items.dump(2) << "\n";
      return;
    }
    for (const auto& item : items) {
      const std::string id = item.contains("id") ? item["id"].get<std::string>() : item["code"].get<std::string>();
      std::string label;
      for (const char* key : {"name", "title", "task", "step", "instruction", "question", "text"})
        if (item.contains(key)) { label = item[key].get<std::string>(); break; }
      std::cout << fmt::format("{:<32} {}\n", id, label);
    }
  });

  static std::string id;
  auto* show = kb_cmd->add_subcommand("show", "Show one item: values, sources, positions where sources disagree");
  show->add_option("id", id, "Any id: region, device, indication, screening rule, topic, source, ...")->required();
  show->callback([&common] {
    const auto kb = load_kb(common);
    std::cout << kb::show_json(kb, id).dump(2) << "\n";
  });
}

}  // namespace dermaplan::cli
