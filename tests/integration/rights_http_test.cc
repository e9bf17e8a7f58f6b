// The rights of a student over real HTTP, on SQLite and PostgreSQL, at a
// school made WITHOUT demo data through the calls a real school uses (the
// system admin's school page, invitations, the admin's import, the
// coordinator's round, the student's leerwens form):
//
// a student logs in and downloads their data (the JSON parses and holds their
// student number and leerwens, nothing of the other student), reads the same
// as a page, and asks for erasure; so does a second student. The admin sees
// both with the deadline (and a dashboard notification), refuses one with a
// reason, which that student then reads, and carries out the other: that
// student can no longer log in and nothing about them is left in any table.
// Another school's admin gets 404 on the requests. Errors name the field and
// keep what was typed; the audit log has ids only.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "app/demo.h"
#include "crypto/totp.h"
#include "domain/calendar.h"
#include "placement/service.h"
#include "privacy/requests.h"
#include "test_app.h"
#include "web/http.h"

namespace {

using testing_support::Browser;
using testing_support::TestApp;

constexpr char kPassword[] = "paars konijn op de fiets";

bool Has(const std::string& body, const std::string& s) {
  return body.find(s) != std::string::npos;
}

class RightsHttpTest : public ::testing::TestWithParam<db::Dialect> {
 protected:
  void SetUp() override {
    std::string reason;
    t_ = TestApp::Start(GetParam(), &reason);
    ASSERT_TRUE(t_ || reason.rfind("FAIL: ", 0) != 0) << reason;
    if (!t_) GTEST_SKIP() << reason;
  }

  std::string Totp(const std::string& secret) {
    return *crypto::TotpCode(secret, t_->clock().NowMillis() / 1000);
  }
  // One query's rows, for checks.
  db::Rows Query(const std::string& sql, const db::Params& params = {}) {
    db::Rows out;
    EXPECT_TRUE(t_->db()
                    .Read([&](db::Connection& c) -> common::Status {
                      SP_ASSIGN_OR_RETURN(out, c.Query(sql, params));
                      return common::Status::Ok();
                    })
                    .ok());
    return out;
  }
  std::string MailedToken(const std::string& login) {
    db::Rows rows = Query(
        "SELECT m.body FROM mail_outbox m JOIN users u ON u.id = m.user_id WHERE u.login = $1 "
        "AND m.kind = 'invitation' ORDER BY m.created_at",
        {login});
    if (rows.empty()) return "";
    std::string body = rows.rows.back().Text(0);
    size_t at = body.find("/invite/");
    if (at == std::string::npos) return "";
    size_t end = body.find_first_of("\n ", at);
    return body.substr(at + 8, end - at - 8);
  }
  void Activate(Browser& b, const std::string& login) {
    std::string token = MailedToken(login);
    ASSERT_FALSE(token.empty()) << login;
    b.Get("/invite/" + token);
    auto set = b.Post("/invite/" + token, "password=" + web::UrlEncode(kPassword) +
                                              "&password2=" + web::UrlEncode(kPassword) +
                                              "&password_confirm=" + web::UrlEncode(kPassword));
    ASSERT_LT(set.status, 400) << login << " " << set.body.substr(0, 300);
    b.Login(login, kPassword);
  }
  web::ClientResponse Upload(Browser& b, const std::string& page, const std::string& kind,
                             const std::string& csv, const std::string& extra_field = "") {
    b.Get(page);
    const std::string boundary = "----stagepunt-rights-3c1d";
    std::string body;
    auto part = [&](const std::string& name, const std::string& value) {
      body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name +
              "\"\r\n\r\n" + value + "\r\n";
    };
    part("csrf", b.last_csrf());
    part("kind", kind);
    if (!extra_field.empty()) part(extra_field, "1");
    body += "--" + boundary +
            "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.csv\"\r\n"
            "Content-Type: text/csv\r\n\r\n" +
            csv + "\r\n--" + boundary + "--\r\n";
    std::string cookies;
    for (const auto& [k, v] : b.cookies()) cookies += (cookies.empty() ? "" : "; ") + k + "=" + v;
    web::TestClient c("127.0.0.1", t_->port());
    return c.Send(
        "POST", page,
        {{"Cookie", cookies}, {"Content-Type", "multipart/form-data; boundary=" + boundary}}, body);
  }
  std::string RequestOf(const std::string& user_id) {
    db::Rows r =
        Query("SELECT id FROM privacy_requests WHERE user_id = $1 AND kind = 'erasure'", {user_id});
    return r.empty() ? "" : r.rows[0].Text(0);
  }
  // Every text value in every table that contains `needle` ("table.column").
  std::vector<std::string> FindAnywhere(const std::string& needle) {
    std::vector<std::string> found;
    db::Rows tables = Query(GetParam() == db::Dialect::kSqlite
                                ? "SELECT name FROM sqlite_master WHERE type = 'table'"
                                : "SELECT table_name FROM information_schema.tables WHERE "
                                  "table_schema = current_schema() AND table_type = 'BASE TABLE'");
    for (const db::Row& t : tables.rows) {
      db::Rows rows = Query("SELECT * FROM \"" + t.Text(0) + "\"");
      for (const db::Row& r : rows.rows) {
        for (size_t i = 0; i < r.size(); ++i) {
          if (const auto* s = std::get_if<std::string>(&r.at(i)); s && Has(*s, needle)) {
            found.push_back(t.Text(0) + "." + rows.columns[i]);
          }
        }
      }
    }
    return found;
  }

