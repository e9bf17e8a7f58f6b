// The meldpunt as a service, part 4: random case references (M6), what the
// audit log keeps of the reporter's side (M7), and the two-person identity
// reveal (P9). Both databases.
#include <regex>
#include <set>

#include "crypto/receipt.h"
#include "meldpunt/meldpunt_test_util.h"

namespace meldpunt::testing {
namespace {

class CaseReferenceTest : public MeldpuntTest {};
class ReporterAuditTest : public MeldpuntTest {};

// ---- M6: case references -----------------------------------------------------

TEST_P(CaseReferenceTest, ReferencesAreRandomShortUniqueAndOpenHoweverTyped) {
  const std::regex shape("M-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}");
  constexpr int kReports = 2000;
  std::vector<Receipt> receipts;
  std::set<std::string> seen;
  for (int i = 0; i < kReports; ++i) {
    auto r = mp_->Submit(school_, Draft(), std::nullopt);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_TRUE(std::regex_match(r->case_number, shape)) << r->case_number;
    ASSERT_TRUE(seen.insert(r->case_number).second) << "duplicate " << r->case_number;
    receipts.push_back(*r);
  }
  // Two reports in a row differ in more than a counter: in at least two of
  // the eight symbols (a counter changes one or two at the end, in order).
  int in_order = 0;
  for (size_t i = 1; i < receipts.size(); ++i) {
    const std::string& a = receipts[i - 1].case_number;
    const std::string& b = receipts[i].case_number;
    int differing = 0;
    for (size_t j = 0; j < a.size(); ++j) differing += a[j] != b[j];
    EXPECT_GE(differing, 2) << a << " " << b;
    in_order += a < b;
  }
  EXPECT_GT(in_order, kReports / 3);  // about half, never all
  EXPECT_LT(in_order, 2 * kReports / 3);
  EXPECT_EQ(
      Count("SELECT COUNT(DISTINCT case_number) FROM cases WHERE school_id = $1", {school_.id}),
      kReports);

  // The lead finds a case by its number however it is typed.
  const Receipt& r = receipts[kReports / 2];
  std::string lower = r.case_number;
  for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  std::string bare = r.case_number.substr(2, 4) + r.case_number.substr(7, 4);
  for (const std::string& typed : {r.case_number, lower, bare, " " + lower.substr(2) + " "}) {
    InboxFilter f;
    f.case_number = typed;
    auto found = mp_->Inbox(lead_, f);
    MP_ASSERT_OK(found);
    ASSERT_EQ(found->size(), 1u) << typed;
    EXPECT_EQ((*found)[0].id, r.case_id) << typed;
  }
  InboxFilter nonsense;
  nonsense.case_number = "M-2026-0001' OR 1=1 --";
  EXPECT_TRUE(mp_->Inbox(lead_, nonsense)->empty());
  // Another school's lead does not find it.
  InboxFilter elsewhere;
  elsewhere.case_number = r.case_number;
  EXPECT_TRUE(mp_->Inbox(OtherHandler(), elsewhere)->empty());
}

TEST_P(CaseReferenceTest, ReferencesIssuedByTheOldCounterStillOpen) {
  Receipt r = SubmitOk(Draft());
  MP_ASSERT_OK(db().Write([&](db::Connection& c) {
    return c.Execute("UPDATE cases SET case_number = 'M-2026-0042' WHERE id = $1", {r.case_id})
        .status();
  }));
  InboxFilter f;
  f.case_number = "m-2026-0042";
  auto found = mp_->Inbox(lead_, f);
  MP_ASSERT_OK(found);
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].case_number, "M-2026-0042");
}

// ---- M7: the reporter's side in the audit log ----------------------------------

