// Plain-words renderings of knowledge-base values, used in listings and in output that
// shows where sources disagree.
#pragma once

#include "kb/knowledge_base.h"

#include <optional>
#include <string>
#include <string_view>

namespace dermaplan::kb {

std::string to_string(Decision decision);
std::string to_string(TreatmentClass treatment_class);
std::string to_string(DeviceKind kind);
std::string to_string(Evidence evidence);
std::string to_string(Pressure pressure);
std::string to_string(Sex sex);
std::string to_string(Scope scope);
std::string to_string(TaskDoer doer);  //!< "patient" | "practitioner"
std::optional<TaskDoer> parse_task_doer(std::string_view text);
/// "female", "male", "other", "unknown"; nullopt for anything else.
std::optional<Sex> parse_sex(std::string_view text);

std::string describe_effect(const Effect& effect);
std::string describe_needle_length(const NeedleLength& length);
std::string describe_needle_guide(const NeedleGuide& guide);
std::string describe_course(const Course& course);
std::string describe_passes(const Passes& passes);
std::string describe_anaesthesia(const Anaesthesia& anaesthesia);
std::string describe_assessment(const Assessment& assessment);
std::string describe_device_preference(const DevicePreference& preference);
std::string describe_home_use_limit(const HomeUseLimit& limit);
std::string describe_days_before(const DaysBefore& days);
std::string describe_hours_window(const HoursWindow& window);
std::string describe_treatment_class(const TreatmentClass& treatment_class);

/// "1.5 mm" with no trailing zeros.
std::string format_mm(double mm);

}  // namespace dermaplan::kb
