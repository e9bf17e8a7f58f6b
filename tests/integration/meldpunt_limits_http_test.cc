// The public meldpunt's limits over real HTTP, on SQLite and PostgreSQL:
// junk from one address must not block anyone else (H4), a code guesser is
// slowed down first (L3), a lead closes junk in bulk from the inbox, and
// attachments have quotas (M3). The test server listens on 127.0.0.1; other
// clients connect from 127.0.0.2 and up.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "app/demo.h"
#include "crypto/totp.h"
#include "media/test_images.h"
#include "test_app.h"

namespace {

using nlohmann::json;
using testing_support::Browser;
using testing_support::TestApp;

const char kReportForm[] =
    "mode=anonymous&phase=internship&grounds=religion&narrative=Opmerkingen+over+mijn+geloof";

class MeldpuntLimitsTest : public ::testing::TestWithParam<db::Dialect> {
 protected:
  void SetUp() override {
    std::string reason;
    t_ = TestApp::Start(GetParam(), &reason);
    ASSERT_TRUE(t_ || reason.rfind("FAIL: ", 0) != 0) << reason;
    if (!t_) GTEST_SKIP() << reason;
    // TestApp turns the submission limits off; these tests are about them.
    t_->app().submission_limits().set_client_per_minute(
        meldpunt::SubmissionLimits::kClientPerMinute);
    t_->app().submission_limits().set_school_per_minute(
        meldpunt::SubmissionLimits::kSchoolPerMinute);
  }
  static json Report(const std::string& narrative) {
    return {{"mode", "anonymous"},
            {"phase", "search"},
            {"grounds", {"origin"}},
            {"narrative", narrative},
            {"wishes", {"talk"}},
            {"consent", {{"contact_company", true}}},
            {"company", {{"leerbedrijf_id", "100001"}}}};
  }
  web::ClientResponse PostJsonFrom(const std::string& address, const std::string& path,
                                   const json& body) {
    web::TestClient c("127.0.0.1", t_->port());
    c.set_source_address(address);
    return c.PostJson(path, body.dump());
  }
  int SubmitFrom(const std::string& address, const std::string& brin = "99DM") {
    return PostJsonFrom(address, "/api/v1/schools/" + brin + "/reports", Report("tekst")).status;
  }
  // Reports through the web form as a browser at `address`, logged in as
  // `login` when given.
  web::ClientResponse SubmitForm(const std::string& address, const std::string& login = "") {
    Browser b(t_->port());
    b.set_source_address(address);
    if (!login.empty()) b.Login(login, app::kDemoPassword);
    b.Get("/s/99DM/melden");
    return b.Post("/s/99DM/melden", kReportForm);
  }
  void LoginHandler(Browser& b, const std::string& login) {
    auto res = b.Login(login, app::kDemoPassword,
                       *crypto::TotpCode(app::kDemoTotpSecret, t_->clock().NowMillis() / 1000));
    ASSERT_EQ(res.Header("location"), "/dashboard") << res.status;
  }
  std::string Scalar(const std::string& sql, const db::Params& params) {
    std::string out;
    common::Status s = t_->db().Read([&](db::Connection& c) -> common::Status {
      SP_ASSIGN_OR_RETURN(db::Row r, c.QueryOne(sql, params));
      const db::Value& v = r.at(0);
      if (const auto* n = std::get_if<int64_t>(&v)) {
        out = std::to_string(*n);
      } else {
        out = r.IsNull(0) ? "NULL" : r.Text(0);
      }
      return common::Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  }
  std::unique_ptr<TestApp> t_;
};

// H4: 30 junk reports from one address in a burst. Before, the school-wide
// limit then answered 429 to every real student for the rest of the minute.
TEST_P(MeldpuntLimitsTest, JunkFromOneAddressDoesNotBlockOtherReporters) {
  int accepted = 0, refused = 0;
  for (int i = 0; i < 30; ++i) {
    int status = SubmitFrom("127.0.0.2");
    accepted += status == 201;
    refused += status == 429;
  }
  EXPECT_EQ(accepted, 5);  // SubmissionLimits::kClientPerMinute
  EXPECT_EQ(refused, 25);
  // The form tells the junk sender plainly, and keeps what was typed.
  auto form = SubmitForm("127.0.0.2");
  EXPECT_EQ(form.status, 429);
  EXPECT_EQ(form.Header("retry-after"), "60");
  EXPECT_NE(form.body.find("Probeer het over een minuut opnieuw."), std::string::npos);
  EXPECT_NE(form.body.find("Opmerkingen over mijn geloof"), std::string::npos);
  // Everyone else still gets through: another address, and a logged-in
  // student even from the junk sender's own address.
  EXPECT_EQ(SubmitFrom("127.0.0.1"), 201);
  EXPECT_EQ(SubmitForm("127.0.0.1").status, 201);
  EXPECT_EQ(SubmitForm("127.0.0.2", "student@99dm.demo").status, 201);
}

TEST_P(MeldpuntLimitsTest, TheSchoolsCeilingStillHoldsOverAllAddresses) {
  t_->app().submission_limits().set_school_per_minute(3);
  EXPECT_EQ(SubmitFrom("127.0.0.3"), 201);
  EXPECT_EQ(SubmitFrom("127.0.0.4"), 201);
  EXPECT_EQ(SubmitFrom("127.0.0.5"), 201);
  EXPECT_EQ(SubmitFrom("127.0.0.6"), 429);
  EXPECT_EQ(SubmitForm("127.0.0.7").status, 429);
  EXPECT_EQ(SubmitFrom("127.0.0.6", "98DM"), 201);
  // A logged-in student is accountable and never refused.
  EXPECT_EQ(SubmitForm("127.0.0.7", "student@99dm.demo").status, 201);
  // The ceiling drains: a minute later the school takes reports again.
  t_->clock().Advance(std::chrono::minutes(1));
  EXPECT_EQ(SubmitFrom("127.0.0.6"), 201);
}

// L3: before, 11 wrong codes anywhere made every reporter wait 10 s.
TEST_P(MeldpuntLimitsTest, WrongCodesDelayTheGuesserAndNotAnotherReporter) {
  auto res = PostJsonFrom("127.0.0.1", "/api/v1/schools/99DM/reports", Report("tekst"));
  ASSERT_EQ(res.status, 201) << res.body;
  std::string code = json::parse(res.body)["receipt"];
  const json wrong = {{"receipt", "AAAA-AAAA-AAAA-AAAA-AAAA-AAAA"}};
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(PostJsonFrom("127.0.0.2", "/api/v1/reporter/session", wrong).status, 401);
  // The guesser waits (6 wrong codes: 500 ms), right code or not.
  auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(PostJsonFrom("127.0.0.2", "/api/v1/reporter/session", {{"receipt", code}}).status, 200);
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(450));
  // Five more wrong codes, 11 in all; recorded directly so the test need
  // not sit out their growing delays.
  web::Request guesser;
  guesser.remote_ip = "127.0.0.2";
  for (int i = 0; i < 5; ++i)
    t_->app().receipt_throttle().RecordFailure(t_->app().ClientKey(guesser));
  EXPECT_EQ(t_->app().receipt_throttle().CurrentDelay(t_->app().ClientKey(guesser)),
            std::chrono::milliseconds(10000));
  // A student at another address is not held back at all (before: 10 s),
  // on the API and on the form.
  started = std::chrono::steady_clock::now();
  EXPECT_EQ(PostJsonFrom("127.0.0.1", "/api/v1/reporter/session", {{"receipt", code}}).status, 200);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(2000));
  Browser student(t_->port());
  student.Get("/melding");
  started = std::chrono::steady_clock::now();
  EXPECT_EQ(student.Post("/melding", "receipt=" + code).status, 303);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(2000));
}

