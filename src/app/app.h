// File: app/app.h
//
// The composition root: configuration → database → services → routes → the
// HTTP server hooks. Every route is registered through App::Route with an
// access rule, so authorization is decided centrally and the route table can
// drive the authorization-matrix tests.
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "audit/audit_log.h"
#include "auth/accounts.h"
#include "auth/login_throttle.h"
#include "auth/password_gate.h"
#include "auth/password_reset.h"
#include "auth/sessions.h"
#include "common/clock.h"
#include "crypto/client_key.h"
#include "db/database.h"
#include "domain/company_pause.h"
#include "domain/roles.h"
#include "mail/outbox.h"
#include "mail/sender.h"
#include "retention/runner.h"
#include "meldpunt/keyring.h"
#include "meldpunt/service.h"
#include "meldpunt/throttle.h"
#include "norm/service.h"
#include "notify/notifications.h"
#include "placement/service.h"
#include "views/render.h"
#include "web/router.h"
#include "web/server.h"

namespace app {

// Secrets from DATA_DIR/keys (keys/keystore.h), never from the database.
struct AppSecrets {
  std::string audit_key;
  meldpunt::ServerSecrets meldpunt;
};

struct AppConfig {
  std::string data_dir = "var";
  std::string assets_dir;  // frontend/dist; empty: the path compiled in
  bool tls = false;        // TLS terminates in front (nginx): Secure cookies + HSTS
  // The public meldpunt's limits (meldpunt/throttle.h), 0 = none: reports
  // without an account per client per minute, and per school per minute
  // over all clients (a far higher ceiling); and the MB of attachments
  // reporters may add per school per UTC day.
  int report_client_limit_per_minute = meldpunt::SubmissionLimits::kClientPerMinute;
  int report_rate_limit_per_minute = meldpunt::SubmissionLimits::kSchoolPerMinute;
  int64_t reporter_upload_mb_per_school_day = 500;
  // Cases across all schools from which a company shows a signal to leads;
  // never below 5 whatever is configured (domain::CrossSchoolThreshold).
  int signal_alert_threshold = domain::kMinCrossSchoolThreshold;
  // The app's address as users reach it: links in mails (mail/outbox.h) and the
  // redirect URI of single sign-on (PUBLIC_URL/auth/oidc/callback).
  std::string public_url = "http://127.0.0.1:8080";
  // How queued mail leaves (mail/sender.h): SMTP URL, password (read from
  // its file), From. public_url and eml_dir (DATA_DIR/outbox) are set by App.
  mail::SenderOptions mail;
  // Where the servers are, for the privacy page (`serve --hosting-location`);
  // empty: the page says "de EU" / "the EU".
  std::string hosting_location;
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
  web::Form form;                    // parsed body of urlencoded (or multipart) POSTs
  std::vector<web::FilePart> files;  // uploads of a multipart POST
  nlohmann::json json;               // parsed body of an API POST

  const std::string& T(std::string_view key) const { return views::Translate(locale, key); }
  // A Page with the layout's common fields filled in.
  views::Page MakePage(std::string title) const;
  web::Response Render(std::string_view template_name, const views::Page& page, views::Data body,
                       int status = 200) const;
  web::Response ErrorPage(int status) const;
  const auth::User& user() const { return session->user; }
  // The meldpunt handler behind this request, with their key when the
  // browser still holds the `sp_key` cookie.
  meldpunt::Staff Staff() const;
};

using CtxHandler = std::function<web::Response(Ctx&)>;

// The CSRF token for a form: the session's, or before login a double-submit
// cookie (set on `set_cookie_on` when new).
std::string AnonymousCsrf(Ctx& ctx, web::Response* set_cookie_on);
std::string FormCsrf(Ctx& ctx, web::Response* set_cookie_on);

// The element id for an error's field ("reporter.name" -> "reporter_name"),
// so the error summary links to the input.
std::string FieldId(std::string_view field);

// The page's words for a password the policy refused (crypto::PolicyReasonCode):
// invitations, resets and changes alike.
std::string PasswordPolicyMessage(const Ctx& ctx, const common::Status& s);

// JSON API errors per api.md: {"error": {"code", "message", "field"}}.
web::Response JsonError(int status, std::string_view code, std::string_view message,
                        std::string_view field = {});
web::Response JsonErrorFor(const common::Status& s);
int HttpStatusFor(const common::Status& s);

class App {
 public:
  App(AppConfig config, db::Database& db, const common::Clock& clock, AppSecrets secrets);

