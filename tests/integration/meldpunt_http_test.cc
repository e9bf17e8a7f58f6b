// The meldpunt over real HTTP, on SQLite and PostgreSQL: the JSON API of
// api.md, the canary test (P7), throttling (P3), school isolation (P8) and
// the reporter/handler pages.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "app/demo.h"
#include "crypto/totp.h"
#include "media/test_pdfs.h"
#include "test_app.h"

namespace {

using nlohmann::json;
using testing_support::Browser;
using testing_support::TestApp;

const char kCanary[] = "CANARY-7f3a9c-kanarie-geheim";

class MeldpuntHttpTest : public ::testing::TestWithParam<db::Dialect> {
 protected:
  void SetUp() override {
    std::string reason;
    t_ = TestApp::Start(GetParam(), &reason);
    ASSERT_TRUE(t_ || reason.rfind("FAIL: ", 0) != 0) << reason;
    if (!t_) GTEST_SKIP() << reason;
  }
  web::ClientResponse PostJson(const std::string& path, const json& body,
                               web::HeaderList headers = {}) {
    web::TestClient c("127.0.0.1", t_->port());
    return c.PostJson(path, body.dump(), std::move(headers));
  }
  json Report(std::string narrative) {
    return {{"mode", "anonymous"},
            {"phase", "search"},
            {"grounds", {"origin"}},
            {"narrative", narrative},
            {"wishes", {"talk"}},
            {"consent", {{"contact_company", true}}},
            {"company", {{"leerbedrijf_id", "100001"}}}};
  }
  // Logs a demo meldpunt handler in with password and TOTP.
  void LoginHandler(Browser& b, const std::string& login) {
    auto res = b.Login(login, app::kDemoPassword,
                       *crypto::TotpCode(app::kDemoTotpSecret, t_->clock().NowMillis() / 1000));
    ASSERT_EQ(res.Header("location"), "/dashboard") << res.status;
  }
  // Sends one file as the reporter's attachment form does (multipart/form-data).
  web::ClientResponse UploadAttachment(Browser& b, const std::string& filename,
                                       const std::string& bytes) {
    const std::string boundary = "----stagepunt-test-a91c";
    std::string body = "--" + boundary +
                       "\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n" +
                       b.last_csrf() + "\r\n--" + boundary +
                       "\r\nContent-Disposition: form-data; name=\"attachment\"; filename=\"" +
                       filename + "\"\r\nContent-Type: application/pdf\r\n\r\n" + bytes +
                       "\r\n--" + boundary + "--\r\n";
    std::string cookies;
    for (const auto& [k, v] : b.cookies()) cookies += (cookies.empty() ? "" : "; ") + k + "=" + v;
    web::TestClient c("127.0.0.1", t_->port());
    return c.Send("POST", "/melding/bijlage",
                  {{"Cookie", cookies},
                   {"Content-Type", "multipart/form-data; boundary=" + boundary}},
                  body);
  }
  std::unique_ptr<TestApp> t_;
};

TEST_P(MeldpuntHttpTest, ReportIsAcknowledgedWithReceiptPerApiSpec) {
  auto res = PostJson("/api/v1/schools/99DM/reports",
                      Report("Ik werd geweigerd na het noemen van mijn naam."));
  ASSERT_EQ(res.status, 201) << res.body;
  json r = json::parse(res.body);
  EXPECT_EQ(r["receipt"].get<std::string>().size(), 29u);
  EXPECT_EQ(r["content_sha256"].get<std::string>().size(), 64u);
  EXPECT_EQ(r["case_number"].get<std::string>().substr(0, 2), "M-");
  EXPECT_EQ(r["first_contact_due"].get<std::string>().size(), 10u);
  EXPECT_TRUE(r.contains("acknowledged_at"));
}

TEST_P(MeldpuntHttpTest, BadInputNamesTheField) {
  struct Case {
    json body;
    const char* field;
  };
  json base = Report("tekst");
  std::vector<Case> cases;
  json j = base;
  j["grounds"] = {"ethnicity"};
  cases.push_back({j, "grounds"});
  j = base;
  j["narrative"] = "";
  cases.push_back({j, "narrative"});
  j = base;
  j["narrative"] = std::string(20001, 'x');
  cases.push_back({j, "narrative"});
  j = base;
  j["occurred_on"] = "2026-13-01";
  cases.push_back({j, "occurred_on"});
  j = base;
  j["mode"] = "secret";
  cases.push_back({j, "mode"});
  j = base;
  j["company"] = {{"leerbedrijf_id", "999999"}};
  cases.push_back({j, "company.leerbedrijf_id"});
  j = base;
  j["reporter"] = {{"name", "Sam"}};
  cases.push_back({j, "reporter"});
  j = base;
  j["mode"] = "named";
  cases.push_back({j, "reporter.name"});
  for (const Case& c : cases) {
    auto res = PostJson("/api/v1/schools/99DM/reports", c.body);
    EXPECT_EQ(res.status, 400) << c.field << " " << res.body;
    json e = json::parse(res.body, nullptr, false);
    ASSERT_TRUE(e.is_object()) << res.body;
    EXPECT_EQ(e["error"]["field"], c.field) << res.body;
    EXPECT_EQ(res.body.find("SELECT"), std::string::npos);
  }
  EXPECT_EQ(PostJson("/api/v1/schools/00XX/reports", base).status, 404);
}

// P7: the canary is readable through the API and nowhere on disk.
TEST_P(MeldpuntHttpTest, CanaryIsReadableThroughApiButInNoFileUnderTheDataDir) {
  auto res =
      PostJson("/api/v1/schools/99DM/reports", Report(std::string("Wat er gebeurde: ") + kCanary));
  ASSERT_EQ(res.status, 201);
  std::string code = json::parse(res.body)["receipt"];
  auto session = PostJson("/api/v1/reporter/session", {{"receipt", code}});
  ASSERT_EQ(session.status, 200) << session.body;
  std::string token = json::parse(session.body)["token"];
  web::TestClient c("127.0.0.1", t_->port());
  auto view = c.Get("/api/v1/reporter/case", {{"Authorization", "Bearer " + token}});
  ASSERT_EQ(view.status, 200) << view.body;
  EXPECT_NE(json::parse(view.body)["narrative"].get<std::string>().find(kCanary),
            std::string::npos);
  ASSERT_EQ(PostJson("/api/v1/reporter/messages", {{"text", std::string("Nog iets: ") + kCanary}},
                     {{"Authorization", "Bearer " + token}})
                .status,
            201);

  std::vector<std::filesystem::path> roots = {t_->data_dir()};
  if (GetParam() == db::Dialect::kSqlite) {
    roots.push_back(std::filesystem::path(t_->db_name()).parent_path());
  }
  int files = 0;
  for (const auto& root : roots) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
      if (!entry.is_regular_file()) continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      ++files;
      EXPECT_EQ(bytes.find(kCanary), std::string::npos) << entry.path();
      EXPECT_EQ(bytes.find(code), std::string::npos) << entry.path();
    }
  }
  if (GetParam() == db::Dialect::kSqlite) {
    EXPECT_GT(files, 0);  // the database, its WAL and journal
  }
}

