#include "privacy/export.h"

#include <array>
#include <map>
#include <set>

#include "retention/schema.h"

namespace privacy {

namespace {

using common::Status;
using common::StatusOr;
using domain::RetentionRule;

// Secrets of the account. Each would let whoever holds the download act as
// the person (or undo a protection), and none tells them anything about
// themselves beyond "it exists", which the row still shows.
constexpr std::array kWithheld{
    Withheld{"users", "password_hash", "password_hash",
             "a hash of the password: it lets anyone who has it try passwords offline"},
    Withheld{"users", "totp_secret", "second_factor",
             "the second factor's secret: with it anyone can make login codes"},
    Withheld{"sessions", "id_hash", "token_hash", "identifies a login session (a cookie's hash)"},
    Withheld{"sessions", "csrf_token", "token_hash", "protects the session's forms"},
    Withheld{"sso_sessions", "session_hash", "token_hash", "identifies a login session"},
    Withheld{"sso_sessions", "id_token", "token_hash",
             "the school's sign-in token: it ends the session at the school's login service"},
    Withheld{"key_sessions", "id_hash", "token_hash", "identifies a key session"},
    Withheld{"key_sessions", "box", "key_material", "a sealed key of the meldpunt"},
    Withheld{"invitations", "token_hash", "token_hash", "the hash of an invitation link"},
    Withheld{"password_resets", "token_hash", "token_hash", "the hash of a password reset link"},
    Withheld{"api_tokens", "token_hash", "token_hash", "the hash of an API token"},
    Withheld{"user_keys", "public_key", "key_material", "key material of the meldpunt"},
    Withheld{"user_keys", "password_wrapped", "key_material",
             "the private key, sealed with the password"},
    Withheld{"user_keys", "recovery_sealed", "key_material",
             "the private key, sealed to the school's recovery key"},
    Withheld{"mail_outbox", "body", "mail_body",
             "a mail's text may hold a link that still works (invitation, reset)"},
    Withheld{"*", "*", "binary", "binary values: sealed boxes and keys, never readable text"},
};

std::string QuoteIdent(std::string_view name) { return "\"" + std::string(name) + "\""; }

// The columns of `child` that reference `parent` (child column, parent column).
StatusOr<std::vector<std::pair<std::string, std::string>>> ForeignKeys(db::Connection& c,
                                                                       std::string_view child,
                                                                       std::string_view parent) {
  std::vector<std::pair<std::string, std::string>> out;
  if (c.dialect() == db::Dialect::kSqlite) {
    SP_ASSIGN_OR_RETURN(
        db::Rows rows,
        c.Query("SELECT \"from\", \"to\", \"table\" FROM pragma_foreign_key_list($1)", {child}));
    for (const db::Row& r : rows.rows) {
      if (r.Text(2) == parent) out.emplace_back(r.Text(0), r.Text(1));
    }
  } else {
    SP_ASSIGN_OR_RETURN(
        db::Rows rows,
        c.Query("SELECT kcu.column_name, ccu.column_name FROM information_schema.table_constraints "
                "tc JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = "
                "tc.constraint_name AND kcu.table_schema = tc.table_schema JOIN "
                "information_schema.constraint_column_usage ccu ON ccu.constraint_name = "
                "tc.constraint_name AND ccu.table_schema = tc.table_schema WHERE "
                "tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema() AND "
                "tc.table_name = $1 AND ccu.table_name = $2",
                {child, parent}));
    for (const db::Row& r : rows.rows) out.emplace_back(r.Text(0), r.Text(1));
  }
  return out;
}

// Reads `sql` into `out`, withholding secrets. Table and column names come
// from the catalogue and the schema, never from input; values are bound.
Status ReadRows(db::Connection& c, const RetentionRule& rule, const std::string& sql,
                const db::Params& params, TableRows& out) {
  SP_ASSIGN_OR_RETURN(db::Rows rows, c.Query(sql, params));
  out.columns = rows.columns;
  for (const db::Row& row : rows.rows) {
    std::vector<db::Value> values;
    std::vector<bool> withheld;
    for (size_t i = 0; i < row.size(); ++i) {
      bool secret =
          IsWithheld(rule.table, out.columns[i]) || std::holds_alternative<db::Blob>(row.at(i));
      values.push_back(secret ? db::Value{} : row.at(i));
      withheld.push_back(secret);
    }
    out.rows.push_back(std::move(values));
    out.withheld.push_back(std::move(withheld));
  }
  return Status::Ok();
}

// The values of `column` over a table's exported rows (withheld ones too:
// a child may hang on a session's hash, which is read but never shown).
StatusOr<std::vector<std::string>> KeysOf(db::Connection& c, const RetentionRule& parent_rule,
                                          std::string_view column, const Person& p) {
  std::string key =
      parent_rule.subject_key == domain::SubjectKey::kStudentId ? p.student_id : p.user_id;
  SP_ASSIGN_OR_RETURN(db::Rows rows, c.Query("SELECT " + QuoteIdent(column) + " FROM " +
                                                 QuoteIdent(parent_rule.table) + " WHERE " +
                                                 QuoteIdent(parent_rule.subject_column) + " = $1",
                                             {key}));
  std::vector<std::string> out;
  for (const db::Row& r : rows.rows) out.push_back(r.Text(0));
  return out;
}

// A child table's rows: those whose foreign key names one of the parent's
// rows about the person. One level: the catalogue has no row that hangs on a
// person only through another row without a subject column.
Status ReadChild(db::Connection& c, const RetentionRule& rule, const RetentionRule& parent,
                 const Person& p, TableRows& out) {
  SP_ASSIGN_OR_RETURN(auto fks, ForeignKeys(c, rule.table, parent.table));
  for (const auto& [child_col, parent_col] : fks) {
    SP_ASSIGN_OR_RETURN(std::vector<std::string> keys, KeysOf(c, parent, parent_col, p));
    if (keys.empty()) continue;
    std::string in;
    db::Params params;
    for (size_t i = 0; i < keys.size(); ++i) {
      in += (i ? ", $" : "$") + std::to_string(i + 1);
      params.emplace_back(keys[i]);
    }
    SP_RETURN_IF_ERROR(ReadRows(c, rule,
                                "SELECT * FROM " + QuoteIdent(rule.table) + " WHERE " +
                                    QuoteIdent(child_col) + " IN (" + in + ")",
                                params, out));
  }
  return Status::Ok();
}

nlohmann::json ValueJson(const db::Value& v) {
  if (const auto* i = std::get_if<int64_t>(&v)) return *i;
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  return nullptr;
}

}  // namespace

std::span<const Withheld> WithheldColumns() { return kWithheld; }

bool IsWithheld(std::string_view table, std::string_view column) {
  for (const Withheld& w : kWithheld) {
    if (w.table == table && w.column == column) return true;
  }
  return false;
}

StatusOr<Person> FindPerson(db::Connection& c, std::string_view school_id,
                            std::string_view user_id) {
  SP_ASSIGN_OR_RETURN(db::Rows u, c.Query("SELECT id FROM users WHERE id = $1 AND school_id = $2",
                                          {user_id, school_id}));
  if (u.empty()) return Status::NotFound("user");
  Person p{std::string(school_id), std::string(user_id), ""};
  SP_ASSIGN_OR_RETURN(db::Rows s,
                      c.Query("SELECT id FROM students WHERE user_id = $1 AND school_id = $2",
                              {user_id, school_id}));
  if (!s.empty()) p.student_id = s.rows[0].Text(0);
  return p;
}

StatusOr<std::vector<TableRows>> Collect(db::Connection& c, const Person& p) {
  std::vector<TableRows> out;
  // A table whose migration has not run here (an older database) has no rows.
  SP_ASSIGN_OR_RETURN(auto existing, retention::ExistingTables(c));
  std::map<std::string_view, const RetentionRule*> with_subject;
  for (const RetentionRule& rule : domain::RetentionRules()) {
    if (rule.subject_column.empty() || !existing.contains(rule.table)) continue;
    with_subject[rule.table] = &rule;
    TableRows t;
    t.rule = &rule;
    std::string key = rule.subject_key == domain::SubjectKey::kStudentId ? p.student_id : p.user_id;
    if (!key.empty()) {
      SP_RETURN_IF_ERROR(ReadRows(c, rule,
                                  "SELECT * FROM " + QuoteIdent(rule.table) + " WHERE " +
                                      QuoteIdent(rule.subject_column) + " = $1",
                                  {key}, t));
    }
    out.push_back(std::move(t));
  }
  // Rows that hang on a row about the person without naming them.
  for (const RetentionRule& rule : domain::RetentionRules()) {
    if (!rule.subject_column.empty() || rule.parent.empty() || !existing.contains(rule.table)) {
      continue;
    }
    auto parent = with_subject.find(rule.parent);
    if (parent == with_subject.end()) continue;
    TableRows t;
    t.rule = &rule;
    SP_RETURN_IF_ERROR(ReadChild(c, rule, *parent->second, p, t));
    out.push_back(std::move(t));
  }
  return out;
}

nlohmann::json ToJson(const Person& p, const std::vector<TableRows>& data, common::UnixMillis now) {
  nlohmann::json tables = nlohmann::json::array();
  for (const TableRows& t : data) {
    nlohmann::json rows = nlohmann::json::array();
    for (size_t r = 0; r < t.rows.size(); ++r) {
      nlohmann::json row = nlohmann::json::object();
      for (size_t i = 0; i < t.columns.size(); ++i) {
        row[t.columns[i]] =
            t.withheld[r][i] ? nlohmann::json("(withheld)") : ValueJson(t.rows[r][i]);
      }
      rows.push_back(std::move(row));
    }
    const RetentionRule& rule = *t.rule;
    tables.push_back({{"table", rule.table},
                      {"purpose", domain::PurposeName(rule.purpose)},
                      {"data_subject", domain::DataSubjectName(rule.subject)},
                      {"retention_start", domain::RetentionStartName(rule.start)},
                      {"retention_period", rule.period},
                      {"kept_with", rule.parent},
                      {"rows", std::move(rows)}});
  }
  nlohmann::json withheld = nlohmann::json::array();
  for (const Withheld& w : kWithheld) {
    withheld.push_back({{"table", w.table}, {"column", w.column}, {"reason", w.reason}});
  }
  return {{"format", "stagepunt-personal-data/1"},
          {"generated_at", common::FormatIso8601(now)},
          {"person",
           {{"school_id", p.school_id}, {"user_id", p.user_id}, {"student_id", p.student_id}}},
          {"tables", std::move(tables)},
          {"withheld", std::move(withheld)},
          {"reports",
           "Reports to the meldpunt are not linked to your account, so they are not in this "
           "download: a reporter reaches their report with its report code."}};
}

}  // namespace privacy
