// File: crypto/password.h
//
// Password storage with Argon2id (libsodium crypto_pwhash_str) and the
// password policy of OWASP ASVS 5.0 §6.2: a length window, a block list of
// common passwords, no composition rules and no forced rotation.
//
//   SP_RETURN_IF_ERROR(crypto::CheckPasswordPolicy(pw, login));
//   SP_ASSIGN_OR_RETURN(std::string hash, crypto::HashPassword(pw));
//   ...
//   if (!crypto::VerifyPassword(user.hash, typed)) return Unauthenticated(...);
//   if (crypto::NeedsRehash(user.hash)) { /* store HashPassword(typed) */ }
//
// Cost: one hash or verify at the default cost takes ~0.1-0.3 s of CPU and
// 64 MiB of RAM. Callers must throttle logins (P3) so that this cannot be used
// to exhaust the server. Thread-safety: all functions are thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/status.h"

namespace crypto {

// Argon2id work factors. The defaults meet promise P5 / ASVS 11.4.2
// (t >= 3, m >= 64 MiB) and match SecureDrop's order of magnitude.
inline constexpr unsigned long long kArgon2OpsLimit = 3;
inline constexpr size_t kArgon2MemLimit = size_t{64} * 1024 * 1024;  // bytes

struct Argon2Cost {
  unsigned long long opslimit;
  size_t memlimit;  // bytes
};
inline constexpr Argon2Cost kArgon2Default{kArgon2OpsLimit, kArgon2MemLimit};
// libsodium's minimum (t=1, 8 KiB): for unit tests ONLY, so they run fast.
// Never use it for real data; NeedsRehash() flags hashes made with it.
inline constexpr Argon2Cost kArgon2TestOnly{1, 8192};

// Passwords longer than this (in bytes) are refused by HashPassword and never
// match in VerifyPassword, to bound the work an anonymous request can cause.
// The policy's 128 code points are at most 512 bytes of UTF-8.
inline constexpr size_t kMaxPasswordBytes = 4096;

// Hashes `password` with Argon2id and a fresh random 128-bit salt. Returns the
// self-describing PHC string ("$argon2id$v=19$m=65536,t=3,p=1$salt$hash",
// < 128 chars) to store as is. Errors: kInvalidArgument when the password is
// longer than kMaxPasswordBytes; kResourceExhausted when the memory for
// Argon2 cannot be had (retry later).
common::StatusOr<std::string> HashPassword(std::string_view password,
                                           Argon2Cost cost = kArgon2Default);

// True iff `password` matches the stored `hash`. False for a wrong password
// and for a malformed or empty hash (fails closed; never throws).
bool VerifyPassword(std::string_view hash, std::string_view password);

// True when `hash` was not made by Argon2id with exactly the default cost (or
// is malformed). Call after a successful VerifyPassword and, if true, store a
// fresh HashPassword of the password the user just typed.
bool NeedsRehash(std::string_view hash);

// Password length bounds, counted in Unicode code points.
inline constexpr size_t kMinPasswordChars = 12;
inline constexpr size_t kMaxPasswordChars = 128;

// Checks a NEW password (at registration, reset or change) against the policy.
// Returns OK, or kInvalidArgument with field() == "password" and a message that
// starts with a stable reason code followed by ": " and English prose:
//   "invalid_utf8"   the bytes are not valid UTF-8
//   "too_short"      fewer than kMinPasswordChars code points
//   "too_long"       more than kMaxPasswordChars code points
//   "contains_login" equals or contains the login's local part (the part before
//                    '@'; a login without '@' is used whole), compared ASCII
//                    case-insensitively; local parts under 3 characters are
//                    only checked for equality
//   "common"         in the embedded list of ~3200 common passwords and Dutch
//                    base words (common_passwords.txt), compared
//                    case-insensitively, also after stripping leading and/or
//                    trailing digits and symbols ("Welkom2024!!" -> "welkom"),
//                    or one character repeated
// The web layer maps the reason code (PolicyReasonCode() below) to translated text.
// There are deliberately NO composition rules (ASVS 6.2.5). Unicode is not
// normalised here; case folding is ASCII only.
common::Status CheckPasswordPolicy(std::string_view password, std::string_view login);

// The reason code of a Status from CheckPasswordPolicy: the message up to the
// first ':' ("too_short", ...), or "" for an OK status.
std::string_view PolicyReasonCode(const common::Status& status);

}  // namespace crypto
