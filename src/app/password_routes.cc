// "Wachtwoord vergeten?", the reset link from the mail, and changing the
// password while logged in (auth/password_reset.h). A handler's case key
// pair follows: a reset drops it (the new password cannot unwrap it) and the
// leads are told; a change re-wraps it with the new password.
#include "app/app.h"
#include "crypto/password.h"

namespace app {

namespace {

using common::Status;

constexpr char kForgotPath[] = "/wachtwoord-vergeten";
constexpr char kResetPrefix[] = "/wachtwoord-herstellen/";
constexpr char kChangePath[] = "/account/wachtwoord";

web::Response WithCookies(web::Response res, const web::Response& from) {
  for (const auto& h : from.headers) res.headers.push_back(h);
  return res;
}

// ---- Forgotten ----

web::Response ForgotPage(Ctx& ctx, const std::string& typed,
                         const std::vector<views::FieldError>& errors, bool sent, int status) {
  web::Response tmp;
  std::string csrf = AnonymousCsrf(ctx, &tmp);
  views::Page page = ctx.MakePage(ctx.T("pwf_title"));
  page.csrf = csrf;
  page.errors = errors;
  views::Data body;
  body.set("csrf", csrf);
  body.set("sent", sent);
  body.set("login_field", views::InputField("login", ctx.T("pwf_login_field"), typed, "email",
                                            views::ErrorFor(errors, "login"),
                                            ctx.T("pwf_login_hint"), "username"));
  return WithCookies(ctx.Render("password_forgot", page, body, status), tmp);
}

web::Response ShowForgot(Ctx& ctx) { return ForgotPage(ctx, "", {}, false, 200); }

web::Response DoForgot(Ctx& ctx) {
  std::string typed = ctx.form.Get("login");
  if (typed.empty())
    return ForgotPage(ctx, typed, {{"login", ctx.T("field_required")}}, false, 400);
  if (typed.size() > 254) typed.resize(254);
  auth::PasswordResets& resets = ctx.app.password_resets();
  if (!resets.AdmitClient(ctx.app.ClientKey(ctx.req))) {
    web::Response res = ForgotPage(ctx, typed, {{"login", ctx.T("pwf_throttled")}}, false, 429);
    res.SetHeader("Retry-After", std::to_string(auth::PasswordResets::kRetryAfterSeconds));
    return res;
  }
  // Known or not, the same work in one transaction and the same page after.
  Status s = ctx.app.db().Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(auto issued, resets.Request(c, typed));
    for (const auto& i : issued) {
      mail::Params params;
      params.link = kResetPrefix + i.token;
      params.login = i.login;
      params.valid_until = i.expires_at;
      SP_RETURN_IF_ERROR(ctx.app.outbox()
                             .EnqueueForUser(c, mail::Kind::kPasswordReset, i.user_id, params)
                             .status());
      SP_ASSIGN_OR_RETURN(auth::User u, ctx.app.accounts().UserById(c, i.user_id));
      audit::Entry e = AuditEntry(ctx, "password.reset_request", "user", i.user_id);
      e.school_id = u.school_id;  // the user's school sees it in its audit view
      e.actor = "anonymous";
      SP_RETURN_IF_ERROR(ctx.app.audit().Append(c, e));
    }
    return Status::Ok();
  });
  if (!s.ok()) return ctx.ErrorPage(s.code() == common::StatusCode::kUnavailable ? 503 : 500);
  return ForgotPage(ctx, "", {}, true, 200);
}

// ---- The link from the mail ----

struct ResetState {
  bool valid = false;
  bool done = false;
  bool handler = false;
};

web::Response ResetPage(Ctx& ctx, const std::string& token, const ResetState& state,
                        const std::vector<views::FieldError>& errors, int status) {
  web::Response tmp;
  std::string csrf = AnonymousCsrf(ctx, &tmp);
  views::Page page = ctx.MakePage(ctx.T("pwr_title"));
  page.csrf = csrf;
  page.current_path = "/";  // the token stays out of the language-switch link
  page.errors = errors;
  views::Data body;
  body.set("csrf", csrf);
  body.set("valid", state.valid);
  body.set("done", state.done);
  body.set("handler", state.handler);
  if (state.valid) {
    body.set("action", kResetPrefix + token);
    body.set("password_field",
             views::InputField("password", ctx.T("new_password_field"), "", "password",
                               views::ErrorFor(errors, "password"), "", "new-password"));
    body.set("repeat_field",
             views::InputField("password_repeat", ctx.T("pw_repeat_field"), "", "password",
                               views::ErrorFor(errors, "password_repeat"), "", "new-password"));
  }
  return WithCookies(ctx.Render("password_reset", page, body, status), tmp);
}

