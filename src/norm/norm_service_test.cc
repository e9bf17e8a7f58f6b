// The norm service on SQLite and PostgreSQL: policy versions on the shared
// store, reading at the start of a placement, self-assessment, training
// register with reminders, and the pulse survey's separation.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

#include "audit/audit_log.h"
#include "auth/accounts.h"
#include "common/clock.h"
#include "crypto/random.h"
#include "db/backend_test.h"
#include "norm/monitoring.h"
#include "norm/service.h"

namespace norm {
namespace {

using common::StatusCode;
using domain::Role;

// Monday 1 June 2026, 10:00 UTC.
constexpr common::UnixMillis kNow = 1780308000000LL;
constexpr common::UnixMillis kDay = 24LL * 60 * 60 * 1000;

class NormServiceTest : public db::testing::BackendTest {
 protected:
  void SetUp() override {
    SetUpDatabase(/*migrated=*/true);
    if (IsSkipped() || HasFatalFailure()) return;
    audit_ = std::make_unique<audit::AuditLog>(crypto::RandomBytes(32), clock_);
    accounts_ = std::make_unique<auth::Accounts>(db(), clock_);
    svc_ = std::make_unique<NormService>(db(), *audit_, clock_);
    common::Status s = db().Write([&](db::Connection& c) -> common::Status {
      SP_ASSIGN_OR_RETURN(school_, accounts_->CreateSchool(c, "99DM", "ROC Demo"));
      SP_ASSIGN_OR_RETURN(other_, accounts_->CreateSchool(c, "98DM", "ROC Ander"));
      SP_ASSIGN_OR_RETURN(management_, NewUser(c, school_, "management", Role::kManagement));
      SP_ASSIGN_OR_RETURN(admin_, NewUser(c, school_, "admin", Role::kSchoolAdmin));
      SP_ASSIGN_OR_RETURN(teacher_, NewUser(c, school_, "teacher", Role::kTeacher));
      SP_ASSIGN_OR_RETURN(handler_, NewUser(c, school_, "handler", Role::kMeldpuntHandler));
      SP_ASSIGN_OR_RETURN(lead_, NewUser(c, school_, "lead", Role::kMeldpuntHandler));
      SP_ASSIGN_OR_RETURN(student_, NewUser(c, school_, "student", Role::kStudent));
      SP_ASSIGN_OR_RETURN(other_admin_, NewUser(c, other_, "admin", Role::kSchoolAdmin));
      SP_ASSIGN_OR_RETURN(other_teacher_, NewUser(c, other_, "teacher", Role::kTeacher));
      return c.Execute("UPDATE users SET meldpunt_lead = 1 WHERE id = $1", {lead_.id}).status();
    });
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  common::StatusOr<auth::User> NewUser(db::Connection& c, const auth::School& school,
                                       const std::string& name, Role role) {
    return accounts_->CreateUser(c, {school.id, name + "@" + school.brin + ".test", name, role});
  }

  void Exec(const std::string& sql, const db::Params& params) {
    common::Status s =
        db().Write([&](db::Connection& c) { return c.Execute(sql, params).status(); });
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  int64_t Count(const std::string& sql, const db::Params& params = {}) {
    int64_t n = -1;
    common::Status s = db().Read([&](db::Connection& c) -> common::Status {
      SP_ASSIGN_OR_RETURN(db::Row r, c.QueryOne(sql, params));
      n = r.Int(0);
      return common::Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return n;
  }

  // A published placement of `student_` from `start` to `end` (YYYY-MM-DD).
  std::string Placement(const std::string& start, const std::string& end) {
    std::string company = crypto::RandomId(), place = crypto::RandomId(),
                round = crypto::RandomId(), placement = crypto::RandomId();
    if (student_row_.empty()) {
      student_row_ = crypto::RandomId();
      Exec(
          "INSERT INTO students(id, school_id, student_number, name, crebo, level, pathway, "
          "cohort, user_id, created_at, updated_at) VALUES ($1, $2, 'S1', 'Anna', '25480', 3, "
          "'BOL', '2025', $3, 0, 0)",
          {student_row_, school_.id, student_.id});
    }
    Exec("INSERT INTO companies(id, leerbedrijf_id, name, created_at) VALUES ($1, $2, 'Zorg', 0)",
         {company, company.substr(0, 10)});
    Exec(
        "INSERT INTO leerplaatsen(id, school_id, company_id, crebo, period, capacity, "
        "created_at, updated_at) VALUES ($1, $2, $3, '25480', $4, 1, 0, 0)",
        {place, school_.id, company, round});
    Exec(
        "INSERT INTO rounds(id, school_id, name, cohort, period, crebos, status, "
        "leerwens_deadline, start_date, end_date, hours, publish_lead_days, seed, created_by, "
        "created_at, visible_from) VALUES ($1, $2, $3, '2025', 'P', '25480', 'published', "
        "'2026-01-01', $4, $5, 400, 14, 1, 'x', 0, '2026-01-15')",
        {round, school_.id, "Ronde " + start, start, end});
    Exec(
        "INSERT INTO placements(id, school_id, round_id, student_id, leerplaats_id, lottery, "
        "choices) VALUES ($1, $2, $3, $4, $5, 1, 1)",
        {placement, school_.id, round, student_row_, place});
    return placement;
  }

  // A BPV agreement (an internship no round made) of `student_` at a company
  // in the school's register, from `start` to `end` (YYYY-MM-DD).
  std::string Bpv(const std::string& start, const std::string& end) {
    std::string company = crypto::RandomId(), agreement = crypto::RandomId();
    if (student_row_.empty()) Placement("2020-01-01", "2020-01-31");  // makes the student row
    Exec("INSERT INTO companies(id, leerbedrijf_id, name, created_at) VALUES ($1, $2, '', 0)",
         {company, company.substr(0, 10)});
    Exec("INSERT INTO school_companies(school_id, company_id, name) VALUES ($1, $2, 'Bakkerij "
         "Zelfgevonden')",
         {school_.id, company});
    Exec("INSERT INTO bpv_agreements(id, school_id, student_id, company_id, crebo, start_date, "
         "end_date, pathway, created_at, updated_at) VALUES ($1, $2, $3, $4, '25480', $5, $6, "
         "'BBL', 0, 0)",
         {agreement, school_.id, student_row_, company, start, end});
    return agreement;
  }

  PolicyText Text(const std::string& norm) {
    return PolicyText{"Definitie",
                      "Definition",
                      norm,
                      norm + " (en)",
                      "Meld bij het meldpunt",
                      "Report to the meldpunt",
                      "Binnen 3 werkdagen contact",
                      "Contact within 3 working days"};
  }

  common::FakeClock clock_{kNow};
  std::unique_ptr<audit::AuditLog> audit_;
  std::unique_ptr<auth::Accounts> accounts_;
  std::unique_ptr<NormService> svc_;
  auth::School school_, other_;
  auth::User management_, admin_, teacher_, handler_, lead_, student_, other_admin_, other_teacher_;
  std::string student_row_;
};

TEST_P(NormServiceTest, PolicyVersionsShareTheNormStoreAndKeepHistory) {
  auto v1 = svc_->PublishPolicy(management_, Text("Wij discrimineren niet"));
  ASSERT_TRUE(v1.ok()) << v1.status().ToString();
  EXPECT_EQ(*v1, 1);
  auto v2 = svc_->PublishPolicy(management_, Text("Nul tolerantie"));
  ASSERT_TRUE(v2.ok());
  EXPECT_EQ(*v2, 2);
  // The norm part is what companies accept: text_nl of norm_versions.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM norm_versions WHERE school_id = $1 AND version = 2 AND "
                  "text_nl = 'Nul tolerantie'",
                  {school_.id}),
            1);
  auto current = svc_->CurrentPolicy(school_.id);
  ASSERT_TRUE(current.ok() && *current);
  EXPECT_EQ((*current)->text.report_en, "Report to the meldpunt");
  auto history = svc_->PolicyHistory(school_.id);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[1].text.norm_nl, "Wij discrimineren niet");
  auto none = svc_->CurrentPolicy(other_.id);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(*none);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'norm.publish'"), 2);
}

TEST_P(NormServiceTest, PolicyNeedsTheNormInBothLanguagesAndTheRight) {
  PolicyText t = Text("x");
  t.norm_en = "  ";
  EXPECT_EQ(svc_->PublishPolicy(management_, t).status().field(), "norm_en");
  t = Text("x");
  t.next_nl = std::string(20001, 'a');
  EXPECT_EQ(svc_->PublishPolicy(management_, t).status().field(), "next_nl");
  EXPECT_EQ(svc_->PublishPolicy(teacher_, Text("x")).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(svc_->PublishPolicy(student_, Text("x")).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM norm_versions"), 0);
}

TEST_P(NormServiceTest, StudentReadsTheCurrentNormForARunningPlacement) {
  ASSERT_TRUE(svc_->PublishPolicy(management_, Text("Norm")).ok());
  std::string running = Placement("2026-05-01", "2026-07-10");
  std::string ended = Placement("2026-02-01", "2026-04-30");
  auto to_read = svc_->NormsToRead(student_);
  ASSERT_TRUE(to_read.ok()) << to_read.status().ToString();
  ASSERT_EQ(to_read->size(), 1u);
  EXPECT_EQ((*to_read)[0].placement_id, running);
  EXPECT_FALSE((*to_read)[0].read_at);
  EXPECT_EQ(svc_->MarkNormRead(student_, running, 7).field(), "version");
  EXPECT_EQ(svc_->MarkNormRead(student_, ended, 1).code(), StatusCode::kNotFound);
  ASSERT_TRUE(svc_->MarkNormRead(student_, running, 1).ok());
  ASSERT_TRUE(svc_->MarkNormRead(student_, running, 1).ok());  // twice is fine
  to_read = svc_->NormsToRead(student_);
  ASSERT_TRUE(to_read.ok());
  EXPECT_TRUE((*to_read)[0].read_at);
  // A new version asks again.
  ASSERT_TRUE(svc_->PublishPolicy(management_, Text("Norm 2")).ok());
  to_read = svc_->NormsToRead(student_);
  EXPECT_FALSE((*to_read)[0].read_at);
  EXPECT_EQ(svc_->NormsToRead(teacher_).status().code(), StatusCode::kPermissionDenied);
}

TEST_P(NormServiceTest, SelfAssessmentIsScoredPerYear) {
  ASSERT_TRUE(
      svc_->SaveAssessmentItem(management_, "2024-2025", "task_1", "done", "Beleid", "2025-03-01")
          .ok());
  ASSERT_TRUE(
      svc_->SaveAssessmentItem(admin_, "2025-2026", "task_1", "done", "", "2025-10-01").ok());
  ASSERT_TRUE(
      svc_->SaveAssessmentItem(lead_, "2025-2026", "insp_1", "in_progress", "Concept", "2025-11-01")
          .ok());
  ASSERT_TRUE(
      svc_->SaveAssessmentItem(lead_, "2025-2026", "insp_1", "done", "Vastgesteld", "2026-01-10")
          .ok());
  auto history = svc_->AssessmentHistory(management_);
  ASSERT_TRUE(history.ok()) << history.status().ToString();
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].school_year, "2024-2025");
  EXPECT_EQ((*history)[0].score_percent, 10);
  EXPECT_EQ((*history)[1].score_percent, 20);
  EXPECT_EQ((*history)[1].items_done, 2);
  EXPECT_EQ((*history)[1].items_total, 10);
  auto items = svc_->Assessment(admin_, "2025-2026");
  ASSERT_TRUE(items.ok());
  ASSERT_EQ(items->size(), 10u);
  EXPECT_EQ((*items)[0].item_id, "insp_1");
  EXPECT_EQ((*items)[0].evidence, "Vastgesteld");
  EXPECT_EQ((*items)[0].updated_on, "2026-01-10");
  EXPECT_EQ((*items)[1].status, "not_started");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'assessment.save'"), 4);
  // Another school sees none of it.
  auto theirs = svc_->AssessmentHistory(other_admin_);
  ASSERT_TRUE(theirs.ok());
  EXPECT_TRUE(theirs->empty());
}

TEST_P(NormServiceTest, SelfAssessmentRefusesBadInputAndOtherRoles) {
  EXPECT_EQ(
      svc_->SaveAssessmentItem(management_, "2025", "task_1", "done", "", "2026-01-01").field(),
      "year");
  EXPECT_EQ(
      svc_->SaveAssessmentItem(management_, "2025-2026", "task_1", "finished", "", "2026-01-01")
          .field(),
      "status");
  EXPECT_EQ(
      svc_->SaveAssessmentItem(management_, "2025-2026", "task_1", "done", "", "1-1-2026").field(),
      "date");
  EXPECT_EQ(svc_->SaveAssessmentItem(management_, "2025-2026", "task_1", "done", "", "2027-01-01")
                .field(),
            "date");
  EXPECT_EQ(
      svc_->SaveAssessmentItem(management_, "2025-2026", "task_9", "done", "", "2026-01-01").code(),
      StatusCode::kNotFound);
  EXPECT_EQ(
      svc_->SaveAssessmentItem(handler_, "2025-2026", "task_1", "done", "", "2026-01-01").code(),
      StatusCode::kPermissionDenied);
  EXPECT_EQ(
      svc_->SaveAssessmentItem(teacher_, "2025-2026", "task_1", "done", "", "2026-01-01").code(),
      StatusCode::kPermissionDenied);
  EXPECT_EQ(svc_->AssessmentHistory(student_).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM assessment_items"), 0);
}

TEST_P(NormServiceTest, TrainingRegisterAndReminders) {
  auto id = svc_->RecordTraining(admin_, teacher_.id, "Herkennen en aanpakken", "2024-06-15",
                                 "2026-06-20");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  ASSERT_TRUE(
      svc_->RecordTraining(management_, lead_.id, "Herkennen", "2026-01-10", "2028-01-10").ok());
  EXPECT_EQ(
      svc_->RecordTraining(admin_, student_.id, "x", "2026-01-10", "2028-01-10").status().field(),
      "user");
  EXPECT_EQ(svc_->RecordTraining(admin_, other_teacher_.id, "x", "2026-01-10", "2028-01-10")
                .status()
                .field(),
            "user");
  EXPECT_EQ(
      svc_->RecordTraining(admin_, teacher_.id, "", "2026-01-10", "2028-01-10").status().field(),
      "training");
  EXPECT_EQ(
      svc_->RecordTraining(admin_, teacher_.id, "x", "2026-13-10", "2028-01-10").status().field(),
      "completed_on");
  EXPECT_EQ(
      svc_->RecordTraining(admin_, teacher_.id, "x", "2026-01-10", "2025-01-10").status().field(),
      "expires_on");
  EXPECT_EQ(
      svc_->RecordTraining(teacher_, teacher_.id, "x", "2026-01-10", "2028-01-10").status().code(),
      StatusCode::kPermissionDenied);
  EXPECT_EQ(
      svc_->RecordTraining(lead_, teacher_.id, "x", "2026-01-10", "2028-01-10").status().code(),
      StatusCode::kPermissionDenied);

  auto reg = svc_->TrainingRegister(admin_);
  ASSERT_TRUE(reg.ok());
  ASSERT_EQ(reg->size(), 2u);
  EXPECT_EQ((*reg)[0].state, TrainingState::kExpiresSoon);
  EXPECT_TRUE(svc_->TrainingRegister(other_admin_)->empty());

  common::Status s = db().Read([&](db::Connection& c) -> common::Status {
    SP_ASSIGN_OR_RETURN(TrainingSummary t,
                        TrainingFor(c, school_.id, domain::MakeDate(2026, 6, 1)));
    EXPECT_EQ(t.staff_total, 5);  // management, admin, teacher, handler, lead
    EXPECT_EQ(t.trained_current, 2);
    SP_ASSIGN_OR_RETURN(t, TrainingFor(c, school_.id, domain::MakeDate(2026, 6, 20)));
    EXPECT_EQ(t.trained_current, 1);  // expired that day
    return common::Status::Ok();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();

  auto added = svc_->SendTrainingReminders();
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ(*added, 1);
  EXPECT_EQ(*svc_->SendTrainingReminders(), 0);  // once
  EXPECT_EQ(Count("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND kind = "
                  "'training_expiring'",
                  {teacher_.id}),
            1);
  clock_.Set(kNow + 19 * kDay);  // 20 June: expired
  EXPECT_EQ(*svc_->SendTrainingReminders(), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM notifications WHERE kind = 'training_expired'"), 1);
  auto mine = svc_->MyTraining(teacher_);
  ASSERT_TRUE(mine.ok());
  ASSERT_EQ(mine->size(), 1u);
  EXPECT_EQ((*mine)[0].state, TrainingState::kExpired);
}

TEST_P(NormServiceTest, PulseAnswersCannotBeLinkedToTheStudent) {
  std::string ended = Placement("2026-02-01", "2026-04-30");
  std::string running = Placement("2026-05-01", "2026-07-10");
  auto invites = svc_->PulseInvites(student_);
  ASSERT_TRUE(invites.ok()) << invites.status().ToString();
  ASSERT_EQ(invites->size(), 1u);
  EXPECT_EQ((*invites)[0].placement_id, ended);
  EXPECT_EQ(svc_->AnswerPulse(student_, running, {}).code(), StatusCode::kNotFound);
  auto answer = ParsePulseAnswer("yes", "no", {"no_trust", "fear_consequences"});
  ASSERT_TRUE(answer.ok());
  ASSERT_TRUE(svc_->AnswerPulse(student_, ended, *answer).ok());
  common::Status again = svc_->AnswerPulse(student_, ended, *answer);
  EXPECT_EQ(again.code(), StatusCode::kAlreadyExists);
  EXPECT_TRUE(svc_->PulseInvites(student_)->empty());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM pulse_answers"), 1);
  // Nothing in the answer names the student, the placement or the moment.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM pulse_answers WHERE month = '2026-06' AND id <> $1 AND "
                  "id <> $2 AND id <> $3",
                  {student_.id, ended, student_row_}),
            1);
  common::Status s = db().Read([&](db::Connection& c) -> common::Status {
    SP_ASSIGN_OR_RETURN(PulseSummary p, PulseFor(c, school_.id, domain::MakeDate(2026, 6, 15),
                                                 domain::MakeDate(2026, 6, 16)));
    EXPECT_EQ(p.responses, 1);
    EXPECT_EQ(p.experienced, 1);
    EXPECT_EQ(p.reported, 0);
    EXPECT_EQ(p.reasons_not_reported.size(), PulseReasons().size());
    for (const auto& [reason, n] : p.reasons_not_reported) {
      EXPECT_EQ(n, reason == "no_trust" || reason == "fear_consequences" ? 1 : 0) << reason;
    }
    SP_ASSIGN_OR_RETURN(
        p, PulseFor(c, school_.id, domain::MakeDate(2026, 7, 1), domain::MakeDate(2026, 7, 31)));
    EXPECT_EQ(p.responses, 0);
    SP_ASSIGN_OR_RETURN(
        p, PulseFor(c, other_.id, domain::MakeDate(2026, 1, 1), domain::MakeDate(2026, 12, 31)));
    EXPECT_EQ(p.responses, 0);
    return common::Status::Ok();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(svc_->PulseInvites(teacher_).status().code(), StatusCode::kPermissionDenied);
}

// An internship from the school's BPV agreements is read and surveyed like a
// placement of a round, and the monitor's figures count both sources.
TEST_P(NormServiceTest, BpvInternshipGetsTheNormThePulseAndCounts) {
  ASSERT_TRUE(svc_->PublishPolicy(management_, Text("Norm")).ok());
  std::string running = Bpv("2026-05-01", "2026-07-10");
  std::string ended = Bpv("2026-02-01", "2026-04-30");
  std::string long_ago = Bpv("2024-09-01", "2025-01-31");  // no survey this long after
  auto to_read = svc_->NormsToRead(student_);
  ASSERT_TRUE(to_read.ok()) << to_read.status().ToString();
  ASSERT_EQ(to_read->size(), 1u);
  EXPECT_EQ((*to_read)[0].placement_id, running);
  EXPECT_EQ((*to_read)[0].round_name, "Bakkerij Zelfgevonden");
  EXPECT_EQ(svc_->MarkNormRead(student_, ended, 1).code(), StatusCode::kNotFound);
  ASSERT_TRUE(svc_->MarkNormRead(student_, running, 1).ok());
  EXPECT_TRUE((*svc_->NormsToRead(student_))[0].read_at);

  auto invites = svc_->PulseInvites(student_);
  ASSERT_TRUE(invites.ok()) << invites.status().ToString();
  std::vector<std::string> ids;
  for (const PulseInvite& i : *invites) ids.push_back(i.placement_id);
  // The round placement the helper made (January 2020) is long over too, but
  // a round's placement keeps its invitation; the BPV one of 2025 does not.
  EXPECT_NE(std::find(ids.begin(), ids.end(), ended), ids.end());
  EXPECT_EQ(std::find(ids.begin(), ids.end(), long_ago), ids.end());
  EXPECT_EQ(std::find(ids.begin(), ids.end(), running), ids.end());
  EXPECT_EQ(svc_->AnswerPulse(student_, running, {}).code(), StatusCode::kNotFound);
  EXPECT_EQ(svc_->AnswerPulse(student_, long_ago, {}).code(), StatusCode::kNotFound);
  auto answer = ParsePulseAnswer("yes", "no", {"no_trust"});
  ASSERT_TRUE(answer.ok());
  ASSERT_TRUE(svc_->AnswerPulse(student_, ended, *answer).ok());
  EXPECT_EQ(svc_->AnswerPulse(student_, ended, *answer).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM pulse_answers WHERE school_id = $1", {school_.id}), 1);

  // Another school's student cannot read or answer for this internship.
  auth::User other_student;
  ASSERT_TRUE(db().Write([&](db::Connection& c) -> common::Status {
                    SP_ASSIGN_OR_RETURN(other_student,
                                        NewUser(c, other_, "student", Role::kStudent));
                    return common::Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(svc_->MarkNormRead(other_student, running, 1).code(), StatusCode::kNotFound);

  // The monitor: May to June 2026 has the running BPV internship (read) and
  // the round placement of the same period.
  std::string round = Placement("2026-05-01", "2026-06-30");
  common::Status s = db().Read([&](db::Connection& c) -> common::Status {
    SP_ASSIGN_OR_RETURN(InternshipSummary in, InternshipsFor(c, school_.id,
                                                             domain::MakeDate(2026, 5, 1),
                                                             domain::MakeDate(2026, 6, 30)));
    EXPECT_EQ(in.from_rounds, 1);
    EXPECT_EQ(in.from_bpv, 1);
    EXPECT_EQ(in.total(), 2);
    EXPECT_EQ(in.norm_read, 1);
    SP_ASSIGN_OR_RETURN(in, InternshipsFor(c, school_.id, domain::MakeDate(2026, 2, 1),
                                           domain::MakeDate(2026, 7, 31)));
    EXPECT_EQ(in.from_bpv, 2);
    SP_ASSIGN_OR_RETURN(in, InternshipsFor(c, other_.id, domain::MakeDate(2020, 1, 1),
                                           domain::MakeDate(2030, 1, 1)));
    EXPECT_EQ(in.total(), 0);
    return common::Status::Ok();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  (void)round;
}

INSTANTIATE_TEST_SUITE_P(Backends, NormServiceTest, db::testing::kBothBackends,
                         db::testing::DialectName<::testing::TestParamInfo<db::Dialect>>);

}  // namespace
}  // namespace norm
