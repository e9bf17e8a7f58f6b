// File: db/database.cc
//
// Backend-independent parts of the storage interface: Row accessors,
// Connection::QueryOne and the URL dispatch in db::Open.
#include "db/database.h"

#include <cassert>
#include <cmath>

#include "db/pg_database.h"
#include "db/sqlite_database.h"

namespace db {

bool Row::IsNull(size_t i) const { return std::holds_alternative<std::monostate>(values_.at(i)); }

int64_t Row::Int(size_t i) const {
  const Value& v = values_.at(i);
  if (const auto* n = std::get_if<int64_t>(&v)) return *n;
  if (std::holds_alternative<std::monostate>(v)) return 0;
  // A REAL column read as an integer: allowed when it holds a whole number
  // (PostgreSQL numeric aggregates, SQLite expressions), a bug otherwise.
  if (const auto* d = std::get_if<double>(&v)) {
    assert(std::trunc(*d) == *d && "Row::Int on a fractional value");
    return static_cast<int64_t>(*d);
  }
  assert(false && "Row::Int on a text or blob column");
  return 0;
}

double Row::Double(size_t i) const {
  const Value& v = values_.at(i);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* n = std::get_if<int64_t>(&v)) return static_cast<double>(*n);
  assert(std::holds_alternative<std::monostate>(v) && "Row::Double on a text or blob column");
  return 0.0;
}

std::string Row::Text(size_t i) const {
  const Value& v = values_.at(i);
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  assert(std::holds_alternative<std::monostate>(v) && "Row::Text on a non-text column");
  return {};
}

std::string Row::BlobBytes(size_t i) const {
  const Value& v = values_.at(i);
  if (const auto* b = std::get_if<Blob>(&v)) return b->bytes;
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  assert(std::holds_alternative<std::monostate>(v) && "Row::BlobBytes on a number column");
  return {};
}

std::optional<int64_t> Row::OptInt(size_t i) const {
  if (IsNull(i)) return std::nullopt;
  return Int(i);
}

std::optional<std::string> Row::OptText(size_t i) const {
  if (IsNull(i)) return std::nullopt;
  return Text(i);
}

common::StatusOr<Row> Connection::QueryOne(std::string_view sql, const Params& params) {
  SP_ASSIGN_OR_RETURN(Rows rows, Query(sql, params));
  if (rows.rows.empty()) return common::Status::NotFound("no matching row");
  return std::move(rows.rows.front());
}

common::StatusOr<std::unique_ptr<Database>> Open(const std::string& url) {
  constexpr std::string_view kSqlite = "sqlite:";
  std::string_view u = url;
  if (u.substr(0, kSqlite.size()) == kSqlite) {
    SqliteOptions options;
    options.path = std::string(u.substr(kSqlite.size()));
    if (options.path.empty()) return common::Status::InvalidArgument("sqlite: URL without a path");
    return SqliteDatabase::Open(options);
  }
  // libpq parses both URI spellings itself, including ?host=/run/sock.
  if (u.rfind("postgresql://", 0) == 0 || u.rfind("postgres://", 0) == 0) {
    PgOptions options;
    options.conninfo = url;
    return PgDatabase::Open(options);
  }
  return common::Status::InvalidArgument(
      "unknown database URL scheme (want sqlite:PATH or postgresql://...)");
}

}  // namespace db
