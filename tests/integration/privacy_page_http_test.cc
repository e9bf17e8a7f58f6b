// The school's privacy page over real HTTP on SQLite and PostgreSQL, for a
// school made without demo data: the admin sets the controller's contact and
// the FG (errors name the field in Dutch, nothing typed is lost), the public
// page shows them, shows every catalogue table in its person's section with
// the school's own periods (a changed period changes the page), and is
// linked from the footer and from the report form.
#include <gtest/gtest.h>

#include "app/demo.h"
#include "crypto/totp.h"
#include "domain/privacy_notice.h"
#include "retention/settings.h"
#include "test_app.h"

namespace {

using testing_support::Browser;
using testing_support::TestApp;

constexpr char kPassword[] = "paars konijn op de fiets";

class PrivacyPageHttpTest : public ::testing::TestWithParam<db::Dialect> {
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
  // The latest invitation token mailed to `login`, as its recipient reads it.
  std::string MailedToken(const std::string& login) {
    std::string token;
    EXPECT_TRUE(t_->db()
                    .Read([&](db::Connection& c) -> common::Status {
                      SP_ASSIGN_OR_RETURN(
                          db::Rows rows,
                          c.Query("SELECT m.body FROM mail_outbox m JOIN users u ON u.id = "
                                  "m.user_id WHERE u.login = $1 ORDER BY m.created_at",
                                  {login}));
                      if (rows.empty()) return common::Status::Ok();
                      std::string body = rows.rows.back().Text(0);
                      size_t at = body.find("/invite/");
                      size_t end = body.find_first_of("\n ", at);
                      if (at != std::string::npos) token = body.substr(at + 8, end - at - 8);
                      return common::Status::Ok();
                    })
                    .ok());
    return token;
  }
  // A new school 97PV, without demo data, and its admin logged in with a second factor.
  void MakeSchoolAndAdmin(Browser& admin) {
    Browser sys(t_->port());
    ASSERT_EQ(sys.Login("sysadmin@demo", app::kDemoPassword, Totp(app::kDemoTotpSecret))
                  .Header("location"),
              "/dashboard");
    sys.Get("/admin/schools");
    ASSERT_EQ(sys.Post("/admin/schools", "brin=97PV&name=ROC+Proef&domains=97pv.test").status, 201);
    ASSERT_EQ(sys.Post("/admin/schools/admin",
                       "admin_brin=97PV&admin_login=beheer%4097pv.test&admin_name=Bea+Beheer")
                  .status,
              201);
    std::string token = MailedToken("beheer@97pv.test");
    ASSERT_FALSE(token.empty());
    admin.Get("/invite/" + token);
    ASSERT_LT(admin
                  .Post("/invite/" + token, "password=" + web::UrlEncode(kPassword) +
                                                "&password2=" + web::UrlEncode(kPassword) +
                                                "&password_confirm=" + web::UrlEncode(kPassword))
                  .status,
              400);
    admin.Login("beheer@97pv.test", kPassword);
    const std::string secret = app::kDemoTotpSecret;
    admin.Get("/account/security");
    ASSERT_LT(admin.Post("/account/security", "secret=" + secret + "&code=" + Totp(secret)).status,
              400);
  }
  std::string SchoolId(const std::string& brin) {
    auto school = t_->app().accounts().SchoolByBrin(brin);
    EXPECT_TRUE(school.ok());
    return school.ok() ? school->id : "";
  }
  std::unique_ptr<TestApp> t_;
};

const char kForm[] =
    "address=Schoolstraat+1%2C+1234+AB+Proefstad&email=Privacy%4097pv.test&phone=030-1234567"
    "&dpo_name=Fenna+Gegevens&dpo_email=fg%4097pv.test";

TEST_P(PrivacyPageHttpTest, AdminSetsTheFgAndThePageShowsItWithTheSchoolsPeriods) {
  Browser admin(t_->port());
  MakeSchoolAndAdmin(admin);
  if (HasFatalFailure()) return;

  // Before the admin fills it in, the page says so (and still works).
  Browser visitor(t_->port());
  auto empty = visitor.Get("/s/97PV/privacy");
  ASSERT_EQ(empty.status, 200);
  EXPECT_NE(empty.body.find("id=\"privacy-contact-missing\""), std::string::npos);

  // The admin finds the page in the navigation.
  EXPECT_NE(admin.Get("/dashboard").body.find("href=\"/admin/privacy/verklaring\""),
            std::string::npos);
  // Bad input: the error names the field in Dutch and keeps what was typed.
  ASSERT_EQ(admin.Get("/admin/privacy/verklaring").status, 200);
  auto bad = admin.Post("/admin/privacy/verklaring",
                        "address=Schoolstraat+1&email=Privacy%4097pv.test&phone=030-1234567"
                        "&dpo_name=Fenna+Gegevens&dpo_email=geen-adres");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("E-mailadres van de FG is geen geldig e-mailadres"), std::string::npos);
  EXPECT_NE(bad.body.find("value=\"Fenna Gegevens\""), std::string::npos);
  auto missing = admin.Post("/admin/privacy/verklaring",
                            "address=&email=a%4097pv.test&phone=030-1234567&dpo_name=F"
                            "&dpo_email=fg%4097pv.test");
  EXPECT_EQ(missing.status, 400);
  EXPECT_NE(missing.body.find("Vul dit veld in: Adres van de school."), std::string::npos);
  auto phone = admin.Post("/admin/privacy/verklaring",
                          "address=Straat+1&email=a%4097pv.test&phone=bel+me&dpo_name=F"
                          "&dpo_email=fg%4097pv.test");
  EXPECT_EQ(phone.status, 400);
  EXPECT_NE(phone.body.find("Telefoonnummer is geen geldig telefoonnummer"), std::string::npos);

