#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "auth/accounts.h"
#include "auth/login_throttle.h"
#include "auth/password_gate.h"
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
                   })
                    .ok());
  }
  Session NewSession() {
    Session s;
    EXPECT_TRUE(db_->Write([&](db::Connection& c) -> common::Status {
                     SP_ASSIGN_OR_RETURN(s, sessions_->Create(c, user_, false));
                     return common::Status::Ok();
                   })
                    .ok());
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
    return accounts_->CreateUser(c, {school_.id, "student@99dm.demo", "X", domain::Role::kStudent})
        .status();
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
  ASSERT_TRUE(
      db_->Write([&](db::Connection& c) { return accounts_->SetDisabled(c, user_.id, true); })
          .ok());
  EXPECT_FALSE(sessions_->Lookup(s.token).ok());
}

// disabled_at starts the account's retention: set once when disabled, kept
// by a second disable, cleared when enabled again.
TEST_P(AuthTest, DisablingDatesTheAccountForRetention) {
  auto disabled_at = [&]() {
    std::optional<int64_t> at;
    EXPECT_TRUE(db_->Read([&](db::Connection& c) -> common::Status {
                      SP_ASSIGN_OR_RETURN(db::Row r, c.QueryOne("SELECT disabled_at FROM users "
                                                                "WHERE id = $1",
                                                                {user_.id}));
                      at = r.OptInt(0);
                      return common::Status::Ok();
                    })
                    .ok());
    return at;
  };
  auto set = [&](bool disabled) {
    ASSERT_TRUE(db_->Write([&](db::Connection& c) {
                      return accounts_->SetDisabled(c, user_.id, disabled);
                    })
                    .ok());
  };
  const common::UnixMillis first = clock_.NowMillis();
  set(true);
  EXPECT_EQ(disabled_at(), first);
  clock_.Advance(1h);
  set(true);
  EXPECT_EQ(disabled_at(), first);
  set(false);
  EXPECT_EQ(disabled_at(), std::nullopt);
}

// Failures raise a per (login, client) delay that holds the answer back but
// never refuses it; they drain over time; another client or login is not
// slowed down at all.
TEST_P(AuthTest, ThrottleDelaysButNeverLocksForGood) {
  LoginThrottle throttle(clock_);
  std::string attacker = throttle.ClientKey("127.0.0.2");
  std::string real = throttle.ClientKey("127.0.0.1");
  EXPECT_NE(attacker, real);
  for (int i = 0; i < LoginThrottle::kFreeFailures; ++i) {
    EXPECT_EQ(throttle.Delay("x", attacker).count(), 0);
    throttle.RecordFailure("x", attacker);
  }
  throttle.RecordFailure("x", attacker);
  EXPECT_EQ(throttle.Delay("x", attacker), LoginThrottle::kFirstDelay);
  for (int i = 0; i < 50; ++i) throttle.RecordFailure("x", attacker);
  EXPECT_EQ(throttle.Delay("x", attacker), LoginThrottle::kMaxDelay) << "capped";
  // The real user at another address, and other logins, wait for nothing.
  EXPECT_EQ(throttle.Delay("x", real).count(), 0);
  EXPECT_EQ(throttle.Delay("other", attacker).count(), 0);
  // Failures decay: one is forgiven per minute.
  clock_.Advance(std::chrono::minutes(50));
  EXPECT_EQ(throttle.Delay("x", attacker), LoginThrottle::kFirstDelay);
  clock_.Advance(std::chrono::minutes(1));
  EXPECT_EQ(throttle.Delay("x", attacker).count(), 0);
  // A right password forgets the failures at once.
  for (int i = 0; i < 10; ++i) throttle.RecordFailure("x", attacker);
  EXPECT_GT(throttle.Delay("x", attacker).count(), 0);
  throttle.RecordSuccess("x", attacker);
  EXPECT_EQ(throttle.Delay("x", attacker).count(), 0);
}

