// The monitor against a real database, on SQLite and PostgreSQL: migration
// 0013 clears stored programme values that are not on the school's lists and
// keeps the listed ones; the service counts only reports received up to the
// end of the last finished month, and never a case closed as "not a report".
#include <gtest/gtest.h>

#include <algorithm>

#include "common/clock.h"
#include "db/backend_test.h"
#include "domain/calendar.h"
#include "monitor/service.h"

namespace monitor {
namespace {

using common::Status;

Status InsertCase(db::Connection& c, const std::string& id, const std::string& school,
                  int64_t received_at, const db::Param& location, const db::Param& crebo,
                  const std::string& status = "received",
                  const db::Param& outcome = db::Param(std::nullopt)) {
  return c
      .Execute(
          "INSERT INTO cases(id, school_id, case_number, mode, channel, phase, grounds, "
          "wishes, consents, status, received_at, first_contact_due, feedback_due, "
          "content_sha256, location, crebo, outcome) VALUES ($1, $2, $1, 'confidential', "
          "'self', 'search', 'origin', '', '', $3, $4, '2026-01-01', '2026-03-01', 'x', $5, "
          "$6, $7)",
          {id, school, status, received_at, location, crebo, outcome})
      .status();
}

class MonitorMigrationTest : public db::testing::BackendTest {
 protected:
  void SetUp() override { SetUpDatabase(/*migrated=*/false); }
};

// The migration just before 0013 (0008 on this branch; the numbers between
// belong to other changes).
int VersionBefore(int version) {
  int previous = 0;
  for (const db::Migration& m : db::BuiltinMigrations()) {
    if (m.version < version) previous = std::max(previous, m.version);
  }
  return previous;
}

TEST_P(MonitorMigrationTest, DataFromThePreviousVersionSurvivesAndFreeTextIsCleared) {
  Status s = db::testing::CheckMigrationKeepsData(
      db(), VersionBefore(13),
      [](db::Connection& c) -> Status {
        for (const char* id : {"s1", "s2"}) {
          SP_RETURN_IF_ERROR(c.Execute("INSERT INTO schools (id, brin, name, created_at) VALUES "
                                       "($1, $2, 'ROC', 1000)",
                                       {id, std::string(id) == "s1" ? "00AA" : "00BB"})
                                 .status());
        }
        SP_RETURN_IF_ERROR(c.Execute("INSERT INTO companies (id, leerbedrijf_id, name, "
                                     "created_at) VALUES ('c1', '100001', 'Bakkerij', 1000)")
                               .status());
        SP_RETURN_IF_ERROR(c.Execute("INSERT INTO leerplaatsen (id, school_id, company_id, crebo, "
                                     "period, capacity, created_at, updated_at) VALUES ('l1', "
                                     "'s1', 'c1', '25480', 'P1', 2, 0, 0)")
                               .status());
        // s1's register: Utrecht, crebo 25655. s2 has a location that is a
        // free text on s1's report: another school's list does not count.
        SP_RETURN_IF_ERROR(c.Execute("INSERT INTO students (id, school_id, student_number, name, "
                                     "crebo, level, pathway, cohort, location, created_at, "
                                     "updated_at) VALUES ('st1', 's1', '1', 'A', '25655', 2, "
                                     "'BOL', 'C', 'Utrecht', 0, 0), ('st2', 's2', '1', 'B', "
                                     "'11111', 2, 'BOL', 'C', 'Amsterdam Klas 3B', 0, 0)")
                               .status());
        SP_RETURN_IF_ERROR(
            InsertCase(c, "k1", "s1", 1000, "Amsterdam Klas 3B Fatima Yilmaz", "99999"));
        SP_RETURN_IF_ERROR(InsertCase(c, "k2", "s1", 1000, "Utrecht", "25480"));
        SP_RETURN_IF_ERROR(InsertCase(c, "k3", "s1", 1000, "Amsterdam Klas 3B", "11111"));
        return InsertCase(c, "k4", "s1", 1000, db::Param(std::nullopt), "25655");
      },
      [](db::Connection& c) -> Status {
        SP_ASSIGN_OR_RETURN(db::Rows rows,
                            c.Query("SELECT id, location, crebo, grounds FROM cases ORDER BY id"));
        EXPECT_EQ(rows.rows.size(), 4u);
        if (rows.rows.size() != 4u) return Status::Ok();
        EXPECT_TRUE(rows.rows[0].IsNull(1)) << "free text cleared";
        EXPECT_TRUE(rows.rows[0].IsNull(2));
        EXPECT_EQ(rows.rows[1].Text(1), "Utrecht") << "listed values kept";
        EXPECT_EQ(rows.rows[1].Text(2), "25480") << "a crebo of the school's leerplaatsen";
        EXPECT_TRUE(rows.rows[2].IsNull(1)) << "another school's list does not count";
        EXPECT_TRUE(rows.rows[2].IsNull(2));
        EXPECT_TRUE(rows.rows[3].IsNull(1));
        EXPECT_EQ(rows.rows[3].Text(2), "25655");
        for (const db::Row& r : rows.rows) EXPECT_EQ(r.Text(3), "origin") << "the rest survives";
        return Status::Ok();
      },
      13);
  ASSERT_TRUE(s.ok()) << s.ToString();
}

INSTANTIATE_TEST_SUITE_P(Backends, MonitorMigrationTest, db::testing::kBothBackends,
                         db::testing::DialectName<::testing::TestParamInfo<db::Dialect>>);

class MonitorServiceTest : public db::testing::BackendTest {
 protected:
  void SetUp() override {
    SetUpDatabase(/*migrated=*/true);
    if (IsSkipped()) return;
    ASSERT_TRUE(db().Write([](db::Connection& c) {
                      return c
                          .Execute(
                              "INSERT INTO schools (id, brin, name, created_at) VALUES "
                              "('s1', '00AA', 'ROC', 1000)")
                          .status();
                    })
                    .ok());
  }
  static int64_t At(int y, unsigned m, unsigned d) {
    return domain::StartOfDayMillis(domain::MakeDate(y, m, d)) + 3600000;
  }
  // Today is 7 December 2026: November is the last finished month.
  common::FakeClock clock_{At(2026, 12, 7)};
};

TEST_P(MonitorServiceTest, OnlyFinishedMonthsAndNeverNotAReport) {
  ASSERT_TRUE(db().Write([&](db::Connection& c) -> Status {
                    for (int i = 0; i < 6; ++i) {
                      SP_RETURN_IF_ERROR(InsertCase(c, "nov" + std::to_string(i), "s1",
                                                    At(2026, 11, 3 + i), db::Param(std::nullopt),
                                                    db::Param(std::nullopt)));
                    }
                    // Closed as junk: never counted, whatever the period.
                    SP_RETURN_IF_ERROR(InsertCase(c, "junk", "s1", At(2026, 11, 20),
                                                  db::Param(std::nullopt), db::Param(std::nullopt),
                                                  "closed", "not_a_report"));
                    // Received this month: not published before January.
                    return InsertCase(c, "dec", "s1", At(2026, 12, 2), db::Param(std::nullopt),
                                      db::Param(std::nullopt));
                  })
                  .ok());
  Monitor m(db(), clock_);
  auto d = m.SchoolDashboard("s1", *ParsePeriod("2026-2027"));
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->reports.count, 6);
  EXPECT_TRUE(d->period.running);
  EXPECT_EQ(domain::FormatDate(d->period.to), "2026-11-30");
  const Figure* month = FindFigure(d->breakdowns, "month");
  ASSERT_NE(month, nullptr);
  EXPECT_EQ(month->table.cells.back().key, "2026-11") << "the running month is not a column";
  const Figure* status = FindFigure(d->breakdowns, "status");
  ASSERT_NE(status, nullptr);
  EXPECT_EQ(status->table.total.count, 6) << "the junk case is in no status either";
  auto table = m.Table("s1", *ParsePeriod("2026-Q4"), Dimension::kPhase, std::nullopt);
  ASSERT_TRUE(table.ok());
  EXPECT_EQ(table->total.count, 6);
  auto running = m.Table("s1", *ParsePeriod("2026-12"), Dimension::kPhase, std::nullopt);
  EXPECT_EQ(running.status().code(), common::StatusCode::kInvalidArgument);
  auto group = m.GroupYearReport({"s1"}, *ParsePeriod("2026-2027"));
  ASSERT_TRUE(group.ok());
  ASSERT_FALSE(group->current.empty());
  EXPECT_EQ(group->current[0].id, "reports");
  EXPECT_EQ(group->current[0].sum, 6);
  // In January, December is finished: the December report counts, junk not.
  clock_.Set(At(2027, 1, 4));
  auto later = m.SchoolDashboard("s1", *ParsePeriod("2026-2027"));
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->reports.count, 7);
}

