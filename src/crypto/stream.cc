// Streaming file encryption (declared in box.h): crypto_secretstream with
// 64 KiB chunks and TAG_FINAL on the last one.
#include <sodium.h>

#include <istream>
#include <ostream>
#include <vector>

#include "crypto/box.h"
#include "crypto/internal_bytes.h"
#include "crypto/random.h"

namespace crypto {
namespace {

using internal::U;

constexpr char kStreamVersion = 0x01;
constexpr size_t kHeaderBytes = crypto_secretstream_xchacha20poly1305_HEADERBYTES;  // 24
constexpr size_t kChunkOverhead = crypto_secretstream_xchacha20poly1305_ABYTES;     // 17
constexpr size_t kCipherChunkBytes = kStreamChunkBytes + kChunkOverhead;

// A byte buffer that is zeroed when it goes out of scope, on every path:
// plaintext chunks of uploads must not linger in freed heap memory.
class WipedBuffer {
 public:
  explicit WipedBuffer(size_t n) : bytes_(n) {}
  WipedBuffer(const WipedBuffer&) = delete;
  WipedBuffer& operator=(const WipedBuffer&) = delete;
  ~WipedBuffer() { sodium_memzero(bytes_.data(), bytes_.size()); }
  unsigned char* data() { return bytes_.data(); }
  char* chars() { return reinterpret_cast<char*>(bytes_.data()); }

 private:
  std::vector<unsigned char> bytes_;
};

// Reads up to `n` bytes; returns how many, or -1 on a stream error (as opposed
// to end of file, which only makes the count short).
long long ReadUpTo(std::istream& in, char* buf, size_t n) {
  in.read(buf, static_cast<std::streamsize>(n));
  if (in.bad()) return -1;
  return static_cast<long long>(in.gcount());
}

bool AtEnd(std::istream& in) {
  return in.peek() == std::char_traits<char>::eof();
}

}  // namespace

common::Status EncryptStream(const SecretKey& key, std::istream& in, std::ostream& out,
                             std::string_view associated_data) {
  EnsureSodiumInitialized();
  crypto_secretstream_xchacha20poly1305_state state;
  unsigned char header[kHeaderBytes];
  crypto_secretstream_xchacha20poly1305_init_push(&state, header, U(key.bytes()));
  out.put(kStreamVersion);
  out.write(reinterpret_cast<const char*>(header), kHeaderBytes);

  WipedBuffer plain(kStreamChunkBytes);
  WipedBuffer cipher(kCipherChunkBytes);
  common::Status status;
  for (bool last = false; !last && status.ok();) {
    const long long n = ReadUpTo(in, plain.chars(), kStreamChunkBytes);
    if (n < 0) {
      status = common::Status::Unavailable("encrypt stream: read error");
      break;
    }
    // A short read means end of input; a full one may still be the last
    // chunk, which we learn by peeking, so exact multiples of 64 KiB get
    // TAG_FINAL on their last full chunk instead of an extra empty one.
    last = static_cast<size_t>(n) < kStreamChunkBytes || AtEnd(in);
    if (in.bad()) {
      status = common::Status::Unavailable("encrypt stream: read error");
      break;
    }
    const unsigned char tag = last ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
                                   : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
    unsigned long long clen = 0;
    crypto_secretstream_xchacha20poly1305_push(&state, cipher.data(), &clen, plain.data(),
                                               static_cast<unsigned long long>(n),
                                               U(associated_data), associated_data.size(), tag);
    out.write(cipher.chars(), static_cast<std::streamsize>(clen));
    if (!out) status = common::Status::Unavailable("encrypt stream: write error");
  }
  sodium_memzero(&state, sizeof state);
  if (status.ok() && !out.flush()) status = common::Status::Unavailable("encrypt stream: write error");
  return status;
}

common::Status DecryptStream(const SecretKey& key, std::istream& in, std::ostream& out,
                             std::string_view associated_data) {
  EnsureSodiumInitialized();
  char prefix[1 + kHeaderBytes];
  const long long got = ReadUpTo(in, prefix, sizeof prefix);
  if (got < 0) return common::Status::Unavailable("decrypt stream: read error");
  if (static_cast<size_t>(got) != sizeof prefix || prefix[0] != kStreamVersion) {
    return common::Status::DataLoss("encrypted stream: malformed header");
  }
  crypto_secretstream_xchacha20poly1305_state state;
  if (crypto_secretstream_xchacha20poly1305_init_pull(
          &state, reinterpret_cast<const unsigned char*>(prefix + 1), U(key.bytes())) != 0) {
    return common::Status::DataLoss("encrypted stream: malformed header");
  }

  WipedBuffer cipher(kCipherChunkBytes);
  WipedBuffer plain(kStreamChunkBytes);
  common::Status status;
  for (bool done = false; !done;) {
    const long long n = ReadUpTo(in, cipher.chars(), kCipherChunkBytes);
    if (n < 0) {
      status = common::Status::Unavailable("decrypt stream: read error");
      break;
    }
    if (static_cast<size_t>(n) < kChunkOverhead) {
      // Includes n == 0: the input ended before a TAG_FINAL chunk.
      status = common::Status::DataLoss("encrypted stream: truncated");
      break;
    }
    unsigned long long plen = 0;
    unsigned char tag = 0;
    if (crypto_secretstream_xchacha20poly1305_pull(&state, plain.data(), &plen, &tag,
                                                   cipher.data(), static_cast<unsigned long long>(n),
                                                   U(associated_data),
                                                   associated_data.size()) != 0) {
      status = common::Status::DataLoss("encrypted stream: wrong key, tampered or reordered");
      break;
    }
    if (tag != crypto_secretstream_xchacha20poly1305_TAG_MESSAGE &&
        tag != crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
      status = common::Status::DataLoss("encrypted stream: unexpected chunk tag");
      break;
    }
    out.write(plain.chars(), static_cast<std::streamsize>(plen));
    if (!out) {
      status = common::Status::Unavailable("decrypt stream: write error");
      break;
    }
    if (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
      done = true;
      if (!AtEnd(in)) status = common::Status::DataLoss("encrypted stream: data after final chunk");
    } else if (static_cast<size_t>(n) < kCipherChunkBytes) {
      // Only the final chunk may be short; a short MESSAGE chunk means the
      // rest of the stream is missing.
      status = common::Status::DataLoss("encrypted stream: truncated");
      done = true;
    }
  }
  sodium_memzero(&state, sizeof state);
  if (status.ok() && !out.flush()) status = common::Status::Unavailable("decrypt stream: write error");
  return status;
}

}  // namespace crypto
