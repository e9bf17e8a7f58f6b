#include "crypto/random.h"

#include <sodium.h>

#include <cassert>
#include <cstdlib>

#include "crypto/hash.h"

namespace crypto {

void EnsureSodiumInitialized() {
  // A function-local static is initialised once, thread-safely (C++11 "magic
  // statics"). sodium_init() itself is idempotent; the static only saves the
  // call on every use.
  static const bool initialised = [] {
    if (sodium_init() < 0) std::abort();  // no CSPRNG: fail closed
    return true;
  }();
  (void)initialised;
}

std::string RandomBytes(size_t n) {
  EnsureSodiumInitialized();
  std::string out(n, '\0');
  if (n > 0) randombytes_buf(out.data(), n);
  return out;
}

std::string RandomToken(size_t bytes) {
  assert(bytes >= 16 && "tokens need at least 128 bits");
  std::string raw = RandomBytes(bytes);
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_ENCODED_LEN(bytes, kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(raw.data()),
                    raw.size(), kVariant);
  out.resize(out.size() - 1);  // ENCODED_LEN counts the terminating NUL
  SecureWipe(raw);
  return out;
}

std::string RandomId() {
  // 16 bytes = 128 bits; base32 of 128 bits is ceil(128/5) = 26 characters.
  std::string out = Base32Encode(RandomBytes(16));
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

void SecureWipe(std::string& s) {
  if (!s.empty()) sodium_memzero(s.data(), s.size());
  s.clear();
}

}  // namespace crypto