// P3: after a few wrong codes every answer to that client is held back, a
// right code still works (other clients: meldpunt_limits_http_test.cc).
TEST_P(MeldpuntHttpTest, WrongCodesSlowTheGuesserDownButNeverLockOut) {
  auto res = PostJson("/api/v1/schools/99DM/reports", Report("tekst"));
  std::string code = json::parse(res.body)["receipt"];
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(
        PostJson("/api/v1/reporter/session", {{"receipt", "AAAA-AAAA-AAAA-AAAA-AAAA-AAAA"}}).status,
        401);
  }
  auto started = std::chrono::steady_clock::now();
  auto ok = PostJson("/api/v1/reporter/session", {{"receipt", code}});
  auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(ok.status, 200);
  EXPECT_GE(waited, std::chrono::milliseconds(200));
}

// P8: a handler of another school gets the same 404 as for a missing case.
TEST_P(MeldpuntHttpTest, HandlerOfAnotherSchoolGetsNotFound) {
  Browser own(t_->port()), other(t_->port());
  LoginHandler(own, "meldpunt@99dm.demo");
  auto inbox = own.Get("/meldpunt");
  ASSERT_EQ(inbox.status, 200);
  size_t at = inbox.body.find("/meldpunt/zaken/");
  ASSERT_NE(at, std::string::npos);
  std::string path = inbox.body.substr(at, inbox.body.find('"', at) - at);
  EXPECT_EQ(own.Get(path).status, 200);
  t_->clock().Advance(std::chrono::seconds(30));
  LoginHandler(other, "meldpunt@98dm.demo");
  EXPECT_EQ(other.Get(path).status, 404);
  EXPECT_EQ(other.Get("/meldpunt/zaken/00000000000000000000000000").status, 404);
  for (const char* role : {"teacher", "management", "coordinator", "student"}) {
    Browser b(t_->port());
    b.Login(std::string(role) + "@99dm.demo", app::kDemoPassword);
    EXPECT_EQ(b.Get(path).status, 403) << role;
  }
}

