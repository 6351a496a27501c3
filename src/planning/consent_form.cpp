#include "planning/consent_form.h"

#include "kb/describe.h"
#include "screening/screening.h"

#include <fmt/format.h>

namespace dermaplan::planning {

nlohmann::json consent_form(const kb::KnowledgeBase& kb, const kb::Indication* indication) {
  using nlohmann::json;
  const std::string title = indication
                                ? fmt::format("Consent to microneedling: {} ({} needling)", indication->name,
                                              kb::to_string(indication->treatment_class.value()))
                                : std::string("Consent to microneedling");
  std::string text = title + "\n\n";
  json items = json::array();
  for (const auto& item : kb.consent.items) {
    items.push_back({{"id", item.id}, {"text", item.text}, {"sources", item.sources}});
    text += "- " + item.text + "\n";
  }
  text += "\nRisks:\n";
  json risks = json::array();
  for (const auto& risk : kb.risks) {
    risks.push_back({{"id", risk.id}, {"text", risk.text}, {"sources", risk.sources}});
    text += "- " + risk.text + "\n";
  }
  json out = {{"version", kb.consent.version + "/" + kb.version},
              {"title", title},
              {"text", text},
              {"items", items},
              {"risks", risks},
              {"notice", screening::kDecisionSupportNotice}};
  out["indication"] = indication ? json(indication->id) : json(nullptr);
  return out;
}

}  // namespace dermaplan::planning
