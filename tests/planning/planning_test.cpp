// Properties of the planning engine that hold for every indication and region.
#include "kb/describe.h"
#include "planning/course_plan.h"
#include "test_support.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <optional>

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

/// One warning that says both things.
bool any_warning(const AreaPlan& area, const std::string& part, const std::string& other) {
  for (const auto& w : area.warnings)
    if (w.find(part) != std::string::npos && w.find(other) != std::string::npos) return true;
  return false;
}

constexpr double kEps = 1e-9;

bool within(double length_mm, const kb::RangeMm& range) {
  return length_mm >= range.min_mm - kEps && length_mm <= range.max_mm + kEps;
}

/// Whether the device of a request can deliver some length in `range`: with no device asked for,
/// any treating roller of the default family; a pen, one of its real settings (any depth of its
/// range where the sources give no step); a fixed device, its own length; a device whose length
/// the sources do not give, whatever is planned.
bool can_deliver_within(const kb::KnowledgeBase& kb, const std::optional<std::string>& requested,
                        const kb::RangeMm& range) {
  const kb::Device& device = *kb.find_device(requested.value_or(kb.planning.default_device.value().device));
  if (!requested && device.kind == kb::DeviceKind::roller) {
    for (const auto& d : kb.devices)
      if (d.kind == kb::DeviceKind::roller && d.purpose == kb::DevicePurpose::treatment && within(d.needle_length_mm, range))
        return true;
    return false;
  }
  if (device.depth_range) {
    const auto settings = device.settings_mm();
    if (settings.empty())
      return device.depth_range->max_mm >= range.min_mm - kEps && device.depth_range->min_mm <= range.max_mm + kEps;
    return std::any_of(settings.begin(), settings.end(), [&](double s) { return within(s, range); });
  }
  if (device.needle_length_mm <= 0) return true;
  return within(device.needle_length_mm, range);
}

