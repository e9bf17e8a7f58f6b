// File: meldpunt/throttle.h
//
// Slowing down abuse without knowing who anyone is (P3, P11): no IP address
// or other client property is used or stored, so both limits apply to
// everyone alike. They live in the process: with several instances each
// counts on its own, which still bounds the total by instances x limit.
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <string>

#include "common/clock.h"

namespace meldpunt {

// Guessing reporter codes. Below kFreeFailures wrong codes in the window,
// answers come at once; beyond, EVERY answer (right or wrong) is held back,
// doubling per extra failure up to kMaxDelay. Holding back right answers too
// means an attacker cannot stop waiting early to learn "wrong"; a real
// student is only ever delayed, never refused.
class GuessThrottle {
 public:
  static constexpr int kFreeFailures = 5;
  static constexpr std::chrono::milliseconds kBaseDelay{250};
  static constexpr std::chrono::milliseconds kMaxDelay{10000};
  static constexpr std::chrono::minutes kWindow{10};

  explicit GuessThrottle(const common::Clock& clock) : clock_(clock) {}
  std::chrono::milliseconds CurrentDelay();
  void RecordFailure();

 private:
  void Expire(common::UnixMillis now);
  const common::Clock& clock_;
  std::mutex mu_;
  std::deque<common::UnixMillis> failures_;
};

// At most `per_minute` events per key in any rolling minute (0 = no limit),
// e.g. anonymous report submissions per school.
class RateLimiter {
 public:
  RateLimiter(const common::Clock& clock, int per_minute)
      : clock_(clock), per_minute_(per_minute) {}
  bool Allow(const std::string& key);
  void set_per_minute(int n) { per_minute_ = n; }

 private:
  const common::Clock& clock_;
  int per_minute_;
  std::mutex mu_;
  std::map<std::string, std::deque<common::UnixMillis>> events_;
};

}  // namespace meldpunt
