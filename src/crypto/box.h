// File: crypto/box.h
//
// Envelope encryption for meldpunt case data (promise P7), on libsodium:
//
//   per case      SecretKey case_key = SecretKey::Generate();
//   records       Seal(case_key, narrative, "case:<id>/narrative")      (AEAD)
//   files         EncryptStream(case_key, upload, out, "case:<id>/file:<id>")
//   per handler   SealKeyTo(handler.public_key, case_key)              (crypto_box_seal)
//   handler key   WrapWithPassword(handler_keys.secret_key(), password) (Argon2id)
//
// A handler logs in, UnwrapWithPassword -> KeyPair::FromSecretKey ->
// OpenSealedKey(case_key_sealed_to_them) -> Open/DecryptStream. A stolen
// database or disk holds only ciphertext, sealed keys and password-wrapped keys.
// This protects data at rest; the running server sees plaintext while a
// handler works on a case.
//
// Associated data (AD) is authenticated but not encrypted or stored: pass the
// same AD to Open as to Seal. Bind each ciphertext to where it belongs (table,
// record id, field), so that a ciphertext copied into another record or field
// fails to open (kDataLoss) instead of showing the wrong content.
//
// Error convention: kDataLoss = wrong key, tampered, truncated or malformed
// ciphertext (indistinguishable by design); kInvalidArgument = the caller
// passed a key of the wrong size. Ciphertexts carry a 1-byte format version.
// Thread-safety: all functions are thread-safe; objects are not synchronised.
#pragma once

#include <array>
#include <cstddef>
#include <iosfwd>
#include <string>
#include <string_view>

#include "common/status.h"
#include "crypto/password.h"  // Argon2Cost

namespace crypto {

inline constexpr size_t kSecretKeyBytes = 32;
inline constexpr size_t kPublicKeyBytes = 32;

// A 256-bit symmetric key for XChaCha20-Poly1305. The bytes are zeroed when
// the object is destroyed (sodium_memzero). Copies are allowed (each copy
// wipes itself); prefer moving or passing by const reference.
class SecretKey {
 public:
  // A fresh random key.
  static SecretKey Generate();
  // From exactly kSecretKeyBytes raw bytes, else kInvalidArgument.
  static common::StatusOr<SecretKey> FromBytes(std::string_view raw);

  SecretKey(const SecretKey&) = default;
  SecretKey& operator=(const SecretKey&) = default;
  ~SecretKey();

  // The raw key bytes; valid while this object lives. Handle as a secret.
  std::string_view bytes() const;

 private:
  SecretKey() = default;
  std::array<unsigned char, kSecretKeyBytes> key_{};
};

// Authenticated encryption (XChaCha20-Poly1305-IETF) of `plaintext`, binding
// `associated_data`. Output: version(1) | random nonce(24) | ciphertext | tag(16),
// i.e. plaintext.size() + 41 bytes, binary. A random 192-bit nonce per call
// makes nonce reuse under one key negligible, so one key may seal any number
// of records.
common::StatusOr<std::string> Seal(const SecretKey& key, std::string_view plaintext,
                                   std::string_view associated_data);
// Inverse of Seal. kDataLoss on wrong key, wrong AD, tampering or truncation.
common::StatusOr<std::string> Open(const SecretKey& key, std::string_view ciphertext,
                                   std::string_view associated_data);

// An X25519 key pair for crypto_box_seal (anonymous sealed boxes). The secret
// key is zeroed on destruction.
class KeyPair {
 public:
  static KeyPair Generate();
  // Rebuilds the pair from its kSecretKeyBytes secret key (the public key is
  // derived), e.g. after UnwrapWithPassword. kInvalidArgument on a wrong size.
  static common::StatusOr<KeyPair> FromSecretKey(std::string_view secret_key);

  KeyPair(const KeyPair&) = default;
  KeyPair& operator=(const KeyPair&) = default;
  ~KeyPair();

  std::string_view public_key() const;  // kPublicKeyBytes, not secret: store as is
  std::string_view secret_key() const;  // kSecretKeyBytes: store only wrapped

 private:
  KeyPair() = default;
  std::array<unsigned char, kPublicKeyBytes> public_{};
  std::array<unsigned char, kSecretKeyBytes> secret_{};
};

// Encrypts `message` so that only the holder of the secret key matching
// `public_key` can read it (crypto_box_seal: ephemeral sender key, so the
// sender cannot decrypt it afterwards either). Output is message.size() + 48
// bytes. kInvalidArgument if `public_key` is not kPublicKeyBytes.
common::StatusOr<std::string> SealToPublicKey(std::string_view public_key,
                                              std::string_view message);
// kDataLoss if the box was not sealed to `recipient` or was altered.
common::StatusOr<std::string> OpenSealed(const KeyPair& recipient, std::string_view sealed);

// Convenience for the per-case key: SealToPublicKey(pk, key.bytes()) and back.
common::StatusOr<std::string> SealKeyTo(std::string_view public_key, const SecretKey& key);
common::StatusOr<SecretKey> OpenSealedKey(const KeyPair& recipient, std::string_view sealed);

// Encrypts `secret` (e.g. KeyPair::secret_key()) under a key derived from
// `password` with Argon2id and a fresh random 128-bit salt. The blob is
// version(1) | opslimit(4, LE) | memlimit KiB(4, LE) | salt(16) | nonce(24) |
// ciphertext | tag(16); the header is authenticated as associated data, and the
// cost travels in the blob so it can be raised later without breaking old
// blobs. `cost` defaults to kArgon2Default (t=3, 64 MiB); kArgon2TestOnly is
// for unit tests only. kResourceExhausted if Argon2 cannot get its memory.
common::StatusOr<std::string> WrapWithPassword(std::string_view secret, std::string_view password,
                                               Argon2Cost cost = kArgon2Default);
// Inverse of WrapWithPassword. kPermissionDenied when the password is wrong
// (or the blob was tampered with: the two cannot be told apart); kDataLoss
// when the blob is malformed or names a cost outside t 1..16, 8 KiB..1 GiB (so
// a forged blob cannot make the server allocate without bound).
// The returned secret is the caller's to protect: turn it into a KeyPair or
// SecretKey at once and SecureWipe() the string.
common::StatusOr<std::string> UnwrapWithPassword(std::string_view blob, std::string_view password);

// Streaming encryption of files (uploads, exports) with
// crypto_secretstream_xchacha20poly1305: version(1) | header(24) | chunks, each
// chunk being up to kStreamChunkBytes of plaintext + 17 bytes. The last chunk
// carries TAG_FINAL (an empty final chunk for empty input), so truncation at
// a chunk boundary is detected; every chunk also binds `associated_data`.
// Reads `in` to its end. Memory use is O(kStreamChunkBytes).
inline constexpr size_t kStreamChunkBytes = 64 * 1024;
// Errors: kUnavailable when reading `in` or writing `out` fails.
common::Status EncryptStream(const SecretKey& key, std::istream& in, std::ostream& out,
                             std::string_view associated_data = {});
// Errors: kDataLoss on wrong key, wrong AD, tampering, reordering, truncation
// (no TAG_FINAL chunk) or bytes after the final chunk; kUnavailable on I/O
// failure. Chunks are written to `out` as they verify, so ON ERROR `out` HOLDS
// A PREFIX OF THE PLAINTEXT THAT MUST BE DISCARDED: decrypt to a temporary
// (itself protected) and use it only when the call returned OK.
common::Status DecryptStream(const SecretKey& key, std::istream& in, std::ostream& out,
                             std::string_view associated_data = {});

}  // namespace crypto
