// Tests of the storage interface. The parameterised suite runs against both
// backends: Sqlite/* always, Postgres/* when STAGEPUNT_TEST_PG is set.
#include "db/database.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "db/backend_test.h"
#include "db/db_testing.h"
#include "db/pg_database.h"
#include "db/sqlite_database.h"

namespace db {
namespace {

using common::Status;
using common::StatusCode;

class DbTest : public testing::BackendTest {
 protected:
  void SetUp() override {
    SetUpDatabase(/*migrated=*/false);
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(db()
                    .Write([](Connection& c) {
                      return c.ExecuteScript(
                          "CREATE TABLE parent (id TEXT PRIMARY KEY);"
                          "CREATE TABLE kv (k TEXT PRIMARY KEY, i BIGINT, d DOUBLE PRECISION,"
                          " s TEXT, b " +
                          std::string(c.dialect() == Dialect::kSqlite ? "BLOB" : "BYTEA") +
                          ", parent_id TEXT REFERENCES parent(id), n BIGINT CHECK (n >= 0))");
                    })
                    .ok());
  }
  Status Put(const std::string& k, int64_t i) {
    return db().Write([&](Connection& c) {
      return c.Execute("INSERT INTO kv (k, i) VALUES ($1, $2)", {k, i}).status();
    });
  }
  int64_t Count() {
    int64_t n = -1;
    EXPECT_TRUE(db().Read([&](Connection& c) -> Status {
                      SP_ASSIGN_OR_RETURN(Row r, c.QueryOne("SELECT COUNT(*) FROM kv"));
                      n = r.Int(0);
                      return Status::Ok();
                    })
                    .ok());
    return n;
  }

};

TEST_P(DbTest, RoundTripsAllValueTypes) {
  std::string bytes("\0\x01\xff\xfe\x80 x\0", 8);  // NUL bytes and invalid UTF-8
  ASSERT_TRUE(db().Write([&](Connection& c) {
                    return c.Execute("INSERT INTO kv (k, i, d, s, b) VALUES ($1, $2, $3, $4, $5)",
                                     {"a", int64_t{-9007199254740993}, 0.1, "héllo 'q' \\ ✓",
                                      Blob{bytes}})
                        .status();
                  }).ok());
  ASSERT_TRUE(db().Write([&](Connection& c) {
                    return c.Execute("INSERT INTO kv (k, b) VALUES ($1, $2)", {"empty", Blob{}})
                        .status();
                  }).ok());
  Status s = db().Read([&](Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(Rows rows, c.Query("SELECT i, d, s, b, k FROM kv ORDER BY k"));
    EXPECT_EQ(rows.columns, (std::vector<std::string>{"i", "d", "s", "b", "k"}));
    EXPECT_EQ(rows.rows.size(), 2u);
    const Row& r = rows.rows[0];
    EXPECT_EQ(r.Int(0), -9007199254740993);
    EXPECT_EQ(r.Double(1), 0.1);
    EXPECT_EQ(r.Text(2), "héllo 'q' \\ ✓");
    EXPECT_EQ(r.at(3), Value(Blob{bytes}));
    EXPECT_EQ(r.BlobBytes(3), bytes);
    EXPECT_EQ(rows.rows[1].at(3), Value(Blob{}));
    // Typed parameters come back typed on both backends.
    SP_ASSIGN_OR_RETURN(Row p, c.QueryOne("SELECT $1, $2, $3, $4", {7, 2.5, "t", Blob{bytes}}));
    EXPECT_EQ(p.at(0), Value(int64_t{7}));
    EXPECT_EQ(p.at(1), Value(2.5));
    EXPECT_EQ(p.at(2), Value(std::string("t")));
    EXPECT_EQ(p.at(3), Value(Blob{bytes}));
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST_P(DbTest, BindsByNumberNotPosition) {
  Status s = db().Read([](Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(Row r, c.QueryOne("SELECT $2 || '-' || $1 || '-' || $2", {"one", "two"}));
    EXPECT_EQ(r.Text(0), "two-one-two");
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(db().Write([](Connection& c) {
                    return c.Execute("INSERT INTO kv (i, k) VALUES ($2, $1)", {"key", 5}).status();
                  }).ok());
  EXPECT_EQ(Count(), 1);
}

TEST_P(DbTest, NullsAndOptionals) {
  std::optional<int64_t> none;
  std::optional<std::string> text = "x";
  ASSERT_TRUE(db().Write([&](Connection& c) {
                    return c.Execute("INSERT INTO kv (k, i, s, b) VALUES ($1, $2, $3, $4)",
                                     {text, none, std::nullopt, std::nullopt})
                        .status();
                  }).ok());
  Status s = db().Read([](Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(Row r, c.QueryOne("SELECT k, i, s, b, d FROM kv"));
    EXPECT_EQ(r.OptText(0), "x");
    for (size_t i = 1; i < r.size(); ++i) EXPECT_TRUE(r.IsNull(i)) << i;
    EXPECT_EQ(r.OptInt(1), std::nullopt);
    EXPECT_EQ(r.OptText(2), std::nullopt);
    EXPECT_EQ(r.Int(1), 0);
    EXPECT_EQ(r.Text(2), "");
    EXPECT_EQ(r.BlobBytes(3), "");
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST_P(DbTest, QueryOneWithoutRowIsNotFound) {
  Status s = db().Read([](Connection& c) {
    return c.QueryOne("SELECT k FROM kv WHERE k = $1", {"nope"}).status();
  });
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
}

TEST_P(DbTest, ExecuteReportsChangedRows) {
  ASSERT_TRUE(Put("a", 1).ok());
  ASSERT_TRUE(Put("b", 1).ok());
  int64_t changed = -1;
  ASSERT_TRUE(db().Write([&](Connection& c) -> Status {
                    SP_ASSIGN_OR_RETURN(changed, c.Execute("UPDATE kv SET i = $1", {2}));
                    return Status::Ok();
                  }).ok());
  EXPECT_EQ(changed, 2);
}

TEST_P(DbTest, FailedWriteLeavesNothing) {
  Status s = db().Write([](Connection& c) -> Status {
    SP_RETURN_IF_ERROR(c.Execute("INSERT INTO kv (k, i) VALUES ($1, $2)", {"a", 1}).status());
    return Status::InvalidArgument("caller changed its mind");
  });
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  s = db().Write([](Connection& c) -> Status {
    SP_RETURN_IF_ERROR(c.Execute("INSERT INTO kv (k, i) VALUES ($1, $2)", {"b", 1}).status());
    return c.Execute("INSERT INTO no_such_table VALUES ($1)", {1}).status();
  });
  EXPECT_FALSE(s.ok());
  EXPECT_THROW(db().Write([](Connection& c) -> Status {
                 (void)c.Execute("INSERT INTO kv (k, i) VALUES ($1, $2)", {"c", 1});
                 throw std::runtime_error("bug");
               }),
               std::runtime_error);
  EXPECT_EQ(Count(), 0);
  EXPECT_TRUE(Put("d", 1).ok());  // the connection is still usable
  EXPECT_EQ(Count(), 1);
}

TEST_P(DbTest, UniqueViolationIsAlreadyExists) {
  ASSERT_TRUE(Put("a", 1).ok());
  EXPECT_EQ(Put("a", 2).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(Count(), 1);
}

TEST_P(DbTest, ForeignKeyAndCheckViolationsAreFailedPrecondition) {
  Status s = db().Write([](Connection& c) {
    return c.Execute("INSERT INTO kv (k, parent_id) VALUES ($1, $2)", {"a", "missing"}).status();
  });
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << s.ToString();
  s = db().Write([](Connection& c) {
    return c.Execute("INSERT INTO kv (k, n) VALUES ($1, $2)", {"a", -1}).status();
  });
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << s.ToString();
  EXPECT_EQ(Count(), 0);
}

TEST_P(DbTest, ParameterCountMustMatch) {
  Status s = db().Read([](Connection& c) { return c.Query("SELECT $1, $2", {1}).status(); });
  EXPECT_FALSE(s.ok());
  s = db().Read([](Connection& c) { return c.Query("SELECT $1", {1, 2}).status(); });
  EXPECT_FALSE(s.ok());
}

TEST_P(DbTest, ReadCannotWrite) {
  Status s = db().Read([](Connection& c) {
    return c.Execute("INSERT INTO kv (k) VALUES ($1)", {"a"}).status();
  });
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(Count(), 0);
}

TEST_P(DbTest, ConcurrentWritersLoseNothing) {
  constexpr int kThreads = 6;
  constexpr int kPerThread = 40;
  ASSERT_TRUE(Put("counter", 0).ok());
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        Status s = db().Write([&](Connection& c) -> Status {
          // Lost updates would show in the final counter.
          SP_RETURN_IF_ERROR(
              c.Execute("UPDATE kv SET i = i + $1 WHERE k = $2", {1, "counter"}).status());
          return c
              .Execute("INSERT INTO kv (k, i) VALUES ($1, $2)",
                       {"t" + std::to_string(t) + "-" + std::to_string(i), i})
              .status();
        });
        if (!s.ok()) ++failures;
      }
      // Readers in parallel with the writers.
      (void)db().Read([](Connection& c) { return c.Query("SELECT COUNT(*) FROM kv").status(); });
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(Count(), 1 + kThreads * kPerThread);
  Status s = db().Read([](Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(Row r, c.QueryOne("SELECT i FROM kv WHERE k = $1", {"counter"}));
    EXPECT_EQ(r.Int(0), kThreads * kPerThread);
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
}

// Writes that queue behind a running one share its transaction on SQLite
// (group commit); each must still succeed, fail or throw on its own.
TEST_P(DbTest, QueuedWritesSucceedFailAndThrowAlone) {
  std::atomic<bool> slow_started{false};
  std::thread slow([&] {
    EXPECT_TRUE(db().Write([&](Connection& c) -> Status {
                      slow_started = true;
                      std::this_thread::sleep_for(std::chrono::milliseconds(300));
                      return c.Execute("INSERT INTO kv (k, i) VALUES ($1, $2)", {"slow", 0}).status();
                    })
                    .ok());
  });
  while (!slow_started) std::this_thread::yield();
  constexpr int kWriters = 8;  // 0..5 succeed, 6 fails, 7 throws
  std::vector<Status> results(kWriters);
  std::atomic<int> thrown{0};
  std::vector<std::thread> writers;
  for (int t = 0; t < kWriters; ++t) {
    writers.emplace_back([&, t] {
      auto write = [&](Connection& c) -> Status {
        SP_RETURN_IF_ERROR(
            c.Execute("INSERT INTO kv (k, i) VALUES ($1, $2)", {"w" + std::to_string(t), t})
                .status());
        if (t == 6) return Status::InvalidArgument("changed its mind");
        if (t == 7) throw std::runtime_error("bug");
        return Status::Ok();
      };
      try {
        results[t] = db().Write(write);
      } catch (const std::runtime_error&) {
        ++thrown;
      }
    });
  }
  for (auto& th : writers) th.join();
  slow.join();
  for (int t = 0; t < 6; ++t) EXPECT_TRUE(results[t].ok()) << t << ": " << results[t].ToString();
  EXPECT_EQ(results[6].code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(thrown.load(), 1);
  EXPECT_EQ(Count(), 1 + 6);
  Status s = db().Read([](Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(Rows r, c.Query("SELECT k FROM kv WHERE k IN ($1, $2)", {"w6", "w7"}));
    EXPECT_TRUE(r.empty());
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
}

TEST_P(DbTest, HealthyWhenReachable) { EXPECT_TRUE(db().Healthy()); }

INSTANTIATE_TEST_SUITE_P(Sqlite, DbTest, ::testing::Values(Dialect::kSqlite), testing::DialectName<::testing::TestParamInfo<Dialect>>);
INSTANTIATE_TEST_SUITE_P(Postgres, DbTest, ::testing::Values(Dialect::kPostgres), testing::DialectName<::testing::TestParamInfo<Dialect>>);

// PostgreSQL only: connections killed under the pool are replaced.
class PostgresOnlyTest : public DbTest {};

TEST_P(PostgresOnlyTest, ReconnectsAfterBackendsAreTerminated) {
  ASSERT_TRUE(Put("before", 1).ok());
  ASSERT_TRUE(test_db_
                  ->AdminExec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                              " WHERE application_name = 'stagepunt' AND datname = '" +
                              test_db_->name() + "' AND pid <> pg_backend_pid()")
                  .ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  Status s = Put("after", 2);
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(Count(), 2);
  EXPECT_TRUE(db().Healthy());
}

INSTANTIATE_TEST_SUITE_P(Postgres, PostgresOnlyTest, ::testing::Values(Dialect::kPostgres), testing::DialectName<::testing::TestParamInfo<Dialect>>);

// Backend-independent unit tests (no server needed).

TEST(RowTest, Accessors) {
  Row r({std::monostate{}, int64_t{3}, 1.5, std::string("s"), Blob{"b"}});
  EXPECT_TRUE(r.IsNull(0));
  EXPECT_EQ(r.Int(0), 0);
  EXPECT_EQ(r.Int(1), 3);
  EXPECT_EQ(r.Double(1), 3.0);
  EXPECT_EQ(r.Double(2), 1.5);
  EXPECT_EQ(r.Text(3), "s");
  EXPECT_EQ(r.BlobBytes(3), "s");
  EXPECT_EQ(r.BlobBytes(4), "b");
  EXPECT_EQ(r.OptInt(1), 3);
  EXPECT_EQ(r.OptText(0), std::nullopt);
}

TEST(OpenTest, RejectsUnknownSchemes) {
  EXPECT_EQ(Open("mysql://x").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Open("sqlite:").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Open("").status().code(), StatusCode::kInvalidArgument);
}

TEST(OpenTest, SqliteCreatesPrivateFileAndDirectory) {
  auto t = testing::TestDatabase::Create(Dialect::kSqlite);
  ASSERT_TRUE(t.ok());
  auto db = Open("sqlite:" + (*t)->name() + ".2/sub/x.db");
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  ASSERT_TRUE((*db)->Write([](Connection& c) { return c.ExecuteScript("CREATE TABLE t (a INT)"); })
                  .ok());
  for (const char* suffix : {"", "-wal", "-shm"}) {
    struct stat st {};
    std::string path = (*t)->name() + ".2/sub/x.db" + suffix;
    ASSERT_EQ(::stat(path.c_str(), &st), 0) << path;
    EXPECT_EQ(st.st_mode & 0777, 0600u) << path;
  }
  std::filesystem::remove_all((*t)->name() + ".2");
}

TEST(OpenTest, SqliteUsesWalFullSyncAndSecureDelete) {
  auto t = testing::TestDatabase::Create(Dialect::kSqlite);
  ASSERT_TRUE(t.ok());
  Status s = (*t)->db().Write([](Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(Row j, c.QueryOne("PRAGMA journal_mode"));
    EXPECT_EQ(j.Text(0), "wal");
    SP_ASSIGN_OR_RETURN(Row sync, c.QueryOne("PRAGMA synchronous"));
    EXPECT_EQ(sync.Int(0), 2);  // FULL
    SP_ASSIGN_OR_RETURN(Row fk, c.QueryOne("PRAGMA foreign_keys"));
    EXPECT_EQ(fk.Int(0), 1);
    // Deleted rows are overwritten with zeros, so erased personal data does
    // not linger in free pages of the file.
    SP_ASSIGN_OR_RETURN(Row secure, c.QueryOne("PRAGMA secure_delete"));
    EXPECT_EQ(secure.Int(0), 1);
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
}

// SQLite's own checkpoints are replaced by a background thread: the WAL's
// pages reach the main database file without any further write.
TEST(OpenTest, SqliteCheckpointsInTheBackground) {
  auto t = testing::TestDatabase::Create(Dialect::kSqlite);
  ASSERT_TRUE(t.ok());
  Database& db = (*t)->db();
  ASSERT_TRUE(db.Write([](Connection& c) {
                  return c.ExecuteScript("CREATE TABLE big (b BLOB)");
                }).ok());
  std::string chunk(64 * 1024, 'x');
  for (int i = 0; i < 100; ++i) {  // 6.4 MB, well over 1000 pages
    ASSERT_TRUE(db.Write([&](Connection& c) {
                    return c.Execute("INSERT INTO big VALUES ($1)", {Blob{chunk}}).status();
                  }).ok());
  }
  std::string path = (*t)->name();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::error_code ec;
  while (std::filesystem::file_size(path, ec) < 6'000'000 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_GE(std::filesystem::file_size(path, ec), 6'000'000u);
}

TEST(OpenTest, SqliteMemory) {
  auto db = Open("sqlite::memory:");
  ASSERT_TRUE(db.ok());
  EXPECT_TRUE((*db)->Healthy());
}

TEST(PgOpenTest, UnreachableServerIsUnavailableQuickly) {
  auto start = std::chrono::steady_clock::now();
  auto db = Open("postgresql:///nodb?host=/nonexistent-stagepunt-socket&port=1");
  EXPECT_EQ(db.status().code(), StatusCode::kUnavailable) << db.status().ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

}  // namespace
}  // namespace db
