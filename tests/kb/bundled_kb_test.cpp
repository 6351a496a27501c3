// The bundled knowledge base: it loads, it holds what the brief requires, and every seed
// statement listed in shared/PRODUCT.md is encoded with its seed as a source.
#include "kb/kb_json.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <regex>
#include <set>

namespace dermaplan::kb {
namespace {

using testing::bundled_kb;

TEST(BundledKnowledge, HasEveryRequiredRegion) {
  for (const char* id : {"forehead", "glabella", "temple", "periorbital", "nose", "cheek", "perioral", "chin",
                         "jawline", "neck", "decollete", "scalp", "abdomen", "thigh", "buttock", "upper-arm",
                         "back", "hand"}) {
    const Region* region = bundled_kb().find_region(id);
    ASSERT_NE(region, nullptr) << id;
    EXPECT_LT(region->epidermis_um.all.min_um, region->dermis_um.all.min_um) << id << ": epidermis thinner than dermis";
    EXPECT_FALSE(region->epidermis_um.sources.empty()) << id;
    EXPECT_FALSE(region->dermis_um.sources.empty()) << id;
  }
}

TEST(BundledKnowledge, HasEveryRequiredIndication) {
  for (const char* id : {"fine-wrinkles", "wrinkles-periorbital", "wrinkles-perioral", "acne-scars", "atrophic-scars",
                         "hypertrophic-scars", "keloids", "burn-scars", "pigmentation", "melasma", "post-acne-spots",
                         "sun-damage", "cellulite", "striae", "skin-laxity", "skin-rejuvenation", "hair-loss",
                         "actinic-keratosis", "enlarged-pores"}) {
    const Indication* indication = bundled_kb().find_indication(id);
    ASSERT_NE(indication, nullptr) << id;
    EXPECT_FALSE(indication->regions.empty()) << id;
  }
}

TEST(BundledKnowledge, AcceptsEveryRequiredIntakeCode) {
  const Vocabulary& v = bundled_kb().vocabulary;
  auto has = [](const std::vector<VocabularyEntry>& list, const std::string& code) {
    return std::any_of(list.begin(), list.end(), [&](const auto& e) { return e.code == code; });
  };
  for (const char* c : {"herpes-simplex", "skin-infection", "keloid-tendency", "hiv", "hepatitis", "bleeding-disorder",
                        "diabetes", "immunosuppression", "active-acne", "eczema", "psoriasis", "rosacea",
                        "actinic-keratosis", "skin-cancer"})
    EXPECT_TRUE(has(v.conditions, c)) << c;
  for (const char* c : {"isotretinoin", "topical-retinoid", "anticoagulant", "antiplatelet", "nsaid",
                        "immunosuppressant", "systemic-corticosteroid", "chemotherapy"})
    EXPECT_TRUE(has(v.medications, c)) << c;
  for (const char* c : {"chemical-peel", "laser-resurfacing", "radiotherapy", "dermal-filler", "botulinum-toxin",
                        "facial-surgery"})
    EXPECT_TRUE(has(v.procedures, c)) << c;
  for (const char* c : {"nickel", "stainless-steel", "topical-anesthetic"}) EXPECT_TRUE(has(v.allergies, c)) << c;
}

TEST(BundledKnowledge, EveryTopicHasOneDefaultAndItIsChosen) {
  for (const auto& topic : bundled_kb().topics) {
    int defaults = 0;
    for (const auto& p : topic.positions) defaults += p.is_default;
    EXPECT_EQ(defaults, 1) << topic.topic;
    EXPECT_TRUE(topic.positions.at(topic.chosen).is_default) << topic.topic;
    EXPECT_GE(topic.positions.size(), 2u) << topic.topic << " is a topic with one position";
  }
}

// --- the seed statements of shared/PRODUCT.md ---------------------------------------------

struct SeedStatement {
  const char* statement;
  const char* id;    //!< any id `kb show` accepts
  const char* seed;  //!< the seed that must be among its sources (any position)
};

class SeedEncoded : public ::testing::TestWithParam<SeedStatement> {};

TEST_P(SeedEncoded, CarriesItsSeedAsASource) {
  const auto& s = GetParam();
  const std::string shown = show_json(bundled_kb(), s.id).dump();
  EXPECT_NE(shown.find(std::string("\"") + s.seed + "\""), std::string::npos)
      << s.statement << ": '" << s.id << "' does not cite " << s.seed;
}

INSTANTIATE_TEST_SUITE_P(
    ProductTable, SeedEncoded,
    ::testing::Values(
        SeedStatement{"counselling before treatment", "counselling", "seed-000"},
        SeedStatement{"anticoagulants stopped ~14 days before", "stop-anticoagulants", "seed-000"},
        SeedStatement{"anticoagulants screened", "anticoagulant", "seed-000"},
        SeedStatement{"HIV excluded", "hiv", "seed-000"},
        SeedStatement{"hepatitis excluded", "hepatitis", "seed-000"},
        SeedStatement{"sensitive and dry skin", "sensitive-and-dry-skin", "seed-002"},
        SeedStatement{"retinoic-acid therapy", "topical-retinoid", "seed-002"},
        SeedStatement{"active infection", "skin-infection", "seed-002"},
        SeedStatement{"recent peel", "chemical-peel", "seed-002"},
        SeedStatement{"recent laser", "laser-resurfacing", "seed-002"},
        SeedStatement{"isotretinoin in 3 months", "isotretinoin", "seed-004"},
        SeedStatement{"radiotherapy in a year", "radiotherapy", "seed-004"},
        SeedStatement{"herpes in the area", "herpes-active", "seed-004"},
        SeedStatement{"infection in the area", "skin-infection", "seed-004"},
        SeedStatement{"pregnancy", "pregnancy", "seed-004"},
        SeedStatement{"breastfeeding", "breastfeeding", "seed-004"},
        SeedStatement{"keloid history", "keloid-tendency", "seed-004"},
        SeedStatement{"darker skin: hyperpigmentation", "skin-of-colour", "seed-004"},
        SeedStatement{"needle-metal allergy", "stainless-steel-allergy", "seed-004"},
        SeedStatement{"cosmetic needling 0.1-0.5 mm", "planning", "seed-000"},
        SeedStatement{"bleeding from ~1 mm", "planning", "seed-000"},
        SeedStatement{"0.25-2.5 mm, 192 needles", "dermaroller-192-2.5", "seed-001"},
        SeedStatement{"rejuvenation 0.5-1 mm", "skin-rejuvenation", "seed-001"},
        SeedStatement{"deep acne scars 2.5 mm", "acne-scars", "seed-001"},
        SeedStatement{"roller vs pen, 0.5-2 mm", "pen-automated", "seed-002"},
        SeedStatement{"pen cartridges 12/36/42/nano", "pen-automated", "seed-004"},
        SeedStatement{"hypertrophic scars need medical needling", "hypertrophic-scars", "seed-000"},
        SeedStatement{"keloids need medical needling", "keloids", "seed-000"},
        SeedStatement{"burn scars need medical needling", "burn-scars", "seed-000"},
        SeedStatement{"vitamin A and C before", "vitamin-a-c-pretreatment", "seed-000"},
        SeedStatement{"no make-up", "no-makeup-day", "seed-000"},
        SeedStatement{"cleaning and disinfection", "clean-disinfect", "seed-000"},
        SeedStatement{"anaesthetic cream 30-45 min", "anaesthesia-time", "seed-001"},
        SeedStatement{"4-5 rolls h/v/diagonal", "passes", "seed-000"},
        SeedStatement{"bleeding dabbed with saline", "dab-bleeding", "seed-000"},
        SeedStatement{"oily cream after", "oily-cream", "seed-000"},
        SeedStatement{"pressure and direction matter", "needle", "seed-002"},
        SeedStatement{"single-use tips", "open-single-use-device", "seed-002"},
        SeedStatement{"series: 1 or 4 sessions weekly/fortnightly", "course-skin-rejuvenation", "seed-001"},
        SeedStatement{"series: 3 sessions ~6 weeks, up to 5 for acne scars", "course-acne-scars", "seed-003"},
        SeedStatement{"series: every 4-6 weeks, 3-5 sessions", "course-fine-wrinkles", "seed-004"},
        SeedStatement{"redness hours to days", "expected-redness", "seed-001"},
        SeedStatement{"no sun 2 weeks", "sun-avoidance", "seed-004"},
        SeedStatement{"SPF 30+", "sunscreen", "seed-004"},
        SeedStatement{"no make-up 24 h", "no-makeup", "seed-004"},
        SeedStatement{"no sauna 48 h", "no-sauna-hot-bath", "seed-004"},
        SeedStatement{"no anti-inflammatory pills for a week", "no-anti-inflammatories", "seed-004"},
        SeedStatement{"elevated pillow 24-48 h", "elevated-pillow", "seed-004"},
        SeedStatement{"no scrubbing", "no-scrubbing", "seed-004"},
        SeedStatement{"first results after 6-8 weeks", "assessment-time", "seed-000"},
        SeedStatement{"results up to 6 weeks", "assessment-time", "seed-003"},
        SeedStatement{"needles of 0.5-2 mm for rollers and pens", "needle-sizes", "seed-002"},
        SeedStatement{"channels about 0.1 mm wide", "channel-width", "seed-003"},
        SeedStatement{"channels close, often the same day", "channel-closure", "seed-003"},
        SeedStatement{"a procedure of 20-30 minutes", "procedure-duration", "seed-003"},
        SeedStatement{"combined with other rejuvenation therapies", "combination", "seed-004"},
        SeedStatement{"back to daily activities after the procedure", "daily-activities", "seed-001"},
        SeedStatement{"no bath, no shower after the procedure", "no-bath-shower", "seed-001"},
        SeedStatement{"no Turkish bath", "no-sauna-hot-bath", "seed-001"},
        SeedStatement{"melanocytes not injured", "melanocytes", "seed-000"},
        SeedStatement{"acne scars: cosmetic per seed 000", "treatment-class-acne-scars", "seed-000"},
        SeedStatement{"acne scars: medical per seed 001", "treatment-class-acne-scars", "seed-001"},
        SeedStatement{"atrophic scars: cosmetic per seed 000", "treatment-class-atrophic-scars", "seed-000"},
        SeedStatement{"striae: cosmetic per seed 000", "treatment-class-striae", "seed-000"},
        SeedStatement{"sagging tissue: cosmetic per seed 000", "treatment-class-skin-laxity", "seed-000"},
        SeedStatement{"incipient ageing: cosmetic per seed 000", "treatment-class-skin-rejuvenation", "seed-000"},
        SeedStatement{"incipient ageing: medical per seed 001", "treatment-class-skin-rejuvenation", "seed-001"},
        SeedStatement{"treatment products absorbed 200 times better", "product-absorption", "seed-001"},
        SeedStatement{"acne and scar treatment", "acne-scars", "seed-002"},
        SeedStatement{"scar treatment on the body", "atrophic-scars", "seed-001"},
        SeedStatement{"ensuring skin vitality and tightening", "skin-laxity", "seed-002"},
        SeedStatement{"uneven skin", "skin-rejuvenation", "seed-003"},
        SeedStatement{"no make-up when treating the face", "no-makeup-day", "seed-000"}),
    [](const auto& info) { return std::to_string(info.index); });

// A note that says which course is the default names the default position (its id or one of
// its sources), so that `kb show` never contradicts what a plan uses.
TEST(BundledKnowledge, NotesNamingTheDefaultCourseNameTheDefault) {
  const std::regex says_default(R"(Default course(?: is|:) ([a-z0-9-]*[a-z0-9]))");
  int checked = 0;
  for (const auto& indication : bundled_kb().indications) {
    std::smatch m;
    if (!std::regex_search(indication.note, m, says_default)) continue;
    ++checked;
    const auto& chosen = indication.course.selected();
    const bool named = m[1] == chosen.id ||
                       std::find(chosen.sources.begin(), chosen.sources.end(), m[1].str()) != chosen.sources.end();
    EXPECT_TRUE(named) << indication.id << ": the note says the default course is " << m[1]
                       << ", the default position is " << chosen.id;
  }
  EXPECT_GT(checked, 0);
}

TEST(BundledKnowledge, SeedDefaultsHoldTheSeedNumbers) {
  const KnowledgeBase& kb = bundled_kb();
  EXPECT_EQ(kb.find_rule("isotretinoin")->effect.value().wait.months, 3);
  const WaitPeriod radiotherapy = kb.find_rule("radiotherapy")->effect.value().wait;
  EXPECT_EQ(radiotherapy.years * 12 + radiotherapy.months, 12);
  EXPECT_EQ(kb.planning.passes.value().count.min, 4);
  EXPECT_EQ(kb.planning.passes.value().count.max, 5);
  EXPECT_EQ(kb.planning.anaesthesia.value().minutes.min, 30);
  EXPECT_EQ(kb.planning.anaesthesia.value().minutes.max, 45);
  EXPECT_DOUBLE_EQ(kb.planning.bleeding_from_mm, 1.0);
  EXPECT_EQ(kb.planning.assessment.value().after_last_session_days.min, 42);
  EXPECT_EQ(kb.planning.assessment.value().after_last_session_days.max, 56);
  for (const auto& task : kb.preparation)
    if (task.id == "stop-anticoagulants") {
      EXPECT_EQ(task.before.value().days, 14);
    }
  for (const auto& item : kb.aftercare) {
    const HoursWindow& w = item.window.value();
    if (item.id == "no-makeup") {
      EXPECT_EQ(w.to_hours, 24);
    }
    if (item.id == "no-sauna-hot-bath") {
      EXPECT_EQ(w.to_hours, 48);
    }
    if (item.id == "sun-avoidance") {
      EXPECT_EQ(w.to_hours, 14 * 24);
    }
    if (item.id == "no-anti-inflammatories") {
      EXPECT_EQ(w.to_hours, 7 * 24);
    }
    if (item.id == "elevated-pillow") {
      EXPECT_EQ(w.to_hours, 48);
    }
  }
  for (const char* medical : {"hypertrophic-scars", "keloids", "burn-scars"})
    EXPECT_EQ(kb.find_indication(medical)->treatment_class.value(), TreatmentClass::medical) << medical;
  const Course& default_course = kb.find_indication("fine-wrinkles")->course.value();
  EXPECT_EQ(default_course.interval_days.min, 28);
  EXPECT_EQ(default_course.interval_days.max, 42);
  EXPECT_EQ(default_course.sessions.min, 3);
  EXPECT_EQ(default_course.sessions.max, 5);
}

}  // namespace
}  // namespace dermaplan::kb

