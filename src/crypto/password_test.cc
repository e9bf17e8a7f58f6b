#include "crypto/password.h"

#include <gtest/gtest.h>

#include <string>

namespace crypto {
namespace {

std::string Reason(std::string_view pw, std::string_view login = "student@school.nl") {
  common::Status s = CheckPasswordPolicy(pw, login);
  if (!s.ok()) {
    EXPECT_EQ(s.field(), "password");
  }
  return std::string(PolicyReasonCode(s));
}

// The only test at full cost: it proves the stored parameters meet P5.
TEST(PasswordTest, DefaultCostIsArgon2idT3M64MiB) {
  auto hash = HashPassword("lange zin over een fiets");
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ(hash->rfind("$argon2id$v=19$m=65536,t=3,p=1$", 0), 0u) << *hash;
  EXPECT_TRUE(VerifyPassword(*hash, "lange zin over een fiets"));
  EXPECT_FALSE(VerifyPassword(*hash, "lange zin over een fietS"));
  EXPECT_FALSE(NeedsRehash(*hash));
}

TEST(PasswordTest, TestCostHashVerifiesAndNeedsRehash) {
  auto a = HashPassword("geheime zin", kArgon2TestOnly);
  auto b = HashPassword("geheime zin", kArgon2TestOnly);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);  // fresh salt each time
  EXPECT_TRUE(VerifyPassword(*a, "geheime zin"));
  EXPECT_FALSE(VerifyPassword(*a, "geheime zi"));
  EXPECT_FALSE(VerifyPassword(*a, ""));
  EXPECT_TRUE(NeedsRehash(*a));
}

TEST(PasswordTest, MalformedHashesFailClosed) {
  EXPECT_FALSE(VerifyPassword("", "x"));
  EXPECT_FALSE(VerifyPassword("$argon2id$garbage", "x"));
  EXPECT_FALSE(VerifyPassword(std::string("$argon2id$\0x", 12), "x"));
  EXPECT_FALSE(VerifyPassword(std::string(500, 'a'), "x"));
  EXPECT_TRUE(NeedsRehash(""));
  EXPECT_TRUE(NeedsRehash("$2y$10$bcrypthashbcrypthash"));
  EXPECT_TRUE(NeedsRehash("$argon2id$garbage"));
}

TEST(PasswordTest, RefusesHugePasswords) {
  std::string huge(kMaxPasswordBytes + 1, 'x');
  EXPECT_EQ(HashPassword(huge, kArgon2TestOnly).status().code(),
            common::StatusCode::kInvalidArgument);
  auto h = HashPassword("abc", kArgon2TestOnly);
  ASSERT_TRUE(h.ok());
  EXPECT_FALSE(VerifyPassword(*h, huge));
}

TEST(PasswordPolicyTest, AcceptsLongUncommonPasswords) {
  EXPECT_EQ(Reason("paarse olifant op stage"), "");
  EXPECT_EQ(Reason("Xk7#mQ2!vL9p"), "");          // exactly 12
  EXPECT_EQ(Reason("alllowercaseletters"), "");   // no composition rules
  EXPECT_EQ(Reason("ŝčřžýáíéůúóö"), "");          // 12 code points, 24 bytes
  EXPECT_EQ(Reason(std::string(64, 'a') + std::string(64, 'b')), "");  // 128 ok
}

TEST(PasswordPolicyTest, LengthInCodePoints) {
  EXPECT_EQ(Reason(""), "too_short");
  EXPECT_EQ(Reason("Xk7#mQ2!vL9"), "too_short");  // 11
  EXPECT_EQ(Reason("ŝčřžýáíéůúó"), "too_short");  // 11 code points, 22 bytes
  EXPECT_EQ(Reason(std::string(65, 'a') + std::string(64, 'b')), "too_long");
  // 128 four-byte code points = 512 bytes is still fine.
  std::string emoji;
  for (int i = 0; i < 64; ++i) emoji += "\xF0\x9F\x98\x80\xF0\x9F\x98\x81";
  EXPECT_EQ(Reason(emoji), "");
}

TEST(PasswordPolicyTest, RejectsInvalidUtf8) {
  EXPECT_EQ(Reason("abcdefghijkl\xff"), "invalid_utf8");
  EXPECT_EQ(Reason("abcdefghijkl\xc0\xaf"), "invalid_utf8");      // overlong '/'
  EXPECT_EQ(Reason("abcdefghijkl\xed\xa0\x80"), "invalid_utf8");  // surrogate
  EXPECT_EQ(Reason("abcdefghijkl\xe2\x82"), "invalid_utf8");      // truncated
  EXPECT_EQ(Reason("abcdefghijkl\xf4\x90\x80\x80"), "invalid_utf8");  // > U+10FFFF
}

TEST(PasswordPolicyTest, RejectsLogin) {
  EXPECT_EQ(Reason("Jan.Jansen2024!", "jan.jansen@roc.nl"), "contains_login");
  EXPECT_EQ(Reason("mijn jan.jansen zin", "JAN.JANSEN@roc.nl"), "contains_login");
  EXPECT_EQ(Reason("docentbakker1", "docentbakker1"), "contains_login");
  // A 2-character local part is only checked for equality.
  EXPECT_EQ(Reason("paarse olifant jo", "jo@roc.nl"), "");
}

TEST(PasswordPolicyTest, RejectsCommonPasswordsAndVariants) {
  for (const char* pw : {"Welkom2024!!", "wachtwoord123", "Feyenoord1908", "WACHTWOORD!!!!",
                         "password1234", "qwertyuiop123", "!!2024welkom!!", "1234567890123",
                         "voetbal12345", "Schatje123456", "zomer2024!!!!", "ajax12345678",
                         "iloveyou1234", "aaaaaaaaaaaa", "111111111111", "geheim2023!!!"}) {
    EXPECT_EQ(Reason(pw), "common") << pw;
  }
  // A common word inside a longer passphrase is fine.
  EXPECT_EQ(Reason("welkom bij de fietsenmaker"), "");
}

TEST(PasswordPolicyTest, ReasonCodeOfOkIsEmpty) {
  EXPECT_EQ(PolicyReasonCode(common::Status::Ok()), "");
}

}  // namespace
}  // namespace crypto
