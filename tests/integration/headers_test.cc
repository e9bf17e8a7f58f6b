// Security headers on every route of the router's own table (issue 7 item
// 6; promises P15, P16), over real HTTP on both databases, with TLS in front
// (--tls-in-front) and without, for every status the routes give: 200, 303,
// 400, 401, 403, 404, 405, 415, and the server's own error pages.
//
// Every response must carry: a Content-Security-Policy without unsafe-inline
// or unsafe-eval and with frame-ancestors 'none'; X-Frame-Options DENY;
// nosniff; Referrer-Policy no-referrer; a Permissions-Policy; Cache-Control
// no-store unless it is a public hashed asset; no Server version; and HSTS
// (max-age of at least a year) exactly when TLS terminates in front.
// Cookies are HttpOnly, SameSite=Strict, and Secure with TLS.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "app/demo.h"
#include "crypto/random.h"
#include "test_app.h"

namespace {

using testing_support::Browser;
using testing_support::TestApp;

struct Mode {
  db::Dialect dialect;
  bool tls;
};

class HeadersTest : public ::testing::TestWithParam<Mode> {
 protected:
  void SetUp() override {
    std::string reason;
    t_ = TestApp::Start(GetParam().dialect, &reason, GetParam().tls);
    ASSERT_TRUE(t_ || reason.rfind("FAIL: ", 0) != 0) << reason;
    if (!t_) GTEST_SKIP() << reason;
  }

  // Checks one response; `what` names it in failures.
  void Check(const web::ClientResponse& res, const std::string& what) {
    ++statuses_[res.status];
    std::string csp = res.Header("content-security-policy");
    EXPECT_NE(csp.find("default-src 'none'"), std::string::npos) << what;
    EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << what;
    EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << what;
    EXPECT_EQ(csp.find("unsafe-eval"), std::string::npos) << what;
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << what;
    EXPECT_NE(csp.find("object-src 'none'"), std::string::npos) << what;
    EXPECT_NE(csp.find("base-uri 'none'"), std::string::npos) << what;
    EXPECT_EQ(res.Header("x-frame-options"), "DENY") << what;
    EXPECT_EQ(res.Header("x-content-type-options"), "nosniff") << what;
    EXPECT_EQ(res.Header("referrer-policy"), "no-referrer") << what;
    std::string permissions = res.Header("permissions-policy");
    for (const char* feature : {"camera=()", "microphone=()", "geolocation=()"})
      EXPECT_NE(permissions.find(feature), std::string::npos) << what << " " << feature;
    bool public_asset = what.find("/assets/") != std::string::npos && res.status == 200;
    if (public_asset) {
      EXPECT_NE(res.Header("cache-control").find("immutable"), std::string::npos) << what;
    } else {
      EXPECT_EQ(res.Header("cache-control"), "no-store") << what;
    }
    std::string server = res.Header("server");
    EXPECT_EQ(server.find_first_of("0123456789"), std::string::npos)
        << what << ": Server header leaks a version: " << server;
    EXPECT_EQ(res.Header("x-powered-by"), "") << what;
    std::string hsts = res.Header("strict-transport-security");
    if (GetParam().tls) {
      EXPECT_EQ(hsts.rfind("max-age=", 0), 0u) << what;
      EXPECT_GE(std::atol(hsts.c_str() + 8), 31536000L) << what;
      EXPECT_NE(hsts.find("includeSubDomains"), std::string::npos) << what;
    } else {
      EXPECT_EQ(hsts, "") << what << ": HSTS over plain HTTP";
    }
    for (const std::string& cookie : res.Headers("set-cookie")) {
      EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << what << " " << cookie;
      EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos) << what << " " << cookie;
      EXPECT_EQ(cookie.find("Secure") != std::string::npos, GetParam().tls)
          << what << " " << cookie;
    }
  }

  std::unique_ptr<TestApp> t_;
  std::map<int, int> statuses_;
};

