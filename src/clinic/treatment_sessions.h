// Treatment sessions and the treatment gate.
//
// Before a session is marked performed or signed, the gate checks the patient's record on the
// session's date: an intake taken by then, the latest screened on that date (contraindicated or
// deferred: refused; cautions: each acknowledged), a consent given by then whose text is today's
// form for the plan's indication,
// a plan, a device with a lot number when it is single-use, and a needle length per treated
// region within what the plan and the device allow. A practitioner (or admin) may override
// refusals with a written reason; the passage, overridden or not, is stored with the session
// and audited. The software supports the practitioner's decision; it does not replace it.
#pragma once

#include "core/civil_date.h"
#include "kb/knowledge_base.h"
#include "records/store.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace dermaplan::clinic {

/// One gate condition that is not met. `condition` is stable (see kGateConditions).
struct GateCondition {
  std::string condition;  //!< e.g. "consent_missing"
  std::string message;    //!< what is wrong and what would satisfy it
  std::string where;      //!< the request field it concerns ("/lot_number"), or ""
};

/// A screening caution the practitioner must acknowledge.
struct GateCaution {
  std::string id;       //!< the finding id
  std::string message;
};

/// Every condition the gate can report, in the order it checks them.
extern const std::vector<std::string> kGateConditions;

/// What the practitioner confirms when a session passes the gate.
struct GateConfirmation {
  std::vector<std::string> acknowledged_cautions;  //!< finding ids
  std::string override_reason;                     //!< "" = no override
};

/// The shortest written reason accepted (characters a reader sees: spaces and invisible
/// characters not counted), for an override of the gate and for an amendment alike: one that
/// says why, not a keystroke to get past a check ("x" is refused, 400 at /override_reason).
inline constexpr std::size_t kMinReasonCharacters = 10;

/// A written reason a later reader can follow (an override of the gate, an amendment): at least
/// kMinReasonCharacters visible characters, letters or digits (of any script) among them, so
/// that "........." or three zero-width spaces are no reason. InputError at `where` otherwise;
/// `what` opens the message ("an override must say why the unmet conditions are set aside").
void check_written_reason(std::string_view reason, const std::string& where, std::string_view what);

/// The gate's answer for a session as it stands (or as it would be stored).
struct GateReport {
  bool allowed = false;                   //!< no unmet condition
  std::vector<GateCondition> unmet;
  std::vector<GateCaution> cautions;      //!< every caution on the session's date
  std::vector<std::string> warnings;      //!< allowed, but worth saying (a shorter needle, ...)
  std::string screening_decision;         //!< eligible | caution | defer | contraindicated | none
  std::optional<CivilDate> deferred_until;
  long long plan_id = 0;                  //!< the plan checked against (0: none)
  std::string indication;                 //!< the plan's indication
  nlohmann::json recap;                   //!< what a signature confirms: patient, date, device, lot, lengths
};

/// Checks `session` (its patient, date, plan, device, lot and lengths) against the record.
/// Pure apart from reading the store.
GateReport evaluate_gate(records::Store& store, const kb::KnowledgeBase& kb, const records::TreatmentSession& session,
                         const GateConfirmation& confirmation = {});

/// The gate for a stored session, counting the cautions its passages acknowledged (what the
/// sign dialog shows). NotFoundError for an unknown session.
GateReport evaluate_stored_gate(records::Store& store, const kb::KnowledgeBase& kb, long long session_id);

/// Whether a user of this role may override the gate (practitioners and admins).
bool may_override_gate(records::Role role);

/// The user recorded as a session's practitioner exists, is not disabled and may treat (a
/// practitioner or an admin); InputError at `where` otherwise.
void check_practitioner(records::Store& store, long long user_id, const std::string& where);

/// Creates a session. A session created as performed passes the gate first. ClinicError
/// refused ("gate", details {"unmet", "cautions"}) when a condition is unmet and not overridden;
/// forbidden when an assistant tries to override.
records::TreatmentSession create_session(records::Store& store, const kb::KnowledgeBase& kb, const records::User& by,
                                         records::TreatmentSession session, const GateConfirmation& confirmation);

/// Replaces a session's fields (session.id and row_version set). Passing planned -> performed
/// goes through the gate, and so does an edit of a performed session that changes what the
/// gate checked (date, plan, device, lot, needle lengths); its earlier acknowledgements and an
/// override of the same conditions still hold. The plan may be changed (0 or one of the
/// patient's plans, else InputError at /plan_id). A performed session is never set back to
/// planned (ClinicError conflict "performed" at /status): the treatment happened.
records::TreatmentSession update_session(records::Store& store, const kb::KnowledgeBase& kb, const records::User& by,
                                         records::TreatmentSession session, const GateConfirmation& confirmation);

/// Signs a performed session after the gate. An override or acknowledgement given when the
/// session was marked performed still holds for the same conditions; anything new needs its own.
/// When nobody was recorded as the practitioner, the signer is (an audited update first).
records::TreatmentSession sign_session(records::Store& store, const kb::KnowledgeBase& kb, const records::User& by,
                                       long long session_id, long long row_version,
                                       const GateConfirmation& confirmation);

/// The gate report as JSON ({allowed, unmet, cautions, warnings, screening_decision,
/// deferred_until, plan_id, indication, recap}).
nlohmann::json to_json(const GateReport& report);
nlohmann::json to_json(const GateCondition& condition);

}  // namespace dermaplan::clinic
