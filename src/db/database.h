// File: db/database.h
//
// The project's own small storage interface over the SQLite C API and libpq.
// Services and repositories see only this header; they never include sqlite3.h
// or libpq-fe.h.
//
// SQL is written once, PostgreSQL-style, with `$1..$n` placeholders. The
// SQLite backend binds `$N` by name, so `$2` before `$1` works on both.
// Only parameterised statements exist: there is no way to splice a value into
// SQL text through this interface.
//
//   auto db = db::Open("sqlite:var/stagepunt.db");
//   common::Status s = (*db)->Write([&](db::Connection& c) -> common::Status {
//     SP_RETURN_IF_ERROR(c.Execute("INSERT INTO t(a, b) VALUES ($1, $2)", {1, "x"}).status());
//     return common::Status::Ok();
//   });
//
// Thread-safety: a Database is shared by all threads. A Connection belongs to
// one thread for the duration of a Read/Write callback and must not escape it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/status.h"

namespace db {

enum class Dialect { kSqlite, kPostgres };

// A bound parameter or a column value. Booleans are stored as 0/1 integers.
// Text and blobs are distinct so that ciphertext is never mangled as UTF-8.
struct Blob {
  std::string bytes;
  bool operator==(const Blob&) const = default;
};
using Value = std::variant<std::monostate, int64_t, double, std::string, Blob>;

// Convenience so call sites can write {42, "text", std::nullopt}.
class Param {
 public:
  Param(std::nullopt_t) {}                                   // NOLINT(google-explicit-constructor)
  Param(int v) : value_(static_cast<int64_t>(v)) {}          // NOLINT(google-explicit-constructor)
  Param(int64_t v) : value_(v) {}                            // NOLINT(google-explicit-constructor)
  Param(bool v) : value_(static_cast<int64_t>(v ? 1 : 0)) {} // NOLINT(google-explicit-constructor)
  Param(double v) : value_(v) {}                             // NOLINT(google-explicit-constructor)
  Param(const char* v) : value_(std::string(v)) {}           // NOLINT(google-explicit-constructor)
  Param(std::string v) : value_(std::move(v)) {}             // NOLINT(google-explicit-constructor)
  Param(std::string_view v) : value_(std::string(v)) {}      // NOLINT(google-explicit-constructor)
  Param(Blob v) : value_(std::move(v)) {}                    // NOLINT(google-explicit-constructor)
  template <typename T>
  Param(const std::optional<T>& v) {                         // NOLINT(google-explicit-constructor)
    if (v) *this = Param(*v);
  }
  const Value& value() const { return value_; }

 private:
  Value value_;
};
using Params = std::vector<Param>;

// One result row. Accessors are by column index; a wrong type or a NULL where
// a value is required is a programming error and asserts in debug builds.
class Row {
 public:
  explicit Row(std::vector<Value> values) : values_(std::move(values)) {}
  size_t size() const { return values_.size(); }
  bool IsNull(size_t i) const;
  int64_t Int(size_t i) const;         // NULL -> 0
  double Double(size_t i) const;       // NULL -> 0.0
  std::string Text(size_t i) const;    // NULL -> ""
  std::string BlobBytes(size_t i) const;  // Blob or Text bytes; NULL -> ""
  std::optional<int64_t> OptInt(size_t i) const;
  std::optional<std::string> OptText(size_t i) const;
  const Value& at(size_t i) const { return values_.at(i); }

 private:
  std::vector<Value> values_;
};

struct Rows {
  std::vector<std::string> columns;
  std::vector<Row> rows;
  bool empty() const { return rows.empty(); }
};

class Connection {
 public:
  virtual ~Connection() = default;
  virtual Dialect dialect() const = 0;
  // Runs a query and returns all rows.
  virtual common::StatusOr<Rows> Query(std::string_view sql, const Params& params = {}) = 0;
  // Runs a statement and returns the number of rows changed.
  virtual common::StatusOr<int64_t> Execute(std::string_view sql, const Params& params = {}) = 0;
  // Runs SQL text with several statements and no parameters (migrations only).
  virtual common::Status ExecuteScript(std::string_view sql) = 0;

  // First row, or NotFound when there is none.
  common::StatusOr<Row> QueryOne(std::string_view sql, const Params& params = {});
};

// Error mapping: unique violations -> kAlreadyExists, foreign key and check
// violations -> kFailedPrecondition, connection loss -> kUnavailable,
// SQLITE_BUSY / SQLSTATE 40001 after retries -> kUnavailable, others -> kInternal.
class Database {
 public:
  virtual ~Database() = default;
  virtual Dialect dialect() const = 0;

  // A read-only snapshot. `fn` must not write.
  virtual common::Status Read(const std::function<common::Status(Connection&)>& fn) = 0;
  // A write transaction (SQLite: BEGIN IMMEDIATE; PostgreSQL: READ COMMITTED).
  // Commits when `fn` returns OK and rolls back otherwise, so a failed write
  // leaves nothing behind. Serialization failures are retried a few times.
  virtual common::Status Write(const std::function<common::Status(Connection&)>& fn) = 0;

  // True when the backend can reach its database right now.
  virtual bool Healthy() = 0;
};

// Opens "sqlite:PATH", "postgresql://..." or "postgres://..." (also
// "postgresql:///db?host=/run/sock"). Unknown schemes are kInvalidArgument;
// an unreachable server is kUnavailable.
common::StatusOr<std::unique_ptr<Database>> Open(const std::string& url);

}  // namespace db
