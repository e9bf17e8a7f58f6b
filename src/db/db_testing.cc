// File: db/db_testing.cc
#include "db/db_testing.h"

#include <libpq-fe.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <random>

#include "db/migrate.h"
#include "db/pg_database.h"
#include "db/sqlite_database.h"

namespace db::testing {
namespace {

std::string RandomSuffix() {
  static const char kHex[] = "0123456789abcdef";
  std::random_device rd;
  std::string s;
  for (int i = 0; i < 12; ++i) s += kHex[rd() % 16];
  return s;
}

// Single-quoted conninfo value with ' and \ escaped, as libpq wants it.
std::string Quote(const std::string& v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

// The admin conninfo with dbname replaced; works for URIs and key=value.
common::StatusOr<std::string> WithDbname(const std::string& conninfo, const std::string& dbname) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(conninfo.c_str(), &err);
  if (opts == nullptr) {
    std::string msg = err != nullptr ? err : "out of memory";
    PQfreemem(err);
    return common::Status::InvalidArgument("bad STAGEPUNT_TEST_PG: " + msg);
  }
  std::string out;
  for (PQconninfoOption* o = opts; o->keyword != nullptr; ++o) {
    if (o->val == nullptr || std::string_view(o->keyword) == "dbname") continue;
    out += std::string(o->keyword) + "=" + Quote(o->val) + " ";
  }
  PQconninfoFree(opts);
  return out + "dbname=" + Quote(dbname);
}

common::Status AdminRun(const std::string& conninfo, const std::string& sql) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  common::Status s;
  if (PQstatus(conn) != CONNECTION_OK) {
    s = common::Status::Unavailable(std::string("admin connection failed: ") + PQerrorMessage(conn));
  } else {
    PGresult* res = PQexec(conn, sql.c_str());
    ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
      s = common::Status::Internal("admin SQL failed: " + std::string(PQerrorMessage(conn)));
    }
    PQclear(res);
  }
  PQfinish(conn);
  return s;
}

}  // namespace

std::string PgTestConninfo() {
  const char* v = std::getenv("STAGEPUNT_TEST_PG");
  return v != nullptr ? v : "";
}

common::StatusOr<std::unique_ptr<TestDatabase>> TestDatabase::Create(Dialect dialect) {
  std::unique_ptr<TestDatabase> t(new TestDatabase());
  t->dialect_ = dialect;
  if (dialect == Dialect::kSqlite) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "stagepunt-dbtest-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) return common::Status::Internal("mkdtemp failed");
    t->dir_ = tmpl;
    // A subdirectory that does not exist yet, so Open() has to create it.
    t->name_ = tmpl + "/var/stagepunt.db";
  } else {
    std::string admin = PgTestConninfo();
    if (admin.empty()) return common::Status::Unavailable("STAGEPUNT_TEST_PG is not set");
    t->name_ = "stagepunt_t_" + RandomSuffix();
    SP_ASSIGN_OR_RETURN(t->conninfo_, WithDbname(admin, t->name_));
    SP_RETURN_IF_ERROR(AdminRun(admin, "CREATE DATABASE " + t->name_ + " TEMPLATE template0"));
  }
  SP_ASSIGN_OR_RETURN(t->db_, t->OpenAnother());
  return t;
}

common::StatusOr<std::unique_ptr<Database>> TestDatabase::OpenAnother() const {
  if (dialect_ == Dialect::kSqlite) {
    SqliteOptions options;
    options.path = name_;
    return SqliteDatabase::Open(options);
  }
  PgOptions options;
  options.conninfo = conninfo_;
  options.pool_size = 4;
  return PgDatabase::Open(options);
}

common::Status TestDatabase::AdminExec(const std::string& sql) {
  return AdminRun(PgTestConninfo(), sql);
}

TestDatabase::~TestDatabase() {
  db_.reset();
  if (dialect_ == Dialect::kPostgres && !name_.empty()) {
    (void)AdminRun(PgTestConninfo(), "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  }
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
}

common::Status CheckMigrationKeepsData(Database& db, int from_version, const ConnFn& seed,
                                       const ConnFn& verify, std::optional<int> to_version) {
  SP_RETURN_IF_ERROR(Migrate(db, BuiltinMigrations(), from_version));
  SP_ASSIGN_OR_RETURN(int at, SchemaVersion(db));
  if (at != from_version) {
    return common::Status::Internal("expected schema version " + std::to_string(from_version) +
                                    ", got " + std::to_string(at));
  }
  SP_RETURN_IF_ERROR(db.Write(seed));
  SP_RETURN_IF_ERROR(Migrate(db, BuiltinMigrations(), to_version));
  return db.Read(verify);
}

}  // namespace db::testing
