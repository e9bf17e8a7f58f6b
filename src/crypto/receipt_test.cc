#include "crypto/receipt.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <cstring>
#include <stdexcept>
#include <unordered_set>

#include "crypto/random.h"

namespace crypto {
namespace {

TEST(ReceiptTest, EntropyIsAtLeast80Bits) {
  EXPECT_EQ(kReceiptAlphabet.size(), 32u);
  EXPECT_GE(kReceiptEntropyBits, 80);
  EXPECT_EQ(kReceiptEntropyBits, static_cast<int>(kReceiptChars) * 5);
}

// A fake randombytes implementation that returns zeros and counts calls, to
// prove that codes come from libsodium's CSPRNG interface (P1) and nothing else.
int g_fake_calls = 0;
const char* FakeName() { return "fake"; }
uint32_t FakeRandom() { return 0; }
void FakeBuf(void* buf, size_t size) {
  ++g_fake_calls;
  std::memset(buf, 0, size);
}
randombytes_implementation kFakeRandom = {FakeName, FakeRandom, nullptr, nullptr, FakeBuf, nullptr};

TEST(ReceiptTest, CodesComeFromRandombytesBuf) {
  EnsureSodiumInitialized();
  const std::string before = randombytes_implementation_name();
  ASSERT_EQ(randombytes_set_implementation(&kFakeRandom), 0);
  const std::string code = NewReceiptCode();
  const int calls = g_fake_calls;
  // Restore the real CSPRNG before any assertion can return early.
  randombytes_set_implementation(before == "internal" ? &randombytes_internal_implementation
                                                      : &randombytes_sysrandom_implementation);
  EXPECT_EQ(before == "internal" || before == "sysrandom", true) << before;
  EXPECT_GE(calls, 1);
  EXPECT_EQ(code, "0000-0000-0000-0000-0000-0000");
  EXPECT_NE(NewReceiptCode(), "0000-0000-0000-0000-0000-0000");
}

// P1: many codes, right shape, right alphabet, no duplicates, and every
// symbol used (a crude check that generation is not stuck or biased to a
// subset). 2 x 10^5 keeps this well under a second.
TEST(ReceiptTest, GeneratedCodesHaveShapeAlphabetAndNoDuplicates) {
  constexpr int kCodes = 200000;
  std::unordered_set<std::string> seen;
  seen.reserve(kCodes);
  int symbol_counts[32] = {};
  for (int i = 0; i < kCodes; ++i) {
    std::string code = NewReceiptCode();
    ASSERT_EQ(code.size(), 29u) << code;
    for (size_t j = 0; j < code.size(); ++j) {
      if (j % 5 == 4) {
        ASSERT_EQ(code[j], '-') << code;
      } else {
        size_t pos = kReceiptAlphabet.find(code[j]);
        ASSERT_NE(pos, std::string_view::npos) << code;
        ++symbol_counts[pos];
      }
    }
    ASSERT_TRUE(seen.insert(code).second) << "duplicate " << code;
  }
  // Expected 150000 per symbol; 5% slack is > 20 standard deviations.
  for (int c : symbol_counts) {
    EXPECT_GT(c, 142500);
    EXPECT_LT(c, 157500);
  }
}

TEST(ReceiptTest, NormalizeRoundTrips) {
  for (int i = 0; i < 1000; ++i) {
    std::string code = NewReceiptCode();
    auto n = NormalizeReceipt(code);
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(n->size(), kReceiptChars);
    EXPECT_EQ(FormatReceipt(*n), code);
  }
}

TEST(ReceiptTest, NormalizeAcceptsHowPeopleType) {
  auto n = NormalizeReceipt(" 7kq2 m9xd-0tah_pw3e.r8fn k4zb ");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, "7KQ2M9XD0TAHPW3ER8FNK4ZB");
  auto confusables = NormalizeReceipt("OoIi-Ll00-1111-0000-ABCD-EFGH");
  ASSERT_TRUE(confusables.ok());
  EXPECT_EQ(*confusables, "0011110011110000ABCDEFGH");  // O->0, I/L->1, any case
}

TEST(ReceiptTest, NormalizeRejectsBadInput) {
  for (const char* bad : {"", "7KQ2-M9XD-0TAH-PW3E-R8FN-K4Z", "7KQ2-M9XD-0TAH-PW3E-R8FN-K4ZBX",
                          "7KQ2-M9XD-0TAH-PW3E-R8FN", "7KQ2-M9XD-0TAH-PW3E-R8FN-K4ZU",
                          "7KQ2-M9XD-0TAH-PW3E-R8FN-K4Z!", "7KQ2/M9XD/0TAH/PW3E/R8FN/K4ZB",
                          "7KQ2-M9XD-0TAH-PW3E-R8FN-K4Z\xc3\xa9"}) {
    auto n = NormalizeReceipt(bad);
    EXPECT_EQ(n.status().code(), common::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(n.status().field(), "receipt");
  }
}

// Case references are random and short: "M-" and two groups of 4 symbols,
// 40 bits, no duplicates in a sample far larger than a school's cases.
TEST(CaseReferenceTest, RandomShortReadableAndDistinct) {
  constexpr int kRefs = 20000;
  std::unordered_set<std::string> seen;
  for (int i = 0; i < kRefs; ++i) {
    std::string ref = NewCaseReference();
    ASSERT_EQ(ref.size(), 11u) << ref;
    ASSERT_EQ(ref.substr(0, 2), "M-") << ref;
    ASSERT_EQ(ref[6], '-') << ref;
    for (size_t j : {2, 3, 4, 5, 7, 8, 9, 10})
      ASSERT_NE(kReceiptAlphabet.find(ref[j]), std::string_view::npos) << ref;
    ASSERT_TRUE(seen.insert(ref).second) << "duplicate " << ref;
  }
}

TEST(CaseReferenceTest, TypedAnyWayGivesTheIssuedForm) {
  for (const char* typed :
       {"M-7KQ2-9XHD", "m-7kq2-9xhd", "7kq29xhd", " M 7KQ2 9XHD ", "M7KQ29XHD", "7KQ2-9XHD"}) {
    auto n = NormalizeCaseReference(typed);
    ASSERT_TRUE(n.ok()) << typed;
    EXPECT_EQ(*n, "M-7KQ2-9XHD") << typed;
  }
  // 'M' is a symbol too: eight symbols starting with M are a reference of
  // their own ("M-7KQ2-9XH" is M-M7KQ-29XH), nine are the prefix and eight.
  EXPECT_EQ(*NormalizeCaseReference("M-7KQ2-9XH"), "M-M7KQ-29XH");
  // References issued by the old counter keep working as typed.
  EXPECT_EQ(*NormalizeCaseReference("m-2026-0005"), "M-2026-0005");
  EXPECT_EQ(*NormalizeCaseReference("o1l0-MMMM"), "M-0110-MMMM");
  for (const char* bad :
       {"", "M-7KQ2-9X", "7KQ2-9XH", "M-7KQ2-9XHDA", "M-7KQ2-9XHU", "M-7KQ2/9XHD", "X-7KQ2-9XHD"}) {
    auto n = NormalizeCaseReference(bad);
    EXPECT_EQ(n.status().code(), common::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(n.status().field(), "case_number");
  }
}

TEST(ReceiptTest, LookupKeyIsPepperedAndStable) {
  const std::string pepper = RandomBytes(32);
  auto a = NormalizeReceipt("7kq2 m9xd 0tah pw3e r8fn k4zb");
  auto b = NormalizeReceipt("7KQ2-M9XD-0TAH-PW3E-R8FN-K4ZB");
  ASSERT_TRUE(a.ok() && b.ok());
  std::string key = ReceiptLookupKey(pepper, *a);
  EXPECT_EQ(key.size(), 64u);
  EXPECT_EQ(key, ReceiptLookupKey(pepper, *b));
  EXPECT_NE(key, ReceiptLookupKey(RandomBytes(32), *a));  // other pepper, other key
  EXPECT_EQ(key.find("7KQ2"), std::string::npos);         // no plaintext in the stored value
  EXPECT_THROW(ReceiptLookupKey("short", *a), std::invalid_argument);
}

}  // namespace
}  // namespace crypto
