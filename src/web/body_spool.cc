#include "web/body_spool.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <vector>

#include "crypto/random.h"

namespace web {

namespace {

// Plaintext per secretstream chunk. Every chunk but the last is exactly this
// long, so the reader knows each chunk's length without a length prefix.
constexpr size_t kChunk = 64 * 1024;
constexpr size_t kOverhead = crypto_secretstream_xchacha20poly1305_ABYTES;
constexpr size_t kHeader = crypto_secretstream_xchacha20poly1305_HEADERBYTES;

// An unnamed file in `dir`, readable and writable only by us. O_TMPFILE where
// the file system has it; otherwise a named file unlinked at once (a crash in
// between leaves one file of ciphertext whose key is gone).
int OpenUnnamed(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) return fd;
  std::string name = dir + "/spool-XXXXXX";
  fd = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd >= 0) ::unlink(name.c_str());
  return fd;
}

}  // namespace

bool BodyBudget::TryReserve(uint64_t n) {
  uint64_t used = used_.load();
  do {
    if (n > cap_ || used > cap_ - n) return false;
  } while (!used_.compare_exchange_weak(used, used + n));
  return true;
}

struct BodySpool::Cipher {
  unsigned char key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
  crypto_secretstream_xchacha20poly1305_state state;
  ~Cipher() {
    sodium_memzero(key, sizeof key);
    sodium_memzero(&state, sizeof state);
  }
};

BodySpool::BodySpool(SpoolOptions options, BodyBudget& budget)
    : options_(std::move(options)), budget_(budget) {}

BodySpool::~BodySpool() {
  if (fd_ >= 0) ::close(fd_);
  budget_.Release(reserved_);
}

common::Status BodySpool::Reserve(uint64_t total) {
  if (total <= reserved_) return common::Status::Ok();
  if (!budget_.TryReserve(total - reserved_)) {
    return common::Status::ResourceExhausted("too many request bodies in flight");
  }
  reserved_ = total;
  return common::Status::Ok();
}

common::Status BodySpool::Expect(uint64_t n) {
  if (auto s = Reserve(size_ + n); !s.ok()) return s;
  if (fd_ < 0 && size_ + n > options_.memory_threshold_bytes) return StartFile();
  return common::Status::Ok();
}

common::Status BodySpool::Append(std::string_view bytes) {
  if (auto s = Reserve(size_ + bytes.size()); !s.ok()) return s;
  size_ += bytes.size();
  memory_.append(bytes);
  if (fd_ < 0 && memory_.size() > options_.memory_threshold_bytes) {
    if (auto s = StartFile(); !s.ok()) return s;
  }
  if (fd_ < 0) return common::Status::Ok();
  // Encrypt whole chunks as they fill; the tail waits for more bytes or Take.
  size_t done = 0;
  while (memory_.size() - done >= kChunk) {
    if (auto s = PushChunk(std::string_view(memory_).substr(done, kChunk), false); !s.ok()) {
      return s;
    }
    done += kChunk;
  }
  if (done > 0) {
    sodium_memzero(memory_.data(), done);
    memory_.erase(0, done);
  }
  return common::Status::Ok();
}

common::Status BodySpool::StartFile() {
  crypto::EnsureSodiumInitialized();
  std::string dir = options_.directory.empty()
                        ? std::filesystem::temp_directory_path().string()
                        : options_.directory;
  fd_ = OpenUnnamed(dir);
  if (fd_ < 0) return common::Status::Unavailable("cannot create a spool file");
  cipher_ = std::make_unique<Cipher>();
  crypto_secretstream_xchacha20poly1305_keygen(cipher_->key);
  unsigned char header[kHeader];
  crypto_secretstream_xchacha20poly1305_init_push(&cipher_->state, header, cipher_->key);
  return WriteAll(header, sizeof header);
}

common::Status BodySpool::PushChunk(std::string_view plain, bool final) {
  std::vector<unsigned char> out(plain.size() + kOverhead);
  unsigned long long out_len = 0;
  crypto_secretstream_xchacha20poly1305_push(
      &cipher_->state, out.data(), &out_len, reinterpret_cast<const unsigned char*>(plain.data()),
      plain.size(), nullptr, 0,
      final ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0);
  return WriteAll(out.data(), static_cast<size_t>(out_len));
}

common::Status BodySpool::WriteAll(const unsigned char* data, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd_, data, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return common::Status::Unavailable("cannot write the spool file");
    data += w;
    n -= static_cast<size_t>(w);
  }
  return common::Status::Ok();
}

common::StatusOr<std::string> BodySpool::Take() {
  if (fd_ < 0) {
    std::string out = std::move(memory_);
    memory_.clear();
    return out;
  }
  // The tail (shorter than a chunk) is the final chunk.
  if (auto s = PushChunk(memory_, true); !s.ok()) return s;
  sodium_memzero(memory_.data(), memory_.size());
  memory_.clear();

  auto data_loss = [] { return common::Status::DataLoss("the spooled body does not decrypt"); };
  off_t end = ::lseek(fd_, 0, SEEK_END);
  if (end < static_cast<off_t>(kHeader)) return data_loss();
  auto read_at = [this](unsigned char* buf, size_t n, off_t at) {
    while (n > 0) {
      ssize_t r = ::pread(fd_, buf, n, at);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) return false;
      buf += r;
      n -= static_cast<size_t>(r);
      at += r;
    }
    return true;
  };
  unsigned char header[kHeader];
  if (!read_at(header, kHeader, 0)) return data_loss();
  crypto_secretstream_xchacha20poly1305_state pull;
  if (crypto_secretstream_xchacha20poly1305_init_pull(&pull, header, cipher_->key) != 0) {
    return data_loss();
  }
  std::string out;
  out.reserve(static_cast<size_t>(size_));
  std::vector<unsigned char> in(kChunk + kOverhead);
  std::vector<unsigned char> plain(kChunk);
  off_t at = static_cast<off_t>(kHeader);
  bool final = false;
  while (at < end) {
    if (final) return data_loss();  // bytes after the final chunk
    size_t n = static_cast<size_t>(std::min<off_t>(end - at, kChunk + kOverhead));
    if (n < kOverhead || !read_at(in.data(), n, at)) return data_loss();
    unsigned long long plain_len = 0;
    unsigned char tag = 0;
    if (crypto_secretstream_xchacha20poly1305_pull(&pull, plain.data(), &plain_len, &tag,
                                                   in.data(), n, nullptr, 0) != 0) {
      return data_loss();
    }
    out.append(reinterpret_cast<const char*>(plain.data()), static_cast<size_t>(plain_len));
    final = tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL;
    at += static_cast<off_t>(n);
  }
  sodium_memzero(plain.data(), plain.size());
  sodium_memzero(&pull, sizeof pull);
  if (!final || out.size() != size_) return data_loss();
  // The file has served its purpose; closing it frees its blocks at once.
  ::close(fd_);
  fd_ = -1;
  cipher_.reset();
  return out;
}

}  // namespace web
