// File: db/pg_database.cc
#include "db/pg_database.h"

#include <libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <utility>

namespace db {
namespace {

// Type OIDs from pg_type.h (stable across PostgreSQL versions).
constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kOidOid = 26;
constexpr Oid kFloat4Oid = 700;
constexpr Oid kFloat8Oid = 701;
constexpr Oid kNumericOid = 1700;

constexpr auto kMinBackoff = std::chrono::milliseconds(100);
constexpr auto kMaxBackoff = std::chrono::milliseconds(1000);

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

bool IsSerializationFailure(std::string_view state) {
  return state == "40001" || state == "40P01";
}

// Only the primary message is used: PostgreSQL's DETAIL line repeats the
// offending key values, which may be personal data and must not reach logs.
common::Status MapError(PGconn* conn, const PGresult* res, std::string_view context) {
  const char* state_c = res != nullptr ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  const char* primary = res != nullptr ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  std::string state = state_c != nullptr ? state_c : "";
  std::string msg(context);
  msg += ": ";
  msg += primary != nullptr ? std::string(primary) : Trim(PQerrorMessage(conn));
  if (!state.empty()) msg += " [SQLSTATE " + state + "]";
  if (state == "23505") return common::Status::AlreadyExists(std::move(msg));
  if (state == "23503" || state == "23514") return common::Status::FailedPrecondition(std::move(msg));
  if (IsSerializationFailure(state)) return common::Status::Unavailable(std::move(msg));
  // 08: connection exception; 57P0x: server shutting down or starting;
  // 53: out of resources; 57014: statement_timeout.
  if (PQstatus(conn) != CONNECTION_OK || state.rfind("08", 0) == 0 || state.rfind("57P", 0) == 0 ||
      state.rfind("53", 0) == 0 || state == "57014") {
    return common::Status::Unavailable(std::move(msg));
  }
  return common::Status::Internal(std::move(msg));
}

Value DecodeValue(const PGresult* res, int row, int col) {
  if (PQgetisnull(res, row, col)) return std::monostate{};
  const char* text = PQgetvalue(res, row, col);
  size_t len = static_cast<size_t>(PQgetlength(res, row, col));
  switch (PQftype(res, col)) {
    case kInt8Oid:
    case kInt2Oid:
    case kInt4Oid:
    case kOidOid: {
      int64_t v = 0;
      std::from_chars(text, text + len, v);
      return v;
    }
    case kBoolOid:
      return static_cast<int64_t>(text[0] == 't' ? 1 : 0);
    case kFloat4Oid:
    case kFloat8Oid:
      return std::strtod(text, nullptr);
    case kNumericOid: {
      // SUM(bigint) is numeric in PostgreSQL but an integer in SQLite; keep
      // whole numbers integral so callers see the same type on both.
      int64_t v = 0;
      auto [ptr, ec] = std::from_chars(text, text + len, v);
      if (ec == std::errc() && ptr == text + len) return v;
      return std::strtod(text, nullptr);
    }
    case kByteaOid: {
      size_t n = 0;
      unsigned char* raw = PQunescapeBytea(reinterpret_cast<const unsigned char*>(text), &n);
      if (raw == nullptr) return Blob{};
      Blob b{std::string(reinterpret_cast<const char*>(raw), n)};
      PQfreemem(raw);
      return b;
    }
    default:
      return std::string(text, len);
  }
}

void IgnoreNotice(void*, const char*) {}

// Highest $N in `sql`, skipping quoted strings, identifiers and comments.
// PostgreSQL silently accepts extra typed parameters, while SQLite (and the
// interface contract) reject them; this keeps both backends equally strict.
size_t HighestPlaceholder(std::string_view sql) {
  size_t highest = 0;
  for (size_t i = 0; i < sql.size(); ++i) {
    char c = sql[i];
    if (c == '\'' || c == '"') {
      size_t end = sql.find(c, i + 1);
      if (end == std::string_view::npos) break;
      i = end;  // a doubled quote simply re-enters here on the next char
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      i = sql.find('\n', i);
      if (i == std::string_view::npos) break;
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      i = sql.find("*/", i + 2);
      if (i == std::string_view::npos) break;
      ++i;
    } else if (c == '$') {
      size_t n = 0;
      auto [ptr, ec] = std::from_chars(sql.data() + i + 1, sql.data() + sql.size(), n);
      if (ec == std::errc()) highest = std::max(highest, n);
    }
  }
  return highest;
}

// A Connection over one pooled PGconn for the length of one callback.
class PgConnection final : public Connection {
 public:
  explicit PgConnection(PGconn* conn) : conn_(conn) {}
  Dialect dialect() const override { return Dialect::kPostgres; }

