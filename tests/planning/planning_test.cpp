// Properties of the planning engine that hold for every indication and region.
#include "planning/course_plan.h"
#include "test_support.h"

#include <gtest/gtest.h>

namespace dermaplan::planning {
namespace {

using testing::bundled_kb;

const CivilDate kToday = *parse_civil_date("2026-11-22");

screening::Intake complete_intake(kb::Sex sex) {
  screening::Intake intake;
  intake.sex = sex;
  intake.fitzpatrick = 2;
  intake.pregnant = false;
  intake.breastfeeding = false;
  intake.sensitive_skin = false;
  intake.dry_skin = false;
  intake.conditions.emplace();
  intake.medications.emplace();
  intake.procedures.emplace();
  intake.allergies.emplace();
  return intake;
}

// A plan never silently exceeds a region's skin: whenever the needle is longer than the
// thinnest recorded skin there, the area carries a warning that says so.
TEST(Planning, NeverSilentlyExceedsTheDermis) {
  const auto& kb = bundled_kb();
  for (const auto& indication : kb.indications) {
    for (const auto& region : kb.regions) {
      for (kb::Sex sex : {kb::Sex::female, kb::Sex::male}) {
        PlanRequest request{indication.id, {region.id}, std::nullopt, std::nullopt};
        const CoursePlan plan = plan_course(complete_intake(sex), kb, kToday, request);
        ASSERT_EQ(plan.areas.size(), 1u);
        const AreaPlan& area = plan.areas[0];
        const double skin_um = area.depth_check.skin_um.min_um;
        if (area.device_length_mm * 1000 > skin_um) {
          EXPECT_TRUE(area.depth_check.exceeds_dermis) << indication.id << " " << region.id;
          bool warned = false;
          for (const auto& w : area.warnings) warned |= w.find("may pass the dermis") != std::string::npos;
          EXPECT_TRUE(warned) << indication.id << " " << region.id;
        }
        // The recommended length never exceeds the indication's maximum.
        EXPECT_LE(area.planned_length_mm, indication.needle_length.value().max_mm + 1e-9);
        if (region.needle_guide) {
          const auto& guide = region.needle_guide->value();
          EXPECT_LE(area.planned_length_mm, guide.thick_skin_max_mm.value_or(guide.max_mm) + 1e-9)
              << indication.id << " " << region.id;
        }
      }
    }
  }
}

TEST(Planning, DepthCheckUsesTheLayersOfThePatientsSex) {
  const auto& kb = bundled_kb();
  const kb::Region* forehead = kb.find_region("forehead");
  ASSERT_TRUE(forehead->epidermis_um.female && forehead->epidermis_um.male) << "Selcuk gives facial epidermis by sex";
  PlanRequest request{"fine-wrinkles", {"forehead"}, std::nullopt, std::nullopt};
  const auto female = plan_course(complete_intake(kb::Sex::female), kb, kToday, request);
  const auto male = plan_course(complete_intake(kb::Sex::male), kb, kToday, request);
  EXPECT_EQ(female.areas[0].depth_check.epidermis_um.min_um, forehead->epidermis_um.female->min_um);
  EXPECT_EQ(male.areas[0].depth_check.epidermis_um.min_um, forehead->epidermis_um.male->min_um);
  EXPECT_NE(female.areas[0].depth_check.epidermis_um.min_um, male.areas[0].depth_check.epidermis_um.min_um);
}

TEST(Planning, IsDeterministicForAGivenDate) {
  PlanRequest request{"acne-scars", {}, std::nullopt, std::nullopt};
  const auto a = to_json(plan_course(complete_intake(kb::Sex::female), bundled_kb(), kToday, request), bundled_kb());
  const auto b = to_json(plan_course(complete_intake(kb::Sex::female), bundled_kb(), kToday, request), bundled_kb());
  EXPECT_EQ(a.dump(), b.dump());
}

TEST(Planning, TextPlanStatesItIsDecisionSupport) {
  PlanRequest request{"acne-scars", {"cheek"}, std::nullopt, std::nullopt};
  const auto plan = plan_course(complete_intake(kb::Sex::female), bundled_kb(), kToday, request);
  const std::string text = to_text(plan, bundled_kb());
  EXPECT_NE(text.find("qualified practitioner"), std::string::npos);
  EXPECT_NE(text.find("Sessions"), std::string::npos);
  EXPECT_NE(text.find("Aftercare"), std::string::npos);
}

}  // namespace
}  // namespace dermaplan::planning
