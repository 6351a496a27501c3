// The patient documents as PDF (cairo + pango; A4 or Letter; fonts embedded with Unicode maps;
// the title in the document metadata; no PDF/A claim): the handout of a course plan and the
// record of a signed consent. Pure functions of their inputs.
#pragma once

#include "core/civil_date.h"
#include "interop/pdf_layout.h"
#include "interop/plan_document.h"
#include "interop/practice.h"
#include "records/entities.h"

#include <optional>
#include <string>
#include <vector>

namespace dermaplan::interop {

enum class HandoutCopy {
  patient,       //!< plain language only
  practitioner,  //!< adds device, needle lengths, plan warnings and the decision-support sentence
};

/// The decision-support notice in plain words for the patient, on every handout (the
/// practitioner's copy adds the practitioner's sentence). It makes no clinical claim.
extern const char* const kPatientDecisionSupportNotice;

struct DocumentOptions {
  Paper paper = Paper::a4;
  std::string created;  //!< ISO 8601 UTC creation time for the metadata; empty: cairo's clock
};

struct HandoutInput {
  PlanDocument plan;
  Practice practice;
  std::string patient_name;               //!< empty: no name line (a plan made from a file)
  std::optional<CivilDate> patient_birth_date;
  CivilDate prepared_on;
  std::vector<std::string> risks;         //!< the risks the patient was told of (knowledge base)
  HandoutCopy copy = HandoutCopy::patient;
};

/// The handout: practice and patient, the dated sessions, the preparation checklist with due
/// dates, the aftercare timeline after each session day by day, the assessment date, warning
/// signs and when to call; on the practitioner's copy also the clinical detail.
std::string handout_pdf(const HandoutInput& input, const DocumentOptions& options = {});

struct ConsentDocument {
  Practice practice;
  std::string patient_name;
  std::optional<CivilDate> patient_birth_date;
  std::string text_version;               //!< the version the patient agreed to
  std::string consent_text;               //!< the text exactly as shown then (as stored)
  std::string consented_by;
  long long consented_at_ms = 0;
  std::string recorded_by;                //!< the user who recorded it, by name
  long long recorded_at_ms = 0;
  int acknowledged = 0;                   //!< statements and risks acknowledged one by one; 0: not recorded
  std::optional<records::PhotoUse> photo_use;  //!< what photos may be used for, when recorded
  std::string signature_image;            //!< the signature image's bytes; empty: none recorded
  std::string signature_content_type;     //!< "image/png" or "image/svg+xml"
};

/// The consent as recorded: the stored text of the version agreed to (never today's form),
/// who consented and when, who recorded it, and the signature image when there is one
/// (otherwise a line to sign on paper).
std::string consent_pdf(const ConsentDocument& consent, const DocumentOptions& options = {});

/// "Wed 30 Dec 2026": how the documents write a date for patients.
std::string patient_date(CivilDate day);
/// "2026-11-22 10:30 UTC".
std::string utc_minute(long long epoch_ms);

}  // namespace dermaplan::interop