// The second factor's throttle waits, never locks for good, and forgets
// failures after a quiet period instead of adding them up forever.
TEST_P(AuthTest, TotpThrottleWaitsAndForgets) {
  TotpThrottle throttle(clock_);
  for (int i = 0; i <= TotpThrottle::kFreeAttempts; ++i) {
    EXPECT_TRUE(throttle.Check(*db_, "totp:u").ok());
    ASSERT_TRUE(throttle.RecordFailure(*db_, "totp:u").ok());
  }
  EXPECT_EQ(throttle.Check(*db_, "totp:u").code(), common::StatusCode::kResourceExhausted);
  EXPECT_TRUE(throttle.Check(*db_, "totp:other").ok());
  clock_.Advance(std::chrono::milliseconds(TotpThrottle::kForgetAfterMillis + 1000));
  EXPECT_TRUE(throttle.Check(*db_, "totp:u").ok());
  ASSERT_TRUE(throttle.RecordFailure(*db_, "totp:u").ok());
  EXPECT_TRUE(throttle.Check(*db_, "totp:u").ok()) << "one failure after a quiet period is free";
}

TEST_P(AuthTest, ClientAttemptsAreLimitedPerClientAndRefill) {
  LoginThrottle throttle(clock_);
  std::string a = throttle.ClientKey("127.0.0.2");
  std::string b = throttle.ClientKey("127.0.0.1");
  for (int i = 0; i < LoginThrottle::kClientBurst; ++i) EXPECT_TRUE(throttle.AdmitAttempt(a)) << i;
  EXPECT_FALSE(throttle.AdmitAttempt(a));
  EXPECT_TRUE(throttle.AdmitAttempt(b)) << "another client is not affected";
  clock_.Advance(std::chrono::seconds(LoginThrottle::kClientRetryAfterSeconds));
  EXPECT_TRUE(throttle.AdmitAttempt(a)) << "refilled after Retry-After";
  EXPECT_FALSE(throttle.AdmitAttempt(a));
  throttle.ReturnAttempt(a);  // a right password gives its attempt back
  EXPECT_TRUE(throttle.AdmitAttempt(a));
}

// Never more hashes at once than the gate allows; past the line, Unavailable
// at once instead of another waiting thread.
TEST(PasswordGateTest, BoundsConcurrentHashesAndTheLine) {
  PasswordGate gate(
      {.concurrent = 2, .max_waiting = 2, .max_wait = std::chrono::milliseconds(3000)});
  std::vector<std::thread> threads;
  std::atomic<int> ok{0}, busy{0};
  std::atomic<bool> release{false};
  std::atomic<int> holding{0};
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&] {
      auto permit = gate.Enter();
      if (!permit.ok()) {
        EXPECT_EQ(permit.status().code(), common::StatusCode::kUnavailable);
        ++busy;
        return;
      }
      ++holding;
      while (!release.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      ++ok;
    });
  }
  // Wait until the 12 that find no place have been turned away.
  for (int i = 0; i < 2000 && (busy.load() < 12 || holding.load() < 2); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_EQ(busy.load(), 12);
  EXPECT_EQ(holding.load(), 2);
  release = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 4) << "the two in line got their turn";
  EXPECT_EQ(gate.max_running_seen(), 2);
  EXPECT_EQ(gate.refused(), 12);
}

TEST(PasswordGateTest, UnknownLoginCostsAHashAndNeverMatches) {
  PasswordGate gate;
  auto permit = gate.Enter();
  ASSERT_TRUE(permit.ok());
  EXPECT_FALSE(gate.Verify(*permit, "", "anything at all here"));
  auto hash = gate.Hash(*permit, "paars konijn op de fiets");
  ASSERT_TRUE(hash.ok());
  EXPECT_TRUE(gate.Verify(*permit, *hash, "paars konijn op de fiets"));
  EXPECT_FALSE(gate.Verify(*permit, *hash, "paars konijn op de fietz"));
}

