// Need-to-know access to cases (P8), over real HTTP on both databases: every
// case route in the router's own table, so a new one is covered the day it
// is added, called by every demo role of the school, by a lead of another
// school and by an anonymous visitor.
//
// Expected: only the school's meldpunt lead and the handler assigned to the
// case get in. Roles without the right to handle cases get 403; a handler
// of this school who is not assigned, and a lead of another school, get the
// same 404 as for a case that does not exist (P8: no confirmation of
// existence). Anonymous visitors are sent to log in.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "app/demo.h"
#include "crypto/random.h"
#include "crypto/totp.h"
#include "test_app.h"

namespace {

using nlohmann::json;
using testing_support::Browser;
using testing_support::TestApp;

constexpr char kCasePrefix[] = "/meldpunt/zaken/{id}";

class CaseAccessTest : public ::testing::TestWithParam<db::Dialect> {
 protected:
  void SetUp() override {
    std::string reason;
    t_ = TestApp::Start(GetParam(), &reason);
    ASSERT_TRUE(t_ || reason.rfind("FAIL: ", 0) != 0) << reason;
    if (!t_) GTEST_SKIP() << reason;
  }
  std::unique_ptr<Browser> LoggedIn(const std::string& login) {
    auto b = std::make_unique<Browser>(t_->port());
    auto res = b->Login(login, app::kDemoPassword,
                        *crypto::TotpCode(app::kDemoTotpSecret, t_->clock().NowMillis() / 1000));
    EXPECT_EQ(res.status, 303) << login;
    return b;
  }
  // A new report at 99DM; returns the case id (never shown to reporters).
  std::string NewCase() {
    web::TestClient c("127.0.0.1", t_->port());
    json report = {{"mode", "anonymous"},          {"phase", "internship"},
                   {"grounds", {"religion"}},      {"narrative", "Opmerkingen over mijn hoofddoek."},
                   {"wishes", {"talk"}},           {"consent", json::object()}};
    auto res = c.PostJson("/api/v1/schools/99DM/reports", report.dump());
    EXPECT_EQ(res.status, 201) << res.body;
    std::string number = json::parse(res.body)["case_number"];
    std::string id;
    EXPECT_TRUE(t_->db()
                    .Read([&](db::Connection& conn) -> common::Status {
                      SP_ASSIGN_OR_RETURN(db::Row r, conn.QueryOne("SELECT id FROM cases WHERE "
                                                                   "case_number = $1",
                                                                   {number}));
                      id = r.Text(0);
                      return common::Status::Ok();
                    })
                    .ok());
    return id;
  }
  web::ClientResponse Call(Browser& b, const web::Route& route, const std::string& path) {
    return route.method == web::Method::kGet ? b.Get(path) : b.Post(path, "");
  }
  std::unique_ptr<TestApp> t_;
};

std::string PathFor(const std::string& pattern, const std::string& case_id) {
  std::string path = pattern;
  auto put = [&](const std::string& name, const std::string& value) {
    size_t at = path.find(name);
    if (at != std::string::npos) path.replace(at, name.size(), value);
  };
  put("{id}", case_id);
  put("{task}", crypto::RandomId());
  put("{file}", crypto::RandomId());
  put("{reveal}", crypto::RandomId());
  return path;
}

TEST_P(CaseAccessTest, EveryRoleAgainstEveryCaseRoute) {
  std::vector<const web::Route*> case_routes;
  for (const web::Route& r : t_->app().router().routes()) {
    if (r.pattern.rfind(kCasePrefix, 0) == 0) case_routes.push_back(&r);
  }
  ASSERT_GE(case_routes.size(), 9u);

  std::string assigned_case = NewCase();
  std::string unassigned_case = NewCase();
  auto lead = LoggedIn("meldpunt@99dm.demo");
  // A handler's key pair is made at their first login; only then can a case
  // key be sealed to them.
  auto assigned = LoggedIn("meldpunt2@99dm.demo");
  auto handler2 = t_->app().accounts().UserByLogin("meldpunt2@99dm.demo");
  ASSERT_TRUE(handler2.ok());
  ASSERT_EQ(lead->Post("/meldpunt/zaken/" + assigned_case + "/toewijzen",
                       "assignee=" + handler2->id)
                .status,
            303);

  struct Denied {
    std::string login;  // "" = anonymous
    std::string case_id;
    int get_status;
    int post_status;
  };
  std::vector<Denied> denied = {{"", assigned_case, 303, 403}};
  for (const char* role : {"student", "teacher", "coordinator", "management", "company", "admin"})
    denied.push_back({std::string(role) + "@99dm.demo", assigned_case, 403, 403});
  denied.push_back({"meldpunt@98dm.demo", assigned_case, 404, 404});
  denied.push_back({"meldpunt2@99dm.demo", unassigned_case, 404, 404});
  denied.push_back({"sysadmin@demo", assigned_case, 403, 403});

  for (const Denied& d : denied) {
    // A second login in the same TOTP step would be refused as a replay.
    std::unique_ptr<Browser> fresh;
    Browser* b = d.login == "meldpunt2@99dm.demo" ? assigned.get() : nullptr;
    if (!b) {
      fresh = d.login.empty() ? std::make_unique<Browser>(t_->port()) : LoggedIn(d.login);
      b = fresh.get();
    }
    if (d.login.empty()) b->Get("/login");  // a CSRF cookie, so POSTs fail on access
    for (const web::Route* route : case_routes) {
      std::string path = PathFor(route->pattern, d.case_id);
      auto res = Call(*b, *route, path);
      int want = route->method == web::Method::kGet ? d.get_status : d.post_status;
      EXPECT_EQ(res.status, want) << (d.login.empty() ? "anonymous" : d.login) << " "
                                  << route->pattern;
      if (d.login.empty() && route->method == web::Method::kGet) {
        EXPECT_EQ(res.Header("location"), "/login") << route->pattern;
      }
    }
  }

  // The lead and the assigned handler get past access control on every
  // route. Empty POSTs are refused as bad input (400), never as forbidden;
  // routes naming a task, file, reveal or referral that does not exist answer 404.
  struct Allowed {
    Browser* browser;
    std::string case_id;
  };
  for (const Allowed& a : {Allowed{lead.get(), unassigned_case}, Allowed{assigned.get(),
                                                                         assigned_case}}) {
    for (const web::Route* route : case_routes) {
      std::string path = PathFor(route->pattern, a.case_id);
      auto res = Call(*a.browser, *route, path);
      bool names_other_object = route->pattern.find("{task}") != std::string::npos ||
                                route->pattern.find("{file}") != std::string::npos ||
                                route->pattern.find("{reveal}") != std::string::npos ||
                                route->pattern.find("{ref}") != std::string::npos;
      EXPECT_NE(res.status, 401) << route->pattern;
      EXPECT_NE(res.status, 403) << route->pattern;
      if (!names_other_object) {
        EXPECT_NE(res.status, 404) << route->pattern;
      }
      EXPECT_LT(res.status, 500) << route->pattern;
    }
  }
}

// P9 over HTTP: a lead asks for a confidential reporter's identity with a
// reason; neither the same lead, a handler, nor another school can decide; the
// school admin with the recovery key approves; only then does the lead see
// the name; the reporter is told with their code, and the meldpunt's log (not
// the school admin's) shows both steps.
TEST_P(CaseAccessTest, IdentityRevealTakesTwoPeopleOverHttp) {
  web::TestClient api("127.0.0.1", t_->port());
  json report = {{"mode", "confidential"},
                 {"phase", "search"},
                 {"grounds", {"origin"}},
                 {"narrative", "Na mijn naam kreeg ik geen antwoord meer."},
                 {"wishes", {"talk"}},
                 {"consent", json::object()},
                 {"reporter", {{"name", "Noor Vertrouwelijk"}, {"student_number", "2100777"}}}};
  auto sent = api.PostJson("/api/v1/schools/99DM/reports", report.dump());
  ASSERT_EQ(sent.status, 201) << sent.body;
  json receipt = json::parse(sent.body);
  std::string case_id;
  ASSERT_TRUE(t_->db()
                  .Read([&](db::Connection& c) -> common::Status {
                    SP_ASSIGN_OR_RETURN(db::Row r,
                                        c.QueryOne("SELECT id FROM cases WHERE "
                                                   "case_number = $1",
                                                   {receipt["case_number"].get<std::string>()}));
                    case_id = r.Text(0);
                    return common::Status::Ok();
                  })
                  .ok());
  const std::string base = "/meldpunt/zaken/" + case_id;

  auto lead = LoggedIn("meldpunt@99dm.demo");
  auto page = lead->Get(base);
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.body.find("Noor Vertrouwelijk"), std::string::npos);
  // The reason is required and its field is named; what was typed is kept on errors.
  auto empty = lead->Post(base + "/identiteit", "reveal_reason=");
  EXPECT_EQ(empty.status, 400);
  EXPECT_NE(empty.body.find("id=\"reveal_reason-error\""), std::string::npos);
  lead->Get(base);
  auto asked = lead->Post(base + "/identiteit", "reveal_reason=Aangifte+bij+de+politie");
  ASSERT_EQ(asked.status, 303) << asked.body;
  std::string reveal_id;
  ASSERT_TRUE(t_->db()
                  .Read([&](db::Connection& c) -> common::Status {
                    SP_ASSIGN_OR_RETURN(db::Row r,
                                        c.QueryOne("SELECT id FROM identity_reveals WHERE "
                                                   "case_id = $1",
                                                   {case_id}));
                    reveal_id = r.Text(0);
                    return common::Status::Ok();
                  })
                  .ok());
  const std::string decide = base + "/identiteit/" + reveal_id + "/besluit";