// A student reports through the form, the handler answers, the student reads it with the code.
TEST_P(MeldpuntHttpTest, FormReportHandlerReplyAndStudentFollowUp) {
  Browser student(t_->port());
  auto form = student.Get("/s/99DM/melden");
  ASSERT_EQ(form.status, 200);
  auto bad = student.Post("/s/99DM/melden", "mode=anonymous&phase=search&narrative=");
  EXPECT_EQ(bad.status, 400);
  auto sent = student.Post(
      "/s/99DM/melden",
      "mode=anonymous&phase=internship&grounds=religion&narrative=Opmerkingen+over+mijn+geloof");
  ASSERT_EQ(sent.status, 201) << sent.body.substr(0, 300);
  size_t at = sent.body.find("id=\"receipt-code\">");
  ASSERT_NE(at, std::string::npos);
  std::string code = sent.body.substr(at + 18, 29);
  size_t num = sent.body.find("id=\"case-number\">");
  ASSERT_NE(num, std::string::npos);
  std::string case_number = sent.body.substr(num + 17, sent.body.find('<', num) - num - 17);

  Browser handler(t_->port());
  LoginHandler(handler, "meldpunt@99dm.demo");
  auto inbox = handler.Get("/meldpunt");
  size_t row = inbox.body.find(">" + case_number + "<");
  ASSERT_NE(row, std::string::npos)
      << case_number << inbox.status << inbox.body.substr(inbox.body.find("<tbody"), 600);
  size_t link = inbox.body.rfind("/meldpunt/zaken/", row);
  ASSERT_NE(link, std::string::npos);
  std::string path = inbox.body.substr(link, inbox.body.find('"', link) - link);
  auto page = handler.Get(path);
  ASSERT_NE(page.body.find("Opmerkingen over mijn geloof"), std::string::npos);
  auto reply = handler.Post(path + "/bericht", "text=We+geloven+je.+Wil+je+praten%3F");
  EXPECT_EQ(reply.status, 303);

  Browser back(t_->port());
  back.Get("/melding");
  auto entered = back.Post("/melding", "receipt=" + code);
  ASSERT_EQ(entered.status, 303);
  auto mine = back.Get("/melding/zaak");
  EXPECT_NE(mine.body.find("We geloven je."), std::string::npos);
  // POST-redirect-GET: a reload cannot send the reply twice.
  auto replied = back.Post("/melding/bericht", "text=Ja+graag");
  EXPECT_EQ(replied.status, 303);
  EXPECT_EQ(replied.Header("location"), "/melding/zaak?ok=message_sent");
  auto after = back.Get("/melding/zaak?ok=message_sent");
  EXPECT_NE(after.body.find("Je bericht is verstuurd naar het meldpunt."), std::string::npos);
  EXPECT_NE(after.body.find("Ja graag"), std::string::npos);
}

// P14: a PDF the student adds comes back (to the student and to the
// handler) rewritten without author, XMP, scripts, form data, embedded files
// and the HTML of a polyglot; a PDF that cannot be cleaned is refused, in Dutch.
TEST_P(MeldpuntHttpTest, PdfAttachmentIsStoredCleanedAndRefusalsAreInDutch) {
  auto res = PostJson("/api/v1/schools/99DM/reports", Report("Zie de brief in de bijlage."));
  ASSERT_EQ(res.status, 201) << res.body;
  const std::string code = json::parse(res.body)["receipt"];
  Browser student(t_->port());
  student.Get("/melding");
  ASSERT_EQ(student.Post("/melding", "receipt=" + code).status, 303);
  ASSERT_EQ(student.Get("/melding/zaak").status, 200);

  const std::string hostile = media::testdata::HostilePdf();
  auto added = UploadAttachment(student, "brief van het bedrijf.pdf", hostile);
  ASSERT_EQ(added.status, 303) << added.body.substr(0, 400);
  EXPECT_EQ(added.Header("location"), "/melding/zaak?ok=attachment_added");
  auto page = student.Get("/melding/zaak");
  const size_t link = page.body.find("/melding/bijlagen/");
  ASSERT_NE(link, std::string::npos);
  auto file = student.Get(page.body.substr(link, page.body.find('"', link) - link));
  ASSERT_EQ(file.status, 200);
  EXPECT_EQ(file.Header("content-type"), "application/pdf");
  EXPECT_EQ(file.body.substr(0, 5), "%PDF-");
  EXPECT_NE(file.body, hostile);
  for (std::string_view secret : media::testdata::kPdfSecrets) {
    EXPECT_EQ(file.body.find(secret), std::string::npos) << secret;
  }
  QPDF pdf;
  pdf.setSuppressWarnings(true);
  pdf.processMemoryFile("stored", file.body.data(), file.body.size());
  EXPECT_FALSE(pdf.getTrailer().hasKey("/Info"));
  EXPECT_FALSE(pdf.getRoot().hasKey("/Metadata"));
  EXPECT_FALSE(pdf.getRoot().hasKey("/OpenAction"));
  EXPECT_FALSE(pdf.getRoot().hasKey("/AcroForm"));
  EXPECT_EQ(pdf.getAllPages().size(), 2u);

  // An encrypted PDF is refused beside the field, in the page's language,
  // and nothing is added.
  ASSERT_EQ(student.Get("/melding/zaak").status, 200);
  auto locked = UploadAttachment(
      student, "beveiligd.pdf",
      media::testdata::PlainPdf(1, media::testdata::PdfWriteMode::kEncryptedNoUserPassword));
  EXPECT_EQ(locked.status, 400);
  EXPECT_NE(locked.body.find("id=\"attachment-error\""), std::string::npos);
  EXPECT_NE(locked.body.find("De PDF is beveiligd met een wachtwoord of versleuteld."),
            std::string::npos)
      << locked.body.substr(locked.body.find("attachment-error"), 300);
  auto broken = UploadAttachment(student, "kapot.pdf", "%PDF-1.7\nniets\n");
  EXPECT_EQ(broken.status, 400);
  EXPECT_NE(broken.body.find("De PDF is beschadigd of kan niet worden gelezen."),
            std::string::npos);
  auto after = student.Get("/melding/zaak");
  size_t files = 0;
  for (size_t at = after.body.find("/melding/bijlagen/"); at != std::string::npos;
       at = after.body.find("/melding/bijlagen/", at + 1)) {
    ++files;
  }
  EXPECT_EQ(files, 1u);
}

