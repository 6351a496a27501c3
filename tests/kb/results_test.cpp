// Published results and responder thresholds in the bundled knowledge base: the figures of the
// fact sheet's trials table are encoded as published, with their protocol and sources.
#include "test_support.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace dermaplan::kb {
namespace {

using testing::bundled_kb;

const PublishedResult& result(const std::string& id) {
  const auto& results = bundled_kb().results;
  auto it = std::find_if(results.begin(), results.end(), [&](const auto& r) { return r.id == id; });
  if (it == results.end()) throw std::runtime_error("no result " + id);
  return *it;
}

TEST(PublishedResults, GoodmanBaronHasAOneGradeResponderThresholdWithSources) {
  const ResponderThreshold* threshold = bundled_kb().find_responder_threshold("goodman-baron-qualitative");
  ASSERT_NE(threshold, nullptr);
  EXPECT_EQ(threshold->improvement, 1);
  EXPECT_FALSE(threshold->sources.empty());
  EXPECT_EQ(bundled_kb().find_responder_threshold("masi"), nullptr) << "no source defines a MASI responder";
}

TEST(PublishedResults, VietnameseCohortKeepsEveryFollowUpAsPublished) {
  const PublishedResult& r = result("vietnam-cohort-goodman-baron");
  EXPECT_EQ(r.measure.scale, "goodman-baron-qualitative");
  EXPECT_EQ(r.analysed, 31);
  EXPECT_DOUBLE_EQ(*r.baseline.mean, 3.29);
  EXPECT_DOUBLE_EQ(*r.baseline.sd, 0.59);
  ASSERT_EQ(r.follow_up.size(), 3u);
  EXPECT_EQ(r.follow_up[0].from, FollowUpFrom::last_session);
  EXPECT_EQ(r.follow_up[0].after.in_days(), 0);
  EXPECT_DOUBLE_EQ(*r.follow_up[2].score.mean, 1.77);
  EXPECT_EQ(r.follow_up[2].after.months, 2);
  EXPECT_EQ(r.protocol.interval->weeks, 1);
  EXPECT_EQ(r.protocol.course->months, 3);
  EXPECT_EQ(r.protocol.device, "roller");
  EXPECT_FALSE(r.protocol.needle_length) << "the excerpt gives no needle length";
  EXPECT_EQ(r.sources, SourceIds{"vietnam-cohort"});
}

TEST(PublishedResults, IntervalsAndCountsAreKeptWithTheirLevel) {
  const PublishedResult& alam = result("alam2015-quantitative-global");
  ASSERT_EQ(alam.follow_up.size(), 2u);
  EXPECT_DOUBLE_EQ(alam.follow_up[1].change->mean, -3.4);
  EXPECT_DOUBLE_EQ(*alam.follow_up[1].change->low, -6.5);
  EXPECT_DOUBLE_EQ(alam.follow_up[1].change->level, 0.95);
  EXPECT_EQ(alam.enrolled, 20);
  EXPECT_EQ(alam.analysed, 15);
  const PublishedResult& exceed = result("exceed2018-wrinkles");
  EXPECT_DOUBLE_EQ(exceed.follow_up[0].improvement->level, 0.99);
  EXPECT_EQ(exceed.follow_up[0].after.days, 150);
  const PublishedResult& majid = result("majid2009-scar-grade");
  EXPECT_EQ(*majid.follow_up[0].responders->count, 34);
  EXPECT_EQ(majid.follow_up[0].responders->of, 36);
  const PublishedResult& dogra = result("dogra2014-acne-scar-score");
  ASSERT_EQ(dogra.adverse_events.size(), 2u);
  EXPECT_EQ(dogra.adverse_events[0].risk, "hyperpigmentation");
  EXPECT_EQ(dogra.adverse_events[0].patients, 5);
  EXPECT_EQ(dogra.adverse_events[0].of, 30);
  EXPECT_EQ(result("kumar2018-hair-count").protocol.needle_length->max_mm, 1.5);
  EXPECT_EQ(result("alster-li2020-scar-improvement").protocol.sessions->max, 6);
}

TEST(PublishedResults, EveryResultNamesKnownIndicationsAndPrimarySources) {
  ASSERT_GE(bundled_kb().results.size(), 20u);
  for (const auto& r : bundled_kb().results) {
    for (const auto& id : r.indications) EXPECT_NE(bundled_kb().find_indication(id), nullptr) << r.id;
    ASSERT_FALSE(r.sources.empty()) << r.id;
    for (const auto& id : r.sources) {
      const Source* source = bundled_kb().find_source(id);
      ASSERT_NE(source, nullptr) << r.id;
      EXPECT_EQ(source->evidence, Evidence::primary) << r.id << ": the trials table holds primary studies";
    }
  }
}

}  // namespace
}  // namespace dermaplan::kb
