// Demo data: synthetic but plausible patients for a new user to look around in and for the
// scale benchmarks. Every patient is marked demo (records::Patient::demo, a " (demo)" name
// suffix and a note), and demo data is refused on a database that holds any other patient.
//
// What each patient gets, deterministic for a seed: an intake (screened as on its visit day), a
// course plan for a random indication from the knowledge base, a consent to it recorded through
// record_consent (every statement and risk acknowledged, a photo-use choice, a drawn SVG line as
// the signature), up to three signed sessions on the plan's dates that have passed (their
// devices and needle lengths from the plan), outcome scores on the knowledge base's scales,
// now and then a mild adverse event, and before/after photos (small generated images).
//
// The sessions are written to the store directly, as a migration would: they have NO
// treatment-gate passage (the gate is for a practitioner's real step; synthetic sessions are
// not one). Everything is audited as the actor given, in batches of one transaction each.
#pragma once

#include "core/civil_date.h"
#include "kb/knowledge_base.h"
#include "records/store.h"

#include <cstdint>
#include <functional>

namespace dermaplan::clinic {

struct DemoDataRequest {
  long long patients = 100;   //!< how many to add (1..10,000,000)
  std::uint64_t seed = 1;     //!< the same seed gives the same patients
  int batch = 500;            //!< patients per transaction
};

struct DemoDataResult {
  long long patients = 0, intakes = 0, plans = 0, consents = 0, sessions = 0, outcomes = 0,
            adverse_events = 0, photos = 0;
};

/// The suffix every demo patient's name carries, and the first words of its notes.
extern const char* const kDemoNameSuffix;
extern const char* const kDemoNotePrefix;

/// Adds demo patients. ClinicError refused ("demo_data_refused") when the database holds a
/// patient not marked demo; InputError "--patients" outside 1..10,000,000. `progress` (may be
/// empty) is called after each batch with the patients written so far.
DemoDataResult add_demo_data(records::Store& store, const kb::KnowledgeBase& kb, const records::Actor& by,
                             const DemoDataRequest& request, CivilDate today,
                             const std::function<void(long long)>& progress = {});

}  // namespace dermaplan::clinic
