#include "clinic/documents.h"

#include "clinic/patient_care.h"
#include "core/json_text.h"
#include "interop/icalendar.h"
#include "interop/plan_document.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace dermaplan::clinic {

namespace {

struct StoredPlan {
  records::CoursePlan row;
  records::Patient patient;
  interop::PlanDocument document;
};

StoredPlan stored_plan(records::Store& store, long long plan_id) {
  auto row = store.find_course_plan(plan_id);
  if (!row) throw records::NotFoundError("", fmt::format("no course plan with id {}", plan_id));
  auto patient = store.find_patient(row->patient_id);
  if (!patient) throw records::NotFoundError("", fmt::format("no course plan with id {}", plan_id));
  // The stored JSON is the plan contract the store was given; reading it cannot fail unless the
  // row was damaged, which is then an internal error, not the caller's.
  const auto json = parse_json_text(row->plan_json, 16 << 20, "plan_json");
  StoredPlan out{std::move(*row), std::move(*patient), {}};
  out.document = interop::parse_plan_document(json, "plan_json");
  return out;
}

void audit_export(records::Store& store, const records::Actor& by, long long patient_id, nlohmann::json detail) {
  store.append_audit(by, records::AuditAction::export_data, "patient", patient_id, detail.dump());
}

std::string location_of(const interop::Practice& practice) {
  std::string location = practice.name;
  for (const auto& line : practice.address) location += ", " + line;
  return location;
}

}  // namespace

Document plan_handout(records::Store& store, const kb::KnowledgeBase& kb, const interop::Practice& practice,
                      const records::Actor& by, const HandoutRequest& request, CivilDate today) {
  StoredPlan plan = stored_plan(store, request.plan_id);
  interop::HandoutInput input;
  input.plan = std::move(plan.document);
  input.practice = practice;
  input.patient_name = plan.patient.name;
  if (!plan.patient.birth_date.empty()) input.patient_birth_date = parse_civil_date(plan.patient.birth_date);
  input.prepared_on = today;
  for (const auto& risk : kb.risks) input.risks.push_back(risk.text);
  input.copy = request.copy;
  interop::DocumentOptions options;
  options.paper = request.paper;
  const char* copy = request.copy == interop::HandoutCopy::practitioner ? "practitioner" : "patient";
  // The two copies of a plan's handout are different documents: different names, so a download
  // of one does not overwrite (or get mistaken for) the other.
  Document out{interop::handout_pdf(input, options), "application/pdf",
               request.copy == interop::HandoutCopy::practitioner
                   ? fmt::format("handout-plan-{}-{}.pdf", request.plan_id, copy)
                   : fmt::format("handout-plan-{}.pdf", request.plan_id)};
  audit_export(store, by, plan.patient.id,
               {{"document", "handout"}, {"format", "pdf"}, {"plan_id", request.plan_id}, {"copy", copy}});
  return out;
}

Document plan_calendar(records::Store& store, const interop::Practice& practice, const records::Actor& by,
                       const CalendarRequest& request) {
  StoredPlan plan = stored_plan(store, request.plan_id);
  interop::CalendarOptions options;
  options.series = fmt::format("plan-{}", request.plan_id);
  options.stamp_ms = request.stamp_ms;
  options.product_version = request.product_version;
  options.location = location_of(practice);
  Document out{interop::plan_calendar(plan.document, options), "text/calendar; charset=utf-8",
               fmt::format("plan-{}.ics", request.plan_id)};
  audit_export(store, by, plan.patient.id, {{"document", "calendar"}, {"format", "ics"}, {"plan_id", request.plan_id}});
  return out;
}

Document consent_document(records::Store& store, const interop::Practice& practice, const records::Actor& by,
                          const ConsentDocumentRequest& request) {
  const records::Patient patient = existing_patient(store, request.patient_id);
  std::optional<records::Consent> consent;
  for (auto& c : store.list_consents(patient.id))
    if (c.id == request.consent_id) consent = std::move(c);
  if (!consent)
    throw records::NotFoundError("", fmt::format("no consent {} for patient {}", request.consent_id, patient.id));
  interop::ConsentDocument doc;
  doc.practice = practice;
  doc.patient_name = patient.name;
  if (!patient.birth_date.empty()) doc.patient_birth_date = parse_civil_date(patient.birth_date);
  doc.text_version = consent->text_version;
  doc.consent_text = consent->consent_text;
  doc.consented_by = consent->consented_by;
  doc.consented_at_ms = consent->consented_at_ms;
  if (const auto user = store.find_user(consent->recorded_by))
    doc.recorded_by = user->display_name.empty() ? user->username : user->display_name;
  doc.recorded_at_ms = consent->recorded_at_ms;
  doc.acknowledged = static_cast<int>(consent->acknowledged.size());
  doc.photo_use = consent->photo_use;
  if (!consent->signature_sha256.empty()) {
    doc.signature_image = store.read_photo(consent->signature_sha256);
    doc.signature_content_type = consent->signature_content_type;
  }
  interop::DocumentOptions options;
  options.paper = request.paper;
  Document out{interop::consent_pdf(doc, options), "application/pdf",
               fmt::format("consent-{}-patient-{}.pdf", consent->id, patient.id)};
  audit_export(store, by, patient.id,
               {{"document", "consent"}, {"format", "pdf"}, {"consent_id", consent->id},
                {"text_version", consent->text_version}});
  return out;
}

}  // namespace dermaplan::clinic
