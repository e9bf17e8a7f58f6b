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
    auto p = ParsePeriod(bad, "periode");
    if (std::string(bad) == "2025") {
      EXPECT_TRUE(p.ok()) << "a calendar year is a fixed period too";
      continue;
    }
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
}

TEST(PeriodTest, RangesMustBeOneFixedPeriod) {
  EXPECT_EQ(PeriodForRange(MakeDate(2026, 1, 1), MakeDate(2026, 12, 31))->key, "2026");
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
