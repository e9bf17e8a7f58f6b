// The school admin's retention page over real HTTP, on SQLite and PostgreSQL:
// the periods with their bounds, a refused value named in Dutch with what was
// typed kept, a saved value that the runner uses, the preview, and no access
// for other roles.
#include <gtest/gtest.h>

#include <string>

#include "app/demo.h"
#include "crypto/totp.h"
#include "domain/calendar.h"
#include "domain/meldpunt.h"
#include "domain/retention.h"
#include "retention/settings.h"
#include "test_app.h"

namespace {

using testing_support::Browser;
using testing_support::TestApp;

class RetentionHttpTest : public ::testing::TestWithParam<db::Dialect> {
 protected:
  void SetUp() override {
    std::string reason;
    t_ = TestApp::Start(GetParam(), &reason);
    ASSERT_TRUE(t_ || reason.rfind("FAIL: ", 0) != 0) << reason;
    if (!t_) GTEST_SKIP() << reason;
  }
  std::string Totp() {
    return *crypto::TotpCode(app::kDemoTotpSecret, t_->clock().NowMillis() / 1000);
  }
  // Every period at the school's current value, with `key` set to `value`.
  static std::string Form(const std::string& key, const std::string& value,
                          const std::string& key2 = "", const std::string& value2 = "") {
    std::string body;
    for (const domain::RetentionPeriod& p : domain::RetentionPeriods()) {
      std::string k(p.key);
      std::string v = k == key ? value : k == key2 ? value2 : std::to_string(p.default_value);
      body += (body.empty() ? "" : "&") + ("period_" + k) + "=" + v;
    }
    return body;
  }
  std::string SchoolId() {
    std::string id;
    EXPECT_TRUE(t_->db()
                    .Read([&](db::Connection& c) -> common::Status {
                      SP_ASSIGN_OR_RETURN(db::Row r,
                                          c.QueryOne("SELECT id FROM schools WHERE brin = '99DM'"));
                      id = r.Text(0);
                      return common::Status::Ok();
                    })
                    .ok());
    return id;
  }
  std::unique_ptr<TestApp> t_;
};

TEST_P(RetentionHttpTest, AdminSetsPeriodsWithinBoundsAndSeesThePreview) {
  const std::string school = SchoolId();
  // An old dashboard notification of a 99DM user: the next run removes it.
  ASSERT_TRUE(t_->db()
                  .Write([&](db::Connection& c) {
                    return c
                        .Execute(
                            "INSERT INTO notifications(id, school_id, user_id, kind, subject, "
                            "link, object_id, created_at) SELECT 'old-note', school_id, id, "
                            "'k', 's', '/', 'o', 0 FROM users WHERE login = "
                            "'admin@99dm.demo'")
                        .status();
                  })
                  .ok());
  Browser admin(t_->port());
  ASSERT_EQ(admin.Login("admin@99dm.demo", app::kDemoPassword, Totp()).Header("location"),
            "/dashboard");
  auto page = admin.Get("/admin/bewaartermijnen");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("Bewaartermijnen"), std::string::npos);
  EXPECT_NE(page.body.find("Leerlingen na vertrek (maanden)"), std::string::npos) << page.body;
  EXPECT_NE(page.body.find("Standaard: 24 maanden. Kies tussen 1 en 60."), std::string::npos);
  EXPECT_NE(page.body.find("leerwensen (wat je wilt leren, ondersteuning)"), std::string::npos);
  EXPECT_NE(page.body.find("Bij de volgende run verwijderd"), std::string::npos);
  EXPECT_NE(page.body.find("meldingen op het dashboard"), std::string::npos);
  // The preview removed nothing.
  EXPECT_TRUE(
      t_->db()
          .Read([](db::Connection& c) {
            return c.QueryOne("SELECT id FROM notifications WHERE id = 'old-note'").status();
          })
          .ok());

  // A value outside the bounds: the field is named in Dutch, both typed values stay.
  auto bad = admin.Post("/admin/bewaartermijnen", Form("students", "999", "mail", "14"));
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("Leerlingen na vertrek: vul een heel getal in tussen 1 en 60 maanden."),
            std::string::npos);
  EXPECT_NE(bad.body.find("value=\"999\""), std::string::npos);
  EXPECT_NE(bad.body.find("value=\"14\""), std::string::npos);
  EXPECT_NE(bad.body.find("href=\"#period_students\""), std::string::npos);

  auto ok = admin.Post("/admin/bewaartermijnen", Form("students", "12", "mail", "14"));
  EXPECT_EQ(ok.status, 303);
  EXPECT_EQ(ok.Header("location"), "/admin/bewaartermijnen?ok=1");
  ASSERT_TRUE(t_->db()
                  .Read([&](db::Connection& c) -> common::Status {
                    SP_ASSIGN_OR_RETURN(retention::Periods p, retention::LoadPeriods(c, school));
                    EXPECT_EQ(p.Value("students"), 12);
                    EXPECT_EQ(p.Value("mail"), 14);
                    EXPECT_FALSE(p.IsChosen("audit"));
                    SP_ASSIGN_OR_RETURN(db::Row r,
                                        c.QueryOne("SELECT COUNT(*) FROM audit_log WHERE action = "
                                                   "'retention.set' AND school_id = $1",
                                                   {school}));
                    EXPECT_EQ(r.Int(0), 1);
                    return common::Status::Ok();
                  })
                  .ok());
  EXPECT_NE(admin.Get("/admin/bewaartermijnen").body.find("value=\"12\""), std::string::npos);
}