TEST_P(MeldpuntHttpTest, LateFirstContactShowsAsAlertOnTheLeadsDashboard) {
  auto res = PostJson("/api/v1/schools/99DM/reports", Report("Niemand belde terug."));
  ASSERT_EQ(res.status, 201) << res.body;
  std::string case_number = json::parse(res.body)["case_number"];
  t_->clock().Advance(std::chrono::hours(24 * 10));
  t_->app().RunScheduledJobs();
  t_->app().RunScheduledJobs();  // within the hour: the lease lets it run once

  Browser lead(t_->port());
  LoginHandler(lead, "meldpunt@99dm.demo");
  auto dash = lead.Get("/dashboard");
  ASSERT_EQ(dash.status, 200);
  size_t at = dash.body.find("Eerste contact te laat: " + case_number);
  ASSERT_NE(at, std::string::npos) << dash.body;
  EXPECT_EQ(dash.body.find("Eerste contact te laat: " + case_number, at + 1), std::string::npos);
  EXPECT_NE(dash.body.find("Geëscaleerd"), std::string::npos);
  size_t form = dash.body.rfind("/dashboard/notificaties/", at + 200);
  ASSERT_NE(form, std::string::npos);
  std::string action = dash.body.substr(form, dash.body.find('"', form) - form);

  // Another handler cannot clear the lead's alert; the lead can.
  Browser other(t_->port());
  LoginHandler(other, "meldpunt2@99dm.demo");
  other.Get("/dashboard");
  EXPECT_EQ(other.Post(action, "").status, 404);
  EXPECT_EQ(lead.Post(action, "").status, 303);
  dash = lead.Get("/dashboard");
  EXPECT_EQ(dash.body.find("Eerste contact te laat: " + case_number), std::string::npos);
}

TEST_P(MeldpuntHttpTest, CompanySearchAsYouTypeAnswersJson) {
  web::TestClient c("127.0.0.1", t_->port());
  auto res = c.Get("/s/99DM/bedrijven?q=100001");
  ASSERT_EQ(res.status, 200) << res.body;
  json body = json::parse(res.body);
  ASSERT_EQ(body["companies"].size(), 1u);
  EXPECT_EQ(body["companies"][0]["leerbedrijf_id"], "100001");
  EXPECT_NE(body["companies"][0]["label"].get<std::string>().find("(100001)"), std::string::npos);
  EXPECT_EQ(json::parse(c.Get("/s/99DM/bedrijven?q=zzzz-geen").body)["companies"].size(), 0u);
  EXPECT_EQ(c.Get("/s/00XX/bedrijven?q=100001").status, 404);
}

TEST_P(MeldpuntHttpTest, OpenApiDocumentListsEveryApiRoute) {
  web::TestClient c("127.0.0.1", t_->port());
  auto res = c.Get("/api/v1/openapi.json");
  ASSERT_EQ(res.status, 200);
  json doc = json::parse(res.body);
  EXPECT_EQ(doc["openapi"].get<std::string>().substr(0, 2), "3.");
  for (const auto& route : t_->app().router().routes()) {
    if (route.pattern.rfind("/api/v1/", 0) != 0) continue;
    EXPECT_TRUE(doc["paths"].contains(route.pattern.substr(7))) << route.pattern;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, MeldpuntHttpTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgres),
                         [](const ::testing::TestParamInfo<db::Dialect>& p) {
                           return std::string(p.param == db::Dialect::kSqlite ? "sqlite"
                                                                              : "postgres");
                         });

}  // namespace