  std::unique_ptr<TestApp> t_;
};

TEST_P(RightsHttpTest, StudentDownloadsAsksForErasureAndTheAdminAnswers) {
  // 1. A school without demo data: the system admin makes it and its admin.
  Browser sys(t_->port());
  sys.Login("sysadmin@demo", app::kDemoPassword, Totp(app::kDemoTotpSecret));
  sys.Get("/admin/schools");
  ASSERT_EQ(sys.Post("/admin/schools", "brin=97RV&name=ROC+Rechten&domains=97rv.test").status, 201);
  ASSERT_EQ(sys.Post("/admin/schools/admin",
                     "admin_brin=97RV&admin_login=beheer%4097rv.test&admin_name=Bea+Beheer")
                .status,
            201);
  Browser admin(t_->port());
  Activate(admin, "beheer@97rv.test");
  admin.Get("/account/security");
  const std::string secret = app::kDemoTotpSecret;
  ASSERT_LT(admin.Post("/account/security", "secret=" + secret + "&code=" + Totp(secret)).status,
            400);
  ASSERT_EQ(Upload(admin, "/admin/import", "staff",
                   "login,name,role,email\ncoord@97rv.test,Cor Coördinator,coordinator,\n")
                .status,
            200);
  auto students = Upload(admin, "/admin/import", "students",
                         "student_number,name,crebo,level,pathway,cohort,email,begeleider_email\n"
                         "R7001,Sara Zandvoort,25480,3,BOL,2026,sara@97rv.test,\n"
                         "R7002,Sam Bergen,25480,3,BOL,2026,sam@97rv.test,\n",
                         "invite");
  ASSERT_EQ(students.status, 200) << students.body.substr(0, 1000);

  // 2. The coordinator's round; both students enter a leerwens.
  auto coordinator = t_->app().accounts().UserByLogin("coord@97rv.test");
  ASSERT_TRUE(coordinator.ok());
  placement::RoundSpec spec;
  spec.name = "Ronde rechten";
  spec.cohort = "2026";
  spec.period = "2026 P1";
  spec.crebos = {"25480"};
  domain::Date today = domain::DateFromMillis(t_->clock().NowMillis());
  spec.leerwens_deadline = domain::AddDays(today, 14);
  spec.start = domain::AddDays(today, 60);
  spec.end_planned = domain::AddDays(today, 160);
  auto round = t_->app().stagematching().CreateRound(*coordinator, spec);
  ASSERT_TRUE(round.ok()) << round.status().ToString();
  ASSERT_TRUE(t_->app().stagematching().OpenRound(*coordinator, round->id).ok());
  Browser sara(t_->port()), sam(t_->port());
  Activate(sara, "sara@97rv.test");
  Activate(sam, "sam@97rv.test");
  for (auto [b, wish] : std::vector<std::pair<Browser*, std::string>>{
           {&sara, "Zorgen+voor+vogels"}, {&sam, "Bouwen+aan+bruggen"}}) {
    b->Get("/stage/rondes/" + round->id);
    auto res = b->Post("/stage/rondes/" + round->id,
                       std::string("what_to_learn=") + wish +
                           "&company_type=&work_type=&transport=public_transport&"
                           "max_travel_minutes=45&support_needs=");
    ASSERT_LT(res.status, 400) << res.body.substr(0, 300);
  }
  const std::string sara_id = t_->app().accounts().UserByLogin("sara@97rv.test")->id;
  const std::string sam_id = t_->app().accounts().UserByLogin("sam@97rv.test")->id;

  // 3. Sara downloads her data: her number and leerwens, nothing of Sam.
  auto json = sara.Get("/account/privacy/download.json");
  ASSERT_EQ(json.status, 200);
  EXPECT_TRUE(Has(json.Header("content-disposition"), "attachment"));
  nlohmann::json j = nlohmann::json::parse(json.body, nullptr, /*allow_exceptions=*/false);
  ASSERT_FALSE(j.is_discarded());
  EXPECT_EQ(j["person"]["user_id"], sara_id);
  EXPECT_TRUE(Has(json.body, "R7001"));
  EXPECT_TRUE(Has(json.body, "Zorgen voor vogels"));
  EXPECT_FALSE(Has(json.body, "R7002"));
  EXPECT_FALSE(Has(json.body, "Bruggen") || Has(json.body, "bruggen"));
  EXPECT_FALSE(Has(json.body, sam_id));
  auto page = sara.Get("/account/privacy/gegevens");
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(Has(page.body, "R7001"));
  EXPECT_TRUE(Has(page.body, "Zorgen voor vogels"));
  EXPECT_TRUE(Has(page.body, "meldcode"));  // reports are reached with the code
  // Staff have no such page; another role gets 403.
  EXPECT_EQ(admin.Get("/account/privacy").status, 403);

  // 4. An objection without a reason names the field; then both ask for erasure.
  sara.Get("/account/privacy");
  auto bad = sara.Post("/account/privacy/verzoek", "kind=objection&text=");
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(Has(bad.body, "Vul dit veld in."));
  EXPECT_TRUE(Has(bad.body, "href=\"#text_objection\""));
  for (auto [b, why] : std::vector<std::pair<Browser*, std::string>>{{&sara, "Ik+ga+van+school"},
                                                                     {&sam, "Ik+wil+weg"}}) {
    b->Get("/account/privacy");
    auto asked = b->Post("/account/privacy/verzoek", "kind=erasure&text=" + why);
    ASSERT_EQ(asked.status, 303) << asked.body.substr(0, 300);
  }
  const std::string sara_request = RequestOf(sara_id), sam_request = RequestOf(sam_id);
  ASSERT_FALSE(sara_request.empty() || sam_request.empty());
  const std::string due = privacy::DueOn(t_->clock().NowMillis());

  // 5. The admin sees both with the deadline, and a notification.
  auto list = admin.Get("/admin/privacy/verzoeken");
  ASSERT_EQ(list.status, 200);
  EXPECT_TRUE(Has(list.body, "Sara Zandvoort"));
  EXPECT_TRUE(Has(list.body, "Sam Bergen"));
  EXPECT_TRUE(Has(list.body, "/admin/privacy/verzoeken/" + sara_request));
  EXPECT_TRUE(Has(list.body, std::to_string(domain::ParseDate(due)->days - today.days) + " dagen"));
  EXPECT_TRUE(Has(admin.Get("/dashboard").body, "Nieuw privacyverzoek"));
  // A mail to the admin with a link only, never the request's words.
  db::Rows mails = Query(
      "SELECT m.body FROM mail_outbox m JOIN users u ON u.id = m.user_id "
      "WHERE m.kind = 'privacy_request' AND u.login = 'beheer@97rv.test'");
  ASSERT_EQ(mails.rows.size(), 2u);
  EXPECT_TRUE(Has(mails.rows[0].Text(0), "/admin/privacy/verzoeken/"));
  for (const db::Row& m : mails.rows) {
    EXPECT_FALSE(Has(m.Text(0), "Ik ga van") || Has(m.Text(0), "wil weg"));
  }

  // 6. A refusal without a reason keeps the choice and names the field; with
  // one, Sam reads it.
  admin.Get("/admin/privacy/verzoeken/" + sam_request);
  auto no_reason =
      admin.Post("/admin/privacy/verzoeken/" + sam_request, "decision=refused&reason=");
  EXPECT_EQ(no_reason.status, 400);
  EXPECT_TRUE(Has(no_reason.body, "href=\"#reason\""));
  EXPECT_TRUE(Has(no_reason.body, "value=\"refused\" checked"));
  auto no_choice =
      admin.Post("/admin/privacy/verzoeken/" + sam_request, "reason=Je+stage+loopt+nu");
  EXPECT_EQ(no_choice.status, 400);
  EXPECT_TRUE(Has(no_choice.body, "Je stage loopt nu"));  // what was typed stays
  auto refused = admin.Post("/admin/privacy/verzoeken/" + sam_request,
                            "decision=refused&reason=Je+stage+loopt+nu");
  EXPECT_EQ(refused.status, 303) << refused.body.substr(0, 300);
  auto sam_page = sam.Get("/account/privacy");
  EXPECT_TRUE(Has(sam_page.body, "Je stage loopt nu"));
  EXPECT_TRUE(Has(sam_page.body, "Geweigerd"));

  // 7. Another school's admin: 404 on the request, and it is not on their list.
  Browser other(t_->port());
  other.Login("admin@99dm.demo", app::kDemoPassword, Totp(app::kDemoTotpSecret));
  EXPECT_EQ(other.Get("/admin/privacy/verzoeken/" + sara_request).status, 404);
  other.Get("/admin/privacy/verzoeken");
  EXPECT_EQ(other.Post("/admin/privacy/verzoeken/" + sara_request, "decision=done").status, 404);
  EXPECT_FALSE(Has(other.Get("/admin/privacy/verzoeken").body, "Sara Zandvoort"));

  // 8. The admin carries out Sara's erasure: she cannot log in, and nothing
  // about her is left.
  admin.Get("/admin/privacy/verzoeken/" + sara_request);
  auto erased = admin.Post("/admin/privacy/verzoeken/" + sara_request, "decision=done&reason=");
  ASSERT_EQ(erased.status, 303) << erased.body.substr(0, 500);
  EXPECT_EQ(sara.Get("/account/privacy").status, 303);  // her session is gone
  for (const std::string& needle :
       {std::string("sara@97rv.test"), std::string("Sara Zandvoort"), std::string("R7001"),
        std::string("Zorgen voor vogels"), std::string("Ik ga van school")}) {
    std::vector<std::string> left = FindAnywhere(needle);
    EXPECT_TRUE(left.empty()) << needle << " still in " << (left.empty() ? "" : left[0]);
  }
  EXPECT_EQ(Query("SELECT COUNT(*) FROM users WHERE id = $1", {sara_id}).rows[0].Int(0), 0);
  Browser again(t_->port());
  auto login = again.Login("sara@97rv.test", kPassword);
  EXPECT_NE(login.Header("location"), "/dashboard");
  // The request stays as proof, answered; Sam's data is untouched.
  db::Rows proof = Query("SELECT state, text FROM privacy_requests WHERE id = $1", {sara_request});
  ASSERT_EQ(proof.rows.size(), 1u);
  EXPECT_EQ(proof.rows[0].Text(0), "done");
  EXPECT_EQ(proof.rows[0].Text(1), "");
  EXPECT_FALSE(FindAnywhere("R7002").empty());
  EXPECT_FALSE(FindAnywhere("Bouwen aan bruggen").empty());

  // Every request and answer is audited, by id only.
  for (const char* action : {"privacy.download", "privacy.request", "privacy.answer"}) {
    EXPECT_GE(Query("SELECT COUNT(*) FROM audit_log WHERE action = $1", {std::string(action)})
                  .rows[0]
                  .Int(0),
              1)
        << action;
  }
  EXPECT_EQ(
      Query("SELECT COUNT(*) FROM audit_log WHERE object_id LIKE '%stage loopt%'").rows[0].Int(0),
      0);
}

// A company contact (demo school) downloads their data and asks for a
// correction; the admin marks it done with a note, which the contact reads.
TEST_P(RightsHttpTest, ContactDownloadsAndACorrectionIsAnswered) {
  Browser tom(t_->port());
  tom.Login("company@99dm.demo", app::kDemoPassword);
  auto json = tom.Get("/account/privacy/download.json");
  ASSERT_EQ(json.status, 200);
  nlohmann::json j = nlohmann::json::parse(json.body, nullptr, /*allow_exceptions=*/false);
  ASSERT_FALSE(j.is_discarded());
  bool linked_to_company = false;
  for (const auto& t : j["tables"]) {
    if (t["table"] == "company_contacts") linked_to_company = !t["rows"].empty();
  }
  EXPECT_TRUE(linked_to_company);
  EXPECT_TRUE(Has(json.body, "company@99dm.demo"));
  EXPECT_FALSE(Has(json.body, "student@99dm.demo"));
  EXPECT_FALSE(Has(json.body, "company@98dm.demo"));

  tom.Get("/account/privacy");
  auto asked = tom.Post("/account/privacy/verzoek",
                        "kind=correction&text=" + web::UrlEncode("Mijn naam is Tom, niet Tim"));
  ASSERT_EQ(asked.status, 303) << asked.body.substr(0, 300);
  const std::string tom_id = t_->app().accounts().UserByLogin("company@99dm.demo")->id;
  db::Rows r = Query("SELECT id FROM privacy_requests WHERE user_id = $1", {tom_id});
  ASSERT_EQ(r.rows.size(), 1u);
  const std::string id = r.rows[0].Text(0);

  Browser elsewhere(t_->port());
  elsewhere.Login("admin@98dm.demo", app::kDemoPassword, Totp(app::kDemoTotpSecret));
  EXPECT_EQ(elsewhere.Get("/admin/privacy/verzoeken/" + id).status, 404);

  Browser admin(t_->port());
  admin.Login("admin@99dm.demo", app::kDemoPassword, Totp(app::kDemoTotpSecret));
  auto one = admin.Get("/admin/privacy/verzoeken/" + id);
  ASSERT_EQ(one.status, 200);
  EXPECT_TRUE(Has(one.body, "Mijn naam is Tom, niet Tim"));
  // A correction marked done needs the note of what was corrected.
  EXPECT_EQ(admin.Post("/admin/privacy/verzoeken/" + id, "decision=done&reason=").status, 400);
  EXPECT_EQ(
      admin.Post("/admin/privacy/verzoeken/" + id, "decision=done&reason=Naam+aangepast").status,
      303);
  // Answered once: a second answer is refused.
  admin.Get("/admin/privacy/verzoeken/" + id);
  EXPECT_EQ(
      admin.Post("/admin/privacy/verzoeken/" + id, "decision=refused&reason=Toch+niet").status,
      409);
  auto mine = tom.Get("/account/privacy");
  EXPECT_TRUE(Has(mine.body, "Naam aangepast"));
  EXPECT_TRUE(Has(mine.body, "Gedaan"));
}

INSTANTIATE_TEST_SUITE_P(Backends, RightsHttpTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgres),
                         db::testing::DialectName<::testing::TestParamInfo<db::Dialect>>);

}  // namespace
