// The meldpunt as a service, part 4: the public meldpunt's limits. The
// in-memory throttles of throttle.h (per client first, with a far higher
// bound over all clients), closing junk in bulk as "geen melding", and the
// attachment quotas per report, per case and per school per day.
#include <chrono>

#include "media/test_images.h"
#include "meldpunt/meldpunt_test_util.h"
#include "meldpunt/throttle.h"

namespace meldpunt::testing {
namespace {

using std::chrono::milliseconds;

constexpr common::UnixMillis kMinute = 60 * 1000;

// ---- GuessThrottle: reporter codes (L3) ----

TEST(GuessThrottleTest, WrongCodesDelayTheGuessingClientAndNoOneElse) {
  common::FakeClock clock(FridayMorning());
  GuessThrottle t(clock);
  for (int i = 0; i < GuessThrottle::kFreeFailures; ++i) {
    EXPECT_EQ(t.CurrentDelay("guesser"), milliseconds(0)) << i;
    t.RecordFailure("guesser");
  }
  EXPECT_EQ(t.CurrentDelay("guesser"), GuessThrottle::kBaseDelay);
  for (int i = 0; i < 6; ++i) t.RecordFailure("guesser");  // 11 wrong codes in all
  EXPECT_EQ(t.CurrentDelay("guesser"), GuessThrottle::kMaxDelay);
  EXPECT_EQ(t.CurrentDelay("student"), milliseconds(0));
  // Forgiven over time: ten minutes later the guesser starts afresh too.
  clock.Advance(std::chrono::minutes(10));
  EXPECT_EQ(t.CurrentDelay("guesser"), milliseconds(0));
}

TEST(GuessThrottleTest, ManyAddressesTogetherStillSlowEveryoneDown) {
  common::FakeClock clock(FridayMorning());
  GuessThrottle t(clock);
  // Each address stays under its own free failures...
  for (int i = 0; i < GuessThrottle::kGlobalFreeFailures; ++i)
    t.RecordFailure("address-" + std::to_string(i % 100));
  EXPECT_GT(t.CurrentDelay("newcomer"), milliseconds(0));
  // ... and the backstop is never a lock-out: the delay is capped.
  for (int i = 0; i < 1000; ++i) t.RecordFailure("address-" + std::to_string(i));
  EXPECT_LE(t.CurrentDelay("newcomer"), GuessThrottle::kMaxDelay);
}

// ---- SubmissionLimits: reports without an account (H4) ----

TEST(SubmissionLimitsTest, EachClientHasItsOwnShareUnderTheSchoolsCeiling) {
  common::FakeClock clock(FridayMorning());
  SubmissionLimits limits(clock, /*school_per_minute=*/8, /*client_per_minute=*/5);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limits.Allow("junk", "school-a")) << i;
  for (int i = 0; i < 25; ++i) EXPECT_FALSE(limits.Allow("junk", "school-a")) << i;
  // The junk sender's refused reports used up nothing of the school's ceiling.
  EXPECT_TRUE(limits.Allow("student-1", "school-a"));
  EXPECT_TRUE(limits.Allow("student-2", "school-a"));
  EXPECT_TRUE(limits.Allow("student-3", "school-a"));
  // 8 in this minute: the school's ceiling holds against fresh addresses too.
  EXPECT_FALSE(limits.Allow("student-4", "school-a"));
  EXPECT_TRUE(limits.Allow("student-4", "school-b"));
  // A bucket drains: a minute later everyone may send again.
  clock.Advance(std::chrono::minutes(1));
  EXPECT_TRUE(limits.Allow("junk", "school-a"));
  EXPECT_TRUE(limits.Allow("student-4", "school-a"));
}

TEST(SubmissionLimitsTest, ZeroTurnsALimitOff) {
  common::FakeClock clock(FridayMorning());
  SubmissionLimits limits(clock, 0, 0);
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(limits.Allow("one", "school"));
}

TEST(UploadLimitsTest, ClientBytesRefillOverAnHour) {
  common::FakeClock clock(FridayMorning());
  UploadLimits limits(clock, /*client_bytes=*/1000);
  EXPECT_TRUE(limits.Allow("a", 600));
  EXPECT_FALSE(limits.Allow("a", 600));
  EXPECT_TRUE(limits.Allow("b", 600));
  clock.Advance(std::chrono::minutes(60));
  EXPECT_TRUE(limits.Allow("a", 600));
}

// ---- Closing junk in bulk (H4) ----

class BulkCloseTest : public MeldpuntTest {};

TEST_P(BulkCloseTest, LeadClosesExactlyTheChosenOwnCasesAsNotAReport) {
  Receipt junk1 = SubmitOk(Draft(ReportMode::kAnonymous, "test test test"));
  Receipt junk2 = SubmitOk(Draft(ReportMode::kAnonymous, "spam spam spam"));
  Receipt real = SubmitOk(Draft());
  auto closed = mp_->CloseAsNotAReport(lead_, {junk1.case_id, junk2.case_id});
  ASSERT_TRUE(closed.ok()) << closed.status().ToString();
  EXPECT_EQ(*closed, 2);
  for (const Receipt* r : {&junk1, &junk2}) {
    CaseDetail d = OpenOk(lead_, r->case_id);
    EXPECT_EQ(d.summary.status, CaseStatus::kClosed);
    EXPECT_EQ(d.summary.outcome, domain::Outcome::kNotAReport);
    EXPECT_EQ(AuditCount("case.close_not_a_report", r->case_id), 1);
  }
  EXPECT_EQ(OpenOk(lead_, real.case_id).summary.status, CaseStatus::kReceived);
  EXPECT_EQ(AuditCount("case.close_not_a_report", real.case_id), 0);
  // Junk gets no aftercare: nothing happened to anyone.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM aftercare_tasks WHERE case_id = $1", {junk1.case_id}), 0);
  // The reporter sees the outcome like any other.
  auto view = mp_->ReporterCase(ReporterToken(junk1.code));
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->outcome, domain::Outcome::kNotAReport);
}

