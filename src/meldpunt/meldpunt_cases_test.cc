// The meldpunt as a service, part 2: the handler's workflow, deadlines moved
// by the FakeClock, and need-to-know access with school isolation (P8, P10).
#include <algorithm>

#include "meldpunt/meldpunt_test_util.h"
#include "notify/notifications.h"

namespace meldpunt::testing {
namespace {

class WorkflowTest : public MeldpuntTest {};
class DeadlineTest : public MeldpuntTest {};
class AccessTest : public MeldpuntTest {};

std::vector<CaseEvent> EventsOfKind(const CaseDetail& d, std::string_view kind) {
  std::vector<CaseEvent> out;
  for (const CaseEvent& e : d.events)
    if (e.kind == kind) out.push_back(e);
  return out;
}

CaseSummary Only(const common::StatusOr<std::vector<CaseSummary>>& inbox) {
  EXPECT_TRUE(inbox.ok() && inbox->size() == 1u);
  return inbox.ok() && inbox->size() == 1u ? (*inbox)[0] : CaseSummary{};
}

// ---- Workflow ------------------------------------------------------------------

TEST_P(WorkflowTest, CaseMovesThroughEveryStatusWithTimestampedAuditedEvents) {
  Receipt r = SubmitOk(Draft());
  MP_ASSERT_OK(mp_->Assign(lead_, r.case_id, HandlerA().user.id));
  const std::vector<CaseStatus> path = {CaseStatus::kIntake, CaseStatus::kInProgress,
                                        CaseStatus::kAftercare, CaseStatus::kClosed};
  std::vector<common::UnixMillis> times;
  for (CaseStatus to : path) {
    clock_.Advance(std::chrono::hours(26));
    times.push_back(clock_.NowMillis());
    Walk(HandlerA(), r.case_id, {to});
  }
  CaseDetail d = OpenOk(HandlerA(), r.case_id);
  EXPECT_EQ(d.summary.status, CaseStatus::kClosed);
  std::vector<CaseEvent> status = EventsOfKind(d, "status");
  ASSERT_EQ(status.size(), 5u);  // received, then the four transitions
  EXPECT_EQ(status[0].to_value, "received");
  std::string from = "received";
  for (size_t i = 0; i < path.size(); ++i) {
    EXPECT_EQ(status[i + 1].from_value, from);
    EXPECT_EQ(status[i + 1].to_value, domain::Name(path[i]));
    EXPECT_EQ(status[i + 1].at, times[i]);
    EXPECT_EQ(status[i + 1].actor_name, "anna");
    from = std::string(domain::Name(path[i]));
  }
  EXPECT_EQ(AuditCount("case.status", r.case_id), 4);
  // Nazorg scheduled its check-ins once; closing did not add more.
  EXPECT_EQ(d.aftercare.size(), 2u);
  // Closed cases leave the default inbox but not the archive.
  EXPECT_TRUE(mp_->Inbox(lead_, {})->empty());
  InboxFilter all;
  all.include_closed = true;
  EXPECT_EQ(Only(mp_->Inbox(lead_, all)).status, CaseStatus::kClosed);
}

TEST_P(WorkflowTest, IllegalTransitionsAreRefusedAndChangeNothing) {
  Receipt r = SubmitOk(Draft());
  for (CaseStatus to : {CaseStatus::kReceived, CaseStatus::kInProgress, CaseStatus::kAftercare}) {
    common::Status s = mp_->Transition(lead_, r.case_id, to);
    EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << domain::Name(to);
    EXPECT_EQ(s.field(), "status");
  }
  EXPECT_EQ(OpenOk(lead_, r.case_id).summary.status, CaseStatus::kReceived);
  CloseCase(lead_, r.case_id);
  for (CaseStatus to : {CaseStatus::kIntake, CaseStatus::kInProgress, CaseStatus::kClosed}) {
    EXPECT_EQ(mp_->Transition(lead_, r.case_id, to, domain::Outcome::kOther).code(),
              StatusCode::kFailedPrecondition);
  }
  EXPECT_EQ(AuditCount("case.status", r.case_id), 3);
}

TEST_P(WorkflowTest, ClosingNeedsAnOutcome) {
  Receipt r = SubmitOk(Draft());
  common::Status s = mp_->Transition(lead_, r.case_id, CaseStatus::kClosed);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.field(), "outcome");
  CaseDetail d = OpenOk(lead_, r.case_id);
  EXPECT_EQ(d.summary.status, CaseStatus::kReceived);
  EXPECT_FALSE(d.summary.outcome.has_value());
}

TEST_P(WorkflowTest, ClosingSchedulesAftercareAtTwoAndSixWeeksAndRetentionAfter24Months) {
  Receipt r = SubmitOk(Draft());
  Walk(lead_, r.case_id, {CaseStatus::kIntake, CaseStatus::kInProgress});
  clock_.Advance(std::chrono::hours(24 * 10));
  domain::Date closed = Today();
  MP_ASSERT_OK(mp_->Transition(lead_, r.case_id, CaseStatus::kClosed,
                               domain::Outcome::kNewPlacement, "Nieuwe stageplek gevonden."));
  CaseDetail d = OpenOk(lead_, r.case_id);
  EXPECT_EQ(d.summary.outcome, domain::Outcome::kNewPlacement);
  EXPECT_EQ(d.outcome_text, "Nieuwe stageplek gevonden.");
  EXPECT_EQ(d.summary.retention_due, domain::AddMonths(closed, 24));
  EXPECT_EQ(d.summary.feedback_state, domain::DeadlineState::kMet);
  ASSERT_EQ(d.aftercare.size(), 2u);
  EXPECT_EQ(d.aftercare[0].due_on, domain::AddDays(closed, 14));
  EXPECT_EQ(d.aftercare[1].due_on, domain::AddDays(closed, 42));
  EXPECT_FALSE(d.aftercare[0].done_at.has_value());

  clock_.Advance(std::chrono::hours(24 * 14));
  MP_ASSERT_OK(mp_->CompleteAftercare(lead_, r.case_id, d.aftercare[0].id, "Gaat goed."));
  EXPECT_EQ(mp_->CompleteAftercare(lead_, r.case_id, d.aftercare[0].id, "").code(),
            StatusCode::kNotFound);
  EXPECT_EQ(mp_->CompleteAftercare(lead_, r.case_id, "no-such-task", "").code(),
            StatusCode::kNotFound);
  CaseDetail after = OpenOk(lead_, r.case_id);
  EXPECT_EQ(after.aftercare[0].done_at, clock_.NowMillis());
  EXPECT_EQ(after.aftercare[0].note, "Gaat goed.");
  EXPECT_FALSE(after.aftercare[1].done_at.has_value());
  EXPECT_EQ(AuditCount("case.aftercare", r.case_id), 1);
}

// ---- Deadlines -------------------------------------------------------------------

TEST_P(DeadlineTest, FirstContactGoesFromOpenToDueSoonToOverdue) {
  Receipt r = SubmitOk(Draft());  // Friday; due Wednesday
  InboxFilter overdue, due_soon;
  overdue.deadline = "overdue";
  due_soon.deadline = "due_soon";
  CaseSummary s = Only(mp_->Inbox(lead_, {}));
  EXPECT_EQ(s.first_contact_state, domain::DeadlineState::kOpen);
  EXPECT_EQ(s.feedback_state, domain::DeadlineState::kOpen);
  EXPECT_EQ(s.feedback_due, domain::MakeDate(2026, 6, 13));
  EXPECT_TRUE(mp_->Inbox(lead_, overdue)->empty());
  EXPECT_TRUE(mp_->Inbox(lead_, due_soon)->empty());

  clock_.Advance(std::chrono::hours(24 * 3));  // Monday: two days left
  EXPECT_EQ(Only(mp_->Inbox(lead_, due_soon)).first_contact_state, domain::DeadlineState::kDueSoon);
  EXPECT_TRUE(mp_->Inbox(lead_, overdue)->empty());

  clock_.Advance(std::chrono::hours(24 * 3));  // Thursday
  EXPECT_EQ(Only(mp_->Inbox(lead_, overdue)).id, r.case_id);
  EXPECT_TRUE(mp_->Inbox(lead_, due_soon)->empty());
}

TEST_P(DeadlineTest, DeadlineFiltersAndCountsSeeEveryCaseNotOnePage) {
  Receipt late = SubmitOk(Draft());
  clock_.Advance(std::chrono::hours(24 * 7));  // `late` is now overdue
  SubmitOk(Draft());
  SubmitOk(Draft());
  InboxFilter overdue;
  overdue.deadline = "overdue";
  overdue.limit = 2;  // the two newest cases are not overdue
  auto found = mp_->Inbox(lead_, overdue);
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].id, late.case_id);
  auto counts = mp_->CountInbox(lead_);
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  EXPECT_EQ(counts->open, 3);
  EXPECT_EQ(counts->overdue, 1);
  EXPECT_EQ(counts->due_soon, 0);
  // A handler who is not a lead counts only the cases assigned to them.
  MP_ASSERT_OK(mp_->Assign(lead_, late.case_id, HandlerA().user.id));
  auto mine = mp_->CountInbox(HandlerA());
  ASSERT_TRUE(mine.ok());
  EXPECT_EQ(mine->open, 1);
  EXPECT_EQ(mine->overdue, 1);
}

