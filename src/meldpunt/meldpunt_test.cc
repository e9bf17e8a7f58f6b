// The meldpunt as a service, part 1: submitting a report, encryption at rest
// (P7 at service level; the file-level canary test is in tests/integration),
// and the reporter's follow-up with their code.
#include <cctype>
#include <regex>

#include "crypto/receipt.h"
#include "meldpunt/meldpunt_test_util.h"

namespace meldpunt::testing {
namespace {

class SubmitTest : public MeldpuntTest {};
class AtRestTest : public MeldpuntTest {};
class ReporterTest : public MeldpuntTest {};

// ---- Submitting ------------------------------------------------------------

TEST_P(SubmitTest, AnonymousReportGetsCodeCaseNumberHashAndDueDateSkippingTheWeekend) {
  Receipt r = SubmitOk(Draft());
  // 24 Crockford symbols in 6 groups of 4: "XXXX-XXXX-XXXX-XXXX-XXXX-XXXX".
  EXPECT_EQ(r.code.size(), 29u);
  EXPECT_TRUE(
      std::regex_match(r.code, std::regex("([0-9A-HJKMNP-TV-Z]{4}-){5}[0-9A-HJKMNP-TV-Z]{4}")))
      << r.code;
  EXPECT_TRUE(
      std::regex_match(r.case_number, std::regex("M-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}")))
      << r.case_number;
  EXPECT_TRUE(std::regex_match(r.content_sha256, std::regex("[0-9a-f]{64}"))) << r.content_sha256;
  EXPECT_EQ(r.acknowledged_at, clock_.NowMillis());
  // Friday + 3 working days = Wednesday (Saturday and Sunday skipped).
  EXPECT_EQ(domain::Weekday(Today()), 5);
  EXPECT_EQ(r.first_contact_due, domain::MakeDate(2026, 3, 18));
  EXPECT_EQ(domain::Weekday(r.first_contact_due), 3);

  EXPECT_EQ(Count("SELECT COUNT(*) FROM cases WHERE id = $1 AND mode = 'anonymous' AND "
                  "status = 'received' AND identity IS NULL AND company_id = $2",
                  {r.case_id, shared_company_}),
            1);
  EXPECT_EQ(AuditCount("case.create", r.case_id), 1);
  // Numbers are random (meldpunt_identity_test.cc); the hash is of the content.
  Receipt second = SubmitOk(Draft());
  EXPECT_NE(second.case_number, r.case_number);
  EXPECT_EQ(second.content_sha256, r.content_sha256);
  EXPECT_NE(second.code, r.code);
}

TEST_P(SubmitTest, ConfidentialAndNamedReportsSealTheIdentity) {
  Receipt conf = SubmitOk(Draft(ReportMode::kConfidential));
  Receipt named = SubmitOk(Draft(ReportMode::kNamed));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cases WHERE identity IS NOT NULL"), 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cases WHERE mode = 'confidential'"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cases WHERE mode = 'named'"), 1);
  EXPECT_TRUE(FindInTables({"cases"}, {"Samira", "2100456", "samira@example.nl"}).empty());

  // A lead who is not assigned sees a named reporter, not a confidential one.
  CaseDetail c = OpenOk(lead_, conf.case_id);
  EXPECT_TRUE(c.identity_hidden);
  EXPECT_FALSE(c.identity.has_value());
  CaseDetail n = OpenOk(lead_, named.case_id);
  EXPECT_FALSE(n.identity_hidden);
  ASSERT_TRUE(n.identity.has_value());
  EXPECT_EQ(n.identity->name, "Samira el Amrani");
  EXPECT_EQ(n.identity->student_number, "2100456");
  EXPECT_EQ(n.identity->email, "samira@example.nl");
}

TEST_P(SubmitTest, StaffRegisteringOnBehalfIsRecordedAsChannelAndActor) {
  domain::ReportDraft d = Draft(ReportMode::kConfidential);
  d.channel = domain::Channel::kMentor;
  auto r = mp_->Submit(school_, d, SubmittedBy{teacher_.id});
  MP_ASSERT_OK(r);
  CaseDetail c = OpenOk(lead_, r->case_id);
  EXPECT_EQ(c.summary.channel, domain::Channel::kMentor);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM case_events WHERE case_id = $1 AND actor = $2",
                  {r->case_id, teacher_.id}),
            1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'case.create' AND actor = $1",
                  {teacher_.id}),
            1);
  // An anonymous report names nobody in the audit log, not even the staff
  // member who registered it (M7: the record must not point to the student).
  auto anonymous = mp_->Submit(school_, Draft(), SubmittedBy{teacher_.id});
  MP_ASSERT_OK(anonymous);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'case.create' AND actor = '' "
                  "AND object_id = $1",
                  {anonymous->case_id}),
            1);
}

