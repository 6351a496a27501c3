#include "clinic/consent.h"

#include "core/errors.h"
#include "kb/describe.h"
#include "records/sha256.h"

#include <fmt/format.h>

namespace dermaplan::clinic {

ConsentForm consent_form(const kb::KnowledgeBase& kb, const kb::Indication* indication) {
  ConsentForm form;
  form.indication = indication;
  form.title = indication ? fmt::format("Consent to microneedling: {} ({} needling)", indication->name,
                                        kb::to_string(indication->treatment_class.value()))
                          : std::string("Consent to microneedling");
  form.text = form.title + "\n\n";
  for (const auto& item : kb.consent.items) {
    form.items.push_back({item.id, item.text, item.sources});
    form.text += "- " + item.text + "\n";
  }
  form.text += "\nRisks:\n";
  for (const auto& risk : kb.risks) {
    form.risks.push_back({risk.id, risk.text, risk.sources});
    form.text += "- " + risk.text + "\n";
  }
  form.version = fmt::format("{}/{}/{}", kb.consent.version, kb.version, records::sha256_hex(form.text).substr(0, 12));
  return form;
}

ConsentForm consent_form_for(const kb::KnowledgeBase& kb, const std::string& indication_id, const std::string& where) {
  if (indication_id.empty()) return consent_form(kb, nullptr);
  const kb::Indication* indication = kb.find_indication(indication_id);
  if (!indication) {
    std::string accepted;
    for (const auto& i : kb.indications) accepted += (accepted.empty() ? "" : ", ") + i.id;
    throw InputError(where, fmt::format("unknown indication '{}'; accepted: {}", indication_id, accepted));
  }
  return consent_form(kb, indication);
}

bool consent_is_current(const kb::KnowledgeBase& kb, const records::Consent& consent, const std::string& indication_id) {
  const kb::Indication* indication = indication_id.empty() ? nullptr : kb.find_indication(indication_id);
  return consent.consent_text == consent_form(kb, indication).text;
}

records::Consent record_consent(records::Store& store, const kb::KnowledgeBase& kb, const records::Actor& by,
                                const ConsentRequest& request) {
  if (!store.find_patient(request.patient_id))
    throw records::NotFoundError("", fmt::format("no patient with id {}", request.patient_id));
  if (request.consented_by.empty()) throw InputError("/consented_by", "name the person who consented");
  const ConsentForm form = consent_form_for(kb, request.indication);
  if (request.text_version && *request.text_version != form.version)
    throw records::ConflictError("/text_version",
                                 fmt::format("the consent text changed (now version {}); show it again", form.version));
  records::Consent c;
  c.patient_id = request.patient_id;
  c.consented_by = request.consented_by;
  c.consented_at_ms = request.consented_at_ms;
  c.text_version = form.version;
  c.consent_text = form.text;
  return store.add_consent(by, c);
}

}  // namespace dermaplan::clinic
