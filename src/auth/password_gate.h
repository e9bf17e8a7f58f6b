// File: auth/password_gate.h
//
// The one way a request runs an Argon2id hash. Each hash costs ~0.2 s of a
// core and 64 MiB (crypto/password.h), and anyone can ask for one by posting
// the login form with a made-up account. Unbounded, a few dozen such requests
// take every core and every worker thread, and the report form stops
// answering. So hashing is a counting semaphore with a short, bounded line:
//
//   SP_ASSIGN_OR_RETURN(auth::PasswordGate::Permit permit, gate.Enter());
//   bool ok = gate.Verify(permit, user.password_hash, typed);   // "" = unknown login
//
// At most `concurrent` hashes run at once; at most `max_waiting` requests wait
// for a turn, each at most `max_wait`. Past that, Enter() answers Unavailable
// at once, and the caller answers 503 with `Retry-After: kRetryAfterSeconds`.
// The running and waiting requests together hold fewer worker threads than the
// server has (web::ServerOptions::worker_threads, 8), so other pages keep
// being served during a flood.
//
// Every Argon2id call on a request path happens while its caller holds a
// Permit: password checks and new passwords here, and the handler's key
// unwrapping at login (meldpunt/keyring.h) under the login's permit. Hash()
// and Verify() take the permit as proof. CLI commands (demo seeding) hash
// without it.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "common/status.h"

namespace auth {

struct PasswordGateLimits {
  int concurrent = 0;  // 0: one per core, at most 3
  int max_waiting = 3;
  std::chrono::milliseconds max_wait{5000};
};

class PasswordGate {
 public:
  using Limits = PasswordGateLimits;
  static constexpr int kRetryAfterSeconds = 5;

  explicit PasswordGate(Limits limits = {});
  PasswordGate(const PasswordGate&) = delete;
  PasswordGate& operator=(const PasswordGate&) = delete;

  // The right to run hashes now; gives the turn back when destroyed.
  class Permit {
   public:
    Permit(Permit&& other) noexcept : gate_(other.gate_) { other.gate_ = nullptr; }
    Permit& operator=(Permit&&) = delete;
    Permit(const Permit&) = delete;
    ~Permit();

   private:
    friend class PasswordGate;
    explicit Permit(PasswordGate* gate) : gate_(gate) {}
    PasswordGate* gate_;
  };

  // A permit, after waiting in line if all turns are taken. Unavailable when
  // the line is full or the wait passes `max_wait`.
  common::StatusOr<Permit> Enter();

  // crypto::HashPassword under a permit.
  common::StatusOr<std::string> Hash(const Permit& permit, std::string_view password) const;
  // crypto::VerifyPassword under a permit. An empty `hash` (unknown login, or
  // no password set yet) is checked against a fixed dummy hash and is false,
  // so it costs the same time as a wrong password and timing tells nothing.
  bool Verify(const Permit& permit, std::string_view hash, std::string_view password) const;

  // For tests and monitoring: hashes allowed at once, the most that ever held
  // a permit at the same time, and how many requests were turned away.
  int concurrent() const { return limits_.concurrent; }
  int max_running_seen();
  int64_t refused();

 private:
  void Leave();

  Limits limits_;
  std::mutex mu_;
  std::condition_variable turn_;
  int running_ = 0;
  int waiting_ = 0;
  int max_running_seen_ = 0;
  int64_t refused_ = 0;
};

}  // namespace auth
