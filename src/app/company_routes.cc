// A company contact's side of stagematching: accept the school's norm (no
// placements without it), confirm places and capacity, and see who comes
// only once the school has published the round. The service enforces that
// no student's name or other personal data reaches the company earlier; this
// file only shows what it is given.
#include "app/app.h"

namespace app {
namespace {

using common::Status;

// What the company agrees to: the school's own norm, by name and version. The
// catalogue holds only this frame; the text itself is the norm section of the
// school's current version (norm_versions), shown right under it, so no
// promise is written into the code.
std::string AgreeLabel(const Ctx& ctx, int version) {
  std::string label = ctx.T("company_agree");
  auto school = ctx.app.accounts().SchoolById(ctx.user().school_id);
  auto put = [&](std::string_view key, const std::string& value) {
    if (size_t at = label.find(key); at != std::string::npos) label.replace(at, key.size(), value);
  };
  put("{school}", school.ok() ? school->name : std::string());
  put("{n}", std::to_string(version));
  return label;
}

web::Response HomePage(Ctx& ctx, std::vector<views::FieldError> errors, std::string flash,
                       int status) {
  auto home = ctx.app.stagematching().CompanyView(ctx.user());
  views::Page page = ctx.MakePage(ctx.T("company_title"));
  page.errors = std::move(errors);
  page.flash = std::move(flash);
  views::Data body;
  if (!home.ok()) {
    if (home.status().code() != common::StatusCode::kNotFound) return ctx.ErrorPage(503);
    body.set("not_linked", true);  // a contact login not yet linked to a company
    return ctx.Render("company_home", page, body, status);
  }
  auto err = [&](std::string_view f) { return views::ErrorFor(page.errors, f); };
  body.set("csrf", ctx.session->csrf_token);
  body.set("name", home->company.name);
  body.set("leerbedrijf_id", home->company.leerbedrijf_id);
  body.set("city", home->company.city);
  body.set("sbb_withdrawn", !home->company.sbb_recognised);
  if (home->current_norm) {
    const placement::NormVersion& n = *home->current_norm;
    body.set("has_norm", true);
    body.set("norm_version", std::to_string(n.version));
    body.set("norm_text", ctx.locale == views::Locale::kEn ? n.text_en : n.text_nl);
    body.set("agree_label", AgreeLabel(ctx, n.version));
    body.set("must_accept", home->must_accept_norm);
    views::SetIfPresent(body, "accept_error", err("accept"));
    if (home->company.norm_accepted_version && home->company.norm_accepted_at) {
      body.set("accepted_version", std::to_string(*home->company.norm_accepted_version));
      body.set("accepted_on", domain::FormatDate(domain::DateFromMillis(*home->company.norm_accepted_at)));
    }
  }
  views::Data places{views::Data::type::list};
  for (const placement::Place& p : home->places) {
    views::Data d;
    d.set("id", p.id);
    d.set("crebo", p.crebo);
    d.set("period", p.period);
    d.set("capacity", std::to_string(p.capacity));
    d.set("taken", std::to_string(p.taken));
    d.set("description", p.description);
    d.set("confirmed", p.confirmed_at.has_value());
    if (p.confirmed_at)
      d.set("confirmed_on", domain::FormatDate(domain::DateFromMillis(*p.confirmed_at)));
    views::SetIfPresent(d, "capacity_error", err("capacity_" + p.id));
    places.push_back(d);
  }
  body.set("has_places", !places.is_empty_list());
  body.set("places", places);
  views::Data placements{views::Data::type::list};
  for (const placement::CompanyPlacement& p : home->placements) {
    views::Data d;
    d.set("id", p.placement_id);
    d.set("round", p.round_name);
    d.set("student_name", p.student_name);
    d.set("student_number", p.student_number);
    d.set("crebo", p.crebo);
    d.set("level", std::to_string(p.level));
    d.set("pathway", std::string(domain::Name(p.pathway)));
    d.set("start", domain::FormatDate(p.start));
    d.set("end", domain::FormatDate(p.end_planned));
    d.set("support_needs", p.support_needs);
    d.set("period", p.place.period);
    if (p.ended) {
      d.set("ended", true);
      d.set("ended_text", ctx.T("stage_ended_" + *p.ended));
    }
    views::SetIfPresent(d, "reason_error", err("reason_" + p.placement_id));
    placements.push_back(d);
  }
  body.set("has_placements", !placements.is_empty_list());
  body.set("placements", placements);
  // A pause proposed or in effect at this school: the neutral reason, the
  // dates and whether the company responded; never a count, note or case.
  auto notices = ctx.app.meldpunt().PauseNoticesForContact(ctx.user());
  if (!notices.ok() && notices.status().code() != common::StatusCode::kNotFound)
    return ctx.ErrorPage(HttpStatusFor(notices.status()));
  views::Data pauses{views::Data::type::list};
  for (const auto& n : notices.ok() ? *notices : std::vector<meldpunt::Meldpunt::PauseNotice>{}) {
    views::Data d;
    d.set("proposed", n.state == domain::PauseState::kProposed);
    d.set("urgent", n.urgent);
    d.set("reason", ctx.T("sig_reason_" + std::string(domain::Name(n.reason))));
    d.set("until", domain::FormatDate(n.until));
    views::SetIfPresent(d, "respond_by", n.respond_by ? domain::FormatDate(*n.respond_by) : "");
    views::SetIfPresent(
        d, "responded_on",
        n.responded_at ? domain::FormatDate(domain::DateFromMillis(*n.responded_at)) : "");
    pauses.push_back(d);
  }
  body.set("has_pauses", !pauses.is_empty_list());
  body.set("pauses", pauses);
  views::SetIfPresent(body, "pause_response_error", err("pause_response"));
  if (!page.errors.empty()) body.set("pause_response_value", ctx.form.Get("response"));
  return ctx.Render("company_home", page, body, status);
}

std::string FlashFor(const Ctx& ctx) {
  std::string ok = ctx.req.QueryParam("ok").value_or("");
  std::string key = "company_flash_" + ok;
  if (ok.empty() || ctx.T(key) == key) return "";
  return ctx.T(key);
}

web::Response Home(Ctx& ctx) { return HomePage(ctx, {}, FlashFor(ctx), 200); }

// Errors the contact can fix come back on the page, next to the field.
web::Response After(Ctx& ctx, const Status& s, const std::string& field, std::string_view ok) {
  if (s.ok()) return web::Response::Redirect("/bedrijf?ok=" + std::string(ok));
  if (s.code() == common::StatusCode::kInvalidArgument ||
      s.code() == common::StatusCode::kFailedPrecondition) {
    std::string key = "company_err_" + FieldId(s.field());
    std::string text = ctx.T(key) == key ? s.message() : ctx.T(key);
    return HomePage(ctx, {{field, text}}, "", 400);
  }
  return ctx.ErrorPage(HttpStatusFor(s));
}

web::Response AcceptNorm(Ctx& ctx) {
  if (ctx.form.Get("agree") != "1")
    return HomePage(ctx, {{"accept", ctx.T("company_err_agree")}}, "", 400);
  int version = 0;
  for (char c : ctx.form.Get("version")) {
    if (!std::isdigit(static_cast<unsigned char>(c)) || version > 100000) return ctx.ErrorPage(400);
    version = version * 10 + (c - '0');
  }
  return After(ctx, ctx.app.stagematching().AcceptNorm(ctx.user(), version), "accept",
               "norm");
}

web::Response ConfirmPlace(Ctx& ctx) {
  std::string id(ctx.req.PathParam("id"));
  std::string raw = ctx.form.Get("capacity");
  int capacity = -1;
  if (!raw.empty() && raw.size() <= 4 &&
      std::all_of(raw.begin(), raw.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
    capacity = std::stoi(raw);
  if (capacity < 0)
    return HomePage(ctx, {{"capacity_" + id, ctx.T("company_err_capacity")}}, "", 400);
  return After(ctx,
               ctx.app.stagematching().ConfirmPlace(ctx.user(), id, capacity,
                                                    ctx.form.Get("description")),
               "capacity_" + id, "place");
}

web::Response ReportEnd(Ctx& ctx) {
  std::string id(ctx.req.PathParam("id"));
  auto kind = placement::ParseEndKind(ctx.form.Get("kind"));
  if (!kind) return HomePage(ctx, {{"reason_" + id, ctx.T("company_err_kind")}}, "", 400);
  auto flag = ctx.app.stagematching().ReportEnd(ctx.user(), id, *kind, ctx.form.Get("reason"));
  return After(ctx, flag.ok() ? Status::Ok() : flag.status(), "reason_" + id, "end");
}

web::Response RespondToPause(Ctx& ctx) {
  Status s = ctx.app.meldpunt().RespondToPause(ctx.user(), ctx.form.Get("response"));
  if (s.ok()) return web::Response::Redirect("/bedrijf?ok=pause");
  if (s.code() == common::StatusCode::kInvalidArgument)
    return HomePage(ctx, {{"pause_response", ctx.T("co_err_response")}}, "", 400);
  return ctx.ErrorPage(HttpStatusFor(s));
}

}  // namespace

void RegisterCompanyRoutes(App& app) {
  Access contact = Access::Need(domain::Permission::kManageOwnCompany);
  app.Route(web::Method::kGet, "/bedrijf", contact, Home);
  app.Route(web::Method::kPost, "/bedrijf/norm", contact, AcceptNorm);
  app.Route(web::Method::kPost, "/bedrijf/plaatsen/{id}", contact, ConfirmPlace);
  app.Route(web::Method::kPost, "/bedrijf/plaatsingen/{id}/einde", contact, ReportEnd,
            {.sensitive = true});
  app.Route(web::Method::kPost, "/bedrijf/pauze/reactie", contact, RespondToPause);
}

}  // namespace app
