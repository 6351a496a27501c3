#include "interop/plan_document.h"

#include "core/errors.h"

#include <fmt/format.h>

namespace dermaplan::interop {

namespace {
using nlohmann::json;

/// Typed reads from the plan JSON, each failure naming the JSON path.
class Reader {
 public:
  explicit Reader(std::string where) : where_(std::move(where)) {}

  const json& member(const json& object, const std::string& path, const char* key) const {
    if (!object.is_object()) fail(path, "must be an object");
    auto it = object.find(key);
    if (it == object.end()) fail(path + "/" + key, "is missing");
    return *it;
  }
  std::string text(const json& object, const std::string& path, const char* key) const {
    const json& v = member(object, path, key);
    if (!v.is_string()) fail(path + "/" + key, "must be a string");
    return v.get<std::string>();
  }
  std::string optional_text(const json& object, const char* key) const {
    auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
  }
  bool boolean(const json& object, const std::string& path, const char* key) const {
    const json& v = member(object, path, key);
    if (!v.is_boolean()) fail(path + "/" + key, "must be true or false");
    return v.get<bool>();
  }
  double number(const json& object, const std::string& path, const char* key) const {
    const json& v = member(object, path, key);
    if (!v.is_number()) fail(path + "/" + key, "must be a number");
    return v.get<double>();
  }
  int integer(const json& object, const std::string& path, const char* key) const {
    const json& v = member(object, path, key);
    if (!v.is_number_integer()) fail(path + "/" + key, "must be an integer");
    return v.get<int>();
  }
  CivilDate date(const json& object, const std::string& path, const char* key) const {
    const std::string value = text(object, path, key);
    auto day = parse_civil_date(value);
    if (!day) fail(path + "/" + key, fmt::format("'{}' is not a date YYYY-MM-DD", value));
    return *day;
  }
  const json& array(const json& object, const std::string& path, const char* key) const {
    const json& v = member(object, path, key);
    if (!v.is_array()) fail(path + "/" + key, "must be an array");
    return v;
  }
  [[noreturn]] void fail(const std::string& path, const std::string& what) const {
    throw InputError(where_ + (path.empty() ? "/" : path), what + " (expected the JSON of 'dermaplan plan --format json')");
  }

 private:
  std::string where_;
};
}  // namespace

PlanDocument parse_plan_document(const json& plan, const std::string& where) {
  const Reader r(where);
  if (!plan.is_object()) r.fail("", "a plan must be a JSON object");
  PlanDocument doc;
  doc.indication = r.text(plan, "", "indication");
  doc.indication_name = r.text(plan, "", "indication_name");
  doc.treatment_class = r.text(plan, "", "treatment_class");
  doc.physician_required = r.boolean(plan, "", "physician_required");
  doc.treatable = r.boolean(plan, "", "treatable");
  doc.status = r.text(plan, "", "status");
  const json& device = r.member(plan, "", "device");
  doc.device_id = r.text(device, "/device", "id");
  doc.device_name = r.text(device, "/device", "name");

  const json& areas = r.array(plan, "", "areas");
  for (size_t i = 0; i < areas.size(); ++i) {
    const std::string path = fmt::format("/areas/{}", i);
    PlanArea area;
    area.region = r.text(areas[i], path, "region");
    area.region_name = r.text(areas[i], path, "region_name");
    area.planned_length_mm = r.number(r.member(areas[i], path, "needle_length_mm"), path + "/needle_length_mm", "planned");
    area.device_id = r.text(r.member(areas[i], path, "device"), path + "/device", "id");
    doc.areas.push_back(std::move(area));
  }
  const json& sessions = r.array(plan, "", "sessions");
  for (size_t i = 0; i < sessions.size(); ++i) {
    const std::string path = fmt::format("/sessions/{}", i);
    PlanSession s;
    s.number = r.integer(sessions[i], path, "number");
    s.date = r.date(sessions[i], path, "date");
    s.latest_date = r.date(sessions[i], path, "latest_date");
    s.optional = sessions[i].value("optional", false);
    doc.sessions.push_back(s);
  }
  const json& count = r.member(plan, "", "session_count");
  doc.session_count_min = r.integer(count, "/session_count", "min");
  doc.session_count_max = r.integer(count, "/session_count", "max");
  const json& preparation = r.array(plan, "", "preparation");
  for (size_t i = 0; i < preparation.size(); ++i) {
    const std::string path = fmt::format("/preparation/{}", i);
    PlanTask t;
    t.id = r.text(preparation[i], path, "id");
    t.task = r.text(preparation[i], path, "task");
    t.due = r.date(preparation[i], path, "due");
    t.session = r.integer(preparation[i], path, "session");
    if (preparation[i].contains("done_by")) {
      const std::string doer = r.text(preparation[i], path, "done_by");
      if (doer == "practitioner") t.done_by = TaskDoer::practitioner;
      else if (doer == "patient") t.done_by = TaskDoer::patient;
      else r.fail(path + "/done_by", fmt::format("'{}' is not accepted; accepted: patient, practitioner", doer));
    }
    doc.preparation.push_back(std::move(t));
  }
  const json& aftercare = r.array(plan, "", "aftercare");
  for (size_t i = 0; i < aftercare.size(); ++i) {
    const std::string path = fmt::format("/aftercare/{}", i);
    PlanAftercare a;
    a.id = r.text(aftercare[i], path, "id");
    a.instruction = r.text(aftercare[i], path, "instruction");
    a.from_hours = r.number(aftercare[i], path, "from_hours");
    if (!aftercare[i].value("open_ended", false)) a.to_hours = r.number(aftercare[i], path, "to_hours");
    else a.vague_end = r.optional_text(aftercare[i], "vague_end");
    doc.aftercare.push_back(std::move(a));
  }
  if (plan.contains("assessment_date")) doc.assessment_date = r.date(plan, "", "assessment_date");
  if (plan.contains("warnings"))
    for (const auto& w : r.array(plan, "", "warnings"))
      if (w.is_string()) doc.warnings.push_back(w.get<std::string>());
  doc.notice = r.text(plan, "", "notice");
  doc.knowledge_version = r.optional_text(plan, "knowledge_version");
  doc.policy = r.optional_text(plan, "policy");
  return doc;
}

}  // namespace dermaplan::interop
