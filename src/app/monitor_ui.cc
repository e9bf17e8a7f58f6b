#include "app/monitor_ui.h"

#include <algorithm>
#include <cstdio>

#include "norm/monitoring.h"

namespace app::monui {

namespace {

constexpr std::string_view kDomainLabelled[] = {"ground", "phase", "status", "outcome"};

}  // namespace

bool English(const Ctx& ctx) { return ctx.locale == views::Locale::kEn; }

std::string KeyLabel(const Ctx& ctx, std::string_view figure, const std::string& key) {
  if (key == "unknown") return ctx.T("mon_unknown");
  for (std::string_view f : kDomainLabelled) {
    if (f == figure) return ctx.T(std::string(figure) + "_" + key);
  }
  if (figure == "referrals") return ctx.T("action_referral_" + key);
  // Short words for a chart; the report form explains each one at length.
  if (figure == "actor") return ctx.T("mon_actor_" + key);
  if (figure == "month" && key.size() == 7)
    return ctx.T("mon_month_" + key.substr(5, 2)) + " " + key.substr(0, 4);
  if (figure == "level") return ctx.T("mon_level") + " " + key;
  if ((figure == "crebo" || figure == "sector" || figure == "location") && key == monitor::kOther)
    return ctx.T("mon_other");
  if (figure == "crebo" || figure == "sector" || figure == "location" || figure == "pathway")
    return key;
  return ctx.T("mon_key_" + key);
}

std::string CountText(const Ctx& ctx, const std::optional<int64_t>& count, monitor::Suppression s) {
  if (s == monitor::Suppression::kPrimary) return "<" + std::to_string(monitor::kMinCellCount);
  if (s == monitor::Suppression::kSecondary || !count) return ctx.T("mon_hidden");
  return std::to_string(*count);
}

std::string Decimal(const Ctx& ctx, const std::optional<double>& v) {
  if (!v) return "–";
  char buf[32];
  (void)std::snprintf(buf, sizeof buf, "%.1f", *v);
  std::string out = buf;
  if (!English(ctx)) std::replace(out.begin(), out.end(), '.', ',');
  return out;
}

std::string IndicatorText(const Ctx& ctx, const monitor::Indicator& i) {
  if (!i.value) return "–";
  switch (i.kind) {
    case monitor::IndicatorKind::kCount:
      return std::to_string(static_cast<int64_t>(*i.value));
    case monitor::IndicatorKind::kPercent:
      return Decimal(ctx, i.value) + "%";
    case monitor::IndicatorKind::kDays:
      return Decimal(ctx, i.value) + " " + ctx.T("mon_days");
  }
  return "–";
}

std::string PeriodLabel(const Ctx& ctx, const monitor::Period& p) {
  std::string label = p.key;
  switch (p.kind) {
    case monitor::PeriodKind::kSchoolYear:
      label = ctx.T("mon_school_year") + " " + p.key;
      break;
    case monitor::PeriodKind::kQuarter:
      label = ctx.T("mon_quarter") + " " + p.key.substr(6) + " " + p.key.substr(0, 4);
      break;
    case monitor::PeriodKind::kMonth:
      label = KeyLabel(ctx, "month", p.key);
      break;
  }
  // A running period is published through its last finished month.
  if (p.running)
    label += " " + ctx.T("mon_through") + " " +
             KeyLabel(ctx, "month", domain::FormatDate(p.to).substr(0, 7));
  return label;
}

views::Data FigureData(const Ctx& ctx, const monitor::Figure& f) {
  // A horizontal bar chart in fixed SVG units; the table beside it holds the
  // same numbers for screen readers, so the SVG is hidden from them.
  constexpr int kLabelWidth = 130, kBarWidth = 140, kRow = 26;
  int64_t max = 1;
  for (const monitor::PublishedCell& c : f.table.cells) max = std::max(max, c.count.value_or(0));
  views::Data rows{views::Data::type::list};
  views::Data bars{views::Data::type::list};
  int y = 0;
  for (const monitor::PublishedCell& c : f.table.cells) {
    std::string label = KeyLabel(ctx, f.id, c.key);
    std::string text = CountText(ctx, c.count, c.suppression);
    views::Data row;
    row.set("label", label);
    row.set("count", text);
    row.set("suppressed", c.suppressed());
    rows.push_back(row);
    views::Data bar;
    int width = c.count ? static_cast<int>(*c.count * kBarWidth / max) : 0;
    bar.set("label", label.size() > 18 ? label.substr(0, 17) + "…" : label);
    bar.set("y", std::to_string(y + 4));
    bar.set("text_y", std::to_string(y + 18));
    bar.set("x", std::to_string(kLabelWidth));
    bar.set("width", std::to_string(std::max(width, c.count && *c.count > 0 ? 2 : 0)));
    bar.set("count_x", std::to_string(kLabelWidth + width + 6));
    bar.set("count", text);
    bars.push_back(bar);
    y += kRow;
  }
  views::Data d;
  d.set("id", f.id);
  d.set("title", ctx.T("mon_fig_" + f.id));
  d.set("caption", ctx.T("mon_fig_" + f.id) + " (" + ctx.T("mon_caption_counts") + ")");
  d.set("rows", rows);
  d.set("total", CountText(ctx, f.table.total.count, f.table.total.suppression));
  views::Data chart;
  chart.set("bars", bars);
  chart.set("height", std::to_string(std::max(y, kRow)));
  d.set("chart", chart);
  return d;
}

views::Data PeriodOptions(const Ctx& ctx, const monitor::Period& current, bool school_years_only) {
  views::Data list{views::Data::type::list};
  domain::Date today = domain::DateFromMillis(ctx.app.clock().NowMillis());
  bool found = false;
  for (const monitor::Period& p : monitor::RecentPeriods(today)) {
    if (school_years_only && p.kind != monitor::PeriodKind::kSchoolYear) continue;
    views::Data o;
    o.set("value", p.key);
    auto published = monitor::Publishable(p, today);
    o.set("label", PeriodLabel(ctx, published.ok() ? *published : p));
    o.set("selected", p.key == current.key);
    found = found || p.key == current.key;
    list.push_back(o);
  }
  if (!found) {
    views::Data o;
    o.set("value", current.key);
    o.set("label", PeriodLabel(ctx, current));
    o.set("selected", true);
    list.push_back(o);
  }
  return list;
}

common::StatusOr<monitor::PulseFigures> ReadPulse(Ctx& ctx, const monitor::Period& p) {
  norm::PulseSummary sum;
  common::Status s = ctx.app.db().Read([&](db::Connection& c) -> common::Status {
    SP_ASSIGN_OR_RETURN(sum, norm::PulseFor(c, ctx.user().school_id, p.from, p.to));
    return common::Status::Ok();
  });
  if (!s.ok()) return s;
  return monitor::PublishPulse(sum.responses, sum.experienced, sum.reported);
}

common::StatusOr<monitor::InternshipFigures> ReadInternships(Ctx& ctx,
                                                             const monitor::Period& p) {
  norm::InternshipSummary sum;
  common::Status s = ctx.app.db().Read([&](db::Connection& c) -> common::Status {
    SP_ASSIGN_OR_RETURN(sum, norm::InternshipsFor(c, ctx.user().school_id, p.from, p.to));
    return common::Status::Ok();
  });
  if (!s.ok()) return s;
  return monitor::PublishInternships(sum.from_rounds, sum.from_bpv, sum.norm_read);
}

std::optional<double> UnreportedPercent(const monitor::PulseFigures& p) {
  auto not_reported = monitor::CellValue(p.reported, "not_reported");
  auto experienced = p.reported.total.count;
  for (const monitor::PublishedCell& c : p.reported.cells) {
    if (c.suppressed()) return std::nullopt;
  }
  if (!not_reported || !experienced || *experienced == 0) return std::nullopt;
  return 100.0 * static_cast<double>(*not_reported) / static_cast<double>(*experienced);
}

bool MaySee(const Ctx& ctx) {
  domain::Role role = ctx.user().role;
  // Staff() reads the handler's lead flag: only asked of handlers.
  return domain::MaySeeMonitor(role, role == domain::Role::kMeldpuntHandler && ctx.Staff().lead);
}

}  // namespace app::monui
