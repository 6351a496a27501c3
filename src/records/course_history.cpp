// SociStore: the record course by course (course_history.h), and the kept course summaries it
// is read from (course_summaries.h).
//
// From the clinical tables, a batch of patients is read with one query per table over the
// batch's id range. The cursor reads course_summaries instead: one row per patient (its courses
// encoded), a batch of patients per query by keyset, inside one read snapshot; a patient whose
// row is stale in that snapshot (or damaged) is read from the clinical tables. Memory is one batch whatever
// the practice.
#include <algorithm>
#include <charconv>
#include <deque>
#include <fmt/format.h>
#include <string_view>
#include <unordered_map>

#include "core/civil_date.h"
#include "records/course_history.h"
#include "records/course_summaries.h"
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
  std::vector<CourseHistory> courses;  //!< every course of the patient, by plan id
};

/// Reads the courses of `patients` (ascending ids, one batch) from the clinical tables: every
/// course of each patient whatever its indication, with sessions as in force, the skin type,
/// the patient's scores (in `scores`, not yet copied into the courses) and the events assigned
/// to their course. Patient sex and birth date are left as the caller set them.
void read_from_clinical_tables(soci::session& sql, std::vector<BatchPatient>& patients) {
  if (patients.empty()) return;
  std::unordered_map<long long, size_t> patient_index;
  for (size_t k = 0; k < patients.size(); ++k) patient_index[patients[k].id] = k;
  long long lo = patients.front().id, hi = patients.back().id;
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
      if (!p) continue;
      CourseHistory c;
      c.patient_id = p->id;
      c.plan_id = row_int(r, 0);
      c.indication = row_text(r, 2);
      c.planned_sessions = static_cast<int>(row_int(r, 3));
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
    p.events.clear();
  }
}

// ---- the encoding of one patient's courses (course_summaries.courses) -----------------------
// "1;" (the format), then the patient's scores and courses as counts, numbers and strings:
// a number is its decimal text and ';' (reals in the shortest form that reads back exactly), a
// string its length in bytes, ':' and the bytes, so any text survives.

constexpr std::string_view kFormat = "1;";

void put(std::string& out, long long n) { fmt::format_to(std::back_inserter(out), "{};", n); }
void put_real(std::string& out, double x) { fmt::format_to(std::back_inserter(out), "{};", x); }
void put(std::string& out, const std::string& s) {
  fmt::format_to(std::back_inserter(out), "{}:", s.size());
  out += s;
}

std::string encode_courses(const BatchPatient& p) {
  std::string out(kFormat);
  put(out, static_cast<long long>(p.scores.size()));
  for (const auto& s : p.scores) {
    put(out, s.scale_id);
    put_real(out, s.score);
    put(out, s.region);
    put(out, s.assessed_on);
  }
  put(out, static_cast<long long>(p.courses.size()));
  for (const auto& c : p.courses) {
    put(out, c.plan_id);
    put(out, c.indication);
    put(out, c.planned_sessions);
    put(out, c.fitzpatrick ? *c.fitzpatrick : -1);
    put(out, static_cast<long long>(c.sessions.size()));
    for (const auto& s : c.sessions) {
      put(out, s.id);
      put(out, s.session_date);
      put(out, s.practitioner_id);
      put(out, s.device_id);
      put(out, s.lot_number);
      put(out, s.status == SessionStatus::signed_off ? 1 : 0);
      put(out, static_cast<long long>(s.needle_lengths.size()));
      for (const auto& n : s.needle_lengths) {
        put(out, n.region);
        put_real(out, n.needle_length_mm);
      }
    }
    put(out, static_cast<long long>(c.adverse_events.size()));
    for (const auto& e : c.adverse_events) {
      put(out, e.session_id);
      put(out, e.event_type);
      put(out, static_cast<long long>(e.severity));
      put(out, e.onset_date);
    }
  }
  return out;
}

/// Reads what encode_courses wrote; InvalidRecordError naming the patient and the byte when
/// the text is not in that form (the cursor then reads that patient from the clinical tables).
class Decoder {
 public:
  Decoder(std::string_view text, long long patient_id) : text_(text), patient_id_(patient_id) {}

