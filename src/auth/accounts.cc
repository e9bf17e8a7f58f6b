#include "auth/accounts.h"

#include <algorithm>
#include <cctype>

#include "common/utf8.h"
#include "crypto/random.h"

namespace auth {

const char kUserColumns[] =
    "id, COALESCE(school_id, ''), login, display_name, role, COALESCE(password_hash, ''), "
    "COALESCE(totp_secret, ''), totp_last_step, disabled, locale, COALESCE(email, '')";

User UserFromRow(const db::Row& r) {
  User u;
  u.id = r.Text(0);
  u.school_id = r.Text(1);
  u.login = r.Text(2);
  u.display_name = r.Text(3);
  u.role = domain::ParseRole(r.Text(4)).value_or(domain::Role::kStudent);
  u.password_hash = r.Text(5);
  u.totp_secret = r.Text(6);
  u.totp_last_step = r.Int(7);
  u.disabled = r.Int(8) != 0;
  u.locale = r.Text(9);
  if (r.size() > 10) u.email = r.Text(10);
  return u;
}

namespace {
School SchoolFromRow(const db::Row& r) { return {r.Text(0), r.Text(1), r.Text(2)}; }

common::StatusOr<School> OneSchool(db::Database& db, std::string_view sql, std::string_view arg) {
  std::optional<School> out;
  SP_RETURN_IF_ERROR(db.Read([&](db::Connection& c) -> common::Status {
    SP_ASSIGN_OR_RETURN(db::Rows rows, c.Query(sql, {arg}));
    if (!rows.empty()) out = SchoolFromRow(rows.rows[0]);
    return common::Status::Ok();
  }));
  if (!out) return common::Status::NotFound("school not found");
  return *out;
}
}  // namespace

common::StatusOr<School> Accounts::CreateSchool(db::Connection& c, std::string_view brin,
                                                std::string_view name) {
  SP_ASSIGN_OR_RETURN(std::string norm, domain::NormalizeBrin(brin));
  if (name.empty() || name.size() > 200 || !common::IsValidUtf8(name)) {
    return common::Status::InvalidArgument("name must be 1 to 200 characters", "name");
  }
  School s{crypto::RandomId(), norm, std::string(name)};
  common::Status st =
      c.Execute("INSERT INTO schools (id, brin, name, created_at) VALUES ($1, $2, $3, $4)",
                {s.id, s.brin, s.name, clock_.NowMillis()})
          .status();
  if (st.code() == common::StatusCode::kAlreadyExists) {
    return common::Status::AlreadyExists("a school with this BRIN exists", "brin");
  }
  if (!st.ok()) return st;
  return s;
}

common::StatusOr<School> Accounts::SchoolByBrin(std::string_view brin) {
  auto norm = domain::NormalizeBrin(brin);
  if (!norm.ok()) return common::Status::NotFound("school not found");
  return OneSchool(db_, "SELECT id, brin, name FROM schools WHERE brin = $1", *norm);
}

common::StatusOr<School> Accounts::SchoolById(std::string_view id) {
  return OneSchool(db_, "SELECT id, brin, name FROM schools WHERE id = $1", id);
}

common::StatusOr<std::vector<School>> Accounts::ListSchools() {
  std::vector<School> out;
  SP_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> common::Status {
    SP_ASSIGN_OR_RETURN(db::Rows rows, c.Query("SELECT id, brin, name FROM schools ORDER BY brin"));
    for (const auto& r : rows.rows) out.push_back(SchoolFromRow(r));
    return common::Status::Ok();
  }));
  return out;
}

