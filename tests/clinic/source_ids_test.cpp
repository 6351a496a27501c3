// Every source id cited anywhere in dermaplan's output resolves in knowledge/sources: the ids in
// every "sources"/"source" field and in the text of screening results, plans (every planning
// case, every indication on each device) and simulations (every device on every region, the
// whole face), the knowledge base as `kb list` and `kb show` give it, and the ids written into
// the code that produces output (src/) and into the web interface's texts (web/src).
#include "clinic/simulation_setup.h"
#include "core/civil_date.h"
#include "kb/kb_json.h"
#include "planning/course_plan.h"
#include "screening/intake.h"
#include "screening/screening.h"
#include "simulation/face.h"
#include "simulation/report.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

namespace dermaplan::clinic {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

/// Where each id was cited, for the failure message.
using Citations = std::map<std::string, std::string>;

/// A source id written in a text: a seed ("seed-003") or an author-year id ("kalluri2011",
/// "aps2024-striae"), not after "#" or a backslash (an anchor, an escape such as \u0000). Ids
/// without a year ("selcuk") are only found in "sources" fields.
const std::regex& id_in_text() {
  static const std::regex re(R"((^|[^#\\A-Za-z0-9_-])(seed-[0-9]{3}|[a-z][a-z-]*[0-9]{4}[a-z]?(-[a-z]+)*)(?![A-Za-z0-9_]))");
  return re;
}

void ids_in_text(const std::string& text, const std::string& where, Citations& out) {
  for (auto it = std::sregex_iterator(text.begin(), text.end(), id_in_text()); it != std::sregex_iterator(); ++it)
    out.emplace((*it)[2].str(), where);
}

/// Every id under a key named "source" or ending in "sources", and every id written in a string.
void collect(const json& value, const std::string& where, Citations& out) {
  if (value.is_object()) {
    for (const auto& [key, item] : value.items()) {
      const bool source_key = key == "source" || (key.size() >= 7 && key.compare(key.size() - 7, 7, "sources") == 0);
      if (source_key && item.is_string()) out.emplace(item.get<std::string>(), where + "/" + key);
      if (source_key && item.is_array())
        for (const auto& id : item)
          if (id.is_string()) out.emplace(id.get<std::string>(), where + "/" + key);
      collect(item, where + "/" + key, out);
    }
  } else if (value.is_array()) {
    for (size_t i = 0; i < value.size(); ++i) collect(value[i], where + "/" + std::to_string(i), out);
  } else if (value.is_string()) {
    ids_in_text(value.get<std::string>(), where, out);
  }
}

void expect_all_resolve(const Citations& cited) {
  const auto& kb = testing::bundled_kb();
  EXPECT_FALSE(cited.empty());
  for (const auto& [id, where] : cited)
    EXPECT_NE(kb.find_source(id), nullptr) << "source id '" << id << "' (cited in " << where
                                           << ") is not in knowledge/sources";
}

const CivilDate kAsOf = *parse_civil_date("2026-11-22");

TEST(SourceIds, EveryIdInScreeningResultsResolves) {
  const auto& kb = testing::bundled_kb();
  Citations cited;
  for (const auto& file : testing::case_files("screening")) {
    const json c = testing::read_json_file(file);
    const kb::KnowledgeBase& case_kb = testing::kb_for_case(c);
    const CivilDate as_of = c.contains("date") ? *parse_civil_date(c["date"].get<std::string>()) : kAsOf;
    const auto intake = screening::parse_intake(testing::case_intake(c), case_kb, as_of);
    const auto result = screening::screen(intake, case_kb, as_of, c.value("areas", std::vector<std::string>{}));
    collect(screening::to_json(result), testing::case_name(file), cited);
    ids_in_text(screening::to_text(result), testing::case_name(file) + " (text)", cited);
  }
  (void)kb;
  expect_all_resolve(cited);
}

TEST(SourceIds, EveryIdInPlansResolves) {
  const auto& kb = testing::bundled_kb();
  Citations cited;
  auto add = [&](const planning::CoursePlan& plan, const kb::KnowledgeBase& plan_kb, const std::string& where) {
    collect(planning::to_json(plan, plan_kb), where, cited);
    ids_in_text(planning::to_text(plan, plan_kb), where + " (text)", cited);
  };
  for (const auto& file : testing::case_files("planning")) {
    const json c = testing::read_json_file(file);
    const kb::KnowledgeBase& case_kb = testing::kb_for_case(c);
    const CivilDate as_of = *parse_civil_date(c["date"].get<std::string>());
    planning::PlanRequest request;
    request.indication = c["indication"];
    request.areas = c.value("areas", std::vector<std::string>{});
    if (c.contains("start")) request.start = parse_civil_date(c["start"].get<std::string>());
    if (c.contains("device")) request.device = c["device"].get<std::string>();
    add(planning::plan_course(screening::parse_intake(testing::case_intake(c), case_kb, as_of), case_kb, as_of, request),
        case_kb, testing::case_name(file));
  }
  const auto intake = screening::parse_intake(json::object(), kb, kAsOf);
  for (const auto& indication : kb.indications)
    for (const auto& device : kb.devices) {
      planning::PlanRequest request;
      request.indication = indication.id;
      request.device = device.id;
      add(planning::plan_course(intake, kb, kAsOf, request), kb, indication.id + " with " + device.id);
    }
  expect_all_resolve(cited);
}

TEST(SourceIds, EveryIdInSimulationsResolves) {
  const auto& kb = testing::bundled_kb();
  Citations cited;
  for (const auto& device : kb.devices)
    for (const auto& region : kb.regions) {
      if (device.kind == kb::DeviceKind::stylus) continue;  // the simulator has no stylus geometry
      SimulationRequest request;
      request.device_id = device.id;
      request.region_id = region.id;
      request.passes = 1;
      request.patch = {4, 4};
      if (device.depth_range) {  // a pen: its shortest setting (regions without a guide give no depth)
        const auto settings = device.settings_mm();
        request.needle_length_mm = settings.empty() ? device.depth_range->min_mm : settings.front();
      }
      const std::string where = device.id + " on " + region.id;
      const SimulationSetup setup = simulation_setup(kb, request);
      for (const auto& note : setup.notes) ids_in_text(note, where + " (notes)", cited);
      const auto result = simulation::simulate(setup.input);
      collect(simulation::to_json(result), where, cited);
      ids_in_text(simulation::to_text(result), where + " (text)", cited);
    }
  SimulationRequest face;
  face.device_id = kb.planning.default_device.value().device;
  face.passes = 1;
  const FaceSetup setup = face_setup(kb, face);
  for (const auto& note : setup.notes) ids_in_text(note, "face (notes)", cited);
  for (const auto& region : simulation::simulate_face(setup.regions, false))
    collect(simulation::to_json(region.result), "face " + region.region_id, cited);
  expect_all_resolve(cited);
}

// `dermaplan kb list` of every kind and `kb show` of every item it lists and of `planning`
// (notes, positions, texts).
// A source's locator is an address (a URL, a DOI), not a citation.
json without_locators(json value) {
  if (value.is_object()) value.erase("locator");
  if (value.is_structured())
    for (auto& item : value) item = without_locators(item);
  return value;
}

TEST(SourceIds, EveryIdInTheKnowledgeBaseListingsResolves) {
  const auto& kb = testing::bundled_kb();
  Citations cited;
  for (const auto& kind : kb::listable_kinds()) {
    const json list = without_locators(kb::list_json(kb, kind));
    collect(list, "kb list " + kind, cited);
    if (kind == "risks" || kind == "vocabulary") continue;  // listed whole; `kb show` does not take them
    for (const auto& item : list)
      if (item.is_object() && item.contains("id") && item["id"].is_string()) {
        const std::string id = item["id"];
        collect(without_locators(kb::show_json(kb, id)), "kb show " + id, cited);
      }
  }
  collect(kb::show_json(kb, "planning"), "kb show planning", cited);
  expect_all_resolve(cited);
}

/// Ids written into the code that produces output and into the web interface's texts.
TEST(SourceIds, EveryIdWrittenInTheCodeAndTheWebTextsResolves) {
  Citations cited;
  const fs::path root = DERMAPLAN_SOURCE_ROOT;
  for (const char* folder : {"src", "web/src"}) {
    ASSERT_TRUE(fs::is_directory(root / folder)) << root / folder;
    for (const auto& entry : fs::recursive_directory_iterator(root / folder)) {
      const std::string name = entry.path().filename().string();
      const std::string ext = entry.path().extension().string();
      if (!entry.is_regular_file() || name.find(".test.") != std::string::npos) continue;
      if (ext != ".cpp" && ext != ".h" && ext != ".ts" && ext != ".html") continue;
      std::ifstream in(entry.path());
      std::stringstream text;
      text << in.rdbuf();
      ids_in_text(text.str(), fs::relative(entry.path(), root).string(), cited);
    }
  }
  expect_all_resolve(cited);
}

}  // namespace
}  // namespace dermaplan::clinic
