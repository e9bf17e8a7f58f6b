#include "common/csv.h"

#include <gtest/gtest.h>

#include <string>

namespace common {
namespace {

std::string Text(std::string_view s) {
  std::string out;
  AppendCsvText(s, &out);
  return out;
}
std::string Number(std::string_view s) {
  std::string out;
  AppendCsvNumber(s, &out);
  return out;
}
std::string Exact(std::string_view s) {
  std::string out;
  AppendCsvExact(s, &out);
  return out;
}

TEST(CsvTest, EveryFormulaStartIsGuardedInText) {
  EXPECT_EQ(Text("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
  EXPECT_EQ(Text("=1+1"), "'=1+1");
  EXPECT_EQ(Text("+31 6 1234"), "'+31 6 1234");
  EXPECT_EQ(Text("-2+3"), "'-2+3");
  EXPECT_EQ(Text("-1"), "'-1");  // text is text, even when it looks like a number
  EXPECT_EQ(Text("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(Text("\t=cmd|' /C calc'!A0"), "'\t=cmd|' /C calc'!A0");
  EXPECT_EQ(Text("\r=1+1"), "\"'\r=1+1\"");  // CR also needs quotes
  for (char c : std::string("=+-@\t\r")) {
    EXPECT_TRUE(CsvLooksLikeFormula(std::string(1, c) + "x")) << int(c);
  }
}

TEST(CsvTest, OrdinaryTextIsUnchangedOrQuoted) {
  EXPECT_EQ(Text(""), "");
  EXPECT_EQ(Text("Jansen"), "Jansen");
  EXPECT_EQ(Text("a=b"), "a=b");  // only the first character counts
  EXPECT_EQ(Text(" =1"), " =1");
  EXPECT_EQ(Text("de Vries, Jan"), "\"de Vries, Jan\"");
  EXPECT_EQ(Text("zei \"hoi\""), "\"zei \"\"hoi\"\"\"");
  EXPECT_EQ(Text("regel 1\nregel 2"), "\"regel 1\nregel 2\"");
  EXPECT_EQ(Text("a\rb"), "\"a\rb\"");
  EXPECT_EQ(Text("tab\tin het midden"), "tab\tin het midden");
  EXPECT_EQ(Text("Ã©é"), "Ã©é");
}

TEST(CsvTest, NumbersStayNumbersAndNothingElsePassesAsOne) {
  std::string out;
  AppendCsvNumber(int64_t{-1}, &out);
  out.push_back(',');
  AppendCsvNumber(int64_t{1500}, &out);
  EXPECT_EQ(out, "-1,1500");
  EXPECT_EQ(Number("-1"), "-1");
  EXPECT_EQ(Number("-12.5"), "-12.5");
  EXPECT_EQ(Number("0"), "0");
  // Not a plain decimal: written as (guarded) text.
  EXPECT_EQ(Number("-1+2"), "'-1+2");
  EXPECT_EQ(Number("=1"), "'=1");
  EXPECT_EQ(Number("-"), "'-");
  EXPECT_EQ(Number("1."), "1.");
  EXPECT_EQ(Number("1,5"), "\"1,5\"");
  EXPECT_EQ(Number("-1e5"), "'-1e5");
  EXPECT_FALSE(CsvIsPlainNumber(""));
  EXPECT_FALSE(CsvIsPlainNumber(".5"));
  EXPECT_TRUE(CsvIsPlainNumber("3.25"));
}

TEST(CsvTest, ExactQuotesButNeverGuards) {
  EXPECT_EQ(Exact("-7"), "-7");
  EXPECT_EQ(Exact("=S1"), "=S1");
  EXPECT_EQ(Exact("a,b"), "\"a,b\"");
  EXPECT_EQ(Exact("\"q\""), "\"\"\"q\"\"\"");
}

}  // namespace
}  // namespace common
