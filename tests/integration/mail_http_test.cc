// Mail over real HTTP and a real SMTP server (tests/mail/smtp-sink.mjs, on
// node's smtp-server), on SQLite and PostgreSQL: reports and assignments
// queue mails to the right people; no mail carries the report's content; a
// mail server that is down delays mail without losing or doubling it; two
// senders racing deliver each mail once.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "app/demo.h"
#include "crypto/totp.h"
#include "mail/sender.h"
#include "test_app.h"

#ifndef STAGEPUNT_SOURCE_DIR
#error "STAGEPUNT_SOURCE_DIR must name the repository root"
#endif

namespace {

using nlohmann::json;
using testing_support::Browser;
using testing_support::TestApp;

const char kCanaryNarrative[] = "CANARY-verhaal-5d1e-geheim";
const char kCanaryCompany[] = "CANARY-Bedrijf-9b2c BV";
const char kCanaryName[] = "CANARY-Naam-Jansen-44";
const char kPassword[] = "sink-password-1";

// The SMTP sink as a child process: node tests/mail/smtp-sink.mjs.
class SmtpSink {
 public:
  SmtpSink(std::string dir, int port) : dir_(std::move(dir)) { Start(port); }
  ~SmtpSink() { Stop(); }
  int port() const { return port_; }
  bool running() const { return pid_ > 0; }

  void Start(int port) {
    int out[2];
    ASSERT_EQ(::pipe(out), 0);
    std::string script = std::string(STAGEPUNT_SOURCE_DIR) + "/tests/mail/smtp-sink.mjs";
    std::string port_arg = std::to_string(port);
    pid_ = ::fork();
    ASSERT_GE(pid_, 0);
    if (pid_ == 0) {
      ::dup2(out[1], 1);
      ::close(out[0]);
      ::close(out[1]);
      execlp("node", "node", script.c_str(), "--port", port_arg.c_str(), "--dir", dir_.c_str(),
             "--user", "app", "--password", kPassword, static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(out[1]);
    std::string line;
    char ch;
    while (::read(out[0], &ch, 1) == 1 && ch != '\n') line += ch;
    ::close(out[0]);
    json j = json::parse(line, nullptr, false);
    ASSERT_TRUE(j.is_object() && j.contains("port"))
        << "smtp-sink did not start (is node on PATH and smtp-server in node_modules?): " << line;
    port_ = j["port"].get<int>();
  }
  void Stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }

  // Every message received so far.
  std::vector<std::string> Messages() const {
    std::vector<std::string> out;
    if (!std::filesystem::exists(dir_)) return out;
    for (const auto& e : std::filesystem::directory_iterator(dir_)) {
      if (e.path().extension() != ".eml") continue;
      std::ifstream in(e.path());
      std::stringstream s;
      s << in.rdbuf();
      out.push_back(s.str());
    }
    return out;
  }

 private:
  std::string dir_;
  pid_t pid_ = -1;
  int port_ = 0;
};

std::string MessageId(const std::string& m) {
  size_t at = m.find("Message-ID: <");
  if (at == std::string::npos) return "";
  size_t end = m.find('>', at);
  return m.substr(at + 13, end - at - 13);
}

class MailHttpTest : public ::testing::TestWithParam<db::Dialect> {
 protected:
  void SetUp() override {
    std::string reason;
    t_ = TestApp::Start(GetParam(), &reason);
    ASSERT_TRUE(t_ || reason.rfind("FAIL: ", 0) != 0) << reason;
    if (!t_) GTEST_SKIP() << reason;
    sink_ = std::make_unique<SmtpSink>(t_->data_dir() + "/sink", 0);
    if (HasFatalFailure()) return;
  }
  mail::SenderOptions Smtp() const {
    mail::SenderOptions o;
    o.smtp_url = "smtp://app@127.0.0.1:" + std::to_string(sink_->port());
    o.smtp_password = kPassword;
    o.mail_from = "stagepunt@99dm.demo";
    o.public_url = "https://stagepunt.99dm.demo";
    o.eml_dir = t_->data_dir() + "/unused-outbox";
    o.timeout_seconds = 10;
    return o;
  }
  // A confidential report with the canaries, through the JSON API.
  std::string Submit() {
    json report = {{"mode", "confidential"},
                   {"phase", "search"},
                   {"grounds", {"origin"}},
                   {"narrative", std::string("Wat er gebeurde: ") + kCanaryNarrative},
                   {"company", {{"name", kCanaryCompany}}},
                   {"reporter", {{"name", kCanaryName}, {"student_number", "123456"}}}};
    web::TestClient client("127.0.0.1", t_->port());
    auto res = client.PostJson("/api/v1/schools/99DM/reports", report.dump());
    EXPECT_EQ(res.status, 201) << res.body;
    json r = json::parse(res.body, nullptr, false);
    if (!r.is_object()) return "";
    std::string ref = r.value("case_number", "");
    EXPECT_TRUE(t_->db()
                    .Read([&](db::Connection& c) -> common::Status {
                      SP_ASSIGN_OR_RETURN(
                          db::Row row,
                          c.QueryOne("SELECT id FROM cases WHERE case_number = $1", {ref}));
                      case_ids_.push_back(row.Text(0));
                      return common::Status::Ok();
                    })
                    .ok());
    return ref;
  }
  std::unique_ptr<Browser> LoggedIn(const std::string& login) {
    auto b = std::make_unique<Browser>(t_->port());
    auto res = b->Login(login, app::kDemoPassword,
                        *crypto::TotpCode(app::kDemoTotpSecret, t_->clock().NowMillis() / 1000));
    EXPECT_EQ(res.Header("location"), "/dashboard") << res.status;
    return b;
  }
  // The mails whose recipient (envelope) is `to` and that name `ref`.
  int MailsTo(const std::string& to, const std::string& ref) {
    int n = 0;
    for (const std::string& m : sink_->Messages()) {
      if (m.find("X-Sink-Rcpt: " + to + "\r\n") == 0 && m.find(ref) != std::string::npos) ++n;
    }
    return n;
  }
  int64_t Rows(const std::string& state) {
    int64_t n = -1;
    EXPECT_TRUE(t_->db()
                    .Read([&](db::Connection& c) -> common::Status {
                      SP_ASSIGN_OR_RETURN(
                          db::Row r,
                          c.QueryOne("SELECT COUNT(*) FROM mail_outbox WHERE state = $1", {state}));
                      n = r.Int(0);
                      return common::Status::Ok();
                    })
                    .ok());
    return n;
  }
  void ExpectEachRowArrivedOnce() {
    std::map<std::string, int> seen;
    for (const std::string& m : sink_->Messages()) ++seen[MessageId(m)];
    for (const auto& [id, n] : seen) EXPECT_EQ(n, 1) << "Message-ID " << id << " arrived " << n;
    EXPECT_EQ(static_cast<int64_t>(seen.size()), Rows("sent"));
    EXPECT_EQ(Rows("queued") + Rows("sending") + Rows("failed"), 0);
  }