std::vector<std::string> SplitDomainList(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  for (char ch : text) {
    if (ch == ',' || ch == ';' || ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t') {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += ch;
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

common::StatusOr<std::vector<std::string>> Accounts::LoginDomains(db::Connection& c,
                                                                  std::string_view school_id) {
  SP_ASSIGN_OR_RETURN(db::Rows rows,
                      c.Query("SELECT domain FROM school_login_domains WHERE school_id = $1 "
                              "ORDER BY domain",
                              {school_id}));
  std::vector<std::string> out;
  for (const auto& r : rows.rows) out.push_back(r.Text(0));
  return out;
}

common::StatusOr<std::vector<std::string>> Accounts::LoginDomains(std::string_view school_id) {
  std::vector<std::string> out;
  SP_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> common::Status {
    SP_ASSIGN_OR_RETURN(out, LoginDomains(c, school_id));
    return common::Status::Ok();
  }));
  return out;
}

common::Status Accounts::SetLoginDomains(db::Connection& c, std::string_view school_id,
                                         const std::vector<std::string>& domains) {
  std::vector<std::string> norm;
  for (const std::string& d : domains) {
    SP_ASSIGN_OR_RETURN(std::string n, domain::NormalizeLoginDomain(d));
    if (std::find(norm.begin(), norm.end(), n) == norm.end()) norm.push_back(std::move(n));
  }
  // Checked first: on PostgreSQL a failed INSERT would end the transaction.
  for (const std::string& d : norm) {
    SP_ASSIGN_OR_RETURN(
        db::Rows owner,
        c.Query("SELECT school_id FROM school_login_domains WHERE domain = $1", {d}));
    if (!owner.empty() && owner.rows[0].Text(0) != school_id) {
      return common::Status::AlreadyExists("login domain " + d + " belongs to another school",
                                           "domains");
    }
  }
  SP_RETURN_IF_ERROR(
      c.Execute("DELETE FROM school_login_domains WHERE school_id = $1", {school_id}).status());
  for (const std::string& d : norm) {
    SP_RETURN_IF_ERROR(c.Execute("INSERT INTO school_login_domains (domain, school_id) "
                                 "VALUES ($1, $2)",
                                 {d, school_id})
                           .status());
  }
  return common::Status::Ok();
}

common::Status Accounts::CheckLoginForSchool(db::Connection& c, std::string_view school_id,
                                             std::string_view login, domain::Role role) {
  if (school_id.empty()) return common::Status::InvalidArgument("this role needs a school", "role");
  SP_ASSIGN_OR_RETURN(std::vector<std::string> domains, LoginDomains(c, school_id));
  if (domains.empty()) {
    return common::Status::InvalidArgument(
        "no_domains: the school has no login domains yet; the system admin sets them", "login");
  }
  std::string wanted(domain::LoginDomainOf(login));
  if (std::find(domains.begin(), domains.end(), wanted) != domains.end())
    return common::Status::Ok();
  if (role == domain::Role::kCompanyContact) {
    SP_ASSIGN_OR_RETURN(db::Rows claimed,
                        c.Query("SELECT 1 FROM school_login_domains WHERE domain = $1", {wanted}));
    if (claimed.empty()) return common::Status::Ok();
  }
  return common::Status::InvalidArgument(
      "outside_domains: the login is not in one of the school's login domains", "login");
}

common::StatusOr<User> Accounts::CreateUserInSchoolDomains(db::Connection& c, const NewUser& nu) {
  SP_ASSIGN_OR_RETURN(std::string login, domain::NormalizeLogin(nu.login));
  SP_RETURN_IF_ERROR(CheckLoginForSchool(c, nu.school_id, login, nu.role));
  return CreateUser(c, nu);
}

common::StatusOr<User> Accounts::CreateUser(db::Connection& c, const NewUser& nu) {
  SP_ASSIGN_OR_RETURN(std::string login, domain::NormalizeLogin(nu.login));
  if (nu.display_name.empty() || nu.display_name.size() > 200 ||
      !common::IsValidUtf8(nu.display_name)) {
    return common::Status::InvalidArgument("name must be 1 to 200 characters", "display_name");
  }
  bool system = nu.role == domain::Role::kSystemAdmin;
  if (system != nu.school_id.empty()) {
    return common::Status::InvalidArgument(
        system ? "a system admin belongs to no school" : "this role needs a school", "role");
  }
  User u;
  u.id = crypto::RandomId();
  u.school_id = nu.school_id;
  u.login = login;
  u.display_name = nu.display_name;
  u.role = nu.role;
  common::Status st =
      c.Execute(
           "INSERT INTO users (id, school_id, login, display_name, role, created_at) "
           "VALUES ($1, $2, $3, $4, $5, $6)",
           {u.id, system ? db::Param(std::nullopt) : db::Param(u.school_id), u.login,
            u.display_name, std::string(domain::RoleName(u.role)), clock_.NowMillis()})
          .status();
  if (st.code() == common::StatusCode::kAlreadyExists) {
    return common::Status::AlreadyExists("this login is already in use", "login");
  }
  if (!st.ok()) return st;
  return u;
}

common::StatusOr<User> Accounts::UserById(db::Connection& c, std::string_view id) {
  SP_ASSIGN_OR_RETURN(
      db::Rows rows,
      c.Query(std::string("SELECT ") + kUserColumns + " FROM users WHERE id = $1", {id}));
  if (rows.empty()) return common::Status::NotFound("user not found");
  return UserFromRow(rows.rows[0]);
}

common::StatusOr<User> Accounts::UserById(std::string_view id) {
  std::optional<User> out;
  SP_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> common::Status {
    SP_ASSIGN_OR_RETURN(User u, UserById(c, id));
    out = std::move(u);
    return common::Status::Ok();
  }));
  return *out;
}

