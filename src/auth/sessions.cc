#include "auth/sessions.h"

#include <algorithm>

#include "crypto/hash.h"
#include "crypto/password.h"
#include "crypto/random.h"

namespace auth {

using common::Status;

common::StatusOr<Session> Sessions::Create(db::Connection& c, const User& user, bool mfa_passed) {
  Session s;
  s.token = crypto::RandomToken(32);
  s.csrf_token = crypto::RandomToken(32);
  s.user = user;
  s.mfa_passed = mfa_passed;
  common::UnixMillis now = accounts_.clock().NowMillis();
  common::UnixMillis expires =
      now + std::chrono::duration_cast<std::chrono::milliseconds>(policy_.absolute_timeout).count();
  SP_RETURN_IF_ERROR(
      c.Execute("INSERT INTO sessions (id_hash, user_id, csrf_token, mfa_passed, created_at, "
                "last_seen_at, expires_at) VALUES ($1, $2, $3, $4, $5, $5, $6)",
                {crypto::Sha256Hex(s.token), user.id, s.csrf_token, mfa_passed, now, expires})
          .status());
  return s;
}

common::StatusOr<Session> Sessions::Lookup(std::string_view token, bool touch) {
  if (token.empty() || token.size() > 128) return Status::NotFound("no session");
  std::string id_hash = crypto::Sha256Hex(token);
  common::UnixMillis now = accounts_.clock().NowMillis();
  int64_t idle_ms = std::chrono::duration_cast<std::chrono::milliseconds>(policy_.idle_timeout).count();
  std::optional<Session> found;
  int64_t last_seen = 0;
  SP_RETURN_IF_ERROR(accounts_.db().Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(
        db::Rows rows,
        c.Query(std::string("SELECT s.csrf_token, s.mfa_passed, s.last_seen_at, s.expires_at, ") +
                    "u.id, COALESCE(u.school_id, ''), u.login, u.display_name, u.role, "
                    "COALESCE(u.password_hash, ''), COALESCE(u.totp_secret, ''), u.totp_last_step, "
                    "u.disabled, u.locale, COALESCE(u.email, '') FROM sessions s JOIN users u ON "
                    "u.id = s.user_id "
                    "WHERE s.id_hash = $1",
                {id_hash}));
    if (rows.empty()) return Status::Ok();
    const db::Row& r = rows.rows[0];
    last_seen = r.Int(2);
    if (r.Int(3) <= now || last_seen + idle_ms <= now || r.Int(12) != 0) return Status::Ok();
    Session s;
    s.csrf_token = r.Text(0);
    s.mfa_passed = r.Int(1) != 0;
    std::vector<db::Value> user_values;
    for (size_t i = 4; i < r.size(); ++i) user_values.push_back(r.at(i));
    s.user = UserFromRow(db::Row(std::move(user_values)));
    found = std::move(s);
    return Status::Ok();
  }));
  if (!found) return Status::NotFound("no session");
  int64_t touch_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(policy_.touch_interval).count();
  if (touch && now - last_seen >= touch_ms) {
    SP_RETURN_IF_ERROR(accounts_.db().Write([&](db::Connection& c) {
      return c.Execute("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2", {now, id_hash})
          .status();
    }));
  }
  found->token = std::string(token);
  return *found;
}

Status Sessions::MarkMfaPassed(db::Connection& c, std::string_view token) {
  return c.Execute("UPDATE sessions SET mfa_passed = 1 WHERE id_hash = $1", {crypto::Sha256Hex(token)})
      .status();
}

Status Sessions::Revoke(db::Connection& c, std::string_view token) {
  return c.Execute("DELETE FROM sessions WHERE id_hash = $1", {crypto::Sha256Hex(token)}).status();
}

Status Sessions::RevokeAllOf(db::Connection& c, std::string_view user_id) {
  return c.Execute("DELETE FROM sessions WHERE user_id = $1", {user_id}).status();
}

