// Intake parsing beyond the case files: size limit, shorthand forms, deep nesting.
#include "core/errors.h"
#include "screening/intake.h"
#include "test_support.h"

#include <gtest/gtest.h>

namespace dermaplan::screening {
namespace {

const CivilDate kToday = *parse_civil_date("2026-11-22");

TEST(Intake, RefusesMoreThanOneMebibyte) {
  const std::string huge = "{\"notes\": \"" + std::string(kMaxIntakeBytes, 'x') + "\"}";
  try {
    parse_intake_text(huge, testing::bundled_kb(), kToday);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("larger than"), std::string::npos);
  }
}

TEST(Intake, DeepNestingIsAnErrorNotACrash) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_THROW(parse_intake_text(deep, testing::bundled_kb(), kToday), InputError);
}

TEST(Intake, NumberBeyondADoubleIsAnErrorNotACrash) {
  // Found by fuzz_intake: nlohmann throws out_of_range (not parse_error) for 9999.98e9999.
  EXPECT_THROW(parse_intake_text("9999.98e9999", testing::bundled_kb(), kToday), InputError);
  EXPECT_THROW(parse_intake_text(R"({"fitzpatrick": 1e999})", testing::bundled_kb(), kToday), InputError);
}

TEST(Intake, BareStringsAreCodes) {
  const Intake intake = parse_intake_text(R"({"allergies": ["nickel"], "medications": ["warfarin"]})",
                                          testing::bundled_kb(), kToday);
  ASSERT_TRUE(intake.allergies);
  EXPECT_EQ(intake.allergies->at(0), "nickel");
  ASSERT_TRUE(intake.medications);
  EXPECT_EQ(intake.medications->at(0).code, "anticoagulant");
  EXPECT_TRUE(intake.medications->at(0).current) << "a medication listed alone is taken to be current";
}

TEST(Intake, MedicationWithOnlyALastDoseIsNotCurrent) {
  const Intake intake = parse_intake_text(R"({"medications": [{"code": "isotretinoin", "last_dose": "2026-10-01"}]})",
                                          testing::bundled_kb(), kToday);
  EXPECT_FALSE(intake.medications->at(0).current);
  EXPECT_EQ(format_civil_date(*intake.medications->at(0).last_dose), "2026-10-01");
}

TEST(Intake, NullMeansNotGiven) {
  const Intake intake = parse_intake_text(R"({"pregnant": null, "conditions": null})", testing::bundled_kb(), kToday);
  EXPECT_FALSE(intake.pregnant);
  EXPECT_FALSE(intake.conditions);
}

}  // namespace
}  // namespace dermaplan::screening
