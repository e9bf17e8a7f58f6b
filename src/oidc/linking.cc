#include "oidc/linking.h"

#include <algorithm>

#include "domain/roles.h"

namespace oidc {

namespace {

using common::Status;

std::string Lower(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

// The `email` claim, normalised; "" when absent, malformed or said unverified.
std::string VerifiedEmail(const Claims& claims) {
  auto it = claims.payload().find("email_verified");
  if (it != claims.payload().end() && it->is_boolean() && !it->get<bool>()) return {};
  auto login = domain::NormalizeLogin(claims.String("email"));
  return login.ok() ? *login : std::string();
}

Status Link(db::Connection& c, const SchoolSso& sso, const Claims& claims,
            const std::string& user_id, common::UnixMillis now) {
  return c
      .Execute(
          "INSERT INTO user_identities (issuer, subject, user_id, school_id, created_at) "
          "VALUES ($1, $2, $3, $4, $5)",
          {sso.issuer, claims.Subject(), user_id, sso.school_id, now})
      .status();
}

common::StatusOr<Linked> Usable(auth::User user) {
  if (user.disabled) return Status::PermissionDenied(kRefusalDisabled);
  return Linked{std::move(user)};
}

std::string DisplayName(const Claims& claims, const std::string& register_name) {
  std::string name = claims.String("name");
  if (name.empty()) {
    name = claims.String("given_name");
    std::string family = claims.String("family_name");
    if (!family.empty()) name += (name.empty() ? "" : " ") + family;
  }
  if (name.empty() || name.size() > 200) name = register_name;
  return name;
}

}  // namespace

common::StatusOr<Linked> LinkUser(db::Connection& c, auth::Accounts& accounts, const SchoolSso& sso,
                                  const auth::School& school, const Claims& claims,
                                  common::UnixMillis now) {
  // 1. An identity linked before.
  auto linked = c.QueryOne(
      "SELECT user_id FROM user_identities WHERE issuer = $1 AND subject = $2 AND school_id = $3",
      {sso.issuer, claims.Subject(), sso.school_id});
  if (linked.ok()) {
    auto user = accounts.UserById(c, linked->Text(0));
    if (user.ok() && user->school_id == sso.school_id) return Usable(std::move(*user));
    if (!user.ok() && user.status().code() != common::StatusCode::kNotFound) return user.status();
    return Status::PermissionDenied(kRefusalNoAccount);
  }
  if (linked.status().code() != common::StatusCode::kNotFound) return linked.status();

  // 2. Staff: an existing user of the school, by e-mail.
  auto staff = SplitStaffClaim(sso.staff_claim);
  if (staff && claims.Has(staff->first, staff->second)) {
    std::string email = VerifiedEmail(claims);
    if (email.empty()) return Status::PermissionDenied(kRefusalNoAccount);
    auto row = c.QueryOne(
        "SELECT id FROM users WHERE school_id = $1 AND (lower(email) = $2 OR "
        "(email IS NULL AND login = $2)) ORDER BY CASE WHEN email IS NULL THEN 1 ELSE 0 END "
        "LIMIT 1",
        {sso.school_id, email});
    if (!row.ok()) {
      if (row.status().code() == common::StatusCode::kNotFound)
        return Status::PermissionDenied(kRefusalNoAccount);
      return row.status();
    }
    SP_ASSIGN_OR_RETURN(auth::User user, accounts.UserById(c, row->Text(0)));
    SP_ASSIGN_OR_RETURN(Linked result, Usable(std::move(user)));
    SP_RETURN_IF_ERROR(Link(c, sso, claims, result.user.id, now));
    result.linked_now = true;
    return result;
  }

  // 3. A student, by the register's student number.
  std::string number = StudentNumberFrom(claims.Values(sso.student_number_claim));
  if (number.empty()) return Status::PermissionDenied(kRefusalNotInRegister);
  auto record = c.QueryOne(
      "SELECT id, user_id, name FROM students WHERE school_id = $1 AND student_number = $2",
      {sso.school_id, number});
  if (!record.ok()) {
    if (record.status().code() == common::StatusCode::kNotFound)
      return Status::PermissionDenied(kRefusalNotInRegister);
    return record.status();
  }
  Linked result;
  if (!record->IsNull(1)) {
    SP_ASSIGN_OR_RETURN(auth::User user, accounts.UserById(c, record->Text(1)));
    if (user.role != domain::Role::kStudent) return Status::PermissionDenied(kRefusalNoAccount);
    SP_ASSIGN_OR_RETURN(result, Usable(std::move(user)));
  } else {
    std::string email = VerifiedEmail(claims);
    std::string login;
    if (!email.empty()) {
      SP_ASSIGN_OR_RETURN(std::vector<std::string> domains,
                          accounts.LoginDomains(c, sso.school_id));
      std::string domain(domain::LoginDomainOf(email));
      bool ours = std::find(domains.begin(), domains.end(), domain) != domains.end();
      bool taken = c.QueryOne("SELECT id FROM users WHERE login = $1", {email}).ok();
      if (ours && !taken) login = email;
    }
    if (login.empty()) login = Lower(number) + "@sso." + Lower(school.brin);
    SP_ASSIGN_OR_RETURN(result.user, accounts.CreateUser(c, {sso.school_id, login,
                                                             DisplayName(claims, record->Text(2)),
                                                             domain::Role::kStudent}));
    if (!email.empty()) {
      SP_RETURN_IF_ERROR(
          c.Execute("UPDATE users SET email = $1 WHERE id = $2", {email, result.user.id}).status());
    }
    SP_ASSIGN_OR_RETURN(int64_t n, c.Execute("UPDATE students SET user_id = $1 WHERE id = $2 AND "
                                             "school_id = $3 AND user_id IS NULL",
                                             {result.user.id, record->Text(0), sso.school_id}));
    if (n != 1) return Status::Unavailable("student record changed meanwhile");
    result.created = true;
  }
  SP_RETURN_IF_ERROR(Link(c, sso, claims, result.user.id, now));
  result.linked_now = true;
  return result;
}

}  // namespace oidc
