// File: app/app.h
//
// The composition root: configuration → database → services → routes → the
// HTTP server hooks. Every route is registered through App::Route with an
// access rule, so authorization is decided centrally and the route table can
// drive the authorization-matrix tests.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "audit/audit_log.h"
#include "auth/accounts.h"
#include "auth/sessions.h"
#include "common/clock.h"
#include "db/database.h"
#include "domain/roles.h"
#include "views/render.h"
#include "web/router.h"
#include "web/server.h"

namespace app {

struct AppConfig {
  std::string data_dir = "var";
  std::string assets_dir;  // frontend/dist; empty: the path compiled in
  bool tls = false;        // TLS terminates in front (nginx): Secure cookies + HSTS
  int report_rate_limit_per_minute = 30;
};

// Who may call a route.
struct Access {
  enum class Kind { kPublic, kLoggedIn, kPermission } kind = Kind::kPublic;
  domain::Permission permission = domain::Permission::kViewOwnDashboard;
  static Access Public() { return {}; }
  static Access LoggedIn() { return {Kind::kLoggedIn, domain::Permission::kViewOwnDashboard}; }
  static Access Need(domain::Permission p) { return {Kind::kPermission, p}; }
};

class App;

// Everything a handler needs about the current request.
struct Ctx {
  App& app;
  web::Request& req;
  std::optional<auth::Session> session;  // set when logged in
  views::Locale locale = views::Locale::kNl;
  web::Form form;  // parsed body of urlencoded POSTs

  const std::string& T(std::string_view key) const { return views::Translate(locale, key); }
  // A Page with the layout's common fields filled in.
  views::Page MakePage(std::string title) const;
  web::Response Render(std::string_view template_name, views::Page page, views::Data body,
                       int status = 200) const;
  web::Response ErrorPage(int status) const;
  const auth::User& user() const { return session->user; }
};

using CtxHandler = std::function<web::Response(Ctx&)>;

class App {
 public:
  App(AppConfig config, db::Database& db, const common::Clock& clock, std::string audit_key);

  void Route(web::Method method, std::string pattern, Access access, CtxHandler handler,
             web::RouteOptions options = {});

  // Hooks for web::Server.
  web::ServerHooks Hooks();
  // One request through the whole stack (also used by tests without sockets).
  web::Response Dispatch(web::Request& req);

  const web::Router& router() const { return router_; }
  const std::vector<Access>& route_access() const { return access_; }
  db::Database& db() { return db_; }
  const common::Clock& clock() const { return clock_; }
  auth::Accounts& accounts() { return accounts_; }
  auth::Sessions& sessions() { return sessions_; }
  auth::LoginThrottle& throttle() { return throttle_; }
  auth::Invitations& invitations() { return invitations_; }
  auth::ApiTokens& api_tokens() { return api_tokens_; }
  const audit::AuditLog& audit() const { return audit_; }
  const AppConfig& config() const { return config_; }
  std::string SessionCookieName() const { return config_.tls ? "__Host-sid" : "sid"; }
  std::string CookieAttributes() const;

  // Serves frontend/dist; false when the manifest is missing.
  bool LoadAssets(const std::string& dist_dir);

 private:
  web::Response RunRoute(const web::Route& route, Access access, const CtxHandler& handler,
                         web::Request& req);
  void Finalize(const web::Request* req, web::Response& res, bool is_static) const;

  AppConfig config_;
  db::Database& db_;
  const common::Clock& clock_;
  auth::Accounts accounts_;
  auth::Sessions sessions_;
  auth::LoginThrottle throttle_;
  auth::Invitations invitations_;
  auth::ApiTokens api_tokens_;
  audit::AuditLog audit_;
  web::Router router_;
  std::vector<Access> access_;  // parallel to router_.routes()
  std::map<std::string, std::pair<std::string, std::string>> assets_;  // path -> (type, bytes)
};

// Route groups, one file each.
void RegisterPublicRoutes(App& app);
void RegisterAuthRoutes(App& app);
void RegisterAdminRoutes(App& app);

// Audit helper used by handlers: failures to audit fail the request.
audit::Entry AuditEntry(const Ctx& ctx, std::string action, std::string object_type,
                        std::string object_id, std::string result = "ok");

}  // namespace app
