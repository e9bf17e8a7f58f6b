#include "auth/password_reset.h"

#include <algorithm>

#include "crypto/hash.h"
#include "crypto/password.h"
#include "crypto/random.h"

namespace auth {

using common::Status;
using common::StatusOr;

namespace {

constexpr common::UnixMillis kHourMillis = 60 * 60 * 1000;

Status LinkInvalid() { return Status::NotFound("this link is not valid (anymore)"); }

}  // namespace

StatusOr<std::vector<PasswordResets::Issued>> PasswordResets::Request(
    db::Connection& c, std::string_view login_or_email) {
  std::vector<Issued> out;
  // Logins are e-mail-like and stored normalised; e-mail addresses compare
  // case-insensitively. Anything that is no such name matches nobody.
  auto typed = domain::NormalizeLogin(login_or_email);
  if (!typed.ok()) return out;
  common::UnixMillis now = clock_.NowMillis();
  SP_ASSIGN_OR_RETURN(db::Rows users,
                      c.Query("SELECT id, login FROM users WHERE disabled = 0 AND (login = $1 OR "
                              "LOWER(email) = $1) ORDER BY id LIMIT 5",
                              {*typed}));
  for (const db::Row& u : users.rows) {
    const std::string user_id = u.Text(0);
    SP_ASSIGN_OR_RETURN(db::Row recent,
                        c.QueryOne("SELECT COUNT(*) FROM password_resets WHERE user_id = $1 AND "
                                   "created_at > $2",
                                   {user_id, now - kHourMillis}));
    if (recent.Int(0) >= kMaxPerAccountPerHour) continue;
    Issued issued{user_id, u.Text(1), crypto::RandomToken(32), now + kValidMillis};
    SP_RETURN_IF_ERROR(c.Execute("INSERT INTO password_resets(token_hash, user_id, created_at, "
                                 "expires_at) VALUES ($1, $2, $3, $4)",
                                 {crypto::Sha256Hex(issued.token), user_id, now, issued.expires_at})
                           .status());
    out.push_back(std::move(issued));
  }
  return out;
}

StatusOr<User> PasswordResets::Peek(std::string_view token) {
  if (token.size() < 32 || token.size() > 128) return LinkInvalid();
  std::optional<User> out;
  SP_RETURN_IF_ERROR(accounts_.db().Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(db::Rows rows,
                        c.Query("SELECT user_id FROM password_resets WHERE token_hash = $1 AND "
                                "used_at IS NULL AND expires_at > $2",
                                {crypto::Sha256Hex(token), clock_.NowMillis()}));
    if (rows.empty()) return Status::Ok();
    SP_ASSIGN_OR_RETURN(User u, accounts_.UserById(c, rows.rows[0].Text(0)));
    if (!u.disabled) out = std::move(u);
    return Status::Ok();
  }));
  if (!out) return LinkInvalid();
  return *out;
}

Status PasswordResets::Redeem(std::string_view token, std::string_view password,
                              const Hook& in_transaction) {
  SP_ASSIGN_OR_RETURN(User user, Peek(token));
  SP_RETURN_IF_ERROR(crypto::CheckPasswordPolicy(password, user.login));
  std::string hash;
  {
    SP_ASSIGN_OR_RETURN(PasswordGate::Permit permit, gate_.Enter());
    SP_ASSIGN_OR_RETURN(hash, gate_.Hash(permit, password));
  }
  return accounts_.db().Write([&](db::Connection& c) -> Status {
    common::UnixMillis now = clock_.NowMillis();
    // Burns the token only while it is still open: two tabs racing with the
    // same link cannot both set a password.
    SP_ASSIGN_OR_RETURN(int64_t used,
                        c.Execute("UPDATE password_resets SET used_at = $1 WHERE token_hash = $2 "
                                  "AND used_at IS NULL AND expires_at > $1",
                                  {now, crypto::Sha256Hex(token)}));
    if (used != 1) return LinkInvalid();
    // Every other open link of the user goes too.
    SP_RETURN_IF_ERROR(c.Execute("UPDATE password_resets SET used_at = $1 WHERE user_id = $2 AND "
                                 "used_at IS NULL",
                                 {now, user.id})
                           .status());
    SP_RETURN_IF_ERROR(accounts_.SetPasswordHash(c, user.id, hash));
    // A new password ends every old session.
    SP_RETURN_IF_ERROR(c.Execute("DELETE FROM sessions WHERE user_id = $1", {user.id}).status());
    return in_transaction ? in_transaction(c, user) : Status::Ok();
  });
}

Status PasswordResets::Change(const User& user, std::string_view current, std::string_view next,
                              const Hook& in_transaction) {
  if (Status policy = crypto::CheckPasswordPolicy(next, user.login); !policy.ok()) {
    return Status(policy.code(), std::string(policy.message()), "new_password");
  }
  SP_ASSIGN_OR_RETURN(PasswordGate::Permit permit, gate_.Enter());
  // The stored hash, not the session's copy, which may be older.
  SP_ASSIGN_OR_RETURN(User fresh, accounts_.UserById(user.id));
  if (!gate_.Verify(permit, fresh.password_hash, current)) {
    return Status(common::StatusCode::kPermissionDenied, "the current password is not right",
                  "current_password");
  }
  SP_ASSIGN_OR_RETURN(std::string hash, gate_.Hash(permit, next));
  return accounts_.db().Write([&](db::Connection& c) -> Status {
    SP_RETURN_IF_ERROR(accounts_.SetPasswordHash(c, user.id, hash));
    SP_RETURN_IF_ERROR(
        c.Execute("UPDATE password_resets SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL",
                  {clock_.NowMillis(), user.id})
            .status());
    SP_RETURN_IF_ERROR(c.Execute("DELETE FROM sessions WHERE user_id = $1", {user.id}).status());
    return in_transaction ? in_transaction(c, fresh) : Status::Ok();
  });
}

}  // namespace auth
