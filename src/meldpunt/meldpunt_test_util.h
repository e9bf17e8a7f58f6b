// File: meldpunt/meldpunt_test_util.h
//
// The fixture shared by the meldpunt's service tests. Every test runs on
// SQLite and PostgreSQL (db::testing::BackendTest) with a FakeClock, a real
// hash-chained audit log and a KeyRing with random server secrets. It sets up:
//
//   school_        99DM, with a recovery key (recovery_code_) and
//     lead_          a meldpunt lead, unlocked at SetUp (holds every new case key)
//     HandlerA(), HandlerB()   non-lead handlers, unlocked on first use
//     teacher_, coordinator_, management_, admin_   staff without case access
//   other_school_  98DM, with its own recovery key and OtherHandler() (a lead)
//   companies      kCompanyShared (in both registers), kCompanyOwn (99DM only)
//
// Unlocking runs Argon2id at 64 MiB, so handlers other than the lead are
// unlocked lazily: once per handler per test, only in tests that need them.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "audit/audit_log.h"
#include "auth/accounts.h"
#include "common/clock.h"
#include "crypto/random.h"
#include "db/backend_test.h"
#include "domain/calendar.h"
#include "domain/meldpunt.h"
#include "meldpunt/keyring.h"
#include "meldpunt/service.h"

namespace meldpunt::testing {

using common::StatusCode;
using domain::CaseStatus;
using domain::ReportMode;

inline common::Status StatusOf(const common::Status& s) { return s; }
template <typename T>
common::Status StatusOf(const common::StatusOr<T>& s) {
  return s.ok() ? common::Status::Ok() : s.status();
}

#define MP_ASSERT_OK(expr)                                 \
  do {                                                     \
    auto mp_status_ = ::meldpunt::testing::StatusOf(expr); \
    ASSERT_TRUE(mp_status_.ok()) << mp_status_.ToString(); \
  } while (0)
#define MP_EXPECT_OK(expr)                                 \
  do {                                                     \
    auto mp_status_ = ::meldpunt::testing::StatusOf(expr); \
    EXPECT_TRUE(mp_status_.ok()) << mp_status_.ToString(); \
  } while (0)

inline constexpr std::string_view kPassword = "paars konijn op de fiets";
inline constexpr std::string_view kCompanyShared = "100012345";  // leerbedrijf ids
inline constexpr std::string_view kCompanyOwn = "100067890";
inline constexpr std::string_view kCompanyOtherOnly = "100055555";
inline constexpr common::UnixMillis kHour = 60 * 60 * 1000;
inline constexpr common::UnixMillis kDay = 24 * kHour;

// Friday 13 March 2026, 10:00 UTC: three working days later is Wednesday 18th.
inline common::UnixMillis FridayMorning() {
  return domain::StartOfDayMillis(domain::MakeDate(2026, 3, 13)) + 10 * kHour;
}

class MeldpuntTest : public db::testing::BackendTest {
 protected:
  void SetUp() override {
    SetUpDatabase(/*migrated=*/true);
    if (IsSkipped() || HasFatalFailure()) return;
    files_dir_ =
        (std::filesystem::temp_directory_path() / ("meldpunt-test-" + crypto::RandomId())).string();
    audit_ = std::make_unique<audit::AuditLog>(crypto::RandomBytes(32), clock_);
    keys_ = std::make_unique<KeyRing>(
        ServerSecrets{crypto::RandomBytes(32), crypto::RandomBytes(32)}, clock_);
    accounts_ = std::make_unique<auth::Accounts>(db(), clock_);
    mp_ = std::make_unique<Meldpunt>(db(), clock_, *audit_, *keys_, files_dir_);
    common::Status s = db().Write([&](db::Connection& c) -> common::Status {
      SP_ASSIGN_OR_RETURN(school_, accounts_->CreateSchool(c, "99DM", "ROC Demo"));
      SP_ASSIGN_OR_RETURN(other_school_, accounts_->CreateSchool(c, "98DM", "ROC Ander"));
      SP_ASSIGN_OR_RETURN(recovery_code_, keys_->CreateRecoveryKey(c, school_.id));
      SP_ASSIGN_OR_RETURN(other_recovery_code_, keys_->CreateRecoveryKey(c, other_school_.id));
      using R = domain::Role;
      SP_ASSIGN_OR_RETURN(lead_user_, NewUser(c, school_, "lead", R::kMeldpuntHandler, true));
      SP_ASSIGN_OR_RETURN(a_user_, NewUser(c, school_, "anna", R::kMeldpuntHandler));
      SP_ASSIGN_OR_RETURN(b_user_, NewUser(c, school_, "bram", R::kMeldpuntHandler));
      SP_ASSIGN_OR_RETURN(keyless_user_, NewUser(c, school_, "nieuw", R::kMeldpuntHandler));
      SP_ASSIGN_OR_RETURN(teacher_, NewUser(c, school_, "teacher", R::kTeacher));
      SP_ASSIGN_OR_RETURN(coordinator_, NewUser(c, school_, "coordinator", R::kCoordinator));
      SP_ASSIGN_OR_RETURN(management_, NewUser(c, school_, "management", R::kManagement));
      SP_ASSIGN_OR_RETURN(admin_, NewUser(c, school_, "admin", R::kSchoolAdmin));
      SP_ASSIGN_OR_RETURN(other_user_,
                          NewUser(c, other_school_, "lead", R::kMeldpuntHandler, true));
      SP_ASSIGN_OR_RETURN(shared_company_, NewCompany(c, kCompanyShared, "12345678",
                                                      "Bakkerij "
                                                      "De Korenaar",
                                                      {&school_, &other_school_}));
      SP_ASSIGN_OR_RETURN(own_company_,
                          NewCompany(c, kCompanyOwn, "87654321", "Garage Snel", {&school_}));
      SP_ASSIGN_OR_RETURN(other_company_, NewCompany(c, kCompanyOtherOnly, "11223344",
                                                     "Kapsalon Elders", {&other_school_}));
      return common::Status::Ok();
    });
    ASSERT_TRUE(s.ok()) << s.ToString();
    lead_ = Unlock(lead_user_);
    ASSERT_TRUE(lead_.lead && lead_.key.has_value());
  }

