#include "records/search_fold.h"

#include <gtest/gtest.h>

namespace dermaplan::records {
namespace {

TEST(SearchFold, FoldsAsciiLatinGreekCyrillic) {
  EXPECT_EQ(fold_for_search("Anna BERG"), "anna berg");
  EXPECT_EQ(fold_for_search("MÜLLER Ölçer ÅSA"), "müller ölçer åsa");
  EXPECT_EQ(fold_for_search("ŁUKASZ ŻÓŁW Šťastný"), "łukasz żółw šťastný");
  EXPECT_EQ(fold_for_search("ΣΟΦΙΑ"), "σοφια");
  EXPECT_EQ(fold_for_search("ИВАН ЁЛКИН"), "иван ёлкин");
  EXPECT_EQ(fold_for_search("×÷ 山田"), "×÷ 山田");  // no case: unchanged
  EXPECT_EQ(fold_for_search(std::string("\xC3", 1)), std::string("\xC3", 1));  // truncated UTF-8 kept
}

TEST(SearchFold, ContainsPatternEscapesWildcards) {
  EXPECT_EQ(contains_pattern("ab"), "%ab%");
  EXPECT_EQ(contains_pattern("100%_x\\"), "%100\\%\\_x\\\\%");
  EXPECT_EQ(contains_pattern(""), "%%");
}

}  // namespace
}  // namespace dermaplan::records
