// Loads and validates the knowledge base and applies a clinic policy.
#pragma once

#include "kb/knowledge_base.h"

#include <string>

namespace dermaplan::kb {

/// Reads every *.yaml below `dir` (see knowledge/SCHEMA.md), validates it (schema, units and
/// ranges, source ids, references) and applies the policy file (empty: the default positions).
/// Throws KnowledgeError naming file:line and what is accepted.
KnowledgeBase load_knowledge(const std::string& dir, const std::string& policy_file = "");

/// The knowledge base bundled with this build (the DERMAPLAN_KNOWLEDGE env variable overrides).
std::string default_knowledge_dir();

}  // namespace dermaplan::kb
