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

// Pruning the head keeps the rest verifiable from the anchor.
TEST_P(AuditLogTest, PrunedChainVerifiesFromItsAnchor) {
  int64_t removed = 0;
  ASSERT_TRUE(db_->Write([&](db::Connection& c) -> common::Status {
                   SP_ASSIGN_OR_RETURN(removed, log_.Prune(c, 3));
                   return common::Status::Ok();
                 })
                  .ok());
  EXPECT_EQ(removed, 3);
  EXPECT_TRUE(Problems().empty());
  // The pruning is itself on record, and the chain goes on after it.
  ASSERT_TRUE(log_.Append(*db_, {"", "u1", "login", "session", "x", "ok"}).ok());
  EXPECT_TRUE(Problems().empty());
  auto recent = log_.Recent(*db_, "", View::kAdmin, 10);
  ASSERT_TRUE(recent.ok());
  ASSERT_EQ(recent->size(), 4u);
  EXPECT_EQ((*recent)[1].entry.action, "retention.audit_pruned");
  EXPECT_EQ((*recent)[1].entry.object_id, "3");
}

TEST_P(AuditLogTest, PrunedChainNamesTheFirstKeptRecordWhenTamperedOrRemoved) {
  ASSERT_TRUE(db_->Write([&](db::Connection& c) { return log_.Prune(c, 3).status(); }).ok());
  Exec("UPDATE audit_log SET result = 'denied' WHERE seq = 4");
  auto p = Problems();
  ASSERT_FALSE(p.empty());
  EXPECT_EQ(p[0].seq, 4);
  Exec("UPDATE audit_log SET result = 'ok' WHERE seq = 4");
  EXPECT_TRUE(Problems().empty());
  // One more record removed by hand, without an anchor: found.
  Exec("DELETE FROM audit_log WHERE seq = 4");
  p = Problems();
  ASSERT_FALSE(p.empty());
  EXPECT_EQ(p[0].seq, 5);
}

TEST_P(AuditLogTest, AForgedAnchorIsFound) {
  ASSERT_TRUE(db_->Write([&](db::Connection& c) { return log_.Prune(c, 2).status(); }).ok());
  // Cutting one more record and moving the anchor over it without the key.
  Exec(
      "INSERT INTO audit_anchor (seq, hash, pruned_at, removed, mac) SELECT seq, hash, 0, 1, "
      "'forged' FROM audit_log WHERE seq = 3");
  Exec("DELETE FROM audit_log WHERE seq = 3");
  auto p = Problems();
  ASSERT_FALSE(p.empty());
  EXPECT_EQ(p[0].seq, 3);
}

TEST_P(AuditLogTest, PruningEverythingContinuesTheChainFromTheAnchor) {
  ASSERT_TRUE(db_->Write([&](db::Connection& c) { return log_.Prune(c, 5).status(); }).ok());
  EXPECT_TRUE(Problems().empty());
  common::Status s = db_->Write([&](db::Connection& c) { return log_.Prune(c, 1).status(); });
  EXPECT_EQ(s.code(), common::StatusCode::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Backends, AuditLogTest, db::testing::kBothBackends,
                         db::testing::DialectName<::testing::TestParamInfo<db::Dialect>>);

}  // namespace
}  // namespace audit
