#include "crypto/random.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace crypto {
namespace {

TEST(RandomTest, RandomBytesHasRequestedLengthAndVaries) {
  EXPECT_EQ(RandomBytes(0).size(), 0u);
  EXPECT_EQ(RandomBytes(64).size(), 64u);
  EXPECT_NE(RandomBytes(32), RandomBytes(32));
}

TEST(RandomTest, TokenIsUrlSafeBase64WithoutPadding) {
  std::string t = RandomToken();
  EXPECT_EQ(t.size(), 43u);  // 32 bytes = 256 bits
  for (char c : t) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_';
    EXPECT_TRUE(ok) << c;
  }
  EXPECT_EQ(RandomToken(16).size(), 22u);  // 128 bits minimum
}

TEST(RandomTest, TokensAreUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) EXPECT_TRUE(seen.insert(RandomToken(16)).second);
}

TEST(RandomTest, IdIs26LowercaseBase32Chars) {
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) {
    std::string id = RandomId();
    ASSERT_EQ(id.size(), 26u);
    for (char c : id) EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7')) << id;
    EXPECT_TRUE(seen.insert(id).second);
  }
}

TEST(RandomTest, SecureWipeClears) {
  std::string s = "secret";
  SecureWipe(s);
  EXPECT_TRUE(s.empty());
}

}  // namespace
}  // namespace crypto
