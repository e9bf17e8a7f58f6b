#include "domain/meldpunt.h"

#include <gtest/gtest.h>

namespace domain {
namespace {

ReportDraft ValidDraft() {
  ReportDraft d;
  d.mode = ReportMode::kAnonymous;
  d.phase = Phase::kSearch;
  d.grounds = {Ground::kOrigin};
  d.narrative = "Na het zien van mijn naam kreeg ik geen reactie meer.";
  return d;
}

const Date kToday = MakeDate(2026, 11, 23);

TEST(Vocabulary, NamesRoundTrip) {
  for (Ground g : AllGrounds()) EXPECT_EQ(ParseGround(Name(g)), g);
  for (Wish w : AllWishes()) EXPECT_EQ(ParseWish(Name(w)), w);
  for (CaseStatus s : AllStatuses()) EXPECT_EQ(ParseCaseStatus(Name(s)), s);
  for (ActionKind a : AllActionKinds()) EXPECT_EQ(ParseActionKind(Name(a)), a);
  for (Consent c : AllConsents()) EXPECT_EQ(ParseConsent(Name(c)), c);
  for (Outcome o : AllOutcomes()) EXPECT_EQ(ParseOutcome(Name(o)), o);
  EXPECT_EQ(Name(Ground::kSkinColour), "skin_colour");
  EXPECT_FALSE(ParseGround("ethnicity"));
  EXPECT_FALSE(ParseReportMode("Anonymous"));
}

TEST(Vocabulary, WhoDidItHasStableIds) {
  for (Actor a : AllActors()) EXPECT_EQ(ParseActor(Name(a)), a);
  EXPECT_EQ(AllActors().size(), 5u);
  EXPECT_EQ(Name(Actor::kCompany), "company");
  EXPECT_EQ(Name(Actor::kColleague), "colleague");
  EXPECT_EQ(Name(Actor::kClient), "client");
  EXPECT_EQ(Name(Actor::kSchool), "school");
  EXPECT_EQ(Name(Actor::kOther), "other");
  EXPECT_FALSE(ParseActor("teacher"));
  EXPECT_FALSE(ParseActor("Company"));
  // "Not sure" is a ground value of its own, after the grounds.
  EXPECT_EQ(Name(Ground::kNotSure), "not_sure");
  EXPECT_EQ(ParseGround("not_sure"), Ground::kNotSure);
  EXPECT_EQ(AllGrounds().back(), Ground::kNotSure);
}

TEST(ValidateReport, NotSureIsAnAnswerThatOpensACase) {
  ReportDraft d = ValidDraft();
  d.grounds = {Ground::kNotSure};
  EXPECT_TRUE(ValidateReport(d, kToday).ok());
  // Unsure, but if it was, then about religion: both may be ticked.
  d.grounds = {Ground::kNotSure, Ground::kReligion};
  EXPECT_TRUE(ValidateReport(d, kToday).ok());
}

TEST(ValidateReport, WhoDidItIsOptionalAndMayNameSeveral) {
  ReportDraft d = ValidDraft();
  EXPECT_TRUE(ValidateReport(d, kToday).ok());
  d.actors = {Actor::kColleague, Actor::kClient};
  EXPECT_TRUE(ValidateReport(d, kToday).ok());
  d.actors = {Actor::kCompany, Actor::kColleague, Actor::kClient, Actor::kSchool, Actor::kOther};
  EXPECT_TRUE(ValidateReport(d, kToday).ok());
}

TEST(ValidateReport, AcceptsAMinimalAnonymousReport) {
  EXPECT_TRUE(ValidateReport(ValidDraft(), kToday).ok());
}

TEST(ValidateReport, NamesTheOffendingField) {
  struct Case {
    void (*mutate)(ReportDraft&);
    const char* field;
  } cases[] = {
      {[](ReportDraft& d) { d.grounds.clear(); }, "grounds"},
      {[](ReportDraft& d) {
         d.grounds = {Ground::kAge, Ground::kAge};
       },
       "grounds"},
      {[](ReportDraft& d) {
         d.actors = {Actor::kClient, Actor::kClient};
       },
       "actors"},
      {[](ReportDraft& d) { d.narrative = "  \n "; }, "narrative"},
      {[](ReportDraft& d) { d.narrative = std::string(kMaxNarrativeChars + 1, 'a'); }, "narrative"},
      {[](ReportDraft& d) { d.narrative = "bad \xff utf8"; }, "narrative"},
      {[](ReportDraft& d) { d.occurred_on = MakeDate(2026, 11, 24); }, "occurred_on"},
      {[](ReportDraft& d) { d.occurred_on = MakeDate(1999, 12, 31); }, "occurred_on"},
      {[](ReportDraft& d) { d.company.kvk = "1234"; }, "company.kvk"},
      {[](ReportDraft& d) {
         d.reporter = ReporterIdentity{"Sam", "", ""};
       },
       "reporter"},
      {[](ReportDraft& d) { d.mode = ReportMode::kNamed; }, "reporter.name"},
      {[](ReportDraft& d) {
         d.mode = ReportMode::kConfidential;
         d.reporter = ReporterIdentity{"Sam", "", "no-at-sign"};
       },
       "reporter.email"},
      {[](ReportDraft& d) { d.programme.crebo = "2565"; }, "programme.crebo"},
      {[](ReportDraft& d) { d.programme.crebo = "2565x"; }, "programme.crebo"},
      {[](ReportDraft& d) { d.programme.pathway = "bol"; }, "programme.pathway"},
      {[](ReportDraft& d) { d.programme.level = 5; }, "programme.level"},
      {[](ReportDraft& d) { d.programme.level = 0; }, "programme.level"},
      {[](ReportDraft& d) { d.programme.location = std::string(201, 'x'); }, "programme.location"},
  };
  for (const Case& c : cases) {
    ReportDraft d = ValidDraft();
    c.mutate(d);
    common::Status s = ValidateReport(d, kToday);
    EXPECT_EQ(s.code(), common::StatusCode::kInvalidArgument) << c.field;
    EXPECT_EQ(s.field(), c.field);
  }
}

TEST(ValidateReport, AProgrammeIsOptionalAndCategorical) {
  ReportDraft d = ValidDraft();
  d.programme = Programme{"25655", "BBL", 2, "Utrecht Noord"};
  EXPECT_TRUE(ValidateReport(d, kToday).ok());
  d.programme = Programme{"", "", std::nullopt, ""};
  EXPECT_TRUE(ValidateReport(d, kToday).ok());
}

TEST(ValidateReport, NarrativeLimitCountsCharactersNotBytes) {
  ReportDraft d = ValidDraft();
  std::string e_acute = "\xc3\xa9";
  d.narrative.clear();
  for (size_t i = 0; i < kMaxNarrativeChars; ++i) d.narrative += e_acute;
  EXPECT_TRUE(ValidateReport(d, kToday).ok());
}

TEST(Modes, OnlyTowardsOpenness) {
  EXPECT_TRUE(ModeMayBecome(ReportMode::kAnonymous, ReportMode::kConfidential));
  EXPECT_TRUE(ModeMayBecome(ReportMode::kAnonymous, ReportMode::kNamed));
  EXPECT_TRUE(ModeMayBecome(ReportMode::kConfidential, ReportMode::kNamed));
  EXPECT_FALSE(ModeMayBecome(ReportMode::kNamed, ReportMode::kConfidential));
  EXPECT_FALSE(ModeMayBecome(ReportMode::kConfidential, ReportMode::kAnonymous));
  EXPECT_FALSE(ModeMayBecome(ReportMode::kNamed, ReportMode::kNamed));
}

TEST(Workflow, ForwardOneStepOrCloseEarly) {
  using S = CaseStatus;
  EXPECT_TRUE(MayTransition(S::kReceived, S::kIntake));
  EXPECT_TRUE(MayTransition(S::kIntake, S::kInProgress));
  EXPECT_TRUE(MayTransition(S::kInProgress, S::kAftercare));
  EXPECT_TRUE(MayTransition(S::kAftercare, S::kClosed));
  EXPECT_TRUE(MayTransition(S::kAftercare, S::kInProgress));
  EXPECT_TRUE(MayTransition(S::kReceived, S::kClosed));
  EXPECT_FALSE(MayTransition(S::kReceived, S::kInProgress));
  EXPECT_FALSE(MayTransition(S::kClosed, S::kInProgress));
  EXPECT_FALSE(MayTransition(S::kIntake, S::kReceived));
  EXPECT_FALSE(MayTransition(S::kIntake, S::kIntake));
  EXPECT_EQ(NextStatuses(S::kClosed).size(), 0u);
  EXPECT_TRUE(IsFirstContact(S::kReceived, S::kIntake));
  EXPECT_FALSE(IsFirstContact(S::kIntake, S::kInProgress));
}

TEST(Consent, ThirdPartyActionsNeedConsent) {
  EXPECT_TRUE(CheckConsent(ActionKind::kTalkStudent, {}).ok());
  EXPECT_TRUE(CheckConsent(ActionKind::kAdjustedPlanning, {}).ok());
  common::Status s = CheckConsent(ActionKind::kTalkCompany, {});
  EXPECT_EQ(s.code(), common::StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.field(), "consent");
  EXPECT_TRUE(CheckConsent(ActionKind::kTalkCompany, {Consent::kContactCompany}).ok());
  EXPECT_FALSE(CheckConsent(ActionKind::kReferralAdv, {Consent::kShareSbb}).ok());
  EXPECT_TRUE(CheckConsent(ActionKind::kReferralAdv, {Consent::kShareAdv}).ok());
  for (ActionKind a : {ActionKind::kReferralSbb, ActionKind::kReferralAdv, ActionKind::kReferralJob,
                       ActionKind::kReferralCrm, ActionKind::kReplacementInternship}) {
    EXPECT_TRUE(RequiredConsent(a).has_value()) << Name(a);
  }
}

TEST(Deadlines, DefaultsFollowThePolicy) {
  DeadlinePolicy p;
  CaseDates c;
  c.received = MakeDate(2026, 11, 20);  // a Friday
  EXPECT_EQ(FormatDate(FirstContactDue(p, c)), "2026-11-25");
  EXPECT_EQ(FormatDate(FeedbackDue(p, c)), "2027-02-20");
  EXPECT_EQ(FormatDate(RetentionDue(p, MakeDate(2026, 12, 1))), "2028-12-01");
  auto after = AftercareDates(p, MakeDate(2026, 12, 1));
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(FormatDate(after[0]), "2026-12-15");
  EXPECT_EQ(FormatDate(after[1]), "2027-01-12");
  c.first_contact_due_override = MakeDate(2026, 12, 4);
  EXPECT_EQ(FormatDate(FirstContactDue(p, c)), "2026-12-04");
}

TEST(Deadlines, StateMovesWithTime) {
  Date due = MakeDate(2026, 11, 25);
  EXPECT_EQ(StateOf(due, false, MakeDate(2026, 11, 20), 2), DeadlineState::kOpen);
  EXPECT_EQ(StateOf(due, false, MakeDate(2026, 11, 23), 2), DeadlineState::kDueSoon);
  EXPECT_EQ(StateOf(due, false, MakeDate(2026, 11, 25), 2), DeadlineState::kDueSoon);
  EXPECT_EQ(StateOf(due, false, MakeDate(2026, 11, 26), 2), DeadlineState::kOverdue);
  EXPECT_EQ(StateOf(due, true, MakeDate(2026, 11, 26), 2), DeadlineState::kMet);
}

TEST(Deadlines, AlertsFollowP12) {
  DeadlinePolicy p;
  DeadlineProgress c;
  c.first_contact_due = MakeDate(2026, 11, 25);  // a Wednesday
  c.feedback_due = MakeDate(2027, 2, 20);
  EXPECT_TRUE(DueAlerts(p, c, MakeDate(2026, 11, 25)).empty());
  EXPECT_EQ(DueAlerts(p, c, MakeDate(2026, 11, 26)),
            std::vector<DeadlineAlert>{DeadlineAlert::kFirstContactOverdue});
  // Two working days after the deadline: Friday the 27th.
  EXPECT_EQ(DueAlerts(p, c, MakeDate(2026, 11, 27)),
            (std::vector<DeadlineAlert>{DeadlineAlert::kFirstContactOverdue,
                                        DeadlineAlert::kFirstContactEscalated}));
  c.first_contact_done = true;
  EXPECT_TRUE(DueAlerts(p, c, MakeDate(2027, 2, 4)).empty());
  EXPECT_EQ(DueAlerts(p, c, MakeDate(2027, 2, 5)),
            std::vector<DeadlineAlert>{DeadlineAlert::kFeedbackDueSoon});
  EXPECT_EQ(DueAlerts(p, c, MakeDate(2027, 2, 21)),
            std::vector<DeadlineAlert>{DeadlineAlert::kFeedbackOverdue});
  c.feedback_done = true;
  EXPECT_TRUE(DueAlerts(p, c, MakeDate(2027, 3, 1)).empty());
  for (DeadlineAlert a : {DeadlineAlert::kFirstContactOverdue, DeadlineAlert::kFeedbackOverdue})
    EXPECT_EQ(ParseDeadlineAlert(Name(a)), a);
}

TEST(Deadlines, ExtensionNeedsReasonAndLaterDate) {
  Date due = MakeDate(2026, 11, 25);
  EXPECT_EQ(CheckExtension(due, MakeDate(2026, 12, 1), "").field(), "reason");
  EXPECT_EQ(CheckExtension(due, MakeDate(2026, 11, 24), "student ziek").field(), "new_due");
  EXPECT_TRUE(CheckExtension(due, MakeDate(2026, 12, 1), "student ziek").ok());
}

}  // namespace
TEST(ProgrammeTest, LocationAndCreboComeFromTheSchoolsLists) {
  ProgrammeChoices lists{{"Utrecht", "Zeist"}, {"25480", "25655"}};
  EXPECT_TRUE(ValidateProgrammeChoice({"25655", "BOL", 2, "Zeist"}, lists).ok());
  EXPECT_TRUE(ValidateProgrammeChoice({}, lists).ok()) << "not given";
  auto free_text =
      ValidateProgrammeChoice({"", "", std::nullopt, "Amsterdam Klas 3B Fatima"}, lists);
  EXPECT_EQ(free_text.code(), common::StatusCode::kInvalidArgument);
  EXPECT_EQ(free_text.field(), "programme.location");
  EXPECT_EQ(ValidateProgrammeChoice({"12345", "", std::nullopt, ""}, lists).field(),
            "programme.crebo");
  EXPECT_FALSE(ValidateProgrammeChoice({"", "", std::nullopt, "utrecht"}, lists).ok())
      << "exactly as in the register";
}

}  // namespace domain