TEST_P(ReporterAuditTest, ReporterSideRecordsNameNobodyAndOnlyTheDayAndStayOutOfAdminViews) {
  clock_.Advance(std::chrono::minutes(17) + std::chrono::seconds(3));  // not on a day boundary
  Receipt r = SubmitOk(Draft());
  std::string token = ReporterToken(r.code);
  MP_ASSERT_OK(mp_->ReporterMessage(token, "Ik wil graag een gesprek."));
  MP_ASSERT_OK(mp_->ReporterCase(token));
  // A handler's own work is audited with name and exact time.
  MP_ASSERT_OK(mp_->OpenCase(lead_, r.case_id));

  const common::UnixMillis day_start = domain::StartOfDayMillis(Today());
  for (const char* action : {"case.create", "case.reporter_login", "case.message", "case.read"}) {
    SCOPED_TRACE(action);
    EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = $1 AND object_id = $2 AND "
                    "actor = '' AND at = $3",
                    {action, r.case_id, day_start}),
              1);
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'case.read' AND actor = $1 AND "
                  "at = $2",
                  {lead_user_.id, clock_.NowMillis()}),
            1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE actor = 'reporter'"), 0);

  // The admin views never list a meldpunt record; the meldpunt view only those.
  for (const std::string& scope : {school_.id, std::string()}) {
    auto admin_view = audit_->Recent(db(), scope, audit::View::kAdmin, 1000);
    MP_ASSERT_OK(admin_view);
    for (const audit::Record& rec : *admin_view)
      EXPECT_FALSE(audit::IsMeldpuntAction(rec.entry.action)) << rec.entry.action;
  }
  auto meldpunt_view = audit_->Recent(db(), school_.id, audit::View::kMeldpunt, 1000);
  MP_ASSERT_OK(meldpunt_view);
  EXPECT_GE(meldpunt_view->size(), 5u);
  for (const audit::Record& rec : *meldpunt_view)
    EXPECT_TRUE(audit::IsMeldpuntAction(rec.entry.action)) << rec.entry.action;

  // Storing the day instead of the moment keeps the chain verifiable.
  auto problems = audit_->Verify(db());
  MP_ASSERT_OK(problems);
  EXPECT_TRUE(problems->empty());
}

TEST(AuditRuleTest, OnlyCaseRecordsBelongToTheMeldpunt) {
  EXPECT_TRUE(audit::IsMeldpuntAction("case.create"));
  EXPECT_TRUE(audit::IsMeldpuntAction("case.identity_approve"));
  for (const char* other : {"login", "logout", "user.create", "settings.update", "keys.regrant",
                            "company.pause", "cases", "case"}) {
    EXPECT_FALSE(audit::IsMeldpuntAction(other)) << other;
  }
}

// ---- P9: two people to reveal a confidential reporter --------------------------

class RevealTest : public MeldpuntTest {
 protected:
  void SetUp() override {
    MeldpuntTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    common::Status s = db().Write([&](db::Connection& c) -> common::Status {
      SP_ASSIGN_OR_RETURN(second_user_, NewUser(c, school_, "lea", domain::Role::kMeldpuntHandler,
                                                /*lead=*/true));
      return common::Status::Ok();
    });
    ASSERT_TRUE(s.ok()) << s.ToString();
    second_ = Unlock(second_user_);  // before any report: holds every new case key
    ASSERT_TRUE(second_.lead);
    report_ = SubmitOk(Draft(ReportMode::kConfidential));
  }
  std::string Request(const Staff& who, std::string reason = "Politie vraagt om aangifte.") {
    auto id = mp_->RequestIdentityReveal(who, report_.case_id, reason);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : std::string();
  }
  bool Sees(const Staff& who) {
    CaseDetail d = OpenOk(who, report_.case_id);
    if (d.identity) {
      EXPECT_EQ(d.identity->name, "Samira el Amrani");
    }
    return d.identity.has_value();
  }

  auth::User second_user_;
  Staff second_;
  Receipt report_;
};

TEST_P(RevealTest, NobodyReadsAConfidentialIdentityAlone) {
  // Not a lead, not the assigned handler, not the recovery-key holder alone.
  EXPECT_FALSE(Sees(lead_));
  EXPECT_FALSE(Sees(second_));
  MP_ASSERT_OK(mp_->Assign(lead_, report_.case_id, HandlerA().user.id));
  EXPECT_FALSE(Sees(HandlerA()));
  EXPECT_TRUE(OpenOk(HandlerA(), report_.case_id).identity_hidden);
  // The assigned handler gets no copy of the identity key at all.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM case_keys WHERE case_id = $1 AND holder = $2 AND "
                  "purpose = 'identity'",
                  {report_.case_id, HandlerA().user.id}),
            0);
  // Only leads ask, with a reason.
  EXPECT_EQ(
      mp_->RequestIdentityReveal(HandlerA(), report_.case_id, "Ik wil het weten.").status().code(),
      StatusCode::kPermissionDenied);
  auto no_reason = mp_->RequestIdentityReveal(lead_, report_.case_id, "  ");
  EXPECT_EQ(no_reason.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(no_reason.status().field(), "reveal_reason");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM identity_reveals"), 0);
}