common::StatusOr<User> Accounts::UserByLogin(std::string_view login) {
  auto norm = domain::NormalizeLogin(login);
  if (!norm.ok()) return common::Status::NotFound("user not found");
  std::optional<User> out;
  SP_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> common::Status {
    SP_ASSIGN_OR_RETURN(
        db::Rows rows,
        c.Query(std::string("SELECT ") + kUserColumns + " FROM users WHERE login = $1", {*norm}));
    if (!rows.empty()) out = UserFromRow(rows.rows[0]);
    return common::Status::Ok();
  }));
  if (!out) return common::Status::NotFound("user not found");
  return *out;
}

common::StatusOr<std::vector<User>> Accounts::UsersOfSchool(std::string_view school_id) {
  std::vector<User> out;
  SP_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> common::Status {
    SP_ASSIGN_OR_RETURN(db::Rows rows,
                        c.Query(std::string("SELECT ") + kUserColumns +
                                    " FROM users WHERE school_id = $1 ORDER BY role, login",
                                {school_id}));
    for (const auto& r : rows.rows) out.push_back(UserFromRow(r));
    return common::Status::Ok();
  }));
  return out;
}

common::StatusOr<std::string> NormalizeEmail(std::string_view email) {
  auto norm = domain::NormalizeLogin(email);
  if (!norm.ok()) return common::Status::InvalidArgument("not an e-mail address", "email");
  std::string_view domain_part = domain::LoginDomainOf(*norm);
  if (domain_part.find('.') == std::string_view::npos || domain_part.front() == '.' ||
      domain_part.back() == '.' || norm->find_first_of(",;") != std::string::npos) {
    return common::Status::InvalidArgument("not an e-mail address", "email");
  }
  return *norm;
}

common::StatusOr<Accounts::UserPage> Accounts::ListUsers(const UserQuery& q) {
  UserPage page;
  // The search is a plain substring: LIKE's wildcards in it are escaped.
  std::string pattern = "%";
  for (char ch : q.search) {
    char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (lower == '%' || lower == '_' || lower == '\\') pattern += '\\';
    pattern += lower;
  }
  pattern += '%';
  std::string role = q.role ? std::string(domain::RoleName(*q.role)) : std::string();
  const std::string where =
      " FROM users WHERE school_id = $1 AND ($2 = '' OR role = $2) AND "
      "(LOWER(login) LIKE $3 ESCAPE '\\' OR LOWER(display_name) LIKE $3 ESCAPE '\\')";
  SP_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> common::Status {
    SP_ASSIGN_OR_RETURN(db::Rows count,
                        c.Query("SELECT COUNT(*)" + where, {q.school_id, role, pattern}));
    page.total = count.rows[0].Int(0);
    SP_ASSIGN_OR_RETURN(
        db::Rows rows,
        c.Query(std::string("SELECT ") + kUserColumns + where +
                    " ORDER BY display_name, login LIMIT $4 OFFSET $5",
                {q.school_id, role, pattern, static_cast<int64_t>(std::clamp(q.limit, 1, 500)),
                 static_cast<int64_t>(std::max(q.offset, 0))}));
    for (const auto& r : rows.rows) page.users.push_back(UserFromRow(r));
    return common::Status::Ok();
  }));
  return page;
}

common::StatusOr<std::vector<std::string>> Accounts::UpdateUser(db::Connection& c,
                                                                std::string_view school_id,
                                                                std::string_view user_id,
                                                                const UserChange& change) {
  SP_ASSIGN_OR_RETURN(User u, UserById(c, user_id));
  if (school_id.empty() || u.school_id != school_id)
    return common::Status::NotFound("user not found");
  std::vector<std::string> changed;
  if (change.display_name && *change.display_name != u.display_name) {
    const std::string& name = *change.display_name;
    if (name.empty() || name.size() > 200 || !common::IsValidUtf8(name))
      return common::Status::InvalidArgument("name must be 1 to 200 characters", "display_name");
    SP_RETURN_IF_ERROR(
        c.Execute("UPDATE users SET display_name = $1 WHERE id = $2", {name, user_id}).status());
    changed.push_back("display_name");
  }
  if (change.email) {
    std::string email;
    if (!change.email->empty()) {
      SP_ASSIGN_OR_RETURN(email, NormalizeEmail(*change.email));
    }
    if (email != u.email) {
      SP_RETURN_IF_ERROR(SetEmail(c, user_id, email));
      changed.push_back("email");
    }
  }
  if (change.role && *change.role != u.role) {
    // A system admin belongs to no school: no school user becomes one.
    if (*change.role == domain::Role::kSystemAdmin || u.role == domain::Role::kSystemAdmin)
      return common::Status::InvalidArgument("a school user cannot become a system admin", "role");
    if (u.role == domain::Role::kSchoolAdmin) {
      // The school keeps at least one admin who can log in.
      SP_ASSIGN_OR_RETURN(db::Rows others,
                          c.Query("SELECT COUNT(*) FROM users WHERE school_id = $1 AND role = $2 "
                                  "AND disabled = 0 AND id <> $3",
                                  {school_id, std::string(domain::RoleName(u.role)), user_id}));
      if (others.rows[0].Int(0) == 0)
        return common::Status::FailedPrecondition("the school's last admin", "role");
    }
    SP_RETURN_IF_ERROR(c.Execute("UPDATE users SET role = $1 WHERE id = $2",
                                 {std::string(domain::RoleName(*change.role)), user_id})
                           .status());
    // The rights change: sessions and API tokens of the old role end.
    SP_RETURN_IF_ERROR(c.Execute("DELETE FROM sessions WHERE user_id = $1", {user_id}).status());
    SP_RETURN_IF_ERROR(c.Execute("DELETE FROM api_tokens WHERE user_id = $1", {user_id}).status());
    changed.push_back("role");
  }
  return changed;
}

