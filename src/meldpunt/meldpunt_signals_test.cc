// The meldpunt as a service, part 4: the signal register (leads only, the own
// school's cases, the cross-school band of the daily run; never a live or
// small count across schools, P19) and pausing a company with hoor en
// wederhoor. On SQLite and PostgreSQL.
#include "meldpunt/meldpunt_test_util.h"
#include "notify/notifications.h"

namespace meldpunt::testing {
namespace {

using domain::PauseReason;
using domain::PauseState;

class SignalTest : public MeldpuntTest {
 protected:
  void Exec(const std::string& sql, const db::Params& params = {}) {
    common::Status s =
        db().Write([&](db::Connection& c) { return c.Execute(sql, params).status(); });
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  // The lead's register row for the shared company, if listed.
  std::optional<Meldpunt::Signal> SharedRow(const Staff& lead) {
    auto reg = mp_->SignalRegister(lead);
    EXPECT_TRUE(reg.ok()) << reg.status().ToString();
    if (!reg.ok()) return std::nullopt;
    for (const auto& s : *reg) {
      if (s.company.id == shared_company_) return s;
    }
    return std::nullopt;
  }
  std::string Band(const Staff& lead) {
    auto row = SharedRow(lead);
    return row ? row->cross_school_band : "";
  }
  int64_t Notifications(const auth::User& u) {
    return Count(
        "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND kind = "
        "'company_signal'",
        {u.id});
  }
};

class PauseTest : public SignalTest {
 protected:
  void SetUp() override {
    SignalTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    common::Status s = db().Write([&](db::Connection& c) -> common::Status {
      SP_ASSIGN_OR_RETURN(contact_, NewUser(c, school_, "bakker", domain::Role::kCompanyContact));
      return c
          .Execute(
              "INSERT INTO company_contacts(user_id, company_id, created_at) VALUES ($1, $2, "
              "$3)",
              {contact_.id, shared_company_, clock_.NowMillis()})
          .status();
    });
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  common::Status Propose(const Staff& lead, bool urgent = false, std::string_view why = "") {
    return mp_->ProposePause(lead, shared_company_, PauseReason::kAwaitingTalks,
                             "Drie gesprekken gepland", domain::AddDays(Today(), 90), urgent, why);
  }
  bool Paused() {
    auto paused = mp_->PausedCompanies(school_.id, Today());
    EXPECT_TRUE(paused.ok());
    return paused.ok() && *paused == std::vector<std::string>{shared_company_};
  }
  int64_t Audits(std::string_view action) { return AuditCount(action, shared_company_); }
  auth::User contact_;
};

// ---- The signal register ---------------------------------------------------------------

TEST_P(SignalTest, RegisterIsForLeadsAndShowsOnlyTheOwnSchoolsCases) {
  SubmitOk(Draft());
  SubmitOk(Draft(), &other_school_);
  SubmitOk(Draft(), &other_school_);
  EXPECT_EQ(mp_->SignalRegister(HandlerA()).status().code(), StatusCode::kPermissionDenied);
  for (const auth::User* u : {&coordinator_, &teacher_, &management_, &admin_}) {
    EXPECT_EQ(mp_->SignalRegister(NoKey(*u)).status().code(), StatusCode::kPermissionDenied)
        << u->login;
  }
  auto own = SharedRow(lead_);
  ASSERT_TRUE(own);
  EXPECT_EQ(own->own_cases_12m, 1);  // the other school's two stay there
  EXPECT_EQ(own->cross_school_band, "");
  auto other = SharedRow(OtherHandler());
  ASSERT_TRUE(other);
  EXPECT_EQ(other->own_cases_12m, 2);

  clock_.Advance(std::chrono::hours(24 * 366));  // outside the 12-month window
  EXPECT_EQ(SharedRow(lead_)->own_cases_12m, 0);
}

TEST_P(SignalTest, CrossSchoolBandComesFromTheDailyRunFromFiveCasesThatStood) {
  std::vector<std::string> own, other;
  for (int i = 0; i < 3; ++i) own.push_back(SubmitOk(Draft()).case_id);
  for (int i = 0; i < 3; ++i) other.push_back(SubmitOk(Draft(), &other_school_).case_id);
  // Six reports, none taken in yet: nothing counts.
  MP_ASSERT_OK(mp_->RunSignalSnapshot(5));
  EXPECT_EQ(Band(lead_), "");

  for (const std::string& id : own) Walk(lead_, id, {CaseStatus::kIntake});
  Walk(OtherHandler(), other[0], {CaseStatus::kIntake});
  auto run = mp_->RunSignalSnapshot(2);  // a configured threshold below 5 counts as 5
  MP_ASSERT_OK(run);
  EXPECT_EQ(run->companies, 0);
  EXPECT_EQ(Band(lead_), "");  // four: never shown

  // The fifth case past intake changes nothing until the next daily run.
  Walk(OtherHandler(), other[1], {CaseStatus::kIntake, CaseStatus::kInProgress});
  EXPECT_EQ(Band(lead_), "");
  EXPECT_EQ(Notifications(lead_user_), 0);
  run = mp_->RunSignalSnapshot(5);
  MP_ASSERT_OK(run);
  EXPECT_EQ(run->companies, 1);
  EXPECT_EQ(run->newly_crossed, 1);
  for (const Staff* lead : {static_cast<const Staff*>(&lead_), &OtherHandler()}) {
    auto row = SharedRow(*lead);
    ASSERT_TRUE(row);
    EXPECT_EQ(row->cross_school_band, "5-9");
    EXPECT_EQ(row->band_computed_on, Today());
  }
  // One notification per lead of each school with the company, naming no case.
  EXPECT_EQ(Notifications(lead_user_), 1);
  EXPECT_EQ(Notifications(other_user_), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM notifications WHERE kind = 'company_signal' AND "
                  "subject = 'Bakkerij De Korenaar'"),
            2);
  EXPECT_EQ(Notifications(a_user_), 0);  // not a lead
  // The band is all that is kept.
  EXPECT_EQ(*Cell("SELECT band FROM company_signals WHERE company_id = $1", {shared_company_}),
            "5-9");
  run = mp_->RunSignalSnapshot(5);
  MP_ASSERT_OK(run);
  EXPECT_EQ(run->newly_crossed, 0);
  EXPECT_EQ(Notifications(lead_user_), 1);

