// A patient's record as FHIR R4 resources (docs/fhir.md has the mapping): Patient,
// QuestionnaireResponse (each intake version), Consent, CarePlan (each course plan: sessions,
// preparation and aftercare as activities), Procedure (each performed or signed session),
// Device (each device and lot used), Observation (outcome scores), AdverseEvent and Media
// (photos, with their SHA-256). Where no standard code exists (microneedling, the outcome
// scales, regions, the intake vocabulary) the codes are in dermaplan CodeSystems (kCodeSystem*).
//
// Resource ids are derived from the record ids, so the same record has the same id in every
// export. Pure functions of their inputs.
#pragma once

#include "kb/knowledge_base.h"
#include "records/entities.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace dermaplan::interop {

// dermaplan's own code systems and identifier systems (URNs: not resolvable; see docs/fhir.md).
inline constexpr const char* kCodeSystemProcedure = "urn:dermaplan:codesystem:procedure";
inline constexpr const char* kCodeSystemRegion = "urn:dermaplan:codesystem:region";
inline constexpr const char* kCodeSystemScale = "urn:dermaplan:codesystem:outcome-scale";
inline constexpr const char* kCodeSystemCondition = "urn:dermaplan:codesystem:condition";
inline constexpr const char* kCodeSystemMedication = "urn:dermaplan:codesystem:medication";
inline constexpr const char* kCodeSystemProcedureHistory = "urn:dermaplan:codesystem:procedure-history";
inline constexpr const char* kCodeSystemAllergy = "urn:dermaplan:codesystem:allergy";
inline constexpr const char* kCodeSystemDevice = "urn:dermaplan:codesystem:device";
inline constexpr const char* kIdentifierPatient = "urn:dermaplan:id:patient";
inline constexpr const char* kIdentifierUser = "urn:dermaplan:id:user";
inline constexpr const char* kIdentifierPhotoSha256 = "urn:dermaplan:id:photo-sha256";
inline constexpr const char* kExtensionNote = "urn:dermaplan:extension:note";

/// What one patient's export reads.
struct RecordForExport {
  records::Patient patient;
  std::vector<records::Intake> intakes;
  std::vector<records::Consent> consents;
  std::vector<records::CoursePlan> plans;
  std::vector<records::TreatmentSession> sessions;
  std::map<long long, std::vector<records::Amendment>> amendments;  //!< by session id
  std::vector<records::AdverseEvent> adverse_events;
  std::vector<records::OutcomeAssessment> outcomes;
  std::vector<records::Photo> photos;
};

/// How references are written: inside a Bundle as "urn:uuid:..." (matching each entry's
/// fullUrl), or "Type/id" between the NDJSON files of a bulk export.
enum class ReferenceStyle { bundle, relative };

struct FhirExportOptions {
  ReferenceStyle references = ReferenceStyle::bundle;
  /// Names for display: users by id (performers, recorders); may be empty.
  std::function<std::string(long long user_id)> user_name;
  /// Region, device, scale and vocabulary names; may be null (codes are exported without them).
  const kb::KnowledgeBase* kb = nullptr;
  /// Where a photo's bytes are found: prefix + sha256 (e.g. "/api/photos/" or "photos/").
  std::string photo_url_prefix = "photos/";
};

/// Every resource of the record, Patient first, each with its id. Deleted patients are
/// exported like any other, with Patient.active false.
std::vector<nlohmann::json> patient_resources(const RecordForExport& record, const FhirExportOptions& options);

/// A Bundle of type collection holding patient_resources(), each entry's fullUrl its
/// "urn:uuid:<id>". `timestamp_ms` is the Bundle's timestamp.
nlohmann::json patient_bundle(const RecordForExport& record, FhirExportOptions options, long long timestamp_ms);

/// The deterministic resource id (a UUID) of record `key` ("patient/12", "session/40", ...).
std::string fhir_resource_id(const std::string& key);

/// "2026-11-22T10:00:00.000Z".
std::string fhir_instant(long long epoch_ms);

}  // namespace dermaplan::interop
