#include "clinic/demo_data.h"

#include "clinic/consent.h"
#include "clinic/failure.h"
#include "clinic/patient_care.h"
#include "core/errors.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <random>

namespace dermaplan::clinic {

const char* const kDemoNameSuffix = " (demo)";
const char* const kDemoNotePrefix = "Demo data:";

namespace {

constexpr std::array kFirstNames{"Anna",  "Maria",  "Lena",   "Sofia", "Emma",   "Julia",  "Laura",  "Sarah",
                                 "Clara", "Nora",   "Ida",    "Zoë",   "Chloé",  "Inès",   "Ayşe",   "Olga",
                                 "Mia",   "Hannah", "Leonie", "Amélie", "Jonas", "Lukas",  "Felix",  "Paul",
                                 "Elias", "Noah",   "David",  "Tomás", "Björn",  "Mehmet", "Ivan",   "Kenji"};
constexpr std::array kLastNames{"Berger",  "Müller",   "Schmidt", "Fischer", "Weber",   "Wagner",  "Becker",
                                "Hoffmann", "Schäfer", "Koch",    "Richter", "Klein",   "Wolf",    "Neumann",
                                "Schwarz", "Zimmermann", "Braun", "Krüger",  "Hartmann", "Lange",  "Werner",
                                "Lefèvre", "García",   "Novák",   "Yılmaz",  "Ivanova", "Rossi",   "Nakamura",
                                "O'Brien", "Dubois",   "Lindqvist", "Kowalska"};

// Small generated photos (48x48 PNG, four skin tones, with and without a marked spot): enough
// to look at, and few enough distinct files that 100,000 patients share them.
const std::array<std::string, 8>& demo_images() {
  static const std::array<std::string, 8> images{
    std::string("\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x30\x00\x00\x00\x30\x08\x02\x00\x00\x00\xd8\x60\x6e\xd0\x00\x00\x00\x64\x49\x44\x41\x54\x78\xda\xed\xd6\x41\x0d\xc0\x30\x0c\x03\xc0\xe0\x2c\xc1\xf1\xd8\xab\x74\xc6\x60\x08\xba\x47\xaa\x68\xa9\x74\x92\x01\xdc\xcb\x76\x3c\xf7\xd5\x2a\x01\x04\x04\x04\x04\x04\x04\x04\x74\x10\x68\x8e\xb1\xca\x0f\xa0\x0f\xcd\x8e\x29\x8a\x34\x69\x53\xd4\x69\x72\xa6\x28\xd5\x24\x4c\x40\x40\x40\x40\xc7\x81\xda\x35\x75\xc7\x2d\xeb\xb8\xf6\x1d\xff\x90\x0b\x0b\x04\x04\x04\x04\x04\x04\x94\xca\x0b\x1b\xf3\x53\x3f\x52\x45\xc0\x2e\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82", 157),
    std::string("\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x30\x00\x00\x00\x30\x08\x02\x00\x00\x00\xd8\x60\x6e\xd0\x00\x00\x00\x66\x49\x44\x41\x54\x78\xda\xed\xd6\xb1\x0d\x80\x30\x0c\x04\x40\xef\xbf\x08\x35\x2b\x50\x67\x19\x6a\x9a\x4c\x40\x0a\x23\x0b\x47\x3a\xe9\x07\xb8\xea\xff\xe3\xbe\x8e\x56\x09\x20\x20\x20\x20\x20\x20\x20\xa0\x8d\x40\xcf\x38\xdf\xf2\x03\x68\xa1\xf9\x62\x8a\x22\x4d\xda\x14\x75\x9a\x9c\x29\x4a\x35\x09\x13\x10\x10\x10\xd0\x76\xa0\x76\x4d\xdd\x71\xcb\x3a\xae\x7d\xc7\x3f\xe4\xc2\x02\x01\x01\x01\x01\x01\x01\xa5\x32\x01\xd2\x8a\x48\x6a\x10\xb2\xfa\x09\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82", 159),
    std::string("\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x30\x00\x00\x00\x30\x08\x02\x00\x00\x00\xd8\x60\x6e\xd0\x00\x00\x00\x64\x49\x44\x41\x54\x78\xda\xed\xd6\x41\x0d\xc0\x30\x0c\x03\xc0\xe0\x2c\xa4\x61\x19\x90\xc2\x18\x94\x21\xe8\x1e\xa9\xa2\xa5\xd2\x49\x06\x70\x2f\xdb\xf1\xdc\x57\xab\x04\x10\x10\x10\x10\x10\x10\x10\xd0\x41\xa0\x39\xc6\x2a\x3f\x80\x3e\x34\x3b\xa6\x28\xd2\xa4\x4d\x51\xa7\xc9\x99\xa2\x54\x93\x30\x01\x01\x01\x01\x1d\x07\x6a\xd7\xd4\x1d\xb7\xac\xe3\xda\x77\xfc\x43\x2e\x2c\x10\x10\x10\x10\x10\x10\x50\x2a\x2f\x63\x40\x31\x45\x81\x20\xa8\x1d\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82", 157),
    std::string("\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x30\x00\x00\x00\x30\x08\x02\x00\x00\x00\xd8\x60\x6e\xd0\x00\x00\x00\x65\x49\x44\x41\x54\x78\xda\xed\xd6\xb1\x0d\x80\x30\x0c\x04\x40\xcf\x4f\xcd\x18\xd4\x99\x87\x9a\x29\x32\x01\x29\x8c\x2c\x1c\xe9\xa4\x1f\xe0\xaa\xff\x8f\xfb\x3a\x5a\x25\x80\x80\x80\x80\x80\x80\x80\x80\x36\x02\x3d\xe3\x7c\xcb\x0f\xa0\x85\xe6\x8b\x29\x8a\x34\x69\x53\xd4\x69\x72\xa6\x28\xd5\x24\x4c\x40\x40\x40\x40\xdb\x81\xda\x35\x75\xc7\x2d\xeb\xb8\xf6\x1d\xff\x90\x0b\x0b\x04\x04\x04\x04\x04\x04\x94\xca\x04\xf6\xfb\xe4\x3d\x12\x63\x89\xb3\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82", 158),
    std::string("\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x30\x00\x00\x00\x30\x08\x02\x00\x00\x00\xd8\x60\x6e\xd0\x00\x00\x00\x63\x49\x44\x41\x54\x78\xda\xed\xd6\x41\x0d\xc0\x30\x0c\x03\xc0\xe0\x2c\x81\x31\x19\xb4\x6a\xb0\x86\xa0\x7b\xa4\x8a\x96\x4a\x27\x19\xc0\xbd\x6c\xc7\xbc\xaf\x56\x09\x20\x20\x20\x20\x20\x20\x20\xa0\x83\x40\xcf\x18\xab\xfc\x00\xfa\xd0\xec\x98\xa2\x48\x93\x36\x45\x9d\x26\x67\x8a\x52\x4d\xc2\x04\x04\x04\x04\x74\x1c\xa8\x5d\x53\x77\xdc\xb2\x8e\x6b\xdf\xf1\x0f\xb9\xb0\x40\x40\x40\x40\x40\x40\x40\xa9\xbc\x4e\x9a\x16\x63\xef\x3b\x70\xd7\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82", 156),
    std::string("\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x30\x00\x00\x00\x30\x08\x02\x00\x00\x00\xd8\x60\x6e\xd0\x00\x00\x00\x65\x49\x44\x41\x54\x78\xda\xed\xd6\xb1\x0d\x80\x30\x0c\x04\x40\x6f\x4b\xcd\x12\xd4\x99\x8a\x9a\x91\x32\x01\x29\x8c\x2c\x1c\xe9\xa4\x1f\xe0\xaa\xff\x8f\xfb\x3a\x5a\x25\x80\x80\x80\x80\x80\x80\x80\x80\x36\x02\x3d\xe3\x7c\xcb\x0f\xa0\x85\xe6\x8b\x29\x8a\x34\x69\x53\xd4\x69\x72\xa6\x28\xd5\x24\x4c\x40\x40\x40\x40\xdb\x81\xda\x35\x75\xc7\x2d\xeb\xb8\xf6\x1d\xff\x90\x0b\x0b\x04\x04\x04\x04\x04\x04\x94\xca\x04\x7a\x2d\x69\x10\x7f\x29\xdd\x4b\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82", 158),
    std::string("\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x30\x00\x00\x00\x30\x08\x02\x00\x00\x00\xd8\x60\x6e\xd0\x00\x00\x00\x64\x49\x44\x41\x54\x78\xda\xed\xd6\x41\x0d\xc0\x30\x0c\x03\xc0\xa0\x2a\x93\x7d\xca\xa9\xbc\x06\x6b\x08\xba\x47\xa6\x68\xa9\x74\x92\x01\xdc\xcb\x76\xac\x6b\xb4\x4a\x00\x01\x01\x01\x01\x01\x01\x01\x1d\x04\xba\xe7\xdc\xe5\x07\xd0\x8b\xe6\x8b\x29\x8a\x34\x69\x53\xd4\x69\x72\xa6\x28\xd5\x24\x4c\x40\x40\x40\x40\xc7\x81\xda\x35\x75\xc7\x2d\xeb\xb8\xf6\x1d\xff\x90\x0b\x0b\x04\x04\x04\x04\x04\x04\x94\xca\x03\xba\xee\x39\xdb\x4e\x57\x02\x50\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82", 157),
    std::string("\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x30\x00\x00\x00\x30\x08\x02\x00\x00\x00\xd8\x60\x6e\xd0\x00\x00\x00\x65\x49\x44\x41\x54\x78\xda\xed\xd6\xb1\x0d\x80\x30\x0c\x04\x40\x4f\x45\xcd\x12\xd4\x99\x88\x9a\x75\x33\x01\x29\x8c\x2c\x1c\xe9\xa4\x1f\xe0\xaa\xff\x8f\xfb\x3a\x5a\x25\x80\x80\x80\x80\x80\x80\x80\x80\x36\x02\x3d\xe3\x7c\xcb\x0f\xa0\x85\xe6\x8b\x29\x8a\x34\x69\x53\xd4\x69\x72\xa6\x28\xd5\x24\x4c\x40\x40\x40\x40\xdb\x81\xda\x35\x75\xc7\x2d\xeb\xb8\xf6\x1d\xff\x90\x0b\x0b\x04\x04\x04\x04\x04\x04\x94\xca\x04\x92\xc5\xf5\xb6\x60\xc9\xf2\xf5\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82", 158)};
  return images;
}

/// An on-screen signature: one stroke, drawn a little differently per variant.
std::string signature_svg(int variant) {
  return fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 300 80\" width=\"300\" height=\"80\">"
      "<path d=\"M 10 {} C 80 {}, 150 {}, 290 {}\" stroke=\"#111\" stroke-width=\"2\" fill=\"none\"/></svg>",
      50 + variant, 20 + 3 * variant, 70 - 2 * variant, 35 + variant);
}

template <class Rng>
long pick(Rng& rng, long lo, long hi) {  // inclusive
  return std::uniform_int_distribution<long>(lo, hi)(rng);
}

}  // namespace