std::string ResetToken(const Ctx& ctx) { return std::string(ctx.req.PathParam("token")); }

web::Response ShowReset(Ctx& ctx) {
  std::string token = ResetToken(ctx);
  auto user = ctx.app.password_resets().Peek(token);
  if (!user.ok() && user.status().code() == common::StatusCode::kUnavailable)
    return ctx.ErrorPage(503);
  return ResetPage(ctx, token, {user.ok(), false, false}, {}, user.ok() ? 200 : 404);
}

// In the reset's transaction: a handler's key pair is dropped, the leads get
// a notification (HandlerKeysLost) and a mail.
Status HandlerLostKeys(Ctx& ctx, db::Connection& c, const auth::User& user) {
  SP_ASSIGN_OR_RETURN(auto leads, ctx.app.meldpunt().HandlerKeysLost(c, user));
  for (const std::string& lead : leads) {
    mail::Params params;
    params.link = "/meldpunt";
    SP_RETURN_IF_ERROR(
        ctx.app.outbox().EnqueueForUser(c, mail::Kind::kHandlerNeedsKeys, lead, params).status());
  }
  return Status::Ok();
}

web::Response DoReset(Ctx& ctx) {
  std::string token = ResetToken(ctx);
  std::string password = ctx.form.Get("password");
  std::vector<views::FieldError> errors;
  if (password.empty()) errors.push_back({"password", ctx.T("field_required")});
  if (ctx.form.Get("password_repeat") != password)
    errors.push_back({"password_repeat", ctx.T("pw_repeat_differs")});
  if (!errors.empty()) {
    bool valid = ctx.app.password_resets().Peek(token).ok();
    return ResetPage(ctx, token, {valid, false, false},
                     valid ? errors : std::vector<views::FieldError>{}, valid ? 400 : 404);
  }
  bool handler = false;
  Status s = ctx.app.password_resets().Redeem(
      token, password, [&](db::Connection& c, const auth::User& user) -> Status {
        handler = user.role == domain::Role::kMeldpuntHandler;
        if (handler) SP_RETURN_IF_ERROR(HandlerLostKeys(ctx, c, user));
        audit::Entry e = AuditEntry(ctx, "password.reset", "user", user.id);
        e.school_id = user.school_id;
        e.actor = user.id;
        return ctx.app.audit().Append(c, e);
      });
  if (s.code() == common::StatusCode::kInvalidArgument)
    return ResetPage(ctx, token, {true, false, false},
                     {{"password", PasswordPolicyMessage(ctx, s)}}, 400);
  if (s.code() == common::StatusCode::kNotFound)
    return ResetPage(ctx, token, {false, false, false}, {}, 404);
  if (!s.ok()) {
    web::Response res = ctx.ErrorPage(503);
    if (s.code() == common::StatusCode::kUnavailable)
      res.SetHeader("Retry-After", std::to_string(auth::PasswordGate::kRetryAfterSeconds));
    return res;
  }
  // The browser that reset may have been logged in: that session ended too.
  web::Response res = ResetPage(ctx, token, {false, true, handler}, {}, 200);
  res.AddHeader("Set-Cookie",
                ctx.app.SessionCookieName() + "=; Max-Age=0" + ctx.app.CookieAttributes());
  res.AddHeader("Set-Cookie",
                std::string(kKeyCookie) + "=; Max-Age=0" + ctx.app.CookieAttributes());
  return res;
}

// ---- Changing it while logged in ----

