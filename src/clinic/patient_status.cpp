#include "clinic/patient_status.h"

#include "clinic/consent.h"

#include <algorithm>

namespace dermaplan::clinic {

PatientStatus patient_status(const records::PatientGlance& glance, const kb::KnowledgeBase& kb,
                             std::map<std::string, std::string>& forms) {
  PatientStatus out;
  if (glance.intake_version > 0) {
    out.intake_version = glance.intake_version;
    const auto screening = nlohmann::json::parse(glance.screening_json, nullptr, false);
    if (screening.is_object()) {
      out.screening_decision = screening.value("decision", "none");
      if (out.screening_decision == "defer" && screening.contains("earliest_date") && screening["earliest_date"].is_string())
        out.deferred_until = screening["earliest_date"].get<std::string>();
    }
  }
  out.plan_indication = glance.plan_indication;
  if (!glance.consent_texts.empty()) {
    auto form = forms.find(out.plan_indication);
    if (form == forms.end()) {
      const kb::Indication* indication = out.plan_indication.empty() ? nullptr : kb.find_indication(out.plan_indication);
      form = forms.emplace(out.plan_indication, consent_form(kb, indication).text).first;
    }
    out.consent = "stale";
    for (const auto& text : glance.consent_texts)
      if (text == form->second) out.consent = "current";
  }
  return out;
}

PatientStatus patient_status(records::Store& store, const kb::KnowledgeBase& kb, long long patient_id,
                             std::map<std::string, std::string>& forms) {
  return patient_statuses(store, kb, {patient_id}, forms).front();
}

std::vector<PatientStatus> patient_statuses(records::Store& store, const kb::KnowledgeBase& kb,
                                            const std::vector<long long>& patient_ids,
                                            std::map<std::string, std::string>& forms) {
  std::vector<PatientStatus> out;
  out.reserve(patient_ids.size());
  // The store reads at most kMaxIds glances at once.
  constexpr std::size_t kMaxIds = 1000;
  for (std::size_t at = 0; at < patient_ids.size(); at += kMaxIds) {
    const std::vector<long long> chunk(patient_ids.begin() + static_cast<std::ptrdiff_t>(at),
                                       patient_ids.begin() + static_cast<std::ptrdiff_t>(std::min(patient_ids.size(), at + kMaxIds)));
    for (const auto& glance : store.read_patient_glances(chunk)) out.push_back(patient_status(glance, kb, forms));
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
