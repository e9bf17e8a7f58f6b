// File: auth/password_reset.h
//
// "Wachtwoord vergeten?": a one-time link by mail to choose a new password,
// and changing the password while logged in.
//
//   if (!resets.AdmitClient(app.ClientKey(req))) -> 429
//   db.Write([&](db::Connection& c) {
//     SP_ASSIGN_OR_RETURN(auto issued, resets.Request(c, typed));   // ids only
//     for (auto& i : issued) outbox.EnqueueForUser(c, kPasswordReset, i.user_id, ...);
//   });
//   resets.Redeem(token, new_password, [&](db::Connection& c, const User& u) { ... });
//
// Whoever asks gets the same answer whether or not the address is known (the
// page says "if we know it, you get a mail"), so the form tells nobody which
// logins exist. A token is 256 random bits; only its SHA-256 is stored; it
// works once and for kValidMillis. Asking is limited per client (in memory,
// by the caller's client key) and per account (kMaxPerAccountPerHour mails,
// counted in the database, so every instance shares the count).
//
// Redeeming sets the new password (the invitation's policy, hashed under the
// PasswordGate), burns every open token of the user and ends every session,
// in one transaction, in which the caller's hook also runs (the meldpunt
// drops a handler's key pair, which the new password cannot unwrap).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "auth/accounts.h"
#include "auth/password_gate.h"
#include "common/clock.h"
#include "common/leaky_bucket.h"

namespace auth {

class PasswordResets {
 public:
  static constexpr common::UnixMillis kValidMillis = 30 * 60 * 1000;
  static constexpr int kMaxPerAccountPerHour = 3;
  // Per client: a burst of kClientBurst requests, then one every 2 minutes.
  static constexpr double kClientBurst = 5;
  static constexpr double kClientPerMinute = 0.5;
  static constexpr int kRetryAfterSeconds = 120;

  PasswordResets(Accounts& accounts, PasswordGate& gate, const common::Clock& clock)
      : accounts_(accounts), gate_(gate), clock_(clock), clients_(clock, kClientPerMinute) {}

  // Whether the client (a key from crypto::ClientKeyer, never an address)
  // may ask for another mail now.
  bool AdmitClient(std::string_view client_key) {
    return clients_.TryAdd(client_key, kClientBurst);
  }

  struct Issued {
    std::string user_id;
    std::string login;
    std::string token;  // for the link only; never stored, logged or audited
    common::UnixMillis expires_at = 0;
  };
  // In the caller's transaction: the active users whose login or e-mail
  // address is `login_or_email` (case-insensitive) and who have had fewer
  // than kMaxPerAccountPerHour links in the last hour each get a new token.
  // Empty for anything else, including text that is no address at all.
  common::StatusOr<std::vector<Issued>> Request(db::Connection& c, std::string_view login_or_email);

  // The user an open token belongs to; kNotFound for an unknown, used or
  // expired one, or a disabled user.
  common::StatusOr<User> Peek(std::string_view token);

  using Hook = std::function<common::Status(db::Connection&, const User&)>;
  // kInvalidArgument (field "password", crypto::PolicyReasonCode) for a
  // password the policy refuses; kNotFound as Peek; kUnavailable when the
  // password gate is full. `in_transaction` runs after the password is set.
  common::Status Redeem(std::string_view token, std::string_view password,
                        const Hook& in_transaction);

  // A logged-in user changes their password: kPermissionDenied (field
  // "current_password") when `current` is wrong, kInvalidArgument (field
  // "new_password") when the policy refuses `next`. Every hash runs under one
  // permit, which `in_transaction` may use as well (re-wrapping a handler's
  // key pair costs two more). Ends every session of the user; the caller
  // makes a new one for this browser in the hook.
  common::Status Change(const User& user, std::string_view current, std::string_view next,
                        const Hook& in_transaction);

 private:
  Accounts& accounts_;
  PasswordGate& gate_;
  const common::Clock& clock_;
  common::LeakyBuckets clients_;
};

}  // namespace auth