TEST_P(BulkCloseTest, AnotherSchoolsCaseIsLikeAMissingOneAndNothingIsClosed) {
  Receipt own = SubmitOk(Draft());
  Receipt other = SubmitOk(Draft(), &other_school_);
  for (const std::string& stranger : {other.case_id, crypto::RandomId()}) {
    auto closed = mp_->CloseAsNotAReport(lead_, {own.case_id, stranger});
    EXPECT_EQ(closed.status().code(), StatusCode::kNotFound);
    EXPECT_EQ(closed.status().field(), "case");
    EXPECT_EQ(closed.status().message(), "a chosen case does not exist");
  }
  // All or none: the own case is still open, the other school's untouched.
  EXPECT_EQ(OpenOk(lead_, own.case_id).summary.status, CaseStatus::kReceived);
  EXPECT_EQ(OpenOk(OtherHandler(), other.case_id).summary.status, CaseStatus::kReceived);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'case.close_not_a_report'"), 0);
}

TEST_P(BulkCloseTest, OnlyALeadMayAndOnlyOpenCases) {
  Receipt r = SubmitOk(Draft());
  MP_ASSERT_OK(mp_->Assign(lead_, r.case_id, HandlerA().user.id));
  EXPECT_EQ(mp_->CloseAsNotAReport(HandlerA(), {r.case_id}).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(mp_->CloseAsNotAReport(lead_, {}).status().code(), StatusCode::kInvalidArgument);
  std::vector<std::string> too_many(Meldpunt::kMaxBulkClose + 1, r.case_id);
  EXPECT_EQ(mp_->CloseAsNotAReport(lead_, too_many).status().code(), StatusCode::kInvalidArgument);
  CloseCase(lead_, r.case_id);
  EXPECT_EQ(mp_->CloseAsNotAReport(lead_, {r.case_id}).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(OpenOk(lead_, r.case_id).summary.outcome, domain::Outcome::kResolvedWithCompany);
}

MP_INSTANTIATE(BulkCloseTest);

// ---- Attachment quotas (M3) ----

class AttachmentQuotaTest : public MeldpuntTest {
 protected:
  static std::string Png() {
    return std::string(media::testdata::Bytes(media::testdata::kTinyPng));
  }
  int64_t Attachments(std::string_view case_id) {
    return Count("SELECT COUNT(*) FROM attachments WHERE case_id = $1", {case_id});
  }
  size_t StoredFiles() {
    size_t n = 0;
    std::error_code ec;
    for (const auto& e : std::filesystem::recursive_directory_iterator(files_dir_, ec))
      n += e.is_regular_file();
    return n;
  }
};

TEST_P(AttachmentQuotaTest, ASixthFileFromTheReporterIsRefusedAndNothingIsStored) {
  Receipt r = SubmitOk(Draft());
  std::string token = ReporterToken(r.code);
  for (int i = 0; i < 5; ++i) MP_ASSERT_OK(mp_->AddAttachmentAsReporter(token, "a.png", Png()));
  size_t files = StoredFiles();
  auto sixth = mp_->AddAttachmentAsReporter(token, "a.png", Png());
  EXPECT_EQ(sixth.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(sixth.status().field(), "attachment");
  EXPECT_EQ(sixth.status().message(), kQuotaPerReport);
  EXPECT_EQ(Attachments(r.case_id), 5);
  EXPECT_EQ(StoredFiles(), files);
  // The meldpunt itself may still add what it needs to the case.
  MP_EXPECT_OK(mp_->AddAttachmentAsStaff(lead_, r.case_id, "verslag.png", Png()));
}

TEST_P(AttachmentQuotaTest, BytesPerCaseHoldForEveryone) {
  Receipt r = SubmitOk(Draft());
  std::string token = ReporterToken(r.code);
  auto first = mp_->AddAttachmentAsReporter(token, "a.png", Png());
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  AttachmentQuotas q;
  q.bytes_per_case = 2 * first->size;  // the cleaned size is what counts
  mp_->set_attachment_quotas(q);
  MP_ASSERT_OK(mp_->AddAttachmentAsStaff(lead_, r.case_id, "b.png", Png()));
  auto third = mp_->AddAttachmentAsStaff(lead_, r.case_id, "c.png", Png());
  EXPECT_EQ(third.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(third.status().message(), kQuotaPerCase);
  EXPECT_EQ(mp_->AddAttachmentAsReporter(token, "a.png", Png()).status().message(), kQuotaPerCase);
  EXPECT_EQ(Attachments(r.case_id), 2);
}

TEST_P(AttachmentQuotaTest, ReportersShareADailyQuotaPerSchool) {
  std::vector<std::string> tokens;
  for (int i = 0; i < 3; ++i) tokens.push_back(ReporterToken(SubmitOk(Draft()).code));
  auto first = mp_->AddAttachmentAsReporter(tokens[0], "a.png", Png());
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  AttachmentQuotas q;
  q.reporter_bytes_per_school_day = 3 * first->size;
  mp_->set_attachment_quotas(q);
  // What the meldpunt itself adds does not count against reporters' quota.
  MP_ASSERT_OK(mp_->AddAttachmentAsStaff(lead_, SubmitOk(Draft()).case_id, "b.png", Png()));
  MP_ASSERT_OK(mp_->AddAttachmentAsReporter(tokens[1], "a.png", Png()));
  MP_ASSERT_OK(mp_->AddAttachmentAsReporter(tokens[2], "a.png", Png()));
  size_t files = StoredFiles();
  auto over = mp_->AddAttachmentAsReporter(tokens[0], "a.png", Png());
  EXPECT_EQ(over.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(over.status().field(), "attachment");
  EXPECT_EQ(over.status().message(), kQuotaPerSchoolDay);
  EXPECT_EQ(StoredFiles(), files);
  // Another school has its own quota; the next UTC day starts afresh.
  Receipt elsewhere = SubmitOk(Draft(), &other_school_);
  MP_EXPECT_OK(mp_->AddAttachmentAsReporter(ReporterToken(elsewhere.code), "a.png", Png()));
  clock_.Advance(std::chrono::hours(24));
  MP_EXPECT_OK(mp_->AddAttachmentAsReporter(ReporterToken(SubmitOk(Draft()).code), "a.png", Png()));
}

MP_INSTANTIATE(AttachmentQuotaTest);

}  // namespace
}  // namespace meldpunt::testing
