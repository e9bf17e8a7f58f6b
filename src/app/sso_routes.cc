// Single sign-on with a school's OpenID Connect provider (oidc/relying_party.h,
// oidc/linking.h; docs/sso.md):
//
//   GET  /s/{brin}/login       the school's login page: its SSO button first,
//                              then the password form (companies, staff without SSO)
//   GET  /s/{brin}/login/sso   starts the code flow: redirect to the provider
//   GET  /auth/oidc/callback   ends it: a session, or a clear refusal page
//   GET/POST /admin/sso        the school admin's settings (secret to a file)
//
// Every refusal is audited as "login.sso_refused" with a reason code as the
// result, never a claim's value; a login as "login.sso". Claims never give a
// role: a student gets the student role only, staff must have an account.
#include <filesystem>

#include "app/app.h"
#include "crypto/hash.h"
#include "oidc/linking.h"
#include "oidc/relying_party.h"

namespace app {

namespace {

using common::Status;

// The providers' public metadata and keys, cached for the process (shared by
// every App of it: the cache holds nothing of a school but the issuer's URL).
oidc::RelyingParty& Rp() {
  static oidc::RelyingParty rp;
  return rp;
}

std::string RedirectUri(const App& app) {
  std::string base = app.config().public_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/auth/oidc/callback";
}

// The browser-binding cookie: Lax, because the provider's redirect back to
// the callback is a cross-site navigation (Strict would never send it), and
// only for the callback's path, for the ten minutes a login may take.
// (Clearing it needs no cross-site navigation: Strict, as every other cookie.)
std::string BrowserCookie(const App& app, const std::string& value, bool clear) {
  return std::string(oidc::kBrowserCookie) + "=" + (clear ? "" : value) +
         "; Path=/auth/oidc; HttpOnly; SameSite=" + (clear ? "Strict" : "Lax") +
         "; Max-Age=" + (clear ? "0" : "600") + (app.config().tls ? "; Secure" : "");
}

std::optional<auth::School> SchoolFromPath(Ctx& ctx) {
  auto brin = domain::NormalizeBrin(ctx.req.PathParam("brin"));
  if (!brin.ok()) return std::nullopt;
  auto school = ctx.app.accounts().SchoolByBrin(*brin);
  if (!school.ok()) return std::nullopt;
  return *school;
}

// The school's settings when single sign-on is on; nullopt otherwise.
std::optional<oidc::SchoolSso> EnabledSso(App& app, const std::string& school_id) {
  std::optional<oidc::SchoolSso> out;
  (void)app.db().Read([&](db::Connection& c) -> Status {
    auto sso = oidc::LoadSchoolSso(c, school_id);
    if (sso.ok() && sso->enabled) out = *sso;
    return Status::Ok();
  });
  return out;
}

// ---- Refusals ----------------------------------------------------------------

struct RefusalText {
  const char* key;
  int status;
};

RefusalText TextFor(std::string_view reason) {
  if (reason == oidc::kRefusalNotInRegister) return {"sso_refused_not_in_register", 403};
  if (reason == oidc::kRefusalNoAccount) return {"sso_refused_no_account", 403};
  if (reason == oidc::kRefusalDisabled) return {"sso_refused_disabled", 403};
  if (reason == oidc::kRefusalBadState || reason == oidc::kRefusalReplayedState) {
    return {"sso_refused_state", 400};
  }
  if (reason == oidc::kRefusalUnavailable) return {"sso_refused_unavailable", 503};
  return {"sso_refused_token", 403};
}

// The refusal page, and its audit record (reason code only).
web::Response Refuse(Ctx& ctx, const std::string& school_id, std::string_view reason,
                     const std::string& retry_href) {
  audit::Entry e = AuditEntry(ctx, "login.sso_refused", "school",
                              school_id.empty() ? "-" : school_id, std::string(reason));
  e.school_id = school_id;
  (void)ctx.app.audit().Append(ctx.app.db(), e);
  RefusalText text = TextFor(reason);
  views::Page page = ctx.MakePage(ctx.T("sso_refused_title"));
  views::Data body;
  body.set("reason", std::string(reason));
  body.set("message", ctx.T(text.key));
  views::SetIfPresent(body, "retry_href", retry_href);
  web::Response res = ctx.Render("sso_refused", page, body, text.status);
  res.AddHeader("Set-Cookie", BrowserCookie(ctx.app, "", true));
  return res;
}

std::string RetryHref(App& app, const std::string& school_id) {
  if (school_id.empty()) return "/login";
  auto school = app.accounts().SchoolById(school_id);
  return school.ok() ? "/s/" + school->brin + "/login" : "/login";
}

// ---- The school's login page and the flow ------------------------------------

web::Response SchoolLogin(Ctx& ctx) {
  auto school = SchoolFromPath(ctx);
  if (!school) return ctx.ErrorPage(404);
  if (ctx.session) return web::Response::Redirect("/dashboard");
  web::Response tmp;
  std::string csrf = AnonymousCsrf(ctx, &tmp);
  std::string heading = ctx.T("sso_school_login_title");
  if (size_t at = heading.find("{school}"); at != std::string::npos) {
    heading.replace(at, 8, school->name);
  }
  views::Page page = ctx.MakePage(heading);
  page.csrf = csrf;
  views::Data body;
  body.set("heading", heading);
  body.set("csrf", csrf);
  body.set("sso", EnabledSso(ctx.app, school->id).has_value());
  body.set("sso_href", "/s/" + school->brin + "/login/sso");
  body.set("login_field",
           views::InputField("login", ctx.T("login_field"), "", "text", "", "", "username"));
  body.set("password_field", views::InputField("password", ctx.T("password_field"), "", "password",
                                               "", "", "current-password"));
  web::Response res = ctx.Render("sso_school_login", page, body);
  for (auto& h : tmp.headers) res.headers.push_back(h);
  return res;
}

web::Response StartSso(Ctx& ctx) {
  auto school = SchoolFromPath(ctx);
  if (!school) return ctx.ErrorPage(404);
  auto sso = EnabledSso(ctx.app, school->id);
  if (!sso) return ctx.ErrorPage(404);
  oidc::Start start;
  Status s = ctx.app.db().Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(start, Rp().Begin(c, *sso, RedirectUri(ctx.app), ctx.app.clock()));
    return Status::Ok();
  });
  if (!s.ok()) {
    return Refuse(ctx, school->id, oidc::kRefusalUnavailable, "/s/" + school->brin + "/login");
  }
  web::Response res = web::Response::Redirect(start.redirect_url);
  res.AddHeader("Set-Cookie", BrowserCookie(ctx.app, start.browser_secret, false));
  return res;
}

