#include "domain/calendar.h"

#include <gtest/gtest.h>

namespace domain {
namespace {

TEST(Calendar, ParseAndFormatRoundTrip) {
  auto d = ParseDate("2026-11-23");
  ASSERT_TRUE(d);
  EXPECT_EQ(FormatDate(*d), "2026-11-23");
  EXPECT_EQ(Weekday(*d), 1);  // a Monday
  EXPECT_FALSE(ParseDate("2026-02-30"));
  EXPECT_FALSE(ParseDate("2026-2-3"));
  EXPECT_FALSE(ParseDate("26-11-2026"));
  EXPECT_FALSE(ParseDate("2026-11-2x"));
  EXPECT_FALSE(ParseDate(""));
}

TEST(Calendar, DateFromMillisIsUtc) {
  EXPECT_EQ(FormatDate(DateFromMillis(0)), "1970-01-01");
  EXPECT_EQ(FormatDate(DateFromMillis(-1)), "1969-12-31");
  Date d = MakeDate(2026, 11, 23);
  EXPECT_EQ(DateFromMillis(StartOfDayMillis(d) + 86399999), d);
}

TEST(Calendar, DutchHolidays2026) {
  // Easter 2026 is 5 April.
  EXPECT_TRUE(IsDutchPublicHoliday(MakeDate(2026, 4, 6)));   // Easter Monday
  EXPECT_TRUE(IsDutchPublicHoliday(MakeDate(2026, 4, 27)));  // King's Day (Monday)
  EXPECT_TRUE(IsDutchPublicHoliday(MakeDate(2026, 5, 14)));  // Ascension
  EXPECT_TRUE(IsDutchPublicHoliday(MakeDate(2026, 5, 25)));  // Whit Monday
  EXPECT_TRUE(IsDutchPublicHoliday(MakeDate(2026, 12, 25)));
  EXPECT_TRUE(IsDutchPublicHoliday(MakeDate(2026, 12, 26)));
  EXPECT_FALSE(IsDutchPublicHoliday(MakeDate(2026, 5, 5)));  // Liberation Day only in lustrum years
  EXPECT_TRUE(IsDutchPublicHoliday(MakeDate(2025, 5, 5)));
  // 2025: 27 April is a Sunday, so King's Day moves to Saturday 26 April.
  EXPECT_TRUE(IsDutchPublicHoliday(MakeDate(2025, 4, 26)));
  EXPECT_FALSE(IsDutchPublicHoliday(MakeDate(2025, 4, 27)));
}

TEST(Calendar, WorkingDaysSkipWeekendsAndHolidays) {
  // Friday 20 Nov 2026 + 3 working days = Wednesday 25 Nov.
  EXPECT_EQ(FormatDate(AddWorkingDays(MakeDate(2026, 11, 20), 3)), "2026-11-25");
  // Wednesday 23 Dec 2026 + 3: 24 (Thu), skip 25/26 (holidays, Fri/Sat), 27 Sun, 28 (Mon), 29
  // (Tue).
  EXPECT_EQ(FormatDate(AddWorkingDays(MakeDate(2026, 12, 23), 3)), "2026-12-29");
  // Saturday + 0 stays; Saturday + 1 = Monday.
  EXPECT_EQ(FormatDate(AddWorkingDays(MakeDate(2026, 11, 21), 1)), "2026-11-23");
  EXPECT_EQ(AddWorkingDays(MakeDate(2026, 11, 21), 0), MakeDate(2026, 11, 21));
}

TEST(Calendar, AddMonthsClampsToMonthEnd) {
  EXPECT_EQ(FormatDate(AddMonths(MakeDate(2026, 1, 31), 1)), "2026-02-28");
  EXPECT_EQ(FormatDate(AddMonths(MakeDate(2028, 1, 31), 1)), "2028-02-29");
  EXPECT_EQ(FormatDate(AddMonths(MakeDate(2026, 11, 23), 3)), "2027-02-23");
  EXPECT_EQ(FormatDate(AddMonths(MakeDate(2026, 11, 30), 24)), "2028-11-30");
}

}  // namespace
}  // namespace domain
