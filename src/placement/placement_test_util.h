// File: placement/placement_test_util.h
//
// The fixture shared by the stagematching service tests. Every test runs on
// SQLite and PostgreSQL (db::testing::BackendTest) with a FakeClock and a
// real hash-chained audit log. It sets up two schools, 99DM and 98DM, each
// with a coordinator, and helpers to import the standard data set:
//
//   companies  200001 Zorg Noord (Utrecht), 200002 Zorg Zuid (Houten),
//              200003 ICT Centrum (Utrecht), 200004 Zorg Oost (Zeist);
//              crebo 25480 (care) and 25998 (software)
//   places     period "2026 P1", one per company and crebo
//   students   S001..S006 (25480, cohort 2025) and S101 (25998)
//
// Monday 2 March 2026 is "today"; rounds start on 1 May 2026.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "auth/accounts.h"
#include "common/clock.h"
#include "crypto/random.h"
#include "db/backend_test.h"
#include "domain/calendar.h"
#include "placement/service.h"

namespace placement::testing {

using common::StatusCode;
using domain::ImportKind;

inline common::Status StatusOf(const common::Status& s) { return s; }
template <typename T>
common::Status StatusOf(const common::StatusOr<T>& s) {
  return s.ok() ? common::Status::Ok() : s.status();
}

#define PL_ASSERT_OK(expr)                                  \
  do {                                                      \
    auto pl_status_ = ::placement::testing::StatusOf(expr); \
    ASSERT_TRUE(pl_status_.ok()) << pl_status_.ToString();  \
  } while (0)
#define PL_EXPECT_OK(expr)                                  \
  do {                                                      \
    auto pl_status_ = ::placement::testing::StatusOf(expr); \
    EXPECT_TRUE(pl_status_.ok()) << pl_status_.ToString();  \
  } while (0)

inline constexpr common::UnixMillis kDay = 24LL * 60 * 60 * 1000;

inline constexpr char kCompaniesCsv[] =
    "leerbedrijf_id,kvk,name,address,postcode,city,lat,lon,crebos\n"
    "200001,11111111,Zorg Noord,Noordstraat 1,3511AA,Utrecht,52.0907,5.1214,25480\n"
    "200002,22222222,Zorg Zuid,Zuidweg 2,3991AB,Houten,52.0285,5.1681,25480\n"
    "200003,33333333,ICT Centrum,Stationsplein 3,3511CE,Utrecht,52.0894,5.1100,25998\n"
    "200004,44444444,Zorg Oost,Oostlaan 4,3701AC,Zeist,52.0894,5.2330,25480;25998\n";

inline constexpr char kPlacesCsv[] =
    "leerbedrijf_id,crebo,capacity,period,description\n"
    "200001,25480,1,2026 P1,Verzorging op de afdeling\n"
    "200002,25480,2,2026 P1,Thuiszorg\n"
    "200003,25998,1,2026 P1,Webontwikkeling\n"
    "200004,25480,1,2026 P1,Dagbesteding\n";

// S001 and S002 live in Utrecht centre, S003 in Houten, S004 in Zeist, S005
// without coordinates, S006 in Utrecht; S101 studies software.
inline constexpr char kStudentsCsv[] =
    "student_number,name,crebo,level,pathway,cohort,location,lat,lon\n"
    "S001,Anna Test,25480,3,BOL,2025,Utrecht,52.0910,5.1220\n"
    "S002,Bram Test,25480,3,BOL,2025,Utrecht,52.0920,5.1190\n"
    "S003,Cas Test,25480,2,BBL,2025,Houten,52.0290,5.1690\n"
    "S004,Dewi Test,25480,3,BOL,2025,Zeist,52.0890,5.2320\n"
    "S005,Eva Test,25480,4,BOL,2025,Utrecht,,\n"
    "S006,Fenna Test,25480,3,BOL,2025,Utrecht,52.0900,5.1200\n"
    "S101,Gijs Test,25998,4,BOL,2025,Utrecht,52.0900,5.1150\n";

class PlacementTest : public db::testing::BackendTest {
 protected:
  void SetUp() override {
    SetUpDatabase(/*migrated=*/true);
    if (IsSkipped() || HasFatalFailure()) return;
    audit_ = std::make_unique<audit::AuditLog>(crypto::RandomBytes(32), clock_);
    accounts_ = std::make_unique<auth::Accounts>(db(), clock_);
    sm_ = std::make_unique<Stagematching>(db(), clock_, *audit_);
    common::Status s = db().Write([&](db::Connection& c) -> common::Status {
      SP_ASSIGN_OR_RETURN(school_, accounts_->CreateSchool(c, "99DM", "ROC Demo"));
      SP_ASSIGN_OR_RETURN(other_school_, accounts_->CreateSchool(c, "98DM", "ROC Ander"));
      using R = domain::Role;
      SP_ASSIGN_OR_RETURN(coordinator_, NewUser(c, school_, "coordinator", R::kCoordinator));
      SP_ASSIGN_OR_RETURN(teacher_, NewUser(c, school_, "teacher", R::kTeacher));
      SP_ASSIGN_OR_RETURN(other_coordinator_,
                          NewUser(c, other_school_, "coordinator", R::kCoordinator));
      return common::Status::Ok();
    });
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  common::StatusOr<auth::User> NewUser(db::Connection& c, const auth::School& school,
                                       const std::string& name, domain::Role role) {
    return accounts_->CreateUser(c, {school.id, name + "@" + school.brin + ".test", name, role});
  }
  auth::User MakeUser(const auth::School& school, const std::string& name, domain::Role role) {
    auth::User u;
    common::Status s = db().Write([&](db::Connection& c) -> common::Status {
      SP_ASSIGN_OR_RETURN(u, NewUser(c, school, name, role));
      return common::Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return u;
  }

  // ---- Imports ----

  ImportReport Import(ImportKind kind, std::string_view csv, const auth::User* as = nullptr) {
    auto r = sm_->Import(as ? *as : coordinator_, kind, std::string(domain::Name(kind)) + ".csv",
                         csv);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : ImportReport{};
  }
  void ImportAll(const auth::User* as = nullptr) {
    ImportReport c = Import(ImportKind::kCompanies, kCompaniesCsv, as);
    ASSERT_TRUE(c.applied) << Errors(c);
    ImportReport p = Import(ImportKind::kPlaces, kPlacesCsv, as);
    ASSERT_TRUE(p.applied) << Errors(p);
    ImportReport s = Import(ImportKind::kStudents, kStudentsCsv, as);
    ASSERT_TRUE(s.applied) << Errors(s);
  }
  static std::string Errors(const ImportReport& r) {
    std::string out;
    for (const ImportError& e : r.errors) out += e.ToString(r.file_name) + "\n";
    return out;
  }

  // ---- Lookups ----

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
  std::string Text(const std::string& sql, const db::Params& params = {}) {
    std::string out;
    common::Status s = db().Read([&](db::Connection& c) -> common::Status {
      SP_ASSIGN_OR_RETURN(db::Row r, c.QueryOne(sql, params));
      out = r.Text(0);
      return common::Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  }
  void Exec(const std::string& sql, const db::Params& params = {}) {
    common::Status s = db().Write([&](db::Connection& c) { return c.Execute(sql, params).status(); });
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  std::string CompanyId(std::string_view leerbedrijf_id) {
    return Text("SELECT id FROM companies WHERE leerbedrijf_id = $1", {leerbedrijf_id});
  }
  std::string PlaceId(std::string_view leerbedrijf_id, std::string_view crebo = "25480",
                      const auth::School* school = nullptr) {
    return Text("SELECT l.id FROM leerplaatsen l JOIN companies co ON co.id = l.company_id WHERE "
                "co.leerbedrijf_id = $1 AND l.crebo = $2 AND l.school_id = $3",
                {leerbedrijf_id, crebo, (school ? *school : school_).id});
  }
  std::string StudentId(std::string_view number, const auth::School* school = nullptr) {
    return Text("SELECT id FROM students WHERE student_number = $1 AND school_id = $2",
                {number, (school ? *school : school_).id});
  }
  int64_t AuditCount(std::string_view action) {
    return Count("SELECT COUNT(*) FROM audit_log WHERE action = $1", {action});
  }

  // ---- People on the school's side ----

  // A student login linked to the student record `number`.
  auth::User StudentLogin(std::string_view number, const auth::School* school = nullptr) {
    const auth::School& sc = school ? *school : school_;
    auth::User u = MakeUser(sc, "student-" + std::string(number), domain::Role::kStudent);
    const auth::User& coord = &sc == &school_ ? coordinator_ : other_coordinator_;
    EXPECT_TRUE(sm_->LinkStudentUser(coord, StudentId(number, &sc), u.id).ok());
    return u;
  }
  // A company-contact login for `leerbedrijf_id`.
  auth::User ContactLogin(std::string_view leerbedrijf_id, const auth::School* school = nullptr) {
    const auth::School& sc = school ? *school : school_;
    auth::User u =
        MakeUser(sc, "contact-" + std::string(leerbedrijf_id), domain::Role::kCompanyContact);
    const auth::User& coord = &sc == &school_ ? coordinator_ : other_coordinator_;
    common::Status s = sm_->LinkCompanyContact(coord, u.id, CompanyId(leerbedrijf_id));
    EXPECT_TRUE(s.ok()) << s.ToString();
    return u;
  }
  // Publishes a norm and lets the given companies accept it through their contacts.
  int PublishNormAcceptedBy(const std::vector<std::string>& leerbedrijf_ids) {
    auto v = sm_->PublishNorm(coordinator_, "Wij selecteren niet op afkomst. Geen klikgesprek.",
                              "We do not select on origin. No selection interview.");
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    for (const std::string& id : leerbedrijf_ids) {
      auto it = contacts_.find(id);
      if (it == contacts_.end()) it = contacts_.emplace(id, ContactLogin(id)).first;
      common::Status s = sm_->AcceptNorm(it->second, v.ok() ? *v : 0);
      EXPECT_TRUE(s.ok()) << s.ToString();
    }
    return v.ok() ? *v : 0;
  }

  // ---- Rounds ----

  RoundSpec Spec(std::string name = "Zorg 2026 ronde 1") {
    RoundSpec spec;
    spec.name = std::move(name);
    spec.cohort = "2025";
    spec.period = "2026 P1";
    spec.crebos = {"25480", "25998"};
    spec.leerwens_deadline = domain::MakeDate(2026, 3, 20);
    spec.start = domain::MakeDate(2026, 5, 1);
    spec.end_planned = domain::MakeDate(2026, 7, 1);
    spec.hours = 400;
    spec.publish_lead_days = 14;
    spec.seed = 7;
    return spec;
  }
  Round OpenedRound(RoundSpec spec) {
    auto round = sm_->CreateRound(coordinator_, spec);
    EXPECT_TRUE(round.ok()) << round.status().ToString();
    if (!round.ok()) return {};
    auto n = sm_->OpenRound(coordinator_, round->id);
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    return *round;
  }
  // Saves a leerwens for a student (by number) choosing places (by leerbedrijf).
  void Wish(const std::string& round_id, std::string_view number,
            const std::vector<std::string>& leerbedrijf_ids,
            domain::Transport transport = domain::Transport::kBike) {
    auto it = students_.find(std::string(number));
    if (it == students_.end()) it = students_.emplace(number, StudentLogin(number)).first;
    Leerwens w;
    w.what_to_learn = "Zorg voor ouderen";
    w.transport = transport;
    w.max_travel_minutes = 180;
    for (const std::string& id : leerbedrijf_ids) {
      std::string crebo = id == "200003" ? "25998" : "25480";
      w.choices.push_back(PlaceId(id, crebo));
    }
    common::Status s = sm_->SaveLeerwens(it->second, round_id, w);
    EXPECT_TRUE(s.ok()) << number << ": " << s.ToString();
  }
  const auth::User& Student(std::string_view number) {
    auto it = students_.find(std::string(number));
    if (it == students_.end()) it = students_.emplace(number, StudentLogin(number)).first;
    return it->second;
  }
  const auth::User& Contact(std::string_view leerbedrijf_id) {
    auto it = contacts_.find(std::string(leerbedrijf_id));
    if (it == contacts_.end()) it = contacts_.emplace(leerbedrijf_id, ContactLogin(leerbedrijf_id)).first;
    return it->second;
  }
  const ProposalRow* Row(const Review& review, std::string_view number) {
    for (const ProposalRow& r : review.rows)
      if (r.student_number == number) return &r;
    return nullptr;
  }
  void SetDay(int year, unsigned month, unsigned day) {
    clock_.Set(domain::StartOfDayMillis(domain::MakeDate(year, month, day)) + 10 * 60 * 60 * 1000);
  }

  common::FakeClock clock_{domain::StartOfDayMillis(domain::MakeDate(2026, 3, 2)) +
                           10 * 60 * 60 * 1000};
  std::unique_ptr<audit::AuditLog> audit_;
  std::unique_ptr<auth::Accounts> accounts_;
  std::unique_ptr<Stagematching> sm_;
  auth::School school_, other_school_;
  auth::User coordinator_, teacher_, other_coordinator_;
  std::map<std::string, auth::User> students_, contacts_;
};

#define PL_INSTANTIATE(Suite)                                           \
  INSTANTIATE_TEST_SUITE_P(Backends, Suite, db::testing::kBothBackends, \
                           db::testing::DialectName<::testing::TestParamInfo<db::Dialect>>)

}  // namespace placement::testing
