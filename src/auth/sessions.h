// File: auth/sessions.h
//
// Server-side sessions (P6). The cookie holds 256 random bits; the database
// holds only their SHA-256, so a database copy cannot be replayed as cookies.
// Sessions live in the database so that several server instances share them.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>

#include "auth/accounts.h"
#include "auth/password_gate.h"
#include "mail/outbox.h"

namespace auth {

struct SessionPolicy {
  std::chrono::minutes idle_timeout{30};
  std::chrono::hours absolute_timeout{12};
  // last_seen_at is refreshed at most this often, to keep reads cheap.
  std::chrono::seconds touch_interval{60};
};

struct Session {
  std::string token;  // the cookie value; only known right after Create()
  std::string csrf_token;
  User user;
  bool mfa_passed = false;
};

class Sessions {
 public:
  Sessions(Accounts& accounts, SessionPolicy policy = {}) : accounts_(accounts), policy_(policy) {}

  // A new session with a new id (login renews the id: no fixation).
  common::StatusOr<Session> Create(db::Connection& c, const User& user, bool mfa_passed);
  // The live session for a cookie value, or NotFound when unknown, expired,
  // idle too long, or the user is disabled. `touch` refreshes last_seen_at;
  // the report and reporter routes pass false, so a logged-in student who
  // reports anonymously leaves no write with their session at that moment.
  common::StatusOr<Session> Lookup(std::string_view token, bool touch = true);
  common::Status MarkMfaPassed(db::Connection& c, std::string_view token);
  common::Status Revoke(db::Connection& c, std::string_view token);
  common::Status RevokeAllOf(db::Connection& c, std::string_view user_id);
  // Deletes expired rows; returns how many.
  common::StatusOr<int64_t> Purge();

  const SessionPolicy& policy() const { return policy_; }

 private:
  Accounts& accounts_;
  SessionPolicy policy_;
};

// The second factor's throttle, per user: after a few wrong TOTP codes each
// further code must wait, doubling up to a cap, and the count starts over
// after a quiet quarter of an hour. Only someone who already knew
// the password reaches this step, so the count is per user (an attacker
// cannot spread codes over addresses); it is kept in the database so that all
// instances share it. Password logins use auth::LoginThrottle instead.
class TotpThrottle {
 public:
  explicit TotpThrottle(const common::Clock& clock) : clock_(clock) {}
  static constexpr int kFreeAttempts = 5;
  static constexpr int64_t kMaxDelayMillis = 5 * 60 * 1000;
  // A failure this long after the last wait ended starts the count again.
  static constexpr int64_t kForgetAfterMillis = 15 * 60 * 1000;

  // ResourceExhausted while the key is in its waiting period.
  common::Status Check(db::Database& db, std::string_view key) const;
  common::Status RecordFailure(db::Database& db, std::string_view key) const;
  common::Status RecordSuccess(db::Connection& c, std::string_view key) const;

 private:
  const common::Clock& clock_;
};

// One-time links to set a password: single use, valid kValidDays days, and a
// new invitation for a user revokes the earlier unused one, so only the
// latest link works.
class Invitations {
 public:
  static constexpr int kValidDays = 7;

  Invitations(Accounts& accounts, PasswordGate& gate) : accounts_(accounts), gate_(gate) {}
  // Returns the token for the link /invite/TOKEN (valid `days` days).
  common::StatusOr<std::string> Create(db::Connection& c, std::string_view user_id,
                                       int days = kValidDays);
  // The user an unused, unexpired token belongs to.
  common::StatusOr<User> Peek(std::string_view token);
  // Sets the password (policy-checked) and burns the token, atomically.
  // Unavailable when the password gate is full (answer 503, retry later).
  common::Status Redeem(std::string_view token, std::string_view password);

 private:
  Accounts& accounts_;
  PasswordGate& gate_;
};

// Creates an invitation for `user_id` (revoking its earlier unused ones);
// returns the token. What Invitations::Create does, without a password gate.
common::StatusOr<std::string> CreateInvitation(db::Connection& c, const common::Clock& clock,
                                               std::string_view user_id,
                                               int days = Invitations::kValidDays);

// The latest invitation of a user, for the pages ("sent on ..., valid until ...").
struct InvitationState {
  common::UnixMillis sent_at = 0;
  common::UnixMillis valid_until = 0;
  bool used = false;
};
// By user id, for every user of the school that was ever invited.
common::StatusOr<std::map<std::string, InvitationState>> LatestInvitations(
    db::Connection& c, std::string_view school_id);

// An invitation made and queued as mail (mail::Kind::kInvitation: login,
// school name, link, validity; in the user's language) in the caller's
// transaction. `queued` is false when the user has no address to mail to;
// the token is for the system admin's command line only (pages never show it).
struct SentInvitation {
  std::string token;
  common::UnixMillis valid_until = 0;
  bool queued = false;
};
common::StatusOr<SentInvitation> SendInvitation(db::Connection& c, const common::Clock& clock,
                                                const mail::Outbox& outbox,
                                                std::string_view user_id);

// Bearer tokens for integrations: exactly the user's rights, stored hashed.
class ApiTokens {
 public:
  explicit ApiTokens(Accounts& accounts) : accounts_(accounts) {}
  common::StatusOr<std::string> Create(std::string_view user_id, int days);
  common::StatusOr<User> Lookup(std::string_view token);

 private:
  Accounts& accounts_;
};

}  // namespace auth