  // Reports that did not stand do not count (not_a_report is compared as
  // text, so it counts out before and after the outcome exists).
  for (const char* outcome : {"withdrawn", "not_discrimination", "not_a_report"}) {
    Exec("UPDATE cases SET status = 'closed', outcome = $1 WHERE id = $2", {outcome, own[0]});
    MP_ASSERT_OK(mp_->RunSignalSnapshot(5));
    EXPECT_EQ(Band(lead_), "") << outcome;
    Exec("UPDATE cases SET status = 'closed', outcome = 'resolved_with_company' WHERE id = $1",
         {own[0]});
    MP_ASSERT_OK(mp_->RunSignalSnapshot(5));
    EXPECT_EQ(Band(lead_), "5-9") << outcome;
  }
  EXPECT_EQ(Notifications(lead_user_), 1);  // the same day: one alert
  // The window is the last 12 months.
  clock_.Advance(std::chrono::hours(24 * 366));
  MP_ASSERT_OK(mp_->RunSignalSnapshot(5));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM company_signals"), 0);
}

// ---- Pauses with hoor en wederhoor -----------------------------------------------------

TEST_P(PauseTest, OnlyLeadsPauseWithAReasonFromTheListAndAFutureDate) {
  domain::Date until = domain::AddDays(Today(), 90);
  for (const Staff& who : {HandlerA(), NoKey(coordinator_), NoKey(teacher_)}) {
    EXPECT_EQ(Propose(who).code(), StatusCode::kPermissionDenied) << who.user.login;
  }
  EXPECT_EQ(mp_->ProposePause(lead_, shared_company_, PauseReason::kAwaitingTalks, "",
                              domain::AddDays(Today(), -1), false, "")
                .field(),
            "until");
  EXPECT_EQ(
      mp_->ProposePause(lead_, other_company_, PauseReason::kAwaitingTalks, "", until, false, "")
          .code(),
      StatusCode::kNotFound);  // not in this school's register
  // Urgent needs a recorded reason why it cannot wait.
  common::Status s = Propose(lead_, /*urgent=*/true, " \n ");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.field(), "urgent_reason");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM company_pauses"), 0);
}

TEST_P(PauseTest, ProposalWaitsForTheCompanysResponseThenConfirmationExcludes) {
  MP_ASSERT_OK(Propose(lead_));
  EXPECT_FALSE(Paused());  // a proposal excludes nobody
  EXPECT_EQ(Propose(lead_).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(mp_->ConfirmPause(lead_, shared_company_).code(), StatusCode::kFailedPrecondition);

  // The company sees the neutral reason and its deadline, nothing else.
  auto notices = mp_->PauseNoticesForContact(contact_);
  MP_ASSERT_OK(notices);
  ASSERT_EQ(notices->size(), 1u);
  EXPECT_EQ((*notices)[0].state, PauseState::kProposed);
  EXPECT_EQ((*notices)[0].reason, PauseReason::kAwaitingTalks);
  EXPECT_EQ((*notices)[0].respond_by, domain::PauseResponseDue(Today()));
  EXPECT_FALSE((*notices)[0].responded_at);
  EXPECT_EQ(mp_->RespondToPause(contact_, "  ").field(), "response");
  MP_ASSERT_OK(mp_->RespondToPause(contact_, "Wij willen graag in gesprek."));
  EXPECT_TRUE((*mp_->PauseNoticesForContact(contact_))[0].responded_at);

  // The other school's lead works with the same company and sees none of it.
  auto theirs = SharedRow(OtherHandler());
  EXPECT_FALSE(theirs && theirs->pause);
  EXPECT_EQ(mp_->ConfirmPause(OtherHandler(), shared_company_).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_TRUE(mp_->PausedCompanies(other_school_.id, Today())->empty());

  auto row = SharedRow(lead_);
  ASSERT_TRUE(row && row->pause);
  EXPECT_EQ(row->pause->note, "Drie gesprekken gepland");
  ASSERT_EQ(row->pause->responses.size(), 1u);
  EXPECT_EQ(row->pause->responses[0].via, "company");
  EXPECT_EQ(row->pause->responses[0].text, "Wij willen graag in gesprek.");
  EXPECT_TRUE(row->pause->may_confirm);
  EXPECT_EQ(mp_->LiftPause(lead_, shared_company_).code(), StatusCode::kFailedPrecondition);

  MP_ASSERT_OK(mp_->ConfirmPause(lead_, shared_company_));
  EXPECT_TRUE(Paused());
  EXPECT_EQ(mp_->WithdrawPause(lead_, shared_company_).code(), StatusCode::kFailedPrecondition);
  MP_ASSERT_OK(mp_->LiftPause(lead_, shared_company_));
  EXPECT_FALSE(Paused());
  EXPECT_TRUE(mp_->PauseNoticesForContact(contact_)->empty());
  EXPECT_EQ(mp_->RespondToPause(contact_, "Nog iets").code(), StatusCode::kNotFound);

  EXPECT_EQ(Audits("company.pause_propose"), 1);
  EXPECT_EQ(Audits("company.pause_respond"), 1);
  EXPECT_EQ(Audits("company.pause_confirm"), 1);
  EXPECT_EQ(Audits("company.pause_lift"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'company.pause_respond' AND "
                  "actor = $1",
                  {contact_.id}),
            1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM company_pauses WHERE state = 'lifted' AND created_by = "
                  "$1 AND confirmed_by = $1 AND lifted_by = $1 AND confirmed_at IS NOT NULL",
                  {lead_user_.id}),
            1);
}

TEST_P(PauseTest, WithoutResponseTheLeadConfirmsOnlyAfterTheDeadline) {
  MP_ASSERT_OK(Propose(lead_));
  domain::Date due = domain::PauseResponseDue(Today());
  while (Today() < due) clock_.Advance(std::chrono::hours(24));
  EXPECT_EQ(mp_->ConfirmPause(lead_, shared_company_).code(), StatusCode::kFailedPrecondition);
  clock_.Advance(std::chrono::hours(24));
  MP_ASSERT_OK(mp_->ConfirmPause(lead_, shared_company_));
  EXPECT_TRUE(Paused());
}

TEST_P(PauseTest, AResponseReceivedAnotherWayCountsToo) {
  MP_ASSERT_OK(Propose(lead_));
  EXPECT_EQ(mp_->RecordPauseResponse(lead_, shared_company_, "").field(), "response");
  EXPECT_EQ(mp_->RecordPauseResponse(HandlerA(), shared_company_, "Brief").code(),
            StatusCode::kPermissionDenied);
  MP_ASSERT_OK(mp_->RecordPauseResponse(lead_, shared_company_, "Brief van 3 maart ontvangen"));
  EXPECT_EQ(SharedRow(lead_)->pause->responses.at(0).via, "lead");
  MP_ASSERT_OK(mp_->ConfirmPause(lead_, shared_company_));
  EXPECT_TRUE(Paused());
  EXPECT_EQ(Audits("company.pause_respond"), 1);
}

TEST_P(PauseTest, UrgentPauseTakesEffectAtOnceAndTheCompanyCanStillRespond) {
  MP_ASSERT_OK(Propose(lead_, /*urgent=*/true, "Nieuwe studenten starten maandag"));
  EXPECT_TRUE(Paused());
  auto notices = mp_->PauseNoticesForContact(contact_);
  MP_ASSERT_OK(notices);
  ASSERT_EQ(notices->size(), 1u);
  EXPECT_EQ((*notices)[0].state, PauseState::kActive);
  EXPECT_TRUE((*notices)[0].urgent);
  MP_ASSERT_OK(mp_->RespondToPause(contact_, "Wij zijn het er niet mee eens."));
  EXPECT_EQ(SharedRow(lead_)->pause->urgent_reason, "Nieuwe studenten starten maandag");
  EXPECT_EQ(Audits("company.pause_propose"), 1);
  EXPECT_EQ(Audits("company.pause_urgent"), 1);

  // A proposal made urgent later needs the reason too.
  MP_ASSERT_OK(mp_->LiftPause(lead_, shared_company_));
  MP_ASSERT_OK(Propose(lead_));
  EXPECT_FALSE(Paused());
  EXPECT_EQ(mp_->MakePauseUrgent(lead_, shared_company_, "").field(), "urgent_reason");
  MP_ASSERT_OK(mp_->MakePauseUrgent(lead_, shared_company_, "Er start morgen een student"));
  EXPECT_TRUE(Paused());
  EXPECT_EQ(Audits("company.pause_urgent"), 2);
}

TEST_P(PauseTest, AWithdrawnProposalLeavesNoPause) {
  MP_ASSERT_OK(Propose(lead_));
  MP_ASSERT_OK(mp_->WithdrawPause(lead_, shared_company_));
  EXPECT_FALSE(Paused());
  EXPECT_FALSE(SharedRow(lead_)->pause);
  EXPECT_TRUE(mp_->PauseNoticesForContact(contact_)->empty());
  EXPECT_EQ(mp_->WithdrawPause(lead_, shared_company_).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(Audits("company.pause_withdraw"), 1);
  MP_ASSERT_OK(Propose(lead_));  // a new proposal may follow
}

MP_INSTANTIATE(SignalTest);
MP_INSTANTIATE(PauseTest);

}  // namespace
}  // namespace meldpunt::testing
