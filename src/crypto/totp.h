// File: crypto/totp.h
//
// Time-based one-time passwords (RFC 6238) for staff second factors (P4):
// 30-second steps, 6 digits, HMAC-SHA1, which is what every authenticator app
// (Google/Microsoft Authenticator, FreeOTP, Aegis, oathtool) supports.
//
// Enrolment:
//   std::string secret = crypto::NewTotpSecretBase32();         // store encrypted
//   std::string uri = crypto::TotpProvisioningUri("Stagepunt", login, secret);  // QR code
//   // ask for one code and VerifyTotp it before switching 2FA on
// Login:
//   common::StatusOr<int64_t> step =
//       crypto::VerifyTotp(secret, typed, clock.NowUnix(), user.totp_last_step);
//   if (!step.ok()) return step.status();
//   user.totp_last_step = *step;  // MUST be stored, atomically with the login
//
// Replay protection: every accepted code moves `last_used_step` forward; a code
// from a step <= last_used_step is refused, so a code seen over a shoulder or
// in a proxy log cannot be used a second time, not even within its window.
// Thread-safety: all functions are thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace crypto {

inline constexpr int kTotpDigits = 6;
inline constexpr int64_t kTotpStepSeconds = 30;
inline constexpr size_t kTotpSecretBytes = 20;  // 160 bits, RFC 4226 §4 recommendation
inline constexpr int kTotpMaxWindow = 10;
// Pass as `last_used_step` for an account that never used a code.
inline constexpr int64_t kTotpNeverUsed = -1;

// A new random 160-bit secret as 32 upper-case RFC 4648 base32 characters
// without padding (the form authenticator apps expect).
std::string NewTotpSecretBase32();

// "otpauth://totp/Issuer:account?secret=...&issuer=Issuer&algorithm=SHA1&digits=6&period=30"
// (Key Uri Format). Issuer and account are percent-encoded (RFC 3986
// unreserved characters pass as is), so any text is safe to pass.
std::string TotpProvisioningUri(std::string_view issuer, std::string_view account,
                                std::string_view secret_base32);

// The time step that `unix_seconds` falls in: floor(unix_seconds / 30).
int64_t TotpStep(int64_t unix_seconds);

// The code for `unix_seconds` with `digits` digits (6, 7 or 8), zero-padded.
// For tests and tools; logins use VerifyTotp. Errors: kInvalidArgument for a
// secret that is not base32, for negative time or unsupported digits.
common::StatusOr<std::string> TotpCode(std::string_view secret_base32, int64_t unix_seconds,
                                       int digits = kTotpDigits);

// Checks a typed 6-digit code against the steps TotpStep(unix_seconds) - window
// .. + window (window 1 = ±30 s of clock drift). Spaces in `code` are ignored
// ("123 456"). On success returns the matched time step, which the caller must
// store as the account's new `last_used_step`.
// Errors (all with field() == "totp_code"):
//   kInvalidArgument  "malformed": code is not exactly 6 digits; or a bad
//                     secret or window (0..kTotpMaxWindow) from the caller
//   kUnauthenticated  "replayed": the code matches only steps <= last_used_step
//                     "mismatch": the code matches no step in the window
// Every step of the window is computed and compared in constant time, so the
// time taken does not reveal which step (if any) matched.
common::StatusOr<int64_t> VerifyTotp(std::string_view secret_base32, std::string_view code,
                                     int64_t unix_seconds, int64_t last_used_step,
                                     int window = 1);

}  // namespace crypto
