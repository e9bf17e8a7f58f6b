// File: crypto/client_key.h
//
// A key for in-memory limits per client that never identifies the client.
// The network address is mixed with HMAC-SHA256 under a random key that exists
// only in this process's memory and is replaced at every UTC midnight: keys of
// two days cannot be linked, and a memory dump, a log line or a database copy
// holds nothing that leads back to an address. Callers keep these keys in
// memory only (limits, throttles) and never store or log them.
//
//   crypto::ClientKeyer keyer(clock);
//   std::string k = keyer.KeyFor(req.remote_ip);   // 32 hex characters
//
// Thread-safety: KeyFor may be called from any thread.
#pragma once

#include <mutex>
#include <string>
#include <string_view>

#include "common/clock.h"

namespace crypto {

class ClientKeyer {
 public:
  explicit ClientKeyer(const common::Clock& clock) : clock_(clock) {}
  ClientKeyer(const ClientKeyer&) = delete;
  ClientKeyer& operator=(const ClientKeyer&) = delete;
  ~ClientKeyer();

  // 128 bits of HMAC-SHA256(today's key, address) as 32 lowercase hex
  // characters. An empty address (unknown peer) gets a key like any other.
  std::string KeyFor(std::string_view address);

 private:
  const common::Clock& clock_;
  std::mutex mu_;
  int64_t day_ = -1;  // UTC day number of key_
  std::string key_;
};

}  // namespace crypto
