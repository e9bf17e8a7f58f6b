// Shared by the monitor's pages (monitor_routes.cc, monitor_report_routes.cc):
// labels for the monitor's keys, numbers as published ("<5" or hidden), and a
// figure as a table with an accessible SVG bar chart beside it.
#pragma once

#include <string>

#include "app/app.h"
#include "monitor/aggregate.h"
#include "monitor/report.h"

namespace app::monui {

bool English(const Ctx& ctx);
// A key of a figure in words ("origin" in "ground" -> "Afkomst").
std::string KeyLabel(const Ctx& ctx, std::string_view figure, const std::string& key);
// A published count: the number, "<5", or the word for hidden.
std::string CountText(const Ctx& ctx, const std::optional<int64_t>& count, monitor::Suppression s);
// One decimal, with a decimal comma in Dutch; "–" when not shown.
std::string Decimal(const Ctx& ctx, const std::optional<double>& v);
std::string IndicatorText(const Ctx& ctx, const monitor::Indicator& i);
// "Schooljaar 2026-2027", with " t/m november 2026" when the period is running.
std::string PeriodLabel(const Ctx& ctx, const monitor::Period& p);
// {id, title, intro, caption, rows, total, chart} for monitor_figure in templates.
views::Data FigureData(const Ctx& ctx, const monitor::Figure& f);
// The period menu, `current` selected.
views::Data PeriodOptions(const Ctx& ctx, const monitor::Period& current, bool school_years_only);
// The pulse survey of the period (norm/monitoring.h), suppressed.
common::StatusOr<monitor::PulseFigures> ReadPulse(Ctx& ctx, const monitor::Period& p);
// "experienced, not reported" as a share of "experienced", when both are shown.
std::optional<double> UnreportedPercent(const monitor::PulseFigures& p);
// The period's internships from both sources (rounds and BPV agreements) and
// their norm reading (norm/monitoring.h), suppressed (monitor/report.h).
common::StatusOr<monitor::InternshipFigures> ReadInternships(Ctx& ctx, const monitor::Period& p);
// Who may see the school's monitor, on its pages and through the statistics
// API alike: management and meldpunt leads (domain::MaySeeMonitor).
bool MaySee(const Ctx& ctx);

}  // namespace app::monui
