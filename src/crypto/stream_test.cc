#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "crypto/box.h"
#include "crypto/random.h"

namespace crypto {
namespace {

using common::StatusCode;

std::string Encrypt(const SecretKey& key, const std::string& plain, std::string_view ad = {}) {
  std::istringstream in(plain);
  std::ostringstream out;
  EXPECT_TRUE(EncryptStream(key, in, out, ad).ok());
  return out.str();
}

common::Status Decrypt(const SecretKey& key, const std::string& ct, std::string* plain,
                       std::string_view ad = {}) {
  std::istringstream in(ct);
  std::ostringstream out;
  common::Status s = DecryptStream(key, in, out, ad);
  *plain = out.str();
  return s;
}

constexpr size_t kOverhead = 17;
constexpr size_t kPrefix = 25;

TEST(StreamTest, RoundTripsAtChunkBoundaries) {
  SecretKey key = SecretKey::Generate();
  for (size_t size : {size_t{0}, size_t{1}, kStreamChunkBytes - 1, kStreamChunkBytes,
                      kStreamChunkBytes + 1, 3 * kStreamChunkBytes, 3 * kStreamChunkBytes + 7}) {
    std::string plain = RandomBytes(size);
    std::string ct = Encrypt(key, plain, "file:1");
    size_t chunks = size == 0 ? 1 : (size + kStreamChunkBytes - 1) / kStreamChunkBytes;
    EXPECT_EQ(ct.size(), kPrefix + size + chunks * kOverhead) << size;
    std::string back;
    ASSERT_TRUE(Decrypt(key, ct, &back, "file:1").ok()) << size;
    EXPECT_EQ(back, plain) << size;
  }
}

TEST(StreamTest, WrongKeyOrAdIsDataLoss) {
  SecretKey key = SecretKey::Generate();
  std::string ct = Encrypt(key, "upload bytes", "file:1");
  std::string back;
  EXPECT_EQ(Decrypt(SecretKey::Generate(), ct, &back, "file:1").code(), StatusCode::kDataLoss);
  EXPECT_EQ(Decrypt(key, ct, &back, "file:2").code(), StatusCode::kDataLoss);
  EXPECT_TRUE(back.empty());
}

TEST(StreamTest, TruncationIsDetected) {
  SecretKey key = SecretKey::Generate();
  std::string plain = RandomBytes(2 * kStreamChunkBytes + 100);
  std::string ct = Encrypt(key, plain);
  std::string back;
  // Cut exactly after the first and after the second full chunk: each chunk
  // verifies on its own, only the missing TAG_FINAL gives it away.
  for (size_t chunks : {1, 2}) {
    size_t cut = kPrefix + chunks * (kStreamChunkBytes + kOverhead);
    EXPECT_EQ(Decrypt(key, ct.substr(0, cut), &back).code(), StatusCode::kDataLoss) << chunks;
  }
  for (size_t cut : {size_t{0}, size_t{1}, kPrefix, kPrefix + 10, ct.size() - 1}) {
    EXPECT_EQ(Decrypt(key, ct.substr(0, cut), &back).code(), StatusCode::kDataLoss) << cut;
  }
  // An empty input still gets a final chunk, so dropping it is caught.
  std::string empty = Encrypt(key, "");
  EXPECT_EQ(Decrypt(key, empty.substr(0, kPrefix), &back).code(), StatusCode::kDataLoss);
}

TEST(StreamTest, TamperingReorderingAndTrailingDataAreDetected) {
  SecretKey key = SecretKey::Generate();
  std::string plain = RandomBytes(2 * kStreamChunkBytes + 100);
  std::string ct = Encrypt(key, plain);
  std::string back;
  for (size_t i : {size_t{0}, size_t{5}, kPrefix + 3, kPrefix + kStreamChunkBytes + 20,
                   ct.size() - 1}) {
    std::string bad = ct;
    bad[i] = static_cast<char>(bad[i] ^ 0x04);
    EXPECT_EQ(Decrypt(key, bad, &back).code(), StatusCode::kDataLoss) << i;
  }
  const size_t c = kStreamChunkBytes + kOverhead;
  std::string swapped = ct.substr(0, kPrefix) + ct.substr(kPrefix + c, c) +
                        ct.substr(kPrefix, c) + ct.substr(kPrefix + 2 * c);
  EXPECT_EQ(Decrypt(key, swapped, &back).code(), StatusCode::kDataLoss);
  EXPECT_EQ(Decrypt(key, ct + "x", &back).code(), StatusCode::kDataLoss);
  EXPECT_EQ(Decrypt(key, ct + Encrypt(key, "more"), &back).code(), StatusCode::kDataLoss);
}

TEST(StreamTest, EncryptionIsRandomised) {
  SecretKey key = SecretKey::Generate();
  EXPECT_NE(Encrypt(key, "same"), Encrypt(key, "same"));
}

}  // namespace
}  // namespace crypto