TEST_P(SubmitTest, BadInputNamesTheFieldAndWritesNothing) {
  struct Bad {
    std::string field;
    domain::ReportDraft draft;
  };
  std::vector<Bad> bad;
  bad.push_back({"grounds", Draft()});
  bad.back().draft.grounds.clear();
  bad.push_back({"narrative", Draft(ReportMode::kAnonymous, "   \n ")});
  bad.push_back({"narrative", Draft(ReportMode::kAnonymous, std::string(20001, 'x'))});
  bad.push_back({"occurred_on", Draft()});
  bad.back().draft.occurred_on = domain::AddDays(Today(), 1);
  bad.push_back({"company.leerbedrijf_id", Draft()});
  bad.back().draft.company.leerbedrijf_id = "999999999";
  // Another school's register is not this school's register.
  bad.push_back({"company.leerbedrijf_id", Draft()});
  bad.back().draft.company.leerbedrijf_id = std::string(kCompanyOtherOnly);
  bad.push_back({"reporter", Draft()});
  bad.back().draft.reporter = domain::ReporterIdentity{"Sam", "", ""};
  bad.push_back({"reporter.name", Draft(ReportMode::kConfidential)});
  bad.back().draft.reporter.reset();
  bad.push_back({"reporter.email", Draft(ReportMode::kNamed)});
  bad.back().draft.reporter->email = "geen-adres";

  for (const Bad& b : bad) {
    auto r = mp_->Submit(school_, b.draft, std::nullopt);
    ASSERT_FALSE(r.ok()) << b.field;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << b.field;
    EXPECT_EQ(r.status().field(), b.field) << r.status().ToString();
  }
  for (const char* table : {"cases", "case_keys", "case_events"}) {
    EXPECT_EQ(Count(std::string("SELECT COUNT(*) FROM ") + table), 0) << table;
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'case.create'"), 0);
}

TEST_P(SubmitTest, TheProgrammeIsStoredAsPlainCategoriesForTheMonitor) {
  domain::ReportDraft d = Draft();
  d.programme = domain::Programme{"25655", "BOL", 3, "Noord"};
  Receipt with = SubmitOk(d);
  Receipt without = SubmitOk(Draft());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cases WHERE id = $1 AND crebo = '25655' AND pathway = "
                  "'BOL' AND level = 3 AND location = 'Noord'",
                  {with.case_id}),
            1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cases WHERE id = $1 AND crebo IS NULL AND pathway IS "
                  "NULL AND level IS NULL AND location IS NULL",
                  {without.case_id}),
            1);
  d.programme.level = 7;
  auto bad = mp_->Submit(school_, d, std::nullopt);
  EXPECT_EQ(bad.status().field(), "programme.level");
}

TEST_P(SubmitTest, WhoDidItAndNotSureAreStoredAndShownToTheHandler) {
  domain::ReportDraft d = Draft();
  d.grounds = {domain::Ground::kNotSure};
  d.actors = {domain::Actor::kColleague, domain::Actor::kClient};
  Receipt r = SubmitOk(d);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cases WHERE id = $1 AND grounds = 'not_sure' AND "
                  "actors = 'colleague,client'",
                  {r.case_id}),
            1);
  CaseDetail c = OpenOk(lead_, r.case_id);
  EXPECT_EQ(c.summary.grounds, std::vector<domain::Ground>{domain::Ground::kNotSure});
  EXPECT_EQ(c.summary.actors,
            (std::vector<domain::Actor>{domain::Actor::kColleague, domain::Actor::kClient}));
  // Not given: an empty list, and still a case.
  d.actors.clear();
  Receipt none = SubmitOk(d);
  EXPECT_TRUE(OpenOk(lead_, none.case_id).summary.actors.empty());
  d.actors = {domain::Actor::kSchool, domain::Actor::kSchool};
  EXPECT_EQ(mp_->Submit(school_, d, std::nullopt).status().field(), "actors");
}

