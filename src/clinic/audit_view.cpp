#include "clinic/audit_view.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace dermaplan::clinic {

namespace {

void add_ids(const nlohmann::json& value, std::vector<long long>& out) {
  if (value.is_number_integer()) out.push_back(value.get<long long>());
  if (value.is_array())
    for (const auto& v : value)
      if (v.is_number_integer()) out.push_back(v.get<long long>());
}

bool is_patient_entity(const std::string& entity) { return entity == "patient"; }

}  // namespace

std::vector<long long> audit_patients(const records::AuditEntry& e, long long session_patient) {
  std::vector<long long> out;
  if (is_patient_entity(e.entity) && e.record_id > 0) out.push_back(e.record_id);
  if (!e.detail.empty() && e.detail.front() == '{') {
    const auto detail = nlohmann::json::parse(e.detail, nullptr, false);
    if (detail.is_object()) {
      if (detail.contains("patient_id")) add_ids(detail["patient_id"], out);
      if (detail.contains("patients")) add_ids(detail["patients"], out);
      if (is_patient_entity(e.entity) && detail.contains("ids")) add_ids(detail["ids"], out);
    }
  }
  if (out.empty() && session_patient > 0) out.push_back(session_patient);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  out.erase(std::remove_if(out.begin(), out.end(), [](long long id) { return id <= 0; }), out.end());
  return out;
}

AuditPage read_audit(records::Store& store, const AuditQuery& q, long long newest) {
  AuditPage page;
  const int limit = std::clamp(q.limit, 1, 1000);
  const bool filtered = !q.user.empty() || !q.entity.empty() || q.patient_id > 0 || q.kind != AuditKind::any;
  const int batch_size = filtered ? 1000 : limit;
  std::map<long long, long long> session_patients;
  auto session_patient = [&](const records::AuditEntry& e) -> long long {
    if (e.entity != "session" || e.record_id <= 0) return 0;
    auto it = session_patients.find(e.record_id);
    if (it == session_patients.end()) {
      const auto s = store.find_session(e.record_id);
      it = session_patients.emplace(e.record_id, s ? s->patient_id : 0).first;
    }
    return it->second;
  };
  auto keep = [&](const records::AuditEntry& e) -> bool {
    if (!q.user.empty() && e.username != q.user && std::to_string(e.user_id) != q.user) return false;
    if (!q.entity.empty() && e.entity != q.entity) return false;
    if (q.kind == AuditKind::reads && e.action != records::AuditAction::read) return false;
    if (q.kind == AuditKind::writes && e.action == records::AuditAction::read) return false;
    return true;
  };
  auto take = [&](const records::AuditEntry& e) -> bool {  // false: the page is full
    if (!keep(e)) return true;
    AuditRow row{e, {}};
    row.patient_ids = audit_patients(e);
    if (row.patient_ids.empty()) row.patient_ids = audit_patients(e, session_patient(e));
    if (q.patient_id > 0 && !std::binary_search(row.patient_ids.begin(), row.patient_ids.end(), q.patient_id)) return true;
    page.rows.push_back(std::move(row));
    return static_cast<int>(page.rows.size()) < limit;
  };

  if (q.order == AuditOrder::oldest_first) {
    long long after = q.after;
    bool full = false;
    for (int batch = 0; batch < 20 && !full; ++batch) {
      const auto rows = store.list_audit(after, batch_size);
      for (const auto& e : rows) {
        after = e.seq;
        if (!take(e)) { full = true; break; }
      }
      if (rows.empty() || !filtered) break;
    }
    page.next_after = after;
  } else {
    // The log has no gaps (seq 1, 2, 3, ...): a window of seqs below `hi` is one list_audit call.
    long long hi = q.before > 0 ? q.before : newest;  // exclusive
    bool full = false;
    for (int batch = 0; batch < 20 && !full && hi > 1; ++batch) {
      const long long from = std::max(0LL, hi - 1 - batch_size);  // rows from+1 .. hi-1
      auto rows = store.list_audit(from, static_cast<int>(hi - 1 - from));
      std::reverse(rows.begin(), rows.end());
      long long lowest = hi;
      for (const auto& e : rows) {
        if (e.seq >= hi) continue;
        lowest = e.seq;
        if (!take(e)) { full = true; break; }
      }
      hi = full ? lowest : from + 1;
      if (!filtered) break;
    }
    page.next_before = hi > 1 ? hi : 0;
  }

  for (const auto& row : page.rows)
    for (long long id : row.patient_ids)
      if (!page.patient_names.count(id)) {
        const auto p = store.find_patient(id, true);
        page.patient_names.emplace(id, p ? p->name : "");
      }
  return page;
}

}  // namespace dermaplan::clinic
