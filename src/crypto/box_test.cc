#include "crypto/box.h"

#include <gtest/gtest.h>

#include "crypto/random.h"

namespace crypto {
namespace {

using common::StatusCode;

TEST(SecretKeyTest, GenerateAndFromBytes) {
  SecretKey a = SecretKey::Generate();
  SecretKey b = SecretKey::Generate();
  EXPECT_EQ(a.bytes().size(), kSecretKeyBytes);
  EXPECT_NE(a.bytes(), b.bytes());
  auto copy = SecretKey::FromBytes(a.bytes());
  ASSERT_TRUE(copy.ok());
  EXPECT_EQ(copy->bytes(), a.bytes());
  EXPECT_EQ(SecretKey::FromBytes("short").status().code(), StatusCode::kInvalidArgument);
}

TEST(SealTest, RoundTripWithAssociatedData) {
  SecretKey key = SecretKey::Generate();
  auto ct = Seal(key, "melding: stagebedrijf weigerde mij", "case:1/narrative");
  ASSERT_TRUE(ct.ok());
  EXPECT_EQ(ct->size(), 34u + 41u);
  EXPECT_EQ(ct->find("stagebedrijf"), std::string::npos);
  auto pt = Open(key, *ct, "case:1/narrative");
  ASSERT_TRUE(pt.ok());
  EXPECT_EQ(*pt, "melding: stagebedrijf weigerde mij");
  // Empty plaintext works too, and nonces differ per call.
  auto empty = Seal(key, "", "");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*Open(key, *empty, ""), "");
  EXPECT_NE(*Seal(key, "x", ""), *Seal(key, "x", ""));
}

TEST(SealTest, WrongKeyTamperTruncationAndAdAreDataLoss) {
  SecretKey key = SecretKey::Generate();
  auto ct = Seal(key, "geheim verhaal", "case:1/narrative");
  ASSERT_TRUE(ct.ok());
  EXPECT_EQ(Open(SecretKey::Generate(), *ct, "case:1/narrative").status().code(),
            StatusCode::kDataLoss);
  EXPECT_EQ(Open(key, *ct, "case:2/narrative").status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(Open(key, *ct, "").status().code(), StatusCode::kDataLoss);
  for (size_t i = 0; i < ct->size(); ++i) {  // every flipped byte is caught
    std::string bad = *ct;
    bad[i] = static_cast<char>(bad[i] ^ 0x01);
    EXPECT_EQ(Open(key, bad, "case:1/narrative").status().code(), StatusCode::kDataLoss) << i;
  }
  for (size_t n = 0; n < ct->size(); ++n) {
    EXPECT_EQ(Open(key, ct->substr(0, n), "case:1/narrative").status().code(),
              StatusCode::kDataLoss)
        << n;
  }
  EXPECT_EQ(Open(key, *ct + "x", "case:1/narrative").status().code(), StatusCode::kDataLoss);
}

TEST(KeyPairTest, SealedBoxRoundTrip) {
  KeyPair handler = KeyPair::Generate();
  auto sealed = SealToPublicKey(handler.public_key(), "per-case key");
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(sealed->size(), 12u + 48u);
  auto opened = OpenSealed(handler, *sealed);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(*opened, "per-case key");
}

TEST(KeyPairTest, OtherRecipientTamperAndTruncationFail) {
  KeyPair handler = KeyPair::Generate();
  KeyPair other = KeyPair::Generate();
  auto sealed = SealToPublicKey(handler.public_key(), "per-case key");
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(OpenSealed(other, *sealed).status().code(), StatusCode::kDataLoss);
  std::string bad = *sealed;
  bad.back() = static_cast<char>(bad.back() ^ 0x80);
  EXPECT_EQ(OpenSealed(handler, bad).status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(OpenSealed(handler, sealed->substr(0, 47)).status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(OpenSealed(handler, sealed->substr(0, sealed->size() - 1)).status().code(),
            StatusCode::kDataLoss);
  EXPECT_EQ(SealToPublicKey("short", "x").status().code(), StatusCode::kInvalidArgument);
}

TEST(KeyPairTest, FromSecretKeyRederivesPublicKey) {
  KeyPair kp = KeyPair::Generate();
  auto again = KeyPair::FromSecretKey(kp.secret_key());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->public_key(), kp.public_key());
  EXPECT_FALSE(KeyPair::FromSecretKey("short").ok());
}

TEST(KeyPairTest, SealKeyToEachHandler) {
  SecretKey case_key = SecretKey::Generate();
  KeyPair a = KeyPair::Generate();
  KeyPair b = KeyPair::Generate();
  auto for_a = SealKeyTo(a.public_key(), case_key);
  auto for_b = SealKeyTo(b.public_key(), case_key);
  ASSERT_TRUE(for_a.ok() && for_b.ok());
  auto ka = OpenSealedKey(a, *for_a);
  auto kb = OpenSealedKey(b, *for_b);
  ASSERT_TRUE(ka.ok() && kb.ok());
  EXPECT_EQ(ka->bytes(), case_key.bytes());
  EXPECT_EQ(kb->bytes(), case_key.bytes());
  EXPECT_FALSE(OpenSealedKey(a, *for_b).ok());
  auto not_a_key = SealToPublicKey(a.public_key(), "abc");
  ASSERT_TRUE(not_a_key.ok());
  EXPECT_EQ(OpenSealedKey(a, *not_a_key).status().code(), StatusCode::kDataLoss);
}

TEST(WrapTest, RoundTripAndWrongPasswordAtTestCost) {
  KeyPair kp = KeyPair::Generate();
  auto blob = WrapWithPassword(kp.secret_key(), "handler wachtwoord", kArgon2TestOnly);
  ASSERT_TRUE(blob.ok());
  EXPECT_EQ(blob->size(), 25u + 24u + 32u + 16u);
  auto sk = UnwrapWithPassword(*blob, "handler wachtwoord");
  ASSERT_TRUE(sk.ok());
  EXPECT_EQ(*sk, kp.secret_key());
  EXPECT_EQ(UnwrapWithPassword(*blob, "handler wachtwoorD").status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(UnwrapWithPassword(*blob, "").status().code(), StatusCode::kPermissionDenied);
}

TEST(WrapTest, TamperedOrMalformedBlobs) {
  auto blob = WrapWithPassword("secret", "pw", kArgon2TestOnly);
  ASSERT_TRUE(blob.ok());
  // Flipping the salt, nonce, ciphertext or tag: authentication fails.
  for (size_t i : {size_t{9}, size_t{30}, blob->size() - 1}) {
    std::string bad = *blob;
    bad[i] = static_cast<char>(bad[i] ^ 0x01);
    EXPECT_EQ(UnwrapWithPassword(bad, "pw").status().code(), StatusCode::kPermissionDenied) << i;
  }
  // The cost is authenticated: lowering ops (1 -> 2 here) fails too.
  std::string ops = *blob;
  ops[1] = 2;
  EXPECT_FALSE(UnwrapWithPassword(ops, "pw").ok());
  // Absurd costs are refused before any work is done.
  std::string huge = *blob;
  huge[8] = static_cast<char>(0x7f);  // memlimit ~2 TiB
  EXPECT_EQ(UnwrapWithPassword(huge, "pw").status().code(), StatusCode::kDataLoss);
  std::string zero_ops = *blob;
  zero_ops[1] = 0;
  EXPECT_EQ(UnwrapWithPassword(zero_ops, "pw").status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(UnwrapWithPassword("", "pw").status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(UnwrapWithPassword(blob->substr(0, 40), "pw").status().code(), StatusCode::kDataLoss);
  std::string version = *blob;
  version[0] = 2;
  EXPECT_EQ(UnwrapWithPassword(version, "pw").status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(WrapWithPassword("s", "pw", Argon2Cost{0, 8192}).status().code(),
            StatusCode::kInvalidArgument);
}

// One run at the production cost, to show the default parameters work.
TEST(WrapTest, DefaultCostRoundTrip) {
  auto blob = WrapWithPassword("handler private key", "lang wachtwoord");
  ASSERT_TRUE(blob.ok());
  EXPECT_EQ(static_cast<unsigned char>((*blob)[1]), 3u);  // opslimit 3
  auto back = UnwrapWithPassword(*blob, "lang wachtwoord");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, "handler private key");
}

}  // namespace
}  // namespace crypto