TEST_P(SubmitTest, SchoolWithoutRecoveryKeyOrLeadCannotReceiveReports) {
  auth::School bare;
  MP_ASSERT_OK(db().Write([&](db::Connection& c) -> common::Status {
    SP_ASSIGN_OR_RETURN(bare, accounts_->CreateSchool(c, "97DM", "ROC Leeg"));
    return common::Status::Ok();
  }));
  auto r = mp_->Submit(bare, Draft(), std::nullopt);
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cases"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM case_keys"), 0);
}

TEST_P(SubmitTest, UnknownCompanyIsKeptAsSealedTextAndRegisterSearchIsPerSchool) {
  domain::ReportDraft d = Draft();
  d.company = domain::CompanyRef{"", "", "Schildersbedrijf Onbekend"};
  Receipt r = SubmitOk(d);
  CaseDetail c = OpenOk(lead_, r.case_id);
  EXPECT_FALSE(c.summary.company.has_value());
  EXPECT_EQ(c.company_text, "Schildersbedrijf Onbekend");
  EXPECT_TRUE(FindInTables({"cases"}, {"Schildersbedrijf"}).empty());

  // A KvK number that is in the register links the company.
  d.company = domain::CompanyRef{"", "87654321", ""};
  Receipt by_kvk = SubmitOk(d);
  CaseDetail k = OpenOk(lead_, by_kvk.case_id);
  ASSERT_TRUE(k.summary.company.has_value());
  EXPECT_EQ(k.summary.company->id, own_company_);

  auto by_name = mp_->SearchCompanies(school_.id, "koren");
  MP_ASSERT_OK(by_name);
  ASSERT_EQ(by_name->size(), 1u);
  EXPECT_EQ((*by_name)[0].id, shared_company_);
  EXPECT_EQ(mp_->SearchCompanies(school_.id, std::string(kCompanyOwn))->size(), 1u);
  EXPECT_EQ(mp_->SearchCompanies(school_.id, "11223344")->size(), 0u);  // other school's
  EXPECT_EQ(mp_->SearchCompanies(school_.id, "%")->size(), 0u);
}

// ---- Encryption at rest (P7) -------------------------------------------------