// A withdrawn report (only school, month and status left) is in no figure
// and no total, only in the withdrawn count, which is "<5" below 5, zero too.
TEST_P(MonitorServiceTest, WithdrawnReportsAreCountedApartAndSuppressedBelowFive) {
  auto withdraw = [](db::Connection& c, const std::string& id, int64_t month) {
    return c
        .Execute(
            "INSERT INTO cases(id, school_id, case_number, mode, channel, phase, grounds, "
            "wishes, consents, status, received_at, first_contact_due, feedback_due, "
            "content_sha256) VALUES ($1, 's1', $1, '', '', '', '', '', '', 'withdrawn', $2, "
            "'', '', '')",
            {id, month})
        .status();
  };
  ASSERT_TRUE(db().Write([&](db::Connection& c) -> Status {
                    for (int i = 0; i < 6; ++i) {
                      SP_RETURN_IF_ERROR(InsertCase(c, "nov" + std::to_string(i), "s1",
                                                    At(2026, 11, 3 + i), db::Param(std::nullopt),
                                                    db::Param(std::nullopt)));
                    }
                    for (int i = 0; i < 4; ++i) {
                      SP_RETURN_IF_ERROR(withdraw(c, "w" + std::to_string(i), At(2026, 10, 1)));
                    }
                    return Status::Ok();
                  })
                  .ok());
  Monitor m(db(), clock_);
  auto d = m.SchoolDashboard("s1", *ParsePeriod("2026-2027"));
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->reports.count, 6) << "withdrawn reports are not in the number of reports";
  EXPECT_FALSE(d->withdrawn.count.has_value());  // 4: "<5"
  EXPECT_EQ(d->withdrawn.suppression, Suppression::kPrimary);
  for (const Figure& f : d->breakdowns) {
    if (f.table.total.count) {
      EXPECT_EQ(*f.table.total.count, 6) << f.id;
    }
    // (The outcome table's "withdrawn" is a handler's closing outcome, not this status.)
    if (f.id != "status") continue;
    for (const PublishedCell& cell : f.table.cells) EXPECT_NE(cell.key, "withdrawn") << f.id;
  }
  ASSERT_TRUE(
      db().Write([&](db::Connection& c) { return withdraw(c, "w4", At(2026, 10, 1)); }).ok());
  auto five = m.SchoolDashboard("s1", *ParsePeriod("2026-2027"));
  ASSERT_TRUE(five.ok());
  EXPECT_EQ(five->withdrawn.count, 5);
  EXPECT_EQ(five->reports.count, 6);
  EXPECT_FALSE(m.SchoolDashboard("s1", *ParsePeriod("2026-11"))->withdrawn.count.has_value())
      << "zero is \"<5\" too";
  EXPECT_FALSE(WithdrawnCount(0).count.has_value());
  EXPECT_EQ(WithdrawnCount(0).suppression, Suppression::kPrimary);
}

INSTANTIATE_TEST_SUITE_P(Backends, MonitorServiceTest, db::testing::kBothBackends,
                         db::testing::DialectName<::testing::TestParamInfo<db::Dialect>>);

}  // namespace
}  // namespace monitor