std::string Fill(const std::string& pattern) {
  std::string path = pattern;
  for (size_t open = path.find('{'); open != std::string::npos; open = path.find('{')) {
    size_t close = path.find('}', open);
    std::string name = path.substr(open + 1, close - open - 1);
    path.replace(open, close - open + 1,
                 name == "brin"   ? "99DM"
                 : name == "code" ? "en"
                                  : crypto::RandomId());
  }
  return path;
}

TEST_P(HeadersTest, EveryRouteEveryStatusCarriesTheSecurityHeaders) {
  Browser anonymous(t_->port());
  anonymous.Get("/login");
  std::string anon_csrf = anonymous.last_csrf();
  Browser student(t_->port());
  ASSERT_EQ(student.Login("student@99dm.demo", app::kDemoPassword).status, 303);
  std::string student_csrf = student.last_csrf();
  web::TestClient raw("127.0.0.1", t_->port());

  std::set<std::string> asset_paths;
  for (const web::Route& route : t_->app().router().routes()) {
    std::string path = Fill(route.pattern);
    std::string name = std::string(web::MethodName(route.method)) + " " + route.pattern;
    bool api = route.pattern.rfind("/api/", 0) == 0;
    for (Browser* b : {&anonymous, &student}) {
      std::string who = b == &anonymous ? "anonymous " : "student ";
      if (route.method == web::Method::kGet) {
        Check(b->Get(path), who + name);
      } else if (route.pattern != "/logout") {
        Check(b->PostWithCsrf(path, "", b == &anonymous ? anon_csrf : student_csrf), who + name);
        Check(b->PostWithCsrf(path, "", ""), who + name + " (no CSRF token)");
        // Invalid UTF-8 in a form: 400.
        Check(b->PostWithCsrf(path, "x=%FF%FE", b == &anonymous ? anon_csrf : student_csrf),
              who + name + " (bad UTF-8)");
      }
    }
    if (api) {
      Check(raw.PostJson(path, "{not json"), "raw " + name + " (bad JSON)");
      Check(raw.Send("DELETE", path), "raw DELETE " + route.pattern);
    }
  }
  // The real hashed assets (200, public) and pages outside the table.
  for (const std::string& link : {std::string("/"), std::string("/login")}) {
    auto res = anonymous.Get(link);
    for (size_t at = res.body.find("/assets/"); at != std::string::npos;
         at = res.body.find("/assets/", at + 1)) {
      asset_paths.insert(res.body.substr(at, res.body.find('"', at) - at));
    }
  }
  EXPECT_FALSE(asset_paths.empty());
  for (const std::string& asset : asset_paths) Check(raw.Get(asset), "GET " + asset);
  Check(raw.Get("/no/such/page"), "GET unknown path");
  Check(raw.Send("PUT", "/login"), "PUT /login (405)");
  // The server's own error pages: malformed request, oversized header.
  web::TestClient bad("127.0.0.1", t_->port());
  Check(bad.SendRaw("GARBAGE\r\n\r\n"), "malformed request line");
  web::TestClient big("127.0.0.1", t_->port());
  Check(big.SendRaw("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n"),
        "oversized header");
  web::TestClient huge("127.0.0.1", t_->port());
  Check(huge.SendRaw("POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: "
                     "application/x-www-form-urlencoded\r\nContent-Length: 99999999\r\n\r\n"),
        "oversized body");

  std::string seen;
  for (const auto& [status, n] : statuses_)
    seen += " " + std::to_string(status) + "×" + std::to_string(n);
  std::cout << "[ headers  ] statuses checked:" << seen << "\n";
  for (int status : {200, 303, 400, 401, 403, 404, 405, 415, 431})
    EXPECT_GT(statuses_[status], 0) << "no response with status " << status << " was checked";
}

INSTANTIATE_TEST_SUITE_P(
    Backends, HeadersTest,
    ::testing::Values(Mode{db::Dialect::kSqlite, false}, Mode{db::Dialect::kSqlite, true},
                      Mode{db::Dialect::kPostgres, false}, Mode{db::Dialect::kPostgres, true}),
    [](const ::testing::TestParamInfo<Mode>& p) {
      return std::string(p.param.dialect == db::Dialect::kSqlite ? "sqlite" : "postgres") +
             (p.param.tls ? "_tls" : "_plain");
    });

}  // namespace
