// A reporter withdraws a report with the code, over real HTTP on SQLite and
// PostgreSQL: the confirmation in plain Dutch (and English), the POST needs
// CSRF, afterwards the code says "withdrawn" without content, the handler's
// page says "ingetrokken door de melder", and no row, database file or WAL
// holds the report's canary.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "app/demo.h"
#include "crypto/totp.h"
#include "test_app.h"

namespace {

using nlohmann::json;
using testing_support::Browser;
using testing_support::TestApp;

const char kCanary[] = "CANARY-8d21e4-ingetrokken-geheim";

class WithdrawalHttpTest : public ::testing::TestWithParam<db::Dialect> {
 protected:
  void SetUp() override {
    std::string reason;
    t_ = TestApp::Start(GetParam(), &reason);
    ASSERT_TRUE(t_ || reason.rfind("FAIL: ", 0) != 0) << reason;
    if (!t_) GTEST_SKIP() << reason;
  }
  // A named report whose narrative, company text and identity hold the canary.
  json Submit() {
    json report = {{"mode", "named"},
                   {"phase", "search"},
                   {"grounds", {"origin"}},
                   {"narrative", std::string("Wat er gebeurde: ") + kCanary},
                   {"wishes", {"talk"}},
                   {"consent", {{"contact_company", true}}},
                   {"company", {{"name", std::string("Bedrijf ") + kCanary}}},
                   {"reporter", {{"name", std::string("Naam ") + kCanary}}}};
    web::TestClient c("127.0.0.1", t_->port());
    auto res = c.PostJson("/api/v1/schools/99DM/reports", report.dump());
    EXPECT_EQ(res.status, 201) << res.body;
    return json::parse(res.body);
  }
  std::string CaseId(const std::string& case_number) {
    std::string id;
    EXPECT_TRUE(t_->db()
                    .Read([&](db::Connection& c) -> common::Status {
                      SP_ASSIGN_OR_RETURN(
                          db::Row r,
                          c.QueryOne("SELECT id FROM cases WHERE case_number = $1", {case_number}));
                      id = r.Text(0);
                      return common::Status::Ok();
                    })
                    .ok());
    return id;
  }
  // Every "table.column" of the schema holding `needle`.
  std::vector<std::string> RowsHolding(const std::string& needle) {
    std::vector<std::string> hits;
    bool sqlite = GetParam() == db::Dialect::kSqlite;
    EXPECT_TRUE(
        t_->db()
            .Read([&](db::Connection& c) -> common::Status {
              SP_ASSIGN_OR_RETURN(
                  db::Rows tables,
                  c.Query(sqlite
                              ? "SELECT name FROM sqlite_master WHERE type = 'table' AND "
                                "name NOT LIKE 'sqlite_%'"
                              : "SELECT table_name FROM information_schema.tables WHERE "
                                "table_schema = current_schema() AND table_type = 'BASE TABLE'"));
              for (const db::Row& t : tables.rows) {
                // Table names come from the schema itself, never from data.
                SP_ASSIGN_OR_RETURN(db::Rows rows, c.Query("SELECT * FROM " + t.Text(0)));
                for (const db::Row& row : rows.rows) {
                  for (size_t i = 0; i < row.size(); ++i) {
                    std::string bytes;
                    if (const auto* s = std::get_if<std::string>(&row.at(i))) bytes = *s;
                    if (const auto* b = std::get_if<db::Blob>(&row.at(i))) bytes = b->bytes;
                    if (bytes.find(needle) != std::string::npos)
                      hits.push_back(t.Text(0) + "." + rows.columns[i]);
                  }
                }
              }
              return common::Status::Ok();
            })
            .ok());
    return hits;
  }
  // Opens the report with the code in a fresh browser.
  web::ClientResponse EnterCode(Browser& b, const std::string& code) {
    b.Get("/melding");
    return b.Post("/melding", "receipt=" + code);
  }
  std::unique_ptr<TestApp> t_;
};

TEST_P(WithdrawalHttpTest, ReporterWithdrawsWithTheCodeAndNothingOfTheReportRemains) {
  json receipt = Submit();
  std::string code = receipt["receipt"], number = receipt["case_number"];
  std::string case_id = CaseId(number);
  Browser rep(t_->port());
  ASSERT_EQ(EnterCode(rep, code).status, 303);
  auto page = rep.Get("/melding/zaak");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("href=\"/melding/intrekken\""), std::string::npos);

