#include "test_support.h"

#include "kb/loader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>

namespace dermaplan::testing {

const kb::KnowledgeBase& bundled_kb() {
  static const kb::KnowledgeBase kb = kb::load_knowledge(DERMAPLAN_KNOWLEDGE_DIR);
  return kb;
}

const kb::KnowledgeBase& kb_with_policy(const std::string& relative_policy) {
  static std::map<std::string, kb::KnowledgeBase> cache;
  const std::string policy = (cases_dir("") / relative_policy).string();
  auto it = cache.find(policy);
  if (it == cache.end()) it = cache.emplace(policy, kb::load_knowledge(DERMAPLAN_KNOWLEDGE_DIR, policy)).first;
  return it->second;
}

const kb::KnowledgeBase& kb_for_case(const nlohmann::json& c) {
  return c.contains("policy") ? kb_with_policy(c["policy"].get<std::string>()) : bundled_kb();
}

nlohmann::json case_intake(const nlohmann::json& c) {
  if (c.value("raw", false)) return c["intake"];
  nlohmann::json intake = read_json_file(cases_dir("base-intake.json"));
  intake.merge_patch(c["intake"]);
  return intake;
}

std::filesystem::path cases_dir(const std::string& folder) {
  return std::filesystem::path(DERMAPLAN_TEST_CASES_DIR) / folder;
}

std::vector<std::string> case_files(const std::string& folder) {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(cases_dir(folder)))
    if (entry.path().extension() == ".json") files.push_back(entry.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

nlohmann::json read_json_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

void expect_only_keys(const nlohmann::json& object, const std::vector<std::string>& accepted,
                      const std::string& what) {
  if (!object.is_object()) {
    ADD_FAILURE() << what << " must be a JSON object";
    return;
  }
  for (const auto& [key, value] : object.items())
    EXPECT_NE(std::find(accepted.begin(), accepted.end(), key), accepted.end())
        << "unknown key '" << key << "' in " << what;
}

std::string case_name(const std::string& path) {
  std::string name = std::filesystem::path(path).stem().string();
  std::replace_if(name.begin(), name.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
  return name;
}

}  // namespace dermaplan::testing
