// The people around the stagebegeleider's pages (docs/teacher.md): the
// coordinator links a teacher and a student by hand; the meldpunt sees the
// teachers' requests to talk; a student sees the reports made for them and
// collects each receipt code once.
#include "app/app.h"
#include "app/teacher_data.h"

namespace app {

namespace {

using common::Status;
using common::StatusCode;

constexpr char kLinksPath[] = "/stagematching/begeleiders";

// ---- The coordinator ----

web::Response LinksPage(Ctx& ctx, const web::Form& values, std::vector<views::FieldError> errors,
                        std::string flash, int status) {
  auto links = teacher::Links(ctx.app.db(), ctx.user().school_id);
  if (!links.ok()) return ctx.ErrorPage(HttpStatusFor(links.status()));
  auto users = ctx.app.accounts().UsersOfSchool(ctx.user().school_id);
  if (!users.ok()) return ctx.ErrorPage(HttpStatusFor(users.status()));
  views::Page page = ctx.MakePage(ctx.T("teacher_links_title"));
  page.errors = errors;
  page.flash = std::move(flash);
  auto err = [&](std::string_view f) { return views::ErrorFor(errors, f); };
  views::Data body;
  body.set("csrf", ctx.session->csrf_token);
  body.set("action", std::string(kLinksPath));
  views::Data teachers{views::Data::type::list};
  for (const auth::User& u : *users) {
    if (u.role != domain::Role::kTeacher || u.disabled) continue;
    views::Data t;
    t.set("id", u.id);
    t.set("label", u.display_name + " (" + u.login + ")");
    t.set("selected", values.Get("teacher") == u.id);
    teachers.push_back(t);
  }
  body.set("teachers", teachers);
  views::SetIfPresent(body, "teacher_error", err("teacher"));
  body.set("number_field",
           views::InputField("student_number", ctx.T("teacher_links_number"),
                             values.Get("student_number"), "text", err("student_number")));
  views::Data rows{views::Data::type::list};
  for (const teacher::Link& l : *links) {
    views::Data r;
    r.set("teacher_id", l.teacher_id);
    r.set("teacher_name", l.teacher_name);
    r.set("student_id", l.student_id);
    r.set("student_name", l.student_name);
    r.set("student_number", l.student_number);
    rows.push_back(r);
  }
  body.set("links", rows);
  body.set("empty", links->empty());
  return ctx.Render("teacher_links", page, body, status);
}

web::Response ShowLinks(Ctx& ctx) { return LinksPage(ctx, web::Form(), {}, "", 200); }

web::Response AddLink(Ctx& ctx) {
  Status s = teacher::AddLink(ctx.app.db(), ctx.app.audit(), ctx.app.clock().NowMillis(),
                              ctx.user(), ctx.form.Get("teacher"), ctx.form.Get("student_number"));
  if (s.code() == StatusCode::kInvalidArgument) {
    const std::string key = "teacher_links_err_" + s.field();
    return LinksPage(ctx, ctx.form, {{s.field(), ctx.T(key)}}, "", 400);
  }
  if (!s.ok()) return ctx.ErrorPage(HttpStatusFor(s));
  return LinksPage(ctx, web::Form(), {}, ctx.T("teacher_links_added"), 200);
}

web::Response RemoveLink(Ctx& ctx) {
  Status s = teacher::RemoveLink(ctx.app.db(), ctx.app.audit(), ctx.user(), ctx.form.Get("teacher"),
                                 ctx.form.Get("student"));
  if (!s.ok()) return ctx.ErrorPage(HttpStatusFor(s));
  return LinksPage(ctx, web::Form(), {}, ctx.T("teacher_links_removed"), 200);
}

// ---- The meldpunt ----

web::Response ShowConsultations(Ctx& ctx) {
  auto list = teacher::Consultations(ctx.app.db(), ctx.user().school_id);
  if (!list.ok()) return ctx.ErrorPage(HttpStatusFor(list.status()));
  views::Page page = ctx.MakePage(ctx.T("consult_title"));
  if (ctx.req.QueryParam("klaar").value_or("") == "1") page.flash = ctx.T("consult_answered");
  views::Data body;
  body.set("csrf", ctx.session->csrf_token);
  views::Data rows{views::Data::type::list};
  for (const teacher::Consultation& k : *list) {
    views::Data r;
    r.set("id", k.id);
    r.set("name", k.teacher_name);
    r.set("login", k.teacher_login);
    r.set("date", domain::FormatDate(domain::DateFromMillis(k.created_at)));
    r.set("open", !k.answered);
    rows.push_back(r);
  }
  body.set("requests", rows);
  body.set("empty", list->empty());
  return ctx.Render("teacher_consults", page, body);
}

web::Response AnswerConsultation(Ctx& ctx) {
  Status s = teacher::AnswerConsultation(ctx.app.db(), ctx.app.audit(), ctx.app.clock().NowMillis(),
                                         ctx.user(), ctx.req.PathParam("id"));
  if (!s.ok()) return ctx.ErrorPage(HttpStatusFor(s));
  return web::Response::Redirect("/meldpunt/overleg?klaar=1");
}

// ---- The student ----

bool IsStudent(const Ctx& ctx) { return ctx.user().role == domain::Role::kStudent; }

web::Response OwnReports(Ctx& ctx) {
  if (!IsStudent(ctx)) return ctx.ErrorPage(403);
  auto cases = teacher::CasesForStudent(ctx.app.db(), ctx.user());
  if (!cases.ok()) return ctx.ErrorPage(HttpStatusFor(cases.status()));
  views::Page page = ctx.MakePage(ctx.T("own_reports_title"));
  views::Data body;
  body.set("csrf", ctx.session->csrf_token);
  views::Data rows{views::Data::type::list};
  for (const teacher::OwnCase& c : *cases) {
    views::Data r;
    r.set("id", c.case_id);
    r.set("case_number", c.case_number);
    r.set("status", ctx.T("status_" + c.status));
    r.set("date", domain::FormatDate(domain::DateFromMillis(c.created_at)));
    r.set("code_waiting", c.code_waiting);
    rows.push_back(r);
  }
  body.set("cases", rows);
  body.set("empty", cases->empty());
  return ctx.Render("own_reports", page, body);
}

// Shows the code once: the sealed copy is cleared in the same transaction.
web::Response CollectCode(Ctx& ctx) {
  if (!IsStudent(ctx)) return ctx.ErrorPage(403);
  const std::string case_id(ctx.req.PathParam("id"));
  auto sealed = teacher::TakeSealedCode(ctx.app.db(), ctx.app.audit(), ctx.app.clock().NowMillis(),
                                        ctx.user(), case_id);
  if (!sealed.ok()) return ctx.ErrorPage(HttpStatusFor(sealed.status()));
  auto key = teacher::CodeKey(ctx.app.config().data_dir);
  if (!key.ok()) return ctx.ErrorPage(500);
  auto code = crypto::Open(*key, *sealed, teacher::CodeAd(case_id));
  if (!code.ok()) return ctx.ErrorPage(500);
  views::Page page = ctx.MakePage(ctx.T("own_code_title"));
  page.no_language_switch = true;  // shown once; a GET would lose it
  views::Data body;
  body.set("code", *code);
  return ctx.Render("own_code", page, body);
}

}  // namespace

void RegisterTeacherAdminRoutes(App& app) {
  const Access manage = Access::Need(domain::Permission::kManagePlacements);
  app.Route(web::Method::kGet, kLinksPath, manage, ShowLinks);
  app.Route(web::Method::kPost, kLinksPath, manage, AddLink);
  app.Route(web::Method::kPost, "/stagematching/begeleiders/ontkoppelen", manage, RemoveLink);
  const Access handle = Access::Need(domain::Permission::kHandleCases);
  app.Route(web::Method::kGet, "/meldpunt/overleg", handle, ShowConsultations);
  app.Route(web::Method::kPost, "/meldpunt/overleg/{id}/afgehandeld", handle, AnswerConsultation);
  const Access in = Access::LoggedIn();
  app.Route(web::Method::kGet, "/mijn-meldingen", in, OwnReports, {.sensitive = true});
  app.Route(web::Method::kPost, "/mijn-meldingen/{id}/code", in, CollectCode, {.sensitive = true});
}

}  // namespace app
