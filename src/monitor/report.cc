#include "monitor/report.h"

#include <algorithm>
#include <cmath>

#include "domain/meldpunt.h"

namespace monitor {

namespace {

std::optional<double> AsValue(std::optional<int64_t> v) {
  if (!v) return std::nullopt;
  return static_cast<double>(*v);
}

// yes / (yes + no) when both parts of the two-cell table are shown.
std::optional<double> Percent(const std::vector<Figure>& figures, std::string_view id,
                              std::string_view yes_key) {
  const Figure* f = FindFigure(figures, id);
  if (!f || f->table.cells.size() != 2) return std::nullopt;
  auto yes = CellValue(f->table, yes_key);
  auto total = f->table.total.count;
  for (const PublishedCell& c : f->table.cells) {
    if (c.suppressed()) return std::nullopt;
  }
  if (!yes || !total || *total == 0) return std::nullopt;
  return 100.0 * static_cast<double>(*yes) / static_cast<double>(*total);
}

std::optional<int64_t> FigureCell(const std::vector<Figure>& figures, std::string_view id,
                                  std::string_view key) {
  const Figure* f = FindFigure(figures, id);
  return f ? CellValue(f->table, key) : std::nullopt;
}

}  // namespace

std::vector<Indicator> Indicators(const Dashboard& d) {
  using K = IndicatorKind;
  std::vector<Indicator> out;
  out.push_back({"reports", K::kCount, AsValue(d.reports.count)});
  out.push_back(
      {"reports_search", K::kCount, AsValue(FigureCell(d.breakdowns, "phase", "search"))});
  out.push_back(
      {"reports_internship", K::kCount, AsValue(FigureCell(d.breakdowns, "phase", "internship"))});
  // Who did it, and the reports whose reporter was not sure it was
  // discrimination: counts as published in their (suppressed) tables.
  for (auto a : domain::AllActors()) {
    std::string key(domain::Name(a));
    out.push_back({"actor_" + key, K::kCount, AsValue(FigureCell(d.breakdowns, "actor", key))});
  }
  out.push_back(
      {"ground_not_sure", K::kCount,
       AsValue(FigureCell(d.breakdowns, "ground", domain::Name(domain::Ground::kNotSure)))});
  out.push_back({"closed", K::kCount, AsValue(FigureCell(d.breakdowns, "status", "closed"))});
  out.push_back({"first_contact_median", K::kDays, d.first_contact_median.value});
  out.push_back({"first_contact_on_time", K::kPercent,
                 Percent(d.handling, "first_contact_deadline", "on_time")});
  out.push_back(
      {"feedback_on_time", K::kPercent, Percent(d.handling, "feedback_deadline", "on_time")});
  out.push_back({"closure_median", K::kDays, d.closure_median.value});
  out.push_back({"aftercare_done", K::kPercent, Percent(d.handling, "aftercare", "done")});
  out.push_back({"referrals_sbb", K::kCount, AsValue(FigureCell(d.handling, "referrals", "sbb"))});
  out.push_back({"referrals_adv", K::kCount, AsValue(FigureCell(d.handling, "referrals", "adv"))});
  const Figure* ranks = FindFigure(d.matching, "ranks");
  std::optional<int64_t> students = ranks ? ranks->table.total.count : std::nullopt;
  out.push_back({"matching_students", K::kCount, AsValue(students)});
  std::optional<int64_t> unplaced = FigureCell(d.matching, "ranks", "unplaced");
  std::optional<int64_t> placed;
  if (students && unplaced) placed = *students - *unplaced;
  out.push_back({"matching_placed", K::kCount, AsValue(placed)});
  std::optional<double> first;
  auto first_count = FigureCell(d.matching, "ranks", "rank_1");
  if (first_count && placed && *placed > 0)
    first = 100.0 * static_cast<double>(*first_count) / static_cast<double>(*placed);
  out.push_back({"matching_first_choice", K::kPercent, first});
  out.push_back({"placement_days_median", K::kDays, d.placement_days_median.value});
  out.push_back({"refusals", K::kCount, AsValue(FigureCell(d.matching, "ends", "refusal"))});
  out.push_back({"breakdowns", K::kCount, AsValue(FigureCell(d.matching, "ends", "breakdown"))});
  const Figure* excl = FindFigure(d.matching, "exclusions");
  out.push_back(
      {"excluded_companies", K::kCount, AsValue(excl ? excl->table.total.count : std::nullopt)});
  return out;
}

std::string Trend(const Indicator& current, const Indicator& previous) {
  if (!current.value || !previous.value) return "";
  double diff = *current.value - *previous.value;
  if (std::fabs(diff) < 0.05) return "same";
  return diff > 0 ? "up" : "down";
}

PulseFigures PublishPulse(int64_t responses, int64_t experienced, int64_t reported) {
  PulseFigures p;
  auto a = Suppress1D({{"experienced", experienced}, {"not_experienced", responses - experienced}},
                      responses, Coverage::kPartition);
  auto b = Suppress1D({{"reported", reported}, {"not_reported", experienced - reported}},
                      experienced, Coverage::kPartition);
  auto hidden = [](std::vector<std::string> keys) {
    PublishedTable t;
    for (auto& k : keys) t.cells.push_back({std::move(k), std::nullopt, Suppression::kSecondary});
    t.total = {std::nullopt, Suppression::kSecondary};
    return t;
  };
  p.experienced = a.ok() ? *a : hidden({"experienced", "not_experienced"});
  p.reported = b.ok() ? *b : hidden({"reported", "not_reported"});
  // The second table's total is the first table's "experienced" cell: when
  // that is hidden, the parts of the second would add up to it, so they go too.
  if (!p.experienced.cells[0].count) p.reported = hidden({"reported", "not_reported"});
  return p;
}

InternshipFigures PublishInternships(int64_t from_rounds, int64_t from_bpv, int64_t norm_read) {
  const int64_t total = from_rounds + from_bpv;
  auto hidden = [](std::vector<std::string> keys) {
    PublishedTable t;
    for (auto& k : keys) t.cells.push_back({std::move(k), std::nullopt, Suppression::kSecondary});
    t.total = {std::nullopt, Suppression::kSecondary};
    return t;
  };
  InternshipFigures f;
  auto a = Suppress1D({{"round", from_rounds}, {"bpv", from_bpv}}, total, Coverage::kPartition);
  auto b = Suppress1D({{"norm_read", norm_read}, {"norm_not_read", total - norm_read}}, total,
                      Coverage::kPartition);
  f.source = a.ok() ? *a : hidden({"round", "bpv"});
  f.norm_read = b.ok() ? *b : hidden({"norm_read", "norm_not_read"});
  return f;
}

std::optional<double> InternshipFigures::ReadPercent() const {
  std::optional<int64_t> read, total = norm_read.total.count;
  for (const PublishedCell& c : norm_read.cells) {
    if (c.suppressed()) return std::nullopt;
    if (c.key == "norm_read") read = c.count;
  }
  if (!read || !total || *total == 0) return std::nullopt;
  return 100.0 * static_cast<double>(*read) / static_cast<double>(*total);
}

std::vector<GroupIndicator> SumIndicators(const std::vector<std::vector<Indicator>>& schools) {
  std::vector<GroupIndicator> out;
  for (const std::vector<Indicator>& school : schools) {
    for (const Indicator& i : school) {
      if (i.kind != IndicatorKind::kCount) continue;
      auto it = std::find_if(out.begin(), out.end(),
                             [&](const GroupIndicator& g) { return g.id == i.id; });
      if (it == out.end()) {
        out.push_back({i.id, i.kind, 0, 0, 0});
        it = out.end() - 1;
      }
      if (i.value) {
        it->sum += static_cast<int64_t>(std::llround(*i.value));
        ++it->schools_shown;
      } else {
        ++it->schools_hidden;
      }
    }
  }
  return out;
}

}  // namespace monitor
