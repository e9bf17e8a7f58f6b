// File: crypto/internal_bytes.h
//
// Internal to src/crypto: casts between the std::string / std::string_view the
// module's API speaks and the unsigned char pointers libsodium wants, kept in
// one place so the reinterpret_casts are not scattered over every file.
#pragma once

#include <string>
#include <string_view>

namespace crypto::internal {

inline const unsigned char* U(std::string_view s) {
  // The pointer is into the caller's bytes, not into the view; cppcheck
  // mistakes the view for a local buffer.
  // cppcheck-suppress returnDanglingLifetime
  return reinterpret_cast<const unsigned char*>(s.data());
}
inline unsigned char* U(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

}  // namespace crypto::internal
