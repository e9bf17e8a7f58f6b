// Login with password and TOTP, logout, invitations and TOTP enrolment.
#include "app/app.h"
#include "crypto/password.h"
#include "crypto/random.h"
#include "crypto/totp.h"

namespace app {

namespace {

using common::Status;

std::string SessionCookie(const App& app, const std::string& token) {
  return app.SessionCookieName() + "=" + token + app.CookieAttributes();
}

web::Response LoginForm(Ctx& ctx, const std::string& login_value,
                        std::vector<views::FieldError> errors, int status, std::string flash = "") {
  web::Response tmp;
  std::string csrf = AnonymousCsrf(ctx, &tmp);
  views::Page page = ctx.MakePage(ctx.T("login_title"));
  page.csrf = csrf;
  page.errors = errors;
  page.flash = std::move(flash);
  auto error_for = [&](std::string_view f) { return views::ErrorFor(errors, f); };
  views::Data body;
  body.set("csrf", csrf);
  body.set("login_field", views::InputField("login", ctx.T("login_field"), login_value, "text",
                                            error_for("login"), "", "username"));
  body.set("password_field", views::InputField("password", ctx.T("password_field"), "", "password",
                                               error_for("password"), "", "current-password"));
  AddSsoSchools(ctx, body);  // "Inloggen met je schoolaccount" per school with SSO
  web::Response res = ctx.Render("login", page, body, status);
  for (auto& h : tmp.headers) res.headers.push_back(h);
  return res;
}

web::Response ShowLogin(Ctx& ctx) {
  if (ctx.session) return web::Response::Redirect("/dashboard");
  return LoginForm(ctx, "", {}, 200);
}

// Where a freshly authenticated session goes next.
std::string NextStep(const auth::User& user, bool mfa_passed) {
  if (!domain::RequiresSecondFactor(user.role) || mfa_passed) return "/dashboard";
  return user.totp_secret.empty() ? "/account/security" : "/login/totp";
}

// The login form again, with the typed login kept, for a request that was
// turned away before its password was checked: 429 when this client used its
// attempts, 503 when too many passwords are being checked at once.
web::Response LoginTurnedAway(Ctx& ctx, const std::string& login, int status) {
  bool busy = status == 503;
  web::Response res =
      LoginForm(ctx, login, {{"login", ctx.T(busy ? "login_busy" : "login_throttled")}}, status);
  res.SetHeader("Retry-After",
                std::to_string(busy ? auth::PasswordGate::kRetryAfterSeconds
                                    : auth::LoginThrottle::kClientRetryAfterSeconds));
  return res;
}

// Password login (P3, P5): the client's attempt budget first (no hash past
// it), then the password check under the password gate, and the answer held
// back by the (login, client) delay, right or wrong.
web::Response DoLogin(Ctx& ctx) {
  std::string login = ctx.form.Get("login");
  std::string password = ctx.form.Get("password");
  std::vector<views::FieldError> errors;
  if (login.empty()) errors.push_back({"login", ctx.T("login_required")});
  if (password.empty()) errors.push_back({"password", ctx.T("password_required")});
  if (!errors.empty()) return LoginForm(ctx, login, errors, 400);

  auth::LoginThrottle& throttle = ctx.app.login_throttle();
  auto normalized = domain::NormalizeLogin(login);
  std::string throttle_login = normalized.ok() ? *normalized : login.substr(0, 254);
  std::string client = throttle.ClientKey(ctx.req.remote_ip);
  if (!throttle.AdmitAttempt(client)) return LoginTurnedAway(ctx, login, 429);
  std::chrono::milliseconds delay = throttle.Delay(throttle_login, client);

  auto user = ctx.app.accounts().UserByLogin(login);
  if (!user.ok() && user.status().code() == common::StatusCode::kUnavailable) {
    throttle.ReturnAttempt(client);
    return ctx.ErrorPage(503);
  }
  // Held until the end of the login: a handler's key is unwrapped with the
  // password (Argon2id) below, under the same turn.
  auto permit = ctx.app.password_gate().Enter();
  if (!permit.ok()) {
    throttle.ReturnAttempt(client);
    return LoginTurnedAway(ctx, login, 503);
  }
  bool password_ok =
      ctx.app.password_gate().Verify(*permit, user.ok() ? user->password_hash : "", password);
  if (!user.ok() || !password_ok || user->disabled) {
    throttle.RecordFailure(throttle_login, client);
    (void)ctx.app.audit().Append(
        ctx.app.db(), AuditEntry(ctx, "login", "user", user.ok() ? user->id : "unknown", "denied"));
    web::Response res = LoginForm(ctx, login, {{"login", ctx.T("login_failed")}}, 401);
    res.delay = delay;
    return res;
  }
  throttle.RecordSuccess(throttle_login, client);
  throttle.ReturnAttempt(client);

  bool mfa_passed = !domain::RequiresSecondFactor(user->role);
  auth::Session session;
  std::string key_cookie;
  Status s = ctx.app.db().Write([&](db::Connection& c) -> Status {
    if (ctx.session) SP_RETURN_IF_ERROR(ctx.app.sessions().Revoke(c, ctx.session->token));
    SP_ASSIGN_OR_RETURN(session, ctx.app.sessions().Create(c, *user, mfa_passed));
    if (user->role == domain::Role::kMeldpuntHandler) {
      // The password is here only now: unwrap the handler's case key pair for
      // this browser session (meldpunt/keyring.h).
      common::UnixMillis expires =
          ctx.app.clock().NowMillis() + std::chrono::duration_cast<std::chrono::milliseconds>(
                                            ctx.app.sessions().policy().absolute_timeout)
                                            .count();
      SP_ASSIGN_OR_RETURN(key_cookie, ctx.app.keyring().UnlockAtLogin(c, user->id, user->school_id,
                                                                      password, expires));
    }
    audit::Entry e = AuditEntry(ctx, "login", "user", user->id, mfa_passed ? "ok" : "password_ok");
    e.school_id = user->school_id;
    e.actor = user->id;
    return ctx.app.audit().Append(c, e);
  });
  if (!s.ok()) return ctx.ErrorPage(s.code() == common::StatusCode::kUnavailable ? 503 : 500);
  web::Response res = web::Response::Redirect(NextStep(*user, mfa_passed));
  res.delay = delay;
  res.AddHeader("Set-Cookie", SessionCookie(ctx.app, session.token));
  if (!key_cookie.empty()) {
    res.AddHeader("Set-Cookie",
                  std::string(kKeyCookie) + "=" + key_cookie + ctx.app.CookieAttributes());
  }
  return res;
}

web::Response TotpForm(Ctx& ctx, bool setup, const std::string& secret, const std::string& error,
                       int status) {
  views::Page page = ctx.MakePage(ctx.T(setup ? "totp_setup_title" : "totp_title"));
  if (!error.empty()) page.errors.push_back({"code", error});
  views::Data body;
  body.set("setup", setup);
  body.set("action", setup ? "/account/security" : "/login/totp");
  if (setup) {
    body.set("secret", secret);
    body.set("uri", crypto::TotpProvisioningUri("Stagepunt", ctx.user().login, secret));
  }
  views::Data field =
      views::InputField("code", ctx.T("totp_field"), "", "text", error, "", "one-time-code");
  field.set("inputmode", "numeric");
  body.set("code_field", field);
  web::Response res = ctx.Render("totp", page, body, status);
  return res;
}

// Checks the code, stores its time step (replay protection) and upgrades the
// session to a new id with the second factor passed.
web::Response CompleteSecondFactor(Ctx& ctx, const std::string& secret, bool enrol) {
  const auth::User& user = ctx.user();
  std::string throttle_key = "totp:" + user.id;
  Status throttled = ctx.app.totp_throttle().Check(ctx.app.db(), throttle_key);
  if (!throttled.ok()) return TotpForm(ctx, enrol, secret, ctx.T("login_throttled"), 429);
  int64_t now_s = ctx.app.clock().NowMillis() / 1000;
  auto step =
      crypto::VerifyTotp(secret, ctx.form.Get("code"), now_s, enrol ? 0 : user.totp_last_step);
  auth::Session fresh;
  Status s = step.ok() ? ctx.app.db().Write([&](db::Connection& c) -> Status {
    if (enrol) SP_RETURN_IF_ERROR(ctx.app.accounts().SetTotp(c, user.id, secret));
    SP_RETURN_IF_ERROR(ctx.app.accounts().ConsumeTotpStep(c, user.id, *step));
    SP_RETURN_IF_ERROR(ctx.app.totp_throttle().RecordSuccess(c, throttle_key));
    SP_RETURN_IF_ERROR(ctx.app.sessions().Revoke(c, ctx.session->token));
    SP_ASSIGN_OR_RETURN(fresh, ctx.app.sessions().Create(c, user, true));
    return ctx.app.audit().Append(
        c, AuditEntry(ctx, enrol ? "totp.enrol" : "login.totp", "user", user.id));
  })
                       : step.status();
  if (!s.ok()) {
    if (s.code() == common::StatusCode::kUnavailable) return ctx.ErrorPage(503);
    (void)ctx.app.totp_throttle().RecordFailure(ctx.app.db(), throttle_key);
    (void)ctx.app.audit().Append(ctx.app.db(),
                                 AuditEntry(ctx, "login.totp", "user", user.id, "denied"));
    return TotpForm(ctx, enrol, secret, ctx.T("totp_failed"), 401);
  }
  web::Response res = web::Response::Redirect("/dashboard");
  res.AddHeader("Set-Cookie", SessionCookie(ctx.app, fresh.token));
  return res;
}

web::Response ShowTotp(Ctx& ctx) {
  if (ctx.user().totp_secret.empty()) return web::Response::Redirect("/account/security");
  if (ctx.session->mfa_passed) return web::Response::Redirect("/dashboard");
  return TotpForm(ctx, false, "", "", 200);
}

web::Response DoTotp(Ctx& ctx) {
  if (ctx.user().totp_secret.empty()) return web::Response::Redirect("/account/security");
  return CompleteSecondFactor(ctx, ctx.user().totp_secret, false);
}

web::Response ShowSecurity(Ctx& ctx) {
  if (!ctx.user().totp_secret.empty()) {
    if (!ctx.session->mfa_passed) return web::Response::Redirect("/login/totp");
    views::Page page = ctx.MakePage(ctx.T("nav_security"));
    views::Data body;
    body.set("error_title", ctx.T("nav_security"));
    body.set("error_text", ctx.T("totp_enabled"));
    return ctx.Render("error", page, body);
  }
  return TotpForm(ctx, true, crypto::NewTotpSecretBase32(), "", 200);
}

web::Response DoSecurity(Ctx& ctx) {
  if (!ctx.user().totp_secret.empty()) return ctx.ErrorPage(403);
  std::string secret = ctx.form.Get("secret");
  // The secret travels in the form only during enrolment; check its shape.
  if (secret.size() != 32 ||
      secret.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") != std::string::npos) {
    return ctx.ErrorPage(400);
  }
  return CompleteSecondFactor(ctx, secret, true);
}

web::Response Logout(Ctx& ctx) {
  // An SSO session also ends at the school's identity provider, when it can.
  std::string idp_logout = SsoLogoutRedirect(ctx);
  Status s = ctx.app.db().Write([&](db::Connection& c) -> Status {
    SP_RETURN_IF_ERROR(ctx.app.sessions().Revoke(c, ctx.session->token));
    if (auto key = ctx.req.Cookie(kKeyCookie))
      SP_RETURN_IF_ERROR(ctx.app.keyring().EndKeySession(c, *key));
    return ctx.app.audit().Append(c, AuditEntry(ctx, "logout", "user", ctx.user().id));
  });
  if (!s.ok()) return ctx.ErrorPage(503);
  web::Response res = web::Response::Redirect(idp_logout.empty() ? "/" : idp_logout);
  res.AddHeader("Set-Cookie",
                ctx.app.SessionCookieName() + "=; Max-Age=0" + ctx.app.CookieAttributes());
  res.AddHeader("Set-Cookie",
                std::string(kKeyCookie) + "=; Max-Age=0" + ctx.app.CookieAttributes());
  return res;
}

web::Response InviteForm(Ctx& ctx, const std::string& token, const std::string& error, int status) {
  web::Response tmp;
  std::string csrf = AnonymousCsrf(ctx, &tmp);
  auto user = ctx.app.invitations().Peek(token);
  views::Page page = ctx.MakePage(ctx.T("invite_title"));
  page.csrf = csrf;
  page.current_path = "/";  // the token stays out of the language-switch link
  if (!error.empty()) page.errors.push_back({"password", error});
  views::Data body;
  body.set("csrf", csrf);
  body.set("valid", user.ok());
  if (user.ok()) {
    body.set("login", user->login);
    body.set("action", "/invite/" + token);
    body.set("password_field", views::InputField("password", ctx.T("new_password_field"), "",
                                                 "password", error, "", "new-password"));
  }
  web::Response res = ctx.Render("invite", page, body, user.ok() ? status : 404);
  for (auto& h : tmp.headers) res.headers.push_back(h);
  return res;
}

web::Response ShowInvite(Ctx& ctx) {
  return InviteForm(ctx, std::string(ctx.req.PathParam("token")), "", 200);
}

web::Response DoInvite(Ctx& ctx) {
  std::string token(ctx.req.PathParam("token"));
  Status s = ctx.app.invitations().Redeem(token, ctx.form.Get("password"));
  if (s.code() == common::StatusCode::kInvalidArgument) {
    return InviteForm(ctx, token, PasswordPolicyMessage(ctx, s), 400);
  }
  if (s.code() == common::StatusCode::kNotFound) return InviteForm(ctx, token, "", 404);
  if (!s.ok()) {
    web::Response res = ctx.ErrorPage(503);
    if (s.code() == common::StatusCode::kUnavailable) {
      res.SetHeader("Retry-After", std::to_string(auth::PasswordGate::kRetryAfterSeconds));
    }
    return res;
  }
  (void)ctx.app.audit().Append(ctx.app.db(),
                               AuditEntry(ctx, "invitation.redeem", "invitation", "-"));
  return LoginForm(ctx, "", {}, 200, ctx.T("invite_done"));
}

}  // namespace

std::string PasswordPolicyMessage(const Ctx& ctx, const common::Status& s) {
  std::string code(crypto::PolicyReasonCode(s));
  if (code == "too_short") return ctx.T("pw_too_short");
  if (code == "too_long") return ctx.T("pw_too_long");
  if (code == "common") return ctx.T("pw_common");
  if (code == "contains_login") return ctx.T("pw_contains_login");
  return ctx.T("pw_invalid");
}

void RegisterAuthRoutes(App& app) {
  app.Route(web::Method::kGet, "/login", Access::Public(), ShowLogin);
  app.Route(web::Method::kPost, "/login", Access::Public(), DoLogin);
  app.Route(web::Method::kGet, "/login/totp", Access::LoggedIn(), ShowTotp);
  app.Route(web::Method::kPost, "/login/totp", Access::LoggedIn(), DoTotp);
  app.Route(web::Method::kGet, "/account/security", Access::LoggedIn(), ShowSecurity);
  app.Route(web::Method::kPost, "/account/security", Access::LoggedIn(), DoSecurity);
  app.Route(web::Method::kPost, "/logout", Access::LoggedIn(), Logout);
  app.Route(web::Method::kGet, "/invite/{token}", Access::Public(), ShowInvite,
            {.sensitive = true});
  app.Route(web::Method::kPost, "/invite/{token}", Access::Public(), DoInvite, {.sensitive = true});
}

}  // namespace app
