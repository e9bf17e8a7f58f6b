#include "domain/company_pause.h"

#include <gtest/gtest.h>

namespace domain {
namespace {

TEST(CompanyPause, ReasonsAndStatesRoundTrip) {
  EXPECT_EQ(AllPauseReasons().size(), 3u);
  for (PauseReason r : AllPauseReasons()) EXPECT_EQ(ParsePauseReason(Name(r)), r);
  EXPECT_FALSE(ParsePauseReason("Twee meldingen over discriminatie"));  // no free text
  EXPECT_FALSE(ParsePauseReason(""));
  for (auto s :
       {PauseState::kProposed, PauseState::kActive, PauseState::kWithdrawn, PauseState::kLifted})
    EXPECT_EQ(ParsePauseState(Name(s)), s);
}

TEST(CompanyPause, CompanyHasTenWorkingDaysAndTheWholeLastDay) {
  // Friday 24 April 2026; King's Day (Monday 27th) is no working day.
  Date due = PauseResponseDue(MakeDate(2026, 4, 24));
  EXPECT_EQ(FormatDate(due), "2026-05-11");
  EXPECT_FALSE(MayConfirmPause(false, due, due));
  EXPECT_TRUE(MayConfirmPause(false, due, AddDays(due, 1)));
  EXPECT_TRUE(MayConfirmPause(true, due, MakeDate(2026, 4, 24)));
}

TEST(CompanyPause, NoBandBelowFiveWhateverTheThreshold) {
  for (int configured : {-1, 0, 1, 2, 4, 5}) {
    EXPECT_EQ(CrossSchoolThreshold(configured), 5) << configured;
    EXPECT_EQ(SignalBand(4, configured), "") << configured;
    EXPECT_EQ(SignalBand(5, configured), "5-9") << configured;
  }
  EXPECT_EQ(SignalBand(9, 5), "5-9");
  EXPECT_EQ(SignalBand(10, 5), "10-19");
  EXPECT_EQ(SignalBand(19, 5), "10-19");
  EXPECT_EQ(SignalBand(20, 5), "20+");
  EXPECT_EQ(SignalBand(700, 5), "20+");
  EXPECT_EQ(CrossSchoolThreshold(8), 8);
  EXPECT_EQ(SignalBand(7, 8), "");
  EXPECT_EQ(SignalBand(8, 8), "5-9");
}

TEST(CompanyPause, ReportsThatDidNotStandDoNotCount) {
  EXPECT_TRUE(OutcomeCountsForSignal(""));  // still open
  EXPECT_TRUE(OutcomeCountsForSignal("resolved_with_company"));
  EXPECT_TRUE(OutcomeCountsForSignal("no_further_action"));
  EXPECT_FALSE(OutcomeCountsForSignal("withdrawn"));
  EXPECT_FALSE(OutcomeCountsForSignal("not_discrimination"));
  EXPECT_FALSE(OutcomeCountsForSignal("not_a_report"));
}

}  // namespace
}  // namespace domain
