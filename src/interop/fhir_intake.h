// An intake document (the JSON of README "The intake") as QuestionnaireResponse items and
// back. Each field is an item whose linkId is its JSON pointer ("/skin/dry",
// "/conditions/0/code"); objects and lists are items holding items; an empty list ("asked,
// none") is an item with neither answers nor items. Codes are valueCodings in the dermaplan
// code systems, dates valueDates, so the mapping reads like a form and is exactly reversible.
#pragma once

#include "kb/knowledge_base.h"

#include <nlohmann/json.hpp>

#include <string>

namespace dermaplan::interop {

/// The items of an intake document. `kb` (may be null) adds display names to codes.
nlohmann::json intake_items(const nlohmann::json& intake, const kb::KnowledgeBase* kb);

/// The intake document the items describe. InputError naming the FHIR path (under `path`,
/// e.g. "Bundle.entry[1].resource.item") for an item without a linkId, or an answer of a type
/// the intake does not use.
nlohmann::json intake_from_items(const nlohmann::json& items, const std::string& path);

}  // namespace dermaplan::interop