// A school admin's new logins must lie in the school's login domains; the
// check comes before uniqueness, so another school's logins cannot be probed.
TEST_P(AuthTest, SchoolAdminsCreateLoginsOnlyInTheirDomains) {
  auto create = [&](const std::string& school_id, const std::string& login) {
    return db_->Write([&](db::Connection& c) {
      return accounts_
          ->CreateUserInSchoolDomains(c, {school_id, login, "X", domain::Role::kStudent})
          .status();
    });
  };
  common::Status none = create(school_.id, "new@99dm.demo");
  EXPECT_EQ(none.code(), common::StatusCode::kInvalidArgument);
  EXPECT_EQ(none.field(), "login");
  EXPECT_EQ(none.message().rfind("no_domains", 0), 0u) << none.ToString();

  School other;
  ASSERT_TRUE(db_->Write([&](db::Connection& c) -> common::Status {
                   SP_ASSIGN_OR_RETURN(other, accounts_->CreateSchool(c, "98dm", "ROC Voorbeeld"));
                   SP_RETURN_IF_ERROR(accounts_->SetLoginDomains(c, school_.id, {"99DM.demo"}));
                   return accounts_->SetLoginDomains(c, other.id, {"98dm.demo", " roc.nl"});
                 })
                  .ok());
  EXPECT_EQ(*accounts_->LoginDomains(other.id), (std::vector<std::string>{"98dm.demo", "roc.nl"}));
  // Another school's domain: refused before uniqueness, whether the login
  // exists there (student@99dm.demo) or not.
  for (const char* login : {"nobody-here@99dm.demo", "student@99dm.demo"}) {
    common::Status s = create(other.id, login);
    EXPECT_EQ(s.code(), common::StatusCode::kInvalidArgument) << login;
    EXPECT_EQ(s.message().rfind("outside_domains", 0), 0u) << s.ToString();
  }
  EXPECT_EQ(accounts_->UserByLogin("nobody-here@99dm.demo").status().code(),
            common::StatusCode::kNotFound);
  EXPECT_TRUE(create(other.id, "Nieuw@ROC.nl").ok());
  EXPECT_EQ(create(school_.id, "student@99dm.demo").code(), common::StatusCode::kAlreadyExists);
  // A company contact may have the company's own address (a domain no school
  // claims), never another school's; a student or staff member may not.
  auto contact = [&](const std::string& school_id, const std::string& login, domain::Role role) {
    return db_->Write([&](db::Connection& c) {
      return accounts_->CreateUserInSchoolDomains(c, {school_id, login, "X", role}).status();
    });
  };
  EXPECT_TRUE(contact(other.id, "praktijk@zorghuis.example", domain::Role::kCompanyContact).ok());
  EXPECT_EQ(contact(other.id, "iemand@zorghuis.example", domain::Role::kStudent)
                .message()
                .rfind("outside_domains", 0),
            0u);
  EXPECT_EQ(contact(other.id, "bedrijf@99dm.demo", domain::Role::kCompanyContact)
                .message()
                .rfind("outside_domains", 0),
            0u);
  // A domain belongs to one school; malformed domains are refused.
  auto set = [&](const std::string& school_id, std::vector<std::string> d) {
    return db_->Write(
        [&](db::Connection& c) { return accounts_->SetLoginDomains(c, school_id, d); });
  };
  EXPECT_EQ(set(other.id, {"99dm.demo"}).code(), common::StatusCode::kAlreadyExists);
  EXPECT_EQ(set(other.id, {"nodot"}).code(), common::StatusCode::kInvalidArgument);
  EXPECT_EQ(set(other.id, {"a@b.nl"}).field(), "domains");
  EXPECT_EQ(*accounts_->LoginDomains(other.id), (std::vector<std::string>{"98dm.demo", "roc.nl"}))
      << "unchanged after a refused change";
  EXPECT_EQ(SplitDomainList("a.nl, b.nl;c.nl\nd.nl"),
            (std::vector<std::string>{"a.nl", "b.nl", "c.nl", "d.nl"}));
}

