// Password reset links and password change (password_reset.h), on SQLite and
// PostgreSQL: only the token's hash is kept, a link works once and for 30
// minutes, at most 3 links per account per hour, and nothing answers
// differently for an unknown address.
#include "auth/password_reset.h"

#include <gtest/gtest.h>

#include "auth/sessions.h"
#include "crypto/hash.h"
#include "db/backend_test.h"

namespace auth {
namespace {

class PasswordResetTest : public db::testing::BackendTest {
 protected:
  void SetUp() override {
    SetUpDatabase(/*migrated=*/true);
    if (IsSkipped() || HasFatalFailure()) return;
    accounts_ = std::make_unique<Accounts>(db(), clock_);
    resets_ = std::make_unique<PasswordResets>(*accounts_, gate_, clock_);
    ASSERT_TRUE(
        db().Write([&](db::Connection& c) -> common::Status {
              SP_ASSIGN_OR_RETURN(School school, accounts_->CreateSchool(c, "99dm", "ROC Demo"));
              SP_ASSIGN_OR_RETURN(user_, accounts_->CreateUser(c, {school.id, "sam@99dm.demo",
                                                                   "Sam", domain::Role::kStudent}));
              return c
                  .Execute("UPDATE users SET email = 'Sam.Prive@Example.nl' WHERE id = $1",
                           {user_.id})
                  .status();
            })
            .ok());
  }
  std::vector<PasswordResets::Issued> Ask(const std::string& typed) {
    std::vector<PasswordResets::Issued> out;
    common::Status s = db().Write([&](db::Connection& c) -> common::Status {
      SP_ASSIGN_OR_RETURN(out, resets_->Request(c, typed));
      return common::Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  }
  int64_t Count(const std::string& sql, const db::Params& params = {}) {
    int64_t n = -1;
    EXPECT_TRUE(db().Read([&](db::Connection& c) -> common::Status {
                      SP_ASSIGN_OR_RETURN(db::Row r, c.QueryOne(sql, params));
                      n = r.Int(0);
                      return common::Status::Ok();
                    })
                    .ok());
    return n;
  }

  common::FakeClock clock_{1'800'000'000'000};
  PasswordGate gate_;
  std::unique_ptr<Accounts> accounts_;
  std::unique_ptr<PasswordResets> resets_;
  User user_;
};

TEST_P(PasswordResetTest, KnownLoginOrAddressGetsATokenStoredOnlyHashed) {
  EXPECT_TRUE(Ask("niemand@99dm.demo").empty());
  EXPECT_TRUE(Ask("geen adres").empty());
  auto by_login = Ask("SAM@99dm.demo");
  ASSERT_EQ(by_login.size(), 1u);
  EXPECT_EQ(by_login[0].user_id, user_.id);
  EXPECT_GE(by_login[0].token.size(), 40u);
  EXPECT_EQ(by_login[0].expires_at, clock_.NowMillis() + 30 * 60 * 1000);
  EXPECT_EQ(Ask("sam.prive@example.nl").size(), 1u);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM password_resets WHERE token_hash = $1",
                  {crypto::Sha256Hex(by_login[0].token)}),
            1);
  EXPECT_EQ(
      Count("SELECT COUNT(*) FROM password_resets WHERE token_hash = $1", {by_login[0].token}), 0);
  // At most 3 links per account per hour; then again after the hour.
  EXPECT_EQ(Ask("sam@99dm.demo").size(), 1u);
  EXPECT_TRUE(Ask("sam@99dm.demo").empty());
  clock_.Advance(std::chrono::minutes(61));
  EXPECT_EQ(Ask("sam@99dm.demo").size(), 1u);
}

TEST_P(PasswordResetTest, LinkWorksOnceAndForThirtyMinutes) {
  auto issued = Ask("sam@99dm.demo");
  ASSERT_EQ(issued.size(), 1u);
  std::string token = issued[0].token;
  EXPECT_TRUE(resets_->Peek(token).ok());
  auto weak = resets_->Redeem(token, "kort", nullptr);
  EXPECT_EQ(weak.code(), common::StatusCode::kInvalidArgument);
  int hooked = 0;
  ASSERT_TRUE(resets_
                  ->Redeem(token, "een goed nieuw wachtwoord",
                           [&](db::Connection&, const User& u) {
                             EXPECT_EQ(u.id, user_.id);
                             ++hooked;
                             return common::Status::Ok();
                           })
                  .ok());
  EXPECT_EQ(hooked, 1);
  EXPECT_EQ(resets_->Redeem(token, "nog een goed wachtwoord", nullptr).code(),
            common::StatusCode::kNotFound);
  auto user = accounts_->UserById(user_.id);
  ASSERT_TRUE(user.ok());
  auto permit = gate_.Enter();
  ASSERT_TRUE(permit.ok());
  EXPECT_TRUE(gate_.Verify(*permit, user->password_hash, "een goed nieuw wachtwoord"));

  auto late = Ask("sam@99dm.demo");
  ASSERT_EQ(late.size(), 1u);
  clock_.Advance(std::chrono::minutes(31));
  EXPECT_EQ(resets_->Peek(late[0].token).status().code(), common::StatusCode::kNotFound);
}

TEST_P(PasswordResetTest, ChangeNeedsTheCurrentPassword) {
  {
    auto permit = gate_.Enter();
    ASSERT_TRUE(permit.ok());
    auto hash = gate_.Hash(*permit, "het eerste wachtwoord");
    ASSERT_TRUE(hash.ok());
    ASSERT_TRUE(db().Write([&](db::Connection& c) {
                      return accounts_->SetPasswordHash(c, user_.id, *hash);
                    })
                    .ok());
  }
  auto wrong = resets_->Change(user_, "niet goed", "het tweede wachtwoord", nullptr);
  EXPECT_EQ(wrong.code(), common::StatusCode::kPermissionDenied);
  EXPECT_EQ(wrong.field(), "current_password");
  auto weak = resets_->Change(user_, "het eerste wachtwoord", "kort", nullptr);
  EXPECT_EQ(weak.field(), "new_password");
  EXPECT_TRUE(
      resets_->Change(user_, "het eerste wachtwoord", "het tweede wachtwoord", nullptr).ok());
  auto user = accounts_->UserById(user_.id);
  auto permit = gate_.Enter();
  ASSERT_TRUE(permit.ok());
  EXPECT_TRUE(gate_.Verify(*permit, user->password_hash, "het tweede wachtwoord"));
}

INSTANTIATE_TEST_SUITE_P(Backends, PasswordResetTest, db::testing::kBothBackends,
                         db::testing::DialectName<::testing::TestParamInfo<db::Dialect>>);

}  // namespace
}  // namespace auth