TEST_P(DeadlineTest, LateFirstContactAlertsHandlerAndLeadsThenEscalatesOnce) {
  Receipt r = SubmitOk(Draft());  // Friday; first contact due Wednesday
  MP_ASSERT_OK(mp_->Assign(lead_, r.case_id, HandlerA().user.id));
  notify::Notifications notes(db(), clock_);
  auto kinds = [&](const auth::User& u) {
    std::vector<std::string> out;
    auto unread = notes.Unread(u.id);
    for (const auto& n : *unread) {
      EXPECT_EQ(n.subject, r.case_number);  // the case number, never content
      EXPECT_EQ(n.link, "/meldpunt/zaken/" + r.case_id);
      out.push_back(n.kind);
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  clock_.Advance(std::chrono::hours(24 * 5));  // Wednesday: due today, no alert yet
  EXPECT_EQ(mp_->RunDeadlineAlerts()->alerts, 0);

  clock_.Advance(std::chrono::hours(24));  // Thursday: late
  auto run = mp_->RunDeadlineAlerts();
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->alerts, 1);
  EXPECT_EQ(run->escalations, 0);
  EXPECT_EQ(run->notifications, 2);
  EXPECT_EQ(kinds(HandlerA().user), std::vector<std::string>{"first_contact_overdue"});
  EXPECT_EQ(kinds(lead_.user), std::vector<std::string>{"first_contact_overdue"});
  EXPECT_TRUE(notes.Unread(b_user_.id)->empty());
  EXPECT_EQ(mp_->RunDeadlineAlerts()->alerts, 0);  // once only

  clock_.Advance(std::chrono::hours(24));  // Friday: two working days late
  run = mp_->RunDeadlineAlerts();
  EXPECT_EQ(run->escalations, 1);
  EXPECT_EQ(kinds(lead_.user),
            (std::vector<std::string>{"first_contact_escalated", "first_contact_overdue"}));
  EXPECT_EQ(AuditCount("case.escalate", r.case_id), 1);
  EXPECT_EQ(EventsOfKind(OpenOk(lead_, r.case_id), "escalated").size(), 1u);
  EXPECT_EQ(mp_->RunDeadlineAlerts()->escalations, 0);
  EXPECT_EQ(AuditCount("case.escalate", r.case_id), 1);
}

TEST_P(DeadlineTest, FeedbackAlertFifteenDaysBeforeAndNoneOnceGiven) {
  Receipt late = SubmitOk(Draft());
  Receipt answered = SubmitOk(Draft());
  for (const Receipt* r : {&late, &answered}) Walk(lead_, r->case_id, {CaseStatus::kIntake});
  Walk(lead_, answered.case_id, {CaseStatus::kInProgress});
  MP_ASSERT_OK(mp_->StaffMessage(lead_, answered.case_id, "Dit hebben we gedaan."));
  notify::Notifications notes(db(), clock_);
  // Feedback due 13 June; the alert comes on 29 May, 15 days before.
  clock_.Set(domain::StartOfDayMillis(domain::MakeDate(2026, 5, 28)) + 10 * kHour);
  EXPECT_EQ(mp_->RunDeadlineAlerts()->alerts, 0);
  clock_.Advance(std::chrono::hours(24));
  EXPECT_EQ(mp_->RunDeadlineAlerts()->alerts, 1);
  auto unread = notes.Unread(lead_.user.id);
  ASSERT_EQ(unread->size(), 1u);
  EXPECT_EQ((*unread)[0].kind, "feedback_due_soon");
  EXPECT_EQ((*unread)[0].subject, late.case_number);
  clock_.Advance(std::chrono::hours(24 * 16));
  EXPECT_EQ(mp_->RunDeadlineAlerts()->alerts, 1);  // now overdue
}

TEST_P(DeadlineTest, StaffMessageOrIntakeCountsAsFirstContact) {
  Receipt by_message = SubmitOk(Draft());
  Receipt by_intake = SubmitOk(Draft());
  MP_ASSERT_OK(mp_->StaffMessage(lead_, by_message.case_id, "We hebben je melding ontvangen."));
  Walk(lead_, by_intake.case_id, {CaseStatus::kIntake});
  clock_.Advance(std::chrono::hours(24 * 10));
  InboxFilter overdue;
  overdue.deadline = "overdue";
  EXPECT_TRUE(mp_->Inbox(lead_, overdue)->empty());
  for (const Receipt* r : {&by_message, &by_intake}) {
    CaseDetail d = OpenOk(lead_, r->case_id);
    EXPECT_EQ(d.summary.first_contact_state, domain::DeadlineState::kMet) << r->case_number;
    EXPECT_EQ(d.summary.feedback_state, domain::DeadlineState::kOpen);
  }
}

TEST_P(DeadlineTest, ExtensionNeedsAReasonAndALaterDate) {
  Receipt r = SubmitOk(Draft());
  domain::Date due = r.first_contact_due;
  domain::Date later = domain::AddDays(due, 7);
  common::Status s = mp_->Extend(lead_, r.case_id, "first_contact", later, "  ");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.field(), "reason");
  EXPECT_EQ(mp_->Extend(lead_, r.case_id, "first_contact", due, "Ziek").field(), "new_due");
  EXPECT_EQ(
      mp_->Extend(lead_, r.case_id, "first_contact", domain::AddDays(due, -1), "Ziek").field(),
      "new_due");
  EXPECT_EQ(mp_->Extend(lead_, r.case_id, "closing", later, "Ziek").field(), "deadline");
  EXPECT_EQ(OpenOk(lead_, r.case_id).summary.first_contact_due, due);

  MP_ASSERT_OK(mp_->Extend(lead_, r.case_id, "first_contact", later, "Student is op vakantie."));
  clock_.Advance(std::chrono::hours(24 * 7));  // past the old date, before the new one
  CaseDetail d = OpenOk(lead_, r.case_id);
  EXPECT_EQ(d.summary.first_contact_due, later);
  EXPECT_NE(d.summary.first_contact_state, domain::DeadlineState::kOverdue);
  std::vector<CaseEvent> ext = EventsOfKind(d, "extension:first_contact");
  ASSERT_EQ(ext.size(), 1u);
  EXPECT_EQ(ext[0].from_value, domain::FormatDate(due));
  EXPECT_EQ(ext[0].to_value, domain::FormatDate(later));
  EXPECT_EQ(ext[0].detail, "Student is op vakantie.");
  EXPECT_EQ(AuditCount("case.extend", r.case_id), 1);
}

