#include "common/leaky_bucket.h"

#include <algorithm>

namespace common {

namespace {
constexpr double kMillisPerMinute = 60000.0;
}  // namespace

LeakyBuckets::LeakyBuckets(const Clock& clock, double drain_per_minute, size_t max_keys)
    : clock_(clock), drain_per_ms_(drain_per_minute / kMillisPerMinute), max_keys_(max_keys) {}

void LeakyBuckets::Drain(Bucket& b, UnixMillis now) const {
  if (now > b.at) {
    b.level = std::max(0.0, b.level - static_cast<double>(now - b.at) * drain_per_ms_);
  }
  b.at = std::max(b.at, now);
}

LeakyBuckets::Bucket& LeakyBuckets::Find(std::string_view key, UnixMillis now) {
  auto it = buckets_.find(std::string(key));
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_keys_) {
      for (auto i = buckets_.begin(); i != buckets_.end();) {
        Drain(i->second, now);
        i = i->second.level <= 0 ? buckets_.erase(i) : std::next(i);
      }
    }
    if (buckets_.size() >= max_keys_) {
      Drain(overflow_, now);
      return overflow_;
    }
    it = buckets_.emplace(std::string(key), Bucket{0, now}).first;
  }
  Drain(it->second, now);
  return it->second;
}

double LeakyBuckets::Level(std::string_view key) {
  std::lock_guard lock(mu_);
  UnixMillis now = clock_.NowMillis();
  auto it = buckets_.find(std::string(key));
  if (it != buckets_.end()) {
    Drain(it->second, now);
    return it->second.level;
  }
  if (buckets_.size() < max_keys_) return 0;
  Drain(overflow_, now);
  return overflow_.level;
}

double LeakyBuckets::Add(std::string_view key, double amount) {
  std::lock_guard lock(mu_);
  Bucket& b = Find(key, clock_.NowMillis());
  b.level += amount;
  return b.level;
}

bool LeakyBuckets::TryAdd(std::string_view key, double ceiling, double amount) {
  std::lock_guard lock(mu_);
  Bucket& b = Find(key, clock_.NowMillis());
  if (b.level + amount > ceiling) return false;
  b.level += amount;
  return true;
}

void LeakyBuckets::Reset(std::string_view key) {
  std::lock_guard lock(mu_);
  buckets_.erase(std::string(key));
}

void LeakyBuckets::set_drain_per_minute(double d) {
  std::lock_guard lock(mu_);
  drain_per_ms_ = d / kMillisPerMinute;
}

size_t LeakyBuckets::size() {
  std::lock_guard lock(mu_);
  return buckets_.size();
}

}  // namespace common
