#include "audit/audit_log.h"

#include "crypto/hash.h"

namespace audit {

namespace {
constexpr char kGenesis[] = "genesis";
constexpr std::string_view kMeldpuntPrefix = "case.";
constexpr common::UnixMillis kDayMillis = 24LL * 60 * 60 * 1000;

// Length-prefixed fields: no separator inside a field can shift another.
void AppendField(std::string& out, std::string_view field) {
  out += std::to_string(field.size());
  out += ':';
  out += field;
}
}  // namespace

bool IsMeldpuntAction(std::string_view action) {
  return action.substr(0, kMeldpuntPrefix.size()) == kMeldpuntPrefix;
}

std::string AuditLog::Hash(const std::string& prev_hash, int64_t seq, common::UnixMillis at,
                           const Entry& e) const {
  const std::string seq_text = std::to_string(seq);
  const std::string at_text = std::to_string(at);
  std::string msg;
  for (std::string_view f :
       {std::string_view(prev_hash), std::string_view(seq_text), std::string_view(at_text),
        std::string_view(e.school_id), std::string_view(e.actor), std::string_view(e.action),
        std::string_view(e.object_type), std::string_view(e.object_id),
        std::string_view(e.result)}) {
    AppendField(msg, f);
  }
  return crypto::HmacSha256Hex(key_, msg);
}

std::string AuditLog::AnchorMac(int64_t seq, const std::string& hash, common::UnixMillis pruned_at,
                                int64_t removed) const {
  std::string msg;
  for (const std::string& f : {std::string("anchor"), std::to_string(seq), hash,
                               std::to_string(pruned_at), std::to_string(removed)}) {
    AppendField(msg, f);
  }
  return crypto::HmacSha256Hex(key_, msg);
}

namespace {

common::Status LockChain(db::Connection& conn) {
  if (conn.dialect() != db::Dialect::kPostgres) return common::Status::Ok();
  // Two server instances append concurrently: serialise on the chain head.
  return conn.Query("SELECT pg_advisory_xact_lock(7301)").status();
}

// The chain's last record, or its anchor when every record was pruned, or
// nothing (seq 0, genesis).
common::StatusOr<std::pair<int64_t, std::string>> ChainHead(db::Connection& conn) {
  SP_ASSIGN_OR_RETURN(db::Rows tail,
                      conn.Query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"));
  if (tail.empty()) {
    SP_ASSIGN_OR_RETURN(tail,
                        conn.Query("SELECT seq, hash FROM audit_anchor ORDER BY seq DESC LIMIT 1"));
  }
  if (tail.empty()) return std::pair<int64_t, std::string>{0, kGenesis};
  return std::pair<int64_t, std::string>{tail.rows[0].Int(0), tail.rows[0].Text(1)};
}

}  // namespace

common::Status AuditLog::Append(db::Connection& conn, const Entry& entry) const {
  SP_RETURN_IF_ERROR(LockChain(conn));
  SP_ASSIGN_OR_RETURN(auto head, ChainHead(conn));
  int64_t seq = head.first + 1;
  std::string prev = head.second;
  common::UnixMillis at = clock_.NowMillis();
  if (entry.day_only) at -= at % kDayMillis;
  std::string hash = Hash(prev, seq, at, entry);
  return conn
      .Execute(
          "INSERT INTO audit_log (seq, at, school_id, actor, action, object_type, object_id, "
          "result, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
          {seq, at, entry.school_id.empty() ? db::Param(std::nullopt) : db::Param(entry.school_id),
           entry.actor, entry.action, entry.object_type, entry.object_id, entry.result, prev, hash})
      .status();
}

common::Status AuditLog::Append(db::Database& db, const Entry& entry) const {
  return db.Write([&](db::Connection& c) { return Append(c, entry); });
}

common::StatusOr<int64_t> AuditLog::Prune(db::Connection& conn, int64_t last_seq) const {
  SP_RETURN_IF_ERROR(LockChain(conn));
  SP_ASSIGN_OR_RETURN(db::Rows last,
                      conn.Query("SELECT hash FROM audit_log WHERE seq = $1", {last_seq}));
  if (last.empty()) return common::Status::NotFound("no audit record " + std::to_string(last_seq));
  SP_ASSIGN_OR_RETURN(int64_t removed,
                      conn.Execute("DELETE FROM audit_log WHERE seq <= $1", {last_seq}));
  const std::string hash = last.rows[0].Text(0);
  const common::UnixMillis now = clock_.NowMillis();
  SP_RETURN_IF_ERROR(
      conn.Execute("INSERT INTO audit_anchor (seq, hash, pruned_at, removed, mac) "
                   "VALUES ($1, $2, $3, $4, $5)",
                   {last_seq, hash, now, removed, AnchorMac(last_seq, hash, now, removed)})
          .status());
  SP_RETURN_IF_ERROR(Append(
      conn, {"", "system", "retention.audit_pruned", "audit_log", std::to_string(removed), "ok"}));
  return removed;
}

common::StatusOr<std::vector<AuditLog::Problem>> AuditLog::Verify(db::Database& db) const {
  std::vector<Problem> problems;
  common::Status s = db.Read([&](db::Connection& c) -> common::Status {
    int64_t expected_seq = 1;
    std::string prev = kGenesis;
    SP_ASSIGN_OR_RETURN(
        db::Rows anchor,
        c.Query("SELECT seq, hash, pruned_at, removed, mac FROM audit_anchor ORDER BY seq DESC "
                "LIMIT 1"));
    if (!anchor.empty()) {
      const db::Row& a = anchor.rows[0];
      if (!crypto::ConstantTimeEquals(AnchorMac(a.Int(0), a.Text(1), a.Int(2), a.Int(3)),
                                      a.Text(4))) {
        problems.push_back({a.Int(0), "audit anchor does not match its MAC: altered"});
      }
      expected_seq = a.Int(0) + 1;
      prev = a.Text(1);
    }
    SP_ASSIGN_OR_RETURN(db::Rows rows,
                        c.Query("SELECT seq, at, school_id, actor, action, object_type, object_id, "
                                "result, prev_hash, hash FROM audit_log ORDER BY seq"));
    for (const db::Row& r : rows.rows) {
      int64_t seq = r.Int(0);
      Entry e{r.Text(2), r.Text(3), r.Text(4), r.Text(5), r.Text(6), r.Text(7)};
      if (seq != expected_seq) {
        problems.push_back({seq, "expected record " + std::to_string(expected_seq) +
                                     ": records removed or reordered before this one"});
      }
      if (r.Text(8) != prev) {
        problems.push_back({seq,
                            "previous-hash link broken: a record before it was altered, "
                            "removed or reordered"});
      }
      if (!crypto::ConstantTimeEquals(Hash(r.Text(8), seq, r.Int(1), e), r.Text(9))) {
        problems.push_back({seq, "record content does not match its hash: altered"});
      }
      prev = r.Text(9);
      expected_seq = seq + 1;
    }
    return common::Status::Ok();
  });
  if (!s.ok()) return s;
  return problems;
}

common::StatusOr<std::vector<Record>> AuditLog::Recent(db::Database& db,
                                                       const std::string& school_id, View view,
                                                       int limit) const {
  std::vector<Record> out;
  // The LIKE pattern is IsMeldpuntAction's prefix (no wildcard in it).
  const std::string pattern = "case.%";
  const std::string keep = view == View::kMeldpunt ? "" : "NOT ";
  common::Status s = db.Read([&](db::Connection& c) -> common::Status {
    SP_ASSIGN_OR_RETURN(
        db::Rows rows,
        c.Query("SELECT seq, at, school_id, actor, action, object_type, object_id, result, "
                "prev_hash, hash FROM audit_log WHERE ($1 = '' OR school_id = $1) AND " +
                    keep +
                    "(action LIKE $3) "
                    "ORDER BY seq DESC LIMIT $2",
                {school_id, limit, pattern}));
    for (const db::Row& r : rows.rows) {
      Record rec{r.Int(0), r.Int(1),
                 Entry{r.Text(2), r.Text(3), r.Text(4), r.Text(5), r.Text(6), r.Text(7)}, r.Text(8),
                 r.Text(9)};
      // The SQL filter and the rule must agree; the rule wins.
      if (IsMeldpuntAction(rec.entry.action) != (view == View::kMeldpunt)) continue;
      out.push_back(std::move(rec));
    }
    return common::Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace audit
