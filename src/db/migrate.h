// File: db/migrate.h
//
// Schema migrations, embedded into the binary from src/db/migrations/.
//
// Files are named NNNN_name.sql (written once with the tokens {{INT}},
// {{BLOB}} and {{STRICT}}, expanded per dialect), or NNNN_name.sqlite.sql and
// NNNN_name.pg.sql when the dialects must differ. Applied migrations are
// recorded in schema_migrations(version, name, checksum, applied_at); each
// one runs in its own transaction, so a failing migration leaves the schema
// at the previous version.
//
// Migrate() refuses (kFailedPrecondition) to touch a database whose applied
// migrations were edited afterwards (checksum mismatch) or that is ahead of
// this binary: both mean the code and the data no longer agree.
//
//   SP_RETURN_IF_ERROR(db::Migrate(*database));
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "db/database.h"

namespace db {

struct Migration {
  int version = 0;
  std::string name;        // "foundation"
  std::string sql_sqlite;  // tokens already expanded
  std::string sql_pg;
};

// The migrations built into this binary, sorted by version. Built once.
const std::vector<Migration>& BuiltinMigrations();

// Expands {{INT}}, {{BLOB}} and {{STRICT}} for `dialect`.
std::string ExpandTokens(std::string_view sql, Dialect dialect);

// Highest applied version; 0 for an empty database.
common::StatusOr<int> SchemaVersion(Database& db);

// Applies pending migrations up to `target` (default: the latest).
// Idempotent; safe when several instances start at once on PostgreSQL.
common::Status Migrate(Database& db, const std::vector<Migration>& migrations = BuiltinMigrations(),
                       std::optional<int> target = {});

// True when Migrate() has work to do; an error when it would refuse.
common::StatusOr<bool> NeedsMigration(Database& db,
                                      const std::vector<Migration>& migrations = BuiltinMigrations());

}  // namespace db
