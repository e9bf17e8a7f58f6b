// File: oidc/linking.h
//
// Who a verified ID token is, in Stagepunt: the account linking rules of
// single sign-on. Claims never grant a role.
//
//   - An identity (issuer, subject) linked before is that user, and only that.
//   - Staff (the school's staff claim, e.g. eduperson_affiliation=employee)
//     are matched to an existing user of the school by e-mail (users.email,
//     else the login) from the `email` claim, unless the provider says the
//     address is unverified; the match is linked. An unknown address has no
//     account: the school admin creates one.
//   - Anyone else is a student, matched by the student-number claim to the
//     school's imported register (students.student_number). A record without
//     a login gets a new user with the student role (login: the e-mail when it
//     is in the school's login domains, else "<number>@sso.<brin>"), linked to
//     the record. A number not in the register is refused.
//   - A disabled user is refused.
//
// Refusals are PermissionDenied with a reason code (no_account,
// not_in_register, disabled) and never a claim's value.
#pragma once

#include <string>

#include "auth/accounts.h"
#include "oidc/relying_party.h"

namespace oidc {

inline constexpr char kRefusalNoAccount[] = "no_account";
inline constexpr char kRefusalNotInRegister[] = "not_in_register";
inline constexpr char kRefusalDisabled[] = "disabled";

struct Linked {
  auth::User user;
  bool created = false;     // a new student account
  bool linked_now = false;  // the identity was linked at this login
};

common::StatusOr<Linked> LinkUser(db::Connection& c, auth::Accounts& accounts, const SchoolSso& sso,
                                  const auth::School& school, const Claims& claims,
                                  common::UnixMillis now);

}  // namespace oidc
