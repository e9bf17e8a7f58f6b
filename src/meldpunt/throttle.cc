#include "meldpunt/throttle.h"

#include <algorithm>
#include <cmath>

namespace meldpunt {

namespace {

// The whole server's failures share this key of `all_clients_`.
constexpr std::string_view kEveryone = "*";

// Failures not yet forgiven: a bucket at 4.2 still holds five of them.
int Unforgiven(double level) { return static_cast<int>(std::ceil(level - 1e-6)); }

std::chrono::milliseconds DelayFor(int failures, int free) {
  int over = failures - free;
  if (over < 0) return std::chrono::milliseconds(0);
  auto delay = GuessThrottle::kBaseDelay * (int64_t{1} << std::min(over, 10));
  return std::min<std::chrono::milliseconds>(delay, GuessThrottle::kMaxDelay);
}

}  // namespace

GuessThrottle::GuessThrottle(const common::Clock& clock)
    : per_client_(clock, kForgivenPerMinute), all_clients_(clock, kGlobalForgivenPerMinute, 1) {}

std::chrono::milliseconds GuessThrottle::CurrentDelay(std::string_view client_key) {
  return std::max(DelayFor(Unforgiven(per_client_.Level(client_key)), kFreeFailures),
                  DelayFor(Unforgiven(all_clients_.Level(kEveryone)), kGlobalFreeFailures));
}

void GuessThrottle::RecordFailure(std::string_view client_key) {
  // The levels are capped so that a long attack is forgiven in bounded time
  // once it stops; the delay reaches its maximum long before.
  (void)per_client_.TryAdd(client_key, kFreeFailures + 20);
  (void)all_clients_.TryAdd(kEveryone, kGlobalFreeFailures + 20);
}

SubmissionLimits::SubmissionLimits(const common::Clock& clock, int school_per_minute,
                                   int client_per_minute)
    : school_per_minute_(school_per_minute),
      client_per_minute_(client_per_minute),
      per_client_(clock, client_per_minute),
      per_school_(clock, school_per_minute, 10000) {}

bool SubmissionLimits::Allow(std::string_view client_key, std::string_view school_id) {
  // The school's ceiling is looked at first, so a refused client does not
  // use up anything; a report refused for the client counts nowhere, so one
  // client fills at most its own share of the school's ceiling.
  const int school = school_per_minute_, client = client_per_minute_;
  if (school > 0 && per_school_.Level(school_id) + 1 > school) return false;
  if (client > 0 && !per_client_.TryAdd(client_key, client)) return false;
  if (school > 0) per_school_.Add(school_id);
  return true;
}

void SubmissionLimits::set_school_per_minute(int n) {
  school_per_minute_ = n;
  per_school_.set_drain_per_minute(n);
}

void SubmissionLimits::set_client_per_minute(int n) {
  client_per_minute_ = n;
  per_client_.set_drain_per_minute(n);
}

UploadLimits::UploadLimits(const common::Clock& clock, int64_t client_bytes)
    : client_bytes_(client_bytes), per_client_(clock, static_cast<double>(client_bytes) / 60.0) {}

bool UploadLimits::Allow(std::string_view client_key, int64_t bytes) {
  if (client_bytes_ <= 0) return true;
  return per_client_.TryAdd(client_key, static_cast<double>(client_bytes_),
                            static_cast<double>(bytes));
}

}  // namespace meldpunt
