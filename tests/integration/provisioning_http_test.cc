// Provisioning without demo data (docs/accounts.md), over real HTTP on
// SQLite and PostgreSQL: the system admin makes a school and its first
// admin; the admin imports staff and students with their e-mail addresses;
// the coordinator imports companies with contacts. Every new login gets an
// invitation queued in mail_outbox (kind "invitation", to that user) and no
// token is logged or shown on a page; the company contact and the student
// redeem their invitations, log in and find their company and their round.
// A re-invite revokes the old link; a school admin cannot touch another
// school's users.
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <sstream>

#include "app/demo.h"
#include "crypto/totp.h"
#include "test_app.h"

namespace {

using testing_support::Browser;
using testing_support::TestApp;

constexpr char kPassword[] = "paars konijn op de fiets";

class ProvisioningHttpTest : public ::testing::TestWithParam<db::Dialect> {
 protected:
  void SetUp() override {
    std::string reason;
    t_ = TestApp::Start(GetParam(), &reason);
    ASSERT_TRUE(t_ || reason.rfind("FAIL: ", 0) != 0) << reason;
    if (!t_) GTEST_SKIP() << reason;
    previous_logger_ = spdlog::default_logger();
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(log_);
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture", sink));
  }
  void TearDown() override {
    if (previous_logger_) spdlog::set_default_logger(previous_logger_);
  }

  std::string Totp(const std::string& secret) {
    return *crypto::TotpCode(secret, t_->clock().NowMillis() / 1000);
  }

