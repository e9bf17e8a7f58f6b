// BPV agreements over real HTTP on SQLite and PostgreSQL with the demo data:
// the coordinator's import page (errors in Dutch naming line and column, a
// semicolon file explained, a re-import that changes nothing), the student's
// stage page with the internship and its norm reading, the monitor counting
// internships that no round made, and the company accepting the school's own
// norm text and version.
#include <gtest/gtest.h>

#include <regex>

#include "app/demo.h"
#include "app/demo_placement.h"
#include "domain/calendar.h"
#include "test_app.h"

namespace {

using testing_support::Browser;
using testing_support::TestApp;

bool Has(const std::string& body, const std::string& s) {
  return body.find(s) != std::string::npos;
}

class BpvHttpTest : public ::testing::TestWithParam<db::Dialect> {
 protected:
  void SetUp() override {
    std::string reason;
    t_ = TestApp::Start(GetParam(), &reason);
    ASSERT_TRUE(t_ || reason.rfind("FAIL: ", 0) != 0) << reason;
    if (!t_) GTEST_SKIP() << reason;
    auto seeded = app::SeedPlacementDemo(t_->app());
    ASSERT_TRUE(seeded.ok()) << seeded.ToString();
  }

  void Login(Browser& b, const std::string& login) {
    auto res = b.Login(login, app::kDemoPassword);
    ASSERT_EQ(res.Header("location"), "/dashboard") << login;
  }

  // Posts the import form as multipart/form-data, like a browser.
  web::ClientResponse Upload(Browser& b, const std::string& kind, const std::string& csv) {
    b.Get("/stagematching/import");
    const std::string boundary = "----stagepunt-bpv-41c2";
    std::string body;
    auto part = [&](const std::string& name, const std::string& value) {
      body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name +
              "\"\r\n\r\n" + value + "\r\n";
    };
    part("csrf", b.last_csrf());
    part("kind", kind);
    body += "--" + boundary +
            "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"bpv.csv\"\r\n"
            "Content-Type: text/csv\r\n\r\n" +
            csv + "\r\n--" + boundary + "--\r\n";
    std::string cookies;
    for (const auto& [k, v] : b.cookies()) cookies += (cookies.empty() ? "" : "; ") + k + "=" + v;
    web::TestClient c("127.0.0.1", t_->port());
    return c.Send(
        "POST", "/stagematching/import",
        {{"Cookie", cookies}, {"Content-Type", "multipart/form-data; boundary=" + boundary}}, body);
  }

