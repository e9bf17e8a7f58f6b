// What happened, said right, over real HTTP on SQLite and PostgreSQL: who did
// it (several allowed) and "not sure it was discrimination" on the report
// form and the JSON API, both opening a case whose handler sees them; bad
// values refused naming the field; the monitor's breakdown by who did it
// under the same suppression as every other table (page and statistics API),
// and the yearly report under its own name with the indicators by who did it.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "app/demo.h"
#include "crypto/random.h"
#include "crypto/totp.h"
#include "domain/calendar.h"
#include "test_app.h"

namespace {

using nlohmann::json;
using testing_support::Browser;
using testing_support::TestApp;

bool Has(const std::string& body, const std::string& s) {
  return body.find(s) != std::string::npos;
}

class WhatHttpTest : public ::testing::TestWithParam<db::Dialect> {
 protected:
  void SetUp() override {
    std::string reason;
    t_ = TestApp::Start(GetParam(), &reason);
    ASSERT_TRUE(t_ || reason.rfind("FAIL: ", 0) != 0) << reason;
    if (!t_) GTEST_SKIP() << reason;
  }

  web::ClientResponse PostJson(const std::string& path, const json& body) {
    web::TestClient c("127.0.0.1", t_->port());
    return c.PostJson(path, body.dump());
  }

  void Login(Browser& b, const std::string& login, bool totp) {
    auto res =
        totp ? b.Login(login, app::kDemoPassword,
                       *crypto::TotpCode(app::kDemoTotpSecret, t_->clock().NowMillis() / 1000))
             : b.Login(login, app::kDemoPassword);
    ASSERT_EQ(res.Header("location"), "/dashboard") << login << " " << res.status;
  }

  // The handler's case page for `case_number`, found through the inbox.
  std::string CasePage(Browser& handler, const std::string& case_number) {
    auto inbox = handler.Get("/meldpunt");
    size_t row = inbox.body.find(">" + case_number + "<");
    EXPECT_NE(row, std::string::npos) << case_number;
    if (row == std::string::npos) return "";
    size_t link = inbox.body.rfind("/meldpunt/zaken/", row);
    std::string path = inbox.body.substr(link, inbox.body.find('"', link) - link);
    auto page = handler.Get(path);
    EXPECT_EQ(page.status, 200);
    return page.body;
  }