TEST_P(RevealTest, TheSameLeadCannotApproveButASecondLeadCan) {
  std::string id = Request(lead_);
  ASSERT_FALSE(id.empty());
  EXPECT_FALSE(Sees(lead_));  // asking is not seeing
  common::Status own = mp_->DecideIdentityReveal(lead_, report_.case_id, id, "approve");
  EXPECT_EQ(own.code(), StatusCode::kPermissionDenied);
  EXPECT_FALSE(Sees(lead_));
  // A non-lead handler cannot decide, even when assigned.
  MP_ASSERT_OK(mp_->Assign(lead_, report_.case_id, HandlerA().user.id));
  EXPECT_EQ(mp_->DecideIdentityReveal(HandlerA(), report_.case_id, id, "approve").code(),
            StatusCode::kPermissionDenied);
  // Asking twice while waiting is refused.
  EXPECT_EQ(mp_->RequestIdentityReveal(lead_, report_.case_id, "Nog eens.").status().code(),
            StatusCode::kFailedPrecondition);

  CaseDetail second_view = OpenOk(second_, report_.case_id);
  ASSERT_EQ(second_view.reveals.size(), 1u);
  EXPECT_EQ(second_view.reveals[0].state, IdentityReveal::State::kPending);
  EXPECT_EQ(second_view.reveals[0].reason, "Politie vraagt om aangifte.");
  MP_ASSERT_OK(mp_->DecideIdentityReveal(second_, report_.case_id, id, "approve"));
  EXPECT_TRUE(Sees(lead_));     // the requester
  EXPECT_FALSE(Sees(second_));  // approving is not seeing
  EXPECT_FALSE(Sees(HandlerA()));
  // Decided once.
  EXPECT_EQ(mp_->DecideIdentityReveal(second_, report_.case_id, id, "refuse").code(),
            StatusCode::kFailedPrecondition);

  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'case.identity_request' AND "
                  "actor = $1 AND object_id = $2",
                  {lead_user_.id, report_.case_id}),
            1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'case.identity_approve' AND "
                  "actor = $1 AND object_id = $2",
                  {second_user_.id, report_.case_id}),
            1);
  auto problems = audit_->Verify(db());
  MP_ASSERT_OK(problems);
  EXPECT_TRUE(problems->empty());
  // The reason is sealed: it is in no column as text.
  EXPECT_TRUE(FindInTables({"identity_reveals", "case_events", "audit_log"}, {"Politie"}).empty());
}

TEST_P(RevealTest, ARefusalOrAnExpiredRequestRevealsNothing) {
  std::string refused = Request(lead_);
  MP_ASSERT_OK(mp_->DecideIdentityReveal(second_, report_.case_id, refused, "refuse"));
  EXPECT_FALSE(Sees(lead_));
  EXPECT_EQ(AuditCount("case.identity_refuse", report_.case_id), 1);
  EXPECT_EQ(OpenOk(lead_, report_.case_id).reveals[0].state, IdentityReveal::State::kRefused);

  // A new request that nobody decides on in time expires.
  clock_.Advance(std::chrono::minutes(1));  // requests are listed newest first
  std::string late = Request(lead_, "Tweede poging, nieuwe reden.");
  clock_.Advance(std::chrono::hours(24 * Meldpunt::kRevealRequestDays));
  EXPECT_EQ(mp_->DecideIdentityReveal(second_, report_.case_id, late, "approve").code(),
            StatusCode::kFailedPrecondition);
  EXPECT_FALSE(Sees(lead_));
  EXPECT_EQ(OpenOk(lead_, report_.case_id).reveals[0].state, IdentityReveal::State::kExpired);
  EXPECT_TRUE(mp_->ReporterCase(ReporterToken(report_.code))->identity_notices.empty());
}

TEST_P(RevealTest, TheRecoveryKeyHolderCanDecideAndTheReporterIsTold) {
  std::string id = Request(lead_);
  auto pending = mp_->PendingReveals(admin_);
  MP_ASSERT_OK(pending);
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].case_number, report_.case_number);
  EXPECT_EQ(
      mp_->DecideIdentityRevealWithRecoveryCode(admin_, id, other_recovery_code_, true).code(),
      StatusCode::kPermissionDenied);
  EXPECT_FALSE(Sees(lead_));
  MP_ASSERT_OK(mp_->DecideIdentityRevealWithRecoveryCode(admin_, id, recovery_code_, true));
  EXPECT_TRUE(Sees(lead_));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'case.identity_approve' AND "
                  "actor = $1",
                  {admin_.id}),
            1);
  EXPECT_TRUE(mp_->PendingReveals(admin_)->empty());

  auto view = mp_->ReporterCase(ReporterToken(report_.code));
  MP_ASSERT_OK(view);
  ASSERT_EQ(view->identity_notices.size(), 1u);
  EXPECT_EQ(view->identity_notices[0].reason, "Politie vraagt om aangifte.");
  EXPECT_EQ(view->identity_notices[0].approved_as, "recovery");
  EXPECT_EQ(view->identity_notices[0].at, clock_.NowMillis());
}