web::Response Callback(Ctx& ctx) {
  // A callback is a login attempt: refused ones take from the client's
  // budget like wrong passwords (auth/login_throttle.h), which also bounds
  // the audit records an anonymous caller can cause with made-up states.
  auth::LoginThrottle& throttle = ctx.app.login_throttle();
  std::string client = throttle.ClientKey(ctx.req.remote_ip);
  if (!throttle.AdmitAttempt(client)) {
    views::Page page = ctx.MakePage(ctx.T("sso_refused_title"));
    views::Data body;
    body.set("reason", "throttled");
    body.set("message", ctx.T("login_throttled"));
    web::Response res = ctx.Render("sso_refused", page, body, 429);
    res.SetHeader("Retry-After", std::to_string(auth::LoginThrottle::kClientRetryAfterSeconds));
    return res;
  }
  oidc::Callback cb;
  cb.state = ctx.req.QueryParam("state").value_or("");
  cb.code = ctx.req.QueryParam("code").value_or("");
  cb.error = ctx.req.QueryParam("error").value_or("");
  cb.browser_secret = ctx.req.Cookie(oidc::kBrowserCookie).value_or("");
  std::string school_id;
  auto login = Rp().Finish(
      ctx.app.db(), cb, RedirectUri(ctx.app),
      [&](const std::string& id) -> common::StatusOr<std::pair<oidc::SchoolSso, std::string>> {
        auto sso = EnabledSso(ctx.app, id);
        auto school = ctx.app.accounts().SchoolById(id);
        if (!sso || !school.ok()) return Status::PermissionDenied(oidc::kRefusalUnavailable);
        auto secret = oidc::ReadSecret(ctx.app.config().data_dir, school->brin);
        if (!secret.ok()) return Status::PermissionDenied(oidc::kRefusalUnavailable);
        return std::make_pair(*sso, *secret);
      },
      &school_id, ctx.app.clock());
  std::string retry = RetryHref(ctx.app, school_id);
  if (!login.ok()) {
    if (login.status().code() != common::StatusCode::kPermissionDenied) {
      return Refuse(ctx, school_id, oidc::kRefusalUnavailable, retry);
    }
    return Refuse(ctx, school_id, login.status().message(), retry);
  }
  auto sso = EnabledSso(ctx.app, login->school_id);
  auto school = ctx.app.accounts().SchoolById(login->school_id);
  if (!sso || !school.ok()) return Refuse(ctx, school_id, oidc::kRefusalUnavailable, retry);

  oidc::Linked linked;
  auth::Session session;
  bool mfa_passed = false;
  Status s = ctx.app.db().Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(linked, oidc::LinkUser(c, ctx.app.accounts(), *sso, *school, *login->claims,
                                               ctx.app.clock().NowMillis()));
    // The provider's second factor counts only where the school declared
    // that its provider enforces one and this token says it was done.
    mfa_passed = !domain::RequiresSecondFactor(linked.user.role) ||
                 (sso->idp_enforces_mfa && oidc::TokenShowsMfa(*login->claims, sso->mfa_acr));
    if (ctx.session) SP_RETURN_IF_ERROR(ctx.app.sessions().Revoke(c, ctx.session->token));
    SP_ASSIGN_OR_RETURN(session, ctx.app.sessions().Create(c, linked.user, mfa_passed));
    SP_RETURN_IF_ERROR(
        c.Execute("INSERT INTO sso_sessions (session_hash, school_id, id_token) "
                  "VALUES ($1, $2, $3)",
                  {crypto::Sha256Hex(session.token), sso->school_id, login->id_token})
            .status());
    if (linked.created) {
      audit::Entry created = AuditEntry(ctx, "user.create_sso", "user", linked.user.id);
      created.school_id = sso->school_id;
      created.actor = linked.user.id;
      SP_RETURN_IF_ERROR(ctx.app.audit().Append(c, created));
    }
    audit::Entry e =
        AuditEntry(ctx, "login.sso", "user", linked.user.id, linked.linked_now ? "linked" : "ok");
    e.school_id = sso->school_id;
    e.actor = linked.user.id;
    return ctx.app.audit().Append(c, e);
  });
  if (!s.ok()) {
    if (s.code() == common::StatusCode::kPermissionDenied) {
      return Refuse(ctx, sso->school_id, s.message(), retry);
    }
    return ctx.ErrorPage(s.code() == common::StatusCode::kUnavailable ? 503 : 500);
  }
  std::string next = "/dashboard";
  if (!mfa_passed) {
    next = linked.user.totp_secret.empty() ? "/account/security" : "/login/totp";
  }
  throttle.ReturnAttempt(client);
  web::Response res = web::Response::Redirect(next);
  res.AddHeader("Set-Cookie", BrowserCookie(ctx.app, "", true));
  res.AddHeader("Set-Cookie",
                ctx.app.SessionCookieName() + "=" + session.token + ctx.app.CookieAttributes());
  return res;
}