  void format() {
    if (text_.substr(0, kFormat.size()) != kFormat) fail();
    at_ = kFormat.size();
  }
  long long number() { return parse<long long>(); }
  double real() { return parse<double>(); }
  /// One ';'-terminated number at the cursor.
  template <class T>
  T parse() {
    T value{};
    const char* first = text_.data() + at_;
    const char* last = text_.data() + text_.size();
    auto [end, error] = std::from_chars(first, last, value);
    if (error != std::errc() || end == last || *end != ';') fail();
    at_ += static_cast<size_t>(end - first) + 1;
    return value;
  }
  size_t count() {
    const long long n = number();
    if (n < 0 || static_cast<size_t>(n) > text_.size()) fail();
    return static_cast<size_t>(n);
  }
  void text(std::string& out) {
    size_t n = 0;
    const char* first = text_.data() + at_;
    const char* last = text_.data() + text_.size();
    auto [end, error] = std::from_chars(first, last, n);
    if (error != std::errc() || end == last || *end != ':') fail();
    at_ += static_cast<size_t>(end - first) + 1;
    if (n > text_.size() - at_) fail();
    out.assign(text_.data() + at_, n);
    at_ += n;
  }
  void end() {
    if (at_ != text_.size()) fail();
  }

 private:
  [[noreturn]] void fail() const {
    throw InvalidRecordError("course_summaries.courses",
                             fmt::format("patient {}: not a course summary at byte {}", patient_id_, at_));
  }
  std::string_view text_;
  long long patient_id_;
  size_t at_ = 0;
};

void decode_courses(std::string_view text, BatchPatient& p) {
  Decoder in(text, p.id);
  if (text.empty()) return;  // a patient with no course
  in.format();
  p.scores.resize(in.count());
  for (auto& s : p.scores) {
    in.text(s.scale_id);
    s.score = in.real();
    in.text(s.region);
    in.text(s.assessed_on);
  }
  p.courses.resize(in.count());
  for (auto& c : p.courses) {
    c.patient_id = p.id;
    c.plan_id = in.number();
    in.text(c.indication);
    c.planned_sessions = static_cast<int>(in.number());
    if (const long long type = in.number(); type >= 0) c.fitzpatrick = static_cast<int>(type);
    c.sessions.resize(in.count());
    for (auto& s : c.sessions) {
      s.id = in.number();
      in.text(s.session_date);
      s.practitioner_id = in.number();
      in.text(s.device_id);
      in.text(s.lot_number);
      s.status = in.number() == 1 ? SessionStatus::signed_off : SessionStatus::performed;
      s.needle_lengths.resize(in.count());
      for (auto& n : s.needle_lengths) {
        in.text(n.region);
        n.needle_length_mm = in.real();
      }
    }
    c.adverse_events.resize(in.count());
    for (auto& e : c.adverse_events) {
      e.session_id = in.number();
      in.text(e.event_type);
      const long long severity = in.number();
      e.severity = severity == static_cast<long long>(Severity::moderate) ? Severity::moderate
                   : severity == static_cast<long long>(Severity::severe) ? Severity::severe
                                                                            : Severity::mild;
      in.text(e.onset_date);
    }
  }
  in.end();
}

// ---- the cursor -----------------------------------------------------------------------------

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
  /// The next batch of live patients, every one from the clinical tables (from_clinical_tables).
  void read_patients(std::vector<BatchPatient>& patients);
  /// The next batch of live patients with a kept summary; the stale ones from the clinical tables.
  void read_summaries(std::vector<BatchPatient>& patients);

  ConnectionPool::Lease lease_;
  Backend backend_;
  CourseHistoryQuery query_;
  std::vector<std::string> indications_;
  std::unique_ptr<ReadTransaction> snapshot_;
  long long after_ = 0;
  bool done_ = false;
  std::deque<CourseHistory> ready_;
};

void SociCourseCursor::read_patients(std::vector<BatchPatient>& patients) {
  soci::session& sql = *lease_;
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
    patients.push_back(std::move(p));
  }
  if (static_cast<int>(patients.size()) < limit) done_ = true;
  if (!patients.empty()) after_ = patients.back().id;
  read_from_clinical_tables(sql, patients);
}

