// The stagebegeleider's pages (docs/teacher.md): their students with the
// internship and open stagematching signals, "zorg melden" with the
// student's agreement, "ik wil overleggen" without the student's name, and
// the conversation guide. Never anything of a case's content: a teacher sees
// only the concerns they raised themselves, and when.
//
// Routes are for logged-in teachers; any other role gets 403 from the
// handler (the permission table has no teacher-only permission to reuse).
#include <algorithm>

#include "app/app.h"
#include "app/report_input.h"
#include "app/report_ui.h"
#include "app/teacher_data.h"
#include "app/teacher_ui.h"

namespace app {

namespace {

using common::Status;
using common::StatusCode;

constexpr char kAgreedConfidential[] = "teacher_agreed_confidential";

bool IsTeacher(const Ctx& ctx) { return ctx.user().role == domain::Role::kTeacher; }

std::string Day(common::UnixMillis t) { return domain::FormatDate(domain::DateFromMillis(t)); }

// The row's stagematching facts in words; never a flag's reason (free text).
views::Data StudentData(const Ctx& ctx, const teacher::StudentRow& s) {
  views::Data d;
  d.set("id", s.id);
  d.set("name", s.name);
  d.set("student_number", s.student_number);
  views::SetIfPresent(d, "company", s.company);
  if (!s.start_date.empty()) d.set("period", s.start_date + " – " + s.end_date);
  if (!s.ended_kind.empty()) d.set("ended", ctx.T("teacher_ended_" + s.ended_kind));
  if (s.flag_open) d.set("flag", ctx.T("teacher_flag_" + s.flag_kind));
  d.set("has_account", s.has_account);
  d.set("source", ctx.T(s.via_import ? "teacher_source_import" : "teacher_source_link"));
  views::Data concerns{views::Data::type::list};
  for (common::UnixMillis at : s.concerns) concerns.push_back(views::Data("date", Day(at)));
  d.set("concerns", concerns);
  d.set("has_concerns", !s.concerns.empty());
  return d;
}

web::Response Home(Ctx& ctx) {
  if (!IsTeacher(ctx)) return ctx.ErrorPage(403);
  auto students = teacher::StudentsOf(ctx.app.db(), ctx.user());
  if (!students.ok()) return ctx.ErrorPage(HttpStatusFor(students.status()));
  views::Page page = ctx.MakePage(ctx.T("teacher_title"));
  if (ctx.req.QueryParam("overleg").value_or("") == "1") page.flash = ctx.T("teacher_consult_sent");
  views::Data body;
  body.set("csrf", ctx.session->csrf_token);
  views::Data list{views::Data::type::list};
  for (const auto& s : *students) list.push_back(StudentData(ctx, s));
  body.set("students", list);
  body.set("empty", students->empty());
  return ctx.Render("teacher_home", page, body);
}

// The concern form: what the student agreed to, then what happened.
web::Response StudentPage(Ctx& ctx, const teacher::StudentRow& s, const web::Form& values,
                          std::vector<views::FieldError> errors, int status) {
  views::Page page = ctx.MakePage(s.name);
  page.errors = errors;
  auto err = [&](std::string_view f) { return views::ErrorFor(errors, f); };
  views::Data body = StudentData(ctx, s);
  body.set("csrf", ctx.session->csrf_token);
  auto school = ctx.app.accounts().SchoolById(ctx.user().school_id);
  if (school.ok()) body.set("brin", school->brin);
  body.set("agreed", values.Get("agreed") == "1");
  views::SetIfPresent(body, "agreed_error", err("agreed"));
  // The same questions, in the same words, as the report form (report_ui.h).
  body.set("phases",
           ChoiceOptions(ctx, "phase_", {"search", "internship"}, {values.Get("phase")}, "phase"));
  views::SetIfPresent(body, "phase_error", err("phase"));
  body.set("grounds", ChoiceOptions(ctx, "ground_", NamesOf(domain::AllGrounds()),
                                    values.GetAll("grounds"), "grounds"));
  views::SetIfPresent(body, "grounds_error", err("grounds"));
  body.set("actors", ChoiceOptions(ctx, "actor_", NamesOf(domain::AllActors()),
                                   values.GetAll("actors"), "actors"));
  views::SetIfPresent(body, "actors_error", err("actors"));
  body.set("narrative", values.Get("narrative"));
  views::SetIfPresent(body, "narrative_error", err("narrative"));
  body.set("company_name_field",
           views::InputField("company_name", ctx.T("report_company_name"),
                             values.Has("company_name") ? values.Get("company_name") : s.company,
                             "text", err("company_name"), "", "organization"));
  return ctx.Render("teacher_student", page, body, status);
}

web::Response ShowStudent(Ctx& ctx) {
  if (!IsTeacher(ctx)) return ctx.ErrorPage(403);
  auto s = teacher::StudentOf(ctx.app.db(), ctx.user(), ctx.req.PathParam("id"));
  if (!s.ok()) return ctx.ErrorPage(HttpStatusFor(s.status()));
  return StudentPage(ctx, *s, web::Form(), {}, 200);
}

// "Zorg melden" with the student's agreement: a confidential report in the
// student's name (channel mentor), handed over to the student's account.
web::Response RaiseConcern(Ctx& ctx) {
  if (!IsTeacher(ctx)) return ctx.ErrorPage(403);
  auto s = teacher::StudentOf(ctx.app.db(), ctx.user(), ctx.req.PathParam("id"));
  if (!s.ok()) return ctx.ErrorPage(HttpStatusFor(s.status()));
  if (ctx.form.Get("agreed") != "1")
    return StudentPage(ctx, *s, ctx.form, {{"agreed", ctx.T("teacher_err_agreed")}}, 400);
  auto who = teacher::IdentityOf(ctx.app.db(), ctx.user().school_id, s->id);
  if (!who.ok()) return ctx.ErrorPage(HttpStatusFor(who.status()));
  std::vector<std::pair<std::string, std::string>> fields = {
      {"mode", "confidential"},
      {"channel", "mentor"},
      {"phase", ctx.form.Get("phase")},
      {"narrative", ctx.form.Get("narrative")},
      {"company_name", ctx.form.Get("company_name")},
      {"reporter_name", who->name},
      {"reporter_student_number", who->student_number},
      {"reporter_email", who->login}};
  for (const std::string& g : ctx.form.GetAll("grounds")) fields.emplace_back("grounds", g);
  for (const std::string& a : ctx.form.GetAll("actors")) fields.emplace_back("actors", a);
  auto draft = DraftFromForm(web::Form(std::move(fields)));
  if (!draft.ok()) {
    return StudentPage(ctx, *s, ctx.form,
                       {{FieldId(draft.status().field()), ReportFieldMessage(ctx, draft.status())}},
                       400);
  }
  draft->channel = domain::Channel::kMentor;
  auto school = ctx.app.accounts().SchoolById(ctx.user().school_id);
  if (!school.ok()) return ctx.ErrorPage(HttpStatusFor(school.status()));
  auto receipt = ctx.app.meldpunt().Submit(*school, *draft, meldpunt::SubmittedBy{ctx.user().id},
                                           who->user_id);
  if (!receipt.ok()) {
    const Status& st = receipt.status();
    if (st.code() == StatusCode::kInvalidArgument)
      return StudentPage(ctx, *s, ctx.form, {{FieldId(st.field()), ReportFieldMessage(ctx, st)}},
                         400);
    return ctx.ErrorPage(st.code() == StatusCode::kFailedPrecondition ? 503 : HttpStatusFor(st));
  }
  Status handed = HandOverToStudent(ctx.app, ctx.user(), *receipt, s->id, kAgreedConfidential);
  if (!handed.ok()) return ctx.ErrorPage(HttpStatusFor(handed));
  return ConcernSentPage(ctx, s->has_account);
}

// "Ik wil overleggen": no student id in the form, nothing stored about them.
web::Response Consult(Ctx& ctx) {
  if (!IsTeacher(ctx)) return ctx.ErrorPage(403);
  Status s = teacher::RequestConsultation(ctx.app.db(), ctx.app.audit(),
                                          ctx.app.clock().NowMillis(), ctx.user());
  if (!s.ok()) return ctx.ErrorPage(HttpStatusFor(s));
  return web::Response::Redirect("/begeleiding?overleg=1");
}

web::Response Guide(Ctx& ctx) {
  if (!IsTeacher(ctx)) return ctx.ErrorPage(403);
  views::Page page = ctx.MakePage(ctx.T("teacher_guide_title"));
  views::Data body;
  auto school = ctx.app.accounts().SchoolById(ctx.user().school_id);
  if (school.ok()) body.set("brin", school->brin);
  views::Data grounds{views::Data::type::list};
  for (const char* g :
       {"origin", "religion", "disability", "gender", "orientation", "age", "other"}) {
    views::Data item;
    item.set("title", ctx.T(std::string("teacher_ex_") + g + "_title"));
    item.set("text", ctx.T(std::string("teacher_ex_") + g + "_text"));
    item.set("id", std::string("ex-") + g);
    grounds.push_back(item);
  }
  body.set("examples", grounds);
  return ctx.Render("teacher_guide", page, body);
}

}  // namespace

Status HandOverToStudent(App& app, const auth::User& by, const meldpunt::Receipt& receipt,
                         std::string_view student_id, std::string_view agreed) {
  SP_ASSIGN_OR_RETURN(crypto::SecretKey key, teacher::CodeKey(app.config().data_dir));
  SP_ASSIGN_OR_RETURN(std::string sealed,
                      crypto::Seal(key, receipt.code, teacher::CodeAd(receipt.case_id)));
  SP_ASSIGN_OR_RETURN(auto who, teacher::IdentityOf(app.db(), by.school_id, student_id));
  teacher::NewCaseLink link{receipt.case_id, receipt.case_number, std::string(student_id),
                            who.user_id,     std::string(agreed), std::move(sealed)};
  return app.db().Write([&](db::Connection& c) {
    return teacher::RecordCaseLink(c, app.audit(), app.outbox(), app.clock().NowMillis(), by, link);
  });
}

common::StatusOr<std::string> StudentIdByNumber(App& app, std::string_view school_id,
                                                std::string_view student_number) {
  std::string id;
  SP_RETURN_IF_ERROR(app.db().Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(db::Row r,
                        c.QueryOne("SELECT id FROM students WHERE school_id = $1 AND "
                                   "student_number = $2",
                                   {std::string(school_id), std::string(student_number)}));
    id = r.Text(0);
    return Status::Ok();
  }));
  return id;
}

web::Response ConcernSentPage(Ctx& ctx, bool student_has_account) {
  views::Page page = ctx.MakePage(ctx.T("teacher_sent_title"));
  views::Data body;
  body.set("text", ctx.T(student_has_account ? "teacher_sent_account" : "teacher_sent_no_account"));
  body.set("is_teacher", IsTeacher(ctx));
  return ctx.Render("teacher_sent", page, body, 201);
}

void RegisterTeacherAdminRoutes(App& app);

void RegisterTeacherRoutes(App& app) {
  const Access in = Access::LoggedIn();
  app.Route(web::Method::kGet, "/begeleiding", in, Home);
  app.Route(web::Method::kGet, "/begeleiding/gesprek", in, Guide);
  app.Route(web::Method::kPost, "/begeleiding/overleg", in, Consult);
  app.Route(web::Method::kGet, "/begeleiding/studenten/{id}", in, ShowStudent, {.sensitive = true});
  app.Route(web::Method::kPost, "/begeleiding/studenten/{id}/zorg", in, RaiseConcern,
            {.sensitive = true, .max_body_bytes = 256 * 1024});
  RegisterTeacherAdminRoutes(app);
}

}  // namespace app