// ---- The school admin's settings ---------------------------------------------

struct SettingsForm {
  oidc::SchoolSso sso;
  std::vector<views::FieldError> errors;
  std::string flash;
};

std::string MessageFor(const Ctx& ctx, const std::string& field) {
  if (field == "issuer") return ctx.T("sso_issuer_invalid");
  if (field == "client_id") return ctx.T("sso_client_id_invalid");
  if (field == "client_secret") return ctx.T("sso_secret_invalid");
  if (field == "staff_claim") return ctx.T("sso_staff_claim_invalid");
  if (field == "student_number_claim") return ctx.T("sso_claim_invalid");
  return ctx.T("field_invalid");
}

web::Response RenderSettings(Ctx& ctx, const SettingsForm& f, int status) {
  views::Page page = ctx.MakePage(ctx.T("sso_settings_title"));
  page.csrf = ctx.session->csrf_token;
  page.errors = f.errors;
  page.flash = f.flash;
  auto error_for = [&](std::string_view id) { return views::ErrorFor(f.errors, id); };
  auto school = ctx.app.accounts().SchoolById(ctx.user().school_id);
  bool stored = school.ok() && oidc::ReadSecret(ctx.app.config().data_dir, school->brin).ok();
  views::Data body;
  body.set("csrf", ctx.session->csrf_token);
  body.set("redirect_uri", RedirectUri(ctx.app));
  body.set("secret_stored", stored);
  body.set("issuer_field", views::InputField("issuer", ctx.T("sso_issuer_field"), f.sso.issuer,
                                             "url", error_for("issuer"), ctx.T("sso_issuer_hint")));
  body.set("client_id_field", views::InputField("client_id", ctx.T("sso_client_id_field"),
                                                f.sso.client_id, "text", error_for("client_id")));
  body.set("client_secret_field",
           views::InputField("client_secret", ctx.T("sso_client_secret_field"), "", "password",
                             error_for("client_secret"), ctx.T("sso_client_secret_hint"),
                             "new-password"));
  body.set("student_claim_field",
           views::InputField("student_number_claim", ctx.T("sso_student_claim_field"),
                             f.sso.student_number_claim, "text", error_for("student_number_claim"),
                             ctx.T("sso_student_claim_hint")));
  body.set("staff_claim_field",
           views::InputField("staff_claim", ctx.T("sso_staff_claim_field"), f.sso.staff_claim,
                             "text", error_for("staff_claim"), ctx.T("sso_staff_claim_hint")));
  body.set("mfa_acr_field", views::InputField("mfa_acr", ctx.T("sso_mfa_acr_field"), f.sso.mfa_acr,
                                              "text", error_for("mfa_acr")));
  body.set("idp_enforces_mfa", f.sso.idp_enforces_mfa);
  body.set("enabled", f.sso.enabled);
  return ctx.Render("sso_settings", page, body, status);
}

