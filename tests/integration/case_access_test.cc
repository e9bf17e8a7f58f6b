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
  // routes naming a task or file that does not exist answer 404.
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
                                route->pattern.find("{file}") != std::string::npos;
      EXPECT_NE(res.status, 401) << route->pattern;
      EXPECT_NE(res.status, 403) << route->pattern;
      if (!names_other_object) {
        EXPECT_NE(res.status, 404) << route->pattern;
      }
      EXPECT_LT(res.status, 500) << route->pattern;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, CaseAccessTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgres),
                         [](const ::testing::TestParamInfo<db::Dialect>& p) {
                           return p.param == db::Dialect::kSqlite ? "sqlite" : "postgres";
                         });

}  // namespace
