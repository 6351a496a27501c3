#include "clinic/patient_status.h"

#include "clinic/consent.h"

namespace dermaplan::clinic {

PatientStatus patient_status(records::Store& store, const kb::KnowledgeBase& kb, long long patient_id,
                             std::map<std::string, std::string>& forms) {
  PatientStatus out;
  const auto intakes = store.list_intakes(patient_id);
  if (!intakes.empty()) {
    const auto& latest = intakes.back();
    out.intake_version = latest.version;
    const auto screening = nlohmann::json::parse(latest.screening_json, nullptr, false);
    if (screening.is_object()) {
      out.screening_decision = screening.value("decision", "none");
      if (out.screening_decision == "defer" && screening.contains("earliest_date") && screening["earliest_date"].is_string())
        out.deferred_until = screening["earliest_date"].get<std::string>();
    }
  }
  const auto plans = store.list_course_plans(patient_id);
  if (!plans.empty()) out.plan_indication = plans.back().indication;
  const auto consents = store.list_consents(patient_id);
  if (!consents.empty()) {
    auto form = forms.find(out.plan_indication);
    if (form == forms.end()) {
      const kb::Indication* indication = out.plan_indication.empty() ? nullptr : kb.find_indication(out.plan_indication);
      form = forms.emplace(out.plan_indication, consent_form(kb, indication).text).first;
    }
    out.consent = "stale";
    for (const auto& c : consents)
      if (c.consent_text == form->second) out.consent = "current";
  }
  return out;
}

nlohmann::json to_json(const PatientStatus& s) {
  return {{"screening_decision", s.screening_decision},
          {"intake_version", s.intake_version},
          {"deferred_until", s.deferred_until ? nlohmann::json(*s.deferred_until) : nlohmann::json(nullptr)},
          {"consent", s.consent},
          {"plan_indication", s.plan_indication}};
}

}  // namespace dermaplan::clinic
