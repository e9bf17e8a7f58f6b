// The school's self-assessment against the Inspectie's three
// recommendations and the seven Toolbox tasks (management, school admin,
// meldpunt leads), the staff training register (management, school admin)
// and a staff member's own training, where expiry reminders link to.
#include "app/app.h"
#include "norm/service.h"

namespace app {
namespace {

using common::Status;
using common::StatusCode;

std::string Err(const Ctx& ctx, const Status& s) {
  std::string key = "norm_err_" + s.field();
  const std::string& t = ctx.T(key);
  return t == key ? s.message() : t;
}

std::string Today(const Ctx& ctx) {
  return domain::FormatDate(domain::DateFromMillis(ctx.app.clock().NowMillis()));
}

// ---- Self-assessment ----------------------------------------------------------

// `year` is checked; `errors` may name "<field>-<item>" for one item's form.
web::Response AssessmentPage(Ctx& ctx, const std::string& year,
                             std::vector<views::FieldError> errors, int status) {
  auto items = ctx.app.norm().Assessment(ctx.user(), year);
  if (!items.ok()) return ctx.ErrorPage(HttpStatusFor(items.status()));
  auto history = ctx.app.norm().AssessmentHistory(ctx.user());
  if (!history.ok()) return ctx.ErrorPage(HttpStatusFor(history.status()));
  views::Page page = ctx.MakePage(ctx.T("assessment_title") + " " + year);
  page.errors = std::move(errors);
  if (ctx.req.QueryParam("ok").value_or("") == "saved")
    page.flash = ctx.T("assessment_flash_saved");
  bool en = ctx.locale == views::Locale::kEn;
  std::string posted_item =
      ctx.req.PathParam("item").empty() ? "" : std::string(ctx.req.PathParam("item"));
  views::Data body;
  body.set("csrf", ctx.session->csrf_token);
  body.set("year", year);
  body.set("previous_href", "/zelfevaluatie?jaar=" + norm::PreviousSchoolYear(year));
  body.set("previous_year", norm::PreviousSchoolYear(year));
  std::vector<norm::ItemStatus> statuses;
  views::Data list{views::Data::type::list};
  for (const norm::AssessmentItemStatus& i : *items) {
    bool posted = i.item_id == posted_item;
    std::string status_value = posted ? ctx.form.Get("status") : i.status;
    if (auto st = norm::ParseItemStatus(i.status)) statuses.push_back(*st);
    views::Data d;
    d.set("id", i.item_id);
    d.set("title", en ? i.title_en : i.title_nl);
    d.set("status_text", ctx.T("assessment_status_" + i.status));
    d.set("done", i.status == "done");
    d.set("action", "/zelfevaluatie/" + year + "/" + i.item_id);
    d.set("evidence", posted ? ctx.form.Get("evidence") : i.evidence);
    d.set("date",
          posted ? ctx.form.Get("date") : (i.updated_on.empty() ? Today(ctx) : i.updated_on));
    views::SetIfPresent(d, "updated_on", i.updated_on);
    views::Data options{views::Data::type::list};
    for (norm::ItemStatus s :
         {norm::ItemStatus::kNotStarted, norm::ItemStatus::kInProgress, norm::ItemStatus::kDone}) {
      views::Data o;
      o.set("value", std::string(norm::Name(s)));
      o.set("label", ctx.T("assessment_status_" + std::string(norm::Name(s))));
      o.set("selected", status_value == norm::Name(s));
      options.push_back(o);
    }
    d.set("options", options);
    for (const char* f : {"status", "evidence", "date"}) {
      views::SetIfPresent(d, std::string(f) + "_error",
                          views::ErrorFor(page.errors, std::string(f) + "-" + i.item_id));
    }
    list.push_back(d);
  }
  norm::Score score = norm::ScoreOf(statuses, static_cast<int>(items->size()));
  body.set("score", std::to_string(score.percent));
  body.set("items_done", std::to_string(score.done));
  body.set("items_total", std::to_string(score.total));
  body.set("items", list);
  views::Data years{views::Data::type::list};
  for (const norm::AssessmentScore& s : *history) {
    views::Data d;
    d.set("year", s.school_year);
    d.set("href", "/zelfevaluatie?jaar=" + s.school_year);
    d.set("score", std::to_string(s.score_percent));
    d.set("done", std::to_string(s.items_done) + " / " + std::to_string(s.items_total));
    years.push_back(d);
  }
  body.set("has_history", !years.is_empty_list());
  body.set("history", years);
  return ctx.Render("assessment_page", page, body, status);
}

web::Response ShowAssessment(Ctx& ctx) {
  std::string year = ctx.req.QueryParam("jaar").value_or(
      norm::SchoolYearOf(domain::DateFromMillis(ctx.app.clock().NowMillis())));
  if (!norm::CheckSchoolYear(year, "jaar").ok()) return ctx.ErrorPage(404);
  return AssessmentPage(ctx, year, {}, 200);
}

web::Response SaveAssessment(Ctx& ctx) {
  std::string year(ctx.req.PathParam("year")), item(ctx.req.PathParam("item"));
  if (!norm::CheckSchoolYear(year, "year").ok() || !norm::FindAssessmentItem(item)) {
    // A caller who may not assess (a handler who is no lead) gets 403 for
    // every year and item alike, as on the page itself; only others learn 404.
    auto allowed = ctx.app.norm().AssessmentHistory(ctx.user());
    return ctx.ErrorPage(allowed.ok() ? 404 : HttpStatusFor(allowed.status()));
  }
  Status s = ctx.app.norm().SaveAssessmentItem(ctx.user(), year, item, ctx.form.Get("status"),
                                               ctx.form.Get("evidence"), ctx.form.Get("date"));
  if (s.ok()) return web::Response::Redirect("/zelfevaluatie?jaar=" + year + "&ok=saved#" + item);
  if (s.code() != StatusCode::kInvalidArgument) return ctx.ErrorPage(HttpStatusFor(s));
  return AssessmentPage(ctx, year, {{s.field() + "-" + item, Err(ctx, s)}}, 400);
}

// ---- Training register --------------------------------------------------------

views::Data RecordRow(const Ctx& ctx, const norm::TrainingRecord& r) {
  views::Data d;
  d.set("name", r.user_name);
  d.set("training", r.training_name);
  d.set("completed_on", domain::FormatDate(r.completed_on));
  d.set("expires_on", domain::FormatDate(r.expires_on));
  const char* state = r.state == norm::TrainingState::kExpired       ? "expired"
                      : r.state == norm::TrainingState::kExpiresSoon ? "expires_soon"
                                                                     : "current";
  d.set("state", ctx.T(std::string("training_state_") + state));
  d.set("attention", r.state != norm::TrainingState::kCurrent);
  return d;
}

web::Response RegisterPage(Ctx& ctx, std::vector<views::FieldError> errors, int status) {
  auto records = ctx.app.norm().TrainingRegister(ctx.user());
  if (!records.ok()) return ctx.ErrorPage(HttpStatusFor(records.status()));
  auto staff = ctx.app.norm().Staff(ctx.user());
  if (!staff.ok()) return ctx.ErrorPage(HttpStatusFor(staff.status()));
  views::Page page = ctx.MakePage(ctx.T("training_title"));
  page.errors = std::move(errors);
  if (ctx.req.QueryParam("ok").value_or("") == "saved") page.flash = ctx.T("training_flash_saved");
  auto err = [&](std::string_view f) { return views::ErrorFor(page.errors, f); };
  bool posted = !page.errors.empty();
  views::Data body;
  body.set("csrf", ctx.session->csrf_token);
  views::Data rows{views::Data::type::list};
  for (const norm::TrainingRecord& r : *records) rows.push_back(RecordRow(ctx, r));
  body.set("has_records", !rows.is_empty_list());
  body.set("records", rows);
  views::Data people{views::Data::type::list};
  for (const norm::StaffMember& m : *staff) {
    views::Data d;
    d.set("id", m.id);
    d.set("name", m.name);
    d.set("selected", posted && ctx.form.Get("user") == m.id);
    people.push_back(d);
  }
  body.set("staff", people);
  views::SetIfPresent(body, "user_error", err("user"));
  body.set("training_field",
           views::InputField("training", ctx.T("training_name"),
                             posted ? ctx.form.Get("training") : ctx.T("training_default_name"),
                             "text", err("training")));
  body.set("completed_field", views::InputField("completed_on", ctx.T("training_completed_on"),
                                                posted ? ctx.form.Get("completed_on") : Today(ctx),
                                                "date", err("completed_on")));
  body.set("expires_field", views::InputField("expires_on", ctx.T("training_expires_on"),
                                              posted ? ctx.form.Get("expires_on") : "", "date",
                                              err("expires_on"), ctx.T("training_expires_hint")));
  return ctx.Render("training_register", page, body, status);
}

web::Response ShowRegister(Ctx& ctx) { return RegisterPage(ctx, {}, 200); }

web::Response RecordTraining(Ctx& ctx) {
  auto id =
      ctx.app.norm().RecordTraining(ctx.user(), ctx.form.Get("user"), ctx.form.Get("training"),
                                    ctx.form.Get("completed_on"), ctx.form.Get("expires_on"));
  if (id.ok()) return web::Response::Redirect("/trainingen?ok=saved");
  if (id.status().code() != StatusCode::kInvalidArgument)
    return ctx.ErrorPage(HttpStatusFor(id.status()));
  return RegisterPage(ctx, {{id.status().field(), Err(ctx, id.status())}}, 400);
}

web::Response MyTraining(Ctx& ctx) {
  auto records = ctx.app.norm().MyTraining(ctx.user());
  if (!records.ok()) return ctx.ErrorPage(HttpStatusFor(records.status()));
  views::Data body;
  views::Data rows{views::Data::type::list};
  for (const norm::TrainingRecord& r : *records) rows.push_back(RecordRow(ctx, r));
  body.set("has_records", !rows.is_empty_list());
  body.set("records", rows);
  return ctx.Render("training_mine", ctx.MakePage(ctx.T("training_mine_title")), body);
}

}  // namespace

void RegisterAssessmentRoutes(App& app) {
  Access assessors = Access::Need(domain::Permission::kManageSelfAssessment);
  app.Route(web::Method::kGet, "/zelfevaluatie", assessors, ShowAssessment);
  app.Route(web::Method::kPost, "/zelfevaluatie/{year}/{item}", assessors, SaveAssessment);
  Access registrars = Access::Need(domain::Permission::kManageTraining);
  app.Route(web::Method::kGet, "/trainingen", registrars, ShowRegister);
  app.Route(web::Method::kPost, "/trainingen", registrars, RecordTraining);
  app.Route(web::Method::kGet, "/mijn-training", Access::LoggedIn(), MyTraining);
}

}  // namespace app
