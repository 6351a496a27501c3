#include "kb/knowledge_base.h"

#include <algorithm>
#include <cmath>

namespace dermaplan::kb {

namespace {
template <class T>
const T* find_by_id(const std::vector<T>& items, std::string_view id) {
  auto it = std::find_if(items.begin(), items.end(), [&](const T& item) { return item.id == id; });
  return it == items.end() ? nullptr : &*it;
}
}  // namespace

const RangeUm& LayerThickness::for_sex(Sex sex) const {
  if (sex == Sex::female && female) return *female;
  if (sex == Sex::male && male) return *male;
  return all;
}

bool ScreeningRule::asked_of_sex(Sex sex) const {
  return asked_of.empty() || std::find(asked_of.begin(), asked_of.end(), sex) != asked_of.end();
}

SourceIds AftercareInstruction::sources() const {
  SourceIds ids = window.selected().sources;
  for (const auto& id : wording_sources)
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  return ids;
}

bool Device::offers_length(double length_mm) const {
  constexpr double kTolerance = 1e-6;
  if (depth_range) {
    if (length_mm < depth_range->min_mm - kTolerance || length_mm > depth_range->max_mm + kTolerance)
      return false;
    if (depth_step_mm <= 0) return true;
    const double steps = (length_mm - depth_range->min_mm) / depth_step_mm;
    return std::abs(steps - std::round(steps)) < 1e-6;
  }
  return std::abs(needle_length_mm - length_mm) < kTolerance;
}

std::vector<double> Device::settings_mm() const {
  std::vector<double> out;
  if (!depth_range || depth_step_mm <= 0) return out;
  const int steps = static_cast<int>(std::floor((depth_range->max_mm - depth_range->min_mm) / depth_step_mm + 1e-6));
  for (int k = 0; k <= steps; ++k) {
    // Rounded to the micrometre so that 0.1 * 3 prints as 0.3.
    const double setting = std::round((depth_range->min_mm + k * depth_step_mm) * 1000.0) / 1000.0;
    if (setting > 0) out.push_back(setting);
  }
  return out;
}

const TopicSummary* KnowledgeBase::find_topic(std::string_view topic) const {
  auto it = std::find_if(topics.begin(), topics.end(), [&](const auto& t) { return t.topic == topic; });
  return it == topics.end() ? nullptr : &*it;
}
const Source* KnowledgeBase::find_source(std::string_view id) const { return find_by_id(sources, id); }
const Region* KnowledgeBase::find_region(std::string_view id) const { return find_by_id(regions, id); }
const Device* KnowledgeBase::find_device(std::string_view id) const { return find_by_id(devices, id); }
const Indication* KnowledgeBase::find_indication(std::string_view id) const {
  return find_by_id(indications, id);
}
const ScreeningRule* KnowledgeBase::find_rule(std::string_view id) const {
  return find_by_id(screening, id);
}
const Scale* KnowledgeBase::find_scale(std::string_view id) const { return find_by_id(scales, id); }
const Risk* KnowledgeBase::find_risk(std::string_view id) const { return find_by_id(risks, id); }
const ResponderThreshold* KnowledgeBase::find_responder_threshold(std::string_view scale) const {
  auto it = std::find_if(responder_thresholds.begin(), responder_thresholds.end(),
                         [&](const auto& t) { return t.scale == scale; });
  return it == responder_thresholds.end() ? nullptr : &*it;
}

}  // namespace dermaplan::kb