web::Response ChangePage(Ctx& ctx, const std::vector<views::FieldError>& errors, std::string flash,
                         int status) {
  views::Page page = ctx.MakePage(ctx.T("pwc_title"));
  page.errors = errors;
  page.flash = std::move(flash);
  views::Data body;
  body.set("csrf", ctx.session->csrf_token);
  body.set("current_field",
           views::InputField("current_password", ctx.T("pwc_current_field"), "", "password",
                             views::ErrorFor(errors, "current_password"), "", "current-password"));
  body.set("new_field",
           views::InputField("new_password", ctx.T("new_password_field"), "", "password",
                             views::ErrorFor(errors, "new_password"), "", "new-password"));
  body.set("repeat_field",
           views::InputField("new_password_repeat", ctx.T("pw_repeat_field"), "", "password",
                             views::ErrorFor(errors, "new_password_repeat"), "", "new-password"));
  body.set("login", ctx.user().login);
  return ctx.Render("password_change", page, body, status);
}

web::Response ShowChange(Ctx& ctx) {
  return ChangePage(ctx, {}, ctx.req.QueryParam("ok").value_or("") == "1" ? ctx.T("pwc_done") : "",
                    200);
}

web::Response DoChange(Ctx& ctx) {
  std::string current = ctx.form.Get("current_password");
  std::string next = ctx.form.Get("new_password");
  std::vector<views::FieldError> errors;
  if (current.empty()) errors.push_back({"current_password", ctx.T("field_required")});
  if (next.empty()) errors.push_back({"new_password", ctx.T("field_required")});
  if (ctx.form.Get("new_password_repeat") != next)
    errors.push_back({"new_password_repeat", ctx.T("pw_repeat_differs")});
  if (!errors.empty()) return ChangePage(ctx, errors, "", 400);
  const auth::User& user = ctx.user();
  auth::Session fresh;
  Status s = ctx.app.password_resets().Change(
      user, current, next, [&](db::Connection& c, const auth::User& u) -> Status {
        if (u.role == domain::Role::kMeldpuntHandler) {
          // The key pair stays: wrapped anew with the new password.
          Status rewrapped = ctx.app.keyring().RewrapWithNewPassword(c, u.id, current, next);
          if (rewrapped.code() == common::StatusCode::kPermissionDenied) {
            SP_RETURN_IF_ERROR(HandlerLostKeys(ctx, c, u));  // an old pair nobody can open
          } else {
            SP_RETURN_IF_ERROR(rewrapped);
          }
        }
        // Every other session ended; this browser goes on in a new one.
        SP_ASSIGN_OR_RETURN(fresh, ctx.app.sessions().Create(c, u, ctx.session->mfa_passed));
        return ctx.app.audit().Append(c, AuditEntry(ctx, "password.change", "user", u.id));
      });
  if (!s.ok()) {
    if (s.code() == common::StatusCode::kPermissionDenied)
      return ChangePage(ctx, {{"current_password", ctx.T("pwc_current_wrong")}}, "", 400);
    if (s.code() == common::StatusCode::kInvalidArgument)
      return ChangePage(ctx, {{"new_password", PasswordPolicyMessage(ctx, s)}}, "", 400);
    web::Response res = ctx.ErrorPage(503);
    if (s.code() == common::StatusCode::kUnavailable)
      res.SetHeader("Retry-After", std::to_string(auth::PasswordGate::kRetryAfterSeconds));
    return res;
  }
  web::Response res = web::Response::Redirect(std::string(kChangePath) + "?ok=1");
  res.AddHeader("Set-Cookie",
                ctx.app.SessionCookieName() + "=" + fresh.token + ctx.app.CookieAttributes());
  return res;
}

}  // namespace

void RegisterPasswordRoutes(App& app) {
  app.Route(web::Method::kGet, kForgotPath, Access::Public(), ShowForgot);
  app.Route(web::Method::kPost, kForgotPath, Access::Public(), DoForgot);
  app.Route(web::Method::kGet, std::string(kResetPrefix) + "{token}", Access::Public(), ShowReset,
            {.sensitive = true});
  app.Route(web::Method::kPost, std::string(kResetPrefix) + "{token}", Access::Public(), DoReset,
            {.sensitive = true});
  app.Route(web::Method::kGet, kChangePath, Access::LoggedIn(), ShowChange);
  app.Route(web::Method::kPost, kChangePath, Access::LoggedIn(), DoChange);
}

}  // namespace app