  // The confirmation says plainly what happens, in Dutch.
  auto confirm = rep.Get("/melding/intrekken");
  ASSERT_EQ(confirm.status, 200);
  EXPECT_NE(confirm.body.find("Je melding intrekken"), std::string::npos);
  EXPECT_NE(confirm.body.find("Dit kun je niet ongedaan maken"), std::string::npos);
  EXPECT_NE(confirm.body.find("melding " + number + " is ingetrokken"), std::string::npos);
  EXPECT_EQ(confirm.body.find(kCanary), std::string::npos);

  // Without the CSRF token nothing happens.
  EXPECT_EQ(rep.PostWithCsrf("/melding/intrekken", "", "niet-het-token").status, 403);
  EXPECT_EQ(rep.Get("/melding/zaak").status, 200);
  rep.Get("/melding/intrekken");
  auto done = rep.Post("/melding/intrekken", "");
  ASSERT_EQ(done.status, 303);
  EXPECT_EQ(done.Header("location"), "/melding/ingetrokken");
  auto after = rep.Get("/melding/ingetrokken");
  EXPECT_EQ(after.status, 200);
  EXPECT_NE(after.body.find("Je melding is ingetrokken"), std::string::npos);
  EXPECT_EQ(rep.Get("/melding/zaak").status, 401);  // the session ended

  // The code now says "withdrawn", with no content.
  Browser again(t_->port());
  auto withdrawn = EnterCode(again, code);
  EXPECT_EQ(withdrawn.status, 410);
  EXPECT_NE(withdrawn.body.find("Deze melding is ingetrokken"), std::string::npos);
  EXPECT_EQ(withdrawn.body.find(kCanary), std::string::npos);

  // The lead sees only that it was withdrawn.
  Browser lead(t_->port());
  auto login = lead.Login("meldpunt@99dm.demo", app::kDemoPassword,
                          *crypto::TotpCode(app::kDemoTotpSecret, t_->clock().NowMillis() / 1000));
  ASSERT_EQ(login.Header("location"), "/dashboard");
  auto dashboard = lead.Get("/dashboard");
  EXPECT_NE(dashboard.body.find(number), std::string::npos);
  auto seen = lead.Get("/meldpunt/zaken/" + case_id);
  ASSERT_EQ(seen.status, 200);
  EXPECT_NE(seen.body.find("Ingetrokken door de melder"), std::string::npos);
  EXPECT_EQ(seen.body.find(kCanary), std::string::npos);

  // No row holds the canary; on SQLite neither the file nor its WAL.
  EXPECT_TRUE(RowsHolding(kCanary).empty()) << ::testing::PrintToString(RowsHolding(kCanary));
  EXPECT_TRUE(RowsHolding(code).empty());
  if (GetParam() == db::Dialect::kSqlite) {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(t_->db_name().c_str(), &raw), SQLITE_OK);
    sqlite3_busy_timeout(raw, 5000);
    EXPECT_EQ(sqlite3_exec(raw, "PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(raw);
    int files = 0;
    for (const auto& root : {std::filesystem::path(t_->db_name()).parent_path(),
                             std::filesystem::path(t_->data_dir())}) {
      for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
        if (!entry.is_regular_file()) continue;
        std::ifstream in(entry.path(), std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        ++files;
        EXPECT_EQ(bytes.find(kCanary), std::string::npos) << entry.path();
      }
    }
    EXPECT_GT(files, 0);
  }
}

TEST_P(WithdrawalHttpTest, TheConfirmationIsInEnglishTooAndNeedsTheCode) {
  Browser nobody(t_->port());
  EXPECT_EQ(nobody.Get("/melding/intrekken").status, 401);  // no session: the code form
  json receipt = Submit();
  Browser rep(t_->port());
  rep.Get("/lang/en?next=/melding");
  ASSERT_EQ(EnterCode(rep, receipt["receipt"]).status, 303);
  auto confirm = rep.Get("/melding/intrekken");
  ASSERT_EQ(confirm.status, 200);
  EXPECT_NE(confirm.body.find("lang=\"en\""), std::string::npos);
  EXPECT_NE(confirm.body.find("Withdraw your report"), std::string::npos);
  EXPECT_NE(confirm.body.find("This cannot be undone"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, WithdrawalHttpTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgres),
                         [](const ::testing::TestParamInfo<db::Dialect>& p) {
                           return std::string(p.param == db::Dialect::kSqlite ? "sqlite"
                                                                              : "postgres");
                         });

}  // namespace
