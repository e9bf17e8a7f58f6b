#include "audit/audit_log.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "db/migrate.h"

namespace audit {
namespace {

class AuditLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("audit_test_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".db");
    std::filesystem::remove(path_);
    auto opened = db::Open("sqlite:" + path_.string());
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    db_ = std::move(*opened);
    ASSERT_TRUE(db::Migrate(*db_).ok());
    for (int i = 0; i < 5; ++i) {
      ASSERT_TRUE(log_.Append(*db_, {"", "u1", "login", "session", std::to_string(i), "ok"}).ok());
    }
  }
  void TearDown() override {
    db_.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_.string() + suffix);
  }
  void Exec(const std::string& sql) {
    ASSERT_TRUE(db_->Write([&](db::Connection& c) { return c.Execute(sql).status(); }).ok());
  }
  std::vector<AuditLog::Problem> Problems() { return *log_.Verify(*db_); }

  std::filesystem::path path_;
  std::unique_ptr<db::Database> db_;
  common::FakeClock clock_{1'700'000'000'000};
  AuditLog log_{std::string(32, 'k'), clock_};
};

TEST_F(AuditLogTest, IntactChainVerifies) { EXPECT_TRUE(Problems().empty()); }

TEST_F(AuditLogTest, DetectsAlteredRecord) {
  Exec("UPDATE audit_log SET result = 'denied' WHERE seq = 3");
  auto p = Problems();
  ASSERT_FALSE(p.empty());
  EXPECT_EQ(p[0].seq, 3);
}

TEST_F(AuditLogTest, DetectsRemovedRecord) {
  Exec("DELETE FROM audit_log WHERE seq = 2");
  auto p = Problems();
  ASSERT_FALSE(p.empty());
  EXPECT_EQ(p[0].seq, 3);
}

TEST_F(AuditLogTest, DetectsReorderedRecords) {
  Exec("UPDATE audit_log SET seq = 100 WHERE seq = 2");
  Exec("UPDATE audit_log SET seq = 2 WHERE seq = 4");
  Exec("UPDATE audit_log SET seq = 4 WHERE seq = 100");
  auto p = Problems();
  ASSERT_FALSE(p.empty());
  EXPECT_EQ(p[0].seq, 2);
}

TEST_F(AuditLogTest, ForgeryWithoutKeyIsDetected) {
  AuditLog forger(std::string(32, 'x'), clock_);
  ASSERT_TRUE(forger.Append(*db_, {"", "attacker", "login", "session", "9", "ok"}).ok());
  auto p = Problems();
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].seq, 6);
}

}  // namespace
}  // namespace audit