  std::unique_ptr<TestApp> t_;
  std::unique_ptr<SmtpSink> sink_;
  std::vector<std::string> case_ids_;
};

TEST_P(MailHttpTest, AlertsReachTheRightPeopleWithoutContentAndExactlyOnce) {
  mail::Sender sender(t_->db(), t_->clock(), Smtp());
  // The demo data's own mails first.
  for (int i = 0; i < 20; ++i) {
    auto drained = sender.RunOnce();
    ASSERT_TRUE(drained.ok()) << drained.status().ToString();
    if (drained->sent == 0) break;
  }

  // A new case: the lead hears of it by its reference.
  std::string ref = Submit();
  ASSERT_FALSE(ref.empty());
  auto run = sender.RunOnce();
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_GE(run->sent, 1);
  EXPECT_EQ(MailsTo("meldpunt@99dm.demo", ref), 1);
  EXPECT_EQ(MailsTo("meldpunt2@99dm.demo", ref), 0) << "a handler who is no lead gets no new case";

  // An assignment: the handler hears of it.
  auto lead = LoggedIn("meldpunt@99dm.demo");
  auto handler = LoggedIn("meldpunt2@99dm.demo");  // makes the handler's key
  auto handler_user = t_->app().accounts().UserByLogin("meldpunt2@99dm.demo");
  ASSERT_TRUE(handler_user.ok());
  ASSERT_EQ(
      lead->Post("/meldpunt/zaken/" + case_ids_[0] + "/toewijzen", "assignee=" + handler_user->id)
          .status,
      303);
  ASSERT_TRUE(sender.RunOnce().ok());
  EXPECT_EQ(MailsTo("meldpunt2@99dm.demo", ref), 1);

  // The mail server is down: mail waits, backs off, and is not lost.
  const int sink_port = sink_->port();
  sink_->Stop();
  std::string ref2 = Submit();
  run = sender.RunOnce();
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->sent, 0);
  EXPECT_GE(run->retried, 1);
  EXPECT_EQ(Rows("queued"), run->retried);
  sink_->Start(sink_port);
  run = sender.RunOnce();  // not due yet: the first retry is after a minute
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->sent, 0);
  t_->clock().Advance(std::chrono::minutes(1));
  run = sender.RunOnce();
  ASSERT_TRUE(run.ok());
  EXPECT_GE(run->sent, 1);
  EXPECT_EQ(MailsTo("meldpunt@99dm.demo", ref2), 1);