// Over every indication x region x sex x device (the default family and each device chosen
// explicitly):
//  - the planned range is the overlap of the indication's range and the region's guide (the
//    thick-skin band only where the plain guide does not overlap), or, where a region has no
//    guide, of the indication's range and a cap at the thinnest recorded skin (said as an
//    assumption); with no overlap, the shallower side, said in a warning naming the guide;
//  - the planned length is what the device delivers there (a real setting or roller, never
//    0 mm), and lies in the planned range, hence inside the region's guide, whenever the device
//    has a length there (else a warning naming the device says so);
//  - a needle longer than the thinnest recorded skin has a warning naming the region.
TEST(Planning, PlannedLengthIsDeliveredAndWithinTheRegion) {
  const auto& kb = bundled_kb();
  std::vector<std::optional<std::string>> devices{std::nullopt};
  for (const auto& device : kb.devices) devices.push_back(device.id);
  int plans = 0, inside_guide = 0;
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
          const kb::RangeMm indicated{area.needle_length.min_mm, area.needle_length.max_mm};
          const kb::RangeMm& planned = area.planned_range;
          EXPECT_LE(planned.min_mm, planned.max_mm + kEps) << what;
          const double skin_um = area.depth_check.skin_um.min_um;

          // The planned range: the overlap of the indication's range and the region's limit.
          kb::RangeMm limit{0, std::floor(skin_um) / 1000.0};  // no guide: the skin-derived cap
          std::optional<double> plain_max;
          if (region.needle_guide) {
            const auto& guide = region.needle_guide->value();
            limit = {guide.min_mm, guide.thick_skin_max_mm.value_or(guide.max_mm)};
            plain_max = guide.max_mm;
            EXPECT_EQ(area.limit_basis, "region-guide") << what;
          } else {
            EXPECT_EQ(area.limit_basis, "skin-thickness") << what;
            EXPECT_TRUE(any_warning(area, "Assumption", region.name)) << what << ": the skin-derived cap is an assumption";
          }
          const bool overlaps = indicated.min_mm <= limit.max_mm + kEps && indicated.max_mm >= limit.min_mm - kEps;
          if (overlaps) {
            EXPECT_GE(planned.min_mm, std::max(indicated.min_mm, limit.min_mm) - kEps) << what;
            EXPECT_LE(planned.max_mm, std::min(indicated.max_mm, limit.max_mm) + kEps) << what;
            if (plain_max && indicated.min_mm <= *plain_max + kEps) {
              EXPECT_LE(planned.max_mm, *plain_max + kEps) << what << ": the thick-skin band only beyond the plain guide";
            }
          } else {
            const double safe = indicated.min_mm > limit.max_mm ? limit.max_mm : indicated.max_mm;
            EXPECT_NEAR(planned.min_mm, safe, kEps) << what << ": no overlap: the shallower side";
            EXPECT_NEAR(planned.max_mm, safe, kEps) << what;
            EXPECT_TRUE(any_warning(area, "do not overlap", region.name)) << what;
          }

          // The planned length: in the planned range whenever the device has a length there.
          if (can_deliver_within(kb, device_id, planned)) {
            EXPECT_TRUE(within(length, planned)) << what << ": " << length << " outside " << planned.min_mm << "–"
                                                 << planned.max_mm;
          } else {
            EXPECT_TRUE(any_warning(area, device.name)) << what << ": the device has no length in the planned range";
          }
          if (region.needle_guide && within(length, planned) && overlaps) {
            EXPECT_TRUE(within(length, limit)) << what;
            ++inside_guide;
          }
          if (region.needle_guide && !within(length, limit)) {
            EXPECT_TRUE(any_warning(area, region.name + " guide")) << what << ": " << length;
          }
          if (plain_max && length > *plain_max + kEps && length <= limit.max_mm + kEps) {
            EXPECT_TRUE(any_warning(area, "thick")) << what;
          }

          // Past the recorded dermis only with a warning naming the region.
          if (length * 1000 > skin_um) {
            EXPECT_TRUE(area.depth_check.exceeds_dermis) << what;
            EXPECT_TRUE(any_warning(area, "may pass the dermis", region.name)) << what;
          } else {
            EXPECT_FALSE(area.depth_check.exceeds_dermis) << what;
          }
          if (!region.needle_guide && can_deliver_within(kb, device_id, planned)) {
            EXPECT_LE(length * 1000, skin_um + 1e-6) << what << ": within the skin where no guide exists";
          }
        }
  EXPECT_GT(plans, 10000);
  EXPECT_GT(inside_guide, 1000) << "most plans on a guided region lie inside the guide";
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

// The parts written once are those of their own knowledge base: a plan whose topics are
// another's (a copy) gets its topics written as to_json writes them, not another's text.
TEST(Planning, JsonPartsSpliceOnlyTheirOwnKnowledgeBasesItems) {
  const kb::KnowledgeBase& kb = bundled_kb();
  ASSERT_FALSE(kb.topics.empty());
  ASSERT_FALSE(kb.procedure.empty());
  const PlanJsonParts parts(kb);
  ASSERT_NE(parts.topic(kb.topics.front()), nullptr);
  EXPECT_EQ(nlohmann::json::parse(*parts.topic(kb.topics.front()))["topic"], kb.topics.front().topic);
  ASSERT_NE(parts.step(kb.procedure.back()), nullptr);
  EXPECT_EQ(nlohmann::json::parse(*parts.step(kb.procedure.back()))["id"], kb.procedure.back().id);

  kb::KnowledgeBase copy = kb;
  EXPECT_EQ(parts.topic(copy.topics.front()), nullptr);
  EXPECT_EQ(parts.step(copy.procedure.front()), nullptr);
  PlanRequest request{"acne-scars", {"cheek"}, std::nullopt, std::nullopt};
  const auto plan = plan_course(complete_intake(kb::Sex::female), copy, kToday, request);
  ASSERT_FALSE(plan.disagreements.empty());
  EXPECT_EQ(to_json_text(plan, PlanJsonParts(copy)), to_json(plan, copy).dump());
  // The copy's topic differs from the original's: the original's parts must not stand in for it.
  copy.topics[static_cast<std::size_t>(plan.disagreements.front() - copy.topics.data())].question =
      "a question only the copy asks";
  EXPECT_NE(to_json_text(plan, parts).find("a question only the copy asks"), std::string::npos);
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
