#include <gtest/gtest.h>

#include "auth/accounts.h"
#include "auth/sessions.h"
#include "db/backend_test.h"

namespace auth {
namespace {

using namespace std::chrono_literals;

class AuthTest : public db::testing::BackendTest {
 protected:
  void SetUp() override {
    SetUpDatabase(/*migrated=*/true);
    if (IsSkipped() || HasFatalFailure()) return;
    db_ = &db();
    accounts_ = std::make_unique<Accounts>(*db_, clock_);
    sessions_ = std::make_unique<Sessions>(*accounts_);
    ASSERT_TRUE(db_->Write([&](db::Connection& c) -> common::Status {
                     SP_ASSIGN_OR_RETURN(school_, accounts_->CreateSchool(c, "99dm", "ROC Demo"));
                     SP_ASSIGN_OR_RETURN(
                         user_, accounts_->CreateUser(c, {school_.id, "Student@99DM.demo", "Sam",
                                                          domain::Role::kStudent}));
                     return common::Status::Ok();
                   }).ok());
  }
  Session NewSession() {
    Session s;
    EXPECT_TRUE(db_->Write([&](db::Connection& c) -> common::Status {
                     SP_ASSIGN_OR_RETURN(s, sessions_->Create(c, user_, false));
                     return common::Status::Ok();
                   }).ok());
    return s;
  }

  db::Database* db_ = nullptr;
  common::FakeClock clock_{1'800'000'000'000};
  std::unique_ptr<Accounts> accounts_;
  std::unique_ptr<Sessions> sessions_;
  School school_;
  User user_;
};

TEST_P(AuthTest, LoginIsNormalisedAndUnique) {
  EXPECT_EQ(user_.login, "student@99dm.demo");
  auto dup = db_->Write([&](db::Connection& c) {
    return accounts_->CreateUser(c, {school_.id, "student@99dm.demo", "X", domain::Role::kStudent}).status();
  });
  EXPECT_EQ(dup.code(), common::StatusCode::kAlreadyExists);
  EXPECT_EQ(dup.field(), "login");
}

TEST_P(AuthTest, SessionTokensAreLongAndStoredHashed) {
  Session s = NewSession();
  EXPECT_GE(s.token.size(), 43u);  // 256 bits in base64url
  auto found = sessions_->Lookup(s.token);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->user.id, user_.id);
  auto raw = db_->Read([&](db::Connection& c) -> common::Status {
    SP_ASSIGN_OR_RETURN(db::Rows rows, c.Query("SELECT id_hash FROM sessions"));
    EXPECT_NE(rows.rows[0].Text(0), s.token);
    return common::Status::Ok();
  });
  EXPECT_TRUE(raw.ok());
}

TEST_P(AuthTest, SessionsExpireWhenIdleAndAbsolutely) {
  Session s = NewSession();
  clock_.Advance(29min);
  EXPECT_TRUE(sessions_->Lookup(s.token).ok());
  clock_.Advance(31min);
  EXPECT_FALSE(sessions_->Lookup(s.token).ok());

  Session t = NewSession();
  for (int i = 0; i < 25; ++i) {
    clock_.Advance(29min);
    sessions_->Lookup(t.token).status();
  }
  EXPECT_FALSE(sessions_->Lookup(t.token).ok());  // past 12 hours
}

TEST_P(AuthTest, DisablingRevokesSessions) {
  Session s = NewSession();
  ASSERT_TRUE(db_->Write([&](db::Connection& c) { return accounts_->SetDisabled(c, user_.id, true); }).ok());
  EXPECT_FALSE(sessions_->Lookup(s.token).ok());
}

TEST_P(AuthTest, ThrottleDelaysButNeverLocksForGood) {
  LoginThrottle throttle(clock_);
  for (int i = 0; i < LoginThrottle::kFreeAttempts; ++i) {
    EXPECT_TRUE(throttle.Check(*db_, "x").ok());
    ASSERT_TRUE(throttle.RecordFailure(*db_, "x").ok());
  }
  ASSERT_TRUE(throttle.RecordFailure(*db_, "x").ok());
  EXPECT_EQ(throttle.Check(*db_, "x").code(), common::StatusCode::kResourceExhausted);
  for (int i = 0; i < 30; ++i) ASSERT_TRUE(throttle.RecordFailure(*db_, "x").ok());
  clock_.Advance(std::chrono::milliseconds(LoginThrottle::kMaxDelayMillis + 1));
  EXPECT_TRUE(throttle.Check(*db_, "x").ok());
  EXPECT_TRUE(throttle.Check(*db_, "other").ok());
}

TEST_P(AuthTest, InvitationWorksOnce) {
  Invitations invitations(*accounts_);
  std::string token;
  ASSERT_TRUE(db_->Write([&](db::Connection& c) -> common::Status {
                   SP_ASSIGN_OR_RETURN(token, invitations.Create(c, user_.id));
                   return common::Status::Ok();
                 }).ok());
  EXPECT_EQ(invitations.Redeem(token, "short").code(), common::StatusCode::kInvalidArgument);
  ASSERT_TRUE(invitations.Redeem(token, "paars konijn op de fiets").ok());
  EXPECT_EQ(invitations.Redeem(token, "paars konijn op de fiets").code(), common::StatusCode::kNotFound);
  auto u = accounts_->UserById(user_.id);
  ASSERT_TRUE(u.ok());
  EXPECT_FALSE(u->password_hash.empty());
}

TEST_P(AuthTest, TotpStepCannotBeReused) {
  auto consume = [&](int64_t step) {
    return db_->Write([&](db::Connection& c) { return accounts_->ConsumeTotpStep(c, user_.id, step); });
  };
  EXPECT_TRUE(consume(100).ok());
  EXPECT_FALSE(consume(100).ok());
  EXPECT_FALSE(consume(99).ok());
  EXPECT_TRUE(consume(101).ok());
}

TEST_P(AuthTest, ApiTokensCarryTheUser) {
  ApiTokens tokens(*accounts_);
  auto t = tokens.Create(user_.id, 30);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(tokens.Lookup(*t)->id, user_.id);
  EXPECT_FALSE(tokens.Lookup("spt_nope").ok());
  clock_.Advance(std::chrono::hours(24 * 31));
  EXPECT_FALSE(tokens.Lookup(*t).ok());
}

INSTANTIATE_TEST_SUITE_P(Backends, AuthTest, db::testing::kBothBackends,
                         db::testing::DialectName<::testing::TestParamInfo<db::Dialect>>);

}  // namespace
}  // namespace auth