  // The same lead cannot approve their own request.
  lead->Get(base);
  EXPECT_EQ(lead->Post(decide, "decision=approve").status, 409);
  EXPECT_EQ(lead->Get(base).body.find("Noor Vertrouwelijk"), std::string::npos);
  // A handler who is not on the case, another school's lead: as if missing.
  auto handler = LoggedIn("meldpunt2@99dm.demo");
  handler->Get("/meldpunt");
  EXPECT_EQ(handler->Post(decide, "decision=approve").status, 404);
  auto other = LoggedIn("meldpunt@98dm.demo");
  other->Get("/meldpunt");
  EXPECT_EQ(other->Post(decide, "decision=approve").status, 404);
  EXPECT_EQ(other->Post(base + "/identiteit", "reveal_reason=Waarom+niet").status, 404);

  // The school admin decides with the recovery key.
  auto admin = LoggedIn("admin@99dm.demo");
  auto list = admin->Get("/admin/meldpunt/onthullingen");
  ASSERT_EQ(list.status, 200);
  EXPECT_NE(list.body.find(receipt["case_number"].get<std::string>()), std::string::npos);
  EXPECT_EQ(list.body.find("Aangifte"), std::string::npos);  // the reason is sealed
  const std::string admin_decide = "/admin/meldpunt/onthullingen/" + reveal_id;
  EXPECT_EQ(admin->Post(admin_decide, "decision=approve&recovery_code=AAAA").status, 403);
  admin->Get("/admin/meldpunt/onthullingen");
  auto approved = admin->Post(
      admin_decide, std::string("decision=approve&recovery_code=") + app::kDemoRecoveryCode);
  EXPECT_EQ(approved.status, 200) << approved.body;
  EXPECT_NE(lead->Get(base).body.find("Noor Vertrouwelijk"), std::string::npos);

