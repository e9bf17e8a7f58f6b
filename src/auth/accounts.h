// File: auth/accounts.h
//
// Schools (tenants) and user accounts. Every user query is scoped: a school's
// users are found through its id, and ids are random, so another school's
// record is indistinguishable from a missing one.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "db/database.h"
#include "domain/roles.h"

namespace auth {

struct School {
  std::string id;
  std::string brin;
  std::string name;
};

struct User {
  std::string id;
  std::string school_id;  // "" for system admins
  std::string login;
  std::string display_name;
  domain::Role role = domain::Role::kStudent;
  std::string password_hash;  // "" until set through an invitation
  std::string totp_secret;    // "" when not enrolled
  int64_t totp_last_step = 0;
  bool disabled = false;
  std::string locale = "nl";
  std::string email;  // where mails go; "" means the login (when it is an address)
};

class Accounts {
 public:
  Accounts(db::Database& db, const common::Clock& clock) : db_(db), clock_(clock) {}

  common::StatusOr<School> CreateSchool(db::Connection& c, std::string_view brin,
                                        std::string_view name);
  common::StatusOr<School> SchoolByBrin(std::string_view brin);
  common::StatusOr<School> SchoolById(std::string_view id);
  common::StatusOr<std::vector<School>> ListSchools();

  // Login domains: a school admin creates logins only within their school's
  // list (domain::NormalizeLoginDomain), so login names are per school. A
  // domain belongs to one school. The list, sorted:
  common::StatusOr<std::vector<std::string>> LoginDomains(db::Connection& c,
                                                          std::string_view school_id);
  common::StatusOr<std::vector<std::string>> LoginDomains(std::string_view school_id);
  // Replaces the school's list (normalised, duplicates dropped; empty clears
  // it). InvalidArgument for a malformed domain and AlreadyExists when a
  // domain belongs to another school, both on field "domains".
  common::Status SetLoginDomains(db::Connection& c, std::string_view school_id,
                                 const std::vector<std::string>& domains);

  struct NewUser {
    std::string school_id;
    std::string login;
    std::string display_name;
    domain::Role role = domain::Role::kStudent;
  };
  // Validates and inserts within the caller's transaction.
  common::StatusOr<User> CreateUser(db::Connection& c, const NewUser& u);
  // Which logins a school may create (one rule, for pages, imports and the
  // CLI alike): a login in one of the school's login domains; for a company
  // contact also an address in a domain that is no school's login domain (the
  // company's own, e.g. "praktijk@zorghuis.nl"), since contacts are not the
  // school's people. Otherwise InvalidArgument on field "login" whose message
  // starts with a reason code: "no_domains" (the school has no list yet: the
  // system admin sets one) or "outside_domains" (includes another school's
  // domain). Checked before the login's uniqueness, so for the school's own
  // domains "already exists" never tells anything about another school; for
  // an outside address it can tell that the address is in use by a company
  // contact elsewhere on the deployment (docs/security.md, accepted).
  common::Status CheckLoginForSchool(db::Connection& c, std::string_view school_id,
                                     std::string_view normalized_login, domain::Role role);
  // CreateUser after CheckLoginForSchool: how a school (its admin, its
  // coordinator, its imports) creates accounts.
  common::StatusOr<User> CreateUserInSchoolDomains(db::Connection& c, const NewUser& u);
  common::StatusOr<User> UserByLogin(std::string_view login);
  common::StatusOr<User> UserById(std::string_view id);
  common::StatusOr<User> UserById(db::Connection& c, std::string_view id);
  // Users of one school, by role then login.
  common::StatusOr<std::vector<User>> UsersOfSchool(std::string_view school_id);

  // One page of a school's users for the admin: optionally one role, and a
  // search in name or login (case-insensitive, a plain substring).
  struct UserQuery {
    std::string school_id;
    std::optional<domain::Role> role;
    std::string search;
    int limit = 50;
    int offset = 0;
  };
  struct UserPage {
    std::vector<User> users;
    int64_t total = 0;  // matching users over all pages
  };
  common::StatusOr<UserPage> ListUsers(const UserQuery& q);

  // The school admin's changes to one of the school's users. Fields left
  // unset stay as they are. Returns the names of the fields that changed
  // ("display_name", "email", "role"), for the audit record. NotFound for a
  // user of another school (or none); InvalidArgument naming the field for a
  // bad value or a role to or from system admin; FailedPrecondition (field
  // "role") when the change would leave the school without an active admin.
  struct UserChange {
    std::optional<std::string> display_name;
    std::optional<std::string> email;  // "" clears it (mail goes to the login)
    std::optional<domain::Role> role;
  };
  common::StatusOr<std::vector<std::string>> UpdateUser(db::Connection& c,
                                                        std::string_view school_id,
                                                        std::string_view user_id,
                                                        const UserChange& change);
  // Sets (or with "" clears) the user's e-mail address; InvalidArgument on
  // field "email" for one that is not an address.
  common::Status SetEmail(db::Connection& c, std::string_view user_id, std::string_view email);
  // A school's user by login or e-mail address (normalised), or NotFound.
  common::StatusOr<User> SchoolUserByLoginOrEmail(db::Connection& c, std::string_view school_id,
                                                  std::string_view login_or_email);

  common::Status SetPasswordHash(db::Connection& c, std::string_view user_id,
                                 std::string_view hash);
  common::Status SetTotp(db::Connection& c, std::string_view user_id, std::string_view secret);
  // Stores the last accepted TOTP step; fails when `step` is not newer, which
  // makes a replayed code lose even when two requests race.
  common::Status ConsumeTotpStep(db::Connection& c, std::string_view user_id, int64_t step);
  // Disabling also revokes every session and API token of the user.
  common::Status SetDisabled(db::Connection& c, std::string_view user_id, bool disabled);
  common::Status SetLocale(std::string_view user_id, std::string_view locale);

  db::Database& db() { return db_; }
  const common::Clock& clock() const { return clock_; }

 private:
  db::Database& db_;
  const common::Clock& clock_;
};

// An e-mail address as stored in users.email: lower case, one '@', a dot in
// the domain (the rules of logins, domain::NormalizeLogin). InvalidArgument
// on field "email".
common::StatusOr<std::string> NormalizeEmail(std::string_view email);

// "a.nl, b.nl" or one per line -> {"a.nl", "b.nl"} (not yet validated).
std::vector<std::string> SplitDomainList(std::string_view text);

User UserFromRow(const db::Row& r);
// Column list matching UserFromRow.
extern const char kUserColumns[];

}  // namespace auth
