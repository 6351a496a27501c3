// Shared helpers for the data-driven tests: the bundled knowledge base (loaded once) and
// the case files under tests/cases/.
#pragma once

#include "kb/knowledge_base.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace dermaplan::testing {

/// The bundled knowledge base with the default positions, loaded once per test binary.
const kb::KnowledgeBase& bundled_kb();

/// The bundled knowledge base with the policy file tests/cases/<relative_policy> applied,
/// loaded once per policy.
const kb::KnowledgeBase& kb_with_policy(const std::string& relative_policy);

/// A case file's knowledge base: bundled, or with the case's "policy" applied.
const kb::KnowledgeBase& kb_for_case(const nlohmann::json& c);

/// A case file's intake: "intake" merged (JSON merge patch) onto tests/cases/base-intake.json,
/// or taken as it is when the case says "raw": true.
nlohmann::json case_intake(const nlohmann::json& c);

/// tests/cases/<folder>.
std::filesystem::path cases_dir(const std::string& folder);

/// Every *.json file in tests/cases/<folder>, sorted, for INSTANTIATE_TEST_SUITE_P.
std::vector<std::string> case_files(const std::string& folder);

nlohmann::json read_json_file(const std::filesystem::path& path);

/// Fails the current test for every key of `object` not in `accepted`, so a typo in a case
/// file cannot silently check nothing. `what` names the object in the message.
void expect_only_keys(const nlohmann::json& object, const std::vector<std::string>& accepted,
                      const std::string& what);

/// A readable test name from a file path ("isotretinoin-recent.json" -> "isotretinoin_recent").
std::string case_name(const std::string& path);

}  // namespace dermaplan::testing