  // The reporter is told, with the reason and without names of staff.
  Browser reporter(t_->port());
  reporter.Get("/melding");
  ASSERT_EQ(reporter.Post("/melding", "receipt=" + receipt["receipt"].get<std::string>()).status,
            303);
  auto mine = reporter.Get("/melding/zaak");
  ASSERT_EQ(mine.status, 200);
  EXPECT_NE(mine.body.find("Je identiteit is bekendgemaakt aan een leidinggevende van het "
                           "meldpunt omdat: Aangifte bij de politie"),
            std::string::npos);
  EXPECT_EQ(mine.body.find("Mo Bakker"), std::string::npos) << "no names of staff";

  // Both steps are in the meldpunt's log, and in no admin view.
  auto log = lead->Get("/meldpunt/logboek");
  ASSERT_EQ(log.status, 200);
  EXPECT_NE(log.body.find("case.identity_request"), std::string::npos);
  EXPECT_NE(log.body.find("case.identity_approve"), std::string::npos);
  auto admin_log = admin->Get("/admin/audit");
  ASSERT_EQ(admin_log.status, 200);
  EXPECT_EQ(admin_log.body.find("case."), std::string::npos);
  EXPECT_EQ(handler->Get("/meldpunt/logboek").status, 403);  // leads only
}