void SociCourseCursor::read_summaries(std::vector<BatchPatient>& patients) {
  soci::session& sql = *lease_;
  const int limit = query_.batch_patients;
  std::vector<BatchPatient> stale;
  std::string courses;
  int read = 0;
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT s.patient_id, p.sex, p.birth_date, s.stale, s.courses FROM course_summaries s"
                      " JOIN patients p ON p.id = s.patient_id WHERE s.patient_id > :after AND p.deleted = 0"
                      " ORDER BY s.patient_id LIMIT :n",
       soci::use(after_), soci::use(limit));
  for (const auto& r : rows) {
    ++read;
    BatchPatient p;
    p.id = row_int(r, 0);
    after_ = p.id;
    p.sex = row_text(r, 1);
    p.birth_date = row_text(r, 2);
    bool fresh = row_int(r, 3) == 0;
    if (fresh) {
      courses = row_text(r, 4);
      try {
        decode_courses(courses, p);
      } catch (const InvalidRecordError&) {
        fresh = false;  // damaged: the summary is derived, the clinical tables are the record
        p.scores.clear();
        p.courses.clear();
      }
    }
    if (!fresh) {
      stale.push_back(std::move(p));
      patients.emplace_back();  // filled in below, in order
      continue;
    }
    patients.push_back(std::move(p));
  }
  if (read < limit) done_ = true;
  if (stale.empty()) return;
  read_from_clinical_tables(sql, stale);
  size_t k = 0;
  for (auto& p : patients)
    if (p.id == 0) p = std::move(stale[k++]);
}

void SociCourseCursor::read_batch() {
  std::vector<BatchPatient> patients;
  patients.reserve(static_cast<size_t>(query_.batch_patients));
  if (query_.from_clinical_tables) read_patients(patients);
  else read_summaries(patients);
  for (auto& p : patients) {
    for (auto& c : p.courses) {
      if (!wanted(c.indication)) continue;
      c.patient_sex = p.sex;
      c.patient_birth_date = p.birth_date;
      c.scores = p.scores;
      ready_.push_back(std::move(c));
    }
  }
}

}  // namespace

void refresh_course_summaries(soci::session& sql, Backend backend) {
  // A few hundred stale patients a round, each round's ids close together (a batch reads the
  // clinical tables over its id range): the refreshed rows are no longer stale next round.
  constexpr int kRound = 500;
  constexpr long long kSpan = 2000;
  const std::string select = std::string("SELECT patient_id FROM course_summaries WHERE stale <> 0"
                                         " ORDER BY patient_id LIMIT ") +
                             std::to_string(kRound) + (backend == Backend::postgresql ? " FOR UPDATE" : "");
  while (true) {
    std::vector<long long> ids;
    {
      soci::rowset<long long> rows = sql.prepare << select;
      for (long long id : rows) ids.push_back(id);
    }
    if (ids.empty()) return;
    for (size_t first = 0; first < ids.size();) {
      std::vector<BatchPatient> patients;
      size_t k = first;
      for (; k < ids.size() && ids[k] - ids[first] <= kSpan; ++k) {
        patients.emplace_back();
        patients.back().id = ids[k];
      }
      first = k;
      read_from_clinical_tables(sql, patients);
      long long id = 0;
      std::string courses;
      soci::statement update =
          (sql.prepare << "UPDATE course_summaries SET stale = 0, courses = :c WHERE patient_id = :p",
           soci::use(courses), soci::use(id));
      for (const auto& p : patients) {
        id = p.id;
        courses = p.courses.empty() ? std::string() : encode_courses(p);
        update.execute(true);
      }
    }
  }
}

void mark_every_course_summary_stale(soci::session& sql) {
  sql << "DELETE FROM course_summaries";
  sql << "INSERT INTO course_summaries (patient_id, stale, courses)"
         " SELECT DISTINCT patient_id, 1, '' FROM course_plans";
}

std::unique_ptr<CourseHistoryCursor> SociStore::read_course_histories(const CourseHistoryQuery& query) {
  if (query.batch_patients < 1 || query.batch_patients > 10000)
    throw InvalidRecordError("batch_patients", "must be from 1 to 10000");
  if (!query.from_clinical_tables) {
    // What changed since the last read, refreshed first (a write only when something did; it
    // changes no record content, so it does not count as a change).
    const bool any_stale = read("read_course_histories", [](soci::session& sql) {
      int stale = 0;
      sql << "SELECT COUNT(*) FROM (SELECT 1 FROM course_summaries WHERE stale <> 0 LIMIT 1) t", soci::into(stale);
      return stale > 0;
    });
    if (any_stale)
      write<false>("read_course_histories", [&](soci::session& sql) { refresh_course_summaries(sql, backend()); });
  }
  try {
    return std::make_unique<SociCourseCursor>(pool_.acquire(), backend(), query);
  } catch (const RecordError&) {
    throw;
  } catch (const std::exception& e) {
    rethrow_as_record_error(e, "read_course_histories");
  }
}

}  // namespace dermaplan::records