  // Two senders (two instances on one database) racing: each mail once.
  ASSERT_TRUE(t_->db()
                  .Write([&](db::Connection& c) -> common::Status {
                    for (int i = 0; i < 30; ++i) {
                      mail::Params p;
                      p.link = "/meldpunt/zaken/" + case_ids_[0];
                      p.case_reference = ref;
                      SP_RETURN_IF_ERROR(
                          t_->app()
                              .outbox()
                              .EnqueueForUser(c, mail::Kind::kDeadlineAlert, handler_user->id, p)
                              .status());
                    }
                    return common::Status::Ok();
                  })
                  .ok());
  auto other_db = t_->test_db().OpenAnother();
  ASSERT_TRUE(other_db.ok()) << other_db.status().ToString();
  mail::SenderOptions small = Smtp();
  small.batch = 7;
  mail::Sender a(t_->db(), t_->clock(), small);
  mail::Sender b(**other_db, t_->clock(), small);
  auto drain = [](mail::Sender& s) {
    for (int i = 0; i < 10; ++i) (void)s.RunOnce();
  };
  std::thread ta([&] { drain(a); });
  std::thread tb([&] { drain(b); });
  ta.join();
  tb.join();
  EXPECT_EQ(MailsTo("meldpunt2@99dm.demo", ref), 31);
  ExpectEachRowArrivedOnce();

  // No mail names the content, the company or the reporter; each is proper.
  for (const std::string& m : sink_->Messages()) {
    for (const char* canary : {kCanaryNarrative, kCanaryCompany, kCanaryName, "CANARY"})
      EXPECT_EQ(m.find(canary), std::string::npos) << m;
    EXPECT_NE(m.find("Auto-Submitted: auto-generated"), std::string::npos);
    EXPECT_NE(m.find("@stagepunt.99dm.demo>"), std::string::npos);
    EXPECT_NE(m.find(t_->app().outbox().public_url() + "/"), std::string::npos) << m;
  }
  // Bodies are wiped once sent.
  ASSERT_TRUE(t_->db()
                  .Read([&](db::Connection& c) -> common::Status {
                    SP_ASSIGN_OR_RETURN(
                        db::Row r, c.QueryOne("SELECT COUNT(*) FROM mail_outbox WHERE body <> ''"));
                    EXPECT_EQ(r.Int(0), 0);
                    return common::Status::Ok();
                  })
                  .ok());
}

TEST_P(MailHttpTest, OptOutPageAndAdminListShowNoAddressOrBody) {
  auto lead = LoggedIn("meldpunt@99dm.demo");
  auto page = lead->Get("/account/mail");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("kind_new_case"), std::string::npos);
  auto to_lead_count = [&] {
    int64_t n = -1;
    EXPECT_TRUE(t_->db()
                    .Read([&](db::Connection& c) -> common::Status {
                      SP_ASSIGN_OR_RETURN(db::Row r,
                                          c.QueryOne("SELECT COUNT(*) FROM mail_outbox WHERE "
                                                     "to_address = 'meldpunt@99dm.demo'"));
                      n = r.Int(0);
                      return common::Status::Ok();
                    })
                    .ok());
    return n;
  };
  int64_t before = to_lead_count();
  // Everything off but assignments.
  ASSERT_EQ(lead->Post("/account/mail", "kind_case_assigned=yes").status, 200);
  std::string ref = Submit();
  // The lead turned new cases off: no mail to them about this one.
  EXPECT_EQ(to_lead_count(), before);
  auto sysadmin = std::make_unique<Browser>(t_->port());
  auto res =
      sysadmin->Login("sysadmin@demo", app::kDemoPassword,
                      *crypto::TotpCode(app::kDemoTotpSecret, t_->clock().NowMillis() / 1000));
  ASSERT_EQ(res.Header("location"), "/dashboard");
  // The student's invitation-like mail shows in the list, masked.
  ASSERT_TRUE(t_->db()
                  .Write([&](db::Connection& c) -> common::Status {
                    auto student = t_->app().accounts().UserByLogin("student@99dm.demo");
                    mail::Params p;
                    p.link = "/invite/a-secret-token";
                    p.login = "student@99dm.demo";
                    return t_->app()
                        .outbox()
                        .EnqueueForUser(c, mail::Kind::kPasswordReset, student->id, p)
                        .status();
                  })
                  .ok());
  auto list = sysadmin->Get("/admin/mail");
  ASSERT_EQ(list.status, 200);
  EXPECT_NE(list.body.find("password_reset"), std::string::npos);
  EXPECT_NE(list.body.find("s***@99dm.demo"), std::string::npos);
  EXPECT_EQ(list.body.find("student@99dm.demo"), std::string::npos);
  EXPECT_EQ(list.body.find("a-secret-token"), std::string::npos);
  EXPECT_EQ(lead->Get("/admin/mail").status, 403);
}

