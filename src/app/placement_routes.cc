// The placement coordinator's stagematching pages: the overview, the
// register (students, leerbedrijven, leerplaatsen), the school's norm
// and the flags (refusals and breakdowns). The rounds and their exports are
// in placement_round_routes.cc, the review of a proposal in
// placement_review_routes.cc, the imports in import_routes.cc. Everything goes through
// placement::Stagematching, which scopes every call to the caller's school.
#include <algorithm>
#include <set>

#include "app/app.h"
#include "app/placement_ui.h"

namespace app {

// Helpers shared with the round and review pages (placement_ui.h).
namespace smui {

using common::Status;
using common::StatusCode;

std::string ErrorText(const Ctx& ctx, std::string_view form, const Status& s) {
  std::string field = FieldId(s.field());
  std::string prefix = s.code() == StatusCode::kFailedPrecondition ? "sm_pre_"
                       : s.code() == StatusCode::kAlreadyExists    ? "sm_dup_"
                                                                   : "sm_err_";
  if (!field.empty()) {
    std::string form_key = prefix;
    form_key.append(form).append("_").append(field);
    for (const std::string& key : {form_key, prefix + field}) {
      std::string text = ctx.T(key);
      if (text != key) return text;
    }
  }
  return s.message();
}

web::Response ErrorPageFor(const Ctx& ctx, const Status& s) {
  switch (s.code()) {
    case StatusCode::kNotFound:  // another school's object looks the same
      return ctx.ErrorPage(404);
    case StatusCode::kPermissionDenied:
      return ctx.ErrorPage(403);
    case StatusCode::kUnavailable:
      return ctx.ErrorPage(503);
    case StatusCode::kInvalidArgument:
      return ctx.ErrorPage(400);
    default:
      return ctx.ErrorPage(500);
  }
}

std::string Flash(const Ctx& ctx) {
  std::string ok = ctx.req.QueryParam("ok").value_or("");
  if (ok.empty() || ok.size() > 40 || ok.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") !=
                                          std::string::npos) {
    return "";
  }
  std::string key = "sm_flash_" + ok;
  std::string text = ctx.T(key);
  return text == key ? "" : text;
}

std::string StatusLabel(const Ctx& ctx, domain::RoundStatus s) {
  return ctx.T("sm_status_" + std::string(domain::Name(s)));
}

std::string StatusTag(domain::RoundStatus s) {
  switch (s) {
    case domain::RoundStatus::kDraft:
      return "grey";
    case domain::RoundStatus::kOpen:
      return "open";
    case domain::RoundStatus::kClosed:
      return "info";
    case domain::RoundStatus::kProposed:
      return "in-progress";
    case domain::RoundStatus::kPublished:
      return "done";
  }
  return "grey";
}

std::string JoinList(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += sep;
    out += item;
  }
  return out;
}

std::string Day(common::UnixMillis t) { return domain::FormatDate(domain::DateFromMillis(t)); }

views::Data RoundRow(const Ctx& ctx, const placement::Round& r) {
  views::Data d;
  d.set("href", "/stagematching/rondes/" + r.id);
  d.set("name", r.name);
  d.set("status", StatusLabel(ctx, r.status));
  d.set("status_tag", StatusTag(r.status));
  d.set("cohort", r.cohort);
  d.set("period", r.period);
  d.set("students", std::to_string(r.students));
  d.set("with_leerwens", std::to_string(r.with_leerwens));
  d.set("deadline", domain::FormatDate(r.leerwens_deadline));
  d.set("start", domain::FormatDate(r.start));
  return d;
}

}  // namespace smui

void RegisterPlacementRoundRoutes(App& app);   // placement_round_routes.cc
void RegisterPlacementReviewRoutes(App& app);  // placement_review_routes.cc
void RegisterImportRoutes(App& app);           // import_routes.cc

