#include "mail/sender.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "db/backend_test.h"
#include "mail/outbox.h"

namespace mail {
namespace {

using common::Status;
constexpr common::UnixMillis kMinute = 60 * 1000;

TEST(RetryDelay, DoublesFromOneMinuteUpToSixHours) {
  EXPECT_EQ(RetryDelay(1), kMinute);
  EXPECT_EQ(RetryDelay(2), 2 * kMinute);
  EXPECT_EQ(RetryDelay(3), 4 * kMinute);
  EXPECT_EQ(RetryDelay(9), 256 * kMinute);
  EXPECT_EQ(RetryDelay(10), 360 * kMinute);
  EXPECT_EQ(RetryDelay(19), 360 * kMinute);
  EXPECT_EQ(RetryDelay(100), 360 * kMinute);
}

TEST(Message, HeadersAndEncodings) {
  std::string m = BuildMessage({"abc123", "lead@school.nl", "Melding één", "Regel één\nTwee\n"},
                               "stagepunt@school.nl", "stagepunt.school.nl", 1'800'000'000'000);
  EXPECT_NE(m.find("Date: Fri, 15 Jan 2027 08:00:00 +0000\r\n"), std::string::npos) << m;
  EXPECT_NE(m.find("Message-ID: <abc123@stagepunt.school.nl>\r\n"), std::string::npos);
  EXPECT_NE(m.find("Subject: =?UTF-8?B?"), std::string::npos);
  EXPECT_NE(m.find("To: <lead@school.nl>\r\n"), std::string::npos);
  EXPECT_NE(m.find("Auto-Submitted: auto-generated\r\n"), std::string::npos);
  EXPECT_NE(m.find("Content-Type: text/plain; charset=UTF-8\r\n"), std::string::npos);
  EXPECT_NE(m.find("\r\n\r\nRegel =C3=A9=C3=A9n\r\nTwee\r\n"), std::string::npos) << m;
  // A line break in a header value cannot add a header.
  std::string evil = BuildMessage({"x", "a@b.nl\r\nBcc: c@d.nl", "s", "b"}, "f@g.nl", "h", 0);
  EXPECT_EQ(evil.find("\r\nBcc:"), std::string::npos);
}

TEST(Message, LongLinesAreSoftBroken) {
  std::string body(200, 'x');
  std::string m = BuildMessage({"i", "a@b.nl", "s", body}, "f@g.nl", "h", 0);
  std::istringstream in(m.substr(m.find("\r\n\r\n") + 4));
  for (std::string line; std::getline(in, line);) EXPECT_LE(line.size(), 77u);
}

TEST(Address, Masked) {
  EXPECT_EQ(MaskAddress("anna@school.nl"), "a***@school.nl");
  EXPECT_EQ(HostOf("https://stagepunt.school.nl:8443/x"), "stagepunt.school.nl");
  EXPECT_EQ(HostOf("http://127.0.0.1:8080"), "127.0.0.1");
}

class SenderTest : public db::testing::BackendTest {
 protected:
  void SetUp() override {
    SetUpDatabase(/*migrated=*/true);
    if (IsSkipped() || HasFatalFailure()) return;
    dir_ = std::filesystem::temp_directory_path() /
           ("mail-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Queue(std::string_view link = "/invite/secret-token") {
    std::string id;
    EXPECT_TRUE(db().Write([&](db::Connection& c) -> Status {
                      Recipient to;
                      to.address = "anna@school.nl";
                      Params p;
                      p.link = std::string(link);
                      p.login = "anna@school.nl";
                      p.school_name = "ROC";
                      SP_ASSIGN_OR_RETURN(bool q, outbox_.Enqueue(c, Kind::kInvitation, to, p));
                      EXPECT_TRUE(q);
                      SP_ASSIGN_OR_RETURN(db::Rows rows, c.Query("SELECT id FROM mail_outbox"));
                      for (const db::Row& r : rows.rows) {
                        if (known_.insert(r.Text(0)).second) id = r.Text(0);
                      }
                      return Status::Ok();
                    })
                    .ok());
    return id;
  }
  db::Row Row(const std::string& id) {
    std::optional<db::Row> row;
    EXPECT_TRUE(db().Read([&](db::Connection& c) -> Status {
                      SP_ASSIGN_OR_RETURN(
                          db::Row r,
                          c.QueryOne("SELECT state, attempts, next_attempt_at, body, "
                                     "last_error, subject FROM mail_outbox WHERE id = $1",
                                     {id}));
                      row = r;
                      return Status::Ok();
                    })
                    .ok());
    return row.value_or(db::Row({}));
  }
  SenderOptions EmlOptions() {
    SenderOptions o;
    o.eml_dir = dir_.string();
    o.public_url = "https://stagepunt.school.nl";
    return o;
  }
  // An SMTP URL where nothing listens: every try fails.
  SenderOptions DeadSmtp() {
    SenderOptions o = EmlOptions();
    o.smtp_url = "smtp://127.0.0.1:9";
    o.timeout_seconds = 5;
    return o;
  }

  static inline int counter_ = 0;
  std::set<std::string> known_;
  std::filesystem::path dir_;
  common::FakeClock clock_{1'800'000'000'000};
  Outbox outbox_{clock_, "https://stagepunt.school.nl"};
};

TEST_P(SenderTest, WritesEmlAtomicallyAndWipesTheBody) {
  std::string id = Queue();
  Sender sender(db(), clock_, EmlOptions());
  auto run = sender.RunOnce();
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->sent, 1);
  std::ifstream in(dir_ / (id + ".eml"));
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find("Message-ID: <" + id + "@stagepunt.school.nl>"), std::string::npos);
  EXPECT_NE(text.str().find("https://stagepunt.school.nl/invite/secret-token"), std::string::npos);
  for (const auto& e : std::filesystem::directory_iterator(dir_))
    EXPECT_EQ(e.path().extension(), ".eml") << "no temporary file left: " << e.path();
  db::Row r = Row(id);
  EXPECT_EQ(r.Text(0), "sent");
  EXPECT_EQ(r.Text(3), "");
  EXPECT_EQ(r.Text(5), "");
  // Nothing is due any more.
  EXPECT_EQ(sender.RunOnce()->sent, 0);
}

TEST_P(SenderTest, BacksOffThenGivesUpAfterTwoDaysWithAReasonAndNoBody) {
  std::string id = Queue();
  Sender sender(db(), clock_, DeadSmtp());
  auto run = sender.RunOnce();
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->retried, 1);
  db::Row r = Row(id);
  EXPECT_EQ(r.Text(0), "queued");
  EXPECT_EQ(r.Int(1), 1);
  EXPECT_EQ(r.Int(2), clock_.NowMillis() + kMinute);
  EXPECT_FALSE(r.Text(4).empty());
  EXPECT_EQ(r.Text(4).find('@'), std::string::npos) << "no address in the reason";
  // Not due yet.
  EXPECT_EQ(sender.RunOnce()->retried, 0);
  clock_.Advance(std::chrono::minutes(1));
  EXPECT_EQ(sender.RunOnce()->retried, 1);
  EXPECT_EQ(Row(id).Int(2), clock_.NowMillis() + 2 * kMinute);
  // Keep trying whenever due, until given up.
  int tries = 2;
  for (int i = 0; i < 100 && Row(id).Text(0) == "queued"; ++i) {
    clock_.Set(Row(id).Int(2));
    ASSERT_TRUE(sender.RunOnce().ok());
    ++tries;
  }
  r = Row(id);
  EXPECT_EQ(r.Text(0), "failed");
  EXPECT_EQ(r.Int(1), tries);
  EXPECT_LE(tries, kMaxAttempts);
  EXPECT_EQ(r.Text(3), "");
  EXPECT_FALSE(r.Text(4).empty());
  // The row stays for the retention job (retention/runner.h) to remove.
  clock_.Advance(std::chrono::hours(24 * 30));
  ASSERT_TRUE(sender.RunOnce().ok());
  EXPECT_EQ(Row(id).Text(0), "failed");
}

