// Stagematching as students and companies see it, over real HTTP on SQLite
// and PostgreSQL with the demo data: the leerwens form (without JavaScript),
// the company's norm, places and placements, least privilege between the
// roles, and a melding started from a refused placement.
#include <gtest/gtest.h>

#include <regex>

#include "app/demo.h"
#include "test_app.h"

namespace {

using testing_support::Browser;
using testing_support::TestApp;

class StageHttpTest : public ::testing::TestWithParam<db::Dialect> {
 protected:
  void SetUp() override {
    std::string reason;
    t_ = TestApp::Start(GetParam(), &reason);
    ASSERT_TRUE(t_ || reason.rfind("FAIL: ", 0) != 0) << reason;
    if (!t_) GTEST_SKIP() << reason;
  }
  std::unique_ptr<Browser> LoggedIn(const std::string& login) {
    auto b = std::make_unique<Browser>(t_->port());
    auto res = b->Login(login, app::kDemoPassword);
    EXPECT_EQ(res.Header("location"), "/dashboard") << login;
    return b;
  }
  auth::User User(const std::string& login) { return *t_->app().accounts().UserByLogin(login); }
  std::unique_ptr<TestApp> t_;
};

// All matches of `pattern`'s first group in `text`.
std::vector<std::string> All(const std::string& text, const std::string& pattern) {
  std::vector<std::string> out;
  std::regex re(pattern);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator();
       ++it)
    out.push_back((*it)[1]);
  return out;
}

TEST_P(StageHttpTest, StudentEntersALeerwensWithoutJavaScript) {
  auto student = LoggedIn("student@99dm.demo");
  auto home = student->Get("/stage");
  ASSERT_EQ(home.status, 200);
  EXPECT_NE(home.body.find("Demo-ronde B"), std::string::npos);
  std::vector<std::string> rounds = All(home.body, "href=\"/stage/rondes/([A-Za-z0-9]+)\"");
  ASSERT_EQ(rounds.size(), 1u) << home.body;
  std::string path = "/stage/rondes/" + rounds[0];

  auto form = student->Get(path);
  ASSERT_EQ(form.status, 200);
  std::vector<std::string> places = All(form.body, "name=\"place\" value=\"([A-Za-z0-9]+)\"");
  ASSERT_GE(places.size(), 2u) << form.body;
  std::string base = "what_to_learn=Klanten+helpen&company_type=Winkel&work_type=Kassa"
                     "&transport=public_transport&max_travel_minutes=90";
  for (const std::string& p : places) base += "&place=" + p;

  // The same number twice is refused on that field, and the form keeps the input.
  auto twice = student->Post(path, base + "&rank_" + places[0] + "=1&rank_" + places[1] + "=1");
  EXPECT_EQ(twice.status, 400);
  EXPECT_NE(twice.body.find("Je hebt dit nummer al aan een andere plek gegeven"),
            std::string::npos);
  EXPECT_NE(twice.body.find("Klanten helpen"), std::string::npos);
  auto too_far = student->Post(path, "max_travel_minutes=500&what_to_learn=x");
  EXPECT_EQ(too_far.status, 400);
  EXPECT_NE(too_far.body.find("href=\"#max_travel_minutes\""), std::string::npos);

  // Ranks 2 and 1: saved in rank order.
  auto saved = student->Post(path, base + "&rank_" + places[0] + "=2&rank_" + places[1] + "=1");
  ASSERT_EQ(saved.status, 303) << saved.body;
  EXPECT_EQ(saved.Header("location"), "/stage?ok=saved");
  auto view = t_->app().stagematching().StudentView(User("student@99dm.demo"));
  ASSERT_TRUE(view.ok());
  const placement::StudentRoundView* open = nullptr;
  for (const auto& r : view->rounds) {
    if (r.round.id == rounds[0]) open = &r;
  }
  ASSERT_NE(open, nullptr);
  EXPECT_EQ(open->leerwens.choices, (std::vector<std::string>{places[1], places[0]}));
  EXPECT_EQ(open->leerwens.what_to_learn, "Klanten helpen");
  EXPECT_NE(student->Get("/stage").body.find("Aantal keuzes opgeslagen: 2"), std::string::npos);

  // Another student's round id, or a made-up one, looks the same: 404.
  EXPECT_EQ(student->Get("/stage/rondes/onbekend").status, 404);
}

TEST_P(StageHttpTest, CompanyConfirmsPlacesAndSeesNoStudentBeforePublication) {
  auto company = LoggedIn("company@99dm.demo");
  auto home = company->Get("/bedrijf");
  ASSERT_EQ(home.status, 200);
  EXPECT_NE(home.body.find("U heeft de norm geaccepteerd"), std::string::npos);
  std::vector<std::string> places = All(home.body, "action=\"/bedrijf/plaatsen/([A-Za-z0-9]+)\"");
  ASSERT_FALSE(places.empty());
  auto bad = company->Post("/bedrijf/plaatsen/" + places[0], "capacity=-1");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("href=\"#capacity_" + places[0] + "\""), std::string::npos);
  auto ok = company->Post("/bedrijf/plaatsen/" + places[0], "capacity=7&description=Kassa");
  ASSERT_EQ(ok.status, 303);
  EXPECT_NE(company->Get("/bedrijf?ok=place").body.find("De leerplaats is bevestigd."),
            std::string::npos);
  EXPECT_EQ(company->Post("/bedrijf/plaatsen/onbekend", "capacity=1").status, 404);

  // No name of a student in the open round reaches the company.
  auto students = t_->app().stagematching().Students(User("coordinator@99dm.demo"), {});
  ASSERT_TRUE(students.ok());
  auto view = t_->app().stagematching().CompanyView(User("company@99dm.demo"));
  ASSERT_TRUE(view.ok());
  std::set<std::string> visible;
  for (const auto& p : view->placements) visible.insert(p.student_name);
  std::string page = company->Get("/bedrijf").body;
  for (const placement::Student& s : *students) {
    if (!visible.count(s.name)) {
      EXPECT_EQ(page.find(s.name), std::string::npos) << s.name;
    }
  }
}

