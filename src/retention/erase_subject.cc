#include "retention/erase_subject.h"

#include <filesystem>
#include <optional>
#include <string_view>

#include "domain/retention.h"
#include "retention/schema.h"

namespace retention {

using common::Status;
using common::StatusOr;
using domain::ErasePolicy;
using domain::RetentionRule;
using domain::SubjectKey;

int64_t ErasureCounts::Total() const {
  int64_t n = 0;
  for (const auto& [table, count] : deleted) n += count;
  return n + (user_deleted ? 1 : 0);
}

namespace {

// The person as the database knows them, checked against the school.
struct Resolved {
  std::string user_id;
  std::string student_id;
  std::string login;
  std::string email;
};

StatusOr<Resolved> Resolve(db::Connection& c, const Subject& s) {
  if (s.school_id.empty() || (s.user_id.empty() && s.student_id.empty())) {
    return Status::InvalidArgument("a subject needs a school and a user or student id");
  }
  Resolved r{s.user_id, s.student_id, {}, {}};
  if (!r.student_id.empty()) {
    SP_ASSIGN_OR_RETURN(db::Rows rows,
                        c.Query("SELECT user_id FROM students WHERE id = $1 AND school_id = $2",
                                {r.student_id, s.school_id}));
    if (rows.empty()) return Status::NotFound("student");
    std::string linked = rows.rows[0].Text(0);
    if (r.user_id.empty()) r.user_id = linked;
    if (!linked.empty() && linked != r.user_id) {
      return Status::InvalidArgument("the student is linked to another account");
    }
  }
  if (!r.user_id.empty()) {
    SP_ASSIGN_OR_RETURN(db::Rows rows,
                        c.Query("SELECT login, email FROM users WHERE id = $1 AND school_id = $2",
                                {r.user_id, s.school_id}));
    if (rows.empty()) return Status::NotFound("user");
    r.login = rows.rows[0].Text(0);
    r.email = rows.rows[0].Text(1);
  }
  return r;
}

// The id a subject column of kind `key` holds for this person, or nothing.
std::optional<std::string> IdFor(SubjectKey key, const Resolved& r) {
  if (key == SubjectKey::kUserId && !r.user_id.empty()) return r.user_id;
  if (key == SubjectKey::kStudentId && !r.student_id.empty()) return r.student_id;
  return std::nullopt;
}

void Add(std::map<std::string, int64_t, std::less<>>& counts, std::string_view table, int64_t n) {
  if (n > 0) counts[std::string(table)] += n;
}

// Mail to the person: by recipient id or by address (mail queued before the
// account existed names only the address). The ids are returned so the
// caller can remove the .eml copies.
Status EraseMail(db::Connection& c, const Resolved& r, ErasureCounts& out) {
  std::string sql = "SELECT id FROM mail_outbox WHERE user_id = $1";
  db::Params params{r.user_id};
  for (const std::string& address : {r.login, r.email}) {
    if (address.empty()) continue;
    params.emplace_back(address);
    sql += " OR lower(to_address) = lower($" + std::to_string(params.size()) + ")";
  }
  SP_ASSIGN_OR_RETURN(db::Rows rows, c.Query(sql, params));
  for (const db::Row& row : rows.rows) {
    SP_ASSIGN_OR_RETURN(int64_t n,
                        c.Execute("DELETE FROM mail_outbox WHERE id = $1", {row.Text(0)}));
    Add(out.deleted, "mail_outbox", n);
    out.outbox_ids.push_back(row.Text(0));
  }
  return Status::Ok();
}

// Rows of a child table that hang on the person's rows of its parent.
Status EraseUnderParent(db::Connection& c, const RetentionRule& rule, const Resolved& r,
                        ErasureCounts& out) {
  if (rule.parent.empty() || rule.parent_column.empty()) return Status::Ok();
  const RetentionRule* parent = domain::FindRetentionRule(rule.parent);
  if (parent == nullptr || parent->erase != ErasePolicy::kDelete) return Status::Ok();
  std::optional<std::string> id = IdFor(parent->subject_key, r);
  if (!id || parent->subject_column.empty()) return Status::Ok();
  std::string sql = "DELETE FROM " + std::string(rule.table) + " WHERE " +
                    std::string(rule.parent_column) + " IN (SELECT id FROM " +
                    std::string(parent->table) + " WHERE " + std::string(parent->subject_column) +
                    " = $1)";
  SP_ASSIGN_OR_RETURN(int64_t n, c.Execute(sql, {*id}));
  Add(out.deleted, rule.table, n);
  return Status::Ok();
}

Status EraseRule(db::Connection& c, const RetentionRule& rule, const Resolved& r,
                 ErasureCounts& out) {
  if (rule.table == "users") return Status::Ok();  // last, see EraseUser
  if (rule.table == "mail_outbox") {
    return r.user_id.empty() && r.login.empty() ? Status::Ok() : EraseMail(c, r, out);
  }
  SP_RETURN_IF_ERROR(EraseUnderParent(c, rule, r, out));
  if (rule.table == "pulse_done" && !r.student_id.empty()) {
    // Pulse links name the placement as well as the account: links to the
    // student's placements go even when the account is no longer linked, or
    // the placements could not be removed.
    SP_ASSIGN_OR_RETURN(int64_t n, c.Execute("DELETE FROM pulse_done WHERE placement_id IN "
                                             "(SELECT id FROM placements WHERE student_id = $1 "
                                             "UNION SELECT id FROM bpv_agreements WHERE "
                                             "student_id = $1)",
                                             {r.student_id}));
    Add(out.deleted, rule.table, n);
  }
  std::optional<std::string> id = IdFor(rule.subject_key, r);
  if (!id || rule.subject_column.empty()) return Status::Ok();
  std::string where =
      " FROM " + std::string(rule.table) + " WHERE " + std::string(rule.subject_column) + " = $1";
  if (rule.erase == ErasePolicy::kKeep) {
    SP_ASSIGN_OR_RETURN(db::Row row, c.QueryOne("SELECT COUNT(*)" + where, {*id}));
    Add(out.kept, rule.table, row.Int(0));
    return Status::Ok();
  }
  SP_ASSIGN_OR_RETURN(int64_t n, c.Execute("DELETE" + where, {*id}));
  Add(out.deleted, rule.table, n);
  return Status::Ok();
}

// Columns that reference users(id) without ON DELETE CASCADE or SET NULL:
// a row there keeps the users row from being deleted.
StatusOr<std::vector<std::pair<std::string, std::string>>> BlockingReferences(db::Connection& c) {
  std::vector<std::pair<std::string, std::string>> out;
  if (c.dialect() == db::Dialect::kSqlite) {
    SP_ASSIGN_OR_RETURN(db::Rows rows,
                        c.Query("SELECT m.name, p.\"from\" FROM sqlite_master m JOIN "
                                "pragma_foreign_key_list(m.name) p WHERE m.type = 'table' AND "
                                "p.\"table\" = 'users' AND p.on_delete NOT IN ('CASCADE', "
                                "'SET NULL')"));
    for (const db::Row& row : rows.rows) out.emplace_back(row.Text(0), row.Text(1));
  } else {
    SP_ASSIGN_OR_RETURN(db::Rows rows, c.Query("SELECT cl.relname, a.attname FROM pg_constraint k "
                                               "JOIN pg_class cl ON cl.oid = k.conrelid "
                                               "JOIN pg_attribute a ON a.attrelid = k.conrelid AND "
                                               "a.attnum = k.conkey[1] WHERE k.contype = 'f' AND "
                                               "k.confrelid = 'users'::regclass AND "
                                               "k.confdeltype NOT IN ('c', 'n')"));
    for (const db::Row& row : rows.rows) out.emplace_back(row.Text(0), row.Text(1));
  }
  return out;
}

// Scrubs the users row, then deletes it unless a kept row still points at it.
Status EraseUser(db::Connection& c, const Resolved& r, ErasureCounts& out) {
  if (r.user_id.empty()) return Status::Ok();
  for (const std::string& login : {r.login, r.email}) {
    if (login.empty()) continue;
    SP_RETURN_IF_ERROR(
        c.Execute("DELETE FROM login_throttle WHERE lower(login) = lower($1)", {login}).status());
  }
  // Scrubbed first in every case, so nothing identifying is left even where
  // the row has to stay.
  SP_RETURN_IF_ERROR(c.Execute("UPDATE users SET login = $2, display_name = '', email = NULL, "
                               "password_hash = NULL, totp_secret = NULL, disabled = 1 "
                               "WHERE id = $1",
                               {r.user_id, "erased-" + r.user_id})
                         .status());
  SP_ASSIGN_OR_RETURN(auto refs, BlockingReferences(c));
  for (const auto& [table, column] : refs) {
    // Table and column come from the schema (BlockingReferences), never from input.
    std::string sql = "SELECT 1 FROM " + table;
    sql += " WHERE " + column + " = $1 LIMIT 1";
    SP_ASSIGN_OR_RETURN(db::Rows rows, c.Query(sql, {r.user_id}));
    if (!rows.empty()) {
      out.user_scrubbed = true;
      return Status::Ok();
    }
  }
  SP_ASSIGN_OR_RETURN(int64_t n, c.Execute("DELETE FROM users WHERE id = $1", {r.user_id}));
  out.user_deleted = n > 0;
  return Status::Ok();
}

}  // namespace

StatusOr<ErasureCounts> EraseSubject(db::Connection& c, const Subject& s, common::UnixMillis now) {
  (void)now;  // rows are removed, not dated; kept for callers that audit with it
  SP_ASSIGN_OR_RETURN(Resolved r, Resolve(c, s));
  ErasureCounts out;
  SP_ASSIGN_OR_RETURN(auto tables, ExistingTables(c));
  // Backwards through the schema order: rows that point at others go first.
  std::span<const RetentionRule> rules = domain::RetentionRules();
  for (auto it = rules.rbegin(); it != rules.rend(); ++it) {
    if (!tables.contains(it->table)) continue;
    SP_RETURN_IF_ERROR(EraseRule(c, *it, r, out));
  }
  SP_RETURN_IF_ERROR(EraseUser(c, r, out));
  return out;
}

int RemoveOutboxFiles(const std::string& eml_dir, std::span<const std::string> outbox_ids) {
  int removed = 0;
  for (const std::string& id : outbox_ids) {
    // Ids are random hex; anything else is not a file name of ours.
    if (id.empty() || id.find_first_of("/\\.") != std::string::npos) continue;
    std::error_code ec;
    if (std::filesystem::remove(std::filesystem::path(eml_dir) / (id + ".eml"), ec)) ++removed;
  }
  return removed;
}

}  // namespace retention
