// JSON views of the knowledge base for `dermaplan kb list/show` and the HTTP API.
#pragma once

#include "kb/knowledge_base.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace dermaplan::kb {

/// The kinds `kb list` accepts: sources, regions, devices, indications, screening, topics,
/// preparation, procedure, aftercare, scales, vocabulary.
const std::vector<std::string>& listable_kinds();

/// One line per item: {"id", "name"/"title", ...}. Throws InputError for an unknown kind.
nlohmann::json list_json(const KnowledgeBase& kb, const std::string& kind);

/// Everything about one id, searched in every kind (an id may name several things, e.g. a
/// region and a topic): {"matches": [{"kind": ..., ...}]}. Throws InputError when nothing matches.
nlohmann::json show_json(const KnowledgeBase& kb, const std::string& id);

/// A disputed topic: question, positions with sources, default, the chosen one and why.
nlohmann::json topic_json(const TopicSummary& topic);

}  // namespace dermaplan::kb