TEST_P(AtRestTest, CanaryAndReceiptCodeAppearInNoColumnOfAnyCaseTable) {
  const std::string canary = "KANARIE-" + crypto::RandomId();
  domain::ReportDraft d = Draft(ReportMode::kConfidential, "Wat er gebeurde: " + canary + ".");
  d.reporter->name = "Naam " + canary;
  d.company = domain::CompanyRef{"", "", "Bedrijf " + canary};
  Receipt r = SubmitOk(d);
  std::string token = ReporterToken(r.code);
  MP_ASSERT_OK(mp_->ReporterMessage(token, "Aanvulling " + canary));
  MP_ASSERT_OK(mp_->Assign(lead_, r.case_id, HandlerA().user.id));
  MP_ASSERT_OK(mp_->StaffMessage(HandlerA(), r.case_id, "Antwoord " + canary));
  MP_ASSERT_OK(mp_->RecordAction(HandlerA(), r.case_id, domain::ActionKind::kTalkStudent,
                                 "Notitie " + canary));
  MP_ASSERT_OK(mp_->Extend(HandlerA(), r.case_id, "feedback", domain::AddDays(Today(), 120),
                           "Reden " + canary));
  Walk(HandlerA(), r.case_id, {CaseStatus::kIntake, CaseStatus::kInProgress});
  MP_ASSERT_OK(mp_->Transition(HandlerA(), r.case_id, CaseStatus::kClosed,
                               domain::Outcome::kResolvedWithCompany, "Uitkomst " + canary));
  CaseDetail before = OpenOk(HandlerA(), r.case_id);
  ASSERT_FALSE(before.aftercare.empty());
  MP_ASSERT_OK(
      mp_->CompleteAftercare(HandlerA(), r.case_id, before.aftercare[0].id, "Nazorg " + canary));

  std::string normalized = *crypto::NormalizeReceipt(r.code);
  std::string lower = r.code;
  for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  std::vector<std::string> hits = FindInTables(
      {"cases", "case_messages", "case_keys", "case_events", "case_actions", "aftercare_tasks",
       "reporter_sessions", "key_sessions", "user_keys", "audit_log", "users", "school_settings"},
      {canary, r.code, normalized, lower, token});
  EXPECT_TRUE(hits.empty()) << ::testing::PrintToString(hits);

  // ... and everything still reads correctly for those entitled to it (the
  // confidential identity for a lead after a second person agreed, P9).
  auto reveal = mp_->RequestIdentityReveal(lead_, r.case_id, "Reden " + canary);
  MP_ASSERT_OK(reveal);
  MP_ASSERT_OK(mp_->DecideIdentityRevealWithRecoveryCode(admin_, *reveal, recovery_code_, true));
  EXPECT_TRUE(FindInTables({"identity_reveals", "case_events", "audit_log"}, {canary}).empty());
  ASSERT_EQ(OpenOk(lead_, r.case_id).identity.value_or(domain::ReporterIdentity{}).name,
            "Naam " + canary);
  CaseDetail c = OpenOk(HandlerA(), r.case_id);
  EXPECT_EQ(c.narrative, d.narrative);
  EXPECT_FALSE(c.identity.has_value());
  EXPECT_EQ(c.company_text, "Bedrijf " + canary);
  EXPECT_EQ(c.outcome_text, "Uitkomst " + canary);
  ASSERT_EQ(c.actions.size(), 1u);
  EXPECT_EQ(c.actions[0].note, "Notitie " + canary);
  EXPECT_EQ(c.aftercare[0].note, "Nazorg " + canary);
  bool reason_shown = false;
  for (const CaseEvent& e : c.events) reason_shown |= e.detail == "Reden " + canary;
  EXPECT_TRUE(reason_shown);
  auto view = mp_->ReporterCase(token);
  MP_ASSERT_OK(view);
  EXPECT_EQ(view->narrative, d.narrative);
  EXPECT_EQ(view->outcome_text, "Uitkomst " + canary);
  ASSERT_EQ(view->messages.size(), 2u);
}

// ---- The reporter with their code ---------------------------------------------

TEST_P(ReporterTest, CodeOpensTheCaseHoweverItIsTypedAndWrongCodesDoNot) {
  Receipt r = SubmitOk(Draft());
  std::string lower = r.code, spaced = r.code;
  for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  std::replace(spaced.begin(), spaced.end(), '-', ' ');
  for (const std::string& typed : {r.code, lower, spaced, " " + lower + " "}) {
    auto session = mp_->OpenReporterSession(typed);
    ASSERT_TRUE(session.ok()) << typed << ": " << session.status().ToString();
    EXPECT_GE(session->token.size(), 43u);
    EXPECT_EQ(session->expires_at, clock_.NowMillis() + kHour);
  }
  for (const std::string& wrong : {crypto::NewReceiptCode(), std::string("hallo"), std::string(),
                                   r.code.substr(0, 28) + (r.code[28] == '0' ? "1" : "0")}) {
    EXPECT_EQ(mp_->OpenReporterSession(wrong).status().code(), StatusCode::kUnauthenticated)
        << wrong;
  }
  EXPECT_EQ(AuditCount("case.reporter_login", r.case_id), 4);

  auto view = mp_->ReporterCase(ReporterToken(r.code));
  MP_ASSERT_OK(view);
  EXPECT_EQ(view->case_number, r.case_number);
  EXPECT_EQ(view->status, CaseStatus::kReceived);
  EXPECT_EQ(view->mode, ReportMode::kAnonymous);
  EXPECT_EQ(view->narrative, Draft().narrative);
  EXPECT_EQ(view->first_contact_due, r.first_contact_due);
  EXPECT_EQ(view->handler, "");  // the school shows no names by default
  EXPECT_TRUE(view->messages.empty());
  EXPECT_EQ(view->consents, std::vector<domain::Consent>{domain::Consent::kContactCompany});
  EXPECT_EQ(mp_->ReporterCase("not-a-session-token-not-a-session-token").status().code(),
            StatusCode::kUnauthenticated);
}

