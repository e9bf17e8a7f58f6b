// File: db/backend_test.h
//
// A GoogleTest fixture for suites that run on both databases:
//
//   class FooTest : public db::testing::BackendTest {};
//   TEST_P(FooTest, Works) { db().Write(...); }
//   INSTANTIATE_TEST_SUITE_P(Backends, FooTest, db::testing::kBothBackends,
//                            db::testing::DialectName<::testing::TestParamInfo<db::Dialect>>);
//
// PostgreSQL tests skip only when STAGEPUNT_TEST_PG is unset; a configured but
// unreachable server fails the test instead of hiding behind a skip.
#pragma once

#include <memory>

#include <gtest/gtest.h>

#include "db/db_testing.h"
#include "db/migrate.h"

namespace db::testing {

inline const auto kBothBackends = ::testing::Values(Dialect::kSqlite, Dialect::kPostgres);

class BackendTest : public ::testing::TestWithParam<Dialect> {
 protected:
  // Derived fixtures call this first; `migrated` applies the built-in schema.
  void SetUpDatabase(bool migrated) {
    auto t = TestDatabase::Create(GetParam());
    if (!t.ok() && GetParam() == Dialect::kPostgres && PgTestConninfo().empty()) {
      GTEST_SKIP() << "STAGEPUNT_TEST_PG not set; run under scripts/pg-test-cluster";
    }
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    test_db_ = std::move(*t);
    if (migrated) {
      ASSERT_TRUE(Migrate(test_db_->db()).ok());
    }
  }
  Database& db() { return test_db_->db(); }

  std::unique_ptr<TestDatabase> test_db_;
};

}  // namespace db::testing
