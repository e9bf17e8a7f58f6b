#include "norm/rules.h"

#include <gtest/gtest.h>

#include <set>

namespace norm {
namespace {

using domain::MakeDate;
using S = ItemStatus;

TEST(AssessmentCatalogue, ThreeRecommendationsAndSevenTasksWithUniqueIds) {
  std::set<std::string_view> ids;
  int inspectie = 0, toolbox = 0;
  for (const AssessmentItem& i : AssessmentCatalogue()) {
    ids.insert(i.id);
    inspectie += i.source == "inspectie";
    toolbox += i.source == "toolbox";
    EXPECT_FALSE(i.title_nl.empty());
    EXPECT_FALSE(i.title_en.empty());
  }
  EXPECT_EQ(inspectie, 3);
  EXPECT_EQ(toolbox, 7);
  EXPECT_EQ(ids.size(), 10u);
  EXPECT_NE(FindAssessmentItem("task_7"), nullptr);
  EXPECT_EQ(FindAssessmentItem("task_8"), nullptr);
}

TEST(ItemStatusNames, RoundTrip) {
  for (S s : {S::kNotStarted, S::kInProgress, S::kDone}) EXPECT_EQ(ParseItemStatus(Name(s)), s);
  EXPECT_FALSE(ParseItemStatus("finished"));
}

TEST(ScoreOf, DoneCountsOneInProgressHalfOverAllItems) {
  EXPECT_EQ(ScoreOf({}, 10).percent, 0);
  EXPECT_EQ(ScoreOf({}, 10).total, 10);
  Score s = ScoreOf({S::kDone, S::kDone, S::kInProgress, S::kNotStarted}, 10);
  EXPECT_EQ(s.percent, 25);  // 2.5 of 10
  EXPECT_EQ(s.done, 2);
  EXPECT_EQ(ScoreOf(std::vector<S>(10, S::kDone), 10).percent, 100);
  EXPECT_EQ(ScoreOf(std::vector<S>(10, S::kInProgress), 10).percent, 50);
}

TEST(ScoreOf, RoundsHalfUpAndNeverExceeds100) {
  EXPECT_EQ(ScoreOf({S::kInProgress}, 3).percent, 17);   // 16.67
  EXPECT_EQ(ScoreOf({S::kDone}, 3).percent, 33);         // 33.33
  EXPECT_EQ(ScoreOf({S::kInProgress}, 8).percent, 6);    // 6.25
  EXPECT_EQ(ScoreOf({S::kInProgress}, 40).percent, 1);   // 1.25
  EXPECT_EQ(ScoreOf({S::kInProgress}, 200).percent, 0);  // 0.25
  EXPECT_EQ(ScoreOf({S::kDone, S::kDone}, 1).percent, 100);
  EXPECT_EQ(ScoreOf({S::kDone}, 0).percent, 0);
}

TEST(ScoreOf, MonotoneInProgress) {
  // Moving any item one step forward never lowers the score.
  for (int total = 1; total <= 12; ++total) {
    for (int done = 0; done <= total; ++done) {
      for (int prog = 0; done + prog <= total; ++prog) {
        std::vector<S> v(done, S::kDone);
        v.insert(v.end(), prog, S::kInProgress);
        int base = ScoreOf(v, total).percent;
        if (done + prog < total) {
          std::vector<S> more = v;
          more.push_back(S::kInProgress);
          EXPECT_GE(ScoreOf(more, total).percent, base);
        }
        if (prog > 0) {
          std::vector<S> more(done + 1, S::kDone);
          more.insert(more.end(), prog - 1, S::kInProgress);
          EXPECT_GE(ScoreOf(more, total).percent, base);
        }
      }
    }
  }
}

TEST(SchoolYear, StartsFirstOfAugust) {
  EXPECT_EQ(SchoolYearOf(MakeDate(2025, 8, 1)), "2025-2026");
  EXPECT_EQ(SchoolYearOf(MakeDate(2026, 7, 31)), "2025-2026");
  EXPECT_EQ(SchoolYearOf(MakeDate(2026, 11, 23)), "2026-2027");
  EXPECT_EQ(PreviousSchoolYear("2026-2027"), "2025-2026");
}

TEST(SchoolYear, CheckNamesTheField) {
  EXPECT_TRUE(CheckSchoolYear("2025-2026", "year").ok());
  for (std::string_view bad :
       {"2025-2027", "2025/2026", "25-26", "", "2025-2026x", "abcd-efgh", "1999-2000"}) {
    common::Status s = CheckSchoolYear(bad, "year");
    EXPECT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.field(), "year");
  }
}

TEST(Training, RemindersThirtyDaysBeforeAndAtExpiry) {
  domain::Date exp = MakeDate(2026, 6, 30);
  EXPECT_EQ(TrainingReminderKind(exp, MakeDate(2026, 5, 30)), std::nullopt);  // 31 days before
  EXPECT_EQ(TrainingReminderKind(exp, MakeDate(2026, 5, 31)), "training_expiring");
  EXPECT_EQ(TrainingReminderKind(exp, MakeDate(2026, 6, 29)), "training_expiring");
  EXPECT_EQ(TrainingReminderKind(exp, MakeDate(2026, 6, 30)), "training_expired");
  EXPECT_EQ(TrainingStateOn(exp, MakeDate(2026, 1, 1)), TrainingState::kCurrent);
}

TEST(Pulse, ParsesAnswersAndNamesTheField) {
  auto no = ParsePulseAnswer("no", "yes", {"no_trust"});
  ASSERT_TRUE(no.ok());
  EXPECT_FALSE(no->experienced);
  EXPECT_FALSE(no->reported);
  EXPECT_TRUE(no->reasons.empty());  // does not apply, dropped

  auto unreported = ParsePulseAnswer("yes", "no", {"no_trust", "fear_consequences", "no_trust"});
  ASSERT_TRUE(unreported.ok());
  EXPECT_EQ(unreported->reasons, (std::vector<std::string>{"no_trust", "fear_consequences"}));

  auto reported = ParsePulseAnswer("yes", "yes", {"no_trust"});
  ASSERT_TRUE(reported.ok());
  EXPECT_TRUE(reported->reported);
  EXPECT_TRUE(reported->reasons.empty());

  EXPECT_EQ(ParsePulseAnswer("", "", {}).status().field(), "experienced");
  EXPECT_EQ(ParsePulseAnswer("yes", "maybe", {}).status().field(), "reported");
  EXPECT_EQ(ParsePulseAnswer("yes", "no", {"my name is"}).status().field(), "reasons");
}

TEST(Pulse, MonthOnly) { EXPECT_EQ(MonthOf(MakeDate(2026, 6, 5)), "2026-06"); }

}  // namespace
}  // namespace norm
