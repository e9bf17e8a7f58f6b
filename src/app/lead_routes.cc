// The school admin's page for the meldpunt's staff: who is lead (and so
// receives every new case), who has a key pair yet, and who still waits for
// case keys; the recovery code grants those at once (meldpunt/leads.cc).
// Every query is scoped to the admin's school: another school's user id
// answers like a missing one.
#include "app/app.h"

namespace app {

namespace {

using common::Status;

constexpr char kPath[] = "/admin/meldpunt/leiding";

web::Response LeadsPage(Ctx& ctx, const std::vector<views::FieldError>& errors, std::string flash,
                        int status) {
  const std::string& school_id = ctx.user().school_id;
  // The rule "someone receives new cases" also covers handlers made on
  // paths that do not apply it themselves.
  if (auto made = ctx.app.meldpunt().EnsureLead(school_id, ctx.user().id);
      !made.ok() && made.status().code() == common::StatusCode::kUnavailable) {
    return ctx.ErrorPage(503);
  }
  auto overview = ctx.app.meldpunt().LeadOverview(school_id);
  if (!overview.ok()) return ctx.ErrorPage(HttpStatusFor(overview.status()));
  views::Page page = ctx.MakePage(ctx.T("leads_title"));
  page.errors = errors;
  page.flash = std::move(flash);
  views::Data body;
  views::Data rows{views::Data::type::list};
  bool waiting = false;
  for (const auto& k : *overview) {
    views::Data r;
    r.set("name", k.name);
    r.set("login", k.login);
    r.set("lead", ctx.T(k.lead ? "leads_yes" : "leads_no"));
    r.set("key_pair", ctx.T(k.has_key_pair ? "leads_key_pair_yes" : "leads_key_pair_no"));
    std::string keys;
    if (!k.has_key_pair) {
      keys = ctx.T("leads_keys_after_login");
    } else if (k.missing > 0) {
      keys = ctx.T("leads_keys_missing") + " " + std::to_string(k.missing);
    } else {
      keys = ctx.T("leads_keys_all");
    }
    if (k.grant_pending || k.missing > 0) waiting = true;
    r.set("keys", keys);
    r.set("action", std::string(kPath) + "/" + k.id + (k.lead ? "/terug" : "/maak"));
    r.set("button", ctx.T(k.lead ? "leads_remove" : "leads_add"));
    r.set("csrf", ctx.session->csrf_token);
    rows.push_back(r);
  }
  body.set("has_handlers", !overview->empty());
  body.set("handlers", rows);
  body.set("waiting", waiting);
  body.set("csrf", ctx.session->csrf_token);
  body.set("recovery_field", views::InputField("recovery_code", ctx.T("mp_recovery_code"), "",
                                               "text", views::ErrorFor(errors, "recovery_code"),
                                               ctx.T("leads_recovery_hint"), "off"));
  return ctx.Render("leads", page, body, status);
}

web::Response ShowLeads(Ctx& ctx) {
  std::string done = ctx.req.QueryParam("ok").value_or("");
  std::string flash;
  if (done == "added") flash = ctx.T("leads_added");
  if (done == "removed") flash = ctx.T("leads_removed");
  return LeadsPage(ctx, {}, flash, 200);
}

// A refused change names the table, where the buttons are.
web::Response AfterChange(Ctx& ctx, const Status& s, const char* done) {
  if (s.ok()) return web::Response::Redirect(std::string(kPath) + "?ok=" + done);
  if (s.code() == common::StatusCode::kNotFound) return ctx.ErrorPage(404);
  if (s.code() == common::StatusCode::kInvalidArgument)
    return LeadsPage(ctx, {{"leads", ctx.T("leads_not_handler")}}, "", 400);
  if (s.code() == common::StatusCode::kFailedPrecondition)
    return LeadsPage(ctx, {{"leads", ctx.T("leads_last")}}, "", 409);
  return ctx.ErrorPage(HttpStatusFor(s));
}

web::Response AddLead(Ctx& ctx) {
  return AfterChange(
      ctx, ctx.app.meldpunt().AddLead(ctx.user().school_id, ctx.user().id, ctx.req.PathParam("id")),
      "added");
}

web::Response RemoveLead(Ctx& ctx) {
  return AfterChange(
      ctx,
      ctx.app.meldpunt().RemoveLead(ctx.user().school_id, ctx.user().id, ctx.req.PathParam("id")),
      "removed");
}

web::Response GrantKeys(Ctx& ctx) {
  auto n = ctx.app.meldpunt().GrantWithRecoveryCode(ctx.user().school_id, ctx.user().id,
                                                    ctx.form.Get("recovery_code"));
  if (!n.ok()) {
    if (n.status().code() == common::StatusCode::kPermissionDenied)
      return LeadsPage(ctx, {{"recovery_code", ctx.T("mp_recovery_wrong")}}, "", 403);
    return ctx.ErrorPage(HttpStatusFor(n.status()));
  }
  return LeadsPage(ctx, {}, ctx.T("leads_granted") + " " + std::to_string(*n), 200);
}

}  // namespace

void RegisterLeadRoutes(App& app) {
  Access keys = Access::Need(domain::Permission::kRecoverCaseKeys);
  app.Route(web::Method::kGet, kPath, keys, ShowLeads);
  app.Route(web::Method::kPost, std::string(kPath) + "/sleutels", keys, GrantKeys,
            {.sensitive = true});
  app.Route(web::Method::kPost, std::string(kPath) + "/{id}/maak", keys, AddLead);
  app.Route(web::Method::kPost, std::string(kPath) + "/{id}/terug", keys, RemoveLead);
}

}  // namespace app