TEST_P(ReporterTest, SessionEndsAfterAnHourOrOnLogout) {
  Receipt r = SubmitOk(Draft());
  std::string token = ReporterToken(r.code);
  clock_.Advance(std::chrono::minutes(59));
  MP_EXPECT_OK(mp_->ReporterCase(token));
  clock_.Advance(std::chrono::minutes(2));
  EXPECT_EQ(mp_->ReporterCase(token).status().code(), StatusCode::kUnauthenticated);
  std::string again = ReporterToken(r.code);
  MP_ASSERT_OK(mp_->EndReporterSession(again));
  EXPECT_EQ(mp_->ReporterMessage(again, "hallo").code(), StatusCode::kUnauthenticated);
}

TEST_P(ReporterTest, MessagesGoBothWaysBetweenReporterAndHandler) {
  Receipt r = SubmitOk(Draft());
  std::string token = ReporterToken(r.code);
  EXPECT_EQ(mp_->ReporterMessage(token, "  ").field(), "text");
  MP_ASSERT_OK(mp_->ReporterMessage(token, "Ik heb nog een screenshot van de mail."));
  MP_ASSERT_OK(mp_->Assign(lead_, r.case_id, HandlerA().user.id));
  CaseDetail c = OpenOk(HandlerA(), r.case_id);
  ASSERT_EQ(c.messages.size(), 1u);
  EXPECT_EQ(c.messages[0].from, "reporter");
  EXPECT_EQ(c.messages[0].text, "Ik heb nog een screenshot van de mail.");

  clock_.Advance(std::chrono::minutes(5));
  MP_ASSERT_OK(mp_->StaffMessage(HandlerA(), r.case_id, "Dank je. Wil je langskomen?"));
  auto view = mp_->ReporterCase(token);
  MP_ASSERT_OK(view);
  ASSERT_EQ(view->messages.size(), 2u);
  EXPECT_EQ(view->messages[0].from, "reporter");
  EXPECT_EQ(view->messages[1].from, "meldpunt");
  EXPECT_EQ(view->messages[1].text, "Dank je. Wil je langskomen?");
  EXPECT_EQ(view->messages[1].at, clock_.NowMillis());
  EXPECT_EQ(AuditCount("case.message", r.case_id), 2);
}

TEST_P(ReporterTest, WithdrawnConsentBlocksCompanyActionAndTheRefusalIsAudited) {
  Receipt r = SubmitOk(Draft());
  std::string token = ReporterToken(r.code);
  MP_ASSERT_OK(mp_->RecordAction(lead_, r.case_id, domain::ActionKind::kTalkCompany, ""));
  MP_ASSERT_OK(mp_->ReporterWithdrawConsent(token, domain::Consent::kContactCompany));
  EXPECT_TRUE(mp_->ReporterCase(token)->consents.empty());

  common::Status refused =
      mp_->RecordAction(lead_, r.case_id, domain::ActionKind::kTalkCompany, "Bellen");
  EXPECT_EQ(refused.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(refused.field(), "consent");
  EXPECT_EQ(AuditCount("case.action", r.case_id, "denied"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM case_actions WHERE case_id = $1", {r.case_id}), 1);
  // Referral to SBB was never consented to; talking to the student needs none.
  EXPECT_EQ(mp_->RecordAction(lead_, r.case_id, domain::ActionKind::kReferralSbb, "").field(),
            "consent");
  MP_EXPECT_OK(mp_->RecordAction(lead_, r.case_id, domain::ActionKind::kTalkStudent, ""));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM case_events WHERE case_id = $1 AND kind = "
                  "'consent_withdrawn'",
                  {r.case_id}),
            1);

  MP_ASSERT_OK(mp_->ReporterGiveConsent(token, domain::Consent::kContactCompany));
  MP_EXPECT_OK(mp_->RecordAction(lead_, r.case_id, domain::ActionKind::kTalkCompany, ""));
}

TEST_P(ReporterTest, ReportOpensUpTowardsNamedButNeverBack) {
  Receipt r = SubmitOk(Draft());
  std::string token = ReporterToken(r.code);
  MP_ASSERT_OK(mp_->Assign(lead_, r.case_id, HandlerA().user.id));
  domain::ReporterIdentity who{"Daan Jansen", "2100999", ""};
  EXPECT_EQ(mp_->ReporterOpenUp(token, ReportMode::kConfidential, {}).field(), "reporter.name");
  MP_ASSERT_OK(mp_->ReporterOpenUp(token, ReportMode::kConfidential, who));
  EXPECT_EQ(mp_->ReporterCase(token)->mode, ReportMode::kConfidential);

  // Confidential: nobody on the case sees the identity alone (P9).
  CaseDetail assigned = OpenOk(HandlerA(), r.case_id);
  EXPECT_EQ(assigned.summary.mode, ReportMode::kConfidential);
  EXPECT_TRUE(assigned.identity_hidden);
  EXPECT_FALSE(assigned.identity.has_value());
  CaseDetail lead_view = OpenOk(lead_, r.case_id);
  EXPECT_TRUE(lead_view.identity_hidden);
  EXPECT_FALSE(lead_view.identity.has_value());

  for (ReportMode back : {ReportMode::kAnonymous, ReportMode::kConfidential}) {
    domain::ReporterIdentity id = back == ReportMode::kAnonymous ? domain::ReporterIdentity{} : who;
    common::Status s = mp_->ReporterOpenUp(token, back, id);
    EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition) << domain::Name(back);
    EXPECT_EQ(s.field(), "mode");
  }
  MP_ASSERT_OK(mp_->ReporterOpenUp(token, ReportMode::kNamed, who));
  CaseDetail named = OpenOk(lead_, r.case_id);
  EXPECT_FALSE(named.identity_hidden);
  ASSERT_TRUE(named.identity.has_value());
  EXPECT_EQ(named.identity->student_number, "2100999");
  EXPECT_EQ(
      Count("SELECT COUNT(*) FROM case_events WHERE case_id = $1 AND kind = 'mode'", {r.case_id}),
      2);
}

