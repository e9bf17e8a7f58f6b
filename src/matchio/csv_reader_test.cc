#include "matchio/csv_reader.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace matchio {
namespace {

std::string WriteTemp(const std::string& name, const std::string& content) {
  auto path = std::filesystem::temp_directory_path() /
              ("matchio_csv_" + std::to_string(::getpid()) + "_" + name);
  std::ofstream(path, std::ios::binary) << content;
  return path.string();
}

std::vector<std::vector<std::string>> ReadAll(const std::string& path, common::Status* status) {
  auto reader = CsvReader::Open(path);
  EXPECT_TRUE(reader.ok());
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string_view> fields;
  while ((*reader)->Next(&fields, status)) {
    rows.emplace_back(fields.begin(), fields.end());
    rows.back().push_back(std::to_string((*reader)->line()));
  }
  return rows;
}

TEST(CsvReaderTest, QuotesEmbeddedNewlinesCrlfAndBom) {
  std::string path = WriteTemp("a.csv",
                               "\xEF\xBB\xBF" "a,b\r\n"
                               "\"x,1\",\"say \"\"hi\"\"\"\r\n"
                               "\n"
                               "\"two\nlines\",z\n"
                               "last,\n"
                               "no,newline");
  common::Status status;
  auto rows = ReadAll(path, &status);
  ASSERT_TRUE(status.ok()) << status.message();
  using R = std::vector<std::string>;
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0], (R{"a", "b", "1"}));
  EXPECT_EQ(rows[1], (R{"x,1", "say \"hi\"", "2"}));
  EXPECT_EQ(rows[2], (R{"two\nlines", "z", "4"}));
  EXPECT_EQ(rows[3], (R{"last", "", "6"}));
  EXPECT_EQ(rows[4], (R{"no", "newline", "7"}));
}

TEST(CsvReaderTest, RecordsLongerThanTheBufferStream) {
  std::string big(3 << 20, 'x');
  std::string path = WriteTemp("big.csv", "id\n" + big + "\n\"" + big + "\"\nend\n");
  common::Status status;
  auto rows = ReadAll(path, &status);
  ASSERT_TRUE(status.ok());
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[1][0].size(), big.size());
  EXPECT_EQ(rows[2][0].size(), big.size());
  EXPECT_EQ(rows[3][0], "end");
}

TEST(CsvReaderTest, UnterminatedQuoteIsAnErrorWithLine) {
  std::string path = WriteTemp("bad.csv", "id\nok\n\"open\n");
  common::Status status;
  ReadAll(path, &status);
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("bad.csv:3: unterminated"), std::string::npos)
      << status.message();
}

TEST(CsvReaderTest, MissingFile) {
  auto reader = CsvReader::Open("/nonexistent/x.csv");
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().message().rfind("/nonexistent/x.csv:0: ", 0), 0u);
}

TEST(Utf8Test, Validates) {
  EXPECT_TRUE(IsValidUtf8("Zoë Ünal 日本 🙂"));
  EXPECT_FALSE(IsValidUtf8("\xC3"));
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));      // overlong
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));  // surrogate
}

}  // namespace
}  // namespace matchio
