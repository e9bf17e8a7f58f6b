#include "crypto/totp.h"

#include <liboath/oath.h>

#include <cstdlib>
#include <ctime>
#include <limits>

#include "crypto/hash.h"
#include "crypto/random.h"

namespace crypto {
namespace {

void EnsureOathInitialized() {
  // oath_init() is not documented as thread-safe, so it runs exactly once.
  static const bool initialised = [] {
    if (oath_init() != OATH_OK) std::abort();
    return true;
  }();
  (void)initialised;
}

// Decodes a base32 secret as typed or stored: spaces are ignored and case does
// not matter. The raw secret is wiped by the caller.
common::StatusOr<std::string> DecodeSecret(std::string_view secret_base32) {
  std::string compact;
  compact.reserve(secret_base32.size());
  for (char c : secret_base32) {
    if (c != ' ') compact.push_back(c);
  }
  common::StatusOr<std::string> raw = Base32Decode(compact);
  SecureWipe(compact);
  if (!raw.ok() || raw->empty()) {
    return common::Status::InvalidArgument("malformed: TOTP secret is not base32", "totp_secret");
  }
  return raw;
}

// The code for time step `step`; `raw` is the decoded secret.
common::StatusOr<std::string> CodeForStep(const std::string& raw, int64_t step, int digits) {
  EnsureOathInitialized();
  // liboath computes the step as now / step_size itself; hand it the start
  // of the step so the division is exact.
  if (step > std::numeric_limits<time_t>::max() / kTotpStepSeconds) {
    return common::Status::InvalidArgument("malformed: time out of range", "totp_code");
  }
  const time_t now = static_cast<time_t>(step * kTotpStepSeconds);
  char out[16] = {};
  int rc = oath_totp_generate(raw.data(), raw.size(), now, static_cast<unsigned>(kTotpStepSeconds),
                              OATH_TOTP_DEFAULT_START_TIME, static_cast<unsigned>(digits), out);
  if (rc != OATH_OK) return common::Status::Internal(oath_strerror(rc));
  return std::string(out);
}

void AppendPercentEncoded(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : text) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                      (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0x0f]);
    }
  }
}

}  // namespace

std::string NewTotpSecretBase32() {
  std::string raw = RandomBytes(kTotpSecretBytes);
  std::string out = Base32Encode(raw);
  SecureWipe(raw);
  return out;
}

std::string TotpProvisioningUri(std::string_view issuer, std::string_view account,
                                std::string_view secret_base32) {
  std::string uri = "otpauth://totp/";
  AppendPercentEncoded(uri, issuer);
  uri += ':';
  AppendPercentEncoded(uri, account);
  uri += "?secret=";
  for (char c : secret_base32) {
    if (c != ' ' && c != '=') uri.push_back(c);
  }
  uri += "&issuer=";
  AppendPercentEncoded(uri, issuer);
  uri += "&algorithm=SHA1&digits=6&period=30";
  return uri;
}

int64_t TotpStep(int64_t unix_seconds) {
  // Floor division, so that negative times (never expected) stay monotonic.
  int64_t q = unix_seconds / kTotpStepSeconds;
  return (unix_seconds % kTotpStepSeconds < 0) ? q - 1 : q;
}

common::StatusOr<std::string> TotpCode(std::string_view secret_base32, int64_t unix_seconds,
                                       int digits) {
  if (digits < 6 || digits > 8) {
    return common::Status::InvalidArgument("malformed: digits must be 6..8", "totp_code");
  }
  if (unix_seconds < 0) {
    return common::Status::InvalidArgument("malformed: negative time", "totp_code");
  }
  common::StatusOr<std::string> raw = DecodeSecret(secret_base32);
  if (!raw.ok()) return raw.status();
  common::StatusOr<std::string> code = CodeForStep(*raw, TotpStep(unix_seconds), digits);
  SecureWipe(*raw);
  return code;
}

common::StatusOr<int64_t> VerifyTotp(std::string_view secret_base32, std::string_view code,
                                     int64_t unix_seconds, int64_t last_used_step, int window) {
  std::string digits_only;
  for (char c : code) {
    if (c == ' ') continue;
    if (c < '0' || c > '9' || digits_only.size() >= static_cast<size_t>(kTotpDigits)) {
      return common::Status::InvalidArgument("malformed: the code must be 6 digits", "totp_code");
    }
    digits_only.push_back(c);
  }
  if (digits_only.size() != static_cast<size_t>(kTotpDigits)) {
    return common::Status::InvalidArgument("malformed: the code must be 6 digits", "totp_code");
  }
  if (window < 0 || window > kTotpMaxWindow) {
    return common::Status::InvalidArgument("malformed: window out of range", "totp_code");
  }
  if (unix_seconds < 0) {
    return common::Status::InvalidArgument("malformed: negative time", "totp_code");
  }
  common::StatusOr<std::string> raw = DecodeSecret(secret_base32);
  if (!raw.ok()) return raw.status();

  const int64_t now_step = TotpStep(unix_seconds);
  int64_t accepted = -1;  // first (earliest) matching step after last_used_step
  bool replayed = false;
  common::Status error;
  for (int64_t step = now_step - window; step <= now_step + window; ++step) {
    if (step < 0) continue;
    common::StatusOr<std::string> expected = CodeForStep(*raw, step, kTotpDigits);
    if (!expected.ok()) {
      error = expected.status();
      break;
    }
    // No early exit: every step is computed and compared.
    if (ConstantTimeEquals(*expected, digits_only)) {
      if (step <= last_used_step) {
        replayed = true;
      } else if (accepted < 0) {
        accepted = step;
      }
    }
  }
  SecureWipe(*raw);
  if (!error.ok()) return error;
  if (accepted >= 0) return accepted;
  if (replayed) {
    return common::Status(common::StatusCode::kUnauthenticated,
                          "replayed: this code was already used", "totp_code");
  }
  return common::Status(common::StatusCode::kUnauthenticated,
                        "mismatch: the code is wrong or expired", "totp_code");
}

}  // namespace crypto