  // The token of the latest invitation mailed to `login`, read from the
  // outbox as its recipient would read the mail; "" when none.
  std::string MailedToken(const std::string& login) {
    std::string token;
    EXPECT_TRUE(t_->db()
                    .Read([&](db::Connection& c) -> common::Status {
                      SP_ASSIGN_OR_RETURN(
                          db::Rows rows,
                          c.Query("SELECT m.body, m.kind, m.user_id FROM mail_outbox m JOIN users "
                                  "u ON u.id = m.user_id WHERE u.login = $1 ORDER BY m.created_at",
                                  {login}));
                      if (rows.empty()) return common::Status::Ok();
                      const db::Row& r = rows.rows.back();
                      EXPECT_EQ(r.Text(1), "invitation");
                      std::string body = r.Text(0);
                      size_t at = body.find("/invite/");
                      EXPECT_NE(at, std::string::npos);
                      size_t end = body.find_first_of("\n ", at);
                      token = body.substr(at + 8, end - at - 8);
                      return common::Status::Ok();
                    })
                    .ok());
    return token;
  }
  int64_t Count(const std::string& sql, const db::Params& params = {}) {
    int64_t n = -1;
    EXPECT_TRUE(t_->db()
                    .Read([&](db::Connection& c) -> common::Status {
                      SP_ASSIGN_OR_RETURN(db::Rows rows, c.Query(sql, params));
                      n = rows.rows[0].Int(0);
                      return common::Status::Ok();
                    })
                    .ok());
    return n;
  }
  // Redeems the mailed invitation of `login` and logs in.
  void Activate(Browser& b, const std::string& login) {
    std::string token = MailedToken(login);
    ASSERT_FALSE(token.empty()) << login;
    tokens_.push_back(token);
    EXPECT_EQ(b.Get("/invite/" + token).status, 200) << login;
    auto set = b.Post("/invite/" + token, "password=" + web::UrlEncode(kPassword) +
                                              "&password2=" + web::UrlEncode(kPassword) +
                                              "&password_confirm=" + web::UrlEncode(kPassword));
    ASSERT_LT(set.status, 400) << login << " " << set.body.substr(0, 300);
    b.Login(login, kPassword);
  }
  web::ClientResponse Upload(Browser& b, const std::string& page, const std::string& kind,
                             const std::string& csv, const std::string& extra_field = "") {
    b.Get(page);
    const std::string boundary = "----stagepunt-test-7b2e";
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
  std::string UserId(const std::string& login) {
    auto u = t_->app().accounts().UserByLogin(login);
    EXPECT_TRUE(u.ok()) << login;
    return u.ok() ? u->id : "";
  }

  std::unique_ptr<TestApp> t_;
  std::ostringstream log_;
  std::shared_ptr<spdlog::logger> previous_logger_;
  std::vector<std::string> tokens_;
};

TEST_P(ProvisioningHttpTest, FromEmptySchoolToContactAndStudentLoggedIn) {
  // 1. The system admin makes the school and its first admin.
  Browser sys(t_->port());
  ASSERT_EQ(
      sys.Login("sysadmin@demo", app::kDemoPassword, Totp(app::kDemoTotpSecret)).Header("location"),
      "/dashboard");
  sys.Get("/admin/schools");
  EXPECT_EQ(sys.Post("/admin/schools", "brin=97PV&name=ROC+Proef&domains=97pv.test").status, 201);
  auto first = sys.Post("/admin/schools/admin",
                        "admin_brin=97PV&admin_login=beheer%4097pv.test&admin_name=Bea+Beheer");
  ASSERT_EQ(first.status, 201) << first.body.substr(0, 500);
  EXPECT_EQ(first.body.find("/invite/"), std::string::npos);  // never the token on a page
  // A login outside the school's domains is refused, naming the field.
  auto outside =
      sys.Post("/admin/schools/admin", "admin_brin=97PV&admin_login=x%4099dm.demo&admin_name=X");
  EXPECT_EQ(outside.status, 400);

  // 2. The admin sets a password and a second factor, then imports staff and students.
  Browser admin(t_->port());
  Activate(admin, "beheer@97pv.test");
  const std::string secret = app::kDemoTotpSecret;
  admin.Get("/account/security");
  auto enrolled = admin.Post("/account/security", "secret=" + secret + "&code=" + Totp(secret));
  ASSERT_LT(enrolled.status, 400) << enrolled.body.substr(0, 300);
  auto staff = Upload(admin, "/admin/import", "staff",
                      "login,name,role,email\n"
                      "coord@97pv.test,Cor Coördinator,coordinator,\n"
                      "begeleider@97pv.test,Bo Begeleider,teacher,bo@mail.example\n");
  ASSERT_EQ(staff.status, 200) << staff.body.substr(0, 2000);
  auto students = Upload(admin, "/admin/import", "students",
                         "student_number,name,crebo,level,pathway,cohort,email,begeleider_email\n"
                         "S001,Sara Student,25480,3,BOL,2026,sara@97pv.test,bo@mail.example\n",
                         "invite");
  ASSERT_EQ(students.status, 200) << students.body.substr(0, 2000);

  // 3. The coordinator imports companies with a contact, and a norm.
  Browser coord(t_->port());
  Activate(coord, "coord@97pv.test");
  auto companies = Upload(coord, "/stagematching/import", "companies",
                          "leerbedrijf_id,name,crebos,contact_name,contact_email\n"
                          "970001,Zorg Proef,25480,Tom Contact,tom@97pv.test\n");
  ASSERT_EQ(companies.status, 200) << companies.body.substr(0, 2000);
  coord.Get("/stagematching/norm");
  ASSERT_LT(coord
                .Post("/stagematching/norm",
                      "text_nl=Wij+discrimineren+niet.&text_en=We+do+not+"
                      "discriminate.")
                .status,
            400);

  // Invitations are queued, one per new login, to that user.
  for (const char* login : {"beheer@97pv.test", "coord@97pv.test", "begeleider@97pv.test",
                            "sara@97pv.test", "tom@97pv.test"}) {
    EXPECT_EQ(Count("SELECT COUNT(*) FROM mail_outbox m JOIN users u ON u.id = m.user_id WHERE "
                    "m.kind = 'invitation' AND u.login = $1",
                    {std::string(login)}),
              1)
        << login;
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM mail_outbox WHERE to_address = 'bo@mail.example'"), 1);

  // 4. The contact redeems, logs in, sees the company and accepts the norm.
  Browser tom(t_->port());
  Activate(tom, "tom@97pv.test");
  auto home = tom.Get("/bedrijf");
  ASSERT_EQ(home.status, 200);
  EXPECT_NE(home.body.find("Zorg Proef"), std::string::npos);
  EXPECT_EQ(home.body.find("nog niet gekoppeld"), std::string::npos);
  auto accepted = tom.Post("/bedrijf/norm", "agree=1&version=1");
  EXPECT_LT(accepted.status, 400) << accepted.body.substr(0, 300);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM norm_acceptances a JOIN companies c ON c.id = "
                  "a.company_id WHERE c.leerbedrijf_id = '970001'"),
            1);

