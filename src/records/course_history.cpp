// SociStore: the record course by course (course_history.h). A batch of patients is read with
// one query per table over the batch's id range, inside one read snapshot held by the cursor;
// the next batch starts after the last id (keyset), so memory is one batch whatever the practice.
#include <algorithm>
#include <deque>
#include <unordered_map>

#include "core/civil_date.h"
#include "records/course_history.h"
#include "records/soci_store.h"

namespace dermaplan::records {
namespace {

/// The end of a calendar day (UTC) in epoch milliseconds; 0 when the date does not parse.
long long end_of_day_ms(const std::string& day) {
  const auto date = parse_civil_date(day);
  if (!date) return 0;
  const auto days = date::sys_days(*date).time_since_epoch().count();
  return (static_cast<long long>(days) + 1) * 86'400'000LL;
}

struct BatchPatient {
  long long id = 0;
  std::string sex, birth_date;
  struct TypeVersion {
    long long created_at_ms;
    int type;
  };
  std::vector<TypeVersion> types;  //!< intake versions giving a skin type, oldest first
  std::vector<CourseScore> scores;
  std::vector<std::pair<long long, CourseAdverseEvent>> events;  //!< with the event id
  std::vector<CourseHistory> courses;
};

class SociCourseCursor final : public CourseHistoryCursor {
 public:
  SociCourseCursor(ConnectionPool::Lease lease, Backend backend, CourseHistoryQuery query)
      : lease_(std::move(lease)), backend_(backend), query_(std::move(query)) {
    snapshot_ = std::make_unique<ReadTransaction>(*lease_, backend_);
    indications_.reserve(query_.indications.size());
    for (const auto& i : query_.indications) indications_.push_back(i);
    std::sort(indications_.begin(), indications_.end());
  }
  ~SociCourseCursor() override { snapshot_.reset(); }

  bool next(CourseHistory& course) override {
    try {
      while (ready_.empty()) {
        if (done_) return false;
        read_batch();
      }
    } catch (const RecordError&) {
      throw;
    } catch (const std::exception& e) {
      rethrow_as_record_error(e, "read_course_histories");
    }
    course = std::move(ready_.front());
    ready_.pop_front();
    return true;
  }

 private:
  bool wanted(const std::string& indication) const {
    return indications_.empty() || std::binary_search(indications_.begin(), indications_.end(), indication);
  }

  void read_batch();

  ConnectionPool::Lease lease_;
  Backend backend_;
  CourseHistoryQuery query_;
  std::vector<std::string> indications_;
  std::unique_ptr<ReadTransaction> snapshot_;
  long long after_ = 0;
  bool done_ = false;
  std::deque<CourseHistory> ready_;
};

void SociCourseCursor::read_batch() {
  soci::session& sql = *lease_;
  std::vector<BatchPatient> patients;
  std::unordered_map<long long, size_t> patient_index;
  {
    const int limit = query_.batch_patients;
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT id, sex, birth_date FROM patients WHERE id > :after AND deleted = 0 ORDER BY id"
                        " LIMIT :n",
         soci::use(after_), soci::use(limit));
    for (const auto& r : rows) {
      BatchPatient p;
      p.id = row_int(r, 0);
      p.sex = row_text(r, 1);
      p.birth_date = row_text(r, 2);
      patient_index[p.id] = patients.size();
      patients.push_back(std::move(p));
    }
    if (static_cast<int>(patients.size()) < limit) done_ = true;
  }
  if (patients.empty()) return;
  long long lo = patients.front().id, hi = patients.back().id;
  after_ = hi;
  auto patient_of = [&](long long id) -> BatchPatient* {
    auto it = patient_index.find(id);
    return it == patient_index.end() ? nullptr : &patients[it->second];
  };

  // Plans, then the sessions under them.
  std::unordered_map<long long, std::pair<BatchPatient*, size_t>> plan_index;  // plan id -> course
  {
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT id, patient_id, indication, planned_sessions FROM course_plans"
                        " WHERE patient_id >= :lo AND patient_id <= :hi ORDER BY patient_id, id",
         soci::use(lo), soci::use(hi));
    for (const auto& r : rows) {
      BatchPatient* p = patient_of(row_int(r, 1));
      std::string indication = row_text(r, 2);
      if (!p || !wanted(indication)) continue;
      CourseHistory c;
      c.patient_id = p->id;
      c.plan_id = row_int(r, 0);
      c.indication = std::move(indication);
      c.planned_sessions = static_cast<int>(row_int(r, 3));
      c.patient_sex = p->sex;
      c.patient_birth_date = p->birth_date;
      plan_index[c.plan_id] = {p, p->courses.size()};
      p->courses.push_back(std::move(c));
    }
  }
  if (plan_index.empty()) return;

