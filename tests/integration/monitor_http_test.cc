// The monitor over real HTTP on SQLite and PostgreSQL: the school dashboard
// with suppressed numbers, drill-downs (refused below 5), bad periods and
// dimensions (an error naming the field, no numbers), the yearly report with
// its CSV and XLSX, the deployment-wide report, the statistics API in the
// api.md format, who may see what, and isolation between schools; the
// publication rules: closed lists for the programme, rare values as "other",
// no running month, sums of hidden cells of at least 5, one permission and
// one period rule for the pages and the API, no "not a report" cases.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "app/demo.h"
#include "crypto/random.h"
#include "crypto/totp.h"
#include "domain/calendar.h"
#include "monitor/service.h"
#include "test_app.h"

namespace {

using nlohmann::json;
using testing_support::Browser;
using testing_support::TestApp;

struct Spec {
  int n;
  const char* phase;
  const char* grounds;
  const char* pathway;
  const char* status;
};

// 30 reports of 99DM in school year 2025-2026: 21 search, 9 internship;
// grounds origin 18 (6 of them with religion as well), religion 6 in all,
// gender 3, age 9; BBL 3.
constexpr Spec kCases[] = {
    {12, "search", "origin", "BOL", "closed"},
    {6, "search", "origin,religion", "BOL", "in_progress"},
    {3, "search", "gender", "BBL", "received"},
    {9, "internship", "age", "BOL", "closed"},
};

class MonitorHttpTest : public ::testing::TestWithParam<db::Dialect> {
 protected:
  void SetUp() override {
    std::string reason;
    t_ = TestApp::Start(GetParam(), &reason);
    ASSERT_TRUE(t_ || reason.rfind("FAIL: ", 0) != 0) << reason;
    if (!t_) GTEST_SKIP() << reason;
    auto school = t_->app().accounts().SchoolByBrin("99DM");
    ASSERT_TRUE(school.ok());
    int seq = 0;
    common::Status s = t_->db().Write([&](db::Connection& c) -> common::Status {
      for (const Spec& spec : kCases) {
        for (int i = 0; i < spec.n; ++i, ++seq) {
          domain::Date day = domain::AddDays(domain::MakeDate(2025, 9, 1), seq * 3);
          int64_t at = domain::StartOfDayMillis(day) + 3600000;
          bool closed = std::string(spec.status) == "closed";
          SP_RETURN_IF_ERROR(
              c.Execute("INSERT INTO cases(id, school_id, case_number, mode, channel, phase, "
                        "grounds, wishes, consents, status, received_at, first_contact_at, "
                        "first_contact_due, feedback_due, closed_at, outcome, content_sha256, "
                        "crebo, pathway, level, location) VALUES ($1, $2, $3, 'anonymous', "
                        "'self', $4, $5, '', '', $6, $7, $8, $9, $10, $11, $12, 'x', '25655', "
                        "$13, 2, 'Utrecht')",
                        {crypto::RandomId(), school->id, "M-T-" + std::to_string(seq), spec.phase,
                         spec.grounds, spec.status, at, at + 86400000 * (1 + seq % 3),
                         domain::FormatDate(domain::AddDays(day, 3)),
                         domain::FormatDate(domain::AddDays(day, 90)),
                         closed ? db::Param(at + 86400000 * 20) : db::Param(std::nullopt),
                         closed ? db::Param("resolved_with_company") : db::Param(std::nullopt),
                         spec.pathway})
                  .status());
        }
      }
      return common::Status::Ok();
    });
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  // Inserts `n` reports of 99DM received on `day` (+1 h) with these values.
  void AddCases(int n, domain::Date day, const db::Param& pathway, const db::Param& location,
                const char* status = "received", const db::Param& outcome = std::nullopt) {
    auto school = t_->app().accounts().SchoolByBrin("99DM");
    ASSERT_TRUE(school.ok());
    common::Status s = t_->db().Write([&](db::Connection& c) -> common::Status {
      for (int i = 0; i < n; ++i) {
        int64_t at = domain::StartOfDayMillis(day) + 3600000;
        SP_RETURN_IF_ERROR(
            c.Execute(
                 "INSERT INTO cases(id, school_id, case_number, mode, channel, phase, "
                 "grounds, wishes, consents, status, received_at, first_contact_due, "
                 "feedback_due, content_sha256, pathway, location, outcome) VALUES ($1, $2, "
                 "$3, 'confidential', 'self', 'search', 'origin', '', '', $4, $5, $6, $6, "
                 "'x', $7, $8, $9)",
                 {crypto::RandomId(), school->id, "M-X-" + crypto::RandomId().substr(0, 8), status,
                  at, domain::FormatDate(domain::AddDays(day, 3)), pathway, location, outcome})
                .status());
      }
      return common::Status::Ok();
    });
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  domain::Date Today() { return domain::DateFromMillis(t_->clock().NowMillis()); }

  void Login(Browser& b, const std::string& login, bool totp = false) {
    auto res =
        totp ? b.Login(login, app::kDemoPassword,
                       *crypto::TotpCode(app::kDemoTotpSecret, t_->clock().NowMillis() / 1000))
             : b.Login(login, app::kDemoPassword);
    ASSERT_EQ(res.Header("location"), "/dashboard") << login << " " << res.status;
  }

  std::unique_ptr<TestApp> t_;
};

bool Has(const std::string& body, const std::string& s) {
  return body.find(s) != std::string::npos;
}

TEST_P(MonitorHttpTest, DashboardShowsSuppressedFiguresForAFixedPeriod) {
  Browser b(t_->port());
  Login(b, "management@99dm.demo");
  auto dash = b.Get("/dashboard");
  EXPECT_TRUE(Has(dash.body, "href=\"/monitor\"")) << "the staff dashboard links the monitor";
  auto res = b.Get("/monitor?periode=2025-2026");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_TRUE(Has(res.body, "<dd id=\"mon-reports\">30</dd>"));
  EXPECT_TRUE(Has(res.body, "Meldingen per grond"));
  EXPECT_TRUE(Has(res.body, "&lt;5")) << "gender (3) is shown as <5";
  EXPECT_FALSE(Has(res.body, ">3</td>")) << "no count below 5 anywhere";
  EXPECT_TRUE(Has(res.body, "<svg")) << "charts beside the tables";
  EXPECT_TRUE(Has(res.body, "aria-hidden=\"true\""));
  EXPECT_TRUE(Has(res.body, "id=\"sec-pulse\"")) << "under-reporting beside the reports";
  // A month of the same school year: every cell below 5 or hidden.
  auto month = b.Get("/monitor?periode=2025-09");
  ASSERT_EQ(month.status, 200);
  EXPECT_TRUE(Has(month.body, "<dd id=\"mon-reports\">10</dd>")) << month.body.substr(0, 200);
}

TEST_P(MonitorHttpTest, BadInputNamesTheFieldAndShowsNoNumbers) {
  Browser b(t_->port());
  Login(b, "management@99dm.demo");
  struct Bad {
    std::string query;
    int status;
    std::string field;
  } cases[] = {
      {"periode=2025-2027", 400, "periode"},
      {"periode=2025-03-01", 400, "periode"},
      {"periode=2026", 400, "periode"},  // calendar years only on the API
      {"periode=2025-2026&by=ethnicity", 400, "by"},
      {"periode=2025-2026&by=phase&filter=colour:blue", 400, "filter"},
      {"periode=2025-2026&by=phase&filter=ground:gender", 409, "filter"},
      {"periode=2025-2026&by=ground&filter=ground:origin", 400, "by"},
  };
  for (const Bad& c : cases) {
    auto res = b.Get("/monitor?" + c.query);
    EXPECT_EQ(res.status, c.status) << c.query;
    EXPECT_TRUE(Has(res.body, "href=\"#" + c.field + "\"")) << c.query << " names the field";
    EXPECT_FALSE(Has(res.body, "mon-reports")) << c.query << ": no partial numbers";
    EXPECT_FALSE(Has(res.body, "<table")) << c.query;
  }
  auto small = b.Get("/monitor?periode=2025-2026&by=phase&filter=ground:gender");
  EXPECT_TRUE(Has(small.body, "minder dan 5 studenten"));
  auto ok = b.Get("/monitor?periode=2025-2026&by=phase&filter=ground:religion");
  ASSERT_EQ(ok.status, 200);
  EXPECT_TRUE(Has(ok.body, "id=\"table-drill\""));
}

TEST_P(MonitorHttpTest, YearlyReportAndExports) {
  Browser b(t_->port());
  Login(b, "management@99dm.demo");
  auto page = b.Get("/monitor/rapport?jaar=2025-2026");
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(Has(page.body, "Jaarrapportage stagediscriminatie 2025-2026"));
  EXPECT_TRUE(Has(page.body, "2024-2025"));
  EXPECT_TRUE(Has(page.body, ">30</td>"));
  EXPECT_TRUE(Has(page.body, "Zelfevaluatie"));
  EXPECT_TRUE(Has(page.body, "id=\"training\""));
  auto csv = b.Get("/monitor/rapport.csv?jaar=2025-2026");
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.Header("content-type"), "text/csv; charset=utf-8");
  EXPECT_TRUE(Has(csv.body, "Meldingen,30,–,")) << csv.body;
  EXPECT_TRUE(Has(csv.body, "Score zelfevaluatie,")) << csv.body;
  auto xlsx = b.Get("/monitor/rapport.xlsx?jaar=2025-2026");
  ASSERT_EQ(xlsx.status, 200);
  EXPECT_EQ(xlsx.body.substr(0, 2), "PK");
  EXPECT_TRUE(Has(xlsx.Header("content-disposition"), "attachment"));
  auto bad = b.Get("/monitor/rapport?jaar=2025-Q1");
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(Has(bad.body, "href=\"#jaar\""));
  EXPECT_FALSE(Has(bad.body, "id=\"indicators\""));
  // The deployment-wide report is the system admin's only.
  EXPECT_EQ(b.Get("/admin/monitor?jaar=2025-2026").status, 403);
  Browser admin(t_->port());
  Login(admin, "sysadmin@demo", true);
  auto group = admin.Get("/admin/monitor?jaar=2025-2026");
  ASSERT_EQ(group.status, 200) << group.body.substr(0, 300);
  // 99DM's published 30; 98DM's count is hidden, so the sum is a lower bound.
  EXPECT_TRUE(Has(group.body, ">minstens 30</td>"));
  EXPECT_EQ(admin.Get("/admin/monitor.xlsx?jaar=2025-2026").body.substr(0, 2), "PK");
  EXPECT_EQ(admin.Get("/monitor").status, 403);
}

// The deployment-wide report's fast way (GROUP BY margins) publishes what
// the schools' own reports publish, summed.
TEST_P(MonitorHttpTest, GroupReportAgreesWithTheSchoolsOwnReports) {
  auto schools = t_->app().accounts().ListSchools();
  ASSERT_TRUE(schools.ok());
  std::vector<std::string> ids;
  for (const auto& s : *schools) ids.push_back(s.id);
  monitor::Monitor m(t_->db(), t_->clock());
  for (const std::string& key : {std::string("2025-2026"), monitor::DefaultPeriod(Today()).key}) {
    auto year = monitor::ParsePeriod(key);
    auto fast = m.GroupYearReport(ids, *year);
    auto slow = m.GroupYearReportSlow(ids, *year);
    ASSERT_TRUE(fast.ok() && slow.ok());
    ASSERT_EQ(fast->current.size(), slow->current.size());
    for (size_t i = 0; i < fast->current.size(); ++i) {
      EXPECT_EQ(fast->current[i].id, slow->current[i].id);
      EXPECT_EQ(fast->current[i].sum, slow->current[i].sum) << key << " " << fast->current[i].id;
      EXPECT_EQ(fast->current[i].schools_hidden, slow->current[i].schools_hidden)
          << key << " " << fast->current[i].id;
    }
  }
}

TEST_P(MonitorHttpTest, RolesAndIsolation) {
  Browser lead(t_->port());
  Login(lead, "meldpunt@99dm.demo", true);
  EXPECT_EQ(lead.Get("/monitor?periode=2025-2026").status, 200);
  Browser handler(t_->port());
  Login(handler, "meldpunt2@99dm.demo", true);
  EXPECT_EQ(handler.Get("/monitor").status, 403) << "the dashboard is for leads";
  for (const char* who : {"teacher@99dm.demo", "student@99dm.demo", "coordinator@99dm.demo"}) {
    Browser b(t_->port());
    Login(b, who);
    EXPECT_EQ(b.Get("/monitor").status, 403) << who;
    EXPECT_EQ(b.Get("/monitor/rapport.csv").status, 403) << who;
  }
  Browser other(t_->port());
  Login(other, "management@98dm.demo");
  auto res = other.Get("/monitor?periode=2025-2026");
  ASSERT_EQ(res.status, 200);
  EXPECT_TRUE(Has(res.body, "<dd id=\"mon-reports\">&lt;5</dd>"))
      << "98DM sees its own, empty year";
  EXPECT_EQ(other.Get("/api/v1/schools/99DM/stats/reports?by=phase").status, 404);
}

TEST_P(MonitorHttpTest, StatisticsApiFollowsTheSpec) {
  Browser b(t_->port());
  Login(b, "management@99dm.demo");
  auto res = b.Get("/api/v1/schools/99DM/stats/reports?from=2025-08-01&to=2026-07-31&by=ground");
  ASSERT_EQ(res.status, 200) << res.body;
  json j = json::parse(res.body);
  EXPECT_EQ(j["total"], 30);
  EXPECT_EQ(j["total_suppressed"], false);
  bool saw_suppressed = false;
  for (const json& c : j["cells"]) {
    if (c["key"] == "origin") {
      EXPECT_EQ(c["count"], 18);
    }
    if (c["key"] == "gender") {
      EXPECT_TRUE(c["count"].is_null());
      EXPECT_EQ(c["suppressed"], true);
    }
    if (c.contains("suppressed")) saw_suppressed = true;
    if (!c["count"].is_null()) {
      EXPECT_GE(c["count"].get<int>(), 5);
    }
  }
  EXPECT_TRUE(saw_suppressed);
  struct Bad {
    std::string query;
    std::string field;
  } bad[] = {{"from=2025-08-02&to=2026-07-31&by=phase", "from"},
             {"from=2025-08-01&to=2026-07-30&by=phase", "to"},
             {"from=2025-13-01&to=2026-07-31", "from"},
             {"from=2025-08-01&to=2026-07-31&by=colour", "by"}};
  for (const Bad& c : bad) {
    auto r = b.Get("/api/v1/schools/99DM/stats/reports?" + c.query);
    EXPECT_EQ(r.status, 400) << c.query;
    json e = json::parse(r.body);
    EXPECT_EQ(e["error"]["field"], c.field) << c.query;
    EXPECT_FALSE(e.contains("cells"));
  }
  auto month = b.Get("/api/v1/schools/99DM/stats/reports?from=2025-09-01&to=2025-09-30&by=phase");
  ASSERT_EQ(month.status, 200);
  EXPECT_EQ(json::parse(month.body)["total"], 10);
}

// ---- M4: closed lists, rare values as "other" -----------------------------

TEST_P(MonitorHttpTest, ProgrammeLocationAndCreboComeFromTheSchoolsLists) {
  web::TestClient api("127.0.0.1", t_->port());
  auto report = [](const json& programme) {
    return json{{"mode", "confidential"},
                {"phase", "search"},
                {"grounds", {"origin"}},
                {"narrative", "Ik werd geweigerd."},
                {"reporter", {{"name", "Fatima"}, {"student_number", "990001"}}},
                {"programme", programme}}
        .dump();
  };
  auto free_text =
      api.PostJson("/api/v1/schools/99DM/reports",
                   report({{"location", "Amsterdam Klas 3B Fatima Yilmaz"}, {"crebo", "25655"}}));
  ASSERT_EQ(free_text.status, 400) << free_text.body;
  EXPECT_EQ(json::parse(free_text.body)["error"]["field"], "programme.location");
  auto bad_crebo = api.PostJson("/api/v1/schools/99DM/reports",
                                report({{"location", "Utrecht"}, {"crebo", "12345"}}));
  ASSERT_EQ(bad_crebo.status, 400) << bad_crebo.body;
  EXPECT_EQ(json::parse(bad_crebo.body)["error"]["field"], "programme.crebo");
  auto listed = api.PostJson("/api/v1/schools/99DM/reports",
                             report({{"location", "Utrecht"}, {"crebo", "25655"}}));
  EXPECT_EQ(listed.status, 201) << listed.body;
  auto not_given = api.PostJson("/api/v1/schools/99DM/reports", report({{"location", ""}}));
  EXPECT_EQ(not_given.status, 201) << not_given.body;
  // Another school's location is not on this school's list.
  auto school = t_->app().accounts().SchoolByBrin("99DM");
  ASSERT_TRUE(school.ok());
  ASSERT_TRUE(t_->db()
                  .Write([](db::Connection& c) {
                    return c
                        .Execute(
                            "UPDATE students SET location = 'Elders' WHERE school_id = "
                            "(SELECT id FROM schools WHERE brin = '98DM')")
                        .status();
                  })
                  .ok());
  EXPECT_EQ(api.PostJson("/api/v1/schools/99DM/reports", report({{"location", "Elders"}})).status,
            400);

  // The form offers the lists, refuses anything else naming the field, and
  // keeps what was sent.
  Browser b(t_->port());
  auto form = b.Get("/s/99DM/melden");
  ASSERT_EQ(form.status, 200);
  EXPECT_TRUE(Has(form.body,
                  "<select class=\"utrecht-select utrecht-select--html-select\" "
                  "id=\"programme_location\""));
  EXPECT_TRUE(Has(form.body, "<option value=\"Utrecht\">Utrecht</option>"));
  EXPECT_TRUE(Has(form.body, "<option value=\"25480\">25480</option>"));
  EXPECT_FALSE(Has(form.body, "<option value=\"Elders\">")) << "only this school's list";
  std::string fields =
      "mode=confidential&phase=search&grounds=origin&narrative=Ik+werd+geweigerd&"
      "reporter_name=Fatima&reporter_student_number=990001&";
  auto refused =
      b.Post("/s/99DM/melden", fields + "programme_location=Amsterdam+Klas+3B+Fatima+Yilmaz");
  EXPECT_EQ(refused.status, 400);
  EXPECT_TRUE(Has(refused.body, "href=\"#programme_location\""));
  EXPECT_TRUE(Has(refused.body, "Kies een locatie uit de lijst van je school"));
  EXPECT_TRUE(Has(refused.body, "<option value=\"Amsterdam Klas 3B Fatima Yilmaz\" selected>"))
      << "what was sent stays visible beside its error";
  auto accepted = b.Post("/s/99DM/melden", fields + "programme_location=Utrecht");
  EXPECT_EQ(accepted.status, 201) << accepted.body.substr(0, 300);
  b.Get("/lang/en");
  auto english = b.Post("/s/99DM/melden", fields + "programme_crebo=00000");
  EXPECT_EQ(english.status, 400);
  EXPECT_TRUE(Has(english.body, "Choose a programme from your school")) << english.body.size();
}

TEST_P(MonitorHttpTest, ACategoryWithFewerThanFiveReportsShowsAsOther) {
  // Three reports from Zeist (a location on the list) in 2025-2026.
  AddCases(3, domain::MakeDate(2026, 2, 10), db::Param("BOL"), db::Param("Zeist"));
  Browser b(t_->port());
  Login(b, "management@99dm.demo");
  auto page = b.Get("/monitor?periode=2025-2026");
  ASSERT_EQ(page.status, 200);
  EXPECT_FALSE(Has(page.body, "Zeist")) << "a value of 3 reports is never named";
  EXPECT_TRUE(Has(page.body, "Overig (minder dan 5 meldingen per waarde)"));
  auto api = b.Get("/api/v1/schools/99DM/stats/reports?period=2025-2026&by=location");
  ASSERT_EQ(api.status, 200) << api.body;
  EXPECT_FALSE(Has(api.body, "Zeist"));
  json j = json::parse(api.body);
  std::vector<std::string> keys;
  for (const json& c : j["cells"]) keys.push_back(c["key"]);
  EXPECT_EQ(keys, (std::vector<std::string>{"Utrecht", "other"}));
  EXPECT_EQ(j["total"], 33);
  // The drill-down cannot single the value out either.
  EXPECT_EQ(b.Get("/monitor?periode=2025-2026&by=phase&filter=location:Zeist").status, 409);
}

// ---- M5: no running month; hidden cells sum to at least 5 -----------------

std::string WithoutTokens(const std::string& body) {
  static const std::regex token("[A-Za-z0-9_-]{32,}");
  return std::regex_replace(body, token, "TOKEN");
}

TEST_P(MonitorHttpTest, AReportFiledNowChangesNoPublishedFigure) {
  // Six reports earlier this month, so that one more would show in a total.
  domain::Date first = domain::AddDays(
      Today(), 1 - static_cast<int>(std::stoi(domain::FormatDate(Today()).substr(8, 2))));
  AddCases(6, first, db::Param("BOL"), db::Param("Utrecht"));
  Browser lead(t_->port());
  Login(lead, "meldpunt@99dm.demo", true);
  std::string year = monitor::DefaultPeriod(Today()).key;
  std::vector<std::string> paths = {"/monitor", "/monitor?periode=" + year,
                                    "/monitor/rapport?jaar=" + year,
                                    "/monitor/rapport.csv?jaar=" + year};
  for (const char* by : {"ground", "phase", "status", "month", "location", "pathway", "sector"})
    paths.push_back(std::string("/api/v1/schools/99DM/stats/reports?by=") + by);
  std::vector<std::string> before;
  for (const std::string& p : paths) {
    auto res = lead.Get(p);
    EXPECT_EQ(res.status, 200) << p << " " << res.body.substr(0, 300);
    before.push_back(WithoutTokens(res.body));
  }
  web::TestClient api("127.0.0.1", t_->port());
  auto sent = api.PostJson("/api/v1/schools/99DM/reports",
                           json{{"mode", "anonymous"},
                                {"phase", "internship"},
                                {"grounds", {"religion"}},
                                {"narrative", "Vandaag geweigerd."},
                                {"programme", {{"location", "Utrecht"}, {"pathway", "BBL"}}}}
                               .dump());
  ASSERT_EQ(sent.status, 201) << sent.body;
  for (size_t i = 0; i < paths.size(); ++i) {
    auto res = lead.Get(paths[i]);
    EXPECT_EQ(WithoutTokens(res.body), before[i]) << paths[i] << " changed";
  }
  // The page says so, and the running month is not offered.
  auto page = lead.Get("/monitor");
  EXPECT_TRUE(Has(page.body, "tot en met de laatste afgelopen maand"));
  EXPECT_TRUE(Has(page.body, " t/m ")) << "the running school year reads t/m its last month";
  std::string month = domain::FormatDate(Today()).substr(0, 7);
  EXPECT_FALSE(Has(page.body, "<option value=\"" + month + "\""));
  auto refused = lead.Get("/monitor?periode=" + month);
  EXPECT_EQ(refused.status, 400);
  EXPECT_TRUE(Has(refused.body, "href=\"#periode\""));
  EXPECT_FALSE(Has(refused.body, "mon-reports"));
  auto api_month = lead.Get("/api/v1/schools/99DM/stats/reports?period=" + month);
  EXPECT_EQ(api_month.status, 400);
  EXPECT_EQ(json::parse(api_month.body)["error"]["field"], "period");
}

TEST_P(MonitorHttpTest, HiddenCellsCannotBeRecoveredFromTheTotal) {
  // May 2026: 11 reports, 10 without a pathway and 1 BOL. Published as
  // "BOL <5, BBL <5, unknown 10, total 11", 11 - 10 = 1 would be out.
  AddCases(10, domain::MakeDate(2026, 5, 12), std::nullopt, std::nullopt);
  AddCases(1, domain::MakeDate(2026, 5, 13), db::Param("BOL"), std::nullopt);
  Browser b(t_->port());
  Login(b, "management@99dm.demo");
  auto res = b.Get("/api/v1/schools/99DM/stats/reports?period=2026-05&by=pathway");
  ASSERT_EQ(res.status, 200) << res.body;
  json j = json::parse(res.body);
  EXPECT_EQ(j["total"], 11);
  int64_t shown = 0;
  for (const json& c : j["cells"]) {
    if (!c["count"].is_null()) shown += c["count"].get<int64_t>();
  }
  int64_t hidden = j["total"].get<int64_t>() - shown;
  EXPECT_TRUE(hidden == 0 || hidden >= 5) << "hidden cells sum to " << hidden << ": " << res.body;
  for (const json& c : j["cells"]) {
    if (c["key"] == "unknown") {
      EXPECT_TRUE(c["count"].is_null()) << res.body;
    }
  }
  auto page = b.Get("/monitor?periode=2026-05");
  ASSERT_EQ(page.status, 200);
  EXPECT_FALSE(Has(page.body, "<td class=\"utrecht-table__cell\">10</td>")) << "unknown hidden";
}

// ---- L5: one permission and one period rule ------------------------------

TEST_P(MonitorHttpTest, TheApiHasTheDashboardsPermissionAndPeriodRule) {
  Browser handler(t_->port());
  Login(handler, "meldpunt2@99dm.demo", true);
  EXPECT_EQ(handler.Get("/monitor?periode=2025-2026").status, 403);
  auto api = handler.Get("/api/v1/schools/99DM/stats/reports?period=2025-2026&by=phase");
  EXPECT_EQ(api.status, 403) << api.body;
  EXPECT_FALSE(Has(api.body, "cells"));
  Browser lead(t_->port());
  Login(lead, "meldpunt@99dm.demo", true);
  EXPECT_EQ(lead.Get("/api/v1/schools/99DM/stats/reports?period=2025-2026&by=phase").status, 200);

  Browser b(t_->port());
  Login(b, "management@99dm.demo");
  EXPECT_EQ(b.Get("/monitor?periode=2025").status, 400);
  struct Bad {
    std::string query;
    std::string field;
  } bad[] = {{"period=2025&by=phase", "period"},
             {"from=2025-01-01&to=2025-12-31&by=phase", "to"},
             {"period=2025-2026&from=2025-08-01&to=2026-07-31", "period"}};
  for (const Bad& c : bad) {
    auto r = b.Get("/api/v1/schools/99DM/stats/reports?" + c.query);
    EXPECT_EQ(r.status, 400) << c.query;
    EXPECT_EQ(json::parse(r.body)["error"]["field"], c.field) << c.query;
  }
  // The same fixed periods on both.
  for (const char* key : {"2025-2026", "2025-Q4", "2025-09"}) {
    auto page = b.Get(std::string("/monitor?periode=") + key);
    auto r = b.Get(std::string("/api/v1/schools/99DM/stats/reports?by=phase&period=") + key);
    EXPECT_EQ(page.status, 200) << key;
    ASSERT_EQ(r.status, 200) << key;
    EXPECT_EQ(json::parse(r.body)["period"]["key"], key);
    EXPECT_EQ(json::parse(r.body)["period"]["complete"], true);
  }
}

TEST_P(MonitorHttpTest, NotAReportCasesAreNotCounted) {
  AddCases(4, domain::MakeDate(2026, 3, 3), db::Param("BOL"), db::Param("Utrecht"), "closed",
           db::Param("not_a_report"));
  Browser b(t_->port());
  Login(b, "management@99dm.demo");
  auto page = b.Get("/monitor?periode=2025-2026");
  EXPECT_TRUE(Has(page.body, "<dd id=\"mon-reports\">30</dd>"));
  auto res = b.Get("/api/v1/schools/99DM/stats/reports?period=2025-2026&by=status");
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(json::parse(res.body)["total"], 30);
  auto outcome = b.Get("/api/v1/schools/99DM/stats/reports?period=2025-2026&by=outcome");
  EXPECT_FALSE(Has(outcome.body, "not_a_report"));
  auto csv = b.Get("/monitor/rapport.csv?jaar=2025-2026");
  EXPECT_TRUE(Has(csv.body, "Meldingen,30,")) << csv.body;
}

INSTANTIATE_TEST_SUITE_P(Backends, MonitorHttpTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgres),
                         [](const ::testing::TestParamInfo<db::Dialect>& p) {
                           return std::string(p.param == db::Dialect::kSqlite ? "sqlite"
                                                                              : "postgres");
                         });

}  // namespace