  common::StatusOr<Rows> Query(std::string_view sql, const Params& params) override {
    SP_ASSIGN_OR_RETURN(ResultPtr res, Exec(sql, params));
    Rows out;
    int ncol = PQnfields(res.get());
    int nrow = PQntuples(res.get());
    for (int c = 0; c < ncol; ++c) out.columns.emplace_back(PQfname(res.get(), c));
    out.rows.reserve(static_cast<size_t>(nrow));
    for (int r = 0; r < nrow; ++r) {
      std::vector<Value> values;
      values.reserve(static_cast<size_t>(ncol));
      for (int c = 0; c < ncol; ++c) values.push_back(DecodeValue(res.get(), r, c));
      out.rows.emplace_back(std::move(values));
    }
    return out;
  }

  common::StatusOr<int64_t> Execute(std::string_view sql, const Params& params) override {
    SP_ASSIGN_OR_RETURN(ResultPtr res, Exec(sql, params));
    const char* n = PQcmdTuples(res.get());
    int64_t changed = 0;
    std::from_chars(n, n + std::strlen(n), changed);
    return changed;
  }

  common::Status ExecuteScript(std::string_view sql) override {
    std::string text(sql);
    ResultPtr res(PQexec(conn_, text.c_str()));
    return Check(res.get(), "script");
  }

  bool serialization_failure() const { return serialization_failure_; }

 private:
  common::Status Check(const PGresult* res, std::string_view context) {
    ExecStatusType st = res != nullptr ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY) {
      return common::Status::Ok();
    }
    const char* state = res != nullptr ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    if (state != nullptr && IsSerializationFailure(state)) serialization_failure_ = true;
    return MapError(conn_, res, context);
  }

  // Text parameters with type "unknown" so PostgreSQL infers them from the
  // context; integers and doubles are typed so `SELECT $1` returns a number
  // on both backends; blobs go in binary format so no byte is reinterpreted.
  common::StatusOr<ResultPtr> Exec(std::string_view sql, const Params& params) {
    size_t n = params.size();
    if (size_t highest = HighestPlaceholder(sql); highest != n) {
      return common::Status::InvalidArgument("SQL uses up to $" + std::to_string(highest) + " but " +
                                             std::to_string(n) + " parameters given");
    }
    std::vector<std::string> texts(n);
    std::vector<const char*> values(n, nullptr);
    std::vector<int> lengths(n, 0);
    std::vector<int> formats(n, 0);
    std::vector<Oid> types(n, 0);
    for (size_t i = 0; i < n; ++i) {
      const Value& v = params[i].value();
      if (const auto* x = std::get_if<int64_t>(&v)) {
        texts[i] = std::to_string(*x);
        types[i] = kInt8Oid;
      } else if (const auto* d = std::get_if<double>(&v)) {
        char buf[64];
        auto res = std::to_chars(buf, buf + sizeof buf, *d);  // shortest round-trip form
        texts[i].assign(buf, res.ptr);
        types[i] = kFloat8Oid;
      } else if (const auto* s = std::get_if<std::string>(&v)) {
        if (s->find('\0') != std::string::npos) {
          return common::Status::InvalidArgument("text parameter contains a NUL byte; use Blob");
        }
        texts[i] = *s;
      } else if (const auto* b = std::get_if<Blob>(&v)) {
        values[i] = b->bytes.data();
        lengths[i] = static_cast<int>(b->bytes.size());
        formats[i] = 1;
        types[i] = kByteaOid;
        continue;
      } else {
        continue;  // NULL
      }
      values[i] = texts[i].c_str();
    }
    std::string text(sql);
    ResultPtr res(PQexecParams(conn_, text.c_str(), static_cast<int>(n), types.data(),
                               values.data(), lengths.data(), formats.data(), 0));
    SP_RETURN_IF_ERROR(Check(res.get(), "query"));
    return res;
  }

  PGconn* conn_;
  bool serialization_failure_ = false;
};

}  // namespace

common::StatusOr<std::unique_ptr<Database>> PgDatabase::Open(const PgOptions& options) {
  if (options.pool_size < 1) return common::Status::InvalidArgument("pool_size must be >= 1");
  std::unique_ptr<PgDatabase> db(new PgDatabase(options));
  SP_ASSIGN_OR_RETURN(PGconn * first, db->Acquire());
  db->Release(first);
  return std::unique_ptr<Database>(std::move(db));
}

PgDatabase::~PgDatabase() {
  std::lock_guard<std::mutex> lock(mu_);
  for (PGconn* c : idle_) PQfinish(c);
  idle_.clear();
}

