#include "crypto/totp.h"

#include <gtest/gtest.h>

#include "crypto/hash.h"

namespace crypto {
namespace {

// RFC 6238 appendix B uses the ASCII secret "12345678901234567890" for SHA-1.
const std::string kRfcSecret = Base32Encode("12345678901234567890");

TEST(TotpTest, Rfc6238AppendixBSha1Vectors) {
  EXPECT_EQ(kRfcSecret, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
  const struct {
    int64_t t;
    const char* code;
  } kVectors[] = {{59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
                  {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"}};
  for (const auto& v : kVectors) {
    auto code = TotpCode(kRfcSecret, v.t, 8);
    ASSERT_TRUE(code.ok()) << code.status().ToString();
    EXPECT_EQ(*code, v.code) << "T=" << v.t;
  }
  // 6-digit codes are the last 6 digits of the same truncation.
  auto six = TotpCode(kRfcSecret, 59);
  ASSERT_TRUE(six.ok());
  EXPECT_EQ(*six, "287082");
}

TEST(TotpTest, VerifyReturnsMatchedStep) {
  auto step = VerifyTotp(kRfcSecret, "287082", 59, kTotpNeverUsed);
  ASSERT_TRUE(step.ok()) << step.status().ToString();
  EXPECT_EQ(*step, 1);  // 59 / 30
  EXPECT_EQ(TotpStep(59), 1);
  EXPECT_EQ(TotpStep(60), 2);
}

TEST(TotpTest, ReplayIsRejected) {
  const int64_t now = 1111111111;
  auto code = TotpCode(kRfcSecret, now);
  ASSERT_TRUE(code.ok());
  auto first = VerifyTotp(kRfcSecret, *code, now, kTotpNeverUsed);
  ASSERT_TRUE(first.ok());
  auto again = VerifyTotp(kRfcSecret, *code, now + 5, *first);
  EXPECT_EQ(again.status().code(), common::StatusCode::kUnauthenticated);
  EXPECT_EQ(again.status().message().rfind("replayed", 0), 0u);
  // An earlier step's code is refused too, even inside the window.
  auto previous = TotpCode(kRfcSecret, now - 30);
  ASSERT_TRUE(previous.ok());
  EXPECT_FALSE(VerifyTotp(kRfcSecret, *previous, now, *first).ok());
  // The next step's code is accepted and moves the step forward.
  auto next = TotpCode(kRfcSecret, now + 30);
  ASSERT_TRUE(next.ok());
  auto later = VerifyTotp(kRfcSecret, *next, now + 30, *first);
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(*later, *first + 1);
}

TEST(TotpTest, WindowEdges) {
  const int64_t now = 2000000000;  // step 66666666, 20 s into it
  const int64_t step = TotpStep(now);
  for (int delta : {-1, 0, 1}) {
    auto code = TotpCode(kRfcSecret, (step + delta) * kTotpStepSeconds);
    ASSERT_TRUE(code.ok());
    auto got = VerifyTotp(kRfcSecret, *code, now, kTotpNeverUsed);
    ASSERT_TRUE(got.ok()) << delta;
    EXPECT_EQ(*got, step + delta);
  }
  for (int delta : {-2, 2}) {
    auto code = TotpCode(kRfcSecret, (step + delta) * kTotpStepSeconds);
    ASSERT_TRUE(code.ok());
    auto got = VerifyTotp(kRfcSecret, *code, now, kTotpNeverUsed);
    EXPECT_EQ(got.status().code(), common::StatusCode::kUnauthenticated) << delta;
    EXPECT_EQ(got.status().message().rfind("mismatch", 0), 0u);
    EXPECT_TRUE(VerifyTotp(kRfcSecret, *code, now, kTotpNeverUsed, 2).ok());
  }
  // Window 0 accepts only the current step.
  auto prev = TotpCode(kRfcSecret, (step - 1) * kTotpStepSeconds);
  ASSERT_TRUE(prev.ok());
  EXPECT_FALSE(VerifyTotp(kRfcSecret, *prev, now, kTotpNeverUsed, 0).ok());
}

TEST(TotpTest, MalformedCodesAndArguments) {
  for (const char* bad : {"", "12345", "1234567", "12345a", "12-456", "１２３４５６", "123456 7"}) {
    auto got = VerifyTotp(kRfcSecret, bad, 59, kTotpNeverUsed);
    EXPECT_EQ(got.status().code(), common::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(got.status().field(), "totp_code");
  }
  EXPECT_TRUE(VerifyTotp(kRfcSecret, "287 082", 59, kTotpNeverUsed).ok());
  EXPECT_FALSE(VerifyTotp("not base32!", "287082", 59, kTotpNeverUsed).ok());
  EXPECT_FALSE(VerifyTotp("", "287082", 59, kTotpNeverUsed).ok());
  EXPECT_FALSE(VerifyTotp(kRfcSecret, "287082", 59, kTotpNeverUsed, -1).ok());
  EXPECT_FALSE(VerifyTotp(kRfcSecret, "287082", 59, kTotpNeverUsed, kTotpMaxWindow + 1).ok());
  EXPECT_FALSE(VerifyTotp(kRfcSecret, "287082", -1, kTotpNeverUsed).ok());
  EXPECT_FALSE(TotpCode(kRfcSecret, 59, 5).ok());
  EXPECT_FALSE(TotpCode(kRfcSecret, 59, 9).ok());
}

TEST(TotpTest, NewSecretIs160BitBase32) {
  std::string s = NewTotpSecretBase32();
  EXPECT_EQ(s.size(), 32u);
  auto raw = Base32Decode(s);
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(raw->size(), 20u);
  EXPECT_NE(s, NewTotpSecretBase32());
  // Lower case and spaces, as people copy it, still work.
  auto code = TotpCode(s, 1700000000);
  ASSERT_TRUE(code.ok());
  std::string spaced;
  for (char c : s) {
    spaced.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
    if (spaced.size() % 5 == 4) spaced.push_back(' ');
  }
  EXPECT_TRUE(VerifyTotp(spaced, *code, 1700000000, kTotpNeverUsed).ok());
}

TEST(TotpTest, ProvisioningUri) {
  EXPECT_EQ(TotpProvisioningUri("Stagepunt ROC", "jan@roc.nl", "JBSWY3DPEHPK3PXP"),
            "otpauth://totp/Stagepunt%20ROC:jan%40roc.nl?secret=JBSWY3DPEHPK3PXP"
            "&issuer=Stagepunt%20ROC&algorithm=SHA1&digits=6&period=30");
}

}  // namespace
}  // namespace crypto
