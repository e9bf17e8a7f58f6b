// The school's yearly report, the "jaarrapportage stagediscriminatie" (the
// school's own, not the minister's national progress report to parliament):
// per school and school year, a print-ready page with the indicators the
// school follows beside last year's and the trend, the self-assessment over
// the years with where to find the Inspectie's recommendations and the
// Toolbox, and the training figure, and the same as CSV and XLSX. For the system admin, the
// deployment-wide version: every school's suppressed indicators, summed (monitor/report.h).
#include <algorithm>

#include "app/app.h"
#include "app/monitor_ui.h"
#include "monitor/export.h"
#include "monitor/service.h"
#include "norm/monitoring.h"

namespace app {

namespace {

using monitor::Indicator;
using views::SetIfPresent;

struct ReportRequest {
  monitor::Period year;
  std::string error;  // set when `jaar` is not a school year
};

// The school year asked for, published through the last finished month
// like every monitor period (monitor/period.h); by default the last school
// year that has ended.
ReportRequest YearFrom(const Ctx& ctx) {
  domain::Date today = domain::DateFromMillis(ctx.app.clock().NowMillis());
  monitor::Period fallback = monitor::Previous(monitor::SchoolYearOf(today));
  auto text = ctx.req.QueryParam("jaar");
  if (!text) return {fallback, ""};
  auto p = monitor::ParsePeriod(*text, "jaar");
  if (!p.ok() || p->kind != monitor::PeriodKind::kSchoolYear)
    return {fallback, ctx.T("mon_err_year")};
  auto published = monitor::Publishable(*p, today, "jaar");
  if (!published.ok()) return {fallback, ctx.T("mon_err_year_unfinished")};
  return {*published, ""};
}

// "2026-2027", or "2026-2027 t/m november 2026" while the year runs.
std::string YearText(const Ctx& ctx, const monitor::Period& year) {
  if (!year.running) return year.key;
  return year.key + " " + ctx.T("mon_through") + " " +
         monui::KeyLabel(ctx, "month", domain::FormatDate(year.to).substr(0, 7));
}

std::string TrendText(const Ctx& ctx, const std::string& trend) {
  return trend.empty() ? "–" : ctx.T("mon_trend_" + trend);
}

// The norm module's figures for a school year and the one before.
struct NormFigures {
  monitor::PulseFigures pulse_now, pulse_before;
  norm::TrainingSummary training_now, training_before;
  std::vector<norm::AssessmentScore> scores;  // every year, oldest first
};

common::StatusOr<NormFigures> ReadNorm(Ctx& ctx, const monitor::Period& year) {
  NormFigures out;
  monitor::Period before = monitor::Previous(year);
  SP_ASSIGN_OR_RETURN(out.pulse_now, monui::ReadPulse(ctx, year));
  SP_ASSIGN_OR_RETURN(out.pulse_before, monui::ReadPulse(ctx, before));
  domain::Date today = domain::DateFromMillis(ctx.app.clock().NowMillis());
  const std::string& school = ctx.user().school_id;
  SP_RETURN_IF_ERROR(ctx.app.db().Read([&](db::Connection& c) -> common::Status {
    SP_ASSIGN_OR_RETURN(out.training_now, norm::TrainingFor(c, school, std::min(today, year.to)));
    SP_ASSIGN_OR_RETURN(out.training_before,
                        norm::TrainingFor(c, school, std::min(today, before.to)));
    SP_ASSIGN_OR_RETURN(out.scores, norm::AssessmentScores(c, school));
    return common::Status::Ok();
  }));
  return out;
}

// A pulse count as an indicator (empty when suppressed).
Indicator PulseIndicator(const std::string& id, const monitor::PublishedTable& t,
                         std::string_view key) {
  auto v = monitor::CellValue(t, key);
  return {id, monitor::IndicatorKind::kCount,
          v ? std::optional<double>(static_cast<double>(*v)) : std::nullopt};
}

std::string TrainingText(const norm::TrainingSummary& t) {
  return std::to_string(t.trained_current) + " / " + std::to_string(t.staff_total);
}

std::string ScoreFor(const NormFigures& n, const std::string& year) {
  for (const norm::AssessmentScore& s : n.scores) {
    if (s.school_year == year) return std::to_string(s.score_percent) + "%";
  }
  return "–";
}

// label, this year, last year, trend: one row per indicator.
std::vector<std::vector<std::string>> IndicatorRows(const Ctx& ctx, const monitor::YearReport& r,
                                                    const NormFigures& n) {
  std::vector<Indicator> now = monitor::Indicators(r.current);
  std::vector<Indicator> before = monitor::Indicators(r.previous);
  now.push_back(PulseIndicator("pulse_experienced", n.pulse_now.experienced, "experienced"));
  before.push_back(PulseIndicator("pulse_experienced", n.pulse_before.experienced, "experienced"));
  now.push_back(PulseIndicator("pulse_not_reported", n.pulse_now.reported, "not_reported"));
  before.push_back(PulseIndicator("pulse_not_reported", n.pulse_before.reported, "not_reported"));
  std::vector<std::vector<std::string>> rows;
  for (size_t i = 0; i < now.size(); ++i) {
    rows.push_back({ctx.T("mon_ind_" + now[i].id), monui::IndicatorText(ctx, now[i]),
                    monui::IndicatorText(ctx, before[i]),
                    TrendText(ctx, monitor::Trend(now[i], before[i]))});
  }
  // Staff, not students: counted as they are.
  rows.push_back({ctx.T("mon_ind_training"), TrainingText(n.training_now),
                  TrainingText(n.training_before), "–"});
  std::string year = r.current.period.key, last = r.previous.period.key;
  rows.push_back({ctx.T("mon_ind_assessment"), ScoreFor(n, year), ScoreFor(n, last), "–"});
  return rows;
}

std::string SumText(const Ctx& ctx, const monitor::GroupIndicator& g) {
  if (g.schools_shown == 0) return "–";
  return (g.schools_hidden > 0 ? ctx.T("mon_at_least") + " " : std::string()) +
         std::to_string(g.sum);
}

std::vector<std::vector<std::string>> GroupRows(const Ctx& ctx, const monitor::GroupReport& r) {
  std::vector<std::vector<std::string>> rows;
  for (size_t i = 0; i < r.current.size(); ++i) {
    const monitor::GroupIndicator& g = r.current[i];
    std::string prev = i < r.previous.size() ? SumText(ctx, r.previous[i]) : "–";
    rows.push_back({ctx.T("mon_ind_" + g.id), SumText(ctx, g), prev,
                    std::to_string(g.schools_shown), std::to_string(g.schools_hidden)});
  }
  return rows;
}

views::Data RowsData(const std::vector<std::vector<std::string>>& rows) {
  views::Data list{views::Data::type::list};
  for (const auto& row : rows) {
    views::Data r;
    r.set("label", row[0]);
    views::Data cells{views::Data::type::list};
    for (size_t i = 1; i < row.size(); ++i) {
      views::Data c;
      c.set("value", row[i]);
      cells.push_back(c);
    }
    r.set("cells", cells);
    list.push_back(r);
  }
  return list;
}

web::Response Download(std::string body, const std::string& type, const std::string& name) {
  web::Response res;
  res.status = 200;
  res.body = std::move(body);
  res.SetHeader("Content-Type", type);
  res.SetHeader("Content-Disposition", "attachment; filename=\"" + name + "\"");
  return res;
}

web::Response ErrorReport(Ctx& ctx, const ReportRequest& rq, bool group) {
  views::Page page = ctx.MakePage(ctx.T("mon_report_title"));
  page.errors = {{"jaar", rq.error}};
  views::Data body;
  body.set("years", monui::PeriodOptions(ctx, rq.year, true));
  body.set("action", group ? "/admin/monitor" : "/monitor/rapport");
  SetIfPresent(body, "jaar_error", rq.error);
  return ctx.Render("monitor_report", page, body, 400);
}

monitor::ExportSheet Sheet(const Ctx& ctx, const std::vector<std::string>& header,
                           std::vector<std::vector<std::string>> rows) {
  monitor::ExportSheet sheet{ctx.T("mon_report_sheet"), {header}};
  for (auto& r : rows) sheet.rows.push_back(std::move(r));
  return sheet;
}

// ---- One school ------------------------------------------------------------

common::StatusOr<monitor::YearReport> SchoolReport(Ctx& ctx, const monitor::Period& year) {
  monitor::Monitor m(ctx.app.db(), ctx.app.clock());
  return m.SchoolYearReport(ctx.user().school_id, year);
}

std::vector<std::string> SchoolHeader(const Ctx& ctx, const monitor::Period& year) {
  return {ctx.T("mon_col_indicator"), YearText(ctx, year), monitor::Previous(year).key,
          ctx.T("mon_col_trend")};
}

// The pulse survey beside the registered reports, training, and the
// self-assessment over the years.
void SetNormSections(const Ctx& ctx, const monitor::YearReport& r, const NormFigures& n,
                     views::Data& body) {
  views::Data pulse{views::Data::type::list};
  auto fact = [&](const std::string& label, const std::string& value) {
    views::Data f;
    f.set("label", label);
    f.set("value", value);
    pulse.push_back(f);
  };
  fact(ctx.T("mon_reports_total"),
       monui::CountText(ctx, r.current.reports.count, r.current.reports.suppression));
  const monitor::PublishedCount& responses = n.pulse_now.experienced.total;
  fact(ctx.T("mon_pulse_responses"), monui::CountText(ctx, responses.count, responses.suppression));
  std::optional<double> pct = monui::UnreportedPercent(n.pulse_now);
  fact(ctx.T("mon_pulse_unreported"), pct ? monui::Decimal(ctx, pct) + "%" : ctx.T("mon_too_few"));
  body.set("has_pulse", true);
  body.set("pulse", pulse);
  body.set("has_training", true);
  body.set("training", std::to_string(n.training_now.trained_current) + " " +
                           ctx.T("mon_training_text") + " " +
                           std::to_string(n.training_now.staff_total) + ".");
  views::Data scores{views::Data::type::list};
  for (const norm::AssessmentScore& s : n.scores) {
    views::Data row;
    row.set("year", s.school_year);
    row.set("score", std::to_string(s.score_percent) + "%");
    row.set("items", std::to_string(s.items_done) + " / " + std::to_string(s.items_total));
    scores.push_back(row);
  }
  body.set("has_assessment", !scores.is_empty_list());
  body.set("assessment", scores);
}

web::Response ReportPage(Ctx& ctx) {
  if (!monui::MaySee(ctx)) return ctx.ErrorPage(403);
  ReportRequest rq = YearFrom(ctx);
  if (!rq.error.empty()) return ErrorReport(ctx, rq, false);
  auto report = SchoolReport(ctx, rq.year);
  if (!report.ok()) return ctx.ErrorPage(HttpStatusFor(report.status()));
  auto nf = ReadNorm(ctx, rq.year);
  if (!nf.ok()) return ctx.ErrorPage(HttpStatusFor(nf.status()));
  auto school = ctx.app.accounts().SchoolById(ctx.user().school_id);
  views::Page page = ctx.MakePage(ctx.T("mon_report_title") + " " + YearText(ctx, rq.year));
  views::Data body;
  body.set("has_report", true);
  body.set("year", YearText(ctx, rq.year));
  body.set("previous_year", monitor::Previous(rq.year).key);
  if (school.ok()) body.set("school", school->name + " (" + school->brin + ")");
  body.set("years", monui::PeriodOptions(ctx, rq.year, true));
  body.set("action", "/monitor/rapport");
  body.set("generated", domain::FormatDate(domain::DateFromMillis(ctx.app.clock().NowMillis())));
  body.set("rows", RowsData(IndicatorRows(ctx, *report, *nf)));
  SetNormSections(ctx, *report, *nf, body);
  body.set("csv_href", "/monitor/rapport.csv?jaar=" + rq.year.key);
  body.set("xlsx_href", "/monitor/rapport.xlsx?jaar=" + rq.year.key);
  body.set("dashboard_href", "/monitor?periode=" + rq.year.key);
  (void)ctx.app.audit().Append(ctx.app.db(),
                               AuditEntry(ctx, "monitor.report", "school", ctx.user().school_id));
  return ctx.Render("monitor_report", page, body);
}

web::Response ReportFile(Ctx& ctx, bool xlsx) {
  if (!monui::MaySee(ctx)) return ctx.ErrorPage(403);
  ReportRequest rq = YearFrom(ctx);
  if (!rq.error.empty()) return ErrorReport(ctx, rq, false);
  auto report = SchoolReport(ctx, rq.year);
  if (!report.ok()) return ctx.ErrorPage(HttpStatusFor(report.status()));
  auto nf = ReadNorm(ctx, rq.year);
  if (!nf.ok()) return ctx.ErrorPage(HttpStatusFor(nf.status()));
  monitor::ExportSheet sheet =
      Sheet(ctx, SchoolHeader(ctx, rq.year), IndicatorRows(ctx, *report, *nf));
  (void)ctx.app.audit().Append(ctx.app.db(),
                               AuditEntry(ctx, "monitor.export", "school", ctx.user().school_id));
  std::string name = "jaarrapportage-stagediscriminatie-" + rq.year.key;
  if (!xlsx) return Download(monitor::ToCsv(sheet), "text/csv; charset=utf-8", name + ".csv");
  auto bytes = monitor::ToXlsx({sheet});
  if (!bytes.ok()) return ctx.ErrorPage(500);
  return Download(std::move(*bytes),
                  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                  name + ".xlsx");
}

// ---- The deployment (system admin) -----------------------------------------

common::StatusOr<monitor::GroupReport> GroupReport(Ctx& ctx, const monitor::Period& year) {
  SP_ASSIGN_OR_RETURN(std::vector<auth::School> schools, ctx.app.accounts().ListSchools());
  std::vector<std::string> ids;
  ids.reserve(schools.size());
  for (const auto& s : schools) ids.push_back(s.id);
  monitor::Monitor m(ctx.app.db(), ctx.app.clock());
  return m.GroupYearReport(ids, year);
}

std::vector<std::string> GroupHeader(const Ctx& ctx, const monitor::Period& year) {
  return {ctx.T("mon_col_indicator"), YearText(ctx, year), monitor::Previous(year).key,
          ctx.T("mon_col_schools_shown"), ctx.T("mon_col_schools_hidden")};
}

web::Response GroupPage(Ctx& ctx) {
  ReportRequest rq = YearFrom(ctx);
  if (!rq.error.empty()) return ErrorReport(ctx, rq, true);
  auto report = GroupReport(ctx, rq.year);
  if (!report.ok()) return ctx.ErrorPage(HttpStatusFor(report.status()));
  views::Page page = ctx.MakePage(ctx.T("mon_group_title") + " " + YearText(ctx, rq.year));
  views::Data body;
  body.set("has_group", true);
  body.set("year", YearText(ctx, rq.year));
  body.set("previous_year", monitor::Previous(rq.year).key);
  body.set("schools", std::to_string(report->schools));
  body.set("years", monui::PeriodOptions(ctx, rq.year, true));
  body.set("action", "/admin/monitor");
  body.set("generated", domain::FormatDate(domain::DateFromMillis(ctx.app.clock().NowMillis())));
  body.set("rows", RowsData(GroupRows(ctx, *report)));
  body.set("csv_href", "/admin/monitor.csv?jaar=" + rq.year.key);
  body.set("xlsx_href", "/admin/monitor.xlsx?jaar=" + rq.year.key);
  (void)ctx.app.audit().Append(ctx.app.db(), AuditEntry(ctx, "monitor.group", "deployment", ""));
  return ctx.Render("monitor_report", page, body);
}

web::Response GroupFile(Ctx& ctx, bool xlsx) {
  ReportRequest rq = YearFrom(ctx);
  if (!rq.error.empty()) return ErrorReport(ctx, rq, true);
  auto report = GroupReport(ctx, rq.year);
  if (!report.ok()) return ctx.ErrorPage(HttpStatusFor(report.status()));
  monitor::ExportSheet sheet = Sheet(ctx, GroupHeader(ctx, rq.year), GroupRows(ctx, *report));
  std::string name = "jaarrapportage-stagediscriminatie-alle-scholen-" + rq.year.key;
  if (!xlsx) return Download(monitor::ToCsv(sheet), "text/csv; charset=utf-8", name + ".csv");
  auto bytes = monitor::ToXlsx({sheet});
  if (!bytes.ok()) return ctx.ErrorPage(500);
  return Download(std::move(*bytes),
                  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                  name + ".xlsx");
}

}  // namespace

void RegisterMonitorReportRoutes(App& app) {
  Access school = Access::Need(domain::Permission::kViewAggregates);
  Access deployment = Access::Need(domain::Permission::kManageSchools);
  app.Route(web::Method::kGet, "/monitor/rapport", school, ReportPage);
  app.Route(web::Method::kGet, "/monitor/rapport.csv", school,
            [](Ctx& ctx) { return ReportFile(ctx, false); });
  app.Route(web::Method::kGet, "/monitor/rapport.xlsx", school,
            [](Ctx& ctx) { return ReportFile(ctx, true); });
  app.Route(web::Method::kGet, "/admin/monitor", deployment, GroupPage);
  app.Route(web::Method::kGet, "/admin/monitor.csv", deployment,
            [](Ctx& ctx) { return GroupFile(ctx, false); });
  app.Route(web::Method::kGet, "/admin/monitor.xlsx", deployment,
            [](Ctx& ctx) { return GroupFile(ctx, true); });
}

}  // namespace app
