#include "crypto/hash.h"

#include <gtest/gtest.h>

namespace crypto {
namespace {

TEST(HashTest, Sha256KnownVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256("abc").size(), 32u);
}

TEST(HashTest, HmacSha256Rfc4231) {
  // RFC 4231 test case 2 (short key) and 1 (20-byte key).
  EXPECT_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(HmacSha256Hex(std::string(20, '\x0b'), "Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  // Keys longer than the block size are hashed first (test case 6).
  EXPECT_EQ(HmacSha256Hex(std::string(131, '\xaa'),
                          "Test Using Larger Than Block-Size Key - Hash Key First"),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(HashTest, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
  EXPECT_FALSE(ConstantTimeEquals("", "a"));
}

TEST(HashTest, HexRoundTrip) {
  EXPECT_EQ(HexEncode(std::string("\x00\xff\x10", 3)), "00ff10");
  auto d = HexDecode("00FF10");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, std::string("\x00\xff\x10", 3));
  EXPECT_FALSE(HexDecode("abc").ok());
  EXPECT_FALSE(HexDecode("zz").ok());
}

TEST(HashTest, Base32Rfc4648Vectors) {
  // RFC 4648 §10.
  const char* const kVectors[][2] = {{"", ""},           {"f", "MY======"},
                                     {"fo", "MZXQ===="}, {"foo", "MZXW6==="},
                                     {"foob", "MZXW6YQ="}, {"fooba", "MZXW6YTB"},
                                     {"foobar", "MZXW6YTBOI======"}};
  for (const auto& v : kVectors) {
    EXPECT_EQ(Base32Encode(v[0], /*pad=*/true), v[1]);
    auto d = Base32Decode(v[1]);
    ASSERT_TRUE(d.ok()) << v[1];
    EXPECT_EQ(*d, v[0]);
  }
  EXPECT_EQ(Base32Encode("foobar"), "MZXW6YTBOI");
  auto lower = Base32Decode("mzxw6ytboi");
  ASSERT_TRUE(lower.ok());
  EXPECT_EQ(*lower, "foobar");
}

TEST(HashTest, Base32RejectsGarbage) {
  EXPECT_FALSE(Base32Decode("MZXW6YT1").ok());   // '1' not in alphabet
  EXPECT_FALSE(Base32Decode("M").ok());          // impossible length
  EXPECT_FALSE(Base32Decode("MZXW6YTBO").ok());  // impossible length
  EXPECT_FALSE(Base32Decode("MZ").ok());         // "MY" is the only encoding of "f"
  EXPECT_FALSE(Base32Decode("MZ XW").ok());
}

TEST(HashTest, Base32BinaryRoundTrip) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (size_t n = 0; n <= all.size(); n += 7) {
    auto d = Base32Decode(Base32Encode(all.substr(0, n)));
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(*d, all.substr(0, n));
  }
}

}  // namespace
}  // namespace crypto