common::StatusOr<PGconn*> PgDatabase::Connect() {
  // Keywords are applied in order and later ones win: our defaults come
  // before the caller's conninfo (expanded from "dbname"), the values we
  // rely on come after it.
  std::string timeout = std::to_string(options_.connect_timeout_seconds);
  std::string server_options = "-c statement_timeout=" +
                               std::to_string(options_.statement_timeout_ms) +
                               " -c idle_in_transaction_session_timeout=60000";
  const char* keywords[] = {"connect_timeout", "options", "dbname",
                            "application_name", "client_encoding", nullptr};
  const char* values[] = {timeout.c_str(), server_options.c_str(), options_.conninfo.c_str(),
                          "stagepunt", "UTF8", nullptr};
  PGconn* conn = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (conn == nullptr) return common::Status::Unavailable("libpq could not allocate a connection");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string msg = Trim(PQerrorMessage(conn));
    PQfinish(conn);
    return common::Status::Unavailable("cannot connect to PostgreSQL: " + msg);
  }
  // Notices ("relation already exists, skipping") would go to stderr.
  PQsetNoticeProcessor(conn, IgnoreNotice, nullptr);
  return conn;
}

common::StatusOr<PGconn*> PgDatabase::Acquire() {
  std::unique_lock<std::mutex> lock(mu_);
  auto deadline = std::chrono::steady_clock::now() +
                  std::chrono::milliseconds(options_.acquire_timeout_ms);
  for (;;) {
    if (!idle_.empty()) {
      PGconn* c = idle_.back();
      idle_.pop_back();
      if (PQstatus(c) == CONNECTION_OK) return c;
      PQfinish(c);
      --open_;
      continue;
    }
    if (open_ < options_.pool_size) {
      auto now = std::chrono::steady_clock::now();
      // During an outage fail fast instead of making every request wait
      // for its own connection attempt.
      if (now < retry_after_) return common::Status::Unavailable("database unreachable (backing off)");
      ++open_;
      lock.unlock();
      auto conn = Connect();
      lock.lock();
      if (conn.ok()) {
        backoff_ = std::chrono::milliseconds(0);
        return conn;
      }
      --open_;
      backoff_ = std::min(std::max(backoff_ * 2, std::chrono::milliseconds(kMinBackoff)),
                          std::chrono::milliseconds(kMaxBackoff));
      retry_after_ = std::chrono::steady_clock::now() + backoff_;
      cv_.notify_one();
      return conn.status();
    }
    if (cv_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
        open_ >= options_.pool_size) {
      return common::Status::Unavailable("all database connections are busy");
    }
  }
}

void PgDatabase::Release(PGconn* conn) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    // A broken connection, or one left inside a transaction, is not reused.
    if (PQstatus(conn) == CONNECTION_OK && PQtransactionStatus(conn) == PQTRANS_IDLE) {
      idle_.push_back(conn);
    } else {
      PQfinish(conn);
      --open_;
    }
  }
  cv_.notify_one();
}

common::Status PgDatabase::RunTransaction(const char* begin, bool retry_serialization,
                                          const std::function<common::Status(Connection&)>& fn) {
  int stale = 0;
  int serialization_failures = 0;
  for (;;) {
    SP_ASSIGN_OR_RETURN(PGconn * raw, Acquire());
    PgConnection conn(raw);
    common::Status s = conn.ExecuteScript(begin);
    if (!s.ok()) {
      bool broken = PQstatus(raw) != CONNECTION_OK;
      Release(raw);
      // Nothing has run yet, so a pooled connection that turned out dead
      // (server restarted, backend terminated) is replaced and we try again.
      if (broken && ++stale <= options_.pool_size) continue;
      return s;
    }
    try {
      s = fn(conn);
    } catch (...) {
      (void)conn.ExecuteScript("ROLLBACK");
      Release(raw);
      throw;
    }
    if (s.ok()) s = conn.ExecuteScript("COMMIT");
    if (s.ok()) {
      Release(raw);
      return s;
    }
    if (PQstatus(raw) == CONNECTION_OK && PQtransactionStatus(raw) != PQTRANS_IDLE) {
      (void)conn.ExecuteScript("ROLLBACK");
    }
    Release(raw);
    if (retry_serialization && conn.serialization_failure() &&
        ++serialization_failures <= options_.serialization_retries) {
      // Jittered back-off so that the conflicting transactions do not
      // collide again in lock step.
      thread_local std::minstd_rand rng(std::random_device{}());
      int ms = (5 << serialization_failures) + static_cast<int>(rng() % 10);
      std::this_thread::sleep_for(std::chrono::milliseconds(ms));
      continue;
    }
    return s;
  }
}

common::Status PgDatabase::Read(const std::function<common::Status(Connection&)>& fn) {
  // REPEATABLE READ gives one snapshot for the whole callback, as on SQLite.
  return RunTransaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", false, fn);
}

common::Status PgDatabase::Write(const std::function<common::Status(Connection&)>& fn) {
  return RunTransaction("BEGIN", true, fn);
}

bool PgDatabase::Healthy() {
  return Read([](Connection& c) { return c.Query("SELECT 1").status(); }).ok();
}

}  // namespace db
