// The company signal register with pauses and hoor en wederhoor (meldpunt
// leads only), and the school admin's meldpunt settings: deadlines,
// retention and keys.
#include "app/app.h"

namespace app {

namespace {

using common::Status;

// What the lead typed in one company's forms, kept when a form comes back
// with an error (the page has a form per company).
struct Typed {
  std::string company_id;
  const web::Form* form = nullptr;
  std::string Get(const char* name) const { return form ? form->Get(name) : ""; }
};

std::string ReasonLabel(const Ctx& ctx, domain::PauseReason r) {
  return ctx.T("sig_reason_" + std::string(domain::Name(r)));
}

std::string BandLabel(const Ctx& ctx, std::string_view band) {
  std::string key(band);
  for (char& ch : key) {
    if (ch == '-') ch = '_';
    if (ch == '+') ch = 'p';
  }
  return ctx.T("sig_band_" + key);  // sig_band_5_9, sig_band_10_19, sig_band_20p
}

views::Data PauseData(const Ctx& ctx, const meldpunt::Meldpunt::Pause& p) {
  views::Data d;
  d.set("proposed", p.state == domain::PauseState::kProposed);
  d.set("active", p.state == domain::PauseState::kActive);
  d.set("reason", ReasonLabel(ctx, p.reason));
  d.set("until", domain::FormatDate(p.until));
  views::SetIfPresent(d, "respond_by", p.respond_by ? domain::FormatDate(*p.respond_by) : "");
  views::SetIfPresent(d, "note", p.note);
  views::SetIfPresent(d, "urgent_reason", p.urgent_reason);
  d.set("proposed_on", domain::FormatDate(domain::DateFromMillis(p.proposed_at)));
  d.set("may_confirm", p.may_confirm);
  views::Data responses{views::Data::type::list};
  for (const auto& r : p.responses) {
    views::Data x;
    x.set("text", r.text);
    x.set("on", domain::FormatDate(domain::DateFromMillis(r.at)));
    x.set("via", ctx.T("sig_via_" + r.via));
    responses.push_back(x);
  }
  d.set("has_responses", !p.responses.empty());
  d.set("responses", responses);
  return d;
}

web::Response SignalsPage(Ctx& ctx, const std::vector<views::FieldError>& errors = {},
                          std::string flash = "", int status = 200, const Typed& typed = {}) {
  meldpunt::Staff staff = ctx.Staff();
  auto signals = ctx.app.meldpunt().SignalRegister(staff);
  if (!signals.ok()) return ctx.ErrorPage(HttpStatusFor(signals.status()));
  views::Page page = ctx.MakePage(ctx.T("sig_title"));
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
    item.set("own_cases", std::to_string(s.own_cases_12m));
    item.set("own_alert", s.own_alert);
    if (!s.cross_school_band.empty()) {
      item.set("band", BandLabel(ctx, s.cross_school_band));
      item.set("band_on", s.band_computed_on ? domain::FormatDate(*s.band_computed_on) : "");
    }
    if (s.pause) item.set("pause", PauseData(ctx, *s.pause));
    // The forms of this row: what was typed comes back after an error.
    bool mine = typed.company_id == s.company.id;
    auto kept = [&](const char* name) { return mine ? typed.Get(name) : std::string(); };
    auto err = [&](const char* field) {
      return mine ? views::ErrorFor(errors, std::string(field) + "-" + s.company.id) : "";
    };
    views::Data reasons{views::Data::type::list};
    for (domain::PauseReason r : domain::AllPauseReasons()) {
      views::Data o;
      o.set("value", std::string(domain::Name(r)));
      o.set("label", ReasonLabel(ctx, r));
      o.set("selected", kept("reason") == domain::Name(r));
      reasons.push_back(o);
    }
    item.set("reasons", reasons);
    item.set("note_value", kept("note"));
    item.set("until_value", kept("until"));
    item.set("urgent_checked", kept("urgent") == "yes");
    item.set("urgent_reason_value", kept("urgent_reason"));
    item.set("response_value", kept("response"));
    for (const char* f : {"reason", "note", "until", "urgent_reason", "response", "state"}) {
      views::SetIfPresent(item, std::string(f) + "_error", err(f));
    }
    rows.push_back(item);
  }
  body.set("signals", rows);
  body.set("empty", signals->empty());
  body.set("own_threshold",
           std::to_string(ctx.app.meldpunt().Policy(ctx.user().school_id).signal_threshold));
  body.set("cross_threshold",
           std::to_string(domain::CrossSchoolThreshold(ctx.app.config().signal_alert_threshold)));
  body.set("response_days", std::to_string(domain::kPauseResponseWorkingDays));
  return ctx.Render("signals", page, body, status);
}

// The register is for the school's meldpunt leads; another handler holds
// the permission but is refused here, before anything about the company.
bool IsLead(Ctx& ctx) { return ctx.Staff().lead; }

web::Response ShowSignals(Ctx& ctx) {
  if (!IsLead(ctx)) return ctx.ErrorPage(403);
  std::string ok = ctx.req.QueryParam("ok").value_or("");
  return SignalsPage(ctx, {}, ok == "1" ? ctx.T("flash_saved") : "");
}

web::Response AfterSignal(Ctx& ctx, const Status& s) {
  if (s.ok()) return web::Response::Redirect("/meldpunt/signalen?ok=1");
  std::string company(ctx.req.PathParam("id"));
  Typed typed{company, &ctx.form};
  switch (s.code()) {
    case common::StatusCode::kNotFound:
      return ctx.ErrorPage(404);
    case common::StatusCode::kInvalidArgument:
      return SignalsPage(ctx, {{s.field() + "-" + company, ctx.T("sig_err_" + s.field())}}, "",
                         400, typed);
    case common::StatusCode::kFailedPrecondition:
    case common::StatusCode::kAlreadyExists:
      return SignalsPage(ctx, {{"state-" + company, ctx.T("sig_err_state")}}, "", 409, typed);
    default:
      return ctx.ErrorPage(HttpStatusFor(s));
  }
}

web::Response Propose(Ctx& ctx) {
  if (!IsLead(ctx)) return ctx.ErrorPage(403);
  auto reason = domain::ParsePauseReason(ctx.form.Get("reason"));
  if (!reason) return AfterSignal(ctx, Status::InvalidArgument("choose one", "reason"));
  auto until = domain::ParseDate(ctx.form.Get("until"));
  if (!until) return AfterSignal(ctx, Status::InvalidArgument("not a date", "until"));
  return AfterSignal(ctx, ctx.app.meldpunt().ProposePause(
                              ctx.Staff(), ctx.req.PathParam("id"), *reason, ctx.form.Get("note"),
                              *until, ctx.form.Get("urgent") == "yes",
                              ctx.form.Get("urgent_reason")));
}

web::Response RecordResponse(Ctx& ctx) {
  if (!IsLead(ctx)) return ctx.ErrorPage(403);
  return AfterSignal(ctx, ctx.app.meldpunt().RecordPauseResponse(
                              ctx.Staff(), ctx.req.PathParam("id"), ctx.form.Get("response")));
}

web::Response Confirm(Ctx& ctx) {
  if (!IsLead(ctx)) return ctx.ErrorPage(403);
  return AfterSignal(ctx, ctx.app.meldpunt().ConfirmPause(ctx.Staff(), ctx.req.PathParam("id")));
}

web::Response Urgent(Ctx& ctx) {
  if (!IsLead(ctx)) return ctx.ErrorPage(403);
  return AfterSignal(ctx, ctx.app.meldpunt().MakePauseUrgent(
                              ctx.Staff(), ctx.req.PathParam("id"), ctx.form.Get("urgent_reason")));
}

web::Response Withdraw(Ctx& ctx) {
  if (!IsLead(ctx)) return ctx.ErrorPage(403);
  return AfterSignal(ctx, ctx.app.meldpunt().WithdrawPause(ctx.Staff(), ctx.req.PathParam("id")));
}

web::Response Lift(Ctx& ctx) {
  if (!IsLead(ctx)) return ctx.ErrorPage(403);
  return AfterSignal(ctx, ctx.app.meldpunt().LiftPause(ctx.Staff(), ctx.req.PathParam("id")));
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
  app.Route(web::Method::kPost, "/meldpunt/signalen/{id}/pauze", pauses, Propose);
  app.Route(web::Method::kPost, "/meldpunt/signalen/{id}/reactie", pauses, RecordResponse);
  app.Route(web::Method::kPost, "/meldpunt/signalen/{id}/bevestigen", pauses, Confirm);
  app.Route(web::Method::kPost, "/meldpunt/signalen/{id}/spoed", pauses, Urgent);
  app.Route(web::Method::kPost, "/meldpunt/signalen/{id}/intrekken", pauses, Withdraw);
  app.Route(web::Method::kPost, "/meldpunt/signalen/{id}/opheffen", pauses, Lift);
  app.Route(web::Method::kGet, "/admin/meldpunt", keys, ShowSettings);
  app.Route(web::Method::kPost, "/admin/meldpunt", keys, SaveSettings);
  app.Route(web::Method::kPost, "/admin/meldpunt/herstelsleutel", keys, CreateRecovery,
            {.sensitive = true});
  app.Route(web::Method::kPost, "/admin/meldpunt/herstel", keys, Regrant, {.sensitive = true});
}

}  // namespace app
