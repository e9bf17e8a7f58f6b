#include "monitor/period.h"

#include <gtest/gtest.h>

namespace monitor {
namespace {

using domain::FormatDate;
using domain::MakeDate;

TEST(PeriodTest, ParsesTheFixedPeriods) {
  auto sy = ParsePeriod("2025-2026");
  ASSERT_TRUE(sy.ok());
  EXPECT_EQ(sy->kind, PeriodKind::kSchoolYear);
  EXPECT_EQ(FormatDate(sy->from), "2025-08-01");
  EXPECT_EQ(FormatDate(sy->to), "2026-07-31");
  auto q = ParsePeriod("2026-Q1");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(FormatDate(q->to), "2026-03-31");
  auto m = ParsePeriod("2024-02");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(FormatDate(m->to), "2024-02-29");
  EXPECT_EQ(MonthsOf(*sy).size(), 12u);
  EXPECT_EQ(MonthsOf(*sy).front(), "2025-08");
}

TEST(PeriodTest, RefusesEverythingElseNamingTheField) {
  for (const char* bad : {"", "2025", "2025-2027", "2025-13", "2025-00", "2025-Q5", "1999-2000",
                          "2025-02-01", "abcd-efgh", "2025-1", "2025/2026"}) {
    // A calendar year ("2025") is refused like the rest: it overlaps two
    // school years, and the dashboard and the API share one period rule.
    auto p = ParsePeriod(bad, "periode");
    ASSERT_FALSE(p.ok()) << bad;
    EXPECT_EQ(p.status().code(), common::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(p.status().field(), "periode") << bad;
  }
}

TEST(PeriodTest, PreviousAndSchoolYearOf) {
  EXPECT_EQ(SchoolYearOf(MakeDate(2026, 7, 31)).key, "2025-2026");
  EXPECT_EQ(SchoolYearOf(MakeDate(2026, 8, 1)).key, "2026-2027");
  EXPECT_EQ(Previous(*ParsePeriod("2025-2026")).key, "2024-2025");
  EXPECT_EQ(Previous(*ParsePeriod("2026-Q1")).key, "2025-Q4");
  EXPECT_EQ(Previous(*ParsePeriod("2026-Q3")).key, "2026-Q2");
  EXPECT_EQ(Previous(*ParsePeriod("2026-01")).key, "2025-12");
  auto recent = RecentPeriods(MakeDate(2026, 11, 23));
  EXPECT_EQ(recent.front().key, "2026-2027");
  EXPECT_EQ(recent.size(), 4u + 8u + 12u);
  // The running month is never offered; the newest month is the last finished one.
  EXPECT_EQ(recent[4].key, "2026-Q4");
  EXPECT_EQ(recent[12].key, "2026-10");
  // On 3 August the new school year has no finished month yet.
  EXPECT_EQ(RecentPeriods(MakeDate(2026, 8, 3)).front().key, "2025-2026");
  EXPECT_EQ(DefaultPeriod(MakeDate(2026, 8, 3)).key, "2025-2026");
}

TEST(PeriodTest, OnlyFinishedMonthsArePublished) {
  const domain::Date today = MakeDate(2026, 12, 7);
  EXPECT_EQ(FormatDate(PublishedThrough(today)), "2026-11-30");
  EXPECT_EQ(FormatDate(PublishedThrough(MakeDate(2026, 3, 1))), "2026-02-28");
  auto year = Publishable(*ParsePeriod("2026-2027"), today);
  ASSERT_TRUE(year.ok());
  EXPECT_TRUE(year->running);
  EXPECT_EQ(FormatDate(year->to), "2026-11-30");
  EXPECT_EQ(MonthsOf(*year).back(), "2026-11");
  auto done = Publishable(*ParsePeriod("2026-11"), today);
  ASSERT_TRUE(done.ok());
  EXPECT_FALSE(done->running);
  EXPECT_EQ(*done, *ParsePeriod("2026-11"));
  for (const char* key : {"2026-12", "2027-01", "2027-Q1", "2027-2028"}) {
    auto p = Publishable(*ParsePeriod(key), today, "from");
    ASSERT_FALSE(p.ok()) << key;
    EXPECT_EQ(p.status().field(), "from") << key;
  }
}

TEST(PeriodTest, RangesMustBeOneFixedPeriod) {
  auto calendar_year = PeriodForRange(MakeDate(2026, 1, 1), MakeDate(2026, 12, 31));
  ASSERT_FALSE(calendar_year.ok()) << "calendar years overlap school years";
  EXPECT_EQ(calendar_year.status().field(), "to");
  EXPECT_EQ(PeriodForRange(MakeDate(2025, 8, 1), MakeDate(2026, 7, 31))->key, "2025-2026");
  EXPECT_EQ(PeriodForRange(MakeDate(2026, 4, 1), MakeDate(2026, 6, 30))->key, "2026-Q2");
  EXPECT_EQ(PeriodForRange(MakeDate(2026, 5, 1), MakeDate(2026, 5, 31))->key, "2026-05");
  auto shifted = PeriodForRange(MakeDate(2026, 3, 2), MakeDate(2026, 3, 31));
  ASSERT_FALSE(shifted.ok());
  EXPECT_EQ(shifted.status().field(), "from");
  auto longer = PeriodForRange(MakeDate(2026, 3, 1), MakeDate(2026, 4, 30));
  ASSERT_FALSE(longer.ok());
  EXPECT_EQ(longer.status().field(), "to");
}

}  // namespace
}  // namespace monitor