common::StatusOr<int64_t> Sessions::Purge() {
  int64_t removed = 0;
  common::UnixMillis now = accounts_.clock().NowMillis();
  int64_t idle_ms = std::chrono::duration_cast<std::chrono::milliseconds>(policy_.idle_timeout).count();
  SP_RETURN_IF_ERROR(accounts_.db().Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(removed, c.Execute("DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2",
                                           {now, now - idle_ms}));
    return Status::Ok();
  }));
  return removed;
}

Status TotpThrottle::Check(db::Database& db, std::string_view key) const {
  Status result;
  SP_RETURN_IF_ERROR(db.Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(db::Rows rows,
                        c.Query("SELECT locked_until FROM login_throttle WHERE login = $1", {key}));
    if (!rows.empty() && rows.rows[0].Int(0) > clock_.NowMillis()) {
      result = Status::ResourceExhausted("too many attempts; wait a moment and try again");
    }
    return Status::Ok();
  }));
  return result;
}

Status TotpThrottle::RecordFailure(db::Database& db, std::string_view key) const {
  return db.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(
        db::Rows rows,
        c.Query("SELECT failures, locked_until FROM login_throttle WHERE login = $1", {key}));
    // Failures are forgotten after a quiet period past the last wait, so they
    // never add up over days.
    common::UnixMillis now = clock_.NowMillis();
    bool recent = !rows.empty() && rows.rows[0].Int(1) + kForgetAfterMillis > now;
    int64_t failures = (recent ? rows.rows[0].Int(0) : 0) + 1;
    int64_t delay = 0;
    if (failures > kFreeAttempts) {
      int64_t shift = std::min<int64_t>(failures - kFreeAttempts - 1, 20);
      delay = std::min<int64_t>(int64_t{1000} << shift, kMaxDelayMillis);
    }
    return c
        .Execute(
            "INSERT INTO login_throttle (login, failures, locked_until) VALUES ($1, $2, $3) "
            "ON CONFLICT (login) DO UPDATE SET failures = excluded.failures, "
            "locked_until = excluded.locked_until",
            {key, failures, now + delay})
        .status();
  });
}

Status TotpThrottle::RecordSuccess(db::Connection& c, std::string_view key) const {
  return c.Execute("DELETE FROM login_throttle WHERE login = $1", {key}).status();
}

common::StatusOr<std::string> CreateInvitation(db::Connection& c, const common::Clock& clock,
                                               std::string_view user_id, int days) {
  std::string token = crypto::RandomToken(32);
  common::UnixMillis now = clock.NowMillis();
  // Only the latest link works: a re-invite revokes the earlier unused ones.
  SP_RETURN_IF_ERROR(
      c.Execute("DELETE FROM invitations WHERE user_id = $1 AND used_at IS NULL", {user_id})
          .status());
  SP_RETURN_IF_ERROR(c.Execute("INSERT INTO invitations (token_hash, user_id, created_at, expires_at) "
                               "VALUES ($1, $2, $3, $4)",
                               {crypto::Sha256Hex(token), user_id, now,
                                now + int64_t{days} * 24 * 3600 * 1000})
                         .status());
  return token;
}

common::StatusOr<std::string> Invitations::Create(db::Connection& c, std::string_view user_id,
                                                  int days) {
  return CreateInvitation(c, accounts_.clock(), user_id, days);
}

common::StatusOr<std::map<std::string, InvitationState>> LatestInvitations(
    db::Connection& c, std::string_view school_id) {
  SP_ASSIGN_OR_RETURN(db::Rows rows,
                      c.Query("SELECT i.user_id, i.created_at, i.expires_at, i.used_at "
                              "FROM invitations i JOIN users u ON u.id = i.user_id "
                              "WHERE u.school_id = $1 ORDER BY i.created_at",
                              {school_id}));
  std::map<std::string, InvitationState> out;
  for (const db::Row& r : rows.rows) {
    out[r.Text(0)] = InvitationState{r.Int(1), r.Int(2), !r.IsNull(3)};  // later rows win
  }
  return out;
}

