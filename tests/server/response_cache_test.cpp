// The engines' response cache: bounded in entries and body size, the oldest entry going first
// when full (not all at once).
#include "server/response_cache.h"

#include <gtest/gtest.h>

#include <string>

namespace dermaplan::server {
namespace {

TEST(ResponseCache, WhenFullTheOldestEntryGoesAndTheOthersStay) {
  ResponseCache cache(3, 16);
  for (const char* key : {"a", "b", "c"}) cache.put(key, std::string("body of ") + key);
  cache.put("a", "another body");  // the same request gives the same bytes: kept as it was
  EXPECT_EQ(cache.find("a"), "body of a");
  cache.put("d", "body of d");
  EXPECT_EQ(cache.find("a"), std::nullopt);
  EXPECT_EQ(cache.find("b"), "body of b");
  EXPECT_EQ(cache.find("c"), "body of c");
  EXPECT_EQ(cache.find("d"), "body of d");
  cache.put("e", "body of e");
  EXPECT_EQ(cache.find("b"), std::nullopt);
  EXPECT_EQ(cache.find("e"), "body of e");
}

TEST(ResponseCache, ABodyOrKeyLargerThanTheLimitIsNotKept) {
  ResponseCache cache(3, 16);
  cache.put("big", std::string(17, 'x'));
  cache.put(std::string(17, 'k'), "small");
  cache.put("fits", std::string(16, 'x'));
  EXPECT_EQ(cache.find("big"), std::nullopt);
  EXPECT_EQ(cache.find(std::string(17, 'k')), std::nullopt);
  EXPECT_EQ(cache.find("fits"), std::string(16, 'x'));
}

}  // namespace
}  // namespace dermaplan::server
