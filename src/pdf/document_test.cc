// The PDF renderer: a valid PDF whose text a reader finds again (pdftotext
// from poppler-utils, installed by scripts/install-deps), long text over
// several pages, and no markup interpreted.
#include "pdf/document.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace {

// The text of a PDF as pdftotext reads it; "" when pdftotext is missing.
std::string TextOf(const std::string& bytes) {
  if (std::system("command -v pdftotext >/dev/null 2>&1") != 0) return "";
  auto dir = std::filesystem::temp_directory_path();
  std::string in = (dir / ("sp-pdf-" + std::to_string(::getpid()) + ".pdf")).string();
  std::string out = in + ".txt";
  std::ofstream(in, std::ios::binary) << bytes;
  EXPECT_EQ(std::system(("pdftotext -enc UTF-8 " + in + " " + out).c_str()), 0);
  std::ifstream f(out);
  std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  std::filesystem::remove(in);
  std::filesystem::remove(out);
  return text;
}

TEST(PdfDocumentTest, TextIsFoundAgainAndMarkupIsText) {
  pdf::Document doc{.title = "Doorverwijzing",
                    .subtitle = "ROC Demo",
                    .sections = {{"Wat er gebeurde", {"Één <b>zin</b> met ümlaut & zo."}}},
                    .footer = "Vertrouwelijk"};
  auto bytes = pdf::Render(doc);
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  ASSERT_EQ(bytes->rfind("%PDF-", 0), 0u);
  std::string text = TextOf(*bytes);
  if (text.empty()) GTEST_SKIP() << "pdftotext is not installed (scripts/install-deps)";
  EXPECT_NE(text.find("Wat er gebeurde"), std::string::npos);
  EXPECT_NE(text.find("Één <b>zin</b> met ümlaut & zo."), std::string::npos) << text;
  EXPECT_NE(text.find("Vertrouwelijk"), std::string::npos);
}

TEST(PdfDocumentTest, LongTextBreaksOverPages) {
  std::string para;
  for (int i = 0; i < 400; ++i) para += "woord" + std::to_string(i) + " ";
  pdf::Document doc{.title = "Lang",
                    .subtitle = "",
                    .sections = {{"Deel", {para, para, para, "SLOT-regel"}}},
                    .footer = ""};
  auto bytes = pdf::Render(doc);
  ASSERT_TRUE(bytes.ok());
  std::string text = TextOf(*bytes);
  if (text.empty()) GTEST_SKIP() << "pdftotext is not installed (scripts/install-deps)";
  EXPECT_NE(text.find('\f'), std::string::npos);  // a page break
  EXPECT_NE(text.find("SLOT-regel"), std::string::npos);
  EXPECT_NE(text.find("woord399"), std::string::npos);
}

TEST(PdfDocumentTest, RefusesInvalidUtf8) {
  pdf::Document doc{.title = std::string("\xff\xfe"), .subtitle = "", .sections = {}, .footer = ""};
  EXPECT_EQ(pdf::Render(doc).status().field(), "text");
}

}  // namespace
