#include "audit/audit_log.h"

#include <gtest/gtest.h>

#include "db/backend_test.h"

namespace audit {
namespace {

class AuditLogTest : public db::testing::BackendTest {
 protected:
  void SetUp() override {
    SetUpDatabase(/*migrated=*/true);
    if (IsSkipped() || HasFatalFailure()) return;
    db_ = &db();
    for (int i = 0; i < 5; ++i) {
      ASSERT_TRUE(log_.Append(*db_, {"", "u1", "login", "session", std::to_string(i), "ok"}).ok());
    }
  }
  void Exec(const std::string& sql) {
    ASSERT_TRUE(db_->Write([&](db::Connection& c) { return c.Execute(sql).status(); }).ok());
  }
  std::vector<AuditLog::Problem> Problems() { return *log_.Verify(*db_); }

  db::Database* db_ = nullptr;
  common::FakeClock clock_{1'700'000'000'000};
  AuditLog log_{std::string(32, 'k'), clock_};
};

TEST_P(AuditLogTest, IntactChainVerifies) { EXPECT_TRUE(Problems().empty()); }

TEST_P(AuditLogTest, DetectsAlteredRecord) {
  Exec("UPDATE audit_log SET result = 'denied' WHERE seq = 3");
  auto p = Problems();
  ASSERT_FALSE(p.empty());
  EXPECT_EQ(p[0].seq, 3);
}

TEST_P(AuditLogTest, DetectsRemovedRecord) {
  Exec("DELETE FROM audit_log WHERE seq = 2");
  auto p = Problems();
  ASSERT_FALSE(p.empty());
  EXPECT_EQ(p[0].seq, 3);
}

TEST_P(AuditLogTest, DetectsReorderedRecords) {
  Exec("UPDATE audit_log SET seq = 100 WHERE seq = 2");
  Exec("UPDATE audit_log SET seq = 2 WHERE seq = 4");
  Exec("UPDATE audit_log SET seq = 4 WHERE seq = 100");
  auto p = Problems();
  ASSERT_FALSE(p.empty());
  EXPECT_EQ(p[0].seq, 2);
}

TEST_P(AuditLogTest, ForgeryWithoutKeyIsDetected) {
  AuditLog forger(std::string(32, 'x'), clock_);
  ASSERT_TRUE(forger.Append(*db_, {"", "attacker", "login", "session", "9", "ok"}).ok());
  auto p = Problems();
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].seq, 6);
}

INSTANTIATE_TEST_SUITE_P(Backends, AuditLogTest, db::testing::kBothBackends,
                         db::testing::DialectName<::testing::TestParamInfo<db::Dialect>>);

}  // namespace
}  // namespace audit
