// The consent form for a planned treatment: the knowledge base's consent statements and every
// risk, each with its sources, under one version that is stored with the patient's consent.
#pragma once

#include "kb/knowledge_base.h"

#include <nlohmann/json.hpp>

#include <string>

namespace dermaplan::planning {

/// {"version", "indication", "title", "text", "items": [{id, text, sources}],
///  "risks": [{id, text, sources}], "notice"}. `text` is the whole form as plain text.
/// `indication` may be null (a general form). The version combines the consent template's
/// version with the knowledge-base version, so any change to a risk changes it.
nlohmann::json consent_form(const kb::KnowledgeBase& kb, const kb::Indication* indication);

}  // namespace dermaplan::planning
