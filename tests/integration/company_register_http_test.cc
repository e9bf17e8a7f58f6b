// The company register shared by the schools of a deployment, over real
// HTTP and the real command line, on SQLite and PostgreSQL: 99DM's imports
// (the upload form and `stagepunt import`) leave every page of 98DM byte for
// byte as it was (public company search, register, places, open round with
// its exclusions, meldpunt inbox); 99DM sees its own values, markup escaped.
// The system admin's register import (/admin/register, `stagepunt register
// import`) changes what both schools see, whole or nothing.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/commands.h"
#include "app/demo.h"
#include "app/demo_placement.h"
#include "crypto/random.h"
#include "crypto/totp.h"
#include "test_app.h"

namespace {

namespace fs = std::filesystem;
using testing_support::Browser;
using testing_support::TestApp;

constexpr char kMarkup[] = "<script>alert(1)</script> Korenschoof";

class CompanyRegisterHttpTest : public ::testing::TestWithParam<db::Dialect> {
 protected:
  void SetUp() override {
    std::string reason;
    t_ = TestApp::Start(GetParam(), &reason);
    ASSERT_TRUE(t_ || reason.rfind("FAIL: ", 0) != 0) << reason;
    if (!t_) GTEST_SKIP() << reason;
    auto seeded = app::SeedPlacementDemo(t_->app());
    ASSERT_TRUE(seeded.ok()) << seeded.ToString();
    dir_ = fs::temp_directory_path() / ("sp-register-" + crypto::RandomId());
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }

  std::string Totp() {
    return *crypto::TotpCode(app::kDemoTotpSecret, t_->clock().NowMillis() / 1000);
  }
  void Login(Browser& b, const std::string& login, bool totp = false) {
    auto res = b.Login(login, app::kDemoPassword, totp ? Totp() : "");
    ASSERT_EQ(res.Header("location"), "/dashboard") << login << " " << res.status;
  }

