// File: web/body_spool.h
//
// Where a request body waits between the socket and the handler. Beast-free,
// so that it can be tested on its own; server.cc feeds it.
//
// Small bodies stay in memory. A body that grows past the spool threshold
// (or announces more with Content-Length) is written to an unnamed file as
// the bytes arrive, encrypted with crypto_secretstream_xchacha20poly1305
// under a random key that exists only in this object's memory. The file is
// created unlinked (O_TMPFILE, mode 0600), so it has no name to find and
// nothing of it survives a crash or a restart: the disk only ever holds
// ciphertext whose key is gone. A slow uploader therefore holds a few KB of
// memory, not its whole body; the body comes back into memory only when a
// worker thread runs the handler (Take), so memory for bodies is bounded by
// the number of workers, not of connections.
//
// BodyBudget caps the body bytes in flight (memory and spool together) for
// the whole server, so that many uploads at once cannot fill the memory or
// the disk: a reservation that would pass the cap is refused.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace web {

// Body bytes in flight for the whole server. Thread-safe.
class BodyBudget {
 public:
  explicit BodyBudget(uint64_t cap_bytes) : cap_(cap_bytes) {}
  // Reserves `n` bytes; false (and nothing reserved) when that would pass the cap.
  bool TryReserve(uint64_t n);
  void Release(uint64_t n) { used_.fetch_sub(n); }
  uint64_t used() const { return used_.load(); }
  uint64_t cap() const { return cap_; }

 private:
  const uint64_t cap_;
  std::atomic<uint64_t> used_{0};
};

struct SpoolOptions {
  // Bodies up to this size stay in memory.
  size_t memory_threshold_bytes = 64 * 1024;
  // Directory for the unnamed spool files ("" = the system's temporary directory).
  std::string directory;
};

// One request's body. Not thread-safe: the connection appends while reading,
// then hands it over whole to the worker that runs the handler.
class BodySpool {
 public:
  BodySpool(SpoolOptions options, BodyBudget& budget);
  ~BodySpool();  // releases the reservation; the unnamed file goes with its descriptor
  BodySpool(const BodySpool&) = delete;
  BodySpool& operator=(const BodySpool&) = delete;

  // Reserves `n` more bytes than appended so far against the budget (for a
  // Content-Length known in advance); and goes to disk at once when `n` is
  // over the memory threshold. kResourceExhausted when the budget refuses.
  common::Status Expect(uint64_t n);
  // Adds bytes as they arrive. kResourceExhausted when the budget refuses,
  // kUnavailable when the spool file cannot be written (e.g. disk full).
  common::Status Append(std::string_view bytes);
  // The whole body, decrypted when it was spooled; the spool is empty after.
  // kDataLoss if the spool file was altered underneath us.
  common::StatusOr<std::string> Take();

  uint64_t size() const { return size_; }
  bool spooled() const { return fd_ >= 0; }

 private:
  common::Status Reserve(uint64_t total);
  common::Status StartFile();
  common::Status PushChunk(std::string_view plain, bool final);
  common::Status WriteAll(const unsigned char* data, size_t n);

  SpoolOptions options_;
  BodyBudget& budget_;
  uint64_t reserved_ = 0;
  uint64_t size_ = 0;
  std::string memory_;  // the whole body, or (when spooled) the unencrypted tail
  int fd_ = -1;
  struct Cipher;  // key and secretstream state, wiped on destruction
  std::unique_ptr<Cipher> cipher_;
};

}  // namespace web
