#include "monitor/export.h"

#include <gtest/gtest.h>

namespace monitor {
namespace {

TEST(ExportTest, CsvQuotesAndDefusesFormulas) {
  ExportSheet s{"x",
                {{"indicator", "2025-2026"},
                 {"a, \"b\"", "12"},
                 {"=HYPERLINK()", "<5"},
                 {"-", "-3"},
                 {"\t=1+1", "-2.5"},
                 {"\r@SUM(A1)", "+7"},
                 {"-1+2", "0"}}};
  std::string csv = ToCsv(s);
  EXPECT_EQ(csv.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_NE(csv.find("\"a, \"\"b\"\"\",12\r\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("'=HYPERLINK(),<5\r\n"), std::string::npos) << csv;
  // Numbers stay numbers; every other cell that starts with = + - @ TAB or
  // CR is text with a leading apostrophe (the one guard, common/csv.h).
  EXPECT_NE(csv.find("'-,-3\r\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("'\t=1+1,-2.5\r\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\"'\r@SUM(A1)\",'+7\r\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("'-1+2,0\r\n"), std::string::npos) << csv;
}

TEST(ExportTest, XlsxIsAZipWorkbook) {
  auto bytes =
      ToXlsx({{"Indicatoren", {{"indicator", "2025-2026"}, {"reports", "12"}, {"x", "<5"}}}});
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  ASSERT_GT(bytes->size(), 1000u);
  EXPECT_EQ(bytes->substr(0, 2), "PK");
}

}  // namespace
}  // namespace monitor