TEST_P(DeadlineTest, SchoolPolicySetsTheFirstContactDeadline) {
  domain::DeadlinePolicy p;
  p.first_contact_working_days = 5;
  domain::DeadlinePolicy too_long;
  too_long.feedback_months = 6;  // beyond the EU directive's 3 months
  EXPECT_EQ(mp_->SaveSettings(admin_, too_long, false).field(), "feedback_months");
  MP_ASSERT_OK(mp_->SaveSettings(admin_, p, true));
  EXPECT_EQ(mp_->Policy(school_.id).first_contact_working_days, 5);
  Receipt r = SubmitOk(Draft());
  EXPECT_EQ(r.first_contact_due, domain::MakeDate(2026, 3, 20));  // the next Friday
  // The recovery key set earlier survives saving the settings.
  Receipt again = SubmitOk(Draft());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM case_keys WHERE case_id = $1 AND holder = 'recovery'",
                  {again.case_id}),
            1);
}

// ---- Need-to-know and isolation (P8) ----------------------------------------------

TEST_P(AccessTest, UnassignedCaseIsInvisibleToAHandlerUntilALeadAssignsIt) {
  Receipt r = SubmitOk(Draft());
  EXPECT_TRUE(mp_->Inbox(HandlerA(), {})->empty());
  EXPECT_EQ(mp_->OpenCase(HandlerA(), r.case_id).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(mp_->StaffMessage(HandlerA(), r.case_id, "hoi").code(), StatusCode::kNotFound);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM case_keys WHERE holder = $1", {HandlerA().user.id}), 0);
  EXPECT_EQ(Only(mp_->Inbox(lead_, {})).id, r.case_id);

  MP_ASSERT_OK(mp_->Assign(lead_, r.case_id, HandlerA().user.id));
  CaseSummary mine = Only(mp_->Inbox(HandlerA(), {}));
  EXPECT_EQ(mine.assigned_to, HandlerA().user.id);
  EXPECT_EQ(mine.assigned_name, "anna");
  CaseDetail d = OpenOk(HandlerA(), r.case_id);
  EXPECT_TRUE(d.can_read_content);
  EXPECT_EQ(d.narrative, Draft().narrative);
  // Another handler still sees nothing.
  EXPECT_TRUE(mp_->Inbox(HandlerB(), {})->empty());
  EXPECT_EQ(mp_->OpenCase(HandlerB(), r.case_id).status().code(), StatusCode::kNotFound);
  // A handler cannot assign what they cannot see.
  EXPECT_EQ(mp_->Assign(HandlerB(), r.case_id, HandlerB().user.id).code(), StatusCode::kNotFound);
}

TEST_P(AccessTest, TransferTakesTheKeyFromThePreviousHandler) {
  Receipt r = SubmitOk(Draft(ReportMode::kNamed));
  MP_ASSERT_OK(mp_->Assign(lead_, r.case_id, HandlerA().user.id));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM case_keys WHERE case_id = $1 AND holder = $2",
                  {r.case_id, HandlerA().user.id}),
            2);                             // case and identity key (named: P9 allows it)
  HandlerB();                               // unlocked (has a key pair) before the transfer
  clock_.Advance(std::chrono::minutes(1));  // events at one instant are ordered by random id
  MP_ASSERT_OK(mp_->Assign(HandlerA(), r.case_id, HandlerB().user.id));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM case_keys WHERE holder = $1", {HandlerA().user.id}), 0);
  EXPECT_EQ(mp_->OpenCase(HandlerA(), r.case_id).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(mp_->Inbox(HandlerA(), {})->empty());

  CaseDetail b = OpenOk(HandlerB(), r.case_id);
  EXPECT_EQ(b.narrative, Draft().narrative);
  ASSERT_TRUE(b.identity.has_value());
  EXPECT_EQ(b.identity->name, "Samira el Amrani");
  std::vector<CaseEvent> assigned = EventsOfKind(b, "assigned");
  ASSERT_EQ(assigned.size(), 2u);
  EXPECT_EQ(assigned[1].from_value, HandlerA().user.id);
  EXPECT_EQ(assigned[1].to_value, HandlerB().user.id);
  EXPECT_EQ(OpenOk(lead_, r.case_id).narrative, Draft().narrative);  // the lead keeps access
}

