// File: db/pg_database.h
//
// The PostgreSQL backend of db::Database, over libpq. A small pool of
// connections; a broken connection is dropped and replaced on next use, with
// a short back-off between failed connection attempts so that an outage
// answers kUnavailable at once instead of queueing requests behind timeouts.
//
// Usually reached through db::Open("postgresql://..."); constructed directly
// when options matter (tests use a key=value conninfo).
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "db/database.h"

struct pg_conn;  // libpq's PGconn, kept out of this header

namespace db {

struct PgOptions {
  std::string conninfo;             // libpq URI or "key=value ..." string
  int pool_size = 8;                // connections kept open at most
  int connect_timeout_seconds = 3;  // libpq connect_timeout, unless conninfo sets one
  int statement_timeout_ms = 30000;
  int acquire_timeout_ms = 5000;    // waiting for a free pool slot -> kUnavailable
  int serialization_retries = 3;    // Write() retries on SQLSTATE 40001 / 40P01
};

class PgDatabase final : public Database {
 public:
  // Fails with kUnavailable when the server cannot be reached now.
  static common::StatusOr<std::unique_ptr<Database>> Open(const PgOptions& options);
  ~PgDatabase() override;
  PgDatabase(const PgDatabase&) = delete;
  PgDatabase& operator=(const PgDatabase&) = delete;

  Dialect dialect() const override { return Dialect::kPostgres; }
  common::Status Read(const std::function<common::Status(Connection&)>& fn) override;
  common::Status Write(const std::function<common::Status(Connection&)>& fn) override;
  bool Healthy() override;

 private:
  explicit PgDatabase(PgOptions options) : options_(std::move(options)) {}

  common::StatusOr<pg_conn*> Acquire();
  void Release(pg_conn* conn);
  common::StatusOr<pg_conn*> Connect();
  common::Status RunTransaction(const char* begin, bool retry_serialization,
                                const std::function<common::Status(Connection&)>& fn);

  const PgOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<pg_conn*> idle_;  // guarded by mu_
  int open_ = 0;                // connections idle or in use; guarded by mu_
  std::chrono::steady_clock::time_point retry_after_{};  // back-off; guarded by mu_
  std::chrono::milliseconds backoff_{0};                 // guarded by mu_
};

}  // namespace db
