#include "crypto/client_key.h"

#include <gtest/gtest.h>

namespace crypto {
namespace {

TEST(ClientKeyerTest, SameAddressSameDaySameKeyOtherwiseUnlinkable) {
  common::FakeClock clock(1'700'000'000'000);
  ClientKeyer keyer(clock);
  std::string a = keyer.KeyFor("127.0.0.1");
  EXPECT_EQ(a.size(), 32u);
  EXPECT_EQ(a, keyer.KeyFor("127.0.0.1"));
  EXPECT_NE(a, keyer.KeyFor("127.0.0.2"));
  EXPECT_EQ(a.find("127"), std::string::npos);
  clock.Advance(std::chrono::hours(24));
  EXPECT_NE(a, keyer.KeyFor("127.0.0.1"));
  // Another process (another keyer) gives other keys for the same address.
  ClientKeyer other(clock);
  EXPECT_NE(other.KeyFor("127.0.0.1"), keyer.KeyFor("127.0.0.1"));
}

}  // namespace
}  // namespace crypto
