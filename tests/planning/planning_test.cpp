// Properties of the planning engine that hold for every indication and region.
#include "kb/describe.h"
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

bool any_warning(const AreaPlan& area, const std::string& part) {
  for (const auto& w : area.warnings)
    if (w.find(part) != std::string::npos) return true;
  return false;
}

// Over every indication x region x sex x device (the default family and each device chosen
// explicitly): the planned length is what the device delivers there (a real setting or roller,
// never 0 mm), lies inside the region's guide where it has one (else a warning names the guide),
// and never exceeds the recorded dermis without a warning naming it.
TEST(Planning, PlannedLengthIsDeliveredAndWithinTheRegion) {
  const auto& kb = bundled_kb();
  std::vector<std::optional<std::string>> devices{std::nullopt};
  for (const auto& device : kb.devices) devices.push_back(device.id);
  int plans = 0;
  for (const auto& indication : kb.indications)
    for (const auto& region : kb.regions)
      for (kb::Sex sex : {kb::Sex::female, kb::Sex::male, kb::Sex::other, kb::Sex::unknown})
        for (const auto& device_id : devices) {
          const std::string what = indication.id + " " + region.id + " " + kb::to_string(sex) + " " +
                                   device_id.value_or("(default)");
          PlanRequest request{indication.id, {region.id}, std::nullopt, device_id};
          const CoursePlan plan = plan_course(complete_intake(sex), kb, kToday, request);
          ++plans;
          ASSERT_EQ(plan.areas.size(), 1u) << what;
          const AreaPlan& area = plan.areas[0];
          const kb::Device& device = *area.device;
          EXPECT_EQ(plan.device, area.device) << what << ": the plan's device is the area's";
          EXPECT_DOUBLE_EQ(area.planned_length_mm, area.device_length_mm) << what;
          EXPECT_GT(area.device_length_mm, 0) << what;
          if (!device.settings_mm().empty() || device.needle_length_mm > 0) {
            EXPECT_TRUE(device.offers_length(area.device_length_mm)) << what << ": " << area.device_length_mm;
          }
          if (!device_id) {
            EXPECT_EQ(device.purpose, kb::DevicePurpose::treatment) << what << ": the default never picks "
                                                                       "a product-penetration roller";
          }
          const double length = area.device_length_mm;
          if (region.needle_guide) {
            const auto& guide = region.needle_guide->value();
            const double top = guide.thick_skin_max_mm.value_or(guide.max_mm);
            if (length < guide.min_mm - 1e-9 || length > top + 1e-9) {
              EXPECT_TRUE(any_warning(area, region.name + " guide")) << what << ": " << length;
            }
            if (length > guide.max_mm + 1e-9 && length <= top + 1e-9) {
              EXPECT_TRUE(any_warning(area, "thick")) << what;
            }
          } else {
            EXPECT_EQ(area.limit_basis, "skin-thickness") << what;
            EXPECT_TRUE(any_warning(area, "Assumption")) << what << ": the skin-derived cap says it is an assumption";
          }
          const double skin_um = area.depth_check.skin_um.min_um;
          if (length * 1000 > skin_um) {
            EXPECT_TRUE(area.depth_check.exceeds_dermis) << what;
            EXPECT_TRUE(any_warning(area, "may pass the dermis") && any_warning(area, region.name)) << what;
          }
          if (!device_id && !region.needle_guide && device.kind == kb::DeviceKind::roller) {
            EXPECT_LE(length * 1000, skin_um + 1e-6) << what << ": the default roller stays within the skin";
          }
        }
  EXPECT_GT(plans, 10000);
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