namespace {

using common::Status;
using common::StatusCode;
using smui::ErrorPageFor;
using smui::ErrorText;
using views::SetIfPresent;

constexpr int kPageSize = 50;

// ---- Overview -------------------------------------------------------------

web::Response Overview(Ctx& ctx) {
  placement::Stagematching& sm = ctx.app.stagematching();
  auto rounds = sm.Rounds(ctx.user());
  if (!rounds.ok()) return ErrorPageFor(ctx, rounds.status());
  auto flags = sm.Flags(ctx.user());
  if (!flags.ok()) return ErrorPageFor(ctx, flags.status());
  auto norm = sm.CurrentNorm(ctx.user().school_id);
  if (!norm.ok() && norm.status().code() != StatusCode::kNotFound)
    return ErrorPageFor(ctx, norm.status());

  views::Page page = ctx.MakePage(ctx.T("sm_title"));
  page.flash = smui::Flash(ctx);
  views::Data body;
  views::Data rows{views::Data::type::list};
  for (const placement::Round& r : *rounds) rows.push_back(smui::RoundRow(ctx, r));
  body.set("rounds", rows);
  body.set("no_rounds", rounds->empty());
  body.set("has_flags", !flags->empty());
  body.set("flag_count", std::to_string(flags->size()));
  if (norm.ok()) {
    body.set("norm_version", std::to_string(norm->version));
    body.set("norm_date", smui::Day(norm->published_at));
  } else {
    body.set("no_norm", true);
  }
  return ctx.Render("sm_overview", page, body);
}

// ---- Register -------------------------------------------------------------

std::string Param(const Ctx& ctx, std::string_view name, size_t max_chars) {
  std::string v = ctx.req.QueryParam(name).value_or("");
  if (v.size() > max_chars || !common::IsValidUtf8(v)) return "";
  return v;
}

web::Response StudentsPage(Ctx& ctx) {
  placement::StudentFilter filter;
  filter.cohort = Param(ctx, "cohort", 20);
  filter.crebo = Param(ctx, "crebo", 5);
  std::string page_param = Param(ctx, "pagina", 5);
  int page_no = 1;
  if (!page_param.empty() && page_param.find_first_not_of("0123456789") == std::string::npos)
    page_no = std::clamp(std::stoi(page_param), 1, 10000);  // at most 5 digits, checked above
  filter.limit = kPageSize + 1;
  filter.offset = (page_no - 1) * kPageSize;
  auto students = ctx.app.stagematching().Students(ctx.user(), filter);
  if (!students.ok()) return ErrorPageFor(ctx, students.status());
  bool more = students->size() > static_cast<size_t>(kPageSize);
  if (more) students->resize(kPageSize);

  views::Page page = ctx.MakePage(ctx.T("sm_students_title"));
  views::Data body;
  body.set("cohort", filter.cohort);
  body.set("crebo", filter.crebo);
  views::Data rows{views::Data::type::list};
  for (const placement::Student& s : *students) {
    views::Data item;
    item.set("number", s.student_number);
    item.set("name", s.name);
    item.set("crebo", s.crebo);
    item.set("level", std::to_string(s.level));
    item.set("pathway", std::string(domain::Name(s.pathway)));
    item.set("cohort", s.cohort);
    item.set("location", s.location);
    item.set("linked", ctx.T(s.linked_to_user ? "sm_yes" : "sm_no"));
    item.set("id", s.id);
    item.set("is_linked", s.linked_to_user);
    rows.push_back(item);
  }
  body.set("students", rows);
  body.set("empty", students->empty());
  std::string query = "cohort=" + web::UrlEncode(filter.cohort) +
                      "&crebo=" + web::UrlEncode(filter.crebo) + "&pagina=";
  body.set("page", std::to_string(page_no));
  if (page_no > 1) body.set("prev_href", "/stagematching/studenten?" + query + std::to_string(page_no - 1));
  if (more) body.set("next_href", "/stagematching/studenten?" + query + std::to_string(page_no + 1));
  body.set("paged", page_no > 1 || more);
  return ctx.Render("sm_students", page, body);
}

web::Response CompaniesPage(Ctx& ctx, std::vector<views::FieldError> errors = {},
                            int status = 200) {
  placement::Stagematching& sm = ctx.app.stagematching();
  auto companies = sm.Companies(ctx.user());
  if (!companies.ok()) return ErrorPageFor(ctx, companies.status());
  auto norm = sm.CurrentNorm(ctx.user().school_id);
  if (!norm.ok() && norm.status().code() != StatusCode::kNotFound)
    return ErrorPageFor(ctx, norm.status());
  views::Page page = ctx.MakePage(ctx.T("sm_companies_title"));
  page.errors = std::move(errors);
  page.flash = smui::Flash(ctx);
  views::Data body;
  body.set("csrf", ctx.session->csrf_token);
  if (norm.ok()) body.set("norm_version", std::to_string(norm->version));
  views::Data rows{views::Data::type::list};
  for (const placement::Company& c : *companies) {
    views::Data item;
    item.set("id", c.id);
    item.set("leerbedrijf_id", c.leerbedrijf_id);
    item.set("name", c.name);
    SetIfPresent(item, "city", c.city);
    item.set("kvk", c.kvk.empty() ? std::string("–") : c.kvk);
    item.set("crebos", c.crebos.empty() ? std::string("–") : smui::JoinList(c.crebos, ", "));
    item.set("sbb", ctx.T(c.sbb_recognised ? "sm_sbb_recognised" : "sm_sbb_withdrawn"));
    item.set("sbb_withdrawn", !c.sbb_recognised);
    bool current = norm.ok() && c.norm_accepted_version == norm->version;
    if (c.norm_accepted_version) {
      std::string text = ctx.T("sm_norm_version") + " " + std::to_string(*c.norm_accepted_version);
      if (c.norm_accepted_at) text += ", " + smui::Day(*c.norm_accepted_at);
      if (!current) text += " (" + ctx.T("sm_norm_outdated") + ")";
      item.set("norm", text);
    } else {
      item.set("norm", ctx.T("sm_norm_not_accepted"));
    }
    item.set("norm_ok", current);
    item.set("can_record", norm.ok() && !current);
    // A pause shows as its end date and neutral reason only (no count, P19).
    if (c.paused_until) {
      item.set("paused", ctx.T("sig_paused_until") + " " + domain::FormatDate(*c.paused_until) +
                             ": " + ctx.T("sig_reason_" + std::string(domain::Name(c.pause_reason))));
    }
    SetIfPresent(item, "error", views::ErrorFor(page.errors, "accept-" + c.id));
    rows.push_back(item);
  }
  body.set("companies", rows);
  body.set("empty", companies->empty());
  return ctx.Render("sm_companies", page, body, status);
}

web::Response ShowCompanies(Ctx& ctx) { return CompaniesPage(ctx); }

web::Response RecordAcceptance(Ctx& ctx) {
  std::string id(ctx.req.PathParam("id"));
  std::string v = ctx.form.Get("version");
  if (v.empty() || v.size() > 6 || v.find_first_not_of("0123456789") != std::string::npos)
    return ctx.ErrorPage(400);
  // At most 6 digits, checked above.
  Status s = ctx.app.stagematching().RecordNormAcceptance(ctx.user(), id, std::stoi(v));
  if (s.ok()) return web::Response::Redirect("/stagematching/bedrijven?ok=norm_recorded");
  if (s.code() == StatusCode::kFailedPrecondition || s.code() == StatusCode::kInvalidArgument)
    return CompaniesPage(ctx, {{"accept-" + id, ErrorText(ctx, "accept", s)}}, 409);
  return ErrorPageFor(ctx, s);
}

web::Response PlacesPage(Ctx& ctx) {
  auto places = ctx.app.stagematching().Places(ctx.user());
  if (!places.ok()) return ErrorPageFor(ctx, places.status());
  std::string period = Param(ctx, "periode", 50);
  std::set<std::string> periods;
  for (const placement::Place& p : *places) periods.insert(p.period);
  views::Page page = ctx.MakePage(ctx.T("sm_places_title"));
  views::Data body;
  views::Data options{views::Data::type::list};
  for (const std::string& p : periods) {
    views::Data item;
    item.set("value", p);
    item.set("selected", p == period);
    options.push_back(item);
  }
  body.set("periods", options);
  views::Data rows{views::Data::type::list};
  size_t shown = 0;
  for (const placement::Place& p : *places) {
    if (!period.empty() && p.period != period) continue;
    ++shown;
    views::Data item;
    item.set("company", p.company_name);
    item.set("leerbedrijf_id", p.leerbedrijf_id);
    SetIfPresent(item, "city", p.city);
    item.set("crebo", p.crebo);
    item.set("period", p.period);
    item.set("capacity", std::to_string(p.capacity));
    item.set("taken", std::to_string(p.taken));
    item.set("description", p.description);
    item.set("confirmed", p.confirmed_at ? smui::Day(*p.confirmed_at) : ctx.T("sm_no"));
    rows.push_back(item);
  }
  body.set("places", rows);
  body.set("empty", shown == 0);
  body.set("count", std::to_string(shown));
  return ctx.Render("sm_places", page, body);
}

// ---- Norm -----------------------------------------------------------------

web::Response NormPage(Ctx& ctx, std::vector<views::FieldError> errors = {}, int status = 200) {
  placement::Stagematching& sm = ctx.app.stagematching();
  auto history = sm.NormHistory(ctx.user());
  if (!history.ok()) return ErrorPageFor(ctx, history.status());
  views::Page page = ctx.MakePage(ctx.T("sm_norm_title"));
  page.errors = std::move(errors);
  page.flash = smui::Flash(ctx);
  views::Data body;
  body.set("csrf", ctx.session->csrf_token);
  // The newest version is the current one.
  const placement::NormVersion* current = nullptr;
  for (const placement::NormVersion& v : *history) {
    if (!current || v.version > current->version) current = &v;
  }
  bool english = ctx.locale == views::Locale::kEn;
  if (current) {
    body.set("current", true);
    body.set("version", std::to_string(current->version));
    body.set("published", smui::Day(current->published_at));
    SetIfPresent(body, "by", current->published_by_name);
    body.set("text_shown", english ? current->text_en : current->text_nl);
    body.set("text_other", english ? current->text_nl : current->text_en);
    body.set("other_lang", english ? std::string("nl") : std::string("en"));
  }
  views::Data rows{views::Data::type::list};
  for (const placement::NormVersion& v : *history) {
    views::Data item;
    item.set("version", std::to_string(v.version));
    item.set("published", smui::Day(v.published_at));
    item.set("by", v.published_by_name);
    rows.push_back(item);
  }
  body.set("history", rows);
  body.set("has_history", !history->empty());
  // Prefill the form with what was sent, or with the current text to edit.
  bool posted = ctx.req.method == web::Method::kPost;
  body.set("text_nl", posted ? ctx.form.Get("text_nl") : current ? current->text_nl : "");
  body.set("text_en", posted ? ctx.form.Get("text_en") : current ? current->text_en : "");
  SetIfPresent(body, "text_nl_error", views::ErrorFor(page.errors, "text_nl"));
  SetIfPresent(body, "text_en_error", views::ErrorFor(page.errors, "text_en"));
  return ctx.Render("sm_norm", page, body, status);
}

web::Response ShowNorm(Ctx& ctx) { return NormPage(ctx); }

web::Response PublishNorm(Ctx& ctx) {
  auto version = ctx.app.stagematching().PublishNorm(ctx.user(), ctx.form.Get("text_nl"),
                                                     ctx.form.Get("text_en"));
  if (version.ok()) return web::Response::Redirect("/stagematching/norm?ok=norm_published");
  const Status& s = version.status();
  if (s.code() == StatusCode::kInvalidArgument)
    return NormPage(ctx, {{FieldId(s.field()), ErrorText(ctx, "norm", s)}}, 400);
  return ErrorPageFor(ctx, s);
}

// ---- Flags ----------------------------------------------------------------

web::Response FlagsPage(Ctx& ctx, std::vector<views::FieldError> errors = {}, int status = 200) {
  bool all = ctx.req.QueryParam("alle").value_or("") == "1";
  auto flags = ctx.app.stagematching().Flags(ctx.user(), all);
  if (!flags.ok()) return ErrorPageFor(ctx, flags.status());
  auto school = ctx.app.accounts().SchoolById(ctx.user().school_id);
  if (!school.ok()) return ErrorPageFor(ctx, school.status());
  views::Page page = ctx.MakePage(ctx.T("sm_flags_title"));
  page.errors = std::move(errors);
  page.flash = smui::Flash(ctx);
  views::Data body;
  body.set("csrf", ctx.session->csrf_token);
  body.set("all", all);
  views::Data rows{views::Data::type::list};
  for (const placement::Flag& f : *flags) {
    views::Data item;
    item.set("id", f.id);
    item.set("kind", ctx.T("sm_end_" + std::string(placement::Name(f.kind))));
    item.set("reason", f.reason);
    item.set("at", smui::Day(f.at));
    item.set("recorded_by", f.recorded_by_name.empty() ? std::string("–") : f.recorded_by_name);
    item.set("student", f.student_name + " (" + f.student_number + ")");
    item.set("student_href",
             "/stagematching/rondes/" + f.round_id + "/studenten/" + f.student_id);
    item.set("company", f.company_name + " (" + f.leerbedrijf_id + ")");
    item.set("round", f.round_name);
    item.set("round_href", "/stagematching/rondes/" + f.round_id);
    item.set("resolved", f.resolved_at.has_value());
    if (f.resolved_at) item.set("resolved_at", smui::Day(*f.resolved_at));
    item.set("resolution", f.resolution);
    item.set("has_case", !f.case_id.empty());
    item.set("report_href", "/s/" + school->brin + "/melden?vlag=" + web::UrlEncode(f.id));
    SetIfPresent(item, "error", views::ErrorFor(page.errors, "resolution-" + f.id));
    rows.push_back(item);
  }
  body.set("flags", rows);
  body.set("empty", flags->empty());
  return ctx.Render("sm_flags", page, body, status);
}

web::Response ShowFlags(Ctx& ctx) { return FlagsPage(ctx); }

web::Response ResolveFlag(Ctx& ctx) {
  std::string id(ctx.req.PathParam("id"));
  Status s = ctx.app.stagematching().ResolveFlag(ctx.user(), id, ctx.form.Get("resolution"));
  if (s.ok()) return web::Response::Redirect("/stagematching/signalen?ok=flag_resolved");
  if (s.code() == StatusCode::kInvalidArgument || s.code() == StatusCode::kFailedPrecondition) {
    return FlagsPage(ctx, {{"resolution-" + id, ErrorText(ctx, "flag", s)}},
                     s.code() == StatusCode::kInvalidArgument ? 400 : 409);
  }
  return ErrorPageFor(ctx, s);
}

}  // namespace

void RegisterPlacementRoutes(App& app) {
  Access manage = Access::Need(domain::Permission::kManagePlacements);
  app.Route(web::Method::kGet, "/stagematching", manage, Overview);
  app.Route(web::Method::kGet, "/stagematching/studenten", manage, StudentsPage);
  app.Route(web::Method::kGet, "/stagematching/bedrijven", manage, ShowCompanies);
  app.Route(web::Method::kPost, "/stagematching/bedrijven/{id}/norm", manage, RecordAcceptance);
  app.Route(web::Method::kGet, "/stagematching/plaatsen", manage, PlacesPage);
  app.Route(web::Method::kGet, "/stagematching/norm", manage, ShowNorm);
  app.Route(web::Method::kPost, "/stagematching/norm", manage, PublishNorm);
  app.Route(web::Method::kGet, "/stagematching/signalen", manage, ShowFlags);
  app.Route(web::Method::kPost, "/stagematching/signalen/{id}/afhandelen", manage, ResolveFlag);
  RegisterPlacementRoundRoutes(app);
  RegisterPlacementReviewRoutes(app);
  RegisterImportRoutes(app);
}

}  // namespace app
