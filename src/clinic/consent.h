// The consent form for a treatment and the record of a patient's consent to it.
//
// The form lists the knowledge base's consent statements and every risk, each with its
// sources, under a version that names the consent template, the knowledge base and a digest
// of the text: any change to a statement or a risk gives a new version. A consent on record
// is current for an indication while its stored text is the form's text today.
#pragma once

#include "kb/knowledge_base.h"
#include "records/store.h"

#include <optional>
#include <string>
#include <vector>

namespace dermaplan::clinic {

struct ConsentStatement {
  std::string id;
  std::string text;
  kb::SourceIds sources;
};

struct ConsentForm {
  std::string version;                     //!< "<template>/<knowledge version>/<text digest>"
  std::string title;
  std::string text;                        //!< the whole form as plain text, as stored
  const kb::Indication* indication = nullptr;  //!< null: the general form
  std::vector<ConsentStatement> items;
  std::vector<ConsentStatement> risks;
};

/// The form for an indication (null: the general form).
ConsentForm consent_form(const kb::KnowledgeBase& kb, const kb::Indication* indication);

/// The form for an indication id; empty id: the general form. InputError at `where` for an
/// unknown id.
ConsentForm consent_form_for(const kb::KnowledgeBase& kb, const std::string& indication_id,
                             const std::string& where = "/indication");

/// Whether a consent on record is still the form the patient would be shown today for
/// `indication_id` (its text unchanged).
bool consent_is_current(const kb::KnowledgeBase& kb, const records::Consent& consent, const std::string& indication_id);

/// A signature drawn on screen, as sent: an SVG drawing or a PNG image.
struct SignatureImage {
  std::string content_type;  //!< "image/svg+xml" or "image/png"
  std::string bytes;
};

/// The largest signature image accepted.
constexpr std::size_t kMaxSignatureBytes = 1024 * 1024;

/// Checks a signature image: a PNG by its signature bytes, an SVG as a drawing only (no script,
/// event handlers, links, external references, embedded documents or entities). InputError at
/// `where` naming what is not accepted.
void check_signature_image(const SignatureImage& image, const std::string& where = "/signature");

struct ConsentRequest {
  long long patient_id = 0;
  std::string consented_by;                //!< the patient or a guardian, by name
  long long consented_at_ms = 0;
  std::optional<std::string> text_version; //!< the version shown; stale: ConflictError
  std::string indication;                  //!< empty: the general form
  std::vector<std::string> acknowledged;   //!< the id of every statement and risk of the form
  std::optional<records::PhotoUse> photo_use;
  std::optional<SignatureImage> signature;
};

/// Records the consent with the exact text of the form, the acknowledgements, the photo-use
/// choice and the signature (stored like a photo, by hash). NotFoundError for an unknown patient;
/// ConflictError "/text_version" when the form changed since it was shown; InputError
/// "/acknowledged" naming every statement or risk not acknowledged, "/photo_use" and
/// "/signature" when missing or not accepted.
records::Consent record_consent(records::Store& store, const kb::KnowledgeBase& kb, const records::Actor& by,
                                const ConsentRequest& request);

}  // namespace dermaplan::clinic