TEST_P(AccessTest, AssigningNeedsAHandlerOfThisSchoolWithAKey) {
  Receipt r = SubmitOk(Draft());
  common::Status teacher = mp_->Assign(lead_, r.case_id, teacher_.id);
  EXPECT_EQ(teacher.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(teacher.field(), "assignee");
  EXPECT_EQ(mp_->Assign(lead_, r.case_id, other_user_.id).field(), "assignee");
  common::Status keyless = mp_->Assign(lead_, r.case_id, keyless_user_.id);
  EXPECT_EQ(keyless.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(keyless.field(), "assignee");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cases WHERE assigned_to IS NOT NULL"), 0);
}

TEST_P(AccessTest, AnotherSchoolsHandlerGetsTheSameNotFoundAsARandomId) {
  Receipt r = SubmitOk(Draft());
  const Staff& other = OtherHandler();
  ASSERT_TRUE(other.lead);
  auto theirs = mp_->OpenCase(other, r.case_id);
  auto random = mp_->OpenCase(other, crypto::RandomId());
  EXPECT_EQ(theirs.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(random.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(theirs.status().message(), random.status().message());
  EXPECT_EQ(mp_->OpenCase(lead_, crypto::RandomId()).status().message(), theirs.status().message());
  EXPECT_TRUE(mp_->Inbox(other, {})->empty());
  EXPECT_EQ(mp_->Assign(other, r.case_id, other.user.id).code(), StatusCode::kNotFound);
  EXPECT_EQ(mp_->Transition(other, r.case_id, CaseStatus::kIntake).code(), StatusCode::kNotFound);
  EXPECT_EQ(mp_->StaffMessage(other, r.case_id, "hoi").code(), StatusCode::kNotFound);
  EXPECT_EQ(mp_->Extend(other, r.case_id, "feedback", domain::AddDays(Today(), 200), "x").code(),
            StatusCode::kNotFound);
  EXPECT_EQ(mp_->RecordAction(other, r.case_id, domain::ActionKind::kTalkStudent, "").code(),
            StatusCode::kNotFound);
  EXPECT_EQ(OpenOk(lead_, r.case_id).summary.status, CaseStatus::kReceived);
  // The other school's recovery code opens nothing here.
  EXPECT_EQ(mp_->RegrantWithRecoveryCode(admin_, other_recovery_code_).status().field(),
            "recovery_code");
}

TEST_P(AccessTest, StaffInOtherRolesSeeNoCases) {
  Receipt r = SubmitOk(Draft());
  for (const auth::User* u : {&teacher_, &coordinator_, &management_, &admin_}) {
    Staff s = NoKey(*u);
    EXPECT_FALSE(s.lead);
    EXPECT_TRUE(mp_->Inbox(s, {})->empty()) << u->login;
    EXPECT_EQ(mp_->OpenCase(s, r.case_id).status().code(), StatusCode::kNotFound) << u->login;
    EXPECT_EQ(mp_->StaffMessage(s, r.case_id, "hoi").code(), StatusCode::kNotFound);
    // Even a forged lead flag with a real handler key opens nothing for this role.
    Staff forged{*u, true, lead_.key};
    EXPECT_TRUE(mp_->Inbox(forged, {})->empty());
    EXPECT_EQ(mp_->OpenCase(forged, r.case_id).status().code(), StatusCode::kNotFound);
    EXPECT_EQ(mp_->ReadAttachmentAsStaff(forged, r.case_id, "x").status().code(),
              StatusCode::kNotFound);
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'case.read'"), 0);
}

TEST_P(AccessTest, EveryReadOfACaseIsAudited) {
  Receipt r = SubmitOk(Draft());
  MP_ASSERT_OK(mp_->Assign(lead_, r.case_id, HandlerA().user.id));
  OpenOk(lead_, r.case_id);
  OpenOk(lead_, r.case_id);
  OpenOk(HandlerA(), r.case_id);
  OpenOk(NoKey(lead_user_), r.case_id);
  MP_ASSERT_OK(mp_->ReporterCase(ReporterToken(r.code)));
  EXPECT_EQ(AuditCount("case.read", r.case_id), 4);
  EXPECT_EQ(AuditCount("case.read", r.case_id, "no_key"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'case.read' AND actor = $1 "
                  "AND school_id = $2",
                  {lead_user_.id, school_.id}),
            3);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'case.read' AND actor = $1",
                  {HandlerA().user.id}),
            1);
  // The reporter's read names nobody (M7, meldpunt_identity_test.cc).
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'case.read' AND actor = ''"), 1);
  auto problems = audit_->Verify(db());
  MP_ASSERT_OK(problems);
  EXPECT_TRUE(problems->empty());
}

MP_INSTANTIATE(WorkflowTest);
MP_INSTANTIATE(DeadlineTest);
MP_INSTANTIATE(AccessTest);

}  // namespace
}  // namespace meldpunt::testing