// H4: the lead closes junk as "geen melding" in one go from the inbox.
class BulkCloseHttpTest : public MeldpuntLimitsTest {
 protected:
  // The case id behind `case_number` in an inbox page: the checkbox before it.
  static std::string CaseIdIn(const std::string& inbox, const std::string& case_number) {
    size_t at = inbox.find(case_number + "</label>");
    if (at == std::string::npos) return "";
    const std::string marker = "name=\"case\" value=\"";
    size_t box = inbox.rfind(marker, at);
    if (box == std::string::npos) return "";
    box += marker.size();
    return inbox.substr(box, inbox.find('"', box) - box);
  }
  std::string NewCase(const std::string& brin, const std::string& address) {
    auto res = PostJsonFrom(address, "/api/v1/schools/" + brin + "/reports", Report("spam"));
    EXPECT_EQ(res.status, 201) << res.body;
    return res.status == 201 ? json::parse(res.body)["case_number"].get<std::string>() : "";
  }
  std::string Outcome(const std::string& id) {
    return Scalar("SELECT outcome FROM cases WHERE id = $1", {id});
  }
};

TEST_P(BulkCloseHttpTest, LeadClosesExactlyTheChosenOwnCasesAndNoOneElseCan) {
  std::string junk1 = NewCase("99DM", "127.0.0.2"), junk2 = NewCase("99DM", "127.0.0.3");
  std::string real = NewCase("99DM", "127.0.0.4"), foreign = NewCase("98DM", "127.0.0.5");

  Browser other(t_->port());
  LoginHandler(other, "meldpunt@98dm.demo");
  std::string foreign_id = CaseIdIn(other.Get("/meldpunt").body, foreign);
  ASSERT_FALSE(foreign_id.empty());
  t_->clock().Advance(std::chrono::seconds(30));  // the next TOTP step

  Browser lead(t_->port());
  LoginHandler(lead, "meldpunt@99dm.demo");
  auto inbox = lead.Get("/meldpunt");
  ASSERT_EQ(inbox.status, 200);
  EXPECT_NE(inbox.body.find("Sluiten als geen melding"), std::string::npos);
  std::string id1 = CaseIdIn(inbox.body, junk1), id2 = CaseIdIn(inbox.body, junk2);
  std::string real_id = CaseIdIn(inbox.body, real);
  ASSERT_FALSE(id1.empty() || id2.empty() || real_id.empty()) << inbox.body;
  const std::string chosen = "case=" + id1 + "&case=" + id2;

  // Without the confirmation nothing happens, and the choice is kept.
  auto unconfirmed = lead.Post("/meldpunt/geen-melding", chosen);
  EXPECT_EQ(unconfirmed.status, 400);
  EXPECT_NE(unconfirmed.body.find("value=\"" + id1 + "\" checked"), std::string::npos);
  EXPECT_NE(unconfirmed.body.find("href=\"#confirm\""), std::string::npos);
  // Another school's case answers like a missing one, and nothing is closed.
  auto with_foreign =
      lead.Post("/meldpunt/geen-melding", chosen + "&case=" + foreign_id + "&confirm=yes");
  auto with_missing =
      lead.Post("/meldpunt/geen-melding", chosen + "&case=00000000000000000000000000&confirm=yes");
  EXPECT_EQ(with_foreign.status, 400);
  EXPECT_EQ(with_missing.status, 400);
  EXPECT_NE(with_foreign.body.find("bestaan niet (meer)"), std::string::npos);
  EXPECT_NE(with_missing.body.find("bestaan niet (meer)"), std::string::npos);
  EXPECT_EQ(Outcome(id1), "NULL");
  EXPECT_EQ(Outcome(foreign_id), "NULL");

  // A handler who is not a lead cannot use it at all.
  t_->clock().Advance(std::chrono::seconds(30));
  Browser handler(t_->port());
  LoginHandler(handler, "meldpunt2@99dm.demo");
  handler.Get("/meldpunt");
  EXPECT_EQ(handler.Post("/meldpunt/geen-melding", chosen + "&confirm=yes").status, 403);
  EXPECT_EQ(Outcome(id1), "NULL");

  auto done = lead.Post("/meldpunt/geen-melding", chosen + "&confirm=yes");
  ASSERT_EQ(done.status, 303) << done.body.substr(0, 500);
  EXPECT_EQ(done.Header("location"), "/meldpunt?ok=not_a_report");
  EXPECT_NE(lead.Get("/meldpunt?ok=not_a_report").body.find("gesloten als geen melding"),
            std::string::npos);
  for (const std::string& id : {id1, id2}) {
    EXPECT_EQ(Outcome(id), "not_a_report");
    EXPECT_EQ(Scalar("SELECT status FROM cases WHERE id = $1", {id}), "closed");
    EXPECT_EQ(Scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'case.close_not_a_report' "
                     "AND object_id = $1",
                     {id}),
              "1");
  }
  EXPECT_EQ(Outcome(real_id), "NULL");
  EXPECT_EQ(Scalar("SELECT status FROM cases WHERE id = $1", {real_id}), "received");
  EXPECT_EQ(Outcome(foreign_id), "NULL");
  // The case page names the outcome.
  EXPECT_NE(lead.Get("/meldpunt/zaken/" + id1).body.find("Geen melding (spam of test)"),
            std::string::npos);
}