  // 5. The student linked by the import logs in and can enter a leerwens.
  auto coordinator = t_->app().accounts().UserByLogin("coord@97pv.test");
  ASSERT_TRUE(coordinator.ok());
  placement::RoundSpec spec;
  spec.name = "Proefronde";
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
  Browser sara(t_->port());
  Activate(sara, "sara@97pv.test");
  auto stage = sara.Get("/stage");
  ASSERT_EQ(stage.status, 200);
  EXPECT_EQ(stage.body.find("nog niet in de studentenlijst"), std::string::npos);
  EXPECT_EQ(sara.Get("/stage/rondes/" + round->id).status, 200);
  auto wish = sara.Post("/stage/rondes/" + round->id,
                        "what_to_learn=Zorgen+voor+mensen&company_type=&work_type=&transport="
                        "public_transport&max_travel_minutes=45&support_needs=");
  EXPECT_LT(wish.status, 400) << wish.body.substr(0, 500);

  // 6. A re-invite revokes the old link.
  std::string begeleider = UserId("begeleider@97pv.test");
  std::string old_token = MailedToken("begeleider@97pv.test");
  t_->clock().Advance(std::chrono::seconds(5));  // the mails' order in the outbox
  admin.Get("/admin/users/" + begeleider);
  auto again = admin.Post("/admin/users/" + begeleider + "/invite", "");
  ASSERT_EQ(again.status, 200) << again.body.substr(0, 300);
  EXPECT_EQ(again.body.find("/invite/"), std::string::npos);
  std::string new_token = MailedToken("begeleider@97pv.test");
  EXPECT_NE(old_token, new_token);
  Browser bo(t_->port());
  EXPECT_EQ(bo.Get("/invite/" + old_token).status, 404);
  EXPECT_EQ(bo.Get("/invite/" + new_token).status, 200);
  tokens_.push_back(old_token);
  tokens_.push_back(new_token);

  // 7. The admin edits a user of their school; another school's users answer 404.
  admin.Get("/admin/users/" + begeleider);
  auto edit = admin.Post("/admin/users/" + begeleider,
                         "display_name=Bo+B.&email=bo%40mail.example&role=coordinator");
  EXPECT_EQ(edit.status, 200);
  auto other = t_->app().accounts().UserByLogin("student@99dm.demo");
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(admin.Get("/admin/users/" + other->id).status, 404);
  EXPECT_EQ(admin.Post("/admin/users/" + other->id, "display_name=X&email=&role=teacher").status,
            404);
  EXPECT_EQ(admin.Post("/admin/users/" + other->id + "/invite", "").status, 404);
  EXPECT_EQ(admin.Post("/admin/users/" + other->id + "/disable", "").status, 404);
  auto list = admin.Get("/admin/users?q=student%4099dm");
  EXPECT_EQ(list.body.find("student@99dm.demo"), std::string::npos);

  // No token in any log line.
  spdlog::default_logger()->flush();
  std::string log = log_.str();
  for (const std::string& token : tokens_) {
    EXPECT_EQ(log.find(token), std::string::npos) << "token in the log";
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, ProvisioningHttpTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgres),
                         db::testing::DialectName<::testing::TestParamInfo<db::Dialect>>);

}  // namespace
