// Test support: a real App on a real HTTP server on a free loopback port, on
// SQLite or PostgreSQL, with demo data and a controllable clock; plus a
// cookie-keeping client that behaves like a browser without JavaScript.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "app/app.h"
#include "common/clock.h"
#include "db/db_testing.h"
#include "web/server.h"
#include "web/test_client.h"

namespace testing_support {

class TestApp {
 public:
  // Returns nullptr with a reason: a skip when PostgreSQL is not configured,
  // otherwise a failure (the reason then starts with "FAIL: ").
  static std::unique_ptr<TestApp> Start(db::Dialect dialect, std::string* skip_reason,
                                        bool tls_in_front = false);
  ~TestApp();

  uint16_t port() const { return server_->port(); }
  app::App& app() { return *app_; }
  const std::string& data_dir() const { return data_dir_; }
  // SQLite: the database file; PostgreSQL: the database name.
  const std::string& db_name() const { return test_db_->name(); }
  db::Database& db() { return test_db_->db(); }
  common::FakeClock& clock() { return clock_; }
  db::testing::TestDatabase& test_db() { return *test_db_; }

 private:
  TestApp() : clock_(common::SystemClock::Instance().NowMillis()) {}
  common::FakeClock clock_;
  std::unique_ptr<db::testing::TestDatabase> test_db_;
  std::unique_ptr<app::App> app_;
  std::string data_dir_;
  std::unique_ptr<web::Server> server_;
};

class Browser {
 public:
  explicit Browser(uint16_t port) : client_("127.0.0.1", port) {}
  web::ClientResponse Get(const std::string& path);
  // Posts a form; adds the CSRF token found on `form_page` unless `csrf` is given.
  web::ClientResponse Post(const std::string& path, std::string body);
  web::ClientResponse PostWithCsrf(const std::string& path, const std::string& body,
                                   const std::string& csrf);
  // Logs in through the forms (password, then TOTP when needed).
  web::ClientResponse Login(const std::string& login, const std::string& password,
                            const std::string& totp_code = "");
  std::string last_csrf() const { return csrf_; }
  // Connects from another loopback address (a second client), from the next
  // connection on; call before the first request.
  void set_source_address(std::string address) { client_.set_source_address(std::move(address)); }
  std::map<std::string, std::string>& cookies() { return cookies_; }

 private:
  web::HeaderList CookieHeader() const;
  void Remember(const web::ClientResponse& res);

  web::TestClient client_;
  std::map<std::string, std::string> cookies_;
  std::string csrf_;
};

// The value of the first hidden csrf field in `html`.
std::string ExtractCsrf(const std::string& html);

}  // namespace testing_support