web::Response ShowSettings(Ctx& ctx) {
  SettingsForm f;
  (void)ctx.app.db().Read([&](db::Connection& c) -> Status {
    auto sso = oidc::LoadSchoolSso(c, ctx.user().school_id);
    if (sso.ok()) f.sso = *sso;
    return Status::Ok();
  });
  return RenderSettings(ctx, f, 200);
}

web::Response SaveSettings(Ctx& ctx) {
  SettingsForm f;
  f.sso.school_id = ctx.user().school_id;
  f.sso.issuer = ctx.form.Get("issuer");
  f.sso.client_id = ctx.form.Get("client_id");
  f.sso.student_number_claim = ctx.form.Get("student_number_claim");
  f.sso.staff_claim = ctx.form.Get("staff_claim");
  f.sso.mfa_acr = ctx.form.Get("mfa_acr");
  f.sso.idp_enforces_mfa = ctx.form.Get("idp_enforces_mfa") == "yes";
  f.sso.enabled = ctx.form.Get("enabled") == "yes";
  std::string secret = ctx.form.Get("client_secret");
  auto school = ctx.app.accounts().SchoolById(ctx.user().school_id);
  if (!school.ok()) return ctx.ErrorPage(404);
  const std::string& data_dir = ctx.app.config().data_dir;

  auto fail = [&](const std::string& field, std::string message) {
    f.errors.push_back({field, std::move(message)});
    return RenderSettings(ctx, f, 400);
  };
  if (Status v = oidc::ValidateSchoolSso(f.sso); !v.ok()) {
    return fail(v.field(), MessageFor(ctx, v.field()));
  }
  if (secret.empty() && !oidc::ReadSecret(data_dir, school->brin).ok()) {
    return fail("client_secret", ctx.T("sso_secret_required"));
  }
  // The provider must answer at the issuer before anyone is sent there.
  if (auto meta = oidc::Discover(f.sso.issuer); !meta.ok()) {
    return fail("issuer", ctx.T("sso_issuer_invalid"));
  }
  if (!secret.empty()) {
    Status w = oidc::WriteSecret(data_dir, school->brin, secret);
    if (w.code() == common::StatusCode::kInvalidArgument) {
      return fail("client_secret", ctx.T("sso_secret_invalid"));
    }
    if (!w.ok()) return ctx.ErrorPage(503);
  }
  Status s = ctx.app.db().Write([&](db::Connection& c) -> Status {
    SP_RETURN_IF_ERROR(oidc::SaveSchoolSso(c, f.sso, ctx.app.clock().NowMillis()));
    audit::Entry e = AuditEntry(ctx, secret.empty() ? "sso.settings" : "sso.settings_and_secret",
                                "school", f.sso.school_id);
    e.school_id = f.sso.school_id;
    return ctx.app.audit().Append(c, e);
  });
  if (!s.ok()) return ctx.ErrorPage(503);
  Rp().ForgetProviders();
  f.flash = ctx.T("sso_saved");
  return RenderSettings(ctx, f, 200);
}

}  // namespace

