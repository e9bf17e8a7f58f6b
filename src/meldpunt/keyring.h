// File: meldpunt/keyring.h
//
// Who can open a case (promise P7, P8). Every case has its own random case
// key; its content is sealed with it (crypto/box.h). The case key itself is
// stored only in sealed form, once per holder:
//
//   holder       how the copy is sealed                   who can open it
//   'recovery'   crypto_box_seal to the school's          the school admin, with the
//                recovery public key                       recovery code shown once
//   <user id>    crypto_box_seal to a handler's key pair  that handler, after login
//   'reporter'   AEAD under HMAC(reporter-key, code)      the student, with the code
//
// A handler's secret key is wrapped with their password (Argon2id) and sealed
// to the school's recovery key. At login it is unwrapped once and kept, for
// the browser session, in `key_sessions` sealed under a key that only the
// browser's `sp_key` cookie holds: the database alone opens nothing.
//
// The reporter's identity of a confidential or named report has its own
// identity key, held by the recovery key and the leads (and, for a named
// report, the assigned handler). A named reporter is shown to everyone on the
// case; a confidential one to nobody alone (P9, identity.cc): only to a lead
// whose request a second lead or the recovery key holder approved, who seals
// the identity key to that lead.
//
// Secrets that are not per case live in DATA_DIR/keys (keys/keystore.h): the
// receipt pepper and the reporter key-derivation key. The server's memory
// holds no other key beyond a request.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "crypto/box.h"
#include "db/database.h"

namespace meldpunt {

// Process-wide secrets from the key store (never in the database).
struct ServerSecrets {
  std::string receipt_pepper;    // ReceiptLookupKey
  std::string reporter_kdf_key;  // derives the reporter's key from the code
};

inline constexpr std::string_view kRecoveryHolder = "recovery";
inline constexpr std::string_view kReporterHolder = "reporter";
inline constexpr std::string_view kCasePurpose = "case";
inline constexpr std::string_view kIdentityPurpose = "identity";

class KeyRing {
 public:
  KeyRing(ServerSecrets secrets, const common::Clock& clock)
      : secrets_(std::move(secrets)), clock_(clock) {}

  // ---- School recovery key ----
  // Creates the school's recovery key pair and returns its secret half as a
  // recovery code (base32, 52 characters) to show once to the school admin.
  // kAlreadyExists when the school has one.
  common::StatusOr<std::string> CreateRecoveryKey(db::Connection& c,
                                                  std::string_view school_id) const;
  common::StatusOr<std::optional<std::string>> RecoveryPublicKey(db::Connection& c,
                                                                 std::string_view school_id) const;
  // The key pair behind a recovery code, checked against the school's public
  // key: kPermissionDenied (field "recovery_code") when it does not match.
  common::StatusOr<crypto::KeyPair> OpenRecoveryCode(db::Connection& c, std::string_view school_id,
                                                     std::string_view code) const;

  // ---- Handler keys ----
  // At password login: unwraps the handler's key pair, creating one on first
  // login (or after a password reset, when the old one no longer unwraps; its
  // cases then need a lead or the recovery code to be re-granted). Stores the
  // key for this browser session and returns the `sp_key` cookie value.
  common::StatusOr<std::string> UnlockAtLogin(db::Connection& c, std::string_view user_id,
                                              std::string_view school_id, std::string_view password,
                                              common::UnixMillis expires_at) const;
  // The handler's key pair for a request carrying the `sp_key` cookie.
  // kPermissionDenied when the cookie is missing, expired or not theirs.
  common::StatusOr<crypto::KeyPair> UserKeyPair(db::Connection& c, std::string_view user_id,
                                                std::string_view key_cookie) const;
  common::Status EndKeySession(db::Connection& c, std::string_view key_cookie) const;
  common::Status EndAllKeySessions(db::Connection& c, std::string_view user_id) const;
  // The public key of a user, if they have a key pair yet.
  common::StatusOr<std::optional<std::string>> UserPublicKey(db::Connection& c,
                                                             std::string_view user_id) const;
  // A password change while logged in: the key pair stays, wrapped anew with
  // the new password (Argon2id twice: the caller holds a PasswordGate
  // permit). Nothing to do for a user without a key pair; kPermissionDenied
  // when `old_password` does not unwrap it.
  common::Status RewrapWithNewPassword(db::Connection& c, std::string_view user_id,
                                       std::string_view old_password,
                                       std::string_view new_password) const;
  // The user's key pair is gone (a password reset): drops the pair, its key
  // sessions and every case key copy sealed to it, which nobody can open any
  // more, and queues a grant (meldpunt_key_grants) so that a lead or the
  // recovery code seals their cases to the pair made at the next login.
  common::Status DropUserKeys(db::Connection& c, std::string_view user_id,
                              std::string_view school_id) const;
  // Queues a grant for `user_id` (reason "lead" or "new_key"); one per user.
  static common::Status QueueKeyGrant(db::Connection& c, std::string_view school_id,
                                      std::string_view user_id, std::string_view reason,
                                      common::UnixMillis now);

  // ---- Case keys ----
  common::Status SealForPublicHolder(db::Connection& c, std::string_view case_id,
                                     std::string_view holder, std::string_view purpose,
                                     std::string_view public_key,
                                     const crypto::SecretKey& key) const;
  // Stores a copy sealed earlier with crypto::SealKeyTo. Sealing costs an
  // X25519 key agreement per holder, so a new report seals before it takes
  // the single write lock and only stores the result inside it.
  common::Status StoreSealedForHolder(db::Connection& c, std::string_view case_id,
                                      std::string_view holder, std::string_view purpose,
                                      std::string sealed) const;
  // Opens the copy sealed to `holder` with `pair`. kNotFound when that
  // holder has no copy.
  common::StatusOr<crypto::SecretKey> OpenWithKeyPair(db::Connection& c, std::string_view case_id,
                                                      std::string_view holder,
                                                      std::string_view purpose,
                                                      const crypto::KeyPair& pair) const;
  common::Status RemoveHolder(db::Connection& c, std::string_view case_id, std::string_view holder,
                              std::string_view purpose) const;

  // ---- Reporter ----
  // The value stored to find a case by its code (HMAC with the pepper).
  std::string ReceiptLookup(std::string_view normalized_code) const;
  // The key derived from the code that seals the reporter's copies.
  crypto::SecretKey ReporterKey(std::string_view normalized_code) const;
  common::Status SealForReporter(db::Connection& c, std::string_view case_id,
                                 std::string_view purpose, const crypto::SecretKey& reporter_key,
                                 const crypto::SecretKey& key) const;
  common::StatusOr<crypto::SecretKey> OpenForReporter(db::Connection& c, std::string_view case_id,
                                                      std::string_view purpose,
                                                      const crypto::SecretKey& reporter_key) const;

  // A key derived from a random bearer token (reporter sessions, key
  // sessions): only the token's holder can recompute it.
  static crypto::SecretKey TokenKey(std::string_view token, std::string_view purpose);

 private:
  ServerSecrets secrets_;
  const common::Clock& clock_;
};

// Associated data binding a sealed field to its record.
std::string FieldAd(std::string_view table, std::string_view id, std::string_view field);

}  // namespace meldpunt