TEST_P(AuthTest, InvitationWorksOnce) {
  PasswordGate gate;
  Invitations invitations(*accounts_, gate);
  std::string token;
  ASSERT_TRUE(db_->Write([&](db::Connection& c) -> common::Status {
                   SP_ASSIGN_OR_RETURN(token, invitations.Create(c, user_.id));
                   return common::Status::Ok();
                 })
                  .ok());
  EXPECT_EQ(invitations.Redeem(token, "short").code(), common::StatusCode::kInvalidArgument);
  ASSERT_TRUE(invitations.Redeem(token, "paars konijn op de fiets").ok());
  EXPECT_EQ(invitations.Redeem(token, "paars konijn op de fiets").code(),
            common::StatusCode::kNotFound);
  auto u = accounts_->UserById(user_.id);
  ASSERT_TRUE(u.ok());
  EXPECT_FALSE(u->password_hash.empty());
}

// Provisioning (docs/accounts.md): a link is valid 7 days, works once, and a
// re-invite revokes the earlier link; SendInvitation queues the mail in the
// same transaction, to the user's address, without the token anywhere else.
TEST_P(AuthTest, InvitationIsValidSevenDaysAndReinviteRevokesTheOldLink) {
  PasswordGate gate;
  Invitations invitations(*accounts_, gate);
  mail::Outbox outbox(clock_, "https://stagepunt.test");
  SentInvitation first, second;
  ASSERT_TRUE(db_->Write([&](db::Connection& c) -> common::Status {
                   SP_RETURN_IF_ERROR(accounts_->SetEmail(c, user_.id, "Sam@Mail.Example"));
                   SP_ASSIGN_OR_RETURN(first, SendInvitation(c, clock_, outbox, user_.id));
                   return common::Status::Ok();
                 })
                  .ok());
  EXPECT_TRUE(first.queued);
  EXPECT_EQ(first.valid_until, clock_.NowMillis() + int64_t{7} * 24 * 3600 * 1000);
  EXPECT_TRUE(invitations.Peek(first.token).ok());
  clock_.Advance(std::chrono::hours(24 * 7 - 1));
  EXPECT_TRUE(invitations.Peek(first.token).ok());
  clock_.Advance(std::chrono::hours(2));
  EXPECT_EQ(invitations.Peek(first.token).status().code(), common::StatusCode::kNotFound);

  // A re-invite: the new link works, the one before it no longer does.
  ASSERT_TRUE(db_->Write([&](db::Connection& c) -> common::Status {
                   SP_ASSIGN_OR_RETURN(first, SendInvitation(c, clock_, outbox, user_.id));
                   SP_ASSIGN_OR_RETURN(second, SendInvitation(c, clock_, outbox, user_.id));
                   return common::Status::Ok();
                 })
                  .ok());
  EXPECT_NE(first.token, second.token);
  EXPECT_EQ(invitations.Peek(first.token).status().code(), common::StatusCode::kNotFound);
  EXPECT_EQ(invitations.Redeem(first.token, "paars konijn op de fiets").code(),
            common::StatusCode::kNotFound);
  ASSERT_TRUE(invitations.Redeem(second.token, "paars konijn op de fiets").ok());
  EXPECT_EQ(invitations.Redeem(second.token, "paars konijn op de fiets").code(),
            common::StatusCode::kNotFound);

  ASSERT_TRUE(
      db_->Read([&](db::Connection& c) -> common::Status {
           SP_ASSIGN_OR_RETURN(db::Rows rows, c.Query("SELECT kind, to_address, user_id, body FROM "
                                                      "mail_outbox ORDER BY created_at"));
           EXPECT_EQ(rows.rows.size(), 3u);
           for (const db::Row& r : rows.rows) {
             EXPECT_EQ(r.Text(0), "invitation");
             EXPECT_EQ(r.Text(1), "sam@mail.example");
             EXPECT_EQ(r.Text(2), user_.id);
           }
           EXPECT_NE(rows.rows.back().Text(3).find("https://stagepunt.test/invite/" + second.token),
                     std::string::npos);
           SP_ASSIGN_OR_RETURN(auto latest, LatestInvitations(c, school_.id));
           EXPECT_TRUE(latest.at(user_.id).used);
           return common::Status::Ok();
         })
          .ok());
}

