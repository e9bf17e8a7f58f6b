#include "meldpunt/keyring.h"

#include "crypto/hash.h"
#include "crypto/random.h"
#include "crypto/receipt.h"

namespace meldpunt {

namespace {

using common::Status;
using common::StatusOr;

crypto::SecretKey KeyFromHmac(std::string_view key, std::string_view data) {
  // HMAC-SHA256 as a PRF gives exactly kSecretKeyBytes.
  return *crypto::SecretKey::FromBytes(crypto::HmacSha256(key, data));
}

std::string KeyAd(std::string_view case_id, std::string_view holder, std::string_view purpose) {
  return "case_keys:" + std::string(case_id) + "/" + std::string(holder) + "/" +
         std::string(purpose);
}

Status PutCaseKey(db::Connection& c, std::string_view case_id, std::string_view holder,
                  std::string_view purpose, std::string sealed) {
  return c
      .Execute(
          "INSERT INTO case_keys(case_id, holder, purpose, sealed) VALUES ($1, $2, $3, $4) "
          "ON CONFLICT (case_id, holder, purpose) DO UPDATE SET sealed = excluded.sealed",
          {case_id, holder, purpose, db::Blob{std::move(sealed)}})
      .status();
}

StatusOr<std::string> GetCaseKey(db::Connection& c, std::string_view case_id,
                                 std::string_view holder, std::string_view purpose) {
  SP_ASSIGN_OR_RETURN(db::Row row, c.QueryOne("SELECT sealed FROM case_keys WHERE case_id = $1 AND "
                                              "holder = $2 AND purpose = $3",
                                              {case_id, holder, purpose}));
  return row.BlobBytes(0);
}

}  // namespace

std::string FieldAd(std::string_view table, std::string_view id, std::string_view field) {
  return std::string(table) + ":" + std::string(id) + "/" + std::string(field);
}

crypto::SecretKey KeyRing::TokenKey(std::string_view token, std::string_view purpose) {
  return KeyFromHmac(token, purpose);
}

StatusOr<std::string> KeyRing::CreateRecoveryKey(db::Connection& c,
                                                 std::string_view school_id) const {
  SP_ASSIGN_OR_RETURN(auto existing, RecoveryPublicKey(c, school_id));
  if (existing) return Status::AlreadyExists("the school already has a recovery key");
  crypto::KeyPair pair = crypto::KeyPair::Generate();
  SP_RETURN_IF_ERROR(
      c.Execute("INSERT INTO school_settings(school_id, recovery_public_key, updated_at) "
                "VALUES ($1, $2, $3) ON CONFLICT (school_id) DO UPDATE SET "
                "recovery_public_key = excluded.recovery_public_key, updated_at = "
                "excluded.updated_at",
                {school_id, db::Blob{std::string(pair.public_key())}, clock_.NowMillis()})
          .status());
  return crypto::Base32Encode(pair.secret_key());
}

StatusOr<std::optional<std::string>> KeyRing::RecoveryPublicKey(db::Connection& c,
                                                                std::string_view school_id) const {
  SP_ASSIGN_OR_RETURN(db::Rows rows, c.Query("SELECT recovery_public_key FROM school_settings "
                                             "WHERE school_id = $1",
                                             {school_id}));
  if (rows.empty() || rows.rows[0].IsNull(0)) return std::optional<std::string>();
  return std::optional<std::string>(rows.rows[0].BlobBytes(0));
}

StatusOr<crypto::KeyPair> KeyRing::OpenRecoveryCode(db::Connection& c, std::string_view school_id,
                                                    std::string_view code) const {
  Status wrong = {common::StatusCode::kPermissionDenied, "this is not the school's recovery code",
                  "recovery_code"};
  std::string cleaned;
  for (char ch : code) {
    if (ch != ' ' && ch != '-' && ch != '\n' && ch != '\r') cleaned += ch;
  }
  auto raw = crypto::Base32Decode(cleaned);
  if (!raw.ok() || raw->size() != crypto::kSecretKeyBytes) return wrong;
  auto pair = crypto::KeyPair::FromSecretKey(*raw);
  crypto::SecureWipe(*raw);
  if (!pair.ok()) return wrong;
  SP_ASSIGN_OR_RETURN(auto public_key, RecoveryPublicKey(c, school_id));
  if (!public_key || !crypto::ConstantTimeEquals(*public_key, pair->public_key())) return wrong;
  return *pair;
}

StatusOr<std::string> KeyRing::UnlockAtLogin(db::Connection& c, std::string_view user_id,
                                             std::string_view school_id, std::string_view password,
                                             common::UnixMillis expires_at) const {
  SP_ASSIGN_OR_RETURN(
      db::Rows rows,
      c.Query("SELECT password_wrapped FROM user_keys WHERE user_id = $1", {user_id}));
  std::optional<crypto::KeyPair> pair;
  if (!rows.empty()) {
    auto secret = crypto::UnwrapWithPassword(rows.rows[0].BlobBytes(0), password);
    if (secret.ok()) {
      auto restored = crypto::KeyPair::FromSecretKey(*secret);
      crypto::SecureWipe(*secret);
      if (restored.ok()) pair = std::move(*restored);
    } else if (secret.status().code() != common::StatusCode::kPermissionDenied) {
      return secret.status();
    }
  }
  if (!pair) {
    // First login, or the password was reset: a new pair. Copies sealed to
    // the old one must be re-granted by a lead or with the recovery code.
    if (!rows.empty()) SP_RETURN_IF_ERROR(DropUserKeys(c, user_id, school_id));
    pair = crypto::KeyPair::Generate();
    SP_ASSIGN_OR_RETURN(std::string wrapped,
                        crypto::WrapWithPassword(pair->secret_key(), password));
    std::optional<std::string> recovery_sealed;
    SP_ASSIGN_OR_RETURN(auto recovery_pk, RecoveryPublicKey(c, school_id));
    if (recovery_pk) {
      SP_ASSIGN_OR_RETURN(std::string sealed,
                          crypto::SealToPublicKey(*recovery_pk, pair->secret_key()));
      recovery_sealed = std::move(sealed);
    }
    SP_RETURN_IF_ERROR(c.Execute("DELETE FROM user_keys WHERE user_id = $1", {user_id}).status());
    db::Param recovery =
        recovery_sealed ? db::Param(db::Blob{*recovery_sealed}) : db::Param(std::nullopt);
    SP_RETURN_IF_ERROR(c.Execute("INSERT INTO user_keys(user_id, public_key, password_wrapped, "
                                 "recovery_sealed, created_at) VALUES ($1, $2, $3, $4, $5)",
                                 {user_id, db::Blob{std::string(pair->public_key())},
                                  db::Blob{std::move(wrapped)}, recovery, clock_.NowMillis()})
                           .status());
  }
  std::string cookie = crypto::RandomToken(32);
  SP_ASSIGN_OR_RETURN(std::string box,
                      crypto::Seal(TokenKey(cookie, "key-session"), pair->secret_key(),
                                   FieldAd("key_sessions", user_id, "box")));
  SP_RETURN_IF_ERROR(
      c.Execute("INSERT INTO key_sessions(id_hash, user_id, box, expires_at) "
                "VALUES ($1, $2, $3, $4)",
                {crypto::Sha256Hex(cookie), user_id, db::Blob{std::move(box)}, expires_at})
          .status());
  return cookie;
}

StatusOr<crypto::KeyPair> KeyRing::UserKeyPair(db::Connection& c, std::string_view user_id,
                                               std::string_view key_cookie) const {
  Status denied = Status::PermissionDenied("log in again to open case content");
  if (key_cookie.size() < 32) return denied;
  SP_ASSIGN_OR_RETURN(db::Rows rows, c.Query("SELECT box, expires_at FROM key_sessions WHERE "
                                             "id_hash = $1 AND user_id = $2",
                                             {crypto::Sha256Hex(key_cookie), user_id}));
  if (rows.empty() || rows.rows[0].Int(1) <= clock_.NowMillis()) return denied;
  auto secret = crypto::Open(TokenKey(key_cookie, "key-session"), rows.rows[0].BlobBytes(0),
                             FieldAd("key_sessions", user_id, "box"));
  if (!secret.ok()) return denied;
  auto pair = crypto::KeyPair::FromSecretKey(*secret);
  crypto::SecureWipe(*secret);
  if (!pair.ok()) return denied;
  return *pair;
}

Status KeyRing::EndKeySession(db::Connection& c, std::string_view key_cookie) const {
  return c.Execute("DELETE FROM key_sessions WHERE id_hash = $1", {crypto::Sha256Hex(key_cookie)})
      .status();
}

Status KeyRing::EndAllKeySessions(db::Connection& c, std::string_view user_id) const {
  return c.Execute("DELETE FROM key_sessions WHERE user_id = $1", {user_id}).status();
}

StatusOr<std::optional<std::string>> KeyRing::UserPublicKey(db::Connection& c,
                                                            std::string_view user_id) const {
  SP_ASSIGN_OR_RETURN(db::Rows rows,
                      c.Query("SELECT public_key FROM user_keys WHERE user_id = $1", {user_id}));
  if (rows.empty()) return std::optional<std::string>();
  return std::optional<std::string>(rows.rows[0].BlobBytes(0));
}

Status KeyRing::RewrapWithNewPassword(db::Connection& c, std::string_view user_id,
                                      std::string_view old_password,
                                      std::string_view new_password) const {
  SP_ASSIGN_OR_RETURN(
      db::Rows rows,
      c.Query("SELECT password_wrapped FROM user_keys WHERE user_id = $1", {user_id}));
  if (rows.empty()) return Status::Ok();
  SP_ASSIGN_OR_RETURN(std::string secret,
                      crypto::UnwrapWithPassword(rows.rows[0].BlobBytes(0), old_password));
  auto wrapped = crypto::WrapWithPassword(secret, new_password);
  crypto::SecureWipe(secret);
  if (!wrapped.ok()) return wrapped.status();
  return c
      .Execute("UPDATE user_keys SET password_wrapped = $1 WHERE user_id = $2",
               {db::Blob{std::move(*wrapped)}, user_id})
      .status();
}

Status KeyRing::DropUserKeys(db::Connection& c, std::string_view user_id,
                             std::string_view school_id) const {
  SP_RETURN_IF_ERROR(c.Execute("DELETE FROM case_keys WHERE holder = $1", {user_id}).status());
  SP_RETURN_IF_ERROR(EndAllKeySessions(c, user_id));
  SP_RETURN_IF_ERROR(c.Execute("DELETE FROM user_keys WHERE user_id = $1", {user_id}).status());
  return QueueKeyGrant(c, school_id, user_id, "new_key", clock_.NowMillis());
}

Status KeyRing::QueueKeyGrant(db::Connection& c, std::string_view school_id,
                              std::string_view user_id, std::string_view reason,
                              common::UnixMillis now) {
  return c
      .Execute(
          "INSERT INTO meldpunt_key_grants(user_id, school_id, reason, created_at) VALUES ($1, "
          "$2, $3, $4) ON CONFLICT (user_id) DO NOTHING",
          {user_id, school_id, reason, now})
      .status();
}

Status KeyRing::SealForPublicHolder(db::Connection& c, std::string_view case_id,
                                    std::string_view holder, std::string_view purpose,
                                    std::string_view public_key,
                                    const crypto::SecretKey& key) const {
  SP_ASSIGN_OR_RETURN(std::string sealed, crypto::SealKeyTo(public_key, key));
  return PutCaseKey(c, case_id, holder, purpose, std::move(sealed));
}

Status KeyRing::StoreSealedForHolder(db::Connection& c, std::string_view case_id,
                                     std::string_view holder, std::string_view purpose,
                                     std::string sealed) const {
  return PutCaseKey(c, case_id, holder, purpose, std::move(sealed));
}

StatusOr<crypto::SecretKey> KeyRing::OpenWithKeyPair(db::Connection& c, std::string_view case_id,
                                                     std::string_view holder,
                                                     std::string_view purpose,
                                                     const crypto::KeyPair& pair) const {
  SP_ASSIGN_OR_RETURN(std::string sealed, GetCaseKey(c, case_id, holder, purpose));
  return crypto::OpenSealedKey(pair, sealed);
}

Status KeyRing::RemoveHolder(db::Connection& c, std::string_view case_id, std::string_view holder,
                             std::string_view purpose) const {
  return c
      .Execute("DELETE FROM case_keys WHERE case_id = $1 AND holder = $2 AND purpose = $3",
               {case_id, holder, purpose})
      .status();
}

std::string KeyRing::ReceiptLookup(std::string_view normalized_code) const {
  return crypto::ReceiptLookupKey(secrets_.receipt_pepper, normalized_code);
}

crypto::SecretKey KeyRing::ReporterKey(std::string_view normalized_code) const {
  return KeyFromHmac(secrets_.reporter_kdf_key, normalized_code);
}

Status KeyRing::SealForReporter(db::Connection& c, std::string_view case_id,
                                std::string_view purpose, const crypto::SecretKey& reporter_key,
                                const crypto::SecretKey& key) const {
  SP_ASSIGN_OR_RETURN(std::string sealed, crypto::Seal(reporter_key, key.bytes(),
                                                       KeyAd(case_id, kReporterHolder, purpose)));
  return PutCaseKey(c, case_id, kReporterHolder, purpose, std::move(sealed));
}

StatusOr<crypto::SecretKey> KeyRing::OpenForReporter(db::Connection& c, std::string_view case_id,
                                                     std::string_view purpose,
                                                     const crypto::SecretKey& reporter_key) const {
  SP_ASSIGN_OR_RETURN(std::string sealed, GetCaseKey(c, case_id, kReporterHolder, purpose));
  SP_ASSIGN_OR_RETURN(std::string raw,
                      crypto::Open(reporter_key, sealed, KeyAd(case_id, kReporterHolder, purpose)));
  auto key = crypto::SecretKey::FromBytes(raw);
  crypto::SecureWipe(raw);
  return key;
}

}  // namespace meldpunt
