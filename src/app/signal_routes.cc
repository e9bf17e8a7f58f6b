// The company signal register with pauses (coordinators and meldpunt), and
// the school admin's meldpunt settings: deadlines, retention and keys.
#include "app/app.h"

namespace app {

namespace {

using common::Status;

web::Response SignalsPage(Ctx& ctx, const std::vector<views::FieldError>& errors = {},
                          std::string flash = "", int status = 200) {
  auto signals = ctx.app.meldpunt().SignalRegister(ctx.user().school_id);
  if (!signals.ok()) return ctx.ErrorPage(HttpStatusFor(signals.status()));
  views::Page page = ctx.MakePage(ctx.T("signals_title"));
  page.errors = errors;
  page.flash = std::move(flash);
  views::Data body;
  body.set("csrf", ctx.session->csrf_token);
  views::Data rows{views::Data::type::list};
  for (const auto& s : *signals) {
    views::Data item;
    item.set("id", s.company.id);
    item.set("name", s.company.name);
    item.set("leerbedrijf_id", s.company.leerbedrijf_id);
    item.set("reports", std::to_string(s.reports_12m));
    item.set("alert", s.alert);
    item.set("paused", s.paused_until.has_value());
    item.set("paused_until", s.paused_until.value_or(""));
    item.set("reason", s.pause_reason);
    rows.push_back(item);
  }
  body.set("signals", rows);
  body.set("empty", signals->empty());
  body.set("threshold",
           std::to_string(ctx.app.meldpunt().Policy(ctx.user().school_id).signal_threshold));
  views::SetIfPresent(body, "reason_error", views::ErrorFor(errors, "reason"));
  views::SetIfPresent(body, "until_error", views::ErrorFor(errors, "until"));
  return ctx.Render("signals", page, body, status);
}

web::Response ShowSignals(Ctx& ctx) {
  std::string ok = ctx.req.QueryParam("ok").value_or("");
  return SignalsPage(ctx, {}, ok == "1" ? ctx.T("flash_saved") : "");
}

web::Response AfterSignal(Ctx& ctx, const Status& s) {
  if (s.ok()) return web::Response::Redirect("/meldpunt/signalen?ok=1");
  if (s.code() == common::StatusCode::kNotFound) return ctx.ErrorPage(404);
  if (s.code() == common::StatusCode::kInvalidArgument)
    return SignalsPage(ctx, {{s.field(), s.message()}}, "", 400);
  return ctx.ErrorPage(HttpStatusFor(s));
}

web::Response Pause(Ctx& ctx) {
  auto until = domain::ParseDate(ctx.form.Get("until"));
  if (!until) return AfterSignal(ctx, Status::InvalidArgument(ctx.T("err_until"), "until"));
  return AfterSignal(ctx, ctx.app.meldpunt().PauseCompany(ctx.user(), ctx.req.PathParam("id"),
                                                          ctx.form.Get("reason"), *until));
}

web::Response Lift(Ctx& ctx) {
  return AfterSignal(ctx, ctx.app.meldpunt().LiftPause(ctx.user(), ctx.req.PathParam("id")));
}

web::Response SettingsPage(Ctx& ctx, std::vector<views::FieldError> errors = {},
                           std::string flash = "", const std::string& recovery_code = "",
                           int status = 200) {
  views::Page page = ctx.MakePage(ctx.T("mp_settings_title"));
  page.errors = errors;
  page.flash = std::move(flash);
  domain::DeadlinePolicy p = ctx.app.meldpunt().Policy(ctx.user().school_id);
  bool has_recovery = false;
  (void)ctx.app.db().Read([&](db::Connection& c) -> Status {
    auto pk = ctx.app.keyring().RecoveryPublicKey(c, ctx.user().school_id);
    has_recovery = pk.ok() && pk->has_value();
    return Status::Ok();
  });
  views::Data body;
  body.set("csrf", ctx.session->csrf_token);
  auto field = [&](const char* id, int value) {
    return views::InputField(id, ctx.T(std::string("mp_") + id), std::to_string(value), "number",
                             views::ErrorFor(errors, id));
  };
  body.set("first_contact_field",
           field("first_contact_working_days", p.first_contact_working_days));
  body.set("feedback_field", field("feedback_months", p.feedback_months));
  body.set("retention_field", field("retention_months", p.retention_months));
  body.set("threshold_field", field("signal_threshold", p.signal_threshold));
  std::string weeks;
  for (int w : p.aftercare_weeks) weeks += (weeks.empty() ? "" : ",") + std::to_string(w);
  body.set(
      "aftercare_field",
      views::InputField("aftercare_weeks", ctx.T("mp_aftercare_weeks"), weeks, "text",
                        views::ErrorFor(errors, "aftercare_weeks"), ctx.T("mp_aftercare_hint")));
  body.set("show_names", ctx.app.meldpunt().ShowHandlerNames(ctx.user().school_id));
  body.set("has_recovery", has_recovery);
  body.set("recovery_code", recovery_code);
  body.set("recovery_field",
           views::InputField("recovery_code", ctx.T("mp_recovery_code"), "", "text",
                             views::ErrorFor(errors, "recovery_code"), "", "off"));
  return ctx.Render("meldpunt_settings", page, body, status);
}

web::Response ShowSettings(Ctx& ctx) {
  return SettingsPage(ctx, {},
                      ctx.req.QueryParam("ok").value_or("") == "1" ? ctx.T("flash_saved") : "");
}

web::Response SaveSettings(Ctx& ctx) {
  domain::DeadlinePolicy p = ctx.app.meldpunt().Policy(ctx.user().school_id);
  auto number = [&](const char* name, int& out) -> bool {
    std::string v = ctx.form.Get(name);
    if (v.empty() || v.size() > 4 || v.find_first_not_of("0123456789") != std::string::npos)
      return false;
    out = std::stoi(v);  // at most 4 digits, checked above
    return true;
  };
  for (auto [name, target] :
       {std::pair{"first_contact_working_days", &p.first_contact_working_days},
        {"feedback_months", &p.feedback_months},
        {"retention_months", &p.retention_months},
        {"signal_threshold", &p.signal_threshold}}) {
    if (!number(name, *target))
      return SettingsPage(ctx, {{name, ctx.T("err_number")}}, "", "", 400);
  }
  p.aftercare_weeks.clear();
  std::string weeks = ctx.form.Get("aftercare_weeks");
  size_t start = 0;
  while (start < weeks.size()) {
    size_t end = weeks.find(',', start);
    if (end == std::string::npos) end = weeks.size();
    std::string w = weeks.substr(start, end - start);
    if (w.empty() || w.size() > 3 || w.find_first_not_of("0123456789 ") != std::string::npos) {
      return SettingsPage(ctx, {{"aftercare_weeks", ctx.T("mp_aftercare_hint")}}, "", "", 400);
    }
    p.aftercare_weeks.push_back(std::stoi(w));  // 1-3 digits and spaces, checked above
    start = end + 1;
  }
  Status s = ctx.app.meldpunt().SaveSettings(ctx.user(), p, ctx.form.Get("show_names") == "yes");
  if (s.code() == common::StatusCode::kInvalidArgument)
    return SettingsPage(ctx, {{s.field(), s.message()}}, "", "", 400);
  if (!s.ok()) return ctx.ErrorPage(HttpStatusFor(s));
  return web::Response::Redirect("/admin/meldpunt?ok=1");
}

web::Response CreateRecovery(Ctx& ctx) {
  std::string code;
  Status s = ctx.app.db().Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(code, ctx.app.keyring().CreateRecoveryKey(c, ctx.user().school_id));
    return ctx.app.audit().Append(
        c, AuditEntry(ctx, "keys.recovery_create", "school", ctx.user().school_id));
  });
  if (s.code() == common::StatusCode::kAlreadyExists)
    return SettingsPage(ctx, {{"recovery_code", ctx.T("mp_recovery_exists")}}, "", "", 409);
  if (!s.ok()) return ctx.ErrorPage(HttpStatusFor(s));
  return SettingsPage(ctx, {}, ctx.T("mp_recovery_created"), code);
}