DemoDataResult add_demo_data(records::Store& store, const kb::KnowledgeBase& kb, const records::Actor& by,
                             const DemoDataRequest& request, CivilDate today,
                             const std::function<void(long long)>& progress) {
  if (request.patients < 1 || request.patients > 10'000'000)
    throw InputError("--patients", fmt::format("must be 1..10000000, got {}", request.patients));
  if (request.batch < 1) throw InputError("--batch", "must be at least 1");
  const auto counts = store.count_patients();
  if (counts.real() > 0)
    throw ClinicError(FailureKind::refused, "demo_data_refused",
                      fmt::format("the database holds {} patient(s) not marked as demo data; demo data is only "
                                  "added to an empty database or one that holds demo data only",
                                  counts.real()));
  std::vector<const kb::Indication*> indications;
  for (const auto& i : kb.indications) indications.push_back(&i);
  std::vector<const kb::Scale*> scales;
  for (const auto& s : kb.scales)
    if (s.lower_is_better && s.max > s.min) scales.push_back(&s);
  if (indications.empty()) throw InputError("--knowledge", "the knowledge base has no indications");

  DemoDataResult out;
  const long long first = counts.demo;  // names and seeds continue after earlier demo patients
  for (long long done = 0; done < request.patients;) {
    const long long in_batch = std::min<long long>(request.batch, request.patients - done);
    DemoDataResult batch;
    store.in_one_transaction([&] {
      batch = {};
      for (long long k = 0; k < in_batch; ++k) {
        const long long index = first + done + k;
        std::mt19937_64 rng(request.seed * 0x9E3779B97F4A7C15ull + static_cast<std::uint64_t>(index));
        records::Patient p;
        const bool female = pick(rng, 0, 9) < 7;
        p.name = fmt::format("{} {}{}", kFirstNames[pick(rng, female ? 0 : 20, female ? 19 : 31)],
                             kLastNames[pick(rng, 0, kLastNames.size() - 1)], kDemoNameSuffix);
        const CivilDate born = add_days(CivilDate{date::year{1950}, date::month{1}, date::day{1}}, pick(rng, 0, 54 * 365));
        p.birth_date = format_civil_date(born);
        p.sex = female ? "female" : "male";
        p.notes = fmt::format("{} a synthetic patient made by dermaplan demo-data (seed {}); not a real person.",
                              kDemoNotePrefix, request.seed);
        p.demo = true;
        p = store.create_patient(by, p);
        ++batch.patients;

        const CivilDate visit = add_days(today, -pick(rng, 14, 700));
        IntakeRequest intake;
        intake.patient_id = p.id;
        intake.date = visit;
        intake.intake = {{"birth_date", p.birth_date},
                         {"sex", p.sex},
                         {"fitzpatrick", pick(rng, 1, 6)},
                         {"pregnant", false},
                         {"breastfeeding", false},
                         {"skin", {{"sensitive", pick(rng, 0, 5) == 0}, {"dry", pick(rng, 0, 4) == 0}}},
                         {"conditions", nlohmann::json::array()},
                         {"medications", nlohmann::json::array()},
                         {"procedures", nlohmann::json::array()},
                         {"allergies", nlohmann::json::array()}};
        record_intake(store, kb, by, intake, today);
        ++batch.intakes;

        PatientPlanRequest plan;
        plan.patient_id = p.id;
        plan.date = visit;
        plan.plan.indication = indications[pick(rng, 0, indications.size() - 1)]->id;
        plan.plan.start = add_days(visit, pick(rng, 0, 14));
        const auto planned = plan_for_patient(store, kb, by, plan, today);
        ++batch.plans;

        ConsentRequest consent;
        consent.patient_id = p.id;
        consent.consented_by = p.name;
        consent.consented_at_ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(date::sys_days(visit).time_since_epoch()).count() +
            pick(rng, 8, 17) * 3'600'000LL;
        consent.indication = plan.plan.indication;
        const ConsentForm form = consent_form_for(kb, consent.indication);
        for (const auto* list : {&form.items, &form.risks})
          for (const auto& statement : *list) consent.acknowledged.push_back(statement.id);
        constexpr std::array kUses{records::PhotoUse::record_only, records::PhotoUse::teaching,
                                   records::PhotoUse::marketing};
        consent.photo_use = kUses[pick(rng, 0, 2)];
        consent.signature = SignatureImage{"image/svg+xml", signature_svg(static_cast<int>(pick(rng, 0, 7)))};
        record_consent(store, kb, by, consent);
        ++batch.consents;

        const auto& images = demo_images();
        records::Photo before;
        before.patient_id = p.id;
        before.content_type = "image/png";
        before.region = planned.plan.areas.empty() ? "" : planned.plan.areas.front().region->id;
        before.view = "frontal";
        before.tag = records::PhotoTag::before;
        before.taken_on = format_civil_date(visit);
        const int tone = static_cast<int>(pick(rng, 0, 3));
        store.add_photo(by, before, images[2 * tone]);
        ++batch.photos;

        long long last_session = 0;
        std::string last_date;
        const int sessions = static_cast<int>(std::min<std::size_t>(planned.plan.sessions.size(), pick(rng, 1, 3)));
        for (int n = 0; n < sessions && planned.plan.treatable; ++n) {
          const CivilDate day = planned.plan.sessions[n].date;
          if (day >= today) break;
          records::TreatmentSession s;
          s.patient_id = p.id;
          s.plan_id = planned.row.id;
          s.session_date = format_civil_date(day);
          s.practitioner_id = by.user_id;
          s.device_id = planned.plan.device ? planned.plan.device->id : "";
          for (const auto& area : planned.plan.areas)
            s.needle_lengths.push_back({area.region->id, area.planned_length_mm});
          s.lot_number = fmt::format("DEMO-{:05d}", pick(rng, 0, 99999));
          s.passes = static_cast<int>(pick(rng, 3, 5));
          s.directions = "horizontal, vertical, diagonal";
          s.anaesthetic = planned.plan.anaesthesia.needed ? "topical anaesthetic cream" : "";
          s.anaesthetic_minutes = planned.plan.anaesthesia.needed ? static_cast<int>(pick(rng, 30, 45)) : 0;
          s.end_point = "erythema";
          s.notes = "Demo session (synthetic): no treatment-gate passage recorded.";
          s.status = records::SessionStatus::performed;
          s = store.create_session(by, s);
          s = store.sign_session(by, s.id, s.row_version);
          ++batch.sessions;
          last_session = s.id;
          last_date = s.session_date;
          if (!scales.empty()) {
            const kb::Scale& scale = *scales[pick(rng, 0, scales.size() - 1)];
            records::OutcomeAssessment o;
            o.patient_id = p.id;
            o.session_id = s.id;
            o.scale_id = scale.id;
            o.score = std::round(std::uniform_real_distribution<double>(scale.min, scale.max)(rng));
            o.region = s.needle_lengths.empty() ? "" : s.needle_lengths.front().region;
            o.assessor_id = by.user_id;
            o.assessed_on = s.session_date;
            o.notes = "Demo score (synthetic).";
            store.add_outcome(by, o);
            ++batch.outcomes;
          }
        }
        if (last_session != 0) {
          records::Photo after = before;
          after.session_id = last_session;
          after.tag = records::PhotoTag::after;
          after.taken_on = last_date;
          store.add_photo(by, after, images[2 * tone + 1]);
          ++batch.photos;
          if (pick(rng, 0, 9) == 0) {
            records::AdverseEvent e;
            e.patient_id = p.id;
            e.session_id = last_session;
            e.event_type = "erythema";
            e.severity = records::Severity::mild;
            e.onset_date = last_date;
            const CivilDate resolved = add_days(*parse_civil_date(last_date), pick(rng, 1, 4));
            if (resolved < today) {
              e.resolution_date = format_civil_date(resolved);
              e.resolution = "resolved without treatment";
            }
            e.notes = "Demo event (synthetic).";
            e.recorded_by = by.user_id;
            store.add_adverse_event(by, e);
            ++batch.adverse_events;
          }
        }
      }
    });
    out.patients += batch.patients;
    out.intakes += batch.intakes;
    out.plans += batch.plans;
    out.consents += batch.consents;
    out.sessions += batch.sessions;
    out.outcomes += batch.outcomes;
    out.adverse_events += batch.adverse_events;
    out.photos += batch.photos;
    done += in_batch;
    if (progress) progress(done);
  }
  store.refresh_planner_statistics();
  return out;
}

}  // namespace dermaplan::clinic