  // Posts an import form as multipart/form-data, like a browser.
  web::ClientResponse Upload(Browser& b, const std::string& page, const std::string& kind,
                             const std::string& csv) {
    b.Get(page);
    const std::string boundary = "----stagepunt-test-91ac";
    std::string body;
    auto part = [&](const std::string& name, const std::string& value) {
      body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name +
              "\"\r\n\r\n" + value + "\r\n";
    };
    part("csrf", b.last_csrf());
    if (!kind.empty()) part("kind", kind);
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

  // The --db URL of the test database, for the command line.
  std::string DbUrl() {
    const std::string& name = t_->test_db().name();
    if (GetParam() == db::Dialect::kSqlite) return "sqlite:" + name;
    // STAGEPUNT_TEST_PG is "key=value ..." conninfo; the URL names our database.
    std::istringstream in(db::testing::PgTestConninfo());
    std::string pair, query;
    while (in >> pair) {
      if (pair.rfind("dbname=", 0) == 0) continue;
      query += (query.empty() ? "?" : "&") + pair;
    }
    return "postgresql:///" + name + query;
  }

  struct CliResult {
    int exit_code = -1;
    std::string out, err;
  };
  CliResult Cli(std::vector<std::string> args) {
    CLI::App cli("stagepunt");
    int exit_code = 0;
    app::RegisterCommands(cli, exit_code);
    args.insert(args.begin(), "stagepunt");
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    std::ostringstream out, err;
    auto* old_out = std::cout.rdbuf(out.rdbuf());
    auto* old_err = std::cerr.rdbuf(err.rdbuf());
    try {
      cli.parse(static_cast<int>(argv.size()), argv.data());
    } catch (const CLI::ParseError& e) {
      exit_code = cli.exit(e);
    }
    std::cout.rdbuf(old_out);
    std::cerr.rdbuf(old_err);
    return {exit_code, out.str(), err.str()};
  }
  std::string WriteFile(const std::string& name, const std::string& text) {
    std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  // Every page of 98DM that shows a company, as its users see it.
  std::vector<std::string> OtherSchoolPages(Browser& coordinator, Browser& handler) {
    std::vector<std::string> pages;
    web::TestClient anonymous("127.0.0.1", t_->port());
    for (const char* q : {"100001", "Korenschoof", "bakkerij", "script"}) {
      pages.push_back(anonymous.Get(std::string("/s/98DM/bedrijven?q=") + q).body);
    }
    for (const char* path : {"/stagematching/bedrijven", "/stagematching/plaatsen"}) {
      auto res = coordinator.Get(path);
      EXPECT_EQ(res.status, 200) << path;
      pages.push_back(res.body);
    }
    auto coordinator98 = t_->app().accounts().UserByLogin("coordinator@98dm.demo");
    EXPECT_TRUE(coordinator98.ok());
    auto rounds = t_->app().stagematching().Rounds(*coordinator98);
    EXPECT_TRUE(rounds.ok());
    for (const placement::Round& r : rounds.ok() ? *rounds : std::vector<placement::Round>{}) {
      auto res = coordinator.Get("/stagematching/rondes/" + r.id);
      EXPECT_EQ(res.status, 200);
      pages.push_back(res.body);
      auto excluded = t_->app().stagematching().Exclusions(*coordinator98, r.id);
      EXPECT_TRUE(excluded.ok());
      for (const placement::Exclusion& e : *excluded) {
        std::string line = "excluded " + e.leerbedrijf_id + " " + e.company_name;
        for (placement::ExclusionReason why : e.reasons) line += " " + std::string(Name(why));
        pages.push_back(line);
      }
    }
    auto inbox = handler.Get("/meldpunt");
    EXPECT_EQ(inbox.status, 200);
    pages.push_back(inbox.body);
    // The case pages of 98DM's cases about a company.
    std::vector<std::string> case_ids;
    common::Status s = t_->db().Read([&](db::Connection& c) -> common::Status {
      SP_ASSIGN_OR_RETURN(
          db::Rows rows,
          c.Query("SELECT c.id FROM cases c JOIN schools s ON s.id = c.school_id "
                  "WHERE s.brin = '98DM' AND c.company_id IS NOT NULL ORDER BY c.id"));
      for (const db::Row& r : rows.rows) case_ids.push_back(r.Text(0));
      return common::Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    EXPECT_FALSE(case_ids.empty());
    for (const std::string& id : case_ids) {
      auto res = handler.Get("/meldpunt/zaken/" + id);
      EXPECT_EQ(res.status, 200) << id;
      pages.push_back(res.body);
    }
    return pages;
  }

  // Whether 99DM and 98DM see `leerbedrijf_id` as recognised: "1" or "0" each.
  std::string Recognised(const std::string& leerbedrijf_id) {
    std::string out;
    for (const char* login : {"coordinator@99dm.demo", "coordinator@98dm.demo"}) {
      auto user = t_->app().accounts().UserByLogin(login);
      EXPECT_TRUE(user.ok());
      auto companies = t_->app().stagematching().Companies(*user);
      EXPECT_TRUE(companies.ok());
      for (const placement::Company& c : *companies)
        if (c.leerbedrijf_id == leerbedrijf_id) out += c.sbb_recognised ? "1" : "0";
    }
    return out;
  }

  std::unique_ptr<TestApp> t_;
  fs::path dir_;
};

TEST_P(CompanyRegisterHttpTest, OneSchoolsImportsLeaveAnotherSchoolsPagesUnchanged) {
  Browser coordinator98(t_->port()), handler98(t_->port()), coordinator99(t_->port());
  Login(coordinator98, "coordinator@98dm.demo");
  Login(handler98, "meldpunt@98dm.demo", /*totp=*/true);
  Login(coordinator99, "coordinator@99dm.demo");
  const std::vector<std::string> before = OtherSchoolPages(coordinator98, handler98);
  ASSERT_NE(before[0].find("100001"), std::string::npos) << before[0];

  // 99DM imports every kind through the upload form: the shared company
  // with markup in its name, withdrawn, another address and crebos.
  auto res = Upload(coordinator99, "/stagematching/import", "companies",
                    std::string("leerbedrijf_id,name,address,postcode,city,crebos,sbb_recognised\n"
                                "100001,") +
                        kMarkup + ",Nepstraat 1,9999ZZ,Nergens,25655;25998,nee\n");
  ASSERT_EQ(res.status, 200) << res.body;
  res = Upload(coordinator99, "/stagematching/import", "places",
               "leerbedrijf_id,crebo,capacity,period\n100001,25998,3,Overlay 2031\n");
  ASSERT_EQ(res.status, 200) << res.body;
  res = Upload(coordinator99, "/stagematching/import", "students",
               "student_number,name,crebo,level,pathway,cohort\nO0001,Over Lay,25655,2,BOL,2031\n");
  ASSERT_EQ(res.status, 200) << res.body;
  // And through the command line.
  CliResult cli =
      Cli({"import", "companies", "--school", "99DM", "--db", DbUrl(), "--data-dir", dir_.string(),
           "--file", WriteFile("c.csv", "leerbedrijf_id,name,city\n100005,Ander Hotel,Elders\n")});
  ASSERT_EQ(cli.exit_code, 0) << cli.err;

  // 98DM: every page byte for byte as before.
  const std::vector<std::string> after = OtherSchoolPages(coordinator98, handler98);
  ASSERT_EQ(after.size(), before.size());
  for (size_t i = 0; i < before.size(); ++i) EXPECT_EQ(after[i], before[i]) << "page " << i;

  // 99DM sees its own values, the markup escaped as text.
  web::TestClient anonymous("127.0.0.1", t_->port());
  std::string search = anonymous.Get("/s/99DM/bedrijven?q=100001").body;
  EXPECT_NE(search.find("Korenschoof"), std::string::npos) << search;
  auto register99 = coordinator99.Get("/stagematching/bedrijven");
  EXPECT_NE(register99.body.find("&lt;script&gt;alert(1)&lt;/script&gt; Korenschoof"),
            std::string::npos);
  EXPECT_EQ(register99.body.find("<script>alert"), std::string::npos);
  EXPECT_NE(register99.body.find("Ander Hotel"), std::string::npos);
}

TEST_P(CompanyRegisterHttpTest, SystemAdminsRegisterImportReachesEverySchool) {
  Browser sys(t_->port());
  Login(sys, "sysadmin@demo", /*totp=*/true);
  auto page = sys.Get("/admin/register");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("action=\"/admin/register\""), std::string::npos);
  EXPECT_EQ(page.body.find("name=\"kind\""), std::string::npos) << "one kind, no choice";

  // The schools' demo files say nothing about the SBB recognition: the
  // register's withdrawal reaches both schools.
  auto res = Upload(sys, "/admin/register", "",
                    "leerbedrijf_id,name,sbb_recognised\n100002,Register Naam,nee\n");
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_NE(res.body.find("id=\"import-updated\">1<"), std::string::npos) << res.body;
  EXPECT_EQ(Recognised("100002"), "00");

  // A bad line: nothing changes, the page names the line.
  res = Upload(sys, "/admin/register", "",
               "leerbedrijf_id,name,sbb_recognised\n100002,Ander,ja\n100003,Fout,misschien\n");
  EXPECT_EQ(res.status, 400);
  EXPECT_NE(res.body.find("scope=\"row\">3</th>"), std::string::npos);
  EXPECT_EQ(Recognised("100002"), "00");

  // The command line: FILE:LINE: message, exit 2, nothing changed; then a good file.
  std::string bad = WriteFile("bad.csv", "leerbedrijf_id,name,sbb_recognised\n100002,X,ja\n"
                                         "100003,Y,misschien\n");
  CliResult cli = Cli({"register", "import", "--db", DbUrl(), "--data-dir", dir_.string(),
                       "--file", bad});
  EXPECT_EQ(cli.exit_code, 2);
  EXPECT_NE(cli.err.find(bad + ":3: "), std::string::npos) << cli.err;
  EXPECT_EQ(Recognised("100002"), "00");
  cli = Cli({"register", "import", "--db", DbUrl(), "--data-dir", dir_.string(), "--file",
             WriteFile("good.csv", "leerbedrijf_id,name,sbb_recognised\n100002,X,ja\n")});
  EXPECT_EQ(cli.exit_code, 0) << cli.err;
  EXPECT_NE(cli.out.find("1 updated"), std::string::npos) << cli.out;
  EXPECT_EQ(Recognised("100002"), "11");
  // The schools' own names still win at each school.
  web::TestClient anonymous("127.0.0.1", t_->port());
  for (const char* brin : {"99DM", "98DM"}) {
    std::string found = anonymous.Get(std::string("/s/") + brin + "/bedrijven?q=100002").body;
    EXPECT_NE(found.find("Autobedrijf Van Dijk (demo)"), std::string::npos) << brin << found;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, CompanyRegisterHttpTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgres),
                         db::testing::DialectName<::testing::TestParamInfo<db::Dialect>>);

}  // namespace