  auto saved = admin.Post("/admin/privacy/verklaring", kForm);
  ASSERT_EQ(saved.status, 303) << saved.body.substr(0, 500);
  int64_t audited = -1;
  ASSERT_TRUE(t_->db()
                  .Read([&](db::Connection& c) -> common::Status {
                    SP_ASSIGN_OR_RETURN(db::Row r,
                                        c.QueryOne("SELECT COUNT(*) FROM audit_log WHERE action = "
                                                   "'school.privacy_contact' AND object_id = $1",
                                                   {SchoolId("97PV")}));
                    audited = r.Int(0);
                    return common::Status::Ok();
                  })
                  .ok());
  EXPECT_EQ(audited, 1);

  // The public page: the controller, the FG, a section per person, every
  // catalogue table in its person's section, with the school's periods.
  auto page = visitor.Get("/s/97PV/privacy");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("lang=\"nl\""), std::string::npos);
  for (const char* text :
       {"ROC Proef", "Schoolstraat 1, 1234 AB Proefstad", "privacy@97pv.test", "030-1234567",
        "Fenna Gegevens", "fg@97pv.test", "Autoriteit Persoonsgegevens",
        "href=\"/account/privacy\"", "href=\"/melding\"", "de EU"}) {
    EXPECT_NE(page.body.find(text), std::string::npos) << text;
  }
  for (domain::DataSubject section : domain::NoticeSections()) {
    std::string id = "data-subject=\"privacy-" + std::string(domain::DataSubjectName(section));
    size_t at = page.body.find(id);
    ASSERT_NE(at, std::string::npos) << id;
    size_t end = page.body.find("</section>", at);
    std::string part = page.body.substr(at, end - at);
    for (const domain::RetentionRule* r : domain::NoticeTables(section)) {
      EXPECT_NE(part.find("data-table=\"" + std::string(r->table) + "\""), std::string::npos)
          << r->table << " in " << id;
    }
  }
  EXPECT_NE(page.body.find("24 maanden nadat je van school bent gegaan"), std::string::npos);

  // A period the school changes is the period the page shows.
  ASSERT_TRUE(t_->db()
                  .Write([&](db::Connection& c) {
                    return retention::SetPeriod(c, SchoolId("97PV"), "students", 18, "",
                                                t_->clock().NowMillis());
                  })
                  .ok());
  auto changed = visitor.Get("/s/97PV/privacy");
  EXPECT_NE(changed.body.find("18 maanden nadat je van school bent gegaan"), std::string::npos);
  EXPECT_EQ(changed.body.find("24 maanden nadat je van school bent gegaan"), std::string::npos);
  // Another school's page keeps its own value.
  EXPECT_NE(visitor.Get("/s/99DM/privacy").body.find("24 maanden nadat je van school bent gegaan"),
            std::string::npos);

  // In English too.
  visitor.Get("/lang/en?next=/s/97PV/privacy");
  auto english = visitor.Get("/s/97PV/privacy");
  EXPECT_NE(english.body.find("lang=\"en\""), std::string::npos);
  EXPECT_NE(english.body.find("18 months after you left the school"), std::string::npos);
  EXPECT_NE(english.body.find("Fenna Gegevens"), std::string::npos);
}

TEST_P(PrivacyPageHttpTest, LinkedFromTheFooterAndTheReportFormAndUnknownSchoolIs404) {
  Browser admin(t_->port());
  MakeSchoolAndAdmin(admin);
  if (HasFatalFailure()) return;
  Browser visitor(t_->port());
  auto form = visitor.Get("/s/97PV/melden");
  ASSERT_EQ(form.status, 200);
  // Right above the submit button, and in the footer.
  size_t link = form.body.find("id=\"privacy-before-submit\"");
  ASSERT_NE(link, std::string::npos);
  EXPECT_NE(form.body.find("href=\"/s/97PV/privacy\"", link), std::string::npos);
  EXPECT_NE(form.body.find("Lees hoe we met je melding omgaan"), std::string::npos);
  EXPECT_LT(link, form.body.find("value=\"submit\""));
  size_t footer = form.body.find("id=\"footer-privacy\"");
  ASSERT_NE(footer, std::string::npos);
  EXPECT_NE(form.body.find("href=\"/s/97PV/privacy\" id=\"footer-privacy\""), std::string::npos);
  // Pages without a school link to /privacy: a logged-in user goes on to
  // their school's page, anyone else chooses a school.
  auto home = visitor.Get("/");
  EXPECT_NE(home.body.find("href=\"/privacy\" id=\"footer-privacy\""), std::string::npos);
  auto index = visitor.Get("/privacy");
  ASSERT_EQ(index.status, 200);
  EXPECT_NE(index.body.find("href=\"/s/97PV/privacy\""), std::string::npos);
  auto mine = admin.Get("/privacy");
  EXPECT_EQ(mine.status, 303);
  EXPECT_EQ(mine.Header("location"), "/s/97PV/privacy");
  EXPECT_EQ(visitor.Get("/s/00XX/privacy").status, 404);
  EXPECT_EQ(visitor.Get("/s/bogus/privacy").status, 404);
}

INSTANTIATE_TEST_SUITE_P(Backends, PrivacyPageHttpTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgres),
                         [](const ::testing::TestParamInfo<db::Dialect>& p) {
                           return std::string(p.param == db::Dialect::kSqlite ? "sqlite"
                                                                              : "postgres");
                         });

}  // namespace
