// The meldpunt as a service, part 5: leads and keys that follow the role
// (leads.cc). A new lead gets every existing case key through the recovery
// code or from another lead's request; a removed lead loses the copies held
// as lead; the first handler of a school becomes lead; a handler whose key
// pair was lost after a password reset gets their cases back the same way.
#include "meldpunt/meldpunt_test_util.h"
#include "notify/notifications.h"

namespace meldpunt::testing {
namespace {

class LeadsTest : public MeldpuntTest {
 protected:
  // The Staff `s` as a lead (the flag is read per request in the app).
  static Staff AsLead(const Staff& s) { return Staff{s.user, true, s.key}; }
  int64_t Copies(const std::string& holder, std::string_view purpose = kCasePurpose) {
    return Count("SELECT COUNT(*) FROM case_keys WHERE holder = $1 AND purpose = $2",
                 {holder, purpose});
  }
  int64_t Queued(const std::string& user_id) {
    return Count("SELECT COUNT(*) FROM meldpunt_key_grants WHERE user_id = $1", {user_id});
  }
  bool IsLead(const std::string& user_id) {
    return Count("SELECT meldpunt_lead FROM users WHERE id = $1", {user_id}) == 1;
  }
};

TEST_P(LeadsTest, FirstHandlerOfASchoolBecomesLead) {
  auth::School school;
  auth::User first, second;
  common::Status s = db().Write([&](db::Connection& c) -> common::Status {
    SP_ASSIGN_OR_RETURN(school, accounts_->CreateSchool(c, "97DM", "ROC Nieuw"));
    SP_ASSIGN_OR_RETURN(std::string code, keys_->CreateRecoveryKey(c, school.id));
    SP_ASSIGN_OR_RETURN(first, NewUser(c, school, "eerste", domain::Role::kMeldpuntHandler));
    clock_.Advance(std::chrono::seconds(1));
    SP_ASSIGN_OR_RETURN(second, NewUser(c, school, "tweede", domain::Role::kMeldpuntHandler));
    return common::Status::Ok();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  auto made = mp_->EnsureLead(school.id, "system");
  MP_ASSERT_OK(made);
  EXPECT_TRUE(*made);
  EXPECT_TRUE(IsLead(first.id));
  EXPECT_FALSE(IsLead(second.id));
  EXPECT_EQ(AuditCount("meldpunt.lead_add", first.id, "auto"), 1);
  EXPECT_EQ(Queued(first.id), 1);  // their keys wait for their first login
  // Idempotent: a school with a lead keeps it.
  made = mp_->EnsureLead(school.id, "system");
  MP_ASSERT_OK(made);
  EXPECT_FALSE(*made);

  // Lost its only lead another way (disabled): the next handler's request
  // restores the rule.
  MP_ASSERT_OK(
      db().Write([&](db::Connection& c) { return accounts_->SetDisabled(c, first.id, true); }));
  auto staff = mp_->StaffFor(second, "");
  MP_ASSERT_OK(staff);
  EXPECT_TRUE(staff->lead);
  EXPECT_TRUE(IsLead(second.id));
  // No handler at all: nobody to make lead.
  made = mp_->EnsureLead("no-such-school", "system");
  MP_ASSERT_OK(made);
  EXPECT_FALSE(*made);
}

TEST_P(LeadsTest, NewLeadGetsEveryCaseKeyThroughTheRecoveryCode) {
  Receipt named = SubmitOk(Draft(ReportMode::kConfidential));
  Receipt anonymous = SubmitOk(Draft());
  Staff a = HandlerA();
  MP_ASSERT_OK(mp_->AddLead(school_.id, admin_.id, a_user_.id));
  EXPECT_TRUE(IsLead(a_user_.id));
  EXPECT_EQ(AuditCount("meldpunt.lead_add", a_user_.id), 1);
  EXPECT_FALSE(OpenOk(AsLead(a), anonymous.case_id).can_read_content);

  auto wrong = mp_->GrantWithRecoveryCode(school_.id, admin_.id, other_recovery_code_);
  EXPECT_EQ(wrong.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(wrong.status().field(), "recovery_code");
  EXPECT_EQ(Queued(a_user_.id), 1);

  auto granted = mp_->GrantWithRecoveryCode(school_.id, admin_.id, recovery_code_);
  MP_ASSERT_OK(granted);
  EXPECT_EQ(*granted, 2);
  EXPECT_EQ(Queued(a_user_.id), 0);
  EXPECT_EQ(Copies(a_user_.id), 2);
  EXPECT_EQ(Copies(a_user_.id, kIdentityPurpose), 1);  // the confidential report's
  EXPECT_EQ(OpenOk(AsLead(a), anonymous.case_id).narrative, Draft().narrative);
  EXPECT_TRUE(OpenOk(AsLead(a), named.case_id).can_read_content);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'meldpunt.keys_grant' AND "
                  "object_id = $1 AND result = 'ok n=2' AND actor = $2",
                  {a_user_.id, admin_.id}),
            1);
  // Another school's recovery code opens nothing here, and this one nothing there.
  auto elsewhere = mp_->GrantWithRecoveryCode(other_school_.id, admin_.id, recovery_code_);
  EXPECT_EQ(elsewhere.status().code(), StatusCode::kPermissionDenied);
}

TEST_P(LeadsTest, QueuedGrantIsProcessedByAnotherLeadsRequest) {
  Receipt first = SubmitOk(Draft());
  Receipt second = SubmitOk(Draft(ReportMode::kNamed));
  Staff a = HandlerA();
  MP_ASSERT_OK(mp_->AddLead(school_.id, admin_.id, a_user_.id));
  // A handler who never logged in waits for their key pair.
  MP_ASSERT_OK(mp_->AddLead(school_.id, admin_.id, keyless_user_.id));

  auto overview = mp_->LeadOverview(school_.id);
  MP_ASSERT_OK(overview);
  bool saw_keyless = false;
  for (const auto& k : *overview) {
    if (k.id != keyless_user_.id) continue;
    saw_keyless = true;
    EXPECT_TRUE(k.lead);
    EXPECT_FALSE(k.has_key_pair);
    EXPECT_TRUE(k.grant_pending);
    EXPECT_EQ(k.missing, 2);
  }
  EXPECT_TRUE(saw_keyless);

  // The lead's next request (StaffFor with their key) grants what it can.
  Staff lead_again = Unlock(lead_user_);
  ASSERT_TRUE(lead_again.lead);
  EXPECT_EQ(Queued(a_user_.id), 0);
  EXPECT_EQ(Copies(a_user_.id), 2);
  EXPECT_EQ(OpenOk(AsLead(a), first.case_id).narrative, Draft().narrative);
  CaseDetail named = OpenOk(AsLead(a), second.case_id);
  ASSERT_TRUE(named.identity.has_value());
  EXPECT_EQ(Queued(keyless_user_.id), 1);  // no key pair yet
  EXPECT_EQ(Copies(keyless_user_.id), 0);

  // After their first login the next lead request grants them too.
  Staff keyless = Unlock(keyless_user_);
  EXPECT_TRUE(keyless.lead);
  auto n = mp_->ProcessKeyGrants(lead_);
  MP_ASSERT_OK(n);
  EXPECT_EQ(*n, 2);
  EXPECT_EQ(Queued(keyless_user_.id), 0);
  EXPECT_TRUE(OpenOk(keyless, first.case_id).can_read_content);
  // Only a lead with their key processes grants.
  EXPECT_EQ(mp_->ProcessKeyGrants(HandlerB()).status().code(), StatusCode::kPermissionDenied);
}

TEST_P(LeadsTest, RemovedLeadLosesTheCopiesHeldAsLeadButKeepsAssignedCases) {
  Receipt assigned = SubmitOk(Draft(ReportMode::kNamed));
  Receipt other = SubmitOk(Draft(ReportMode::kConfidential));
  Staff a = HandlerA();
  MP_ASSERT_OK(mp_->AddLead(school_.id, admin_.id, a_user_.id));
  MP_ASSERT_OK(mp_->ProcessKeyGrants(lead_));
  MP_ASSERT_OK(mp_->Assign(lead_, assigned.case_id, a_user_.id));
  ASSERT_EQ(Copies(a_user_.id), 2);
  ASSERT_EQ(Copies(a_user_.id, kIdentityPurpose), 2);

  MP_ASSERT_OK(mp_->RemoveLead(school_.id, admin_.id, a_user_.id));
  EXPECT_FALSE(IsLead(a_user_.id));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM case_keys WHERE holder = $1 AND case_id = $2",
                  {a_user_.id, other.case_id}),
            0);
  // The assigned named case: case key and identity stay.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM case_keys WHERE holder = $1 AND case_id = $2",
                  {a_user_.id, assigned.case_id}),
            2);
  EXPECT_EQ(AuditCount("meldpunt.lead_remove", a_user_.id, "ok n=2"), 1);
  // Their key sessions ended: the old cookie opens nothing.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM key_sessions WHERE user_id = $1", {a_user_.id}), 0);
  Staff after = Unlock(a_user_);
  EXPECT_FALSE(after.lead);
  EXPECT_EQ(mp_->OpenCase(after, other.case_id).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(OpenOk(after, assigned.case_id).can_read_content);

  // The last lead stays; another school's user looks missing.
  auto last = mp_->RemoveLead(school_.id, admin_.id, lead_user_.id);
  EXPECT_EQ(last.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(last.field(), "user");
  EXPECT_TRUE(IsLead(lead_user_.id));
  EXPECT_EQ(mp_->AddLead(school_.id, admin_.id, other_user_.id).code(), StatusCode::kNotFound);
  EXPECT_EQ(mp_->AddLead(school_.id, admin_.id, teacher_.id).code(), StatusCode::kInvalidArgument);
}

TEST_P(LeadsTest, HandlerWhoseKeyWasLostAfterAResetIsRegrantedTheirCases) {
  Receipt r = SubmitOk(Draft());
  MP_ASSERT_OK(mp_->Assign(lead_, r.case_id, HandlerB().user.id));
  ASSERT_TRUE(OpenOk(HandlerB(), r.case_id).can_read_content);

  std::vector<std::string> leads;
  MP_ASSERT_OK(db().Write([&](db::Connection& c) -> common::Status {
    SP_ASSIGN_OR_RETURN(leads, mp_->HandlerKeysLost(c, b_user_));
    return common::Status::Ok();
  }));
  EXPECT_EQ(leads, std::vector<std::string>{lead_user_.id});
  EXPECT_EQ(Count("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND kind = "
                  "'handler_needs_keys'",
                  {lead_user_.id}),
            1);
  EXPECT_EQ(Copies(b_user_.id), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM user_keys WHERE user_id = $1", {b_user_.id}), 0);
  EXPECT_EQ(AuditCount("meldpunt.keys_lost", b_user_.id), 1);

  Staff b = Unlock(b_user_, "een nieuw wachtwoord na het herstel");
  EXPECT_FALSE(OpenOk(b, r.case_id).can_read_content);
  auto n = mp_->ProcessKeyGrants(lead_);
  MP_ASSERT_OK(n);
  EXPECT_EQ(*n, 1);
  EXPECT_EQ(OpenOk(b, r.case_id).narrative, Draft().narrative);
  EXPECT_EQ(Queued(b_user_.id), 0);

  // Someone who is no handler loses nothing and nobody is told.
  MP_ASSERT_OK(db().Write([&](db::Connection& c) -> common::Status {
    SP_ASSIGN_OR_RETURN(leads, mp_->HandlerKeysLost(c, teacher_));
    return common::Status::Ok();
  }));
  EXPECT_TRUE(leads.empty());
}

TEST_P(LeadsTest, PasswordChangeRewrapsTheKeyPair) {
  Receipt r = SubmitOk(Draft());
  MP_ASSERT_OK(mp_->Assign(lead_, r.case_id, HandlerA().user.id));
  std::string public_key = std::string(HandlerA().key->public_key());
  MP_ASSERT_OK(db().Write([&](db::Connection& c) {
    return keys_->RewrapWithNewPassword(c, a_user_.id, kPassword, "een ander goed wachtwoord");
  }));
  Staff a = Unlock(a_user_, "een ander goed wachtwoord");
  EXPECT_EQ(std::string(a.key->public_key()), public_key);
  EXPECT_TRUE(OpenOk(a, r.case_id).can_read_content);
  EXPECT_EQ(Queued(a_user_.id), 0);
  // The wrong old password changes nothing.
  auto wrong = db().Write([&](db::Connection& c) {
    return keys_->RewrapWithNewPassword(c, a_user_.id, "niet het wachtwoord", "iets anders nog");
  });
  EXPECT_EQ(wrong.code(), StatusCode::kPermissionDenied);
}

MP_INSTANTIATE(LeadsTest);

}  // namespace
}  // namespace meldpunt::testing
