// The school's monitor dashboard (issue 6): reports by ground, phase,
// programme, pathway, level, location, company sector and month; handling
// (time to first contact and to closure, deadlines, nazorg, referrals,
// outcomes, the closing survey); stagematching; and a drill-down form. Only
// fixed periods (monitor/period.h) and only suppressed numbers (P19). Bad
// input shows the form with an error naming the field, and no numbers at all.
#include <algorithm>

#include "app/app.h"
#include "app/monitor_ui.h"
#include "monitor/service.h"

namespace app {

namespace {

using common::Status;
using monitor::Dimension;
using views::SetIfPresent;

constexpr Dimension kFilterDims[] = {Dimension::kGround,  Dimension::kActor,    Dimension::kPhase,
                                     Dimension::kPathway, Dimension::kLevel,    Dimension::kCrebo,
                                     Dimension::kSector,  Dimension::kLocation, Dimension::kStatus};

std::string DimLabel(const Ctx& ctx, Dimension d) {
  return ctx.T("mon_fig_" + std::string(monitor::Name(d)));
}

views::Data DimensionOptions(const Ctx& ctx, const std::string& selected) {
  views::Data list{views::Data::type::list};
  for (Dimension d : monitor::AllDimensions()) {
    views::Data o;
    o.set("value", std::string(monitor::Name(d)));
    o.set("label", DimLabel(ctx, d));
    o.set("selected", selected == monitor::Name(d));
    list.push_back(o);
  }
  return list;
}

// Filters offered: the groups that the dashboard itself shows as 5 or more.
views::Data FilterOptions(const Ctx& ctx, const monitor::Dashboard* d,
                          const std::string& selected) {
  views::Data list{views::Data::type::list};
  bool found = selected.empty();
  if (d) {
    for (Dimension dim : kFilterDims) {
      const monitor::Figure* f = monitor::FindFigure(d->breakdowns, monitor::Name(dim));
      if (!f) continue;
      for (const monitor::PublishedCell& c : f->table.cells) {
        if (!c.count) continue;
        std::string value = std::string(monitor::Name(dim)) + ":" + c.key;
        views::Data o;
        o.set("value", value);
        o.set("label", DimLabel(ctx, dim) + ": " + monui::KeyLabel(ctx, f->id, c.key));
        o.set("selected", value == selected);
        found = found || value == selected;
        list.push_back(o);
      }
    }
  }
  if (!found) {
    views::Data o;  // keep what was asked for visible next to its error
    o.set("value", selected);
    o.set("label", selected);
    o.set("selected", true);
    list.push_back(o);
  }
  return list;
}

views::Data Stat(const Ctx& ctx, const std::string& label, const monitor::PublishedStat& s,
                 const std::string& unit) {
  views::Data d;
  d.set("label", label);
  d.set("value", s.value ? monui::Decimal(ctx, s.value) + unit : ctx.T("mon_too_few"));
  return d;
}

views::Data Figures(const Ctx& ctx, const std::vector<monitor::Figure>& figures,
                    std::initializer_list<std::string_view> only = {}) {
  views::Data list{views::Data::type::list};
  for (const monitor::Figure& f : figures) {
    if (only.size() && std::find(only.begin(), only.end(), f.id) == only.end()) continue;
    list.push_back(monui::FigureData(ctx, f));
  }
  return list;
}

struct Drill {
  Dimension by;
  std::optional<monitor::Filter> filter;
  monitor::PublishedTable table;
};

views::Data DrillData(const Ctx& ctx, const Drill& drill) {
  monitor::Figure f{std::string(monitor::Name(drill.by)), drill.table};
  views::Data d = monui::FigureData(ctx, f);
  std::string title = ctx.T("mon_drill_result") + " " + DimLabel(ctx, drill.by);
  if (drill.filter) {
    title += ", " + ctx.T("mon_drill_only") + " " + DimLabel(ctx, drill.filter->dim) + ": " +
             monui::KeyLabel(ctx, monitor::Name(drill.filter->dim), drill.filter->key);
  }
  d.set("title", title);
  d.set("caption", title);
  d.set("id", "drill");
  return d;
}

views::Data Section(const Ctx& ctx, const std::string& id, const views::Data& stats,
                    const views::Data& figures) {
  views::Data sec;
  sec.set("sid", id);
  sec.set("title", ctx.T("mon_section_" + id));
  sec.set("intro", ctx.T("mon_section_" + id + "_intro"));
  sec.set("has_stats", !stats.is_empty_list());
  sec.set("stats", stats);
  sec.set("figures", figures);
  return sec;
}

// The dashboard's sections, each a list of statistics and figures.
// The pulse survey beside the reports the meldpunt registered: an estimate of
// under-reporting (norm/monitoring.h counts, suppressed like the rest).
views::Data PulseSection(const Ctx& ctx, const monitor::Dashboard& d,
                         const monitor::PulseFigures& p, const monitor::InternshipFigures* in) {
  views::Data stats{views::Data::type::list};
  auto fact = [&](const std::string& label, const std::string& value) {
    views::Data f;
    f.set("label", label);
    f.set("value", value);
    stats.push_back(f);
  };
  fact(ctx.T("mon_reports_total"), monui::CountText(ctx, d.reports.count, d.reports.suppression));
  fact(ctx.T("mon_pulse_responses"),
       monui::CountText(ctx, p.experienced.total.count, p.experienced.total.suppression));
  std::optional<double> pct = monui::UnreportedPercent(p);
  fact(ctx.T("mon_pulse_unreported"), pct ? monui::Decimal(ctx, pct) + "%" : ctx.T("mon_too_few"));
  views::Data figures{views::Data::type::list};
  figures.push_back(monui::FigureData(ctx, {"experienced", p.experienced}));
  figures.push_back(monui::FigureData(ctx, {"reported", p.reported}));
  // Every internship counts, whether a round made it or the school's BPV
  // agreements brought it in: how many ran, and how many had the norm read.
  if (in) {
    fact(ctx.T("mon_internships"),
         monui::CountText(ctx, in->source.total.count, in->source.total.suppression));
    std::optional<double> read = in->ReadPercent();
    fact(ctx.T("mon_norm_read_share"),
         read ? monui::Decimal(ctx, read) + "%" : ctx.T("mon_too_few"));
    figures.push_back(monui::FigureData(ctx, {"internship_source", in->source}));
    figures.push_back(monui::FigureData(ctx, {"norm_read", in->norm_read}));
  }
  views::Data sec;
  sec.set("sid", "pulse");
  sec.set("title", ctx.T("mon_pulse_title"));
  sec.set("intro", ctx.T("mon_pulse_intro"));
  sec.set("has_stats", true);
  sec.set("stats", stats);
  sec.set("figures", figures);
  return sec;
}

views::Data Sections(const Ctx& ctx, const monitor::Dashboard& d, const Drill* drill,
                     const monitor::PulseFigures* pulse, const monitor::InternshipFigures* in) {
  views::Data sections{views::Data::type::list};
  if (drill) {
    views::Data figures{views::Data::type::list};
    figures.push_back(DrillData(ctx, *drill));
    sections.push_back(Section(ctx, "drill", views::Data{views::Data::type::list}, figures));
  }
  std::vector<monitor::Figure> reports;
  for (const monitor::Figure& f : d.breakdowns) {
    if (f.id != "outcome" && f.id != "status") reports.push_back(f);
  }
  sections.push_back(
      Section(ctx, "reports", views::Data{views::Data::type::list}, Figures(ctx, reports)));
  std::string days = " " + ctx.T("mon_days");
  views::Data stats{views::Data::type::list};
  stats.push_back(Stat(ctx, ctx.T("mon_first_contact_median"), d.first_contact_median, days));
  stats.push_back(Stat(ctx, ctx.T("mon_first_contact_p90"), d.first_contact_p90, days));
  stats.push_back(Stat(ctx, ctx.T("mon_closure_median"), d.closure_median, days));
  stats.push_back(Stat(ctx, ctx.T("mon_closure_p90"), d.closure_p90, days));
  for (const auto& [key, s] : d.survey)
    stats.push_back(Stat(ctx, ctx.T("mon_survey_" + key), s, " / 5"));
  views::Data handling = Figures(ctx, d.handling);
  for (const monitor::Figure& f : d.breakdowns) {
    if (f.id == "status" || f.id == "outcome") handling.push_back(monui::FigureData(ctx, f));
  }
  sections.push_back(Section(ctx, "handling", stats, handling));
  views::Data mstats{views::Data::type::list};
  views::Data rounds;
  rounds.set("label", ctx.T("mon_rounds"));
  rounds.set("value", std::to_string(d.rounds));
  mstats.push_back(rounds);
  mstats.push_back(Stat(ctx, ctx.T("mon_placement_median"), d.placement_days_median, days));
  mstats.push_back(Stat(ctx, ctx.T("mon_placement_p90"), d.placement_days_p90, days));
  sections.push_back(Section(ctx, "matching", mstats, Figures(ctx, d.matching)));
  if (pulse) sections.push_back(PulseSection(ctx, d, *pulse, in));
  return sections;
}

web::Response Page(Ctx& ctx, const monitor::Period& period, const monitor::Dashboard* d,
                   std::vector<views::FieldError> errors, int status, const Drill* drill = nullptr,
                   const monitor::PulseFigures* pulse = nullptr,
                   const monitor::InternshipFigures* in = nullptr) {
  views::Page page = ctx.MakePage(ctx.T("mon_title"));
  page.errors = std::move(errors);
  views::Data body;
  body.set("period_label", monui::PeriodLabel(ctx, period));
  body.set("period", period.key);
  body.set("periods", monui::PeriodOptions(ctx, period, false));
  std::string by = ctx.req.QueryParam("by").value_or("");
  std::string filter = ctx.req.QueryParam("filter").value_or("");
  body.set("dimensions", DimensionOptions(ctx, by.empty() ? "phase" : by));
  body.set("filters", FilterOptions(ctx, d, filter));
  SetIfPresent(body, "periode_error", views::ErrorFor(page.errors, "periode"));
  SetIfPresent(body, "by_error", views::ErrorFor(page.errors, "by"));
  SetIfPresent(body, "filter_error", views::ErrorFor(page.errors, "filter"));
  body.set("report_href", "/monitor/rapport?jaar=" + monitor::SchoolYearOf(period.from).key);
  if (d) {
    body.set("has_numbers", true);
    body.set("reports", monui::CountText(ctx, d->reports.count, d->reports.suppression));
    body.set("withdrawn", monui::CountText(ctx, d->withdrawn.count, d->withdrawn.suppression));
    body.set("sections", Sections(ctx, *d, drill, pulse, in));
  }
  return ctx.Render("monitor_dashboard", page, body, status);
}

std::string ErrorText(const Ctx& ctx, const Status& s) {
  if (monitor::IsTooFewForDrillDown(s)) return ctx.T("mon_err_too_few");
  if (s.field() == "periode") return ctx.T("mon_err_period");
  if (s.field() == "by") return ctx.T("mon_err_by");
  return ctx.T("mon_err_filter");
}

web::Response Dashboard(Ctx& ctx) {
  if (!monui::MaySee(ctx)) return ctx.ErrorPage(403);
  // The period rule of the statistics API too: a fixed period, published
  // through the last finished month (monitor/period.h).
  domain::Date today = domain::DateFromMillis(ctx.app.clock().NowMillis());
  monitor::Period fallback = *monitor::Publishable(monitor::DefaultPeriod(today), today);
  std::string key = ctx.req.QueryParam("periode").value_or(fallback.key);
  auto parsed = monitor::ParsePeriod(key);
  if (!parsed.ok()) {
    return Page(ctx, fallback, nullptr, {{"periode", ctx.T("mon_err_period")}}, 400);
  }
  auto period = monitor::Publishable(*parsed, today);
  if (!period.ok()) {
    return Page(ctx, fallback, nullptr, {{"periode", ctx.T("mon_err_period_unfinished")}}, 400);
  }
  // The drill-down is checked whole before anything is counted or shown.
  auto by_text = ctx.req.QueryParam("by");
  auto filter_text = ctx.req.QueryParam("filter");
  std::optional<Dimension> by;
  std::optional<monitor::Filter> filter;
  if (by_text || filter_text) {
    by = monitor::ParseDimension(by_text.value_or(""));
    if (!by) return Page(ctx, *period, nullptr, {{"by", ctx.T("mon_err_by")}}, 400);
    if (filter_text && !filter_text->empty()) {
      filter = monitor::ParseFilter(*filter_text);
      if (!filter) return Page(ctx, *period, nullptr, {{"filter", ctx.T("mon_err_filter")}}, 400);
    }
  }
  monitor::Monitor m(ctx.app.db(), ctx.app.clock());
  std::optional<Drill> drill;
  if (by) {
    auto t = m.Table(ctx.user().school_id, *period, *by, filter);
    if (!t.ok()) {
      if (t.status().code() == common::StatusCode::kUnavailable) return ctx.ErrorPage(503);
      int code = monitor::IsTooFewForDrillDown(t.status()) ? 409 : 400;
      std::string field = t.status().field().empty() ? "filter" : t.status().field();
      return Page(ctx, *period, nullptr, {{field, ErrorText(ctx, t.status())}}, code);
    }
    drill = Drill{*by, filter, *t};
  }
  auto d = m.SchoolDashboard(ctx.user().school_id, *period);
  if (!d.ok()) return ctx.ErrorPage(HttpStatusFor(d.status()));
  (void)ctx.app.audit().Append(ctx.app.db(),
                               AuditEntry(ctx, "monitor.read", "school", ctx.user().school_id));
  auto pulse = monui::ReadPulse(ctx, *period);
  if (!pulse.ok()) return ctx.ErrorPage(HttpStatusFor(pulse.status()));
  auto internships = monui::ReadInternships(ctx, *period);
  if (!internships.ok()) return ctx.ErrorPage(HttpStatusFor(internships.status()));
  return Page(ctx, *period, &*d, {}, 200, drill ? &*drill : nullptr, &*pulse, &*internships);
}

}  // namespace

void RegisterMonitorRoutes(App& app) {
  app.Route(web::Method::kGet, "/monitor", Access::Need(domain::Permission::kViewAggregates),
            Dashboard);
}

}  // namespace app
