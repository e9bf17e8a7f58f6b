// File: auth/login_throttle.h
//
// Password guessing is slowed down per client, never by locking an account
// (P3). Two limits, both in memory only, keyed by crypto::ClientKeyer keys
// (a daily-keyed HMAC of the address) and never stored or logged:
//
//  - Per client: every password check takes one attempt from a bucket of
//    kClientBurst that refills kClientPerMinute a minute. An empty bucket
//    answers 429 before any hash is computed, so one client cannot make the
//    server hash faster than that. A right password gives its attempt back,
//    so a school whose students share one address (NAT) is limited only by
//    its wrong passwords.
//  - Per (login, client): wrong passwords rise a level that drains one a
//    minute. From kFreeFailures on, each answer for that login from that
//    client, right or wrong, is held back (web::Response::delay, no worker
//    thread held) by a delay that doubles per failure up to kMaxDelay. The
//    answer is never a refusal: a right password gets in once the delay has
//    passed. Someone guessing `meldpunt@...` from one address therefore slows
//    down only their own answers; the real user elsewhere is not delayed.
//
// There is deliberately no per-account delay: a delay that holds answers back
// does not slow an attacker who sends many requests at once, only the real
// user. Guessing from many addresses is bounded by the per-client limit per
// address, the password policy (crypto/password.h) and the second factor of
// the sensitive roles.
//
// Limits: the levels live in this process. Behind a load balancer each
// instance counts for itself, so N instances allow N times the per-client
// rate; a restart forgets the levels.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/leaky_bucket.h"
#include "crypto/client_key.h"

namespace auth {

class LoginThrottle {
 public:
  static constexpr double kClientBurst = 20;
  static constexpr double kClientPerMinute = 10;
  // Seconds until a drained client has an attempt again (Retry-After).
  static constexpr int kClientRetryAfterSeconds = 6;
  static constexpr int kFreeFailures = 5;
  static constexpr std::chrono::milliseconds kFirstDelay{500};
  static constexpr std::chrono::milliseconds kMaxDelay{8000};

  explicit LoginThrottle(const common::Clock& clock);

  // The key for a client's address; pass it to the calls below.
  std::string ClientKey(std::string_view remote_ip) { return keyer_.KeyFor(remote_ip); }

  // Takes an attempt from the client's bucket; false when it is empty (answer
  // 429 without checking the password).
  bool AdmitAttempt(std::string_view client);
  // Gives the attempt back: the password was right, or it was never checked.
  void ReturnAttempt(std::string_view client);

  // How long to hold back the answer for `login` from `client`, right or wrong.
  std::chrono::milliseconds Delay(std::string_view login, std::string_view client);
  void RecordFailure(std::string_view login, std::string_view client);
  // A right password forgets that login's failures from that client.
  void RecordSuccess(std::string_view login, std::string_view client);

 private:
  static std::string PairKey(std::string_view login, std::string_view client);

  crypto::ClientKeyer keyer_;
  common::LeakyBuckets per_client_;
  common::LeakyBuckets per_login_client_;
};

}  // namespace auth
