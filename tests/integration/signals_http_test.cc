// The signal register and pauses over real HTTP, on SQLite and PostgreSQL
// (finding H2, P19): a coordinator's pages show no count, however reports
// arrive elsewhere; the register is for meldpunt leads; a pause is proposed,
// the company responds on its page, and only a confirmed pause shows as one.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "app/demo.h"
#include "app/demo_placement.h"
#include "crypto/totp.h"
#include "test_app.h"

namespace {

using testing_support::Browser;
using testing_support::TestApp;

bool Has(const std::string& body, const std::string& s) {
  return body.find(s) != std::string::npos;
}

// A page without its CSRF token, to compare pages byte for byte.
std::string Masked(const std::string& body) {
  return std::regex_replace(body, std::regex("name=\"csrf\" value=\"[^\"]*\""), "csrf");
}

class SignalsHttpTest : public ::testing::TestWithParam<db::Dialect> {
 protected:
  void SetUp() override {
    std::string reason;
    t_ = TestApp::Start(GetParam(), &reason);
    ASSERT_TRUE(t_ || reason.rfind("FAIL: ", 0) != 0) << reason;
    if (!t_) GTEST_SKIP() << reason;
    auto seeded = app::SeedPlacementDemo(t_->app());
    ASSERT_TRUE(seeded.ok()) << seeded.ToString();
  }
  void Login(Browser& b, const std::string& login, bool totp = false) {
    auto res =
        totp ? b.Login(login, app::kDemoPassword,
                       *crypto::TotpCode(app::kDemoTotpSecret, t_->clock().NowMillis() / 1000))
             : b.Login(login, app::kDemoPassword);
    ASSERT_EQ(res.Header("location"), "/dashboard") << login << " " << res.status;
  }
  std::string Query(const std::string& sql, const db::Params& params = {}) {
    std::string out;
    common::Status s = t_->db().Read([&](db::Connection& c) -> common::Status {
      SP_ASSIGN_OR_RETURN(db::Row r, c.QueryOne(sql, params));
      out = r.Text(0);
      return common::Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
  }
  std::string CompanyId(const std::string& leerbedrijf_id) {
    return Query("SELECT id FROM companies WHERE leerbedrijf_id = $1", {leerbedrijf_id});
  }
  // An anonymous report at `brin` about a company, taken past intake when asked.
  void Report(const std::string& brin, const std::string& leerbedrijf_id, bool intake) {
    nlohmann::json body = {{"mode", "anonymous"},
                           {"phase", "internship"},
                           {"grounds", {"origin"}},
                           {"narrative", "Ik werd anders behandeld dan de anderen."},
                           {"wishes", {"talk"}},
                           {"consent", {{"contact_company", true}}},
                           {"company", {{"leerbedrijf_id", leerbedrijf_id}}}};
    web::TestClient c("127.0.0.1", t_->port());
    auto res = c.PostJson("/api/v1/schools/" + brin + "/reports", body.dump(), {});
    ASSERT_EQ(res.status, 201) << res.body;
    if (!intake) return;
    std::string number = nlohmann::json::parse(res.body)["case_number"];
    common::Status s = t_->db().Write([&](db::Connection& conn) {
      return conn.Execute("UPDATE cases SET status = 'intake' WHERE case_number = $1", {number})
          .status();
    });
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  std::unique_ptr<TestApp> t_;
};

TEST_P(SignalsHttpTest, CoordinatorPagesShowNoCountWhateverHappensAtAnotherSchool) {
  Browser coordinator(t_->port());
  Login(coordinator, "coordinator@99dm.demo");
  EXPECT_EQ(coordinator.Get("/meldpunt/signalen").status, 403);
  std::string round = Query(
      "SELECT r.id FROM rounds r JOIN schools s ON s.id = r.school_id WHERE s.brin = '99DM' "
      "ORDER BY r.id");
  const std::vector<std::string> pages = {
      "/dashboard", "/stagematching", "/stagematching/bedrijven", "/stagematching/rondes/" + round};
  std::vector<std::string> before;
  for (const std::string& p : pages) {
    auto res = coordinator.Get(p);
    ASSERT_EQ(res.status, 200) << p;
    EXPECT_FALSE(Has(res.body, "/meldpunt/signalen")) << p;
    before.push_back(Masked(res.body));
  }
  // Reports about a company in both registers arrive at 98DM and pass
  // intake, and the daily run gives the company a cross-school signal.
  for (int i = 0; i < 6; ++i) Report("98DM", "100001", true);
  auto run = t_->app().meldpunt().RunSignalSnapshot(5);
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->companies, 1);
  for (size_t i = 0; i < pages.size(); ++i) {
    auto res = coordinator.Get(pages[i]);
    ASSERT_EQ(res.status, 200) << pages[i];
    EXPECT_EQ(Masked(res.body), before[i]) << pages[i] << ": the page changed";
  }
  // The 99DM lead sees the band, with the day it was computed.
  Browser lead(t_->port());
  Login(lead, "meldpunt@99dm.demo", true);
  auto reg = lead.Get("/meldpunt/signalen");
  ASSERT_EQ(reg.status, 200);
  EXPECT_TRUE(Has(reg.body,
                  "Signaal: 5–9 meldingen in de afgelopen 12 maanden bij scholen op "
                  "dit platform (bijgewerkt op"))
      << reg.body;
  // Another report does not move it until the next daily run.
  Report("98DM", "100001", true);
  EXPECT_EQ(Masked(lead.Get("/meldpunt/signalen").body), Masked(reg.body));
  // A handler who is no lead holds the permission but not the register.
  Browser handler(t_->port());
  Login(handler, "meldpunt2@99dm.demo", true);
  EXPECT_EQ(handler.Get("/meldpunt/signalen").status, 403);
}

TEST_P(SignalsHttpTest, PauseIsProposedHeardAndOnlyThenConfirmed) {
  const std::string company = CompanyId("100003");  // the demo contact's company
  const std::string base = "/meldpunt/signalen/" + company;
  Browser lead(t_->port());
  Login(lead, "meldpunt@99dm.demo", true);
  ASSERT_EQ(lead.Get("/meldpunt/signalen").status, 200);

  // Urgent without a reason: refused, the field named, the typed note kept.
  auto bad = lead.Post(base + "/pauze",
                       "reason=awaiting_talks&until=2099-12-31&note=Gesprek+gepland&urgent=yes");
  ASSERT_EQ(bad.status, 400);
  EXPECT_TRUE(Has(bad.body, "href=\"#urgent_reason-" + company + "\"")) << bad.body;
  EXPECT_TRUE(Has(bad.body, "Waarom de pauze niet kan wachten:"));
  EXPECT_TRUE(Has(bad.body, ">Gesprek gepland</textarea>"));
  EXPECT_TRUE(Has(bad.body, "value=\"awaiting_talks\" selected"));
  auto bad_reason = lead.Post(base + "/pauze", "reason=Twee+meldingen&until=2099-12-31");
  EXPECT_EQ(bad_reason.status, 400);
  EXPECT_TRUE(Has(bad_reason.body, "href=\"#reason-" + company + "\""));

  auto ok =
      lead.Post(base + "/pauze", "reason=awaiting_talks&until=2099-12-31&note=Gesprek+gepland");
  ASSERT_EQ(ok.status, 303) << ok.body;

  // Proposed: the coordinator sees no pause yet.
  Browser coordinator(t_->port());
  Login(coordinator, "coordinator@99dm.demo");
  EXPECT_FALSE(Has(coordinator.Get("/stagematching/bedrijven").body, "Gepauzeerd tot en met"));

  // The company sees the neutral reason and the deadline, and responds.
  Browser contact(t_->port());
  Login(contact, "company@99dm.demo");
  auto home = contact.Get("/bedrijf");
  ASSERT_EQ(home.status, 200);
  EXPECT_TRUE(Has(home.body, "Gepauzeerd door het meldpunt in afwachting van gesprekken"));
  EXPECT_TRUE(Has(home.body, "Reageer uiterlijk op"));
  EXPECT_FALSE(Has(home.body, "Gesprek gepland"));  // the internal note stays inside
  auto empty = contact.Post("/bedrijf/pauze/reactie", "response=+");
  EXPECT_EQ(empty.status, 400);
  EXPECT_TRUE(Has(empty.body, "href=\"#pause_response\""));
  auto sent = contact.Post("/bedrijf/pauze/reactie", "response=Wij+komen+graag+praten.");
  ASSERT_EQ(sent.status, 303);
  EXPECT_EQ(sent.Header("location"), "/bedrijf?ok=pause");

  auto reg = lead.Get("/meldpunt/signalen");
  EXPECT_TRUE(Has(reg.body, "Wij komen graag praten."));
  EXPECT_TRUE(Has(reg.body, "action=\"" + base + "/bevestigen\""));

  // The other school's lead works with the same company and sees none of it.
  Browser other(t_->port());
  Login(other, "meldpunt@98dm.demo", true);
  auto theirs = other.Get("/meldpunt/signalen");
  ASSERT_EQ(theirs.status, 200);
  EXPECT_FALSE(Has(theirs.body, "Wij komen graag praten."));
  EXPECT_FALSE(Has(theirs.body, "Gesprek gepland"));
  EXPECT_GE(other.Post(base + "/bevestigen", "").status, 400);  // no pause of theirs

  ASSERT_EQ(lead.Post(base + "/bevestigen", "").status, 303);
  auto companies = coordinator.Get("/stagematching/bedrijven");
  EXPECT_TRUE(Has(companies.body,
                  "Gepauzeerd tot en met 2099-12-31: Gepauzeerd door het "
                  "meldpunt in afwachting van gesprekken"))
      << companies.body;
  EXPECT_FALSE(Has(companies.body, "Gesprek gepland"));
  EXPECT_FALSE(Has(companies.body, "Wij komen graag praten."));
  ASSERT_EQ(lead.Post(base + "/opheffen", "").status, 303);
  EXPECT_FALSE(Has(coordinator.Get("/stagematching/bedrijven").body, "Gepauzeerd tot en met"));
}

INSTANTIATE_TEST_SUITE_P(Backends, SignalsHttpTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgres),
                         [](const ::testing::TestParamInfo<db::Dialect>& p) {
                           return std::string(p.param == db::Dialect::kSqlite ? "sqlite"
                                                                              : "postgres");
                         });

}  // namespace
