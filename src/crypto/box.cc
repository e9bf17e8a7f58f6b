#include "crypto/box.h"

#include <sodium.h>

#include <algorithm>
#include <cstdint>

#include "crypto/internal_bytes.h"
#include "crypto/random.h"

namespace crypto {
namespace {

using internal::U;

constexpr char kSealVersion = 0x01;
constexpr char kWrapVersion = 0x01;
constexpr size_t kNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;  // 24
constexpr size_t kTagBytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;       // 16
constexpr size_t kSaltBytes = crypto_pwhash_SALTBYTES;                        // 16
constexpr size_t kWrapHeaderBytes = 1 + 4 + 4 + kSaltBytes;

// Bounds on the cost a wrapped blob may ask for (see UnwrapWithPassword).
constexpr uint32_t kMaxWrapOps = 16;
constexpr uint32_t kMinWrapMemKiB = 8;
constexpr uint32_t kMaxWrapMemKiB = 1024 * 1024;  // 1 GiB

static_assert(kSecretKeyBytes == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
static_assert(kSecretKeyBytes == crypto_box_SECRETKEYBYTES);
static_assert(kPublicKeyBytes == crypto_box_PUBLICKEYBYTES);
static_assert(kSecretKeyBytes == crypto_secretstream_xchacha20poly1305_KEYBYTES);

void PutLe32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint32_t GetLe32(std::string_view in) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(in[static_cast<size_t>(i)]);
  return v;
}

// AEAD-encrypts `plaintext` under raw 32-byte `key`, appending nonce | ct | tag
// to `out` (which already holds any prefix, e.g. the version byte).
void AeadSealAppend(const unsigned char* key, std::string_view plaintext, std::string_view ad,
                    std::string& out) {
  const size_t prefix = out.size();
  out.resize(prefix + kNonceBytes + plaintext.size() + kTagBytes);
  unsigned char* nonce = U(out) + prefix;
  randombytes_buf(nonce, kNonceBytes);
  unsigned long long ct_len = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(nonce + kNonceBytes, &ct_len, U(plaintext),
                                             plaintext.size(), U(ad), ad.size(), nullptr, nonce,
                                             key);
}

// Inverse of AeadSealAppend for `body` = nonce | ct | tag; false on failure.
bool AeadOpen(const unsigned char* key, std::string_view body, std::string_view ad,
              std::string& plaintext) {
  if (body.size() < kNonceBytes + kTagBytes) return false;
  plaintext.assign(body.size() - kNonceBytes - kTagBytes, '\0');
  unsigned long long pt_len = 0;
  const unsigned char* nonce = U(body);
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(U(plaintext), &pt_len, nullptr,
                                                 nonce + kNonceBytes, body.size() - kNonceBytes,
                                                 U(ad), ad.size(), nonce, key) != 0) {
    plaintext.clear();  // libsodium writes nothing on failure; keep it that way
    return false;
  }
  return true;
}

// The AD actually authenticated by Seal: the version byte, then the caller's
// AD, so a future format cannot be confused with this one.
std::string SealAd(std::string_view associated_data) {
  std::string ad(1, kSealVersion);
  ad.append(associated_data);
  return ad;
}

}  // namespace

// --- SecretKey -------------------------------------------------------------

SecretKey SecretKey::Generate() {
  EnsureSodiumInitialized();
  SecretKey key;
  crypto_aead_xchacha20poly1305_ietf_keygen(key.key_.data());
  return key;
}

common::StatusOr<SecretKey> SecretKey::FromBytes(std::string_view raw) {
  if (raw.size() != kSecretKeyBytes) {
    return common::Status::InvalidArgument("secret key must be 32 bytes");
  }
  SecretKey key;
  std::copy(raw.begin(), raw.end(), key.key_.begin());
  return key;
}

SecretKey::~SecretKey() { sodium_memzero(key_.data(), key_.size()); }

std::string_view SecretKey::bytes() const {
  return {reinterpret_cast<const char*>(key_.data()), key_.size()};
}

common::StatusOr<std::string> Seal(const SecretKey& key, std::string_view plaintext,
                                   std::string_view associated_data) {
  if (plaintext.size() > crypto_aead_xchacha20poly1305_ietf_MESSAGEBYTES_MAX - 64) {
    return common::Status::InvalidArgument("plaintext too large");
  }
  EnsureSodiumInitialized();
  std::string out(1, kSealVersion);
  AeadSealAppend(U(key.bytes()), plaintext, SealAd(associated_data), out);
  return out;
}

common::StatusOr<std::string> Open(const SecretKey& key, std::string_view ciphertext,
                                   std::string_view associated_data) {
  if (ciphertext.empty() || ciphertext.front() != kSealVersion) {
    return common::Status::DataLoss("sealed record: unknown format");
  }
  EnsureSodiumInitialized();
  std::string plaintext;
  if (!AeadOpen(U(key.bytes()), ciphertext.substr(1), SealAd(associated_data), plaintext)) {
    return common::Status::DataLoss("sealed record: wrong key, tampered or truncated");
  }
  return plaintext;
}

// --- KeyPair ---------------------------------------------------------------

KeyPair KeyPair::Generate() {
  EnsureSodiumInitialized();
  KeyPair kp;
  crypto_box_keypair(kp.public_.data(), kp.secret_.data());
  return kp;
}