web::Response Regrant(Ctx& ctx) {
  auto n = ctx.app.meldpunt().RegrantWithRecoveryCode(ctx.user(), ctx.form.Get("recovery_code"));
  if (!n.ok()) {
    if (n.status().code() == common::StatusCode::kPermissionDenied) {
      return SettingsPage(ctx, {{"recovery_code", ctx.T("mp_recovery_wrong")}}, "", "", 403);
    }
    return ctx.ErrorPage(HttpStatusFor(n.status()));
  }
  return SettingsPage(ctx, {}, ctx.T("mp_regranted") + " " + std::to_string(*n));
}

}  // namespace

void RegisterSignalRoutes(App& app) {
  Access pauses = Access::Need(domain::Permission::kManageCompanyPauses);
  Access keys = Access::Need(domain::Permission::kRecoverCaseKeys);
  app.Route(web::Method::kGet, "/meldpunt/signalen", pauses, ShowSignals);
  app.Route(web::Method::kPost, "/meldpunt/signalen/{id}/pauze", pauses, Pause);
  app.Route(web::Method::kPost, "/meldpunt/signalen/{id}/opheffen", pauses, Lift);
  app.Route(web::Method::kGet, "/admin/meldpunt", keys, ShowSettings);
  app.Route(web::Method::kPost, "/admin/meldpunt", keys, SaveSettings);
  app.Route(web::Method::kPost, "/admin/meldpunt/herstelsleutel", keys, CreateRecovery,
            {.sensitive = true});
  app.Route(web::Method::kPost, "/admin/meldpunt/herstel", keys, Regrant, {.sensitive = true});
}

}  // namespace app