// A shorter period for closed reports also applies to reports closed before:
// their shredding dates move when the admin saves it.
TEST_P(RetentionHttpTest, ANewCasesPeriodMovesTheShreddingDateOfClosedCases) {
  const std::string school = SchoolId();
  std::string case_id;
  common::UnixMillis closed_at = 0;
  ASSERT_TRUE(t_->db()
                  .Read([&](db::Connection& c) -> common::Status {
                    SP_ASSIGN_OR_RETURN(
                        db::Row r, c.QueryOne("SELECT id, closed_at FROM cases WHERE school_id = "
                                              "$1 AND status = 'closed' AND shredded_at IS NULL "
                                              "AND closed_at IS NOT NULL",
                                              {school}));
                    case_id = r.Text(0);
                    closed_at = r.Int(1);
                    return common::Status::Ok();
                  })
                  .ok())
      << "the demo has a closed case at 99DM";
  Browser admin(t_->port());
  ASSERT_EQ(admin.Login("admin@99dm.demo", app::kDemoPassword, Totp()).Header("location"),
            "/dashboard");
  ASSERT_EQ(admin.Post("/admin/bewaartermijnen", Form("cases", "1")).status, 303);
  domain::DeadlinePolicy one_month;
  one_month.retention_months = 1;
  const std::string expected =
      domain::FormatDate(domain::RetentionDue(one_month, domain::DateFromMillis(closed_at)));
  ASSERT_TRUE(t_->db()
                  .Read([&](db::Connection& c) -> common::Status {
                    SP_ASSIGN_OR_RETURN(db::Row r,
                                        c.QueryOne("SELECT retention_due FROM cases WHERE id = $1",
                                                   {case_id}));
                    EXPECT_EQ(r.Text(0), expected);
                    return common::Status::Ok();
                  })
                  .ok());
}

TEST_P(RetentionHttpTest, OtherRolesHaveNoAccess) {
  Browser handler(t_->port());
  handler.Login("meldpunt@99dm.demo", app::kDemoPassword, Totp());
  int status = handler.Get("/admin/bewaartermijnen").status;
  EXPECT_TRUE(status == 403 || status == 404) << status;
  Browser student(t_->port());
  student.Login("student@99dm.demo", app::kDemoPassword, Totp());
  status = student.Get("/admin/bewaartermijnen").status;
  EXPECT_TRUE(status == 403 || status == 404) << status;
}

// The coordinator sets the day a student left on the student's page.
TEST_P(RetentionHttpTest, CoordinatorSetsTheDayOfLeaving) {
  std::string round, student;
  ASSERT_TRUE(t_->db()
                  .Read([&](db::Connection& c) -> common::Status {
                    SP_ASSIGN_OR_RETURN(
                        db::Row r, c.QueryOne("SELECT p.round_id, p.student_id FROM placements p "
                                              "JOIN schools s ON s.id = p.school_id WHERE "
                                              "s.brin = '99DM' ORDER BY p.id LIMIT 1"));
                    round = r.Text(0);
                    student = r.Text(1);
                    return common::Status::Ok();
                  })
                  .ok());
  const std::string page_path = "/stagematching/rondes/" + round + "/studenten/" + student;
  Browser coordinator(t_->port());
  coordinator.Login("coordinator@99dm.demo", app::kDemoPassword, Totp());
  auto page = coordinator.Get(page_path);
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("Uitschrijfdatum"), std::string::npos);
  auto bad = coordinator.Post(page_path + "/uitschrijving", "left_on=31-07-2026");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("Uitschrijfdatum: vul een datum in als JJJJ-MM-DD"), std::string::npos);
  EXPECT_NE(bad.body.find("value=\"31-07-2026\""), std::string::npos);
  auto ok = coordinator.Post(page_path + "/uitschrijving", "left_on=2026-07-31");
  EXPECT_EQ(ok.status, 303);
  EXPECT_NE(coordinator.Get(page_path).body.find("value=\"2026-07-31\""), std::string::npos);
  EXPECT_TRUE(
      t_->db()
          .Read([&](db::Connection& c) -> common::Status {
            SP_ASSIGN_OR_RETURN(
                db::Row r, c.QueryOne("SELECT left_on FROM students WHERE id = $1", {student}));
            EXPECT_EQ(r.Text(0), "2026-07-31");
            SP_ASSIGN_OR_RETURN(r, c.QueryOne("SELECT COUNT(*) FROM audit_log WHERE action = "
                                              "'student.left_on' AND object_id = $1",
                                              {student}));
            EXPECT_EQ(r.Int(0), 1);
            return common::Status::Ok();
          })
          .ok());
}

INSTANTIATE_TEST_SUITE_P(Backends, RetentionHttpTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgres),
                         db::testing::DialectName<::testing::TestParamInfo<db::Dialect>>);

}  // namespace