common::StatusOr<KeyPair> KeyPair::FromSecretKey(std::string_view secret_key) {
  if (secret_key.size() != kSecretKeyBytes) {
    return common::Status::InvalidArgument("box secret key must be 32 bytes");
  }
  EnsureSodiumInitialized();
  KeyPair kp;
  std::copy(secret_key.begin(), secret_key.end(), kp.secret_.begin());
  if (crypto_scalarmult_base(kp.public_.data(), kp.secret_.data()) != 0) {
    return common::Status::InvalidArgument("box secret key is invalid");
  }
  return kp;
}

KeyPair::~KeyPair() { sodium_memzero(secret_.data(), secret_.size()); }

std::string_view KeyPair::public_key() const {
  return {reinterpret_cast<const char*>(public_.data()), public_.size()};
}

std::string_view KeyPair::secret_key() const {
  return {reinterpret_cast<const char*>(secret_.data()), secret_.size()};
}

common::StatusOr<std::string> SealToPublicKey(std::string_view public_key,
                                              std::string_view message) {
  if (public_key.size() != kPublicKeyBytes) {
    return common::Status::InvalidArgument("public key must be 32 bytes");
  }
  EnsureSodiumInitialized();
  std::string out(message.size() + crypto_box_SEALBYTES, '\0');
  if (crypto_box_seal(U(out), U(message), message.size(), U(public_key)) != 0) {
    return common::Status::InvalidArgument("public key is invalid");
  }
  return out;
}

common::StatusOr<std::string> OpenSealed(const KeyPair& recipient, std::string_view sealed) {
  if (sealed.size() < crypto_box_SEALBYTES) {
    return common::Status::DataLoss("sealed box: truncated");
  }
  EnsureSodiumInitialized();
  std::string out(sealed.size() - crypto_box_SEALBYTES, '\0');
  if (crypto_box_seal_open(U(out), U(sealed), sealed.size(), U(recipient.public_key()),
                           U(recipient.secret_key())) != 0) {
    return common::Status::DataLoss("sealed box: not for this key, or tampered");
  }
  return out;
}

common::StatusOr<std::string> SealKeyTo(std::string_view public_key, const SecretKey& key) {
  return SealToPublicKey(public_key, key.bytes());
}

common::StatusOr<SecretKey> OpenSealedKey(const KeyPair& recipient, std::string_view sealed) {
  common::StatusOr<std::string> raw = OpenSealed(recipient, sealed);
  if (!raw.ok()) return raw.status();
  common::StatusOr<SecretKey> key = SecretKey::FromBytes(*raw);
  SecureWipe(*raw);
  if (!key.ok()) return common::Status::DataLoss("sealed box: does not hold a secret key");
  return key;
}

// --- Password wrapping -----------------------------------------------------

common::StatusOr<std::string> WrapWithPassword(std::string_view secret, std::string_view password,
                                               Argon2Cost cost) {
  const uint64_t mem_kib = cost.memlimit / 1024;
  if (cost.opslimit < 1 || cost.opslimit > kMaxWrapOps || mem_kib < kMinWrapMemKiB ||
      mem_kib > kMaxWrapMemKiB || cost.memlimit % 1024 != 0) {
    return common::Status::InvalidArgument("argon2id cost out of range");
  }
  if (password.size() > kMaxPasswordBytes) {
    return common::Status::InvalidArgument("password too long", "password");
  }
  EnsureSodiumInitialized();
  std::string out(1, kWrapVersion);
  PutLe32(out, static_cast<uint32_t>(cost.opslimit));
  PutLe32(out, static_cast<uint32_t>(mem_kib));
  out.append(RandomBytes(kSaltBytes));

  unsigned char kek[kSecretKeyBytes];
  if (crypto_pwhash(kek, sizeof kek, password.data(), password.size(), U(out) + 9,
                    cost.opslimit, cost.memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return common::Status::ResourceExhausted("argon2id: out of memory");
  }
  const std::string header = out;
  AeadSealAppend(kek, secret, header, out);
  sodium_memzero(kek, sizeof kek);
  return out;
}

common::StatusOr<std::string> UnwrapWithPassword(std::string_view blob,
                                                 std::string_view password) {
  if (blob.size() < kWrapHeaderBytes + kNonceBytes + kTagBytes || blob.front() != kWrapVersion) {
    return common::Status::DataLoss("wrapped key: malformed");
  }
  const uint32_t ops = GetLe32(blob.substr(1, 4));
  const uint32_t mem_kib = GetLe32(blob.substr(5, 4));
  if (ops < 1 || ops > kMaxWrapOps || mem_kib < kMinWrapMemKiB || mem_kib > kMaxWrapMemKiB) {
    return common::Status::DataLoss("wrapped key: cost out of range");
  }
  if (password.size() > kMaxPasswordBytes) {
    return common::Status::PermissionDenied("wrapped key: wrong password");
  }
  EnsureSodiumInitialized();
  unsigned char kek[kSecretKeyBytes];
  if (crypto_pwhash(kek, sizeof kek, password.data(), password.size(), U(blob) + 9, ops,
                    size_t{mem_kib} * 1024, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return common::Status::ResourceExhausted("argon2id: out of memory");
  }
  std::string secret;
  const bool ok = AeadOpen(kek, blob.substr(kWrapHeaderBytes), blob.substr(0, kWrapHeaderBytes),
                           secret);
  sodium_memzero(kek, sizeof kek);
  if (!ok) return common::Status::PermissionDenied("wrapped key: wrong password");
  return secret;
}

}  // namespace crypto