TEST_P(StageHttpTest, CompanyRefusalIsFlaggedOnTheCoordinatorsDashboard) {
  auto company = LoggedIn("company@99dm.demo");
  std::vector<std::string> placements =
      All(company->Get("/bedrijf").body, "action=\"/bedrijf/plaatsingen/([A-Za-z0-9]+)/einde\"");
  ASSERT_FALSE(placements.empty());
  std::string path = "/bedrijf/plaatsingen/" + placements[0] + "/einde";
  auto no_reason = company->Post(path, "kind=refusal&reason=");
  EXPECT_EQ(no_reason.status, 400);
  EXPECT_NE(no_reason.body.find("href=\"#reason_" + placements[0] + "\""), std::string::npos);
  ASSERT_EQ(company->Post(path, "kind=refusal&reason=Past+niet+in+ons+team.").status, 303);
  EXPECT_EQ(company->Post(path, "kind=refusal&reason=Nogmaals.").status, 400);  // already ended

  auto coordinator = LoggedIn("coordinator@99dm.demo");
  std::string dash = coordinator->Get("/dashboard").body;
  auto view = t_->app().stagematching().CompanyView(User("company@99dm.demo"));
  ASSERT_TRUE(view.ok());
  EXPECT_NE(dash.find("Plaatsing geweigerd door: " + view->company.name), std::string::npos)
      << dash;
}

TEST_P(StageHttpTest, EachRoleOnlyReachesItsOwnPages) {
  struct Want {
    const char* login;
    int stage;
    int company;
  };
  for (const Want& w : {Want{"student@99dm.demo", 200, 403}, Want{"company@99dm.demo", 403, 200},
                        Want{"teacher@99dm.demo", 403, 403},
                        Want{"coordinator@99dm.demo", 403, 403}}) {
    auto b = LoggedIn(w.login);
    EXPECT_EQ(b->Get("/stage").status, w.stage) << w.login;
    EXPECT_EQ(b->Get("/bedrijf").status, w.company) << w.login;
  }
  Browser anonymous(t_->port());
  EXPECT_EQ(anonymous.Get("/stage").status, 303);
  EXPECT_EQ(anonymous.Get("/bedrijf").status, 303);
}

TEST_P(StageHttpTest, CoordinatorStartsAMeldingFromARefusalWithTheStudentsConsent) {
  auth::User coordinator = User("coordinator@99dm.demo");
  std::string placement_id;
  ASSERT_TRUE(t_->db()
                  .Read([&](db::Connection& c) -> common::Status {
                    SP_ASSIGN_OR_RETURN(
                        db::Rows rows,
                        c.Query("SELECT p.id FROM placements p JOIN rounds r ON r.id = "
                                "p.round_id WHERE p.school_id = $1 AND r.status = 'published' "
                                "AND p.leerplaats_id IS NOT NULL AND p.ended_kind IS NULL "
                                "ORDER BY p.id LIMIT 1",
                                {coordinator.school_id}));
                    if (rows.empty()) return common::Status::NotFound("no placement");
                    placement_id = rows.rows[0].Text(0);
                    return common::Status::Ok();
                  })
                  .ok());
  auto flag = t_->app().stagematching().RecordEnd(coordinator, placement_id,
                                                  placement::EndKind::kRefusal,
                                                  "Wil geen student met een hoofddoek.");
  ASSERT_TRUE(flag.ok()) << flag.status().ToString();

  auto b = LoggedIn("coordinator@99dm.demo");
  auto form = b->Get("/s/99DM/melden?vlag=" + flag->id);
  ASSERT_EQ(form.status, 200);
  EXPECT_NE(form.body.find("Wil geen student met een hoofddoek."), std::string::npos);
  EXPECT_NE(form.body.find("value=\"" + flag->leerbedrijf_id + "\""), std::string::npos);
  EXPECT_EQ(b->Get("/s/99DM/melden?vlag=onbekend").status, 404);
  auto teacher = LoggedIn("teacher@99dm.demo");
  EXPECT_EQ(teacher->Get("/s/99DM/melden?vlag=" + flag->id).status, 404);

  std::string body = "flag=" + flag->id +
                     "&mode=confidential&channel=coordinator&phase=search&grounds=religion"
                     "&narrative=Geweigerd+vanwege+hoofddoek.&wishes=action_company"
                     "&company_leerbedrijf_id=" + flag->leerbedrijf_id +
                     "&reporter_name=" + web::UrlEncode(flag->student_name);
  auto refused = b->Post("/s/99DM/melden", body);
  EXPECT_EQ(refused.status, 400);
  EXPECT_NE(refused.body.find("href=\"#student_agrees\""), std::string::npos);
  auto sent = b->Post("/s/99DM/melden", body + "&student_agrees=1");
  ASSERT_EQ(sent.status, 201) << sent.body;
  auto flags = t_->app().stagematching().Flags(coordinator, true);
  ASSERT_TRUE(flags.ok());
  bool linked = false;
  for (const auto& f : *flags) linked = linked || (f.id == flag->id && !f.case_id.empty());
  EXPECT_TRUE(linked);
}

INSTANTIATE_TEST_SUITE_P(Backends, StageHttpTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgres),
                         [](const ::testing::TestParamInfo<db::Dialect>& p) {
                           return std::string(p.param == db::Dialect::kSqlite ? "sqlite"
                                                                             : "postgres");
                         });

}  // namespace
