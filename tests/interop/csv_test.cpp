// RFC 4180 details of the CSV writer; tests/interop/csv_readback.py reads whole exports back
// with Python's csv module.
#include "interop/csv.h"

#include "core/errors.h"

#include <gtest/gtest.h>

#include <sstream>

namespace dermaplan::interop {
namespace {

TEST(Csv, QuotesOnlyWhatNeedsQuotingAndDoublesQuotes) {
  EXPECT_EQ(csv_field("plain"), "plain");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_field("cr\r"), "\"cr\r\"");
  EXPECT_EQ(csv_field(""), "");
}

TEST(Csv, TextThatASpreadsheetWouldRunIsNeutralised) {
  for (const char* formula : {"=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx"})
    EXPECT_EQ(neutralise_formula(formula), std::string("'") + formula) << formula;
  EXPECT_EQ(neutralise_formula("Zoë"), "Zoë");
  EXPECT_EQ(neutralise_formula("a=b"), "a=b");
}

TEST(Csv, RowsEndInCrlfAndNumbersAreNotNeutralised) {
  std::ostringstream out;
  CsvWriter writer(out, {"id", "name", "score"});
  writer.row({CsvCell::number(1LL), CsvCell::text("=HYPERLINK(\"x\")"), CsvCell::number(-1.5)});
  EXPECT_EQ(out.str(), "id,name,score\r\n1,\"'=HYPERLINK(\"\"x\"\")\",-1.5\r\n");
  EXPECT_EQ(writer.rows(), 1);
  EXPECT_THROW(writer.row({CsvCell::text("too few")}), InputError);
}

}  // namespace
}  // namespace dermaplan::interop
