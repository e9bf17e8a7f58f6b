// File: common/leaky_bucket.h
//
// Per-key "leaky bucket" levels for limits and throttles, held in memory only
// and bounded in size. Each key has a level that rises by what is added and
// drains at a steady rate, so an event allowed "N per minute" is a bucket that
// drains N per minute, and a count of failures that should be forgiven over
// time is a bucket that drains slowly. Nothing is stored or logged; callers
// pass keys that do not identify anyone (crypto::ClientKeyer, or a hash).
//
//   common::LeakyBuckets per_client(clock, /*drain_per_minute=*/10);
//   if (per_client.Level(key) >= 10) return TooManyRequests();
//   per_client.Add(key);
//
// Memory: at most `max_keys` keys. When a new key arrives and the table is
// full, empty buckets are dropped first; if every bucket still holds water
// (many addresses at once), new keys share one overflow bucket, so a flood of
// addresses cannot grow memory and shares one limit instead of escaping it.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/clock.h"

namespace common {

class LeakyBuckets {
 public:
  LeakyBuckets(const Clock& clock, double drain_per_minute, size_t max_keys = 100000);
  LeakyBuckets(const LeakyBuckets&) = delete;
  LeakyBuckets& operator=(const LeakyBuckets&) = delete;

  // The key's level now (0 for an unknown key).
  double Level(std::string_view key);
  // Adds `amount` to the key's level and returns the new level.
  double Add(std::string_view key, double amount = 1.0);
  // Adds only if the level after adding stays at or below `ceiling`; returns
  // whether it did. One step, so concurrent callers cannot both slip under.
  bool TryAdd(std::string_view key, double ceiling, double amount = 1.0);
  // Forgets the key (e.g. after a successful login).
  void Reset(std::string_view key);

  void set_drain_per_minute(double d);
  size_t size();  // keys held, for tests

 private:
  struct Bucket {
    double level = 0;
    UnixMillis at = 0;
  };
  // The bucket for `key`, drained to `now`; the overflow bucket when full.
  Bucket& Find(std::string_view key, UnixMillis now);
  void Drain(Bucket& b, UnixMillis now) const;

  const Clock& clock_;
  double drain_per_ms_;
  size_t max_keys_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
  Bucket overflow_;
};

}  // namespace common