// M7 and M6 over HTTP: a logged-in student reports anonymously. Nothing
// written at that moment carries their id: the session is not touched, no
// notification is made, and the audit record names nobody and only the day;
// the school admin's audit view shows no case record at all. The lead finds
// the case by its random number typed in lower case without dashes.
TEST_P(CaseAccessTest, AnonymousReportByALoggedInStudentLeavesNoLinkedTrace) {
  Browser student(t_->port());
  ASSERT_EQ(student.Login("student@99dm.demo", app::kDemoPassword).status, 303);
  auto cell = [&](const std::string& sql, const db::Params& params) {
    std::string out;
    EXPECT_TRUE(t_->db()
                    .Read([&](db::Connection& c) -> common::Status {
                      SP_ASSIGN_OR_RETURN(db::Row r, c.QueryOne(sql, params));
                      out = r.IsNull(0) ? "NULL" : std::to_string(r.Int(0));
                      return common::Status::Ok();
                    })
                    .ok());
    return out;
  };
  const std::string last_seen_sql =
      "SELECT MAX(s.last_seen_at) FROM sessions s JOIN users u ON u.id = s.user_id WHERE "
      "u.login = 'student@99dm.demo'";
  const std::string notes_sql =
      "SELECT COUNT(*) FROM notifications n JOIN users u ON u.id = n.user_id WHERE "
      "u.login = 'student@99dm.demo'";
  std::string seen_before = cell(last_seen_sql, {});
  std::string notes_before = cell(notes_sql, {});
  t_->clock().Advance(std::chrono::minutes(5));  // past the session's touch interval

  ASSERT_EQ(student.Get("/s/99DM/melden").status, 200);
  auto sent = student.Post("/s/99DM/melden",
                           "mode=anonymous&phase=search&grounds=origin&wishes=talk&narrative="
                           "Ze+vroegen+naar+mijn+achternaam.");
  ASSERT_EQ(sent.status, 201) << sent.body.substr(0, 2000);
  size_t at = sent.body.find("id=\"case-number\">");
  ASSERT_NE(at, std::string::npos);
  at += std::string("id=\"case-number\">").size();
  std::string number = sent.body.substr(at, sent.body.find('<', at) - at);
  EXPECT_EQ(number.size(), 11u) << number;

  EXPECT_EQ(cell(last_seen_sql, {}), seen_before) << "the session was touched";
  EXPECT_EQ(cell(notes_sql, {}), notes_before);
  EXPECT_EQ(cell("SELECT COUNT(*) FROM audit_log a JOIN cases c ON c.id = a.object_id WHERE "
                 "c.case_number = $1 AND a.action = 'case.create' AND a.actor = '' AND "
                 "a.at % 86400000 = 0",
                 {number}),
            "1");
  auto student_id = t_->app().accounts().UserByLogin("student@99dm.demo");
  ASSERT_TRUE(student_id.ok());
  EXPECT_EQ(cell("SELECT COUNT(*) FROM audit_log WHERE actor = $1 AND action LIKE 'case.%'",
                 {student_id->id}),
            "0");

  auto admin = LoggedIn("admin@99dm.demo");
  auto audit = admin->Get("/admin/audit");
  ASSERT_EQ(audit.status, 200);
  EXPECT_EQ(audit.body.find("case."), std::string::npos);
  EXPECT_NE(audit.body.find("login"), std::string::npos);

  auto lead = LoggedIn("meldpunt@99dm.demo");
  std::string typed = number.substr(2, 4) + number.substr(7, 4);
  for (char& ch : typed) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  auto found = lead->Get("/meldpunt?nummer=" + typed);
  ASSERT_EQ(found.status, 200);
  EXPECT_NE(found.body.find(">" + number + "<"), std::string::npos);
  auto problems = t_->app().audit().Verify(t_->db());
  ASSERT_TRUE(problems.ok());
  EXPECT_TRUE(problems->empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, CaseAccessTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgres),
                         [](const ::testing::TestParamInfo<db::Dialect>& p) {
                           return p.param == db::Dialect::kSqlite ? "sqlite" : "postgres";
                         });

}  // namespace
