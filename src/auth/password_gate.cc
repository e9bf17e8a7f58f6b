#include "auth/password_gate.h"

#include <algorithm>
#include <thread>

#include "crypto/password.h"
#include "crypto/random.h"

namespace auth {

namespace {

int DefaultConcurrency() {
  int cores = static_cast<int>(std::thread::hardware_concurrency());
  return std::clamp(cores, 1, 3);
}

// Made once, on the first unknown login (itself under that login's permit).
const std::string& DummyHash() {
  static const std::string hash = [] {
    auto h = crypto::HashPassword(crypto::RandomToken(16));
    return h.ok() ? *h : std::string();
  }();
  return hash;
}

}  // namespace

PasswordGate::PasswordGate(Limits limits) : limits_(limits) {
  if (limits_.concurrent <= 0) limits_.concurrent = DefaultConcurrency();
  limits_.max_waiting = std::max(limits_.max_waiting, 0);
}

PasswordGate::Permit::~Permit() {
  if (gate_ != nullptr) gate_->Leave();
}

common::StatusOr<PasswordGate::Permit> PasswordGate::Enter() {
  std::unique_lock lock(mu_);
  // Newcomers queue behind those already waiting instead of overtaking them.
  if (running_ >= limits_.concurrent || waiting_ > 0) {
    if (waiting_ >= limits_.max_waiting) {
      ++refused_;
      return common::Status::Unavailable("too many password checks at once");
    }
    ++waiting_;
    bool turn =
        turn_.wait_for(lock, limits_.max_wait, [&] { return running_ < limits_.concurrent; });
    --waiting_;
    if (!turn) {
      ++refused_;
      return common::Status::Unavailable("too many password checks at once");
    }
  }
  ++running_;
  max_running_seen_ = std::max(max_running_seen_, running_);
  return Permit(this);
}

void PasswordGate::Leave() {
  {
    std::lock_guard lock(mu_);
    --running_;
  }
  turn_.notify_one();
}

common::StatusOr<std::string> PasswordGate::Hash(const Permit& /*permit*/,
                                                 std::string_view password) const {
  return crypto::HashPassword(password);
}

bool PasswordGate::Verify(const Permit& /*permit*/, std::string_view hash,
                          std::string_view password) const {
  if (hash.empty()) {
    (void)crypto::VerifyPassword(DummyHash(), password);
    return false;
  }
  return crypto::VerifyPassword(hash, password);
}

int PasswordGate::max_running_seen() {
  std::lock_guard lock(mu_);
  return max_running_seen_;
}

int64_t PasswordGate::refused() {
  std::lock_guard lock(mu_);
  return refused_;
}

}  // namespace auth
