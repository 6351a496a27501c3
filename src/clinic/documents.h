// The documents a practice hands out, made from the record: the patient handout and the
// calendar of a stored course plan, and the PDF of a recorded consent (the exact text agreed
// to, never today's form). Each use case reads the record, renders the document and audits
// the export (who, which document of which patient) in the audit log.
#pragma once

#include "core/civil_date.h"
#include "interop/documents.h"
#include "interop/practice.h"
#include "kb/knowledge_base.h"
#include "records/store.h"

#include <string>

namespace dermaplan::clinic {

/// A rendered document, ready to send or write.
struct Document {
  std::string bytes;
  std::string content_type;  //!< "application/pdf", "text/calendar; charset=utf-8"
  std::string file_name;     //!< a suggested name: "handout-plan-12.pdf"
};

struct HandoutRequest {
  long long plan_id = 0;
  interop::HandoutCopy copy = interop::HandoutCopy::patient;
  interop::Paper paper = interop::Paper::a4;
};

/// The handout of a stored plan, with the patient's name and birth date and the practice's
/// details. NotFoundError for an unknown plan or a plan of a deleted patient.
Document plan_handout(records::Store& store, const kb::KnowledgeBase& kb, const interop::Practice& practice,
                      const records::Actor& by, const HandoutRequest& request, CivilDate today);

struct CalendarRequest {
  long long plan_id = 0;
  long long stamp_ms = 0;                //!< DTSTAMP: the export time
  std::string product_version = "dev";   //!< in PRODID
};

/// The iCalendar file of a stored plan; its UIDs derive from the plan id ("plan-12"), so a
/// second export of the same plan updates the entries instead of duplicating them.
/// NotFoundError as plan_handout.
Document plan_calendar(records::Store& store, const interop::Practice& practice, const records::Actor& by,
                       const CalendarRequest& request);

struct ConsentDocumentRequest {
  long long patient_id = 0;
  long long consent_id = 0;
  interop::Paper paper = interop::Paper::a4;
};

/// The consent as recorded, as PDF: the stored text of the version agreed to, who consented
/// and when, who recorded it, and the signature image when one was recorded (else a line to
/// sign on paper). NotFoundError for an unknown patient or a consent not of that patient.
Document consent_document(records::Store& store, const interop::Practice& practice, const records::Actor& by,
                          const ConsentDocumentRequest& request);

}  // namespace dermaplan::clinic
