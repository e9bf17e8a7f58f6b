#include "test_app.h"

#include <filesystem>
#include <stdlib.h>

#include "app/demo.h"
#include "db/migrate.h"
#include "web/http.h"

namespace testing_support {

std::unique_ptr<TestApp> TestApp::Start(db::Dialect dialect, std::string* skip_reason,
                                        bool tls_in_front) {
  auto created = db::testing::TestDatabase::Create(dialect);
  if (!created.ok()) {
    // Only an unconfigured PostgreSQL is a reason to skip; anything else fails.
    bool unconfigured = dialect == db::Dialect::kPostgres && db::testing::PgTestConninfo().empty();
    *skip_reason = (unconfigured ? "" : "FAIL: ") + created.status().ToString();
    return nullptr;
  }
  std::unique_ptr<TestApp> t(new TestApp());
  t->test_db_ = std::move(*created);
  if (!db::Migrate(t->db()).ok()) {
    *skip_reason = "FAIL: migration failed";
    return nullptr;
  }
  app::AppConfig config;
  config.tls = tls_in_front;
  char dir_template[] = "/tmp/stagepunt-test-XXXXXX";
  if (!mkdtemp(dir_template)) {
    *skip_reason = "FAIL: no temp dir";
    return nullptr;
  }
  t->data_dir_ = dir_template;
  config.data_dir = t->data_dir_;
  // Submission limits are off unless a test turns them on (many tests
  // report from 127.0.0.1, and the fake clock does not drain the buckets).
  config.report_rate_limit_per_minute = 0;
  config.report_client_limit_per_minute = 0;
  app::AppSecrets secrets{std::string(32, 'a'), {std::string(32, 'b'), std::string(32, 'c')}};
  t->app_ = std::make_unique<app::App>(config, t->db(), t->clock_, secrets);
  t->app_->LoadAssets(STAGEPUNT_TEST_ASSETS);
  if (auto seeded = app::SeedDemo(*t->app_); !seeded.ok()) {
    *skip_reason = "FAIL: demo seed failed: " + seeded.status().ToString();
    return nullptr;
  }
  web::ServerOptions options;
  options.port = 0;
  t->server_ = std::make_unique<web::Server>(options, t->app_->Hooks());
  if (!t->server_->Start().ok()) {
    *skip_reason = "FAIL: server did not start";
    return nullptr;
  }
  return t;
}

TestApp::~TestApp() {
  if (server_) server_->Stop();
  std::error_code ec;
  if (!data_dir_.empty()) std::filesystem::remove_all(data_dir_, ec);
}

std::string ExtractCsrf(const std::string& html) {
  const std::string marker = "name=\"csrf\" value=\"";
  size_t at = html.find(marker);
  if (at == std::string::npos) return {};
  at += marker.size();
  return html.substr(at, html.find('"', at) - at);
}

web::HeaderList Browser::CookieHeader() const {
  std::string all;
  for (const auto& [k, v] : cookies_) {
    if (!all.empty()) all += "; ";
    all += k + "=" + v;
  }
  if (all.empty()) return {};
  return {{"Cookie", all}};
}

void Browser::Remember(const web::ClientResponse& res) {
  for (const std::string& c : res.Headers("set-cookie")) {
    size_t eq = c.find('=');
    size_t semi = c.find(';');
    std::string name = c.substr(0, eq);
    std::string value = c.substr(eq + 1, semi - eq - 1);
    if (c.find("Max-Age=0") != std::string::npos) {
      cookies_.erase(name);
    } else {
      cookies_[name] = value;
    }
  }
  std::string csrf = ExtractCsrf(res.body);
  if (!csrf.empty()) csrf_ = csrf;
}

web::ClientResponse Browser::Get(const std::string& path) {
  auto res = client_.Get(path, CookieHeader());
  Remember(res);
  return res;
}

web::ClientResponse Browser::PostWithCsrf(const std::string& path, const std::string& body,
                                          const std::string& csrf) {
  std::string full = "csrf=" + web::UrlEncode(csrf) + (body.empty() ? "" : "&" + body);
  auto res = client_.PostForm(path, full, CookieHeader());
  Remember(res);
  return res;
}

web::ClientResponse Browser::Post(const std::string& path, std::string body) {
  return PostWithCsrf(path, body, csrf_);
}

web::ClientResponse Browser::Login(const std::string& login, const std::string& password,
                                   const std::string& totp_code) {
  Get("/login");
  auto res = Post("/login", "login=" + web::UrlEncode(login) + "&password=" + web::UrlEncode(password));
  if (res.status == 303 && res.Header("location") == "/login/totp" && !totp_code.empty()) {
    Get("/login/totp");
    res = Post("/login/totp", "code=" + totp_code);
  }
  // Like a browser, follow the redirect (and so pick up the page's CSRF token).
  if (res.status == 303) Get(res.Header("location"));
  return res;
}

}  // namespace testing_support
