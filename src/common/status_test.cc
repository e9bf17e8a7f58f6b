#include "common/status.h"

#include <gtest/gtest.h>

#include "common/clock.h"

namespace common {
namespace {

StatusOr<int> Half(int x) {
  if (x % 2 != 0) return Status::InvalidArgument("odd", "x");
  return x / 2;
}

Status Quarter(int x, int* out) {
  SP_ASSIGN_OR_RETURN(int h, Half(x));
  SP_ASSIGN_OR_RETURN(*out, Half(h));
  return Status::Ok();
}

TEST(StatusTest, OkByDefault) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.ToString(), "OK");
}

TEST(StatusTest, ToStringNamesField) {
  Status s = Status::InvalidArgument("too long", "narrative");
  EXPECT_EQ(s.ToString(), "INVALID_ARGUMENT: narrative: too long");
}

TEST(StatusOrTest, PropagatesErrors) {
  int out = 0;
  EXPECT_TRUE(Quarter(8, &out).ok());
  EXPECT_EQ(out, 2);
  Status s = Quarter(6, &out);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.field(), "x");
}

TEST(ClockTest, FormatsUtc) {
  EXPECT_EQ(FormatIso8601(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatDate(1795449600000), "2026-11-23");
  FakeClock clock(1000);
  clock.Advance(std::chrono::seconds(2));
  EXPECT_EQ(clock.NowMillis(), 3000);
}

}  // namespace
}  // namespace common
