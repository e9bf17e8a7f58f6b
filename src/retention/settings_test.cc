#include "retention/settings.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "db/backend_test.h"

namespace retention {
namespace {

class RetentionSettingsTest : public db::testing::BackendTest {
 protected:
  void SetUp() override {
    SetUpDatabase(/*migrated=*/true);
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(db().Write([](db::Connection& c) {
                      return c
                          .Execute(
                              "INSERT INTO schools(id, brin, name, created_at) VALUES "
                              "('s1', '99XX', 'School', 0), ('s2', '98XX', 'Other', 0)")
                          .status();
                    })
                    .ok());
  }
};

TEST_P(RetentionSettingsTest, DefaultsUntilChosenAndPerSchool) {
  ASSERT_TRUE(db().Write([](db::Connection& c) {
                    return SetPeriod(c, "s1", "students", 12, "admin", 1000);
                  })
                  .ok());
  ASSERT_TRUE(db().Read([](db::Connection& c) -> common::Status {
                    SP_ASSIGN_OR_RETURN(Periods s1, LoadPeriods(c, "s1"));
                    SP_ASSIGN_OR_RETURN(Periods s2, LoadPeriods(c, "s2"));
                    EXPECT_EQ(s1.Value("students"), 12);
                    EXPECT_TRUE(s1.IsChosen("students"));
                    EXPECT_EQ(s2.Value("students"),
                              domain::FindRetentionPeriod("students")->default_value);
                    EXPECT_FALSE(s2.IsChosen("students"));
                    return common::Status::Ok();
                  })
                  .ok());
}

TEST_P(RetentionSettingsTest, RefusesUnknownKeysAndValuesOutsideTheBounds) {
  const domain::RetentionPeriod& p = *domain::FindRetentionPeriod("audit");
  common::Status s = db().Write([&](db::Connection& c) {
    return SetPeriod(c, "s1", "audit", p.max_value + 1, "admin", 1000);
  });
  EXPECT_EQ(s.code(), common::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.field(), "audit");
  s = db().Write([](db::Connection& c) { return SetPeriod(c, "s1", "forever", 1, "admin", 1); });
  EXPECT_EQ(s.code(), common::StatusCode::kInvalidArgument);
}

// Every table the migrations make has one retention rule, and every rule
// names a table that exists: a new table without a rule fails here.
TEST_P(RetentionSettingsTest, EveryTableHasExactlyOneRetentionRule) {
  std::set<std::string> tables;
  ASSERT_TRUE(db().Read([&](db::Connection& c) -> common::Status {
                    SP_ASSIGN_OR_RETURN(
                        db::Rows rows,
                        c.Query(GetParam() == db::Dialect::kSqlite
                                    ? "SELECT name FROM sqlite_master WHERE type = 'table' AND "
                                      "name NOT LIKE 'sqlite_%'"
                                    : "SELECT table_name FROM information_schema.tables WHERE "
                                      "table_schema = current_schema() AND table_type = "
                                      "'BASE TABLE'"));
                    for (const db::Row& r : rows.rows) tables.insert(r.Text(0));
                    return common::Status::Ok();
                  })
                  .ok());
  ASSERT_FALSE(tables.empty());
  for (const std::string& t : tables) {
    EXPECT_NE(domain::FindRetentionRule(t), nullptr) << "no retention rule for table " << t;
  }
  for (const domain::RetentionRule& r : domain::RetentionRules()) {
    if (r.table.starts_with("sqlite_")) continue;
    EXPECT_TRUE(tables.contains(std::string(r.table))) << "rule for a missing table " << r.table;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, RetentionSettingsTest, db::testing::kBothBackends,
                         db::testing::DialectName<::testing::TestParamInfo<db::Dialect>>);

}  // namespace
}  // namespace retention