// M3: a reporter adds attachments one by one after sending the report.
class UploadQuotaHttpTest : public MeldpuntLimitsTest {
 protected:
  // A browser in the reporter's follow-up pages of a new report.
  std::unique_ptr<Browser> Reporter() {
    auto res = PostJsonFrom("127.0.0.1", "/api/v1/schools/99DM/reports", Report("tekst"));
    EXPECT_EQ(res.status, 201) << res.body;
    std::string code = json::parse(res.body)["receipt"];
    auto b = std::make_unique<Browser>(t_->port());
    b->Get("/melding");
    EXPECT_EQ(b->Post("/melding", "receipt=" + code).status, 303);
    b->Get("/melding/zaak");
    return b;
  }
  web::ClientResponse Upload(Browser& b, const std::string& address = "127.0.0.1") {
    const std::string boundary = "----stagepunt-test-4b2e";
    std::string png(media::testdata::Bytes(media::testdata::kTinyPng));
    std::string body = "--" + boundary +
                       "\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n" + b.last_csrf() +
                       "\r\n--" + boundary +
                       "\r\nContent-Disposition: form-data; name=\"attachment\"; "
                       "filename=\"bewijs.png\"\r\nContent-Type: image/png\r\n\r\n" +
                       png + "\r\n--" + boundary + "--\r\n";
    std::string cookies;
    for (const auto& [k, v] : b.cookies()) cookies += (cookies.empty() ? "" : "; ") + k + "=" + v;
    web::TestClient c("127.0.0.1", t_->port());
    c.set_source_address(address);
    return c.Send(
        "POST", "/melding/bijlage",
        {{"Cookie", cookies}, {"Content-Type", "multipart/form-data; boundary=" + boundary}}, body);
  }
  std::string Attachments() { return Scalar("SELECT COUNT(*) FROM attachments", {}); }
};