void AddSsoSchools(Ctx& ctx, views::Data& body) {
  views::Data list{views::Data::type::list};
  bool any = false;
  (void)ctx.app.db().Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(db::Rows rows,
                        c.Query("SELECT s.brin, s.name FROM school_sso x JOIN schools s ON "
                                "s.id = x.school_id WHERE x.enabled = 1 ORDER BY s.name"));
    for (const db::Row& r : rows.rows) {
      views::Data item;
      item.set("href", "/s/" + r.Text(0) + "/login/sso");
      item.set("name", r.Text(1));
      list.push_back(item);
      any = true;
    }
    return Status::Ok();
  });
  body.set("has_sso_schools", any);
  body.set("sso_schools", list);
}

std::string SsoLogoutRedirect(Ctx& ctx) {
  if (!ctx.session) return {};
  std::string school_id, id_token;
  (void)ctx.app.db().Read([&](db::Connection& c) -> Status {
    auto row = c.QueryOne("SELECT school_id, id_token FROM sso_sessions WHERE session_hash = $1",
                          {crypto::Sha256Hex(ctx.session->token)});
    if (row.ok()) {
      school_id = row->Text(0);
      id_token = row->Text(1);
    }
    return Status::Ok();
  });
  if (id_token.empty()) return {};
  auto sso = EnabledSso(ctx.app, school_id);
  if (!sso) return {};
  auto meta = Rp().Metadata(sso->issuer);
  if (!meta.ok() || meta->end_session_endpoint.empty()) return {};
  std::string base = ctx.app.config().public_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  const std::string& end = meta->end_session_endpoint;
  return end + (end.find('?') == std::string::npos ? "?" : "&") +
         "id_token_hint=" + oidc::FormEncode(id_token) +
         "&post_logout_redirect_uri=" + oidc::FormEncode(base + "/") +
         "&client_id=" + oidc::FormEncode(sso->client_id);
}

void RegisterSsoRoutes(App& app) {
  using domain::Permission;
  app.Route(web::Method::kGet, "/s/{brin}/login", Access::Public(), SchoolLogin);
  app.Route(web::Method::kGet, "/s/{brin}/login/sso", Access::Public(), StartSso);
  app.Route(web::Method::kGet, "/auth/oidc/callback", Access::Public(), Callback);
  app.Route(web::Method::kGet, "/admin/sso", Access::Need(Permission::kManageSchoolUsers),
            ShowSettings);
  app.Route(web::Method::kPost, "/admin/sso", Access::Need(Permission::kManageSchoolUsers),
            SaveSettings);
}

}  // namespace app