  std::unordered_map<long long, CourseSession*> session_index;
  {
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT id, plan_id, session_date, practitioner_id, device_id, lot_number, status"
                        " FROM treatment_sessions WHERE patient_id >= :lo AND patient_id <= :hi"
                        " AND status IN ('performed', 'signed') AND plan_id IS NOT NULL ORDER BY patient_id, id",
         soci::use(lo), soci::use(hi));
    for (const auto& r : rows) {
      auto it = plan_index.find(row_int(r, 1));
      if (it == plan_index.end()) continue;
      CourseSession s;
      s.id = row_int(r, 0);
      s.session_date = row_text(r, 2);
      s.practitioner_id = row_int(r, 3);
      s.device_id = row_text(r, 4);
      s.lot_number = row_text(r, 5);
      s.status = parse_session_status(row_text(r, 6)).value_or(SessionStatus::performed);
      it->second.first->courses[it->second.second].sessions.push_back(std::move(s));
    }
  }
  // Pointers only once every vector has its final size.
  for (auto& p : patients)
    for (auto& c : p.courses)
      for (auto& s : c.sessions) session_index[s.id] = &s;
  if (!session_index.empty()) {
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT n.session_id, n.region, n.needle_length_mm FROM session_needle_lengths n"
                        " JOIN treatment_sessions s ON s.id = n.session_id"
                        " WHERE s.patient_id >= :lo AND s.patient_id <= :hi ORDER BY n.session_id, n.region",
         soci::use(lo), soci::use(hi));
    for (const auto& r : rows) {
      auto it = session_index.find(row_int(r, 0));
      if (it != session_index.end()) it->second->needle_lengths.push_back({row_text(r, 1), row_real(r, 2)});
    }
    // Amended values in force: the latest amendment of each field (amendments in id order).
    soci::rowset<soci::row> amendments =
        (sql.prepare << "SELECT a.session_id, a.field, a.new_value FROM amendments a"
                        " JOIN treatment_sessions s ON s.id = a.session_id"
                        " WHERE s.patient_id >= :lo AND s.patient_id <= :hi AND a.field IN"
                        " ('session_date', 'practitioner_id', 'device_id', 'needle_lengths', 'lot_number')"
                        " ORDER BY a.id",
         soci::use(lo), soci::use(hi));
    for (const auto& r : amendments) {
      auto it = session_index.find(row_int(r, 0));
      if (it == session_index.end()) continue;
      CourseSession& s = *it->second;
      const std::string field = row_text(r, 1), value = row_text(r, 2);
      if (field == "session_date") s.session_date = value;
      else if (field == "practitioner_id") s.practitioner_id = std::stoll(value);
      else if (field == "device_id") s.device_id = value;
      else if (field == "lot_number") s.lot_number = value;
      else s.needle_lengths = needle_lengths_from_json(value, "amendment.new_value");
    }
  }

  {
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT patient_id, created_at_ms, fitzpatrick FROM intakes WHERE patient_id >= :lo"
                        " AND patient_id <= :hi AND fitzpatrick IS NOT NULL ORDER BY patient_id, version",
         soci::use(lo), soci::use(hi));
    for (const auto& r : rows)
      if (BatchPatient* p = patient_of(row_int(r, 0)))
        p->types.push_back({row_int(r, 1), static_cast<int>(row_int(r, 2))});
  }
  {
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT patient_id, scale_id, score, region, assessed_on FROM outcome_assessments"
                        " WHERE patient_id >= :lo AND patient_id <= :hi ORDER BY patient_id, assessed_on, id",
         soci::use(lo), soci::use(hi));
    for (const auto& r : rows)
      if (BatchPatient* p = patient_of(row_int(r, 0)); p && !p->courses.empty())
        p->scores.push_back({row_text(r, 1), row_real(r, 2), row_text(r, 3), row_text(r, 4)});
  }
  {
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT id, patient_id, session_id, event_type, severity, onset_date FROM adverse_events"
                        " WHERE patient_id >= :lo AND patient_id <= :hi ORDER BY patient_id, onset_date, id",
         soci::use(lo), soci::use(hi));
    for (const auto& r : rows)
      if (BatchPatient* p = patient_of(row_int(r, 1)); p && !p->courses.empty())
        p->events.push_back({row_int(r, 0),
                             {row_int(r, 2), row_text(r, 3), parse_severity(row_text(r, 4)).value_or(Severity::mild),
                              row_text(r, 5)}});
  }

  // Assemble each patient's courses.
  for (auto& p : patients) {
    if (p.courses.empty()) continue;
    std::unordered_map<long long, size_t> course_of_session;
    for (size_t k = 0; k < p.courses.size(); ++k) {
      auto& c = p.courses[k];
      std::sort(c.sessions.begin(), c.sessions.end(), [](const CourseSession& a, const CourseSession& b) {
        return a.session_date != b.session_date ? a.session_date < b.session_date : a.id < b.id;
      });
      for (const auto& s : c.sessions) course_of_session[s.id] = k;
      // The skin type in force at the first session.
      const long long by_ms = c.sessions.empty() ? 0 : end_of_day_ms(c.sessions.front().session_date);
      for (const auto& t : p.types) {
        if (by_ms != 0 && t.created_at_ms >= by_ms) {
          if (!c.fitzpatrick) c.fitzpatrick = t.type;
          break;
        }
        c.fitzpatrick = t.type;
      }
      c.scores = p.scores;
    }
    // Events linked to no session go to the latest course begun on or before the onset.
    for (auto& [event_id, event] : p.events) {
      size_t k = 0;
      if (event.session_id != 0) {
        auto it = course_of_session.find(event.session_id);
        if (it == course_of_session.end()) continue;  // a session of no course, or not performed
        k = it->second;
      } else {
        std::string best;
        for (size_t j = 0; j < p.courses.size(); ++j) {
          const auto& sessions = p.courses[j].sessions;
          if (sessions.empty() || sessions.front().session_date > event.onset_date) continue;
          if (sessions.front().session_date >= best) {
            best = sessions.front().session_date;
            k = j;
          }
        }
      }
      p.courses[k].adverse_events.push_back(std::move(event));
    }
    for (auto& c : p.courses) ready_.push_back(std::move(c));
  }
}

}  // namespace

std::unique_ptr<CourseHistoryCursor> SociStore::read_course_histories(const CourseHistoryQuery& query) {
  if (query.batch_patients < 1 || query.batch_patients > 10000)
    throw InvalidRecordError("batch_patients", "must be from 1 to 10000");
  try {
    return std::make_unique<SociCourseCursor>(pool_.acquire(), backend(), query);
  } catch (const RecordError&) {
    throw;
  } catch (const std::exception& e) {
    rethrow_as_record_error(e, "read_course_histories");
  }
}

}  // namespace dermaplan::records
