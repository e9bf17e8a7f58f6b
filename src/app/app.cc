#include "app/app.h"
#include "app/referral_ui.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "app/monitor_ui.h"
#include "common/utf8.h"
#include "crypto/hash.h"
#include "crypto/random.h"
#include "privacy/requests.h"

namespace app {

// The stagebegeleider, their links and /mijn-meldingen (teacher_routes.cc).
void RegisterTeacherRoutes(App& app);

namespace {

constexpr char kCsp[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'; object-src 'none'";

std::string RoleLabel(const Ctx& ctx, domain::Role role) {
  return ctx.T("role_" + std::string(domain::RoleName(role)));
}

bool IsFormPost(const web::Request& req) {
  return req.method == web::Method::kPost &&
         req.Header("content-type").substr(0, 33) == "application/x-www-form-urlencoded";
}

}  // namespace

// `secrets` is taken by value because its keys are moved out below; cppcheck
// does not see moves of members.
// cppcheck-suppress passedByValue
App::App(AppConfig config, db::Database& db, const common::Clock& clock, AppSecrets secrets)
    : config_(std::move(config)),
      db_(db),
      clock_(clock),
      accounts_(db, clock),
      sessions_(accounts_),
      login_throttle_(clock),
      totp_throttle_(clock),
      invitations_(accounts_, password_gate_),
      api_tokens_(accounts_),
      password_resets_(accounts_, password_gate_, clock),
      audit_(std::move(secrets.audit_key), clock),
      keyring_(std::move(secrets.meldpunt), clock),
      meldpunt_(db, clock, audit_, keyring_, config_.data_dir + "/files"),
      client_keyer_(clock),
      receipt_throttle_(clock),
      submission_limits_(clock, config_.report_rate_limit_per_minute,
                         config_.report_client_limit_per_minute),
      upload_limits_(clock),
      notifications_(db, clock),
      stagematching_(db, clock, audit_),
      norm_(db, audit_, clock),
      outbox_(clock, config_.public_url),
      mail_sender_(db, clock, [this] {
        mail::SenderOptions o = config_.mail;
        o.public_url = config_.public_url;
        o.eml_dir = config_.data_dir + "/outbox";
        return o;
      }()) {
  meldpunt::AttachmentQuotas quotas;
  quotas.reporter_bytes_per_school_day = config_.reporter_upload_mb_per_school_day * 1024 * 1024;
  meldpunt_.set_attachment_quotas(quotas);
  meldpunt_.set_outbox(&outbox_);
  RegisterPublicRoutes(*this);
  RegisterAuthRoutes(*this);
  RegisterAdminRoutes(*this);
  RegisterReportRoutes(*this);
  RegisterCaseRoutes(*this);
  RegisterSignalRoutes(*this);
  RegisterApiRoutes(*this);
  RegisterPlacementRoutes(*this);
  RegisterStudentPlacementRoutes(*this);
  RegisterCompanyRoutes(*this);
  RegisterMonitorRoutes(*this);
  RegisterMonitorReportRoutes(*this);
  RegisterSsoRoutes(*this);
  RegisterNormRoutes(*this);
  RegisterAssessmentRoutes(*this);
  RegisterMailRoutes(*this);
  RegisterRetentionRoutes(*this);
  RegisterLeadRoutes(*this);
  RegisterPasswordRoutes(*this);
  RegisterContactRoutes(*this);
  RegisterRightsRoutes(*this);
  RegisterPrivacyPageRoutes(*this);
  RegisterTeacherRoutes(*this);
  RegisterReferralRoutes(*this);  // referral_ui.h: contacts, hand-over summaries, the link
}

void App::ApiRoute(web::Method method, std::string pattern, Access access, CtxHandler handler,
                   web::RouteOptions options) {
  size_t index = access_.size();
  access_.push_back(access);
  router_.Add(
      method, std::move(pattern),
      [this, index, handler = std::move(handler)](web::Request& req) {
        return RunApiRoute(access_[index], handler, req);
      },
      options);
}

namespace {

// A POST's JSON object into ctx.json; the error response when it is not one.
std::optional<web::Response> ParseJsonBody(Ctx& ctx) {
  if (ctx.req.method != web::Method::kPost) return std::nullopt;
  if (ctx.req.Header("content-type").substr(0, 16) != "application/json") {
    return JsonError(415, "unsupported_media_type", "send application/json");
  }
  if (!common::IsValidUtf8(ctx.req.body)) {
    return JsonError(400, "invalid_json", "the body is not valid UTF-8");
  }
  ctx.json = nlohmann::json::parse(ctx.req.body, nullptr, false);
  if (ctx.json.is_discarded() || !ctx.json.is_object()) {
    return JsonError(400, "invalid_json", "the body is not a JSON object");
  }
  return std::nullopt;
}

}  // namespace

std::string FieldId(std::string_view field) {
  std::string id(field);
  for (char& ch : id) {
    if (ch == '.') ch = '_';
  }
  return id;
}

web::Response App::RunApiRoute(Access access, const CtxHandler& handler, web::Request& req) {
  Ctx ctx{*this, req, std::nullopt, views::Locale::kNl, {}, {}, {}};
  // Public routes know no staff: a Bearer there is a reporter's token.
  if (access.kind == Access::Kind::kPublic) {
    if (auto bad = ParseJsonBody(ctx)) return *bad;
    return handler(ctx);
  }
  std::string_view authorization = req.Header("authorization");
  bool bearer = authorization.substr(0, 7) == "Bearer ";
  if (bearer) {
    auto user = api_tokens_.Lookup(authorization.substr(7));
    if (!user.ok()) {
      if (user.status().code() == common::StatusCode::kUnavailable)
        return JsonErrorFor(user.status());
      return JsonError(401, "unauthenticated", "unknown or expired token");
    }
    ctx.session = auth::Session{"", "", *user, true};
  } else if (auto token = req.Cookie(SessionCookieName())) {
    auto found = sessions_.Lookup(*token);
    if (found.ok()) ctx.session = std::move(*found);
    if (!found.ok() && found.status().code() == common::StatusCode::kUnavailable) {
      return JsonErrorFor(found.status());
    }
  }
  if (!ctx.session) return JsonError(401, "unauthenticated", "log in or send an API token");
  if (!bearer && domain::RequiresSecondFactor(ctx.session->user.role) && !ctx.session->mfa_passed) {
    return JsonError(401, "second_factor_required", "complete the second factor first");
  }
  if (access.kind == Access::Kind::kPermission &&
      !domain::HasPermission(ctx.session->user.role, access.permission)) {
    return JsonError(403, "forbidden", "your role may not do this");
  }
  // A cookie is sent by the browser on its own; a header proves the page asked.
  if (req.method == web::Method::kPost && !bearer &&
      !crypto::ConstantTimeEquals(ctx.session->csrf_token,
                                  std::string(req.Header("x-csrf-token")))) {
    return JsonError(403, "csrf", "send the X-CSRF-Token header");
  }
  if (auto bad = ParseJsonBody(ctx)) return *bad;
  return handler(ctx);
}

std::string AnonymousCsrf(Ctx& ctx, web::Response* set_cookie_on) {
  if (auto existing = ctx.req.Cookie("sp_csrf"); existing && existing->size() >= 32)
    return *existing;
  std::string token = crypto::RandomToken(32);
  if (set_cookie_on)
    set_cookie_on->AddHeader("Set-Cookie", "sp_csrf=" + token + ctx.app.CookieAttributes());
  return token;
}

std::string FormCsrf(Ctx& ctx, web::Response* set_cookie_on) {
  return ctx.session ? ctx.session->csrf_token : AnonymousCsrf(ctx, set_cookie_on);
}

int HttpStatusFor(const common::Status& s) {
  switch (s.code()) {
    case common::StatusCode::kOk:
      return 200;
    case common::StatusCode::kInvalidArgument:
      return 400;
    case common::StatusCode::kNotFound:
      return 404;
    case common::StatusCode::kAlreadyExists:
      return 409;
    case common::StatusCode::kPermissionDenied:
      return 403;
    case common::StatusCode::kUnauthenticated:
      return 401;
    case common::StatusCode::kResourceExhausted:
      return 429;
    case common::StatusCode::kFailedPrecondition:
      return 409;
    case common::StatusCode::kUnavailable:
      return 503;
    default:
      return 500;
  }
}

web::Response JsonError(int status, std::string_view code, std::string_view message,
                        std::string_view field) {
  nlohmann::json err = {{"code", code}, {"message", message}};
  if (!field.empty()) err["field"] = field;
  return web::Response::Json(status, nlohmann::json{{"error", err}}.dump());
}

web::Response JsonErrorFor(const common::Status& s) {
  int status = HttpStatusFor(s);
  std::string code(common::StatusCodeName(s.code()));
  for (char& ch : code) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  // Internal failures never describe themselves (no SQL, no stack).
  std::string message =
      status >= 500 ? (status == 503 ? "temporarily unavailable, try again" : "internal error")
                    : s.message();
  return JsonError(status, code, message, s.field());
}

meldpunt::Staff Ctx::Staff() const {
  auto staff = app.meldpunt().StaffFor(session->user, req.Cookie(kKeyCookie).value_or(""));
  if (staff.ok()) return std::move(*staff);
  return meldpunt::Staff{session->user, false, std::nullopt};
}

bool App::ClaimJob(std::string_view name, common::UnixMillis interval_ms) {
  common::UnixMillis now = clock_.NowMillis();
  std::string me = crypto::RandomId();
  bool won = false;
  common::Status s = db_.Write([&](db::Connection& c) -> common::Status {
    SP_RETURN_IF_ERROR(c.Execute("INSERT INTO jobs_lease(name, holder, until_at, last_run_at) "
                                 "VALUES ($1, '', 0, 0) ON CONFLICT (name) DO NOTHING",
                                 {std::string(name)})
                           .status());
    SP_ASSIGN_OR_RETURN(
        int64_t n, c.Execute("UPDATE jobs_lease SET holder = $1, until_at = $2, last_run_at = $3 "
                             "WHERE name = $4 AND last_run_at <= $5",
                             {me, now + interval_ms, now, std::string(name), now - interval_ms}));
    won = n == 1;
    return common::Status::Ok();
  });
  return s.ok() && won;
}

void App::RunScheduledJobs() {
  constexpr common::UnixMillis kHour = 60LL * 60 * 1000;
  if (ClaimJob("deadline-alerts", kHour)) {
    auto run = meldpunt_.RunDeadlineAlerts();
    if (run.ok()) {
      spdlog::info("deadline alerts: {} raised, {} escalations, {} notifications", run->alerts,
                   run->escalations, run->notifications);
    } else {
      spdlog::warn("deadline alerts failed: {}", run.status().ToString());
    }
  }
  // Retention, daily on one instance: the meldpunt shreds closed cases, then
  // the runner removes every other record past its school's period. Counts
  // per table only.
  if (ClaimJob("retention", 24 * kHour)) {
    auto result = meldpunt_.RunRetention();
    if (result.ok()) {
      spdlog::info("retention: {} cases shredded, {} due within 30 days", result->shredded,
                   result->warned);
    } else {
      spdlog::warn("retention failed: {}", result.status().ToString());
    }
    auto run = RetentionRunner().RunAll();
    if (run.ok()) {
      spdlog::info("retention runner: removed {}", run->Summary());
    } else {
      spdlog::warn("retention runner failed: {}", run.status().ToString());
    }
  }
  // Daily, never live: a signal that moves with each report could point at
  // the reporter (P19).
  if (ClaimJob("signal-snapshot", 24 * kHour)) {
    auto run = meldpunt_.RunSignalSnapshot(config_.signal_alert_threshold);
    if (run.ok()) {
      spdlog::info("signal snapshot: {} companies, {} newly crossed, {} notifications",
                   run->companies, run->newly_crossed, run->notifications);
    } else {
      spdlog::warn("signal snapshot failed: {}", run.status().ToString());
    }
  }
  // A referral without an answer after its follow-up days: one reminder.
  if (ClaimJob("referral-reminders", kHour)) {
    auto raised = ReferralsOf(*this).RunFollowUpReminders();
    if (raised.ok()) {
      spdlog::info("referral reminders: {} new", *raised);
    } else {
      spdlog::warn("referral reminders failed: {}", raised.status().ToString());
    }
  }
  if (ClaimJob("training-reminders", 24 * kHour)) {
    auto added = norm_.SendTrainingReminders();
    if (added.ok()) {
      spdlog::info("training reminders: {} new", *added);
    } else {
      spdlog::warn("training reminders failed: {}", added.status().ToString());
    }
  }
}

std::string App::CookieAttributes() const {
  return config_.tls ? "; Path=/; Secure; HttpOnly; SameSite=Strict"
                     : "; Path=/; HttpOnly; SameSite=Strict";
}

void App::Route(web::Method method, std::string pattern, Access access, CtxHandler handler,
                web::RouteOptions options) {
  size_t index = access_.size();
  access_.push_back(access);
  router_.Add(
      method, std::move(pattern),
      [this, index, handler = std::move(handler)](web::Request& req) {
        const web::Route& route = router_.routes()[index];
        return RunRoute(route, access_[index], handler, req);
      },
      options);
}

views::Page Ctx::MakePage(std::string title) const {
  views::Page page;
  page.locale = locale;
  page.title = std::move(title);
  page.current_path = req.path;
  // Pages under /s/{brin}/ (report form, norm, login) know their school.
  if (req.path.rfind("/s/", 0) == 0) {
    std::string_view rest = std::string_view(req.path).substr(3);
    auto brin = domain::NormalizeBrin(rest.substr(0, rest.find('/')));
    if (brin.ok()) page.privacy_href = "/s/" + *brin + "/privacy";
  }
  if (session) {
    page.logged_in = true;
    page.csrf = session->csrf_token;
    page.user_name = session->user.display_name;
    page.role_label = RoleLabel(*this, session->user.role);
    page.nav.push_back({"/dashboard", T("nav_dashboard"), req.path == "/dashboard"});
    domain::Role role = session->user.role;
    if (domain::HasPermission(role, domain::Permission::kHandleCases)) {
      page.nav.push_back({"/meldpunt", T("nav_inbox"), req.path == "/meldpunt"});
    }
    // The signal register and the monitor are for meldpunt leads.
    const bool lead = role == domain::Role::kMeldpuntHandler && Staff().lead;
    if (domain::HasPermission(role, domain::Permission::kManageCompanyPauses) && lead) {
      page.nav.push_back(
          {"/meldpunt/signalen", T("nav_signals"), req.path == "/meldpunt/signalen"});
    }
    // The school's monitor: management and meldpunt leads (monitor_ui.h).
    if (monui::MaySee(*this)) {
      page.nav.push_back({"/monitor", T("nav_monitor"), req.path.rfind("/monitor", 0) == 0});
    }
    // The meldpunt's own audit log and the recovery key's say in P9.
    if (role == domain::Role::kMeldpuntHandler && Staff().lead) {
      page.nav.push_back(
          {"/meldpunt/logboek", T("nav_meldpunt_audit"), req.path == "/meldpunt/logboek"});
    }
    if (domain::HasPermission(role, domain::Permission::kRecoverCaseKeys)) {
      page.nav.push_back({"/admin/meldpunt/onthullingen", T("nav_reveals"),
                          req.path == "/admin/meldpunt/onthullingen"});
    }
    if (domain::HasPermission(role, domain::Permission::kManagePlacements)) {
      page.nav.push_back({"/stagematching", T("nav_stagematching"),
                          req.path.rfind("/stagematching", 0) == 0});
    }
    if (domain::HasPermission(role, domain::Permission::kEnterLeerwens)) {
      page.nav.push_back({"/stage", T("nav_stage"), req.path.rfind("/stage", 0) == 0 &&
                                                        req.path.rfind("/stagematching", 0) != 0});
    }
    if (domain::HasPermission(role, domain::Permission::kManageOwnCompany)) {
      page.nav.push_back({"/bedrijf", T("nav_company"), req.path.rfind("/bedrijf", 0) == 0});
    }
    // The stagebegeleider's students; the coordinator's links to them; the
    // meldpunt's requests to talk; the reports made for a student.
    if (role == domain::Role::kTeacher) {
      page.nav.push_back(
          {"/begeleiding", T("nav_teacher"), req.path.rfind("/begeleiding", 0) == 0});
    }
    if (domain::HasPermission(role, domain::Permission::kManagePlacements)) {
      page.nav.push_back({"/stagematching/begeleiders", T("nav_teacher_links"),
                          req.path == "/stagematching/begeleiders"});
    }
    if (domain::HasPermission(role, domain::Permission::kHandleCases)) {
      page.nav.push_back({"/meldpunt/overleg", T("nav_consult"), req.path == "/meldpunt/overleg"});
    }
    if (role == domain::Role::kStudent) {
      page.nav.push_back({"/mijn-meldingen", T("nav_own_reports"), req.path == "/mijn-meldingen"});
    }
    if (domain::HasPermission(role, domain::Permission::kReportOnBehalf) ||
        domain::HasPermission(role, domain::Permission::kSubmitOwnReport)) {
      page.nav.push_back({"/melden", T("nav_report"), req.path == "/melden"});
    }
    if (domain::HasPermission(role, domain::Permission::kManageNorm)) {
      page.nav.push_back({"/beleid/norm", T("nav_norm"), req.path == "/beleid/norm"});
    }
    if (domain::HasPermission(role, domain::Permission::kManageSelfAssessment) &&
        role != domain::Role::kMeldpuntHandler) {  // leads reach it from their dashboard
      page.nav.push_back({"/zelfevaluatie", T("nav_assessment"), req.path == "/zelfevaluatie"});
    }
    if (domain::HasPermission(role, domain::Permission::kManageTraining)) {
      page.nav.push_back({"/trainingen", T("nav_training"), req.path == "/trainingen"});
    }
    if (domain::HasPermission(role, domain::Permission::kManageSchoolUsers)) {
      page.nav.push_back({"/admin/users", T("nav_users"), req.path == "/admin/users"});
      page.nav.push_back(
          {"/admin/meldpunt", T("nav_meldpunt_settings"), req.path == "/admin/meldpunt"});
      page.nav.push_back(
          {"/admin/meldpunt/leiding", T("nav_leads"), req.path == "/admin/meldpunt/leiding"});
      page.nav.push_back({"/admin/sso", T("nav_sso"), req.path == "/admin/sso"});
      page.nav.push_back({"/admin/privacy/verklaring", T("nav_privacy_statement"),
                          req.path == "/admin/privacy/verklaring"});
      page.nav.push_back({"/admin/bewaartermijnen", T("nav_retention"),
                          req.path == "/admin/bewaartermijnen"});
    }
    if (domain::HasPermission(role, domain::Permission::kManageSchools)) {
      page.nav.push_back({"/admin/schools", T("nav_schools"), req.path == "/admin/schools"});
      page.nav.push_back(
          {"/admin/monitor", T("nav_group_report"), req.path.rfind("/admin/monitor", 0) == 0});
      page.nav.push_back({"/admin/mail", T("nav_mail_list"), req.path == "/admin/mail"});
    }
    if (domain::HasPermission(role, domain::Permission::kViewAuditLog)) {
      page.nav.push_back({"/admin/audit", T("nav_audit"), req.path == "/admin/audit"});
    }
    page.nav.push_back({"/account/security", T("nav_security"), req.path == "/account/security"});
    page.nav.push_back({"/account/mail", T("nav_mail"), req.path == "/account/mail"});
    page.nav.push_back(
        {"/account/wachtwoord", T("nav_password"), req.path == "/account/wachtwoord"});
    // The rights pages: one's own data and requests, the admin's answers.
    if (privacy::HasAccountRights(role)) {
      page.nav.push_back(
          {"/account/privacy", T("nav_rights"), req.path.rfind("/account/privacy", 0) == 0});
    }
    if (domain::HasPermission(role, domain::Permission::kManageSchoolUsers)) {
      page.nav.push_back({"/admin/privacy/verzoeken", T("nav_rights_admin"),
                          req.path.rfind("/admin/privacy", 0) == 0});
    }
  }
  return page;
}

web::Response Ctx::Render(std::string_view template_name, const views::Page& page, views::Data body,
                          int status) const {
  return web::Response::Html(status, views::RenderPage(template_name, page, std::move(body)));
}

web::Response Ctx::ErrorPage(int status) const {
  int shown = status;
  std::string key = "error_" + std::to_string(shown);
  if (T(key + "_title") == key + "_title") key = "error_500";
  views::Page page = MakePage(T(key + "_title"));
  views::Data body;
  body.set("error_title", T(key + "_title"));
  body.set("error_text", T(key + "_text"));
  return Render("error", page, body, status);
}

web::Response App::RunRoute(const web::Route& route, Access access, const CtxHandler& handler,
                            web::Request& req) {
  Ctx ctx{*this, req, std::nullopt, views::Locale::kNl, {}, {}, {}};
  if (auto lang = req.Cookie("lang")) ctx.locale = views::ParseLocale(*lang);

  if (auto token = req.Cookie(SessionCookieName())) {
    // Public report and reporter routes read the session (a student's form
    // is prefilled) but never write it: see Sessions::Lookup.
    bool touch = !(route.options.sensitive && access.kind == Access::Kind::kPublic);
    auto found = sessions_.Lookup(*token, touch);
    if (found.ok()) {
      ctx.session = std::move(*found);
    } else if (found.status().code() == common::StatusCode::kUnavailable) {
      return ctx.ErrorPage(503);
    }
  }
  if (ctx.session && !req.Cookie("lang")) ctx.locale = views::ParseLocale(ctx.session->user.locale);

  if (access.kind != Access::Kind::kPublic) {
    if (!ctx.session) {
      if (req.method == web::Method::kGet) return web::Response::Redirect("/login");
      return ctx.ErrorPage(403);
    }
    const auth::User& user = ctx.session->user;
    // Roles that need a second factor reach only the TOTP pages until it passed.
    bool mfa_page = route.pattern == "/login/totp" || route.pattern == "/account/security" ||
                    route.pattern == "/logout";
    if (domain::RequiresSecondFactor(user.role) && !ctx.session->mfa_passed && !mfa_page) {
      return web::Response::Redirect(user.totp_secret.empty() ? "/account/security"
                                                              : "/login/totp");
    }
    if (access.kind == Access::Kind::kPermission &&
        !domain::HasPermission(user.role, access.permission)) {
      return ctx.ErrorPage(403);
    }
  }

  if (req.method == web::Method::kPost) {
    if (IsFormPost(req)) {
      ctx.form = web::Form(req.body);
    } else if (!web::ParseMultipart(req.Header("content-type"), req.body, &ctx.form, &ctx.files)) {
      return ctx.ErrorPage(400);
    }
    if (!ctx.form.valid_utf8()) return ctx.ErrorPage(400);
    // Logged in: the session's token. Anonymous forms: a double-submit cookie.
    std::string expected =
        ctx.session ? ctx.session->csrf_token : req.Cookie("sp_csrf").value_or("");
    if (expected.empty() || !crypto::ConstantTimeEquals(expected, ctx.form.Get("csrf"))) {
      views::Page page = ctx.MakePage(ctx.T("error_419_title"));
      views::Data body;
      body.set("error_title", ctx.T("error_419_title"));
      body.set("error_text", ctx.T("error_419_text"));
      return ctx.Render("error", page, body, 403);
    }
  }

  return handler(ctx);
}

web::Response App::Dispatch(web::Request& req) {
  auto started = std::chrono::steady_clock::now();
  auto match = router_.Find(req.method, req.path, &req);
  web::Response res;
  bool is_static = false;
  std::string pattern = "-";
  if (!match.route) {
    Ctx ctx{*this, req, std::nullopt, views::ParseLocale(req.Cookie("lang").value_or("nl")), {},
            {},    {}};
    res = ctx.ErrorPage(match.path_exists ? 405 : 404);
  } else {
    pattern = match.route->pattern;
    is_static = match.route->options.run_inline;
    try {
      res = match.route->handler(req);
    } catch (const std::exception&) {
      Ctx ctx{*this, req, std::nullopt, views::Locale::kNl, {}, {}, {}};
      res = ctx.ErrorPage(500);
    }
  }
  Finalize(&req, res, is_static);
  if (!is_static) {
    double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count();
    // The route pattern, never the raw path (it may hold tokens), and no
    // client address on any route: a school's log must not be able to tell
    // who looked up a company or switched language just before a report.
    spdlog::info("{} {} {} {:.1f}ms", web::MethodName(req.method), pattern, res.status, ms);
  }
  return res;
}

void App::Finalize(const web::Request*, web::Response& res, bool is_static) const {
  res.SetHeader("Content-Security-Policy", kCsp);
  res.SetHeader("X-Content-Type-Options", "nosniff");
  res.SetHeader("Referrer-Policy", "no-referrer");
  res.SetHeader("X-Frame-Options", "DENY");
  res.SetHeader("Cross-Origin-Opener-Policy", "same-origin");
  res.SetHeader("Cross-Origin-Resource-Policy", "same-origin");
  res.SetHeader("Permissions-Policy",
                "camera=(), microphone=(), geolocation=(), interest-cohort=()");
  res.SetHeader("X-Robots-Tag", "noindex, nofollow");
  if (config_.tls)
    res.SetHeader("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
  // Only a found hashed asset may be cached; its 404 is no-store like the rest.
  if (!is_static || res.status != 200) res.SetHeader("Cache-Control", "no-store");
}

web::ServerHooks App::Hooks() {
  web::ServerHooks hooks;
  hooks.plan = [this](web::Method method, std::string_view target) {
    web::RequestPlan plan;
    std::string path = web::UrlDecode(target.substr(0, target.find('?')), false);
    auto match = router_.Find(method, path, nullptr);
    if (match.route) {
      plan.max_body_bytes = match.route->options.max_body_bytes;
      plan.run_inline = match.route->options.run_inline;
    }
    return plan;
  };
  hooks.handle = [this](web::Request& req) { return Dispatch(req); };
  hooks.error_page = [this](int status) {
    web::Request req;
    Ctx ctx{*this, req, std::nullopt, views::Locale::kNl, {}, {}, {}};
    web::Response res = ctx.ErrorPage(status);
    Finalize(nullptr, res, false);
    return res;
  };
  return hooks;
}

bool App::LoadAssets(const std::string& dist_dir) {
  namespace fs = std::filesystem;
  std::ifstream manifest_file(fs::path(dist_dir) / "manifest.json");
  if (!manifest_file) return false;
  nlohmann::json manifest = nlohmann::json::parse(manifest_file, nullptr, false);
  if (!manifest.is_object()) return false;
  std::string css, js;
  for (auto& [name, href] : manifest.items()) {
    if (!href.is_string()) continue;
    std::string path = href.get<std::string>();
    if (path.rfind("/assets/", 0) != 0 || path.find("..") != std::string::npos) continue;
    std::ifstream in(fs::path(dist_dir) / path.substr(1), std::ios::binary);
    if (!in) continue;
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::string type = "application/octet-stream";
    if (path.ends_with(".css")) type = "text/css; charset=utf-8", css = path;
    if (path.ends_with(".js")) type = "text/javascript; charset=utf-8", js = path;
    if (path.ends_with(".woff2")) type = "font/woff2";
    assets_[path] = {type, std::move(bytes)};
  }
  if (css.empty()) return false;
  views::SetAssetPaths(css, js);
  // The manifest fixes the set of files: no path is ever built from a request.
  access_.push_back(Access::Public());
  router_.Add(
      web::Method::kGet, "/assets/{file}",
      [this](web::Request& req) {
        auto it = assets_.find(req.path);
        if (it == assets_.end()) return web::Response::Text(404, "Not found\n");
        web::Response res;
        res.body = it->second.second;
        res.SetHeader("Content-Type", it->second.first);
        res.SetHeader("Cache-Control", "public, max-age=31536000, immutable");
        return res;
      },
      web::RouteOptions{.run_inline = true});
  return true;
}

audit::Entry AuditEntry(const Ctx& ctx, std::string action, std::string object_type,
                        std::string object_id, std::string result) {
  audit::Entry e;
  e.school_id = ctx.session ? ctx.session->user.school_id : "";
  e.actor = ctx.session ? ctx.session->user.id : "anonymous";
  e.action = std::move(action);
  e.object_type = std::move(object_type);
  e.object_id = std::move(object_id);
  e.result = std::move(result);
  return e;
}

}  // namespace app
