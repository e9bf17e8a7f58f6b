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
};

class Accounts {
 public:
  Accounts(db::Database& db, const common::Clock& clock) : db_(db), clock_(clock) {}

  common::StatusOr<School> CreateSchool(db::Connection& c, std::string_view brin,
                                        std::string_view name);
  common::StatusOr<School> SchoolByBrin(std::string_view brin);
  common::StatusOr<School> SchoolById(std::string_view id);
  common::StatusOr<std::vector<School>> ListSchools();

  struct NewUser {
    std::string school_id;
    std::string login;
    std::string display_name;
    domain::Role role = domain::Role::kStudent;
  };
  // Validates and inserts within the caller's transaction.
  common::StatusOr<User> CreateUser(db::Connection& c, const NewUser& u);
  common::StatusOr<User> UserByLogin(std::string_view login);
  common::StatusOr<User> UserById(std::string_view id);
  common::StatusOr<User> UserById(db::Connection& c, std::string_view id);
  // Users of one school, by role then login.
  common::StatusOr<std::vector<User>> UsersOfSchool(std::string_view school_id);

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

User UserFromRow(const db::Row& r);
// Column list matching UserFromRow.
extern const char kUserColumns[];

}  // namespace auth
