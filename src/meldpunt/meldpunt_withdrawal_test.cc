// The reporter withdraws a report with the code: crypto-shredded at once, only
// school, month received and status stay; the handlers see only that.
#include <fstream>
#include <iterator>
#include <set>

#include "media/test_images.h"
#include "meldpunt/meldpunt_test_util.h"
#include "notify/notifications.h"

namespace meldpunt::testing {
namespace {

class WithdrawalTest : public MeldpuntTest {
 protected:
  // Every table of the schema, so that no new table escapes the canary search.
  std::vector<std::string> AllTables() {
    std::vector<std::string> tables;
    common::Status s = db().Read([&](db::Connection& c) -> common::Status {
      SP_ASSIGN_OR_RETURN(db::Rows rows,
                          c.Query(GetParam() == db::Dialect::kSqlite
                                      ? "SELECT name FROM sqlite_master WHERE type = 'table' "
                                        "AND name NOT LIKE 'sqlite_%'"
                                      : "SELECT table_name FROM information_schema.tables WHERE "
                                        "table_schema = current_schema() AND table_type = "
                                        "'BASE TABLE'"));
      for (const db::Row& r : rows.rows) tables.push_back(r.Text(0));
      return common::Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return tables;
  }
  size_t FileCount() {
    size_t n = 0;
    std::error_code ec;
    for (const auto& e : std::filesystem::recursive_directory_iterator(files_dir_, ec))
      n += e.is_regular_file() ? 1 : 0;
    return n;
  }
};

std::string Png() { return std::string(media::testdata::Bytes(media::testdata::kTinyPng)); }

TEST_P(WithdrawalTest, WithdrawnReportIsShreddedAtOnceAndItsCanaryIsUnreadable) {
  const std::string canary = "KANARIE-" + crypto::RandomId();
  domain::ReportDraft d = Draft(ReportMode::kConfidential, "Wat er gebeurde: " + canary + ".");
  d.reporter->name = "Naam " + canary;
  d.company = domain::CompanyRef{"", "", "Bedrijf " + canary};
  d.programme.pathway = "BOL";
  d.programme.level = 2;
  Receipt r = SubmitOk(d);
  Receipt other = SubmitOk(Draft());
  std::string token = ReporterToken(r.code);
  MP_ASSERT_OK(mp_->ReporterMessage(token, "Aanvulling " + canary));
  MP_ASSERT_OK(mp_->AddAttachmentAsReporter(token, "bewijs.png", Png()));
  ASSERT_EQ(FileCount(), 1u);
  MP_ASSERT_OK(mp_->Assign(lead_, r.case_id, HandlerA().user.id));
  MP_ASSERT_OK(mp_->StaffMessage(HandlerA(), r.case_id, "Antwoord " + canary));
  MP_ASSERT_OK(mp_->RecordAction(HandlerA(), r.case_id, domain::ActionKind::kTalkStudent,
                                 "Notitie " + canary));
  std::string second = ReporterToken(r.code);  // another browser of the reporter

  clock_.Advance(std::chrono::minutes(30));
  MP_ASSERT_OK(mp_->WithdrawReport(token));

  // No row anywhere holds the canary; the key rows and the file are gone.
  EXPECT_TRUE(FindInTables(AllTables(), {canary}).empty())
      << ::testing::PrintToString(FindInTables(AllTables(), {canary}));
  for (const char* table :
       {"case_keys", "case_messages", "case_actions", "attachments", "reporter_sessions",
        "case_events", "aftercare_tasks", "identity_reveals", "case_mail_optin", "case_alerts"}) {
    EXPECT_EQ(
        Count(std::string("SELECT COUNT(*) FROM ") + table + " WHERE case_id = $1", {r.case_id}), 0)
        << table;
  }
  EXPECT_EQ(FileCount(), 0u);
  // Only school, month received and status stay.
  domain::Date received = domain::DateFromMillis(FridayMorning());  // 13 March 2026
  EXPECT_EQ(
      Count("SELECT COUNT(*) FROM cases WHERE id = $1 AND status = 'withdrawn' AND "
            "grounds = '' AND actors = '' AND wishes = '' AND consents = '' AND phase = '' AND "
            "mode = '' "
            "AND company_id IS NULL AND crebo IS NULL AND pathway IS NULL AND level IS NULL AND "
            "location IS NULL AND "
            "occurred_on IS NULL AND narrative IS NULL AND company_text IS NULL AND "
            "identity IS NULL AND content_sha256 = '' AND survey_heard IS NULL AND "
            "shredded_at IS NOT NULL AND received_at = $2",
            {r.case_id, domain::StartOfDayMillis(domain::MakeDate(2026, 3, 1))}),
      1);

  // The code says "withdrawn" and opens nothing; every session has ended.
  auto again = mp_->OpenReporterSession(r.code);
  EXPECT_EQ(again.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(again.status().message(), kWithdrawnReport);
  EXPECT_EQ(mp_->ReporterCase(second).status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(mp_->WithdrawReport(second).code(), StatusCode::kUnauthenticated);

  // The handlers: the case page has nothing to show, the inbox no open case,
  // and the lead and the assigned handler one notification naming the number.
  CaseDetail seen = OpenOk(lead_, r.case_id);
  EXPECT_EQ(seen.summary.status, CaseStatus::kWithdrawn);
  EXPECT_FALSE(seen.can_read_content);
  EXPECT_EQ(seen.narrative, "");
  EXPECT_FALSE(seen.summary.company.has_value());
  auto inbox = mp_->Inbox(lead_, {});
  MP_ASSERT_OK(inbox);
  for (const CaseSummary& s : *inbox) EXPECT_NE(s.id, r.case_id);
  EXPECT_EQ(mp_->CountInbox(lead_)->open, 1);
  notify::Notifications notes(db(), clock_);
  for (const auth::User& u : {lead_user_, a_user_}) {
    auto unread = notes.Unread(u.id);
    MP_ASSERT_OK(unread);
    int withdrawn = 0;
    for (const notify::Notification& n : *unread) {
      EXPECT_NE(n.kind, "first_contact_overdue");  // the earlier alerts went
      if (n.kind == "case_withdrawn") {
        ++withdrawn;
        EXPECT_EQ(n.subject, r.case_number);
      }
    }
    EXPECT_EQ(withdrawn, 1) << u.display_name;
  }
  // Day only and no actor, like every step with the code.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'case.withdraw' AND object_id = "
                  "$1 AND actor = '' AND at % 86400000 = 0",
                  {r.case_id}),
            1);
  // A handler can do nothing more with it.
  EXPECT_FALSE(mp_->StaffMessage(lead_, r.case_id, "hoi").ok());
  EXPECT_FALSE(mp_->Transition(lead_, r.case_id, CaseStatus::kIntake, std::nullopt, "").ok());

  // The statistics count it as withdrawn, in no breakdown and no total.
  domain::Date from = domain::AddDays(received, -31), to = domain::AddDays(Today(), 1);
  for (const char* by : {"ground", "phase", "status", "month"}) {
    auto counts = mp_->CountReports(school_.id, from, to, by);
    MP_ASSERT_OK(counts);
    EXPECT_EQ(counts->total, 1) << by;
    EXPECT_EQ(counts->withdrawn, 1) << by;
    for (const auto& [key, n] : counts->cells) EXPECT_NE(key, "withdrawn") << by;
  }
  // The other report is untouched.
  EXPECT_EQ(OpenOk(lead_, other.case_id).narrative, Draft().narrative);
}

TEST_P(WithdrawalTest, RetentionStillKeepsTheHandlingRecordOfAClosedCase) {
  // One ShredCase serves both: retention keeps what the monitor counts.
  Receipt r = SubmitOk(Draft());
  CloseCase(lead_, r.case_id);
  clock_.Set(domain::StartOfDayMillis(domain::AddMonths(Today(), 25)));
  auto run = mp_->RunRetention();
  MP_ASSERT_OK(run);
  EXPECT_EQ(run->shredded, 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM cases WHERE id = $1 AND status = 'closed' AND grounds = "
                  "'origin,religion' AND company_id IS NOT NULL AND narrative IS NULL",
                  {r.case_id}),
            1);
  EXPECT_GT(Count("SELECT COUNT(*) FROM case_events WHERE case_id = $1", {r.case_id}), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM case_keys WHERE case_id = $1", {r.case_id}), 0);
}

MP_INSTANTIATE(WithdrawalTest);

}  // namespace
}  // namespace meldpunt::testing
