// File: db/sqlite_database.h
//
// The SQLite backend of db::Database. One writer connection behind a mutex
// (SQLite allows one writer at a time anyway, and serialising in-process
// avoids SQLITE_BUSY between our own threads) plus a small pool of read-only
// connections, which WAL lets run concurrently with the writer.
//
// Usually reached through db::Open("sqlite:PATH"); constructed directly only
// when the pool size matters (tests, benchmarks).
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "db/database.h"

namespace db {

struct SqliteOptions {
  std::string path;          // file path; ":memory:" gives a private in-memory DB
  int read_pool_size = 4;    // read-only connections; 0 makes Read() use the writer
};

class SqliteConnection;

class SqliteDatabase final : public Database {
 public:
  // Creates the parent directory and the file (mode 0600) when missing.
  static common::StatusOr<std::unique_ptr<Database>> Open(const SqliteOptions& options);
  ~SqliteDatabase() override;
  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;

  Dialect dialect() const override { return Dialect::kSqlite; }
  common::Status Read(const std::function<common::Status(Connection&)>& fn) override;
  common::Status Write(const std::function<common::Status(Connection&)>& fn) override;
  bool Healthy() override;

 private:
  SqliteDatabase() = default;

  std::mutex write_mu_;                     // held for a whole write transaction
  std::unique_ptr<SqliteConnection> writer_;

  std::mutex read_mu_;
  std::condition_variable read_cv_;
  std::vector<SqliteConnection*> idle_readers_;                  // guarded by read_mu_
  std::vector<std::unique_ptr<SqliteConnection>> all_readers_;   // owns them; fixed after Open
};

}  // namespace db