  // `n` reports of 99DM in September 2025 with these grounds and actors.
  void AddCases(int n, const std::string& grounds, const std::string& actors) {
    auto school = t_->app().accounts().SchoolByBrin("99DM");
    ASSERT_TRUE(school.ok());
    common::Status s = t_->db().Write([&](db::Connection& c) -> common::Status {
      for (int i = 0; i < n; ++i) {
        domain::Date day = domain::MakeDate(2025, 9, 1 + i % 28);
        int64_t at = domain::StartOfDayMillis(day) + 3600000;
        SP_RETURN_IF_ERROR(
            c.Execute("INSERT INTO cases(id, school_id, case_number, mode, channel, phase, "
                      "grounds, actors, wishes, consents, status, received_at, "
                      "first_contact_due, feedback_due, content_sha256) VALUES ($1, $2, $3, "
                      "'anonymous', 'self', 'internship', $4, $5, '', '', 'received', $6, $7, "
                      "$7, 'x')",
                      {crypto::RandomId(), school->id, "M-W-" + crypto::RandomId().substr(0, 8),
                       grounds, actors, at, domain::FormatDate(domain::AddDays(day, 3))})
                .status());
      }
      return common::Status::Ok();
    });
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  std::unique_ptr<TestApp> t_;
};

TEST_P(WhatHttpTest, FormReportWithTwoWhoValuesAndNotSureOpensACaseTheHandlerSees) {
  Browser student(t_->port());
  auto form = student.Get("/s/99DM/melden");
  ASSERT_EQ(form.status, 200);
  EXPECT_TRUE(Has(form.body, "name=\"actors\" value=\"colleague\""));
  EXPECT_TRUE(Has(form.body, "name=\"grounds\" value=\"not_sure\""));
  EXPECT_TRUE(Has(form.body, "Ik weet niet zeker of het discriminatie was"));
  EXPECT_TRUE(Has(form.body, "iemand van school")) << "the definition covers everyone involved";
  auto sent = student.Post("/s/99DM/melden",
                           "mode=anonymous&phase=internship&grounds=not_sure&actors=colleague&"
                           "actors=client&narrative=Een+klant+en+een+collega+lachten+me+uit");
  ASSERT_EQ(sent.status, 201) << sent.body.substr(0, 300);
  size_t num = sent.body.find("id=\"case-number\">");
  ASSERT_NE(num, std::string::npos);
  std::string case_number = sent.body.substr(num + 17, sent.body.find('<', num) - num - 17);

  Browser handler(t_->port());
  Login(handler, "meldpunt@99dm.demo", true);
  std::string page = CasePage(handler, case_number);
  EXPECT_TRUE(Has(page,
                  "<dt>Wie deed het</dt><dd id=\"case-actors\">Een collega, Een klant of "
                  "patiënt</dd>"))
      << page.substr(0, 4000);
  EXPECT_TRUE(Has(page, "Ik weet niet zeker of het discriminatie was"));
}

TEST_P(WhatHttpTest, FormRefusesAnUnknownWhoValueAndKeepsWhatWasTyped) {
  Browser student(t_->port());
  student.Get("/s/99DM/melden");
  auto bad = student.Post("/s/99DM/melden",
                          "mode=anonymous&phase=search&grounds=age&actors=teacher&"
                          "narrative=Mijn+eigen+woorden");
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(Has(bad.body, "href=\"#actors\"")) << "the error summary names the field";
  EXPECT_TRUE(Has(bad.body, "Kies bij &quot;Wie deed het?&quot; alleen uit de lijst."));
  EXPECT_TRUE(Has(bad.body, "Mijn eigen woorden")) << "nothing typed is lost";
  // No ground at all is still refused, and says "not sure" is an answer.
  auto none = student.Post("/s/99DM/melden", "mode=anonymous&phase=search&narrative=Iets");
  EXPECT_EQ(none.status, 400);
  EXPECT_TRUE(Has(none.body, "niet zeker weet of het discriminatie was"));
}

TEST_P(WhatHttpTest, ApiAcceptsWhoAndNotSureAndRefusesBadValuesNamingTheField) {
  json report = {{"mode", "anonymous"},
                 {"phase", "internship"},
                 {"grounds", {"not_sure"}},
                 {"actors", {"school", "company"}},
                 {"narrative", "Mijn docent raadde me dat bedrijf af."}};
  auto ok = PostJson("/api/v1/schools/99DM/reports", report);
  ASSERT_EQ(ok.status, 201) << ok.body;
  std::string case_number = json::parse(ok.body)["case_number"];
  // Without the question (as before it existed): still a case.
  json old = report;
  old.erase("actors");
  old["grounds"] = {"origin"};
  EXPECT_EQ(PostJson("/api/v1/schools/99DM/reports", old).status, 201);

  struct Bad {
    json actors;
    json grounds;
    const char* field;
  } bad[] = {
      {{"teacher"}, {"origin"}, "actors"},  {"colleague", {"origin"}, "actors"},
      {{1}, {"origin"}, "actors"},          {{"company"}, json::array(), "grounds"},
      {{"company"}, {"unsure"}, "grounds"},
  };
  for (const Bad& b : bad) {
    json j = report;
    j["actors"] = b.actors;
    j["grounds"] = b.grounds;
    auto res = PostJson("/api/v1/schools/99DM/reports", j);
    EXPECT_EQ(res.status, 400) << b.field << " " << res.body;
    json e = json::parse(res.body, nullptr, false);
    ASSERT_TRUE(e.is_object()) << res.body;
    EXPECT_EQ(e["error"]["field"], b.field) << res.body;
  }

  Browser handler(t_->port());
  Login(handler, "meldpunt@99dm.demo", true);
  std::string page = CasePage(handler, case_number);
  // In the order given, in the words of the report form.
  EXPECT_TRUE(Has(page, "id=\"case-actors\">Iemand van school, Iemand van het bedrijf"))
      << page.substr(0, 4000);

  web::TestClient c("127.0.0.1", t_->port());
  auto doc = json::parse(c.Get("/api/v1/openapi.json").body);
  const json& props = doc["components"]["schemas"]["Report"]["properties"];
  EXPECT_EQ(props["actors"]["items"]["enum"].size(), 5u);
  EXPECT_EQ(props["grounds"]["items"]["enum"].back(), "not_sure");
}

// 23 reports in September 2025: company 16 (6 of them with a colleague too),
// colleague 6, client 3, school 0, other 0, not given 1; "not sure" 5.
TEST_P(WhatHttpTest, MonitorBreaksReportsDownByWhoUnderSuppression) {
  AddCases(10, "origin", "company");
  AddCases(6, "religion", "company,colleague");
  AddCases(3, "not_sure", "client");
  AddCases(2, "not_sure,age", "other");
  AddCases(1, "age", "");
  AddCases(1, "origin", "school");
  Browser b(t_->port());
  Login(b, "management@99dm.demo", false);
  auto res = b.Get("/api/v1/schools/99DM/stats/reports?period=2025-09&by=actor");
  ASSERT_EQ(res.status, 200) << res.body;
  json j = json::parse(res.body);
  EXPECT_EQ(j["total"], 23);
  std::map<std::string, json> cells;
  for (const json& c : j["cells"]) cells[c["key"].get<std::string>()] = c;
  EXPECT_EQ(cells.size(), 6u) << "five answers and \"not given\", always listed";
  EXPECT_EQ(cells["company"]["count"], 16);
  EXPECT_EQ(cells["colleague"]["count"], 6);
  for (const char* small : {"client", "school", "other", "unknown"}) {
    EXPECT_TRUE(cells[small]["count"].is_null()) << small;
    EXPECT_EQ(cells[small]["suppressed"], true) << small;
  }
  for (const auto& [key, c] : cells) {
    if (!c["count"].is_null()) {
      EXPECT_GE(c["count"].get<int>(), 5) << key;
    }
  }
  // "Not sure" is a ground value of its own: 5 reports, shown.
  auto grounds =
      json::parse(b.Get("/api/v1/schools/99DM/stats/reports?period=2025-09&by=ground").body);
  for (const json& c : grounds["cells"]) {
    if (c["key"] == "not_sure") {
      EXPECT_EQ(c["count"], 5);
    }
  }

  auto page = b.Get("/monitor?periode=2025-09");
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(Has(page.body, "Meldingen naar wie het deed"));
  EXPECT_TRUE(Has(page.body, "Klant of patiënt"));
  EXPECT_FALSE(Has(page.body, ">3</td>")) << "no count below 5 anywhere";
  // A drill-down into a small group is refused like any other.
  auto small = b.Get("/monitor?periode=2025-09&by=phase&filter=actor:client");
  EXPECT_EQ(small.status, 409);
  EXPECT_TRUE(Has(small.body, "href=\"#filter\""));
  auto drill = b.Get("/monitor?periode=2025-09&by=ground&filter=actor:colleague");
  EXPECT_EQ(drill.status, 200);
  EXPECT_TRUE(Has(drill.body, "id=\"table-drill\""));
}

TEST_P(WhatHttpTest, YearlyReportIsTheSchoolsJaarrapportageWithWhoDidIt) {
  AddCases(10, "origin", "company");
  AddCases(5, "not_sure", "colleague");
  Browser b(t_->port());
  Login(b, "management@99dm.demo", false);
  auto page = b.Get("/monitor/rapport?jaar=2025-2026");
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(Has(page.body, "Jaarrapportage stagediscriminatie 2025-2026"));
  EXPECT_FALSE(Has(page.body, "oortgangsrapportage"));
  EXPECT_FALSE(Has(page.body, "afgesproken"));
  EXPECT_TRUE(Has(page.body, "De indicatoren die de school volgt"));
  EXPECT_TRUE(Has(page.body, "href=\"https://www.onderwijsinspectie.nl\""));
  EXPECT_TRUE(Has(page.body, "href=\"https://www.mboraad.nl\""));
  auto csv = b.Get("/monitor/rapport.csv?jaar=2025-2026");
  ASSERT_EQ(csv.status, 200);
  EXPECT_TRUE(Has(csv.Header("content-disposition"),
                  "filename=\"jaarrapportage-stagediscriminatie-2025-2026.csv\""));
  EXPECT_TRUE(Has(csv.body, "Meldingen over iemand van het bedrijf,10,")) << csv.body;
  EXPECT_TRUE(Has(csv.body, "Meldingen over een collega,5,")) << csv.body;
  EXPECT_TRUE(Has(csv.body, "niet zeker wist of het discriminatie was,5,")) << csv.body;
  EXPECT_TRUE(Has(csv.body, "Meldingen over een klant of patiënt,–,")) << "below 5: not shown";
  auto xlsx = b.Get("/monitor/rapport.xlsx?jaar=2025-2026");
  EXPECT_TRUE(
      Has(xlsx.Header("content-disposition"), "jaarrapportage-stagediscriminatie-2025-2026.xlsx"));
  b.cookies()["lang"] = "en";
  auto en = b.Get("/monitor/rapport?jaar=2025-2026");
  EXPECT_TRUE(Has(en.body, "Yearly report on internship discrimination 2025-2026"));
  EXPECT_FALSE(Has(en.body, "progress report"));
  EXPECT_TRUE(Has(en.body, "Reports about someone at the company"));
}

TEST_P(WhatHttpTest, DeadlinesAreShownAsTheSchoolsOwnPolicy) {
  Browser admin(t_->port());
  Login(admin, "admin@99dm.demo", true);
  auto page = admin.Get("/admin/meldpunt");
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(Has(page.body, "id=\"deadlines-policy\""));
  EXPECT_TRUE(Has(page.body, "geen wet"));
}

INSTANTIATE_TEST_SUITE_P(Backends, WhatHttpTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgres),
                         [](const ::testing::TestParamInfo<db::Dialect>& p) {
                           return std::string(p.param == db::Dialect::kSqlite ? "sqlite"
                                                                              : "postgres");
                         });

}  // namespace
