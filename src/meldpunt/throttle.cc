#include "meldpunt/throttle.h"

#include <algorithm>

namespace meldpunt {

void GuessThrottle::Expire(common::UnixMillis now) {
  const common::UnixMillis horizon =
      now - std::chrono::duration_cast<std::chrono::milliseconds>(kWindow).count();
  while (!failures_.empty() && failures_.front() <= horizon) failures_.pop_front();
}

std::chrono::milliseconds GuessThrottle::CurrentDelay() {
  std::lock_guard lock(mu_);
  Expire(clock_.NowMillis());
  int over = static_cast<int>(failures_.size()) - kFreeFailures;
  if (over < 0) return std::chrono::milliseconds(0);
  auto delay = kBaseDelay * (int64_t{1} << std::min(over, 10));
  return std::min(delay, kMaxDelay);
}

void GuessThrottle::RecordFailure() {
  std::lock_guard lock(mu_);
  common::UnixMillis now = clock_.NowMillis();
  Expire(now);
  // Bounded memory whatever the attack rate: the delay is capped long before.
  if (failures_.size() < 10000) failures_.push_back(now);
}

bool RateLimiter::Allow(const std::string& key) {
  if (per_minute_ <= 0) return true;
  std::lock_guard lock(mu_);
  common::UnixMillis now = clock_.NowMillis();
  auto& q = events_[key];
  while (!q.empty() && q.front() <= now - 60000) q.pop_front();
  if (static_cast<int>(q.size()) >= per_minute_) return false;
  q.push_back(now);
  return true;
}

}  // namespace meldpunt