TEST_P(AuthTest, UpdateUserKeepsTheLastAdminAndNamesChangedFields) {
  User admin;
  ASSERT_TRUE(db_->Write([&](db::Connection& c) -> common::Status {
                   SP_ASSIGN_OR_RETURN(
                       admin, accounts_->CreateUser(c, {school_.id, "admin@99dm.demo", "Ada",
                                                        domain::Role::kSchoolAdmin}));
                   return common::Status::Ok();
                 })
                  .ok());
  auto update = [&](const std::string& id, const Accounts::UserChange& change) {
    std::vector<std::string> changed;
    common::Status s = db_->Write([&](db::Connection& c) -> common::Status {
      SP_ASSIGN_OR_RETURN(changed, accounts_->UpdateUser(c, school_.id, id, change));
      return common::Status::Ok();
    });
    return std::make_pair(s, changed);
  };
  Accounts::UserChange demote;
  demote.role = domain::Role::kTeacher;
  auto [s1, c1] = update(admin.id, demote);
  EXPECT_EQ(s1.code(), common::StatusCode::kFailedPrecondition);
  EXPECT_EQ(s1.field(), "role");
  Accounts::UserChange to_sysadmin;
  to_sysadmin.role = domain::Role::kSystemAdmin;
  EXPECT_EQ(update(user_.id, to_sysadmin).first.code(), common::StatusCode::kInvalidArgument);
  Accounts::UserChange change;
  change.display_name = "Sam B.";
  change.email = "not an address";
  EXPECT_EQ(update(user_.id, change).first.field(), "email");
  change.email = "sam@mail.example";
  change.role = domain::Role::kStudent;  // unchanged
  auto [s2, c2] = update(user_.id, change);
  ASSERT_TRUE(s2.ok());
  EXPECT_EQ(c2, (std::vector<std::string>{"display_name", "email"}));
  // Another school's user is missing.
  School other;
  ASSERT_TRUE(db_->Write([&](db::Connection& c) -> common::Status {
                   SP_ASSIGN_OR_RETURN(other, accounts_->CreateSchool(c, "98dm", "ROC Ander"));
                   return common::Status::Ok();
                 })
                  .ok());
  EXPECT_EQ(db_->Write([&](db::Connection& c) {
                 return accounts_->UpdateUser(c, other.id, user_.id, change).status();
               })
                .code(),
            common::StatusCode::kNotFound);
  // Paging and search.
  auto page = accounts_->ListUsers({school_.id, std::nullopt, "SAM", 50, 0});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 1);
  auto admins = accounts_->ListUsers({school_.id, domain::Role::kSchoolAdmin, "", 50, 0});
  ASSERT_TRUE(admins.ok());
  ASSERT_EQ(admins->users.size(), 1u);
  EXPECT_EQ(admins->users[0].id, admin.id);
  auto wildcard = accounts_->ListUsers({school_.id, std::nullopt, "%", 50, 0});
  ASSERT_TRUE(wildcard.ok());
  EXPECT_EQ(wildcard->total, 0);
}

TEST_P(AuthTest, TotpStepCannotBeReused) {
  auto consume = [&](int64_t step) {
    return db_->Write(
        [&](db::Connection& c) { return accounts_->ConsumeTotpStep(c, user_.id, step); });
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
