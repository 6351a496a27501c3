// The patient list as the practice grows: substring name search served by the names of the
// query's rarest pair of characters or by a trigram index (SQLite FTS5, PostgreSQL pg_trgm),
// with the same results as the LIKE scan it replaced,
// keyset pages that stay complete and ordered while others insert, and totals read from
// counters the database keeps.
#include <algorithm>
#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "records/search_fold.h"
#include "store_test_support.h"

namespace dermaplan::records::testing {
namespace {

class StoreSearch : public StoreTest {};
DERMAPLAN_INSTANTIATE_BACKENDS(StoreSearch);

// Names in several scripts, with LIKE's wildcards, quotes and FTS5 syntax in them.
const std::vector<std::string> kNames = {
    "Anna Berger",     "Hanna Annabelle", "Jürgen Müller",  "MÜLLER-Lüdenscheidt", "Zoë Ölçer",
    "ÉLODIE Dubois",   "Ивана Иванова",   "Αλέξης Παππάς",  "100% Cotton_Jones",   "O'Brien \"Bo\"",
    "Back\\slash Ann", "NEAR Anna AND",   "x",              "Li Na",               "Tomás García",
    "Anna Berger",  // the same name twice: ordered by id
    "Curl {Brace}, Jr",  // an array literal's syntax (PostgreSQL's pairs are written as arrays)
};

// The queries of three characters or more: the old LIKE search's results are the reference
// (fold both, then a substring).
const std::vector<std::string> kQueries = {
    "",     "ann",   "ANNA", "anna b", "müller", "MÜL", "ller-l",    "zoë",  "ÖLÇ",  "élo",  "ивано", "ИВА",
    "αλέ",  "ΠΑΠ",   "100%", "n_j",    "o'b",    "\"bo\"", "k\\sl",  "near anna", "and", "li n", "s ga",
    "annabellee",
};
// One or two characters (no trigram: two read their pair's names, one walks the name index):
// a substring too, with the same wildcards, quotes and scripts, and characters near a UTF-8
// length boundary (ÿ, Ā).
const std::vector<std::string> kShortQueries = {"a", "an", "AN", "h", "é", "ÉL", "и", "ив", "α", "1", "10", "%",
                                                "_",  "_j", "\\", "\"", "*",  "x", "li", "zz", "ÿ", "o'", " "};

/// The two ways a search of three characters or more finds its matches: the names of its
/// rarest pair (the default limit: these lists are far below it) and the trigram index (0).
const std::vector<long long> kWalkLimits = {StoreOptions{}.search_pair_walk_limit, 0};

StoreOptions walking_up_to(long long limit) {
  StoreOptions options;
  options.search_pair_walk_limit = limit;
  return options;
}

/// What the list answers for `query`, computed here from the names: the old LIKE search's
/// results, i.e. the names whose folded form holds the folded query, whatever its length.
std::vector<long long> reference(const std::vector<Patient>& all, const std::string& query) {
  std::vector<const Patient*> hits;
  const std::string needle = fold_for_search(query);
  for (const auto& p : all) {
    if (fold_for_search(p.name).find(needle) != std::string::npos) hits.push_back(&p);
  }
  std::sort(hits.begin(), hits.end(), [](const Patient* a, const Patient* b) {
    return std::pair(fold_for_search(a->name), a->id) < std::pair(fold_for_search(b->name), b->id);
  });
  std::vector<long long> ids;
  for (const auto* p : hits) ids.push_back(p->id);
  return ids;
}

std::vector<long long> ids_of(const PatientPage& page) {
  std::vector<long long> ids;
  for (const auto& p : page.patients) ids.push_back(p.id);
  return ids;
}

TEST_P(StoreSearch, SubstringSearchFindsWhatTheLikeScanFound) {
  auto store = open();
  Actor admin = make_admin(*store);
  std::vector<Patient> all;
  for (const auto& name : kNames) all.push_back(make_patient(*store, admin, name));
  for (long long walk_limit : kWalkLimits) {
    auto searcher = open(walking_up_to(walk_limit));
    for (const auto& query : kQueries) {
      SCOPED_TRACE("query \"" + query + "\", pair walk limit " + std::to_string(walk_limit));
      PatientQuery q;
      q.name_contains = query;
      q.limit = 1000;
      const auto page = searcher->list_patients(q);
      const auto expected = reference(all, query);
      EXPECT_EQ(ids_of(page), expected);
      EXPECT_EQ(page.total, static_cast<long long>(expected.size()));
    }
  }
  // A few spelled out, so a reader sees what "the same results" means.
  auto names = [&](const std::string& query) {
    PatientQuery q;
    q.name_contains = query;
    std::vector<std::string> out;
    for (const auto& p : store->list_patients(q).patients) out.push_back(p.name);
    return out;
  };
  EXPECT_EQ(names("MÜL"), (std::vector<std::string>{"Jürgen Müller", "MÜLLER-Lüdenscheidt"}));
  EXPECT_EQ(names("ann"), (std::vector<std::string>{"Anna Berger", "Anna Berger", "Back\\slash Ann", "Hanna Annabelle",
                                                    "NEAR Anna AND"}));
  EXPECT_EQ(names("100%"), (std::vector<std::string>{"100% Cotton_Jones"}));
  EXPECT_EQ(names("\"bo\""), (std::vector<std::string>{"O'Brien \"Bo\""}));
  EXPECT_EQ(names("ИВА"), (std::vector<std::string>{"Ивана Иванова"}));
  EXPECT_TRUE(names("zz").empty());
}

TEST_P(StoreSearch, OneOrTwoCharactersAreASubstringToo) {
  auto store = open();
  Actor admin = make_admin(*store);
  std::vector<Patient> all;
  for (const auto& name : kNames) all.push_back(make_patient(*store, admin, name));
  for (const std::string name : {"ÿsolde Ende", "Ābele First", "Ÿ"}) all.push_back(make_patient(*store, admin, name));
  for (const auto& query : kShortQueries) {
    SCOPED_TRACE("query \"" + query + "\"");
    PatientQuery q;
    q.name_contains = query;
    q.limit = 1000;
    const auto page = store->list_patients(q);
    const auto expected = reference(all, query);
    EXPECT_EQ(ids_of(page), expected);
    EXPECT_EQ(page.total, static_cast<long long>(expected.size()));
    EXPECT_FALSE(page.total_is_lower_bound);
  }
  auto names = [&](const std::string& query) {
    PatientQuery q;
    q.name_contains = query;
    std::vector<std::string> out;
    for (const auto& p : store->list_patients(q).patients) out.push_back(p.name);
    return out;
  };
  // Two letters are found inside a name as at its start ("Li Na", a two-letter surname, too).
  EXPECT_EQ(names("na"), (std::vector<std::string>{"Anna Berger", "Anna Berger", "Hanna Annabelle", "Li Na",
                                                   "NEAR Anna AND"}));
  EXPECT_EQ(names("ÿ"), (std::vector<std::string>{"Ÿ", "ÿsolde Ende"}));
  EXPECT_EQ(names("10"), (std::vector<std::string>{"100% Cotton_Jones"}));
  EXPECT_EQ(names("%"), (std::vector<std::string>{"100% Cotton_Jones"}));  // wildcards are literal
  EXPECT_EQ(names("_"), (std::vector<std::string>{"100% Cotton_Jones"}));
}

TEST_P(StoreSearch, TwoCharacterSearchFollowsRenamesAndDeletions) {
  // Two characters are looked up in the pairs of each name (patient_name_pairs): a rename
  // replaces them, a deleted patient keeps them for include_deleted only.
  auto store = open();
  Actor admin = make_admin(*store);
  Patient wu = make_patient(*store, admin, "Li Wu");
  Patient other = make_patient(*store, admin, "Wulf Berg");
  auto ids = [&](const std::string& query, bool include_deleted = false) {
    PatientQuery q;
    q.name_contains = query;
    q.include_deleted = include_deleted;
    return ids_of(store->list_patients(q));
  };
  EXPECT_EQ(ids("wu"), (std::vector<long long>{wu.id, other.id}));
  wu.name = "Li Ng";
  wu = store->update_patient(admin, wu);
  EXPECT_EQ(ids("wu"), (std::vector<long long>{other.id}));
  EXPECT_EQ(ids("NG"), (std::vector<long long>{wu.id}));
  EXPECT_EQ(ids("i "), (std::vector<long long>{wu.id}));  // a space is a character too
  store->delete_patient(admin, other.id, "duplicate");
  EXPECT_TRUE(ids("wu").empty());
  EXPECT_EQ(ids("wu", /*include_deleted=*/true), (std::vector<long long>{other.id}));
}

TEST_P(StoreSearch, ManyMatchesAreCountedToALowerBoundAndPagedInNameOrder) {
  // More matches than the count limit: total says "more than 1,000", and the pages (walked
  // with the cursor through the rarest pair's names) still hold every match once, in order. The other
  // queries on the same list stay exact.
  auto store = open();
  Actor admin = make_admin(*store);
  const long long many = kPatientSearchCountLimit * 8 / 5;
  std::vector<Patient> all;
  store->in_one_transaction([&] {
    for (long long i = 0; i < many; ++i) {
      // "walker" at the start, the middle or the end of the name, so matches spread over the
      // list; two thirds begin with "wa" (more than the limit too), a third with "z" (fewer).
      const std::string n = std::to_string(i);
      all.push_back(make_patient(*store, admin,
                                 i % 3 == 0 ? "Walker " + n : i % 3 == 1 ? "Wanda Walker-" + n + " Z" : "Zed " + n + " Walker"));
    }
    for (int i = 0; i < 30; ++i) all.push_back(make_patient(*store, admin, "Other Person " + std::to_string(i)));
  });
  store->delete_patient(admin, all[5].id, "duplicate");
  all.erase(all.begin() + 5);
  for (long long walk_limit : kWalkLimits) {
    auto searcher = open(walking_up_to(walk_limit));
    for (const std::string query : {"walker", "WALK", "wa", "z", "n 1", "alker-1"}) {
      SCOPED_TRACE("query \"" + query + "\", pair walk limit " + std::to_string(walk_limit));
      const auto expected = reference(all, query);
      PatientQuery q;
      q.name_contains = query;
      q.limit = 97;
      std::vector<long long> walked;
      for (int pages = 0; pages < 100; ++pages) {
        const auto page = searcher->list_patients(q);
        if (expected.size() > static_cast<std::size_t>(kPatientSearchCountLimit)) {
          EXPECT_TRUE(page.total_is_lower_bound);
          EXPECT_EQ(page.total, kPatientSearchCountLimit + 1);
        } else {
          EXPECT_FALSE(page.total_is_lower_bound);
          EXPECT_EQ(page.total, static_cast<long long>(expected.size()));
        }
        for (long long id : ids_of(page)) walked.push_back(id);
        if (!page.next) break;
        q.after = page.next;
      }
      EXPECT_EQ(walked, expected);
      // An offset page past the counted matches is still read (the total is only a lower bound).
      q.after.reset();
      q.offset = static_cast<int>(kPatientSearchCountLimit) + 5;
      q.limit = 10;
      const auto deep = searcher->list_patients(q);
      const std::vector<long long> tail(expected.begin() + std::min<std::size_t>(expected.size(), q.offset),
                                        expected.begin() + std::min<std::size_t>(expected.size(), q.offset + 10));
      EXPECT_EQ(ids_of(deep), tail);
    }
  }
  PatientQuery few;
  few.name_contains = "other pers";
  EXPECT_EQ(store->list_patients(few).total, 30);
  EXPECT_FALSE(store->list_patients(few).total_is_lower_bound);
  few.include_deleted = true;
  few.name_contains = "walker";
  EXPECT_TRUE(store->list_patients(few).total_is_lower_bound);
}

/// patient_name_pair_counts as the database keeps it: pair -> (live, deleted), without the
/// pairs no name holds any more.
std::map<std::string, std::pair<long long, long long>> kept_pair_counts(soci::session& sql) {
  std::map<std::string, std::pair<long long, long long>> out;
  std::string pair;
  long long live = 0, deleted = 0;
  soci::statement st = (sql.prepare << "SELECT pair, live, deleted FROM patient_name_pair_counts WHERE live <> 0 "
                                       "OR deleted <> 0",
                        soci::into(pair), soci::into(live), soci::into(deleted));
  st.execute(false);
  while (st.fetch()) out[pair] = {live, deleted};
  return out;
}

/// The same counted here from the patients' names.
std::map<std::string, std::pair<long long, long long>> pair_counts_of(const std::vector<Patient>& patients) {
  std::map<std::string, std::pair<long long, long long>> out;
  for (const auto& p : patients)
    for (const auto& pair : character_pairs(fold_for_search(p.name)))
      (p.deleted ? out[pair].second : out[pair].first) += 1;
  return out;
}

TEST_P(StoreSearch, PairCountsAreThoseOfTheNamesThroughRenamesDeletesAndRestore) {
  // The counts choose which pair's names a search walks; they follow every write of a name and
  // are recounted by a restore.
  auto store = open();
  Actor admin = make_admin(*store);
  std::vector<Patient> all;
  for (const auto& name : kNames) all.push_back(make_patient(*store, admin, name));
  all[0].name = "Annabel Bergmann";  // pairs kept (an, be, er...), gained (ab, ma...) and lost ("a ", ge)
  all[0] = store->update_patient(admin, all[0]);
  all[2].name = "Jürgen Muller";  // the same folded name: nothing moves
  all[2] = store->update_patient(admin, all[2]);
  all[7].name = "Iwana Ivanova";  // every pair changes script
  all[7] = store->update_patient(admin, all[7]);
  for (int i : {1, 4}) {
    store->delete_patient(admin, all[i].id, "duplicate");
    all[i].deleted = true;
  }
  // In one transaction the changes gather and are written once, at its end.
  store->in_one_transaction([&] {
    for (const std::string name : {"Anja Kern", "Kern Anjuli", "Zed Annan"}) all.push_back(make_patient(*store, admin, name));
    all.back().name = "Zed Nolan";
    all.back() = store->update_patient(admin, all.back());
    store->delete_patient(admin, all[all.size() - 2].id, "test");
    all[all.size() - 2].deleted = true;
  });
  const auto expected = pair_counts_of(all);
  // A reader can check one by eye: "an" in Annabel, Iwana Ivanova, Back\slash Ann, NEAR Anna AND,
  // Anna Berger, Anja Kern and Zed Nolan; deleted: Hanna Annabelle and Kern Anjuli.
  ASSERT_EQ(expected.at("an"), std::make_pair(7LL, 2LL));
  EXPECT_EQ(kept_pair_counts(*raw(db())), expected);

  const std::string backup = (dir() / "backup.db").string();
  store->backup_to(backup);
  *raw(backup) << "UPDATE patient_name_pair_counts SET live = 0";  // a restore counts again, whatever the file says
  const std::string target = make_database("restored");
  StoreOptions options;
  options.photo_dir = (dir() / "photos-restored").string();
  open_store(target, options)->restore_from(backup);
  EXPECT_EQ(kept_pair_counts(*raw(target)), expected);
}

TEST_P(StoreSearch, TheIndexFollowsRenamesAndDeletes) {
  auto store = open();
  Actor admin = make_admin(*store);
  Patient p = make_patient(*store, admin, "Carla Weiss");
  make_patient(*store, admin, "Weissmann Otto");
  PatientQuery q;
  q.name_contains = "weiss";
  EXPECT_EQ(store->list_patients(q).total, 2);
  p.name = "Carla Schwarz";
  p = store->update_patient(admin, p);
  EXPECT_EQ(store->list_patients(q).total, 1);
  q.name_contains = "schwar";
  EXPECT_EQ(ids_of(store->list_patients(q)), std::vector<long long>{p.id});
  store->delete_patient(admin, p.id, "duplicate record");
  EXPECT_EQ(store->list_patients(q).total, 0);
  q.include_deleted = true;
  EXPECT_EQ(ids_of(store->list_patients(q)), std::vector<long long>{p.id});
}

TEST_P(StoreSearch, TotalsComeFromTheCountersAndMatchTheRows) {
  auto store = open();
  Actor admin = make_admin(*store);
  std::vector<Patient> made;
  for (int i = 0; i < 12; ++i) made.push_back(make_patient(*store, admin, "Counted " + std::to_string(i)));
  Patient demo;
  demo.name = "Demo Person (demo)";
  demo.birth_date = "1980-01-01";
  demo.demo = true;
  demo = store->create_patient(admin, demo);
  EXPECT_TRUE(store->find_patient(demo.id)->demo);
  store->delete_patient(admin, made[0].id, "test");
  store->delete_patient(admin, made[1].id, "test");
  const auto counts = store->count_patients();
  EXPECT_EQ(counts.live, 11);
  EXPECT_EQ(counts.deleted, 2);
  EXPECT_EQ(counts.demo, 1);
  EXPECT_EQ(counts.real(), 12);
  PatientQuery q;
  q.limit = 5;
  EXPECT_EQ(store->list_patients(q).total, 11);
  q.include_deleted = true;
  EXPECT_EQ(store->list_patients(q).total, 13);
}

TEST_P(StoreSearch, KeysetPagesWalkEveryPatientOnceInOrder) {
  auto store = open();
  Actor admin = make_admin(*store);
  std::vector<Patient> all;
  for (const auto& name : kNames) all.push_back(make_patient(*store, admin, name));
  for (const std::string query : {"", "an", "ann"}) {
    for (int limit : {1, 3, 50}) {
      SCOPED_TRACE("query \"" + query + "\", pages of " + std::to_string(limit));
      PatientQuery q;
      q.name_contains = query;
      q.limit = limit;
      std::vector<long long> walked;
      for (int pages = 0; pages < 100; ++pages) {
        const auto page = store->list_patients(q);
        EXPECT_EQ(page.total, static_cast<long long>(reference(all, query).size()));
        for (long long id : ids_of(page)) walked.push_back(id);
        if (!page.next) break;
        EXPECT_EQ(page.patients.size(), static_cast<std::size_t>(limit));
        q.after = page.next;
      }
      EXPECT_EQ(walked, reference(all, query));
    }
  }
  PatientQuery bad;
  bad.after = PatientCursor{1, 1};
  bad.offset = 3;
  EXPECT_THROW(store->list_patients(bad), InvalidRecordError);
}

TEST_P(StoreSearch, ACursorIsAPatientAndVersionThatTheStoreResolves) {
  // Pages of two over Anna, Bert, Cleo, Dora: the first page ends at Bert.
  auto store = open();
  Actor admin = make_admin(*store);
  std::vector<Patient> p;
  for (const char* name : {"Anna", "Bert", "Cleo", "Dora"}) p.push_back(make_patient(*store, admin, name));
  PatientQuery q;
  q.limit = 2;
  const auto first = store->list_patients(q);
  ASSERT_TRUE(first.next);
  EXPECT_EQ(*first.next, (PatientCursor{p[1].id, p[1].row_version}));
  const auto next_ids = [&](PatientCursor at) {
    PatientQuery n = q;
    n.after = at;
    return ids_of(store->list_patients(n));
  };
  const std::vector<long long> rest{p[2].id, p[3].id};
  EXPECT_EQ(next_ids(*first.next), rest);
  // Bert's notes edited, then Bert deleted: his name, and so the place, is unchanged.
  Patient bert = p[1];
  bert.notes = "called back";
  bert = store->update_patient(admin, bert);
  EXPECT_EQ(next_ids(*first.next), rest);
  store->delete_patient(admin, bert.id, "duplicate");
  EXPECT_EQ(next_ids(*first.next), rest);
  // Forged: no such patient, a version the patient never had.
  for (const PatientCursor forged : {PatientCursor{999, 1}, PatientCursor{p[2].id, 0}, PatientCursor{p[2].id, 7}}) {
    PatientQuery n = q;
    n.after = forged;
    EXPECT_THROW(store->list_patients(n), InvalidRecordError) << forged.id << "." << forged.row_version;
  }
  // Renamed since: the place moved, said so (not a page from the new name's place).
  const auto from_cleo = PatientCursor{p[2].id, p[2].row_version};
  Patient cleo = p[2];
  cleo.name = "Zelda";
  store->update_patient(admin, cleo);
  PatientQuery n = q;
  n.after = from_cleo;
  EXPECT_THROW(store->list_patients(n), ConflictError);
}

TEST_P(StoreSearch, KeysetPagesAreCompleteAndOrderedUnderConcurrentInserts) {
  // A reader walks the list in pages of 7 while a writer keeps adding patients whose names
  // fall before, inside and after the pages already read. Every patient there from the start
  // appears exactly once, the walk is strictly ordered, and nothing appears twice; the same
  // for a substring search and for a two-letter one (its pair's names walked).
  auto store = open();
  Actor admin = make_admin(*store);
  const std::vector<std::string> prefixes = {"Aaron", "Ben", "Cora", "Dana", "Emil", "Finn", "Greta", "Hugo"};
  std::vector<Patient> before;
  for (int i = 0; i < 120; ++i)
    before.push_back(make_patient(*store, admin, prefixes[i % prefixes.size()] + " Mid Before " + std::to_string(i)));
  int round = 0;
  for (const std::string query : {"", "mid ", "be", "gr"}) {
    SCOPED_TRACE("query \"" + query + "\"");
    std::atomic<bool> stop{false};
    std::atomic<int> inserted{0};
    std::thread writer([&] {
      auto w = open();
      for (int i = 0; !stop && i < 400; ++i) {
        make_patient(*w, admin,
                     prefixes[(i * 3) % prefixes.size()] + " Mid During " + std::to_string(round) + "." + std::to_string(i));
        ++inserted;
      }
    });
    while (inserted < 10) std::this_thread::yield();
    PatientQuery q;
    q.name_contains = query;
    q.limit = 7;
    std::vector<std::pair<std::string, long long>> walked;
    std::set<long long> seen;
    for (int pages = 0; pages < 1000; ++pages) {
      const auto page = store->list_patients(q);
      for (const auto& p : page.patients) {
        walked.emplace_back(fold_for_search(p.name), p.id);
        EXPECT_TRUE(seen.insert(p.id).second) << "patient " << p.id << " twice";
      }
      if (!page.next) break;
      q.after = page.next;
    }
    stop = true;
    writer.join();
    ++round;
    EXPECT_TRUE(std::is_sorted(walked.begin(), walked.end()));
    EXPECT_TRUE(std::adjacent_find(walked.begin(), walked.end()) == walked.end());
    const auto expected_before = reference(before, query);
    ASSERT_FALSE(expected_before.empty());
    for (long long id : expected_before) EXPECT_TRUE(seen.count(id)) << "patient " << id << " missing from the walk";
    for (const auto& [name, id] : walked) {
      const std::string needle = fold_for_search(query);
      EXPECT_NE(name.find(needle), std::string::npos) << name << " does not match";
    }
    EXPECT_GT(inserted.load(), 10);
  }
}

}  // namespace
}  // namespace dermaplan::records::testing
