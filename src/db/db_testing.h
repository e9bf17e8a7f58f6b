// File: db/db_testing.h
//
// Test support for code that stores data: a fresh, empty database per test on
// either backend, and the migration test pattern. Linked by tests only
// (app::db_testing); never by the application.
//
//   auto t = db::testing::TestDatabase::Create(GetParam());
//   if (!t.ok() && t.status().code() == common::StatusCode::kUnavailable) GTEST_SKIP() << ...;
//   db::Database& db = (*t)->db();
//
// PostgreSQL tests need STAGEPUNT_TEST_PG: a libpq conninfo or URI of a
// throwaway server whose user may CREATE DATABASE (scripts/pg-test-cluster
// sets it). Each TestDatabase then creates its own randomly named database
// and drops it again, so test processes may run in parallel.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/status.h"
#include "db/database.h"

namespace db::testing {

// For INSTANTIATE_TEST_SUITE_P name generators: "sqlite" or "postgres".
template <typename ParamInfo>
std::string DialectName(const ParamInfo& info) {
  return info.param == Dialect::kSqlite ? "sqlite" : "postgres";
}

// STAGEPUNT_TEST_PG, or "" when unset.
std::string PgTestConninfo();

class TestDatabase {
 public:
  // kUnavailable when `dialect` is PostgreSQL and STAGEPUNT_TEST_PG is unset
  // (tests skip then) or the server cannot be reached.
  static common::StatusOr<std::unique_ptr<TestDatabase>> Create(Dialect dialect);
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  Database& db() { return *db_; }
  Dialect dialect() const { return dialect_; }
  // SQLite: the file path. PostgreSQL: the name of the per-test database.
  const std::string& name() const { return name_; }
  // Opens another Database on the same data (a second "instance").
  common::StatusOr<std::unique_ptr<Database>> OpenAnother() const;
  // PostgreSQL only: runs `sql` as the admin user on the maintenance
  // database, outside the per-test database (e.g. pg_terminate_backend).
  common::Status AdminExec(const std::string& sql);

 private:
  TestDatabase() = default;

  Dialect dialect_ = Dialect::kSqlite;
  std::string name_;
  std::string dir_;       // SQLite: temporary directory removed afterwards
  std::string conninfo_;  // PostgreSQL: conninfo of the per-test database
  std::unique_ptr<Database> db_;
};

using ConnFn = std::function<common::Status(Connection&)>;

// The migration test pattern, one per schema change: migrate an empty `db`
// to `from_version`, insert data with `seed` (a write transaction), migrate
// to `to_version` (default: latest), then check with `verify` (a read
// transaction) that the data survived the change.
common::Status CheckMigrationKeepsData(Database& db, int from_version, const ConnFn& seed,
                                       const ConnFn& verify, std::optional<int> to_version = {});

}  // namespace db::testing
