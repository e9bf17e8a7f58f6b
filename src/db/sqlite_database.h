// File: db/sqlite_database.h
//
// The SQLite backend of db::Database. One writer connection (SQLite allows one
// writer at a time anyway, and serialising in-process avoids SQLITE_BUSY
// between our own threads) plus a small pool of read-only connections, which
// WAL lets run concurrently with the writer.
//
// Group commit. With synchronous=FULL every COMMIT waits for an fsync, and one
// writer can only do as many commits per second as the disk does fsyncs. So
// Write() calls that arrive while a transaction is being written queue up, and
// the next one to run takes the whole queue into one transaction: each
// callback inside its own SAVEPOINT (a failing callback is rolled back alone,
// exactly as if it had had its own transaction), then one COMMIT and one fsync
// for all of them. No caller returns before the COMMIT that holds its writes
// is durable, so a 201 still means "on disk". A lone writer runs as before.
//
// Checkpoints. SQLite's automatic WAL checkpoint runs inside whichever COMMIT
// crosses 1000 pages and fsyncs the main file there, which shows up as a
// latency spike for that one unlucky request. Here a background thread with
// its own connection runs PASSIVE checkpoints instead, which never block the
// writer or the readers.
//
// Usually reached through db::Open("sqlite:PATH"); constructed directly only
// when the pool size matters (tests, benchmarks).
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "db/database.h"

namespace db {

struct SqliteOptions {
  std::string path;        // file path; ":memory:" gives a private in-memory DB
  int read_pool_size = 4;  // read-only connections; 0 makes Read() use the writer
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
  struct PendingWrite;

  SqliteDatabase() = default;
  // Runs `batch` in one transaction on the writer (see "Group commit").
  void RunBatch(const std::vector<PendingWrite*>& batch);
  void StartCheckpointer(std::unique_ptr<SqliteConnection> conn);
  void CheckpointLoop();

  std::mutex write_mu_;  // held for a whole write transaction
  std::unique_ptr<SqliteConnection> writer_;

  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<PendingWrite*> queue_;  // guarded by queue_mu_
  bool leader_active_ = false;       // guarded by queue_mu_: a batch is running

  std::unique_ptr<SqliteConnection> checkpointer_;
  std::thread checkpoint_thread_;
  std::mutex checkpoint_mu_;
  std::condition_variable checkpoint_cv_;
  bool checkpoint_stop_ = false;   // guarded by checkpoint_mu_
  std::atomic<int> wal_pages_{0};  // set by the writer's WAL hook

  std::mutex read_mu_;
  std::condition_variable read_cv_;
  std::vector<SqliteConnection*> idle_readers_;                 // guarded by read_mu_
  std::vector<std::unique_ptr<SqliteConnection>> all_readers_;  // owns them; fixed after Open
};

// Copies the SQLite database at `source_path` to `dest_path` with SQLite's
// online backup API: a consistent snapshot taken in one read transaction,
// while a running server keeps writing (WAL lets writers continue). The copy
// goes to a temporary file beside `dest_path` (mode 0600), is checked
// (quick_check), switched to rollback journal mode so it is one
// self-contained file, fsynced and renamed over `dest_path`: a crash leaves
// either the old file or a complete copy, never a half-written one.
// Never creates `source_path`: a missing source is NotFound.
common::Status SqliteOnlineBackup(const std::string& source_path, const std::string& dest_path);

// Folds the WAL of the database at `path` into the file and leaves it in
// rollback journal mode without -wal or -shm files, so the file can be
// replaced. Unavailable when another process (a running server) has it open.
common::Status SqliteQuiesce(const std::string& path);

}  // namespace db
