#include "domain/retention.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace domain {
namespace {

TEST(RetentionTest, EveryDefaultLiesWithinItsBounds) {
  for (const RetentionPeriod& p : RetentionPeriods()) {
    EXPECT_LE(p.min_value, p.default_value) << p.key;
    EXPECT_LE(p.default_value, p.max_value) << p.key;
    EXPECT_GE(p.min_value, 1) << p.key;
    EXPECT_TRUE(RetentionValueAllowed(p, p.default_value)) << p.key;
    EXPECT_FALSE(RetentionValueAllowed(p, p.max_value + 1)) << p.key;
  }
}

TEST(RetentionTest, EveryRuleIsCompleteAndNamesKnownPeriodsAndParents) {
  std::set<std::string> tables;
  for (const RetentionRule& r : RetentionRules()) {
    EXPECT_TRUE(tables.insert(std::string(r.table)).second) << "twice: " << r.table;
  }
  for (const RetentionRule& r : RetentionRules()) {
    switch (r.start) {
      case RetentionStart::kWithParent:
        EXPECT_TRUE(r.period.empty()) << r.table;
        EXPECT_TRUE(tables.contains(std::string(r.parent))) << r.table;
        break;
      case RetentionStart::kWhileInUse:
        EXPECT_TRUE(r.period.empty()) << r.table;
        break;
      default:
        EXPECT_NE(FindRetentionPeriod(r.period), nullptr) << r.table;
        EXPECT_TRUE(r.parent.empty()) << r.table;
    }
    EXPECT_EQ(r.subject_column.empty(), r.subject_key == SubjectKey::kNone) << r.table;
    EXPECT_EQ(FindRetentionRule(r.table), &r);
  }
}

TEST(RetentionTest, EveryPeriodIsUsed) {
  for (const RetentionPeriod& p : RetentionPeriods()) {
    bool used = false;
    for (const RetentionRule& r : RetentionRules()) used = used || r.period == p.key;
    EXPECT_TRUE(used) << p.key;
  }
}

TEST(RetentionTest, ChainsOfParentsEndInARuleWithAPeriodOrKeptWhileInUse) {
  for (const RetentionRule& r : RetentionRules()) {
    const RetentionRule* at = &r;
    for (int hops = 0; at->start == RetentionStart::kWithParent; ++hops) {
      ASSERT_LT(hops, 5) << "cycle at " << r.table;
      at = FindRetentionRule(at->parent);
      ASSERT_NE(at, nullptr) << r.table;
    }
  }
}

// The cutoff counts back from today; months clamp to the month's end.
TEST(RetentionTest, CutoffsCountBackInTheirUnit) {
  Date today = MakeDate(2030, 3, 31);
  EXPECT_EQ(FormatDate(RetentionCutoff(today, RetentionUnit::kDays, 7)), "2030-03-24");
  EXPECT_EQ(FormatDate(RetentionCutoff(today, RetentionUnit::kMonths, 1)), "2030-02-28");
  EXPECT_EQ(FormatDate(RetentionCutoff(today, RetentionUnit::kYears, 2)), "2028-03-31");
  common::UnixMillis noon = StartOfDayMillis(today) + 12 * 3600 * 1000;
  EXPECT_EQ(RetentionCutoffMillis(noon, RetentionUnit::kDays, 7),
            noon - 7LL * 24 * 3600 * 1000);
}

// A school year ends on 31 July; its rows go once the period after that end
// has passed.
TEST(RetentionTest, TheLastSchoolYearEndPastItsPeriod) {
  // On 15 March 2030 with 1 year: the cutoff is 15 March 2029; the school
  // year 2027-2028 (ended 31 July 2028) is past, 2028-2029 is not.
  EXPECT_EQ(FormatDate(LastSchoolYearEndPast(MakeDate(2030, 3, 15), 1)), "2028-07-31");
  // On 1 August 2030 with 1 year: the cutoff is 1 August 2029, a day after
  // the end of 2028-2029.
  EXPECT_EQ(FormatDate(LastSchoolYearEndPast(MakeDate(2030, 8, 1), 1)), "2029-07-31");
  // On 31 July 2030 the school year 2028-2029 has been over for exactly one
  // year: not yet past.
  EXPECT_EQ(FormatDate(LastSchoolYearEndPast(MakeDate(2030, 7, 31), 1)), "2028-07-31");
  EXPECT_EQ(SchoolYearLabelEnding(MakeDate(2028, 7, 31)), "2027-2028");
}

}  // namespace
}  // namespace domain
