// File: common/clock.h
//
// Time comes from an injected Clock, never from the database or a global, so
// that deadlines, session expiry and retention can be tested by moving time.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace common {

// Milliseconds since the Unix epoch, UTC. Stored as INTEGER in both databases.
using UnixMillis = int64_t;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual UnixMillis NowMillis() const = 0;
};

class SystemClock final : public Clock {
 public:
  UnixMillis NowMillis() const override;
  static const SystemClock& Instance();
};

// A clock that only moves when told to. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(UnixMillis start) : now_(start) {}
  UnixMillis NowMillis() const override { return now_.load(); }
  void Set(UnixMillis t) { now_.store(t); }
  void Advance(std::chrono::milliseconds d) { now_.fetch_add(d.count()); }

 private:
  std::atomic<UnixMillis> now_;
};

// "2026-11-23T15:04:05Z"
std::string FormatIso8601(UnixMillis t);
// "2026-11-23"
std::string FormatDate(UnixMillis t);

}  // namespace common
