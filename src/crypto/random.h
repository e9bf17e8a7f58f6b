// File: crypto/random.h
//
// Unpredictable bytes, tokens and record ids, all drawn from libsodium's
// CSPRNG (randombytes_buf, i.e. getrandom(2) on Linux). Never use <random> or
// rand() for anything an attacker could benefit from guessing.
//
//   std::string session = crypto::RandomToken();   // 256 bits, URL-safe
//   std::string case_id = crypto::RandomId();      // 128 bits, 26 chars
//
// Thread-safety: every function here may be called from any thread.
#pragma once

#include <cstddef>
#include <string>

namespace crypto {

// Initialises libsodium exactly once per process (thread-safe). Every function
// in this module calls it, so callers never need to; it is public so that
// main() can fail fast at start-up instead of on the first request.
// Aborts the process if libsodium cannot initialise: nothing secure can be
// done without a working CSPRNG, so failing closed is the only safe choice.
void EnsureSodiumInitialized();

// `n` bytes from the CSPRNG (binary, may contain NUL).
std::string RandomBytes(size_t n);

// `bytes` random bytes as URL-safe base64 without padding (alphabet
// A-Z a-z 0-9 - _). Default 32 bytes = 256 bits = 43 characters.
// Use for session ids, CSRF tokens, invitation links and API tokens; those
// need at least 128 bits, so `bytes` must be >= 16 (asserted in debug builds).
std::string RandomToken(size_t bytes = 32);

// A 128-bit random record id: 26 lowercase RFC 4648 base32 characters
// (a-z, 2-7). Ids appear in URLs, so they must not be guessable or
// enumerable the way sequential integers are.
std::string RandomId();

// Overwrites the string's bytes with zeros (in a way the compiler cannot
// optimise out) and clears it. Use on std::strings that held secrets before
// they go out of scope. Note that earlier reallocations of `s` may have left
// copies this cannot reach.
void SecureWipe(std::string& s);

}  // namespace crypto