namespace dermaplan::kb {
namespace {

// Outcome scales say which end is better; a classification (Fitzpatrick skin type) has none,
// and the knowledge base must not make one up.
TEST(BundledKnowledge, OutcomeScalesHaveABetterEndAndClassificationsNone) {
  const KnowledgeBase& kb = testing::bundled_kb();
  const std::map<std::string, std::optional<bool>> lower_is_better = {
      {"goodman-baron-qualitative", true}, {"vancouver", true}, {"masi", true}, {"mmasi", true},
      {"posas-observer", true}, {"posas-patient", true}, {"fitzpatrick", std::nullopt}};
  for (const auto& [id, expected] : lower_is_better) {
    const auto it = std::find_if(kb.scales.begin(), kb.scales.end(), [&](const Scale& s) { return s.id == id; });
    ASSERT_NE(it, kb.scales.end()) << id;
    EXPECT_EQ(it->lower_is_better, expected) << id;
  }
}

}  // namespace
}  // namespace dermaplan::kb

namespace dermaplan::kb {
namespace {

// seed-000: "an educational and counseling discussion between the doctor and the patient". The
// counselling is the practitioner's task; every other preparation task is the patient's.
TEST(BundledKnowledge, TheCounsellingIsThePractitionersTaskTheRestThePatients) {
  for (const auto& task : testing::bundled_kb().preparation)
    EXPECT_EQ(task.done_by, task.id == "counselling" ? TaskDoer::practitioner : TaskDoer::patient) << task.id;
}

// "Physician required" rests on a sourced statement that says what in it is the software's reading.
TEST(BundledKnowledge, PhysicianRequiredRestsOnTheSeedsAndSaysItIsAReading) {
  const Planning& planning = testing::bundled_kb().planning;
  EXPECT_EQ(planning.physician_required_sources, (SourceIds{"seed-000", "seed-001"}));
  EXPECT_NE(planning.physician_required.text.find("this software's reading"), std::string::npos)
      << planning.physician_required.text;
}

// seed-002: "it is recommended to protect the skin from the sun, avoid dusty environment and
// hand contact, avoid sweaty environments and exercise, and not apply make-up for a few days".
// Every advice of the sentence carries seed-002's few days; where that is a reading of the
// sentence (all but the make-up, which the words follow), the reading is marked.
TEST(BundledKnowledge, SeedTwosFewDaysCoverItsWholeSentence) {
  const KnowledgeBase& kb = testing::bundled_kb();
  const std::map<std::string, bool> reading_marked = {
      {"sun-avoidance", true}, {"avoid-hand-contact-dust", true}, {"no-sweating-exercise", true}, {"no-makeup", false}};
  for (const auto& [id, marked] : reading_marked) {
    const auto it = std::find_if(kb.aftercare.begin(), kb.aftercare.end(), [&](const auto& a) { return a.id == id; });
    ASSERT_NE(it, kb.aftercare.end()) << id;
    bool found = false;
    for (const auto& position : it->window.positions) {
      const auto& sources = position.sources;
      if (std::find(sources.begin(), sources.end(), "seed-002") == sources.end()) continue;
      found = true;
      EXPECT_EQ(position.value.vague_end, "for a few days") << id << " " << position.id;
      EXPECT_EQ(!position.value.reading.empty(), marked) << id << " " << position.id;
      EXPECT_EQ(sources, SourceIds{"seed-002"}) << id << ": seed-002's few days in a position of their own";
    }
    EXPECT_TRUE(found) << id << " has no seed-002 position";
  }
}

}  // namespace
}  // namespace dermaplan::kb
