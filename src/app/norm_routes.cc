// The school's norm as a public, versioned policy page (/s/{brin}/norm), its
// editor for management and the placement coordinator, a student's "I have
// read it" at the start of an internship and the anonymous pulse survey
// after it. The norm part is the text companies accept on /bedrijf.
#include <algorithm>
#include <charconv>

#include "app/app.h"
#include "app/referral_ui.h"
#include "norm/service.h"

namespace app {
namespace {

using common::Status;
using common::StatusCode;

bool En(const Ctx& ctx) { return ctx.locale == views::Locale::kEn; }

std::string Day(common::UnixMillis t) { return domain::FormatDate(domain::DateFromMillis(t)); }

// Field errors in the visitor's language, falling back to the service's text.
std::string NormError(const Ctx& ctx, const Status& s) {
  std::string key = "norm_err_" + s.field();
  const std::string& t = ctx.T(key);
  return t == key ? s.message() : t;
}

// The four sections of one version in the page's language; empty ones left out.
views::Data Sections(const Ctx& ctx, const norm::PolicyText& t) {
  const std::pair<const char*, std::pair<const std::string*, const std::string*>> parts[] = {
      {"norm_section_definition", {&t.definition_nl, &t.definition_en}},
      {"norm_section_norm", {&t.norm_nl, &t.norm_en}},
      {"norm_section_report", {&t.report_nl, &t.report_en}},
      {"norm_section_next", {&t.next_nl, &t.next_en}}};
  views::Data list{views::Data::type::list};
  int i = 0;
  for (const auto& [key, texts] : parts) {
    const std::string& text = En(ctx) ? *texts.second : *texts.first;
    ++i;
    if (text.empty()) continue;
    views::Data d;
    d.set("heading", ctx.T(key));
    d.set("text", text);
    d.set("id", "section-" + std::to_string(i));
    list.push_back(d);
  }
  return list;
}

// ---- Public page ------------------------------------------------------------

web::Response PublicNorm(Ctx& ctx) {
  auto school = ctx.app.accounts().SchoolByBrin(ctx.req.PathParam("brin"));
  if (!school.ok()) return ctx.ErrorPage(HttpStatusFor(school.status()));
  auto history = ctx.app.norm().PolicyHistory(school->id);
  if (!history.ok()) return ctx.ErrorPage(HttpStatusFor(history.status()));
  views::Page page = ctx.MakePage(ctx.T("norm_public_title") + " – " + school->name);
  views::Data body;
  body.set("school_name", school->name);
  body.set("report_href", "/s/" + school->brin + "/melden");
  body.set("outside", OutsideRoutes(ctx, school->id));
  if (history->empty()) {
    body.set("no_norm", true);
    return ctx.Render("norm_public", page, body);
  }
  // ?versie=N shows an older version; anything else shows the current one.
  const norm::Policy* shown = &history->front();
  std::string wanted = ctx.req.QueryParam("versie").value_or("");
  for (const norm::Policy& p : *history) {
    if (std::to_string(p.version) == wanted) shown = &p;
  }
  body.set("version", std::to_string(shown->version));
  body.set("published", Day(shown->published_at));
  body.set("is_current", shown == &history->front());
  body.set("current_href", "/s/" + school->brin + "/norm");
  body.set("sections", Sections(ctx, shown->text));
  views::Data versions{views::Data::type::list};
  for (const norm::Policy& p : *history) {
    views::Data d;
    d.set("version", std::to_string(p.version));
    d.set("published", Day(p.published_at));
    d.set("href", "/s/" + school->brin + "/norm?versie=" + std::to_string(p.version));
    d.set("shown", &p == shown);
    versions.push_back(d);
  }
  body.set("versions", versions);
  return ctx.Render("norm_public", page, body);
}

// ---- Editor -----------------------------------------------------------------

constexpr const char* kPolicyFields[] = {"definition_nl", "definition_en", "norm_nl", "norm_en",
                                         "report_nl",     "report_en",     "next_nl", "next_en"};

norm::PolicyText PolicyFromForm(const web::Form& f) {
  return norm::PolicyText{f.Get("definition_nl"), f.Get("definition_en"), f.Get("norm_nl"),
                          f.Get("norm_en"),       f.Get("report_nl"),     f.Get("report_en"),
                          f.Get("next_nl"),       f.Get("next_en")};
}

web::Response EditorPage(Ctx& ctx, std::optional<norm::PolicyText> shown,
                         std::vector<views::FieldError> errors, int status) {
  auto current = ctx.app.norm().CurrentPolicy(ctx.user().school_id);
  if (!current.ok()) return ctx.ErrorPage(HttpStatusFor(current.status()));
  auto school = ctx.app.accounts().SchoolById(ctx.user().school_id);
  if (!school.ok()) return ctx.ErrorPage(HttpStatusFor(school.status()));
  views::Page page = ctx.MakePage(ctx.T("norm_edit_title"));
  page.errors = std::move(errors);
  if (ctx.req.QueryParam("ok").value_or("") == "published")
    page.flash = ctx.T("norm_flash_published");
  views::Data body;
  body.set("csrf", ctx.session->csrf_token);
  body.set("public_href", "/s/" + school->brin + "/norm");
  if (*current) {
    body.set("current_version", std::to_string((*current)->version));
    body.set("current_published", Day((*current)->published_at));
    if (!shown) shown = (*current)->text;
  }
  norm::PolicyText t = shown.value_or(norm::PolicyText{});
  const std::string* values[] = {&t.definition_nl, &t.definition_en, &t.norm_nl, &t.norm_en,
                                 &t.report_nl,     &t.report_en,     &t.next_nl, &t.next_en};
  views::Data fields{views::Data::type::list};
  for (size_t i = 0; i < std::size(kPolicyFields); ++i) {
    std::string id = kPolicyFields[i];
    views::Data d;
    d.set("id", id);
    d.set("label", ctx.T("norm_field_" + id));
    d.set("lang", id.substr(id.size() - 2));
    d.set("value", *values[i]);
    d.set("required", id.starts_with("norm_"));
    views::SetIfPresent(d, "error", views::ErrorFor(page.errors, id));
    fields.push_back(d);
  }
  body.set("fields", fields);
  return ctx.Render("norm_edit", page, body, status);
}

web::Response ShowEditor(Ctx& ctx) { return EditorPage(ctx, std::nullopt, {}, 200); }

web::Response Publish(Ctx& ctx) {
  norm::PolicyText t = PolicyFromForm(ctx.form);
  auto version = ctx.app.norm().PublishPolicy(ctx.user(), t);
  if (version.ok()) return web::Response::Redirect("/beleid/norm?ok=published");
  const Status& s = version.status();
  if (s.code() != StatusCode::kInvalidArgument) return ctx.ErrorPage(HttpStatusFor(s));
  return EditorPage(ctx, t, {{s.field(), NormError(ctx, s)}}, 400);
}

// ---- Student: read the norm, answer the pulse survey -------------------------

web::Response MarkRead(Ctx& ctx) {
  std::string placement_id(ctx.req.PathParam("id"));
  // A malformed version stays 0, which the service refuses as "not current".
  int version = 0;
  std::string v = ctx.form.Get("version");
  std::from_chars(v.data(), v.data() + v.size(), version);
  if (ctx.form.Get("agree") != "1") return web::Response::Redirect("/stage?norm=agree#norm");
  Status s = ctx.app.norm().MarkNormRead(ctx.user(), placement_id, version);
  if (s.code() == StatusCode::kFailedPrecondition) return web::Response::Redirect("/stage#norm");
  if (!s.ok()) return ctx.ErrorPage(HttpStatusFor(s));
  return web::Response::Redirect("/stage?ok=norm_read");
}

web::Response PulsePage(Ctx& ctx, const std::string& placement_id,
                        std::vector<views::FieldError> errors, int status) {
  auto invites = ctx.app.norm().PulseInvites(ctx.user());
  if (!invites.ok()) return ctx.ErrorPage(HttpStatusFor(invites.status()));
  const norm::PulseInvite* invite = nullptr;
  for (const norm::PulseInvite& i : *invites) {
    if (i.placement_id == placement_id) invite = &i;
  }
  if (!invite) return ctx.ErrorPage(404);
  views::Page page = ctx.MakePage(ctx.T("pulse_title"));
  page.errors = std::move(errors);
  auto err = [&](std::string_view f) { return views::ErrorFor(page.errors, f); };
  views::Data body;
  body.set("csrf", ctx.session->csrf_token);
  body.set("action", "/stage/peiling/" + placement_id);
  body.set("round_name", invite->round_name);
  body.set("end", domain::FormatDate(invite->end));
  std::string experienced = ctx.form.Get("experienced"), reported = ctx.form.Get("reported");
  std::vector<std::string> chosen = ctx.form.GetAll("reasons");
  auto yes_no = [&](const std::string& name, const std::string& value) {
    views::Data list{views::Data::type::list};
    for (const char* v : {"yes", "no"}) {
      views::Data d;
      d.set("name", name);
      d.set("value", std::string(v));
      d.set("label", ctx.T(std::string("pulse_") + v));
      d.set("checked", value == v);
      list.push_back(d);
    }
    return list;
  };
  body.set("experienced_options", yes_no("experienced", experienced));
  body.set("reported_options", yes_no("reported", reported));
  views::Data reasons{views::Data::type::list};
  for (std::string_view r : norm::PulseReasons()) {
    views::Data d;
    d.set("value", std::string(r));
    d.set("label", ctx.T("pulse_reason_" + std::string(r)));
    d.set("checked", std::find(chosen.begin(), chosen.end(), r) != chosen.end());
    reasons.push_back(d);
  }
  body.set("reasons", reasons);
  views::SetIfPresent(body, "experienced_error", err("experienced"));
  views::SetIfPresent(body, "reported_error", err("reported"));
  views::SetIfPresent(body, "reasons_error", err("reasons"));
  return ctx.Render("pulse_form", page, body, status);
}

web::Response ShowPulse(Ctx& ctx) {
  return PulsePage(ctx, std::string(ctx.req.PathParam("id")), {}, 200);
}

web::Response AnswerPulse(Ctx& ctx) {
  std::string placement_id(ctx.req.PathParam("id"));
  auto answer = norm::ParsePulseAnswer(ctx.form.Get("experienced"), ctx.form.Get("reported"),
                                       ctx.form.GetAll("reasons"));
  if (!answer.ok()) {
    return PulsePage(ctx, placement_id,
                     {{answer.status().field(), NormError(ctx, answer.status())}}, 400);
  }
  Status s = ctx.app.norm().AnswerPulse(ctx.user(), placement_id, *answer);
  if (s.code() == StatusCode::kAlreadyExists)
    return web::Response::Redirect("/stage?ok=pulse_done");
  if (!s.ok()) return ctx.ErrorPage(HttpStatusFor(s));
  return web::Response::Redirect("/stage?ok=pulse_thanks");
}

}  // namespace

// What the student's /stage page shows: the norm to read for a running
// placement, and invitations to the pulse survey after one ended.
void AddStudentNormParts(Ctx& ctx, views::Data& body) {
  auto to_read = ctx.app.norm().NormsToRead(ctx.user());
  if (to_read.ok() && !to_read->empty()) {
    const norm::NormToRead& n = to_read->front();
    views::Data d;
    d.set("placement_id", n.placement_id);
    d.set("round_name", n.round_name);
    d.set("version", std::to_string(n.policy.version));
    d.set("sections", Sections(ctx, n.policy.text));
    d.set("read", n.read_at.has_value());
    if (n.read_at) d.set("read_on", Day(*n.read_at));
    d.set("agree_error", ctx.req.QueryParam("norm").value_or("") == "agree");
    body.set("norm_to_read", d);
  }
  auto invites = ctx.app.norm().PulseInvites(ctx.user());
  if (invites.ok() && !invites->empty()) {
    views::Data list{views::Data::type::list};
    for (const norm::PulseInvite& i : *invites) {
      views::Data d;
      d.set("href", "/stage/peiling/" + i.placement_id);
      d.set("round_name", i.round_name);
      list.push_back(d);
    }
    body.set("has_pulse", true);
    body.set("pulse_invites", list);
  }
  std::string ok = ctx.req.QueryParam("ok").value_or("");
  if (ok == "norm_read" || ok == "pulse_thanks" || ok == "pulse_done") {
    body.set("norm_flash", ctx.T("norm_flash_" + ok));
  }
}

void RegisterNormRoutes(App& app) {
  app.Route(web::Method::kGet, "/s/{brin}/norm", Access::Public(), PublicNorm);
  Access editor = Access::Need(domain::Permission::kManageNorm);
  app.Route(web::Method::kGet, "/beleid/norm", editor, ShowEditor);
  app.Route(web::Method::kPost, "/beleid/norm", editor, Publish);
  Access student = Access::Need(domain::Permission::kAnswerPulse);
  app.Route(web::Method::kPost, "/stage/norm/{id}", student, MarkRead);
  app.Route(web::Method::kGet, "/stage/peiling/{id}", student, ShowPulse, {.sensitive = true});
  app.Route(web::Method::kPost, "/stage/peiling/{id}", student, AnswerPulse, {.sensitive = true});
}

}  // namespace app