common::StatusOr<SentInvitation> SendInvitation(db::Connection& c, const common::Clock& clock,
                                                const mail::Outbox& outbox,
                                                std::string_view user_id) {
  SP_ASSIGN_OR_RETURN(db::Rows rows,
                      c.Query("SELECT u.login, COALESCE(s.name, '') FROM users u LEFT JOIN "
                              "schools s ON s.id = u.school_id WHERE u.id = $1",
                              {user_id}));
  if (rows.empty()) return Status::NotFound("user not found");
  SentInvitation sent;
  SP_ASSIGN_OR_RETURN(sent.token, CreateInvitation(c, clock, user_id));
  sent.valid_until = clock.NowMillis() + int64_t{Invitations::kValidDays} * 24 * 3600 * 1000;
  mail::Params params;
  params.link = "/invite/" + sent.token;
  params.login = rows.rows[0].Text(0);
  params.school_name = rows.rows[0].Text(1);
  params.valid_until = sent.valid_until;
  SP_ASSIGN_OR_RETURN(sent.queued,
                      outbox.EnqueueForUser(c, mail::Kind::kInvitation, user_id, params));
  return sent;
}

common::StatusOr<User> Invitations::Peek(std::string_view token) {
  std::optional<User> out;
  SP_RETURN_IF_ERROR(accounts_.db().Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(db::Rows rows,
                        c.Query("SELECT user_id FROM invitations WHERE token_hash = $1 AND "
                                "used_at IS NULL AND expires_at > $2",
                                {crypto::Sha256Hex(token), accounts_.clock().NowMillis()}));
    if (rows.empty()) return Status::Ok();
    SP_ASSIGN_OR_RETURN(User u, accounts_.UserById(c, rows.rows[0].Text(0)));
    if (!u.disabled) out = std::move(u);
    return Status::Ok();
  }));
  if (!out) return Status::NotFound("this link is not valid (anymore)");
  return *out;
}

Status Invitations::Redeem(std::string_view token, std::string_view password) {
  SP_ASSIGN_OR_RETURN(User user, Peek(token));
  SP_RETURN_IF_ERROR(crypto::CheckPasswordPolicy(password, user.login));
  std::string hash;
  {
    SP_ASSIGN_OR_RETURN(PasswordGate::Permit permit, gate_.Enter());
    SP_ASSIGN_OR_RETURN(hash, gate_.Hash(permit, password));
  }
  return accounts_.db().Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(int64_t used,
                        c.Execute("UPDATE invitations SET used_at = $1 WHERE token_hash = $2 AND "
                                  "used_at IS NULL AND expires_at > $1",
                                  {accounts_.clock().NowMillis(), crypto::Sha256Hex(token)}));
    if (used != 1) return Status::NotFound("this link is not valid (anymore)");
    SP_RETURN_IF_ERROR(accounts_.SetPasswordHash(c, user.id, hash));
    // A new password ends every old session.
    return c.Execute("DELETE FROM sessions WHERE user_id = $1", {user.id}).status();
  });
}

common::StatusOr<std::string> ApiTokens::Create(std::string_view user_id, int days) {
  if (days < 1 || days > 3650) return Status::InvalidArgument("days must be 1 to 3650", "days");
  std::string token = "spt_" + crypto::RandomToken(32);
  common::UnixMillis now = accounts_.clock().NowMillis();
  SP_RETURN_IF_ERROR(accounts_.db().Write([&](db::Connection& c) {
    return c
        .Execute("INSERT INTO api_tokens (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
                 {crypto::Sha256Hex(token), user_id, now, now + int64_t{days} * 24 * 3600 * 1000})
        .status();
  }));
  return token;
}

common::StatusOr<User> ApiTokens::Lookup(std::string_view token) {
  if (token.size() > 128) return Status::Unauthenticated("invalid token");
  std::optional<User> out;
  SP_RETURN_IF_ERROR(accounts_.db().Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(db::Rows rows,
                        c.Query("SELECT user_id FROM api_tokens WHERE token_hash = $1 AND expires_at > $2",
                                {crypto::Sha256Hex(token), accounts_.clock().NowMillis()}));
    if (rows.empty()) return Status::Ok();
    SP_ASSIGN_OR_RETURN(User u, accounts_.UserById(c, rows.rows[0].Text(0)));
    if (!u.disabled) out = std::move(u);
    return Status::Ok();
  }));
  if (!out) return Status::Unauthenticated("invalid token");
  return *out;
}

}  // namespace auth