  std::string Text(const std::string& sql, const db::Params& params = {}) {
    std::string out;
    common::Status s = t_->db().Read([&](db::Connection& c) -> common::Status {
      SP_ASSIGN_OR_RETURN(db::Row r, c.QueryOne(sql, params));
      out = r.Text(0);
      return common::Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return out;
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
  domain::Date Today() { return domain::DateFromMillis(t_->clock().NowMillis()); }

  std::unique_ptr<TestApp> t_;
};

TEST_P(BpvHttpTest, ImportPageNamesLineAndColumnInDutchAndIsIdempotent) {
  Browser coordinator(t_->port());
  Login(coordinator, "coordinator@99dm.demo");
  auto page = coordinator.Get("/stagematching/import");
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(Has(page.body, "Praktijkovereenkomsten (BPV)"));
  EXPECT_TRUE(Has(page.body, "start_date"));

  auto bad = Upload(coordinator, "bpv",
                    "student_number,leerbedrijf_id,crebo,start_date,end_date\n"
                    "990001,100001,25480,2026-09-01,2027-01-29\n"
                    "990002,100001,123,2026-09-01,2027-01-29\n"
                    "990003,777777,25480,2026-09-01,2027-01-29\n");
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(Has(bad.body, "crebo &quot;123&quot; is geen crebocode van 5 cijfers")) << bad.body;
  EXPECT_TRUE(Has(bad.body, "leerbedrijf 777777 is onbekend"));
  EXPECT_TRUE(Has(bad.body, "<th class=\"utrecht-table__header-cell\" scope=\"row\">3</th>"));
  EXPECT_TRUE(Has(bad.body, "<code>crebo</code>"));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM bpv_agreements"), 0);

  auto semicolons = Upload(coordinator, "bpv",
                           "studentnummer;leerbedrijf_id;crebo;startdatum;einddatum\n"
                           "990001;100001;25480;2026-09-01;2027-01-29\n");
  EXPECT_EQ(semicolons.status, 400);
  EXPECT_TRUE(Has(semicolons.body, "gescheiden door puntkomma")) << semicolons.body;

  const std::string good =
      "studentnummer,leerbedrijf_id,crebo,startdatum,einddatum,leerweg\n"
      "990001,100001,25480,2026-09-01,2027-01-29,BBL\n"
      "990002,100003,25480,2026-09-01,2027-01-29,\n";
  auto ok = Upload(coordinator, "bpv", good);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(Count("SELECT COUNT(*) FROM bpv_agreements"), 2);
  auto again = Upload(coordinator, "bpv", good);
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM bpv_agreements"), 2);

  // The teacher may not import; the other school's coordinator cannot
  // reach this school's students (they are unknown there).
  Browser teacher(t_->port());
  Login(teacher, "teacher@99dm.demo");
  EXPECT_EQ(teacher.Get("/stagematching/import").status, 403);
  Browser other(t_->port());
  Login(other, "coordinator@98dm.demo");
  auto cross = Upload(other, "bpv", good);
  EXPECT_EQ(cross.status, 400);
  EXPECT_TRUE(Has(cross.body, "staat niet bij de studenten van de school"));
}

TEST_P(BpvHttpTest, StudentSeesTheInternshipAndReadsTheNorm) {
  std::string number = Text(
      "SELECT s.student_number FROM students s JOIN users u ON u.id = s.user_id WHERE u.login = "
      "'student@99dm.demo'");
  ASSERT_FALSE(number.empty());
  // An internship that started yesterday and runs three months, at a company
  // the demo register has; nothing else running starts earlier than it.
  std::string start = domain::FormatDate(domain::AddDays(Today(), -1));
  std::string end = domain::FormatDate(domain::AddDays(Today(), 90));
  common::Status cleared = t_->db().Write([&](db::Connection& c) -> common::Status {
    // The demo student's round placements end, so the norm card shows this one.
    return c
        .Execute(
            "UPDATE placements SET ended_kind = 'breakdown' WHERE student_id = (SELECT "
            "s.id FROM students s JOIN users u ON u.id = s.user_id WHERE u.login = "
            "'student@99dm.demo')")
        .status();
  });
  ASSERT_TRUE(cleared.ok()) << cleared.ToString();
  Browser coordinator(t_->port());
  Login(coordinator, "coordinator@99dm.demo");
  auto ok = Upload(coordinator, "bpv",
                   "student_number,leerbedrijf_id,crebo,start_date,end_date\n" + number +
                       ",100005,25480," + start + "," + end + "\n");
  ASSERT_EQ(ok.status, 200) << ok.body;
  std::string id = Text("SELECT id FROM bpv_agreements");

  Browser student(t_->port());
  Login(student, "student@99dm.demo");
  auto stage = student.Get("/stage");
  ASSERT_EQ(stage.status, 200);
  EXPECT_TRUE(Has(stage.body, "Stage volgens de praktijkovereenkomst"));
  EXPECT_TRUE(Has(stage.body, "Hotel Stadszicht (demo)"));
  EXPECT_TRUE(Has(stage.body, start + " – " + end));
  ASSERT_TRUE(Has(stage.body, "action=\"/stage/norm/" + id + "\"")) << stage.body;
  std::string version = Text(
      "SELECT CAST(MAX(version) AS TEXT) FROM norm_versions WHERE school_id = (SELECT id "
      "FROM schools WHERE brin = '99DM')");
  auto read = student.Post("/stage/norm/" + id, "version=" + version + "&agree=1");
  EXPECT_EQ(read.Header("location"), "/stage?ok=norm_read");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM norm_reads WHERE placement_id = $1", {id}), 1);
}

TEST_P(BpvHttpTest, MonitorCountsInternshipsNoRoundMade) {
  // Six internships running through last month, imported for demo students.
  std::string today = domain::FormatDate(Today());
  domain::Date first_of_month = *domain::ParseDate(today.substr(0, 8) + "01");
  domain::Date last_month_end = domain::AddDays(first_of_month, -1);
  std::string key = domain::FormatDate(last_month_end).substr(0, 7);
  std::string start = domain::FormatDate(domain::AddDays(last_month_end, -40));
  std::string end = domain::FormatDate(domain::AddDays(last_month_end, -5));
  std::string csv = "student_number,leerbedrijf_id,crebo,start_date,end_date\n";
  for (int i = 11; i <= 16; ++i)
    csv += "9900" + std::to_string(i) + ",100001,25480," + start + "," + end + "\n";
  Browser coordinator(t_->port());
  Login(coordinator, "coordinator@99dm.demo");
  auto ok = Upload(coordinator, "bpv", csv);
  ASSERT_EQ(ok.status, 200) << ok.body;

  Browser management(t_->port());
  Login(management, "management@99dm.demo");
  auto res = management.Get("/monitor?periode=" + key);
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_TRUE(Has(res.body, "Stages in deze periode (uit rondes en praktijkovereenkomsten)"));
  EXPECT_TRUE(Has(res.body, "Stages waarbij de student de norm las"));
  std::smatch m;
  std::regex cell(
      "Via een praktijkovereenkomst \\(BPV\\)</th>\\s*<td class=\"[^\"]*\">([^<]*)</td>");
  ASSERT_TRUE(std::regex_search(res.body, m, cell)) << res.body;
  EXPECT_EQ(m[1].str(), "6");
}

TEST_P(BpvHttpTest, CompanyAcceptsTheSchoolsOwnNormTextAndVersion) {
  // A new version makes the demo company accept again.
  Browser management(t_->port());
  Login(management, "management@99dm.demo");
  ASSERT_EQ(management.Get("/beleid/norm").status, 200);
  auto published = management.Post(
      "/beleid/norm",
      "definition_nl=Def&definition_en=Def&norm_nl=Wij+nemen+iedere+student+aan+op+wat+die+kan"
      "&norm_en=We+take+every+student+on+what+they+can+do&report_nl=Meldpunt&report_en=Meldpunt"
      "&next_nl=Contact&next_en=Contact");
  ASSERT_EQ(published.status, 303) << published.body;
  std::string version = Text(
      "SELECT CAST(MAX(version) AS TEXT) FROM norm_versions WHERE school_id = (SELECT id "
      "FROM schools WHERE brin = '99DM')");
  std::string school = Text("SELECT name FROM schools WHERE brin = '99DM'");

  Browser company(t_->port());
  Login(company, "company@99dm.demo");
  auto home = company.Get("/bedrijf");
  ASSERT_EQ(home.status, 200);
  EXPECT_TRUE(
      Has(home.body, "Ik ga akkoord met de norm van " + school + ", versie " + version + ":"))
      << home.body;
  EXPECT_TRUE(Has(home.body, "Wij nemen iedere student aan op wat die kan"));
  EXPECT_FALSE(Has(home.body, "zonder selectiegesprek (klikgesprek)"));
  company.Get("/lang/en?next=/bedrijf");
  auto en = company.Get("/bedrijf");
  EXPECT_TRUE(Has(en.body, "I accept the norm of " + school + ", version " + version + ":"));
  EXPECT_TRUE(Has(en.body, "We take every student on what they can do"));
  auto accepted = company.Post("/bedrijf/norm", "version=" + version + "&agree=1");
  EXPECT_EQ(accepted.status, 303) << accepted.body;
}

INSTANTIATE_TEST_SUITE_P(Backends, BpvHttpTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgres),
                         [](const ::testing::TestParamInfo<db::Dialect>& p) {
                           return std::string(p.param == db::Dialect::kSqlite ? "sqlite"
                                                                              : "postgres");
                         });

}  // namespace