common::Status Accounts::SetEmail(db::Connection& c, std::string_view user_id,
                                  std::string_view email) {
  std::string norm;
  if (!email.empty()) {
    SP_ASSIGN_OR_RETURN(norm, NormalizeEmail(email));
  }
  return c
      .Execute("UPDATE users SET email = $1 WHERE id = $2",
               {norm.empty() ? db::Param(std::nullopt) : db::Param(norm), user_id})
      .status();
}

common::StatusOr<User> Accounts::SchoolUserByLoginOrEmail(db::Connection& c,
                                                          std::string_view school_id,
                                                          std::string_view login_or_email) {
  auto norm = domain::NormalizeLogin(login_or_email);
  if (!norm.ok() || school_id.empty()) return common::Status::NotFound("user not found");
  SP_ASSIGN_OR_RETURN(db::Rows rows,
                      c.Query(std::string("SELECT ") + kUserColumns +
                                  " FROM users WHERE school_id = $1 AND (login = $2 OR email = $2) "
                                  "ORDER BY CASE WHEN login = $2 THEN 0 ELSE 1 END LIMIT 1",
                              {school_id, *norm}));
  if (rows.empty()) return common::Status::NotFound("user not found");
  return UserFromRow(rows.rows[0]);
}

common::Status Accounts::SetPasswordHash(db::Connection& c, std::string_view user_id,
                                         std::string_view hash) {
  return c.Execute("UPDATE users SET password_hash = $1 WHERE id = $2", {hash, user_id}).status();
}

common::Status Accounts::SetTotp(db::Connection& c, std::string_view user_id,
                                 std::string_view secret) {
  return c
      .Execute("UPDATE users SET totp_secret = $1, totp_last_step = 0 WHERE id = $2",
               {secret.empty() ? db::Param(std::nullopt) : db::Param(secret), user_id})
      .status();
}

common::Status Accounts::ConsumeTotpStep(db::Connection& c, std::string_view user_id,
                                         int64_t step) {
  SP_ASSIGN_OR_RETURN(
      int64_t changed,
      c.Execute("UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1",
                {step, user_id}));
  if (changed != 1) return common::Status::Unauthenticated("code already used");
  return common::Status::Ok();
}

common::Status Accounts::SetDisabled(db::Connection& c, std::string_view user_id, bool disabled) {
  // disabled_at starts the account's retention (domain/retention.h); a second
  // disable keeps the first date, enabling clears it.
  SP_ASSIGN_OR_RETURN(
      int64_t changed,
      c.Execute("UPDATE users SET disabled = $1, disabled_at = CASE WHEN $1 = 1 THEN "
                "COALESCE(disabled_at, $3) ELSE NULL END WHERE id = $2",
                {disabled, user_id, clock_.NowMillis()}));
  if (changed != 1) return common::Status::NotFound("user not found");
  if (disabled) {
    SP_RETURN_IF_ERROR(c.Execute("DELETE FROM sessions WHERE user_id = $1", {user_id}).status());
    SP_RETURN_IF_ERROR(c.Execute("DELETE FROM api_tokens WHERE user_id = $1", {user_id}).status());
  }
  return common::Status::Ok();
}

common::Status Accounts::SetLocale(std::string_view user_id, std::string_view locale) {
  return db_.Write([&](db::Connection& c) {
    return c.Execute("UPDATE users SET locale = $1 WHERE id = $2", {locale, user_id}).status();
  });
}

}  // namespace auth
