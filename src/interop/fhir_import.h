// Reading a patient from FHIR R4 JSON: a Bundle (any type) or a lone Patient. The Patient gives
// name, birth date and sex; Conditions, MedicationStatements, AllergyIntolerances and
// Procedures become the intake's lists, and QuestionnaireResponses written by dermaplan
// (fhir_intake.h) become intake versions. Codes must be dermaplan vocabulary codes (in the
// dermaplan code systems, or matching a code, name or alias in any system or text): anything
// else is reported with its FHIR path, and nothing is returned half-read.
#pragma once

#include "core/civil_date.h"
#include "core/errors.h"
#include "kb/knowledge_base.h"
#include "records/entities.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace dermaplan::interop {

struct SkippedResource {
  std::string path;           //!< "Bundle.entry[3].resource"
  std::string resource_type;
  std::string reason;         //!< why it is not part of the import
};

/// A resource that names what an earlier one (or the latest QuestionnaireResponse) already
/// lists: the same medication, allergy, or condition in an area both cover. Folded into that
/// entry (an intake lists each once), and said.
struct MergedResource {
  std::string path;           //!< "Bundle.entry[3].resource"
  std::string resource_type;
  std::string into;           //!< where the entry it was merged into came from
  std::string reason;         //!< what was the same and how the two were merged
};

/// One thing the import cannot take, with its place in the FHIR document.
struct ImportProblem {
  std::string path;     //!< "Bundle.entry[2].resource.code"
  std::string message;  //!< what is wrong and what is accepted
};

/// The InputError of an import with more than one place to report: where() and message() are
/// the first problem (message() lists them all), problems() has each one.
class FhirImportError : public InputError {
 public:
  FhirImportError(std::string where, std::string message, std::vector<ImportProblem> problems)
      : InputError(std::move(where), std::move(message)), problems_(std::move(problems)) {}
  const std::vector<ImportProblem>& problems() const { return problems_; }

 private:
  std::vector<ImportProblem> problems_;
};

struct ImportedPatient {
  records::Patient patient;                //!< name, birth_date, sex (no id yet)
  std::vector<nlohmann::json> intakes;     //!< intake documents, oldest first; at least one
  std::vector<SkippedResource> skipped;    //!< resources read but not imported (sessions, plans, ...)
  std::vector<MergedResource> merged;      //!< resources folded into an entry already listed
};

/// Reads the document. Every intake is validated as `dermaplan screen` would (as of `as_of`).
/// InputError for anything it cannot take: `where` is the FHIR path of the first problem and
/// the message lists every unknown code with its path; a FhirImportError when the codes and
/// values are what is wrong (one problem or several, each with its path).
ImportedPatient read_fhir_patient(const nlohmann::json& document, const kb::KnowledgeBase& kb, CivilDate as_of);

}  // namespace dermaplan::interop