  void Route(web::Method method, std::string pattern, Access access, CtxHandler handler,
             web::RouteOptions options = {});
  // A JSON API route: authenticated by session cookie (POSTs then need the
  // X-CSRF-Token header) or `Authorization: Bearer` API token; JSON bodies;
  // errors as JSON.
  void ApiRoute(web::Method method, std::string pattern, Access access, CtxHandler handler,
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
  auth::LoginThrottle& login_throttle() { return login_throttle_; }
  auth::TotpThrottle& totp_throttle() { return totp_throttle_; }
  auth::PasswordGate& password_gate() { return password_gate_; }
  auth::Invitations& invitations() { return invitations_; }
  auth::ApiTokens& api_tokens() { return api_tokens_; }
  auth::PasswordResets& password_resets() { return password_resets_; }
  const audit::AuditLog& audit() const { return audit_; }
  const AppConfig& config() const { return config_; }
  meldpunt::Meldpunt& meldpunt() { return meldpunt_; }
  const meldpunt::KeyRing& keyring() const { return keyring_; }
  // Per-client limits of the public meldpunt, keyed by client_key().
  meldpunt::GuessThrottle& receipt_throttle() { return receipt_throttle_; }
  meldpunt::SubmissionLimits& submission_limits() { return submission_limits_; }
  meldpunt::UploadLimits& upload_limits() { return upload_limits_; }
  // The request's client as a key for in-memory limits: a daily-keyed HMAC
  // of its address (crypto/client_key.h), never stored or logged.
  std::string ClientKey(const web::Request& req) { return client_keyer_.KeyFor(req.remote_ip); }
  notify::Notifications& notifications() { return notifications_; }
  placement::Stagematching& stagematching() { return stagematching_; }
  norm::NormService& norm() { return norm_; }
  // Mail that leaves the app: queue in the event's transaction (outbox.h).
  mail::Outbox& outbox() { return outbox_; }
  // Delivers due mails once (serve's housekeeping every ~10 s, `mail send-queued`).
  common::StatusOr<mail::Sender::Run> SendQueuedMail() { return mail_sender_.RunOnce(); }
  // The retention runner (retention/runner.h) on this app's database, audit
  // log and .eml directory: the daily job, `stagepunt retention` and the
  // admin's retention page.
  retention::Runner RetentionRunner() const {
    return retention::Runner(db_, audit_, clock_, {.eml_dir = mail_sender_.options().eml_dir});
  }
  // Runs the scheduled jobs that are due: deadline alerts hourly, retention
  // daily. A lease in the database makes each run on one instance only.
  void RunScheduledJobs();
  std::string SessionCookieName() const { return config_.tls ? "__Host-sid" : "sid"; }
  std::string CookieAttributes() const;

  // Serves frontend/dist; false when the manifest is missing.
  bool LoadAssets(const std::string& dist_dir);

 private:
  web::Response RunRoute(const web::Route& route, Access access, const CtxHandler& handler,
                         web::Request& req);
  web::Response RunApiRoute(Access access, const CtxHandler& handler, web::Request& req);
  void Finalize(const web::Request* req, web::Response& res, bool is_static) const;
  // True when this instance claimed the job `name`, last run at least
  // `interval_ms` ago on any instance.
  bool ClaimJob(std::string_view name, common::UnixMillis interval_ms);

  AppConfig config_;
  db::Database& db_;
  const common::Clock& clock_;
  auth::Accounts accounts_;
  auth::Sessions sessions_;
  auth::LoginThrottle login_throttle_;
  auth::TotpThrottle totp_throttle_;
  auth::PasswordGate password_gate_;
  auth::Invitations invitations_;
  auth::ApiTokens api_tokens_;
  auth::PasswordResets password_resets_;
  audit::AuditLog audit_;
  meldpunt::KeyRing keyring_;
  meldpunt::Meldpunt meldpunt_;
  crypto::ClientKeyer client_keyer_;
  meldpunt::GuessThrottle receipt_throttle_;
  meldpunt::SubmissionLimits submission_limits_;
  meldpunt::UploadLimits upload_limits_;
  notify::Notifications notifications_;
  placement::Stagematching stagematching_;
  norm::NormService norm_;
  mail::Outbox outbox_;
  mail::Sender mail_sender_;
  web::Router router_;
  std::vector<Access> access_;  // parallel to router_.routes()
  std::map<std::string, std::pair<std::string, std::string>> assets_;  // path -> (type, bytes)
};

// Route groups, one file each.
void RegisterPublicRoutes(App& app);
void RegisterAuthRoutes(App& app);
void RegisterAdminRoutes(App& app);
void RegisterReportRoutes(App& app);  // the public report form and the reporter's pages
void RegisterCaseRoutes(App& app);    // the meldpunt handler's inbox and case pages
void RegisterSignalRoutes(App& app);  // signal register, pauses, meldpunt settings
void RegisterApiRoutes(App& app);     // /api/v1 (api.md)
void RegisterPlacementRoutes(App& app);  // the coordinator's stagematching pages
void RegisterStudentPlacementRoutes(App& app);  // a student's leerwens and placement
void RegisterCompanyRoutes(App& app);   // a company contact's places, norm and placements
void RegisterNormRoutes(App& app);        // public norm page, its editor, student's reading, pulse
void RegisterAssessmentRoutes(App& app);  // self-assessment, training register, own training
// The norm to read and pulse invitations on the student's /stage page.
void AddStudentNormParts(Ctx& ctx, views::Data& body);
void RegisterMonitorRoutes(App& app);        // the school's monitor dashboard (issue 6)
void RegisterMonitorReportRoutes(App& app);  // yearly report, exports, deployment-wide report
void RegisterRetentionRoutes(App& app);      // the school admin's retention periods and preview
void RegisterMailRoutes(App& app);           // a user's mail opt-outs, the system admin's mail list
void RegisterSsoRoutes(App& app);  // single sign-on (OIDC), the school login page, /admin/sso
// The /login page's "sign in with your school account" list; where logout at
// the school's identity provider goes ("" when the session is no SSO login).
void AddSsoSchools(Ctx& ctx, views::Data& body);
std::string SsoLogoutRedirect(Ctx& ctx);
void RegisterLeadRoutes(App& app);      // the school admin's meldpunt leads and their keys
void RegisterPasswordRoutes(App& app);  // password forgotten, reset and change
void RegisterContactRoutes(App& app);        // coordinators: company contacts, students' logins
// The rights of students and company contacts (download, correction, erasure,
// objection) on /account/privacy, and the school admin's answers.
void RegisterRightsRoutes(App& app);
void RegisterRightsAdminRoutes(App& app);  // called by RegisterRightsRoutes
void RegisterPrivacyPageRoutes(App& app);  // privacy pages and the admin's FG details

// Whether a report to `school` may be taken now (H4). A logged-in student or
// staff member of the school is accountable and never refused; anyone else
// counts against their client's limit and the school's ceiling
// (meldpunt::SubmissionLimits). On false the caller answers 429.
bool AdmitReport(Ctx& ctx, const auth::School& school);

// An attachment as a download (never inline), with a neutral file name.
web::Response FileResponse(const meldpunt::Meldpunt::FileContent& file);

// The `sp_key` cookie holding a handler's key-session secret.
inline constexpr char kKeyCookie[] = "sp_key";
// The reporter's session cookie (after entering their code).
inline constexpr char kReporterCookie[] = "sp_rep";

// Audit helper used by handlers: failures to audit fail the request.
audit::Entry AuditEntry(const Ctx& ctx, std::string action, std::string object_type,
                        std::string object_id, std::string result = "ok");

}  // namespace app