TEST_P(RevealTest, AnotherSchoolSeesNothingAndDecidesNothing) {
  std::string id = Request(lead_);
  EXPECT_EQ(
      mp_->RequestIdentityReveal(OtherHandler(), report_.case_id, "Waarom niet.").status().code(),
      StatusCode::kNotFound);
  EXPECT_EQ(mp_->DecideIdentityReveal(OtherHandler(), report_.case_id, id, "approve").code(),
            StatusCode::kNotFound);
  auth::User other_admin;
  MP_ASSERT_OK(db().Write([&](db::Connection& c) -> common::Status {
    SP_ASSIGN_OR_RETURN(other_admin,
                        NewUser(c, other_school_, "beheer", domain::Role::kSchoolAdmin));
    return common::Status::Ok();
  }));
  EXPECT_EQ(
      mp_->DecideIdentityRevealWithRecoveryCode(other_admin, id, other_recovery_code_, true).code(),
      StatusCode::kNotFound);
  EXPECT_TRUE(mp_->PendingReveals(other_admin)->empty());
  EXPECT_FALSE(Sees(lead_));
}

TEST_P(RevealTest, NamedAndAnonymousReportsHaveNothingToReveal) {
  Receipt named = SubmitOk(Draft(ReportMode::kNamed));
  Receipt anonymous = SubmitOk(Draft());
  for (const Receipt* r : {&named, &anonymous}) {
    auto asked = mp_->RequestIdentityReveal(lead_, r->case_id, "Reden.");
    EXPECT_EQ(asked.status().code(), StatusCode::kFailedPrecondition);
  }
  // A named reporter is visible to everyone on the case, as before.
  MP_ASSERT_OK(mp_->Assign(lead_, named.case_id, HandlerA().user.id));
  EXPECT_TRUE(OpenOk(HandlerA(), named.case_id).identity.has_value());
}

// ---- Migration 0011 ---------------------------------------------------------------

class CaseMigrationTest : public db::testing::BackendTest {
 protected:
  void SetUp() override { SetUpDatabase(/*migrated=*/false); }
};

// Reporters hold the numbers issued before: they survive as they were; the
// counters go; a reveal request can be stored for an existing case. From
// 0008, the last schema before 0011 here (data must survive any in between).
TEST_P(CaseMigrationTest, CasesFromBefore0011KeepTheirNumbers) {
  common::Status s = db::testing::CheckMigrationKeepsData(
      db(), 8,
      [](db::Connection& c) -> common::Status {
        SP_RETURN_IF_ERROR(c.Execute("INSERT INTO schools (id, brin, name, created_at) VALUES "
                                     "('s1', '00AA', 'ROC Test', 1000)")
                               .status());
        SP_RETURN_IF_ERROR(c.Execute("INSERT INTO users (id, school_id, login, display_name, role, "
                                     "created_at) VALUES ('u1', 's1', 'l@b.nl', 'L', 'meldpunt', "
                                     "1000)")
                               .status());
        SP_RETURN_IF_ERROR(c.Execute("INSERT INTO case_counters (school_id, year, last) VALUES "
                                     "('s1', 2026, 42)")
                               .status());
        return c
            .Execute(
                "INSERT INTO cases (id, school_id, case_number, mode, channel, phase, "
                "grounds, wishes, consents, status, received_at, first_contact_due, "
                "feedback_due, content_sha256) VALUES ('c1', 's1', 'M-2026-0042', "
                "'confidential', 'self', 'search', 'origin', '', '', 'received', 2000, "
                "'2026-03-18', '2026-06-13', 'abc')")
            .status();
      },
      [](db::Connection& c) -> common::Status {
        SP_ASSIGN_OR_RETURN(db::Row r, c.QueryOne("SELECT case_number FROM cases WHERE id = 'c1'"));
        EXPECT_EQ(r.Text(0), "M-2026-0042");
        SP_ASSIGN_OR_RETURN(db::Row n, c.QueryOne("SELECT COUNT(*) FROM identity_reveals"));
        EXPECT_EQ(n.Int(0), 0);
        return common::Status::Ok();
      });
  ASSERT_TRUE(s.ok()) << s.ToString();
  s = db().Write([](db::Connection& c) {
    return c
        .Execute(
            "INSERT INTO identity_reveals (id, case_id, school_id, requested_by, "
            "requested_at, expires_at, reason) VALUES ('r1', 'c1', 's1', 'u1', 3000, 4000, "
            "$1)",
            {db::Blob{"sealed"}})
        .status();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  s = db().Read(
      [](db::Connection& c) { return c.Query("SELECT COUNT(*) FROM case_counters").status(); });
  EXPECT_FALSE(s.ok()) << "case_counters should be gone";
}

MP_INSTANTIATE(CaseMigrationTest);
MP_INSTANTIATE(CaseReferenceTest);
MP_INSTANTIATE(ReporterAuditTest);
MP_INSTANTIATE(RevealTest);

}  // namespace
}  // namespace meldpunt::testing