TEST_P(UploadQuotaHttpTest, ASixthAttachmentIsRefusedNamingTheFieldWithNothingStored) {
  auto reporter = Reporter();
  for (int i = 0; i < 5; ++i) ASSERT_EQ(Upload(*reporter).status, 303) << i;
  auto sixth = Upload(*reporter);
  EXPECT_EQ(sixth.status, 413);
  EXPECT_NE(sixth.body.find("id=\"attachment-error\""), std::string::npos);
  EXPECT_NE(sixth.body.find("hoogstens 5 bijlagen"), std::string::npos);
  EXPECT_EQ(Attachments(), "5");
}

TEST_P(UploadQuotaHttpTest, TheSchoolsDailyQuotaHolds) {
  auto first = Reporter(), second = Reporter();
  ASSERT_EQ(Upload(*first).status, 303);
  // Room for one more file of the same (cleaned) size today.
  meldpunt::AttachmentQuotas q = t_->app().meldpunt().attachment_quotas();
  q.reporter_bytes_per_school_day = 2 * std::stoll(Scalar("SELECT size FROM attachments", {}));
  t_->app().meldpunt().set_attachment_quotas(q);
  EXPECT_EQ(Upload(*second).status, 303);
  auto over = Upload(*first, "127.0.0.2");
  EXPECT_EQ(over.status, 429);
  EXPECT_NE(over.body.find("id=\"attachment-error\""), std::string::npos);
  EXPECT_NE(over.body.find("Probeer het morgen opnieuw."), std::string::npos);
  EXPECT_EQ(Attachments(), "2");
}

std::string BackendName(const ::testing::TestParamInfo<db::Dialect>& p) {
  return p.param == db::Dialect::kSqlite ? "sqlite" : "postgres";
}
INSTANTIATE_TEST_SUITE_P(Backends, MeldpuntLimitsTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgres),
                         BackendName);
INSTANTIATE_TEST_SUITE_P(Backends, BulkCloseHttpTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgres),
                         BackendName);
INSTANTIATE_TEST_SUITE_P(Backends, UploadQuotaHttpTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgres),
                         BackendName);

}  // namespace
