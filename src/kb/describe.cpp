#include "kb/describe.h"

#include "core/enum_names.h"

#include <fmt/format.h>

namespace dermaplan::kb {

std::string to_string(Decision decision) {
  switch (decision) {
    case Decision::eligible: return "eligible";
    case Decision::caution: return "caution";
    case Decision::defer: return "defer";
    case Decision::contraindicated: return "contraindicated";
  }
  return "?";
}

std::string to_string(TreatmentClass treatment_class) {
  return treatment_class == TreatmentClass::cosmetic ? "cosmetic" : "medical";
}

std::string to_string(DeviceKind kind) {
  switch (kind) {
    case DeviceKind::roller: return "roller";
    case DeviceKind::pen: return "pen";
    case DeviceKind::stylus: return "stylus";
  }
  return "?";
}

std::string to_string(Evidence evidence) {
  switch (evidence) {
    case Evidence::seed: return "seed";
    case Evidence::primary: return "primary";
    case Evidence::review: return "review";
    case Evidence::clinic: return "clinic";
    case Evidence::secondary: return "secondary";
  }
  return "?";
}

std::string to_string(Pressure pressure) {
  switch (pressure) {
    case Pressure::light: return "light";
    case Pressure::medium: return "medium";
    case Pressure::firm: return "firm";
  }
  return "?";
}

namespace {
constexpr EnumName<Sex> kSexNames[] = {
    {Sex::female, "female"}, {Sex::male, "male"}, {Sex::other, "other"}, {Sex::unknown, "unknown"}};
}  // namespace

std::string to_string(Sex sex) { return std::string(enum_name<Sex>(kSexNames, sex)); }

std::optional<Sex> parse_sex(std::string_view text) { return parse_enum<Sex>(kSexNames, text); }

std::string to_string(Scope scope) {
  switch (scope) {
    case Scope::anywhere: return "anywhere";
    case Scope::zone: return "zone";
    case Scope::region: return "region";
  }
  return "?";
}

namespace {
constexpr EnumName<TaskDoer> kTaskDoerNames[] = {{TaskDoer::patient, "patient"}, {TaskDoer::practitioner, "practitioner"}};
}  // namespace

std::string to_string(TaskDoer doer) { return std::string(enum_name<TaskDoer>(kTaskDoerNames, doer)); }

std::optional<TaskDoer> parse_task_doer(std::string_view text) { return parse_enum<TaskDoer>(kTaskDoerNames, text); }

std::string format_mm(double mm) { return fmt::format("{:g} mm", mm); }

namespace {
std::string range_text(int min, int max, const char* unit) {
  if (min == max) return fmt::format("{} {}", min, unit);
  return fmt::format("{}–{} {}", min, max, unit);
}
}  // namespace

std::string describe_effect(const Effect& effect) {
  std::string text = to_string(effect.decision);
  if (effect.lifetime) text += ", at any time in the past";
  if (!effect.wait.empty()) text += ", wait " + effect.wait.describe();
  if (effect.scope == Scope::anywhere) text += ", wherever it is";
  if (effect.scope == Scope::zone) text += ", anywhere in the same zone (face, neck, body, scalp)";
  if (effect.scope == Scope::region) text += ", only in the treated area";
  return text;
}

std::string describe_needle_length(const NeedleLength& length) {
  const std::string range = length.min_mm == length.max_mm ? fmt::format("{:g} mm", length.min_mm)
                                                           : fmt::format("{:g}–{:g} mm", length.min_mm, length.max_mm);
  if (!length.recommended_mm) return length.min_mm == length.max_mm ? range : range + " (no single length named)";
  if (length.min_mm == length.max_mm) return range;
  return fmt::format("{}, recommended {:g} mm", range, *length.recommended_mm);
}

std::string describe_needle_guide(const NeedleGuide& guide) {
  std::string text = fmt::format("{:g}–{:g} mm", guide.min_mm, guide.max_mm);
  if (guide.thick_skin_max_mm) text += fmt::format(" (thick skin up to {:g} mm)", *guide.thick_skin_max_mm);
  return text;
}

std::string describe_course(const Course& course) {
  return fmt::format("{}, every {}", range_text(course.sessions.min, course.sessions.max, "sessions"),
                     range_text(course.interval_days.min, course.interval_days.max, "days"));
}

std::string describe_passes(const Passes& passes) {
  std::string directions;
  for (const auto& d : passes.directions) directions += (directions.empty() ? "" : ", ") + d;
  return fmt::format("{} ({})", range_text(passes.count.min, passes.count.max, "passes"), directions);
}

std::string describe_anaesthesia(const Anaesthesia& anaesthesia) {
  return fmt::format("{}, {}", anaesthesia.agent,
                     range_text(anaesthesia.minutes.min, anaesthesia.minutes.max, "min"));
}

std::string describe_assessment(const Assessment& assessment) {
  return fmt::format("{} after the last session",
                     range_text(assessment.after_last_session_days.min,
                                assessment.after_last_session_days.max, "days"));
}

std::string describe_home_use_limit(const HomeUseLimit& limit) {
  return fmt::format("at most {:g} mm at home", limit.max_mm);
}

std::string describe_device_preference(const DevicePreference& preference) {
  return preference.device;
}

std::string describe_days_before(const DaysBefore& days) {
  return fmt::format("{} days before", days.days);
}

std::string describe_hours_window(const HoursWindow& window) {
  if (window.open_ended && !window.vague_end.empty())
    return fmt::format("from {:g} h, {} (the source gives no number)", window.from_hours, window.vague_end);
  if (window.open_ended) return fmt::format("from {:g} h, no stated end", window.from_hours);
  return fmt::format("{:g}–{:g} h", window.from_hours, window.to_hours);
}

std::string describe_treatment_class(const TreatmentClass& treatment_class) {
  return to_string(treatment_class);
}

}  // namespace dermaplan::kb
