// File: meldpunt/throttle.h
//
// Slowing down abuse of the public meldpunt without knowing who anyone is
// (P3, P11). Limits fall on the client that causes them first: callers pass
// a client key from crypto::ClientKeyer (a daily-keyed HMAC of the address,
// never stored or logged), and each limit keeps a far higher bound over all
// clients as the backstop against many addresses at once. Everything lives
// in this process's memory (common::LeakyBuckets): with several instances
// each counts on its own, which still bounds the total by instances x limit.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string_view>

#include "common/clock.h"
#include "common/leaky_bucket.h"

namespace meldpunt {

// Guessing reporter codes. A client's first kFreeFailures wrong codes cost
// nothing; beyond, EVERY answer to that client (right or wrong) is held
// back, doubling per extra failure up to kMaxDelay. Holding back right
// answers too means a guesser cannot stop waiting early to learn "wrong"; a
// real student is only ever delayed, never refused. Wrong codes are forgiven
// at kForgivenPerMinute, so a client's count covers roughly the last
// 10 minutes.
//
// The same rule over all clients together, with kGlobalFreeFailures, bounds
// guessing from many addresses; it is high enough that one client's wrong
// codes never slow down anyone else.
class GuessThrottle {
 public:
  static constexpr int kFreeFailures = 5;
  static constexpr int kGlobalFreeFailures = 200;
  static constexpr double kForgivenPerMinute = 1.0;  // per client
  static constexpr double kGlobalForgivenPerMinute = 20.0;
  static constexpr std::chrono::milliseconds kBaseDelay{250};
  static constexpr std::chrono::milliseconds kMaxDelay{10000};

  explicit GuessThrottle(const common::Clock& clock);
  // How long to hold back the answer to `client_key` now.
  std::chrono::milliseconds CurrentDelay(std::string_view client_key);
  void RecordFailure(std::string_view client_key);

 private:
  common::LeakyBuckets per_client_;
  common::LeakyBuckets all_clients_;  // one key
};

// Reports sent without an account (H4). Each client may send a few per
// minute; each school takes at most `school_per_minute` in all, a ceiling
// far above what real students send, so junk from one address cannot block
// the others. Logged-in students are accountable and never pass through
// here. 0 turns a limit off.
class SubmissionLimits {
 public:
  static constexpr int kClientPerMinute = 5;
  static constexpr int kSchoolPerMinute = 300;

  SubmissionLimits(const common::Clock& clock, int school_per_minute,
                   int client_per_minute = kClientPerMinute);
  // Counts one report from `client_key` to `school_id` and returns true, or
  // returns false (counting nothing) when either limit is reached.
  bool Allow(std::string_view client_key, std::string_view school_id);
  void set_school_per_minute(int n);
  void set_client_per_minute(int n);

 private:
  std::atomic<int> school_per_minute_;
  std::atomic<int> client_per_minute_;
  common::LeakyBuckets per_client_;
  common::LeakyBuckets per_school_;
};

// Attachment bytes that one client may upload through reporter sessions:
// kClientBytes at once, refilled over an hour. The per-case and per-school
// quotas are kept by the service in the database (service.h).
class UploadLimits {
 public:
  static constexpr int64_t kClientBytes = int64_t{100} * 1024 * 1024;

  explicit UploadLimits(const common::Clock& clock, int64_t client_bytes = kClientBytes);
  // Counts `bytes` for `client_key` and returns true, or false (counting
  // nothing) when that would pass the client's allowance.
  bool Allow(std::string_view client_key, int64_t bytes);

 private:
  int64_t client_bytes_;
  common::LeakyBuckets per_client_;
};

}  // namespace meldpunt
