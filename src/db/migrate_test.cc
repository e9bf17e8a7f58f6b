// Migration tests, on both backends (see database_test.cc).
#include "db/migrate.h"

#include <gtest/gtest.h>

#include <thread>

#include "db/backend_test.h"
#include "db/db_testing.h"

namespace db {
namespace {

using common::Status;
using common::StatusCode;

class MigrateTest : public testing::BackendTest {
 protected:
  void SetUp() override {
    SetUpDatabase(/*migrated=*/false);
    if (IsSkipped() || HasFatalFailure()) return;
  }

  static std::vector<Migration> Fake() {
    return {
        {1, "one", "CREATE TABLE a (x INTEGER) STRICT", "CREATE TABLE a (x BIGINT)"},
        {2, "two", "CREATE TABLE b (y TEXT) STRICT", "CREATE TABLE b (y TEXT)"},
    };
  }
};

TEST_P(MigrateTest, BuiltinMigrationsApplyFromEmpty) {
  ASSERT_FALSE(BuiltinMigrations().empty());
  EXPECT_EQ(BuiltinMigrations()[0].version, 1);
  EXPECT_EQ(BuiltinMigrations()[0].name, "foundation");
  EXPECT_EQ(*SchemaVersion(db()), 0);
  EXPECT_TRUE(*NeedsMigration(db()));
  Status s = Migrate(db());
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(*SchemaVersion(db()), BuiltinMigrations().back().version);
  EXPECT_FALSE(*NeedsMigration(db()));
  s = db().Write([](Connection& c) {
    return c.Execute("INSERT INTO schools (id, brin, name, created_at) VALUES ($1, $2, $3, $4)",
                     {"s1", "00AA", "ROC", 1})
        .status();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST_P(MigrateTest, RerunningIsANoOp) {
  ASSERT_TRUE(Migrate(db()).ok());
  ASSERT_TRUE(Migrate(db()).ok());
  Status s = db().Read([](Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(Row r, c.QueryOne("SELECT COUNT(*) FROM schema_migrations"));
    EXPECT_EQ(r.Int(0), static_cast<int64_t>(BuiltinMigrations().size()));
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST_P(MigrateTest, StopsAtTarget) {
  ASSERT_TRUE(Migrate(db(), Fake(), 1).ok());
  EXPECT_EQ(*SchemaVersion(db()), 1);
  EXPECT_TRUE(*NeedsMigration(db(), Fake()));
  ASSERT_TRUE(Migrate(db(), Fake()).ok());
  EXPECT_EQ(*SchemaVersion(db()), 2);
  EXPECT_EQ(Migrate(db(), Fake(), 1).code(), StatusCode::kFailedPrecondition);
}

TEST_P(MigrateTest, RefusesChangedChecksum) {
  ASSERT_TRUE(Migrate(db(), Fake()).ok());
  auto changed = Fake();
  changed[0].sql_sqlite += " -- edited";
  changed[0].sql_pg += " -- edited";
  Status s = Migrate(db(), changed);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("0001_one was changed"), std::string::npos) << s.message();
  EXPECT_EQ(NeedsMigration(db(), changed).status().code(), StatusCode::kFailedPrecondition);
}

TEST_P(MigrateTest, RefusesDatabaseAheadOfBinary) {
  ASSERT_TRUE(Migrate(db(), Fake()).ok());
  auto older = Fake();
  older.pop_back();
  Status s = Migrate(db(), older);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("does not know"), std::string::npos) << s.message();
}

TEST_P(MigrateTest, FailingMigrationLeavesPreviousVersion) {
  auto bad = Fake();
  bad.push_back({3, "bad", "CREATE TABLE c (z INTEGER) STRICT; SELECT * FROM nope",
                 "CREATE TABLE c (z BIGINT); SELECT * FROM nope"});
  Status s = Migrate(db(), bad);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("0003_bad"), std::string::npos) << s.message();
  EXPECT_EQ(*SchemaVersion(db()), 2);
  s = db().Read([](Connection& c) { return c.Query("SELECT * FROM c").status(); });
  EXPECT_FALSE(s.ok());  // table c was rolled back with its migration
}

TEST_P(MigrateTest, ConcurrentInstancesMigrateOnce) {
  auto other = test_db_->OpenAnother();
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  Status a, b;
  std::thread t1([&] { a = Migrate(db()); });
  std::thread t2([&] { b = Migrate(**other); });
  t1.join();
  t2.join();
  EXPECT_TRUE(a.ok()) << a.ToString();
  EXPECT_TRUE(b.ok()) << b.ToString();
  EXPECT_EQ(*SchemaVersion(db()), BuiltinMigrations().back().version);
}

TEST_P(MigrateTest, TokensExpandPerDialect) {
  EXPECT_EQ(ExpandTokens("a {{INT}} b {{BLOB}}){{STRICT}};", Dialect::kSqlite),
            "a INTEGER b BLOB) STRICT;");
  EXPECT_EQ(ExpandTokens("a {{INT}} b {{BLOB}}){{STRICT}};", Dialect::kPostgres),
            "a BIGINT b BYTEA);");
}

// The migration test pattern: one test per schema change, starting from the
// previous version with data in it. Copy this for migration N+1.
TEST_P(MigrateTest, DataFrom0001SurvivesLatest) {
  Status s = testing::CheckMigrationKeepsData(
      db(), 1,
      [](Connection& c) -> Status {
        SP_RETURN_IF_ERROR(c.Execute("INSERT INTO schools (id, brin, name, created_at)"
                                     " VALUES ($1, $2, $3, $4)",
                                     {"s1", "00AA", "ROC Test", 1000})
                               .status());
        return c
            .Execute("INSERT INTO users (id, school_id, login, display_name, role, created_at)"
                     " VALUES ($1, $2, $3, $4, $5, $6)",
                     {"u1", "s1", "a@b.nl", "A", "coordinator", 1000})
            .status();
      },
      [](Connection& c) -> Status {
        SP_ASSIGN_OR_RETURN(Row r, c.QueryOne("SELECT u.login, s.brin FROM users u"
                                              " JOIN schools s ON s.id = u.school_id"));
        EXPECT_EQ(r.Text(0), "a@b.nl");
        EXPECT_EQ(r.Text(1), "00AA");
        return Status::Ok();
      });
  EXPECT_TRUE(s.ok()) << s.ToString();
}

// 0014 adds school_login_domains: schools and users from before keep their
// data, and a school starts with no login domains (its admin creates no
// accounts until the system admin sets them).
TEST_P(MigrateTest, DataBeforeLoginDomainsSurvivesLatest) {
  int before = 0;  // the migration before it, whatever its number after merges
  for (const Migration& m : BuiltinMigrations()) {
    if (m.name == "school_login_domains") break;
    before = m.version;
  }
  Status s = testing::CheckMigrationKeepsData(
      db(), before,
      [](Connection& c) -> Status {
        SP_RETURN_IF_ERROR(c.Execute("INSERT INTO schools (id, brin, name, created_at)"
                                     " VALUES ($1, $2, $3, $4)",
                                     {"s1", "00AA", "ROC Test", 1000})
                               .status());
        return c
            .Execute(
                "INSERT INTO users (id, school_id, login, display_name, role, created_at)"
                " VALUES ($1, $2, $3, $4, $5, $6)",
                {"u1", "s1", "a@b.nl", "A", "school_admin", 1000})
            .status();
      },
      [](Connection& c) -> Status {
        SP_ASSIGN_OR_RETURN(Row r, c.QueryOne("SELECT u.login, s.brin FROM users u"
                                              " JOIN schools s ON s.id = u.school_id"));
        EXPECT_EQ(r.Text(0), "a@b.nl");
        EXPECT_EQ(r.Text(1), "00AA");
        SP_ASSIGN_OR_RETURN(Row n, c.QueryOne("SELECT COUNT(*) FROM school_login_domains"));
        EXPECT_EQ(n.Int(0), 0);
        return Status::Ok();
      });
  EXPECT_TRUE(s.ok()) << s.ToString();
}

INSTANTIATE_TEST_SUITE_P(Sqlite, MigrateTest, ::testing::Values(Dialect::kSqlite), testing::DialectName<::testing::TestParamInfo<Dialect>>);
INSTANTIATE_TEST_SUITE_P(Postgres, MigrateTest, ::testing::Values(Dialect::kPostgres), testing::DialectName<::testing::TestParamInfo<Dialect>>);

}  // namespace
}  // namespace db
