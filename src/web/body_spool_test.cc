#include "web/body_spool.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace web {
namespace {

namespace fs = std::filesystem;

class BodySpoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("spool-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  SpoolOptions Options() const {
    return SpoolOptions{.memory_threshold_bytes = 1024, .directory = dir_.string()};
  }
  // The contents of every file this process has open in the spool directory
  // (unnamed files show up in /proc/self/fd as "DIR/#123 (deleted)").
  std::vector<std::string> OpenSpoolFiles() const {
    std::vector<std::string> out;
    for (const auto& entry : fs::directory_iterator("/proc/self/fd")) {
      std::error_code ec;
      auto target = fs::read_symlink(entry.path(), ec);
      if (ec || target.string().rfind(dir_.string(), 0) != 0) continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::ostringstream bytes;
      bytes << in.rdbuf();
      out.push_back(bytes.str());
    }
    return out;
  }
  bool DirectoryEmpty() const { return fs::is_empty(dir_); }

  fs::path dir_;
};

std::string Pattern(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (i * 7 + i / 13) % 26);
  return s;
}

TEST_F(BodySpoolTest, SmallBodiesStayInMemory) {
  BodyBudget budget(1 << 20);
  BodySpool spool(Options(), budget);
  ASSERT_TRUE(spool.Append("name=Sam").ok());
  EXPECT_FALSE(spool.spooled());
  EXPECT_EQ(budget.used(), 8u);
  auto body = spool.Take();
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(*body, "name=Sam");
}

TEST_F(BodySpoolTest, LargeBodiesGoToAnUnnamedEncryptedFileAndComeBackWhole) {
  // Chunk-aligned, not aligned, and arriving in odd pieces.
  for (size_t size : {size_t{1025}, size_t{64 * 1024}, size_t{3 * 64 * 1024 + 17}}) {
    BodyBudget budget(1 << 24);
    std::string marker = "VERTROUWELIJK-" + std::to_string(size) + "-";
    std::string plain = marker + Pattern(size - marker.size());
    {
      BodySpool spool(Options(), budget);
      for (size_t at = 0; at < plain.size(); at += 1000) {
        ASSERT_TRUE(spool.Append(std::string_view(plain).substr(at, 1000)).ok());
      }
      EXPECT_TRUE(spool.spooled());
      EXPECT_TRUE(DirectoryEmpty()) << "the spool file has no name";
      auto files = OpenSpoolFiles();
      ASSERT_EQ(files.size(), 1u);
      EXPECT_GE(files[0].size(), 24u + (size >= 64 * 1024 ? 64 * 1024 : 0));
      EXPECT_EQ(files[0].find(marker), std::string::npos) << "only ciphertext on disk";
      EXPECT_EQ(files[0].find(Pattern(200)), std::string::npos);
      auto body = spool.Take();
      ASSERT_TRUE(body.ok()) << body.status().ToString();
      EXPECT_EQ(*body, plain);
      EXPECT_TRUE(OpenSpoolFiles().empty()) << "taken: the file is gone";
    }
    EXPECT_EQ(budget.used(), 0u);
    EXPECT_TRUE(DirectoryEmpty());
  }
}

TEST_F(BodySpoolTest, AnnouncedLargeBodyGoesToDiskAtOnce) {
  BodyBudget budget(1 << 20);
  BodySpool spool(Options(), budget);
  ASSERT_TRUE(spool.Expect(4096).ok());
  EXPECT_TRUE(spool.spooled());
  EXPECT_EQ(budget.used(), 4096u);
  ASSERT_TRUE(spool.Append(std::string(100, 'x')).ok());
  EXPECT_EQ(budget.used(), 4096u) << "within the reservation";
}

TEST_F(BodySpoolTest, BudgetIsSharedAndReleased) {
  BodyBudget budget(10000);
  auto first = std::make_unique<BodySpool>(Options(), budget);
  ASSERT_TRUE(first->Expect(6000).ok());
  BodySpool second(Options(), budget);
  EXPECT_EQ(second.Expect(6000).code(), common::StatusCode::kResourceExhausted);
  ASSERT_TRUE(second.Append(std::string(3000, 'x')).ok());
  EXPECT_EQ(second.Append(std::string(3000, 'x')).code(), common::StatusCode::kResourceExhausted);
  EXPECT_EQ(budget.used(), 9000u);
  first.reset();
  EXPECT_EQ(budget.used(), 3000u);
  EXPECT_TRUE(second.Append(std::string(3000, 'x')).ok());
}

}  // namespace
}  // namespace web
