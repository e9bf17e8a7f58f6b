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

}  // namespace
}  // namespace domain