  void TearDown() override {
    std::error_code ec;
    if (!files_dir_.empty()) std::filesystem::remove_all(files_dir_, ec);
  }

  // ---- People ----

  common::StatusOr<auth::User> NewUser(db::Connection& c, const auth::School& school,
                                       const std::string& name, domain::Role role,
                                       bool lead = false) {
    SP_ASSIGN_OR_RETURN(
        auth::User u,
        accounts_->CreateUser(c, {school.id, name + "@" + school.brin + ".demo", name, role}));
    if (lead) {
      SP_RETURN_IF_ERROR(
          c.Execute("UPDATE users SET meldpunt_lead = 1 WHERE id = $1", {u.id}).status());
    }
    return u;
  }

  // A password login: unwraps (or creates) the handler's key pair and returns
  // the Staff for a request carrying the resulting key cookie.
  Staff Unlock(const auth::User& u, std::string_view password = kPassword) {
    std::string cookie;
    common::Status s = db().Write([&](db::Connection& c) -> common::Status {
      SP_ASSIGN_OR_RETURN(cookie, keys_->UnlockAtLogin(c, u.id, u.school_id, password,
                                                       clock_.NowMillis() + 3650 * kDay));
      return common::Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    auto staff = mp_->StaffFor(u, cookie);
    EXPECT_TRUE(staff.ok()) << staff.status().ToString();
    return staff.ok() ? *staff : Staff{u, false, std::nullopt};
  }
  const Staff& HandlerA() {
    if (!a_) a_ = Unlock(a_user_);
    return *a_;
  }
  const Staff& HandlerB() {
    if (!b_) b_ = Unlock(b_user_);
    return *b_;
  }
  const Staff& OtherHandler() {
    if (!other_) other_ = Unlock(other_user_);
    return *other_;
  }
  // Staff without a key cookie (any role).
  Staff NoKey(const auth::User& u) {
    auto staff = mp_->StaffFor(u, "");
    EXPECT_TRUE(staff.ok());
    return staff.ok() ? *staff : Staff{u, false, std::nullopt};
  }

  // ---- Companies ----

  common::StatusOr<std::string> NewCompany(db::Connection& c, std::string_view leerbedrijf_id,
                                           std::string_view kvk, std::string_view name,
                                           const std::vector<const auth::School*>& schools) {
    std::string id = crypto::RandomId();
    SP_RETURN_IF_ERROR(c.Execute("INSERT INTO companies(id, leerbedrijf_id, kvk, name, city, "
                                 "created_at) VALUES ($1, $2, $3, $4, 'Utrecht', $5)",
                                 {id, leerbedrijf_id, kvk, name, clock_.NowMillis()})
                           .status());
    for (const auth::School* school : schools) {
      SP_RETURN_IF_ERROR(
          c.Execute("INSERT INTO school_companies(school_id, company_id) VALUES ($1, $2)",
                    {school->id, id})
              .status());
    }
    return id;
  }

  // ---- Reports ----

  domain::Date Today() const { return domain::DateFromMillis(clock_.NowMillis()); }

  domain::ReportDraft Draft(ReportMode mode = ReportMode::kAnonymous,
                            std::string narrative =
                                "Na het noemen van mijn naam kreeg ik geen "
                                "reactie meer op mijn sollicitatie.") {
    domain::ReportDraft d;
    d.mode = mode;
    d.phase = domain::Phase::kSearch;
    d.grounds = {domain::Ground::kOrigin, domain::Ground::kReligion};
    d.actors = {domain::Actor::kCompany, domain::Actor::kColleague};
    d.narrative = std::move(narrative);
    d.occurred_on = domain::AddDays(Today(), -7);
    d.company.leerbedrijf_id = std::string(kCompanyShared);
    d.wishes = {domain::Wish::kTalk, domain::Wish::kActionCompany};
    d.consents = {domain::Consent::kContactCompany};
    if (mode != ReportMode::kAnonymous) {
      d.reporter = domain::ReporterIdentity{"Samira el Amrani", "2100456", "samira@example.nl"};
    }
    return d;
  }

  Receipt SubmitOk(const domain::ReportDraft& d, const auth::School* school = nullptr) {
    auto r = mp_->Submit(school ? *school : school_, d, std::nullopt);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : Receipt{};
  }

  std::string ReporterToken(std::string_view code) {
    auto session = mp_->OpenReporterSession(code);
    EXPECT_TRUE(session.ok()) << session.status().ToString();
    return session.ok() ? session->token : std::string();
  }

  CaseDetail OpenOk(const Staff& staff, std::string_view case_id) {
    auto d = mp_->OpenCase(staff, case_id);
    EXPECT_TRUE(d.ok()) << d.status().ToString();
    return d.ok() ? *d : CaseDetail{};
  }

  // Moves a case along the given statuses (closing with kNoFurtherAction).
  void Walk(const Staff& staff, std::string_view case_id, const std::vector<CaseStatus>& path) {
    for (CaseStatus to : path) {
      std::optional<domain::Outcome> outcome;
      if (to == CaseStatus::kClosed) outcome = domain::Outcome::kResolvedWithCompany;
      common::Status s = mp_->Transition(staff, case_id, to, outcome, "Het bedrijf is gesproken.");
      EXPECT_TRUE(s.ok()) << domain::Name(to) << ": " << s.ToString();
    }
  }
  void CloseCase(const Staff& staff, std::string_view case_id) {
    Walk(staff, case_id, {CaseStatus::kIntake, CaseStatus::kInProgress, CaseStatus::kClosed});
  }

  // ---- Looking into the database ----

  int64_t Count(const std::string& sql, const db::Params& params = {}) {
    int64_t n = -1;
    common::Status s = db().Read([&](db::Connection& c) -> common::Status {
      SP_ASSIGN_OR_RETURN(db::Row r, c.QueryOne(sql, params));
      n = r.Int(0);
      return common::Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return n;
  }
  int64_t AuditCount(std::string_view action, std::string_view object_id,
                     std::string_view result = "ok") {
    return Count(
        "SELECT COUNT(*) FROM audit_log WHERE action = $1 AND object_id = $2 AND result = $3",
        {action, object_id, result});
  }
  std::optional<std::string> Cell(const std::string& sql, const db::Params& params = {}) {
    std::optional<std::string> out;
    common::Status s = db().Read([&](db::Connection& c) -> common::Status {
      SP_ASSIGN_OR_RETURN(db::Row r, c.QueryOne(sql, params));
      out = r.IsNull(0) ? std::nullopt : std::optional<std::string>(r.BlobBytes(0));
      return common::Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  }
  void SetBlob(const std::string& sql, const std::string& bytes, std::string_view id) {
    common::Status s = db().Write([&](db::Connection& c) {
      return c.Execute(sql, {db::Blob{bytes}, id}).status();
    });
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  // Every "table.column" whose value (text or bytes) contains one of `needles`.
  std::vector<std::string> FindInTables(const std::vector<std::string>& tables,
                                        const std::vector<std::string>& needles) {
    std::vector<std::string> hits;
    common::Status s = db().Read([&](db::Connection& c) -> common::Status {
      for (const std::string& table : tables) {
        // Table names come from the test itself, never from data.
        SP_ASSIGN_OR_RETURN(db::Rows rows, c.Query("SELECT * FROM " + table));
        for (const db::Row& row : rows.rows) {
          for (size_t i = 0; i < row.size(); ++i) {
            std::string bytes;
            if (const auto* t = std::get_if<std::string>(&row.at(i))) bytes = *t;
            if (const auto* b = std::get_if<db::Blob>(&row.at(i))) bytes = b->bytes;
            for (const std::string& needle : needles) {
              if (!needle.empty() && bytes.find(needle) != std::string::npos)
                hits.push_back(table + "." + rows.columns[i]);
            }
          }
        }
      }
      return common::Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return hits;
  }

  common::FakeClock clock_{FridayMorning()};
  std::string files_dir_;
  std::unique_ptr<audit::AuditLog> audit_;
  std::unique_ptr<KeyRing> keys_;
  std::unique_ptr<auth::Accounts> accounts_;
  std::unique_ptr<Meldpunt> mp_;

  auth::School school_, other_school_;
  std::string recovery_code_, other_recovery_code_;
  auth::User lead_user_, a_user_, b_user_, keyless_user_, other_user_;
  auth::User teacher_, coordinator_, management_, admin_;
  std::string shared_company_, own_company_, other_company_;
  Staff lead_;
  std::optional<Staff> a_, b_, other_;
};

#define MP_INSTANTIATE(Suite)                                           \
  INSTANTIATE_TEST_SUITE_P(Backends, Suite, db::testing::kBothBackends, \
                           db::testing::DialectName<::testing::TestParamInfo<db::Dialect>>)

}  // namespace meldpunt::testing
