#include "records/search_fold.h"

#include <gtest/gtest.h>

namespace dermaplan::records {
namespace {

TEST(SearchFold, FoldsCaseAndDiacriticsOfLatinGreekCyrillic) {
  EXPECT_EQ(fold_for_search("Anna BERG"), "anna berg");
  EXPECT_EQ(fold_for_search("MÜLLER Ölçer ÅSA"), "muller olcer asa");
  EXPECT_EQ(fold_for_search("ŁUKASZ ŻÓŁW Šťastný"), "lukasz zolw stastny");
  EXPECT_EQ(fold_for_search("Novák Yılmaz İnce Dvořáková Øster Ÿves"), "novak yilmaz ince dvorakova oster yves");
  EXPECT_EQ(fold_for_search("Straße Æsir Œuvre"), "straße æsir œuvre");  // letters of their own stay
  EXPECT_EQ(fold_for_search("ΣΟΦΙΑ Άννα Παππάς ΐ"), "σοφια αννα παππας ι");
  EXPECT_EQ(fold_for_search("ИВАН ЁЛКИН Йорк"), "иван елкин йорк");
  EXPECT_EQ(fold_for_search("×÷ 山田"), "×÷ 山田");  // no case: unchanged
  EXPECT_EQ(fold_for_search(std::string("\xC3", 1)), std::string("\xC3", 1));  // truncated UTF-8 kept
}

TEST(SearchFold, ContainsPatternEscapesWildcards) {
  EXPECT_EQ(contains_pattern("ab"), "%ab%");
  EXPECT_EQ(contains_pattern("100%_x\\"), "%100\\%\\_x\\\\%");
  EXPECT_EQ(contains_pattern(""), "%%");
}

TEST(SearchFold, CharacterPairsAreWholeCharactersOnceEach) {
  EXPECT_EQ(character_pairs("anna"), (std::vector<std::string>{"an", "na", "nn"}));  // sorted, "an" once
  EXPECT_EQ(character_pairs("li wu"), (std::vector<std::string>{" w", "i ", "li", "wu"}));
  EXPECT_EQ(character_pairs("zoë"), (std::vector<std::string>{"oë", "zo"}));  // ë is two bytes, one character
  EXPECT_EQ(character_pairs("山田"), (std::vector<std::string>{"山田"}));
  EXPECT_TRUE(character_pairs("x").empty());
  EXPECT_TRUE(character_pairs("").empty());
}

}  // namespace
}  // namespace dermaplan::records
