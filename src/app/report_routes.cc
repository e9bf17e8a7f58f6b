// The public side of the meldpunt: the report form (no login), the receipt
// shown once, and the reporter's pages after entering their code.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>

#include "app/app.h"
#include "app/programme_choices.h"
#include "app/referral_ui.h"
#include "app/report_input.h"
#include "app/report_ui.h"
#include "app/teacher_data.h"
#include "app/teacher_ui.h"

namespace app {

namespace {

using common::Status;

constexpr size_t kFormBodyLimit = 256 * 1024;

// "Name, City (leerbedrijf-ID)": how a company is offered to a reporter.
std::string CompanyLabel(const meldpunt::CompanyInfo& c) {
  return c.name + (c.city.empty() ? "" : ", " + c.city) + " (" + c.leerbedrijf_id + ")";
}

// The optional "about your programme" part: only for the monitor's counts.
// Location and crebo are choices from the school's register (programme_choices.h);
// a value that is not on the list stays selected beside its error.
template <typename ErrorOf>
void SetProgrammeFields(const Ctx& ctx, const web::Form& values, const ErrorOf& err,
                        const domain::ProgrammeChoices& choices, views::Data& body) {
  auto select = [&](const std::string& name,
                    const std::vector<std::pair<std::string, std::string>>& options) {
    views::Data list{views::Data::type::list};
    bool found = false;
    for (const auto& [value, label] : options) {
      views::Data item;
      item.set("value", value);
      item.set("label", label);
      item.set("selected", values.Get(name) == value);
      found = found || values.Get(name) == value;
      list.push_back(item);
    }
    if (!found) {
      views::Data item;
      item.set("value", values.Get(name));
      item.set("label", values.Get(name));
      item.set("selected", true);
      list.push_back(item);
    }
    body.set(name + "_options", list);
    views::SetIfPresent(body, name + "_error", err(name));
  };
  auto listed = [&](const std::vector<std::string>& register_values) {
    std::vector<std::pair<std::string, std::string>> out = {
        {"", ctx.T("report_programme_unknown")}};
    for (const std::string& v : register_values) out.emplace_back(v, v);
    return out;
  };
  select("programme_crebo", listed(choices.crebos));
  select("programme_pathway",
         {{"", ctx.T("report_programme_unknown")}, {"BOL", "BOL"}, {"BBL", "BBL"}});
  select("programme_level",
         {{"", ctx.T("report_programme_unknown")}, {"1", "1"}, {"2", "2"}, {"3", "3"}, {"4", "4"}});
  select("programme_location", listed(choices.locations));
}

web::Response RenderForm(Ctx& ctx, const auth::School& school, const web::Form& values,
                         std::vector<views::FieldError> errors, int status,
                         const std::vector<meldpunt::CompanyInfo>* search_results = nullptr) {
  web::Response tmp;
  std::string csrf = FormCsrf(ctx, &tmp);
  views::Page page = ctx.MakePage(ctx.T("report_title"));
  page.csrf = csrf;
  page.errors = errors;
  auto err = [&](std::string_view f) { return views::ErrorFor(errors, f); };
  views::Data body;
  body.set("csrf", csrf);
  body.set("brin", school.brin);
  body.set("school_name", school.name);
  body.set("action", "/s/" + school.brin + "/melden");
  body.set("outside", OutsideRoutes(ctx, school.id));
  if (!values.Get("flag").empty()) body.set("flag_id", values.Get("flag"));
  body.set("student_agrees", values.Get("student_agrees") == "1");
  views::SetIfPresent(body, "student_agrees_error", err("student_agrees"));
  std::string phase = values.Get("phase");
  body.set("phases", ChoiceOptions(ctx, "phase_", {"search", "internship"}, {phase}, "phase"));
  views::SetIfPresent(body, "phase_error", err("phase"));
  body.set("grounds", ChoiceOptions(ctx, "ground_", NamesOf(domain::AllGrounds()),
                                    values.GetAll("grounds"), "grounds"));
  views::SetIfPresent(body, "grounds_error", err("grounds"));
  body.set("actors", ChoiceOptions(ctx, "actor_", NamesOf(domain::AllActors()),
                                   values.GetAll("actors"), "actors"));
  views::SetIfPresent(body, "actors_error", err("actors"));
  body.set("narrative", values.Get("narrative"));
  views::SetIfPresent(body, "narrative_error", err("narrative"));
  body.set("occurred_on_field",
           views::InputField("occurred_on", ctx.T("report_occurred_on"), values.Get("occurred_on"),
                             "date", err("occurred_on"), ctx.T("report_occurred_on_hint")));
  body.set("company_name_field",
           views::InputField("company_name", ctx.T("report_company_name"),
                             values.Get("company_name"), "text", err("company_name"),
                             ctx.T("report_company_name_hint"), "organization"));
  body.set("company_id_field",
           views::InputField("company_leerbedrijf_id", ctx.T("report_company_id"),
                             values.Get("company_leerbedrijf_id"), "text",
                             err("company_leerbedrijf_id")));
  body.set("company_kvk_field",
           views::InputField("company_kvk", ctx.T("report_company_kvk"), values.Get("company_kvk"),
                             "text", err("company_kvk")));
  if (search_results) {
    views::Data found{views::Data::type::list};
    for (const auto& c : *search_results) {
      views::Data item;
      item.set("leerbedrijf_id", c.leerbedrijf_id);
      item.set("label", CompanyLabel(c));
      item.set("checked", values.Get("company_leerbedrijf_id") == c.leerbedrijf_id);
      found.push_back(item);
    }
    body.set("search_done", true);
    body.set("search_results", found);
    body.set("search_empty", search_results->empty());
  }
  body.set("wishes", ChoiceOptions(ctx, "wish_", NamesOf(domain::AllWishes()),
                                   values.GetAll("wishes"), "wishes"));
  body.set("consents", ChoiceOptions(ctx, "consent_", {"contact_company", "share_sbb", "share_adv"},
                                     values.GetAll("consent"), "consent"));
  // Staff report for a student in the student's name (OnBehalfStudent).
  const bool on_behalf =
      ctx.session && domain::HasPermission(ctx.user().role, domain::Permission::kReportOnBehalf);
  std::string mode = values.Get("mode");
  if (mode.empty()) mode = on_behalf ? "confidential" : "anonymous";
  body.set("modes",
           ChoiceOptions(ctx, "mode_", {"anonymous", "confidential", "named"}, {mode}, "mode"));
  views::SetIfPresent(body, "mode_error", err("mode"));
  body.set(
      "reporter_name_field",
      views::InputField("reporter_name", ctx.T("report_reporter_name"), values.Get("reporter_name"),
                        "text", err("reporter_name") + err("reporter"), "", "name"));
  body.set("reporter_number_field",
           views::InputField("reporter_student_number", ctx.T("report_reporter_number"),
                             values.Get("reporter_student_number"), "text",
                             err("reporter_student_number")));
  body.set(
      "reporter_email_field",
      views::InputField("reporter_email", ctx.T("report_reporter_email"),
                        values.Get("reporter_email"), "email", err("reporter_email"), "", "email"));
  auto choices = ProgrammeChoicesOf(ctx.app.db(), school.id);
  SetProgrammeFields(ctx, values, err, choices.ok() ? *choices : domain::ProgrammeChoices{}, body);
  // Only a logged-in student of this school can be mailed about their report;
  // an anonymous reporter has no account to mail.
  if (ctx.session && ctx.user().role == domain::Role::kStudent &&
      ctx.user().school_id == school.id) {
    body.set("mail_optin_offered", true);
    body.set("mail_optin", values.Get("mail_optin") == "yes");
  }
  if (ctx.session && domain::HasPermission(ctx.user().role, domain::Permission::kReportOnBehalf)) {
    body.set("on_behalf", true);
    body.set("channels",
             ChoiceOptions(ctx, "channel_", {"mentor", "coordinator", "meldpunt", "other"},
                           {values.Get("channel").empty() ? "mentor" : values.Get("channel")},
                           "channel"));
  }
  web::Response res = ctx.Render("report_form", page, body, status);
  for (auto& h : tmp.headers) res.headers.push_back(h);
  return res;
}

common::StatusOr<auth::School> SchoolOf(Ctx& ctx) {
  return ctx.app.accounts().SchoolByBrin(ctx.req.PathParam("brin"));
}

web::Response ChooseSchool(Ctx& ctx) {
  if (ctx.session && !ctx.user().school_id.empty()) {
    auto school = ctx.app.accounts().SchoolById(ctx.user().school_id);
    if (school.ok()) return web::Response::Redirect("/s/" + school->brin + "/melden");
  }
  auto schools = ctx.app.accounts().ListSchools();
  if (!schools.ok()) return ctx.ErrorPage(503);
  if (schools->size() == 1)
    return web::Response::Redirect("/s/" + schools->front().brin + "/melden");
  views::Page page = ctx.MakePage(ctx.T("report_choose_school"));
  views::Data list{views::Data::type::list};
  for (const auto& s : *schools) {
    views::Data item;
    item.set("href", "/s/" + s.brin + "/melden");
    item.set("name", s.name);
    list.push_back(item);
  }
  views::Data body;
  body.set("schools", list);
  return ctx.Render("report_school", page, body);
}

web::Response ShowForm(Ctx& ctx) {
  auto school = SchoolOf(ctx);
  if (!school.ok())
    return ctx.ErrorPage(school.status().code() == common::StatusCode::kUnavailable ? 503 : 404);
  std::vector<std::pair<std::string, std::string>> prefill;
  if (ctx.session && ctx.user().role == domain::Role::kStudent &&
      ctx.user().school_id == school->id) {
    // A logged-in student gets their details filled in; they still choose the mode.
    prefill = {{"reporter_name", ctx.user().display_name}, {"reporter_email", ctx.user().login}};
    if (auto programme = ctx.app.meldpunt().ProgrammeOfStudent(ctx.user())) {
      prefill.insert(prefill.end(), {{"programme_crebo", programme->crebo},
                                     {"programme_pathway", programme->pathway},
                                     {"programme_level",
                                      programme->level ? std::to_string(*programme->level) : ""},
                                     {"programme_location", programme->location}});
    }
  }
  std::string flag_id = ctx.req.QueryParam("vlag").value_or("");
  if (!flag_id.empty()) {
    // A coordinator starts a melding for a student whose placement was
    // refused or broke down, from the stagematching flag (issue 5 §7).
    if (!ctx.session ||
        !domain::HasPermission(ctx.user().role, domain::Permission::kManagePlacements) ||
        ctx.user().school_id != school->id)
      return ctx.ErrorPage(404);
    auto flags = ctx.app.stagematching().Flags(ctx.user(), /*include_resolved=*/true);
    if (!flags.ok()) return ctx.ErrorPage(HttpStatusFor(flags.status()));
    auto flag = std::find_if(flags->begin(), flags->end(),
                             [&](const placement::Flag& f) { return f.id == flag_id; });
    if (flag == flags->end()) return ctx.ErrorPage(404);
    bool refusal = flag->kind == placement::EndKind::kRefusal;
    prefill = {{"flag", flag->id},
               {"mode", "confidential"},
               {"channel", "coordinator"},
               {"phase", refusal ? "search" : "internship"},
               {"company_leerbedrijf_id", flag->leerbedrijf_id},
               {"company_name", flag->company_name},
               {"reporter_name", flag->student_name},
               {"reporter_student_number", flag->student_number},
               {"narrative", ctx.T(refusal ? "report_from_refusal" : "report_from_breakdown") +
                                 " " + flag->reason}};
  }
  return RenderForm(ctx, *school, web::Form(std::move(prefill)), {}, 200);
}

web::Response Receipt(Ctx& ctx, const meldpunt::Receipt& r, const std::string& brin,
                      const std::string& error = "") {
  views::Page page = ctx.MakePage(ctx.T("receipt_title"));
  if (!error.empty()) page.errors.push_back({"saved", error});
  views::Data body;
  web::Response tmp;
  page.csrf = FormCsrf(ctx, &tmp);  // the layout sets "csrf" from the page
  page.no_language_switch = true;   // the code is shown once; a GET would lose it
  body.set("csrf", page.csrf);
  body.set("code", r.code);
  body.set("case_number", r.case_number);
  body.set("acknowledged_at", common::FormatIso8601(r.acknowledged_at));
  body.set("content_sha256", r.content_sha256);
  body.set("first_contact_due", domain::FormatDate(r.first_contact_due));
  body.set("action", "/s/" + brin + "/melden/bewaard");
  views::SetIfPresent(body, "saved_error", error);
  web::Response res = ctx.Render("report_receipt", page, body, error.empty() ? 201 : 400);
  for (auto& h : tmp.headers) res.headers.push_back(h);
  return res;
}

// The company search of the report form as JSON, for enhance.js: the same
// search as the form's "Zoeken" button, which keeps working without it.
web::Response SearchCompaniesJson(Ctx& ctx) {
  auto school = SchoolOf(ctx);
  if (!school.ok()) return JsonErrorFor(school.status());
  auto found = ctx.app.meldpunt().SearchCompanies(school->id, ctx.req.QueryParam("q").value_or(""));
  if (!found.ok()) return JsonErrorFor(found.status());
  nlohmann::json list = nlohmann::json::array();
  for (const auto& c : *found)
    list.push_back(
        nlohmann::json{{"leerbedrijf_id", c.leerbedrijf_id}, {"label", CompanyLabel(c)}});
  return web::Response::Json(200, nlohmann::json{{"companies", list}}.dump());
}

// The student a staff member reports for: the agreement ticked, not
// anonymous (the student is known to the staff member and gets the case in
// their account), and a student of the school, from the refusal flag or by
// student number. Errors name the form's field, in the page's language.
common::StatusOr<std::string> OnBehalfStudent(Ctx& ctx, const auth::School& school,
                                              const domain::ReportDraft& draft) {
  if (ctx.form.Get("student_agrees") != "1")
    return Status::InvalidArgument(ctx.T("report_err_agrees"), "student_agrees");
  if (draft.mode == domain::ReportMode::kAnonymous)
    return Status::InvalidArgument(ctx.T("report_err_on_behalf_anonymous"), "mode");
  const std::string flag = ctx.form.Get("flag");
  if (!flag.empty()) {
    std::string id;
    Status read = ctx.app.db().Read([&](db::Connection& c) -> Status {
      SP_ASSIGN_OR_RETURN(db::Row r, c.QueryOne("SELECT p.student_id FROM placement_flags f JOIN "
                                                "placements p ON p.id = f.placement_id WHERE "
                                                "f.id = $1 AND f.school_id = $2",
                                                {flag, school.id}));
      id = r.Text(0);
      return Status::Ok();
    });
    if (read.ok()) return id;
  }
  auto id = StudentIdByNumber(ctx.app, school.id, ctx.form.Get("reporter_student_number"));
  if (!id.ok())
    return Status::InvalidArgument(ctx.T("report_err_on_behalf_student"),
                                   "reporter_student_number");
  return *id;
}

web::Response SubmitForm(Ctx& ctx) {
  auto school = SchoolOf(ctx);
  if (!school.ok())
    return ctx.ErrorPage(school.status().code() == common::StatusCode::kUnavailable ? 503 : 404);
  if (ctx.session && ctx.user().school_id != school->id) return ctx.ErrorPage(404);
  if (ctx.form.Get("action") == "search") {
    auto found = ctx.app.meldpunt().SearchCompanies(school->id, ctx.form.Get("company_name"));
    if (!found.ok()) return ctx.ErrorPage(503);
    return RenderForm(ctx, *school, ctx.form, {}, 200, &*found);
  }
  auto draft = DraftFromForm(ctx.form);
  if (!draft.ok())
    return RenderForm(ctx, *school, ctx.form,
                      {{FieldId(draft.status().field()), ReportFieldMessage(ctx, draft.status())}},
                      400);
  Status listed = CheckProgrammeChoice(ctx.app.db(), school->id, draft->programme);
  if (!listed.ok()) {
    if (listed.code() != common::StatusCode::kInvalidArgument)
      return ctx.ErrorPage(HttpStatusFor(listed));
    return RenderForm(ctx, *school, ctx.form,
                      {{FieldId(listed.field()), ReportFieldMessage(ctx, listed)}}, 400);
  }
  std::optional<meldpunt::SubmittedBy> by;
  if (ctx.session && domain::HasPermission(ctx.user().role, domain::Permission::kReportOnBehalf)) {
    by = meldpunt::SubmittedBy{ctx.user().id};
    if (draft->channel == domain::Channel::kSelf) draft->channel = domain::Channel::kOther;
  } else {
    draft->channel = domain::Channel::kSelf;
  }
  // Staff report for a student only with the student's agreement, in the
  // student's name, and the code goes to the student (teacher_ui.h).
  std::string for_student;
  if (by) {
    auto student = OnBehalfStudent(ctx, *school, *draft);
    if (!student.ok()) {
      return RenderForm(ctx, *school, ctx.form,
                        {{student.status().field(), student.status().message()}}, 400);
    }
    for_student = *student;
  }
  if (!AdmitReport(ctx, *school)) {
    // Everything typed stays in the form; only sending has to wait.
    web::Response res =
        RenderForm(ctx, *school, ctx.form, {{"narrative", ctx.T("report_rate_limited")}}, 429);
    res.SetHeader("Retry-After", "60");
    return res;
  }
  std::string flag_id = by ? ctx.form.Get("flag") : "";
  std::string mail_optin;
  if (ctx.session && ctx.user().role == domain::Role::kStudent &&
      ctx.user().school_id == school->id && ctx.form.Get("mail_optin") == "yes")
    mail_optin = ctx.user().id;
  if (by) {
    auto who = teacher::IdentityOf(ctx.app.db(), school->id, for_student);
    if (who.ok()) mail_optin = who->user_id;  // the student hears of messages
  }
  auto receipt = ctx.app.meldpunt().Submit(*school, *draft, by, mail_optin);
  if (receipt.ok() && !flag_id.empty()) {
    Status linked = ctx.app.stagematching().LinkFlagToCase(ctx.user(), flag_id, receipt->case_id);
    if (!linked.ok()) spdlog::warn("flag link failed: {}", linked.ToString());
  }
  if (!receipt.ok()) {
    const Status& s = receipt.status();
    if (s.code() == common::StatusCode::kInvalidArgument) {
      return RenderForm(ctx, *school, ctx.form, {{FieldId(s.field()), ReportFieldMessage(ctx, s)}},
                        400);
    }
    return ctx.ErrorPage(s.code() == common::StatusCode::kFailedPrecondition ? 503
                                                                             : HttpStatusFor(s));
  }
  if (by) {
    Status handed =
        HandOverToStudent(ctx.app, ctx.user(), *receipt, for_student, "report_agreed_on_behalf");
    if (!handed.ok()) return ctx.ErrorPage(HttpStatusFor(handed));
    auto who = teacher::IdentityOf(ctx.app.db(), school->id, for_student);
    return ConcernSentPage(ctx, who.ok() && !who->user_id.empty());
  }
  return Receipt(ctx, *receipt, school->brin);
}

// The "I saved my code" step. The code travels back in the form only so the
// page can be shown again when the box was not ticked; it is stored nowhere.
web::Response ConfirmSaved(Ctx& ctx) {
  if (ctx.form.Get("saved") != "yes") {
    meldpunt::Receipt r;
    r.code = ctx.form.Get("code").substr(0, 40);
    r.case_number = ctx.form.Get("case_number").substr(0, 20);
    r.content_sha256 = ctx.form.Get("content_sha256").substr(0, 64);
    r.first_contact_due =
        domain::ParseDate(ctx.form.Get("first_contact_due")).value_or(domain::Date{});
    r.acknowledged_at = ctx.app.clock().NowMillis();
    return Receipt(ctx, r, std::string(ctx.req.PathParam("brin")), ctx.T("receipt_saved_required"));
  }
  views::Page page = ctx.MakePage(ctx.T("report_done_title"));
  views::Data body;
  body.set("case_number", ctx.form.Get("case_number").substr(0, 20));
  return ctx.Render("report_done", page, body);
}

}  // namespace

bool AdmitReport(Ctx& ctx, const auth::School& school) {
  if (ctx.session && ctx.user().school_id == school.id &&
      (ctx.user().role == domain::Role::kStudent ||
       domain::HasPermission(ctx.user().role, domain::Permission::kReportOnBehalf)))
    return true;
  return ctx.app.submission_limits().Allow(ctx.app.ClientKey(ctx.req), school.id);
}

void RegisterReporterRoutes(App& app);

void RegisterReportRoutes(App& app) {
  web::RouteOptions form{.sensitive = true, .max_body_bytes = kFormBodyLimit};
  app.Route(web::Method::kGet, "/melden", Access::Public(), ChooseSchool, {.sensitive = true});
  app.Route(web::Method::kGet, "/s/{brin}/melden", Access::Public(), ShowForm, {.sensitive = true});
  app.Route(web::Method::kPost, "/s/{brin}/melden", Access::Public(), SubmitForm, form);
  app.Route(web::Method::kGet, "/s/{brin}/bedrijven", Access::Public(), SearchCompaniesJson);
  app.Route(web::Method::kPost, "/s/{brin}/melden/bewaard", Access::Public(), ConfirmSaved, form);
  RegisterReporterRoutes(app);
}

}  // namespace app