TEST_P(ReporterTest, ConfidentialIdentityIsShownToNobodyWithoutASecondPerson) {
  Receipt r = SubmitOk(Draft(ReportMode::kConfidential));
  CaseDetail before = OpenOk(lead_, r.case_id);
  EXPECT_TRUE(before.identity_hidden);
  EXPECT_FALSE(before.identity.has_value());
  EXPECT_EQ(before.narrative, Draft().narrative);  // the lead still reads the report

  // Being assigned is no longer enough (P9: meldpunt_identity_test.cc).
  MP_ASSERT_OK(mp_->Assign(lead_, r.case_id, HandlerA().user.id));
  CaseDetail assigned = OpenOk(HandlerA(), r.case_id);
  EXPECT_TRUE(assigned.identity_hidden);
  EXPECT_FALSE(assigned.identity.has_value());
  EXPECT_TRUE(OpenOk(lead_, r.case_id).identity_hidden);
}

TEST_P(ReporterTest, SurveyOpensWhenClosedAndIsAnsweredOnce) {
  Receipt r = SubmitOk(Draft());
  std::string token = ReporterToken(r.code);
  EXPECT_EQ(mp_->ReporterSurvey(token, 4, 5, 3).code(), StatusCode::kFailedPrecondition);
  CloseCase(lead_, r.case_id);
  EXPECT_EQ(mp_->ReporterSurvey(token, 0, 5, 3).field(), "heard");
  EXPECT_EQ(mp_->ReporterSurvey(token, 4, 6, 3).field(), "believed");
  auto view = mp_->ReporterCase(token);
  MP_ASSERT_OK(view);
  EXPECT_EQ(view->status, CaseStatus::kClosed);
  EXPECT_EQ(view->outcome, domain::Outcome::kResolvedWithCompany);
  EXPECT_EQ(view->outcome_text, "Het bedrijf is gesproken.");
  EXPECT_FALSE(view->survey_done);

  MP_ASSERT_OK(mp_->ReporterSurvey(token, 4, 5, 3));
  EXPECT_EQ(mp_->ReporterSurvey(token, 1, 1, 1).code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(mp_->ReporterCase(token)->survey_done);
  CaseDetail c = OpenOk(lead_, r.case_id);
  EXPECT_EQ(c.survey_heard, 4);
  EXPECT_EQ(c.survey_believed, 5);
  EXPECT_EQ(c.survey_know_outcome, 3);
}

MP_INSTANTIATE(SubmitTest);
MP_INSTANTIATE(AtRestTest);
MP_INSTANTIATE(ReporterTest);

}  // namespace
}  // namespace meldpunt::testing