TEST_P(SenderTest, ACrashedClaimIsRetriedAfterItsLease) {
  std::string id = Queue();
  // A sender that claimed the row and died: 'sending' with a lease.
  ASSERT_TRUE(db().Write([&](db::Connection& c) {
                    return c
                        .Execute(
                            "UPDATE mail_outbox SET state = 'sending', claimed_until = $2, "
                            "attempts = 1 WHERE id = $1",
                            {id, clock_.NowMillis() + 5 * kMinute})
                        .status();
                  })
                  .ok());
  Sender sender(db(), clock_, EmlOptions());
  EXPECT_EQ(sender.RunOnce()->sent, 0);
  clock_.Advance(std::chrono::minutes(5));
  EXPECT_EQ(sender.RunOnce()->sent, 1);
  EXPECT_EQ(Row(id).Text(0), "sent");
  EXPECT_EQ(Row(id).Int(1), 2);
}

TEST_P(SenderTest, TwoSendersRacingSendEachMailOnce) {
  std::vector<std::string> ids;
  for (int i = 0; i < 40; ++i) ids.push_back(Queue());
  auto other = test_db_->OpenAnother();
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  Sender a(db(), clock_, EmlOptions());
  Sender b(**other, clock_, EmlOptions());
  int sent_a = 0, sent_b = 0;
  std::thread ta([&] {
    for (int i = 0; i < 5; ++i)
      if (auto r = a.RunOnce(); r.ok()) sent_a += r->sent;
  });
  std::thread tb([&] {
    for (int i = 0; i < 5; ++i)
      if (auto r = b.RunOnce(); r.ok()) sent_b += r->sent;
  });
  ta.join();
  tb.join();
  EXPECT_EQ(sent_a + sent_b, 40);
  int files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir_)) ++files;
  EXPECT_EQ(files, 40);
  for (const std::string& id : ids) EXPECT_EQ(Row(id).Int(1), 1) << "sent once: " << id;
}

INSTANTIATE_TEST_SUITE_P(Backends, SenderTest, db::testing::kBothBackends,
                         db::testing::DialectName<::testing::TestParamInfo<db::Dialect>>);

}  // namespace
}  // namespace mail
