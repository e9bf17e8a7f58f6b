// The norm module over real HTTP on SQLite and PostgreSQL with the demo data:
// the public norm page and its versions, the editor, the self-assessment,
// the training register with its reminder, the student's reading of the norm
// and the anonymous pulse survey; least privilege between roles, isolation
// between schools, and bad input that names its field.
#include <gtest/gtest.h>

#include <regex>

#include "app/demo.h"
#include "crypto/totp.h"
#include "norm/rules.h"
#include "test_app.h"

namespace {

using testing_support::Browser;
using testing_support::TestApp;

class NormHttpTest : public ::testing::TestWithParam<db::Dialect> {
 protected:
  void SetUp() override {
    std::string reason;
    t_ = TestApp::Start(GetParam(), &reason);
    ASSERT_TRUE(t_ || reason.rfind("FAIL: ", 0) != 0) << reason;
    if (!t_) GTEST_SKIP() << reason;
  }
  std::unique_ptr<Browser> LoggedIn(const std::string& login) {
    auto b = std::make_unique<Browser>(t_->port());
    bool totp = login.rfind("admin@", 0) == 0 || login.rfind("meldpunt", 0) == 0;
    auto res =
        totp ? b->Login(login, app::kDemoPassword,
                        *crypto::TotpCode(app::kDemoTotpSecret, t_->clock().NowMillis() / 1000))
             : b->Login(login, app::kDemoPassword);
    EXPECT_EQ(res.Header("location"), "/dashboard") << login;
    return b;
  }
  int64_t Count(const std::string& sql, const db::Params& params = {}) {
    int64_t n = -1;
    common::Status s = t_->db().Read([&](db::Connection& c) -> common::Status {
      SP_ASSIGN_OR_RETURN(db::Row r, c.QueryOne(sql, params));
      n = r.Int(0);
      return common::Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return n;
  }
  std::string Year() { return norm::SchoolYearOf(domain::DateFromMillis(t_->clock().NowMillis())); }
  std::string Today() {
    return domain::FormatDate(domain::DateFromMillis(t_->clock().NowMillis()));
  }
  static bool Has(const std::string& body, const std::string& text) {
    return body.find(text) != std::string::npos;
  }
  std::unique_ptr<TestApp> t_;
};

std::string First(const std::string& text, const std::string& pattern) {
  std::smatch m;
  return std::regex_search(text, m, std::regex(pattern)) ? std::string(m[1]) : std::string();
}

TEST_P(NormHttpTest, PublicNormPageInDutchAndEnglishWithVersions) {
  Browser anonymous(t_->port());
  auto nl = anonymous.Get("/s/99DM/norm");
  ASSERT_EQ(nl.status, 200);
  EXPECT_TRUE(Has(nl.body, "Wat is stagediscriminatie?"));
  EXPECT_TRUE(Has(nl.body, "Waar meld je het?"));
  EXPECT_TRUE(Has(nl.body, "href=\"/s/99DM/melden\""));
  EXPECT_EQ(anonymous.Get("/s/00XX/norm").status, 404);
  // The report form links the norm.
  EXPECT_TRUE(Has(anonymous.Get("/s/99DM/melden").body, "href=\"/s/99DM/norm\""));
  anonymous.Get("/lang/en?next=/");
  auto en = anonymous.Get("/s/99DM/norm");
  EXPECT_TRUE(Has(en.body, "What is internship discrimination?"));

  auto management = LoggedIn("management@99dm.demo");
  ASSERT_EQ(management->Get("/beleid/norm").status, 200);
  std::string full =
      "definition_nl=Def&definition_en=Def&norm_nl=Nieuwe+norm&norm_en=New+norm"
      "&report_nl=Meldpunt&report_en=Meldpunt&next_nl=Contact&next_en=Contact";
  auto bad = management->Post("/beleid/norm", "norm_nl=Nieuwe+norm&norm_en=+");
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(Has(bad.body, "href=\"#norm_en\""));
  EXPECT_TRUE(Has(bad.body, "Nieuwe norm"));  // input kept
  auto ok = management->Post("/beleid/norm", full);
  ASSERT_EQ(ok.status, 303) << ok.body;
  auto v2 = anonymous.Get("/s/99DM/norm");
  EXPECT_TRUE(Has(v2.body, "New norm"));
  EXPECT_TRUE(Has(v2.body, "href=\"/s/99DM/norm?versie=1\""));
  auto v1 = anonymous.Get("/s/99DM/norm?versie=1");
  EXPECT_TRUE(Has(v1.body, "This is an older version."));
  // The other school's page is untouched.
  EXPECT_FALSE(Has(anonymous.Get("/s/98DM/norm").body, "New norm"));
  // The norm part is what companies accept: the company page shows the new text.
  EXPECT_TRUE(Has(LoggedIn("company@99dm.demo")->Get("/bedrijf").body, "Nieuwe norm"));

  for (const char* login : {"teacher@99dm.demo", "student@99dm.demo", "company@99dm.demo"}) {
    auto b = LoggedIn(login);
    EXPECT_EQ(b->Get("/beleid/norm").status, 403) << login;
    EXPECT_EQ(b->Post("/beleid/norm", full).status, 403) << login;
  }
}

TEST_P(NormHttpTest, SelfAssessmentForManagementAdminAndLeadsOnly) {
  std::string year = Year();
  auto management = LoggedIn("management@99dm.demo");
  auto page = management->Get("/zelfevaluatie");
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(Has(page.body, "Zelfevaluatie " + year));
  EXPECT_TRUE(Has(page.body, "Stimuleer objectief werven en selecteren bij leerbedrijven"));
  EXPECT_TRUE(Has(page.body, "Scores per schooljaar"));
  std::string path = "/zelfevaluatie/" + year + "/task_5";
  auto bad = management->Post(path, "status=done&evidence=Convenant&date=31-12-2020");
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(Has(bad.body, "href=\"#date-task_5\""));
  EXPECT_TRUE(Has(bad.body, "Convenant"));
  EXPECT_EQ(management->Post(path, "status=klaar&date=" + Today()).status, 400);
  auto saved =
      management->Post(path, "status=done&evidence=Convenant+met+kopgroep&date=" + Today());
  ASSERT_EQ(saved.status, 303) << saved.body;
  EXPECT_TRUE(Has(management->Get("/zelfevaluatie").body, "Convenant met kopgroep"));
  EXPECT_EQ(
      management->Post("/zelfevaluatie/" + year + "/task_9", "status=done&date=" + Today()).status,
      404);
  EXPECT_EQ(management->Get("/zelfevaluatie?jaar=2025").status, 404);

  EXPECT_EQ(LoggedIn("admin@99dm.demo")->Get("/zelfevaluatie").status, 200);
  EXPECT_EQ(LoggedIn("meldpunt@99dm.demo")->Get("/zelfevaluatie").status, 200);  // a lead
  for (const char* login : {"meldpunt2@99dm.demo", "teacher@99dm.demo", "student@99dm.demo",
                            "company@99dm.demo", "coordinator@99dm.demo"}) {
    auto b = LoggedIn(login);
    EXPECT_EQ(b->Get("/zelfevaluatie").status, 403) << login;
    EXPECT_EQ(b->Post(path, "status=not_started&date=" + Today()).status, 403) << login;
  }
  // The other school sees its own assessment, never this one's evidence.
  EXPECT_FALSE(Has(LoggedIn("management@98dm.demo")->Get("/zelfevaluatie").body, "kopgroep"));
  EXPECT_EQ(
      Count("SELECT COUNT(*) FROM assessment_items WHERE evidence = 'Convenant met kopgroep'"), 1);
}

TEST_P(NormHttpTest, TrainingRegisterAndTheReminderOnTheDashboard) {
  auto admin = LoggedIn("admin@99dm.demo");
  auto page = admin->Get("/trainingen");
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(Has(page.body, "Verloopt binnenkort"));
  std::string teacher_id = t_->app().accounts().UserByLogin("teacher@99dm.demo")->id;
  std::string other_id = t_->app().accounts().UserByLogin("teacher@98dm.demo")->id;
  auto other = admin->Post(
      "/trainingen",
      "user=" + other_id + "&training=Training&completed_on=2025-01-01&expires_on=2027-01-01");
  EXPECT_EQ(other.status, 400);
  EXPECT_TRUE(Has(other.body, "href=\"#user\""));
  auto late = admin->Post(
      "/trainingen",
      "user=" + teacher_id + "&training=Training&completed_on=2025-01-01&expires_on=2024-01-01");
  EXPECT_EQ(late.status, 400);
  EXPECT_TRUE(Has(late.body, "href=\"#expires_on\""));
  int64_t before = Count("SELECT COUNT(*) FROM training_records");
  auto ok = admin->Post("/trainingen", "user=" + teacher_id +
                                           "&training=Opfriscursus&completed_on=" + Today() +
                                           "&expires_on=2099-01-01");
  ASSERT_EQ(ok.status, 303) << ok.body;
  EXPECT_EQ(Count("SELECT COUNT(*) FROM training_records"), before + 1);
  EXPECT_EQ(LoggedIn("management@99dm.demo")->Get("/trainingen").status, 200);
  for (const char* login : {"teacher@99dm.demo", "meldpunt@99dm.demo", "student@99dm.demo",
                            "company@99dm.demo", "coordinator@99dm.demo"}) {
    auto b = LoggedIn(login);
    EXPECT_EQ(b->Get("/trainingen").status, 403) << login;
    EXPECT_EQ(b->Post("/trainingen", "user=" + teacher_id).status, 403) << login;
  }
  // The demo teacher's training expires within 30 days: a reminder on their dashboard.
  auto teacher = LoggedIn("teacher@99dm.demo");
  EXPECT_TRUE(Has(teacher->Get("/dashboard").body,
                  "Je training stagediscriminatie verloopt binnen 30 dagen"));
  auto mine = teacher->Get("/mijn-training");
  ASSERT_EQ(mine.status, 200);
  EXPECT_TRUE(Has(mine.body, "Opfriscursus"));
}

TEST_P(NormHttpTest, StudentReadsTheNormAndAnswersThePulseSurveyAnonymously) {
  auto student = LoggedIn("student@99dm.demo");
  auto home = student->Get("/stage");
  ASSERT_EQ(home.status, 200);
  EXPECT_TRUE(Has(home.body, "Lees eerst de norm van je school"));
  std::string placement = First(home.body, "action=\"/stage/norm/([A-Za-z0-9]+)\"");
  ASSERT_FALSE(placement.empty()) << home.body;
  std::string version = First(home.body, "name=\"version\" value=\"([0-9]+)\"");
  auto unticked = student->Post("/stage/norm/" + placement, "version=" + version);
  EXPECT_EQ(unticked.Header("location"), "/stage?norm=agree#norm");
  // A version that is not the current one (or not a number) records nothing.
  EXPECT_EQ(student->Post("/stage/norm/" + placement, "agree=1&version=x7").Header("location"),
            "/stage#norm");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM norm_reads"), 0);
  auto read = student->Post("/stage/norm/" + placement, "agree=1&version=" + version);
  EXPECT_EQ(read.Header("location"), "/stage?ok=norm_read");
  EXPECT_TRUE(Has(student->Get("/stage").body, "Je hebt deze versie gelezen op"));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM norm_reads WHERE placement_id = $1", {placement}), 1);

  std::string ended = First(home.body, "href=\"/stage/peiling/([A-Za-z0-9]+)\"");
  ASSERT_FALSE(ended.empty()) << home.body;
  std::string path = "/stage/peiling/" + ended;
  ASSERT_EQ(student->Get(path).status, 200);
  auto missing = student->Post(path, "experienced=yes");
  EXPECT_EQ(missing.status, 400);
  EXPECT_TRUE(Has(missing.body, "href=\"#reported\""));
  EXPECT_EQ(student->Post(path, "experienced=yes&reported=no&reasons=mijn+naam").status, 400);
  // Another school's student and staff cannot reach it.
  EXPECT_EQ(LoggedIn("student@98dm.demo")->Get(path).status, 404);
  EXPECT_EQ(LoggedIn("teacher@99dm.demo")->Get(path).status, 403);

  int64_t before = Count("SELECT COUNT(*) FROM pulse_answers");
  auto sent = student->Post(path, "experienced=yes&reported=no&reasons=no_trust&reasons=no_proof");
  EXPECT_EQ(sent.Header("location"), "/stage?ok=pulse_thanks");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM pulse_answers"), before + 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM pulse_answers WHERE reasons = 'no_trust,no_proof'"), 1);
  // Once per placement; the answer row holds nothing that names the student.
  EXPECT_EQ(student->Get(path).status, 404);
  EXPECT_EQ(student->Post(path, "experienced=no").Header("location"), "/stage?ok=pulse_done");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM pulse_answers"), before + 1);
  std::string user_id = t_->app().accounts().UserByLogin("student@99dm.demo")->id;
  EXPECT_EQ(Count("SELECT COUNT(*) FROM pulse_answers WHERE id = $1 OR reasons LIKE $2 OR month "
                  "LIKE $3",
                  {user_id, "%" + ended + "%", "%" + ended + "%"}),
            0);
}

INSTANTIATE_TEST_SUITE_P(Backends, NormHttpTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgres),
                         [](const ::testing::TestParamInfo<db::Dialect>& p) {
                           return std::string(p.param == db::Dialect::kSqlite ? "sqlite"
                                                                              : "postgres");
                         });

}  // namespace
