#include "auth/login_throttle.h"

#include <algorithm>
#include <cmath>

#include "crypto/hash.h"

namespace auth {

LoginThrottle::LoginThrottle(const common::Clock& clock)
    : keyer_(clock),
      per_client_(clock, kClientPerMinute),
      per_login_client_(clock, /*drain_per_minute=*/1.0) {}

bool LoginThrottle::AdmitAttempt(std::string_view client) {
  return per_client_.TryAdd(client, kClientBurst);
}

void LoginThrottle::ReturnAttempt(std::string_view client) { per_client_.Add(client, -1.0); }

std::string LoginThrottle::PairKey(std::string_view login, std::string_view client) {
  // The login is hashed so that the table in memory holds no login names.
  std::string key(client);
  key.append(":").append(crypto::Sha256Hex(login));
  return key;
}

std::chrono::milliseconds LoginThrottle::Delay(std::string_view login, std::string_view client) {
  double level = per_login_client_.Level(PairKey(login, client));
  int over = static_cast<int>(std::floor(level)) - kFreeFailures;
  if (over <= 0) return std::chrono::milliseconds(0);
  int shift = std::min(over - 1, 20);
  return std::min(kFirstDelay * (int64_t{1} << shift), kMaxDelay);
}

void LoginThrottle::RecordFailure(std::string_view login, std::string_view client) {
  per_login_client_.Add(PairKey(login, client));
}

void LoginThrottle::RecordSuccess(std::string_view login, std::string_view client) {
  per_login_client_.Reset(PairKey(login, client));
}

}  // namespace auth