TEST_P(MailHttpTest, StudentWhoAskedHearsOfMessagesAndHandlersOfTheReporters) {
  mail::Sender sender(t_->db(), t_->clock(), Smtp());
  for (int i = 0; i < 20; ++i) {
    auto drained = sender.RunOnce();
    ASSERT_TRUE(drained.ok());
    if (drained->sent == 0) break;
  }
  size_t before = sink_->Messages().size();
  // A logged-in student reports through the form and asks for mail.
  Browser student(t_->port());
  student.Login("student@99dm.demo", app::kDemoPassword);
  auto form = student.Get("/s/99DM/melden");
  ASSERT_EQ(form.status, 200);
  EXPECT_NE(form.body.find("name=\"mail_optin\""), std::string::npos);
  auto done = student.Post("/s/99DM/melden",
                           "mode=confidential&phase=internship&grounds=religion&narrative=" +
                               std::string(kCanaryNarrative) + "&reporter_name=" + kCanaryName +
                               "&mail_optin=yes");
  ASSERT_EQ(done.status, 201) << done.body.substr(0, 2000);
  size_t at = done.body.find("<code id=\"receipt-code\">");
  ASSERT_NE(at, std::string::npos);
  std::string code = done.body.substr(at + 24, done.body.find('<', at + 24) - at - 24);
  std::string case_id;
  ASSERT_TRUE(t_->db()
                  .Read([&](db::Connection& c) -> common::Status {
                    SP_ASSIGN_OR_RETURN(db::Row r,
                                        c.QueryOne("SELECT case_id FROM case_mail_optin"));
                    case_id = r.Text(0);
                    return common::Status::Ok();
                  })
                  .ok());
  // The meldpunt writes: the student hears that there is a message.
  auto lead = LoggedIn("meldpunt@99dm.demo");
  ASSERT_EQ(lead->Post("/meldpunt/zaken/" + case_id + "/bericht", "text=Bel+ons+even").status, 303);
  ASSERT_TRUE(sender.RunOnce().ok());
  int to_student = 0;
  for (const std::string& m : sink_->Messages())
    to_student += m.find("X-Sink-Rcpt: student@99dm.demo\r\n") == 0;
  EXPECT_EQ(to_student, 1);
  // The reporter writes back with their code: the leads hear of it (nobody
  // is assigned).
  Browser reporter(t_->port());
  ASSERT_EQ(reporter.Get("/melding").status, 200);
  auto entered = reporter.Post("/melding", "receipt=" + code);
  ASSERT_EQ(entered.status, 303) << entered.body.substr(0, 500);
  ASSERT_EQ(reporter.Get("/melding/zaak").status, 200);
  ASSERT_EQ(reporter.Post("/melding/bericht", std::string("text=") + kCanaryNarrative).status, 303);
  ASSERT_TRUE(sender.RunOnce().ok());
  int to_lead = 0;
  for (const std::string& m : sink_->Messages()) {
    if (m.find("X-Sink-Rcpt: meldpunt@99dm.demo\r\n") == 0 &&
        m.find("De melder schreef") != std::string::npos)
      ++to_lead;
  }
  EXPECT_EQ(to_lead, 1);
  EXPECT_GE(sink_->Messages().size(), before + 3);
  for (const std::string& m : sink_->Messages())
    EXPECT_EQ(m.find("CANARY"), std::string::npos) << m;
}

TEST_P(MailHttpTest, DeadlineAlertsMailTheSamePeopleAsTheDashboard) {
  std::string ref = Submit();
  ASSERT_FALSE(ref.empty());
  t_->clock().Advance(std::chrono::hours(24 * 40));
  auto run = t_->app().meldpunt().RunDeadlineAlerts();
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  std::set<std::string> notified, mailed;
  ASSERT_TRUE(t_->db()
                  .Read([&](db::Connection& c) -> common::Status {
                    SP_ASSIGN_OR_RETURN(db::Rows n,
                                        c.Query("SELECT DISTINCT user_id FROM notifications WHERE "
                                                "object_id = $1",
                                                {case_ids_.back()}));
                    for (const db::Row& r : n.rows) notified.insert(r.Text(0));
                    SP_ASSIGN_OR_RETURN(
                        db::Rows m, c.Query("SELECT DISTINCT user_id FROM mail_outbox WHERE kind = "
                                            "'deadline_alert' AND subject LIKE $1",
                                            {"%" + ref}));
                    for (const db::Row& r : m.rows) mailed.insert(r.Text(0));
                    return common::Status::Ok();
                  })
                  .ok());
  EXPECT_FALSE(notified.empty());
  EXPECT_EQ(mailed, notified);
}

INSTANTIATE_TEST_SUITE_P(Backends, MailHttpTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgres),
                         db::testing::DialectName<::testing::TestParamInfo<db::Dialect>>);

}  // namespace
