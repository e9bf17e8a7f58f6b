#include "monitor/aggregate.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "domain/meldpunt.h"

namespace monitor {

namespace {

using common::Status;
using common::StatusOr;

constexpr std::string_view kUnknown = "unknown";

struct DimInfo {
  Dimension dim;
  std::string_view name;
};
constexpr DimInfo kDims[] = {
    {Dimension::kGround, "ground"},   {Dimension::kActor, "actor"},
    {Dimension::kPhase, "phase"},     {Dimension::kStatus, "status"},
    {Dimension::kMonth, "month"},     {Dimension::kCrebo, "crebo"},
    {Dimension::kSector, "sector"},   {Dimension::kPathway, "pathway"},
    {Dimension::kLevel, "level"},     {Dimension::kLocation, "location"},
    {Dimension::kOutcome, "outcome"},
};

std::string OrUnknown(const std::string& v) { return v.empty() ? std::string(kUnknown) : v; }

// The keys a report counts under in `dim` (several for grounds and for who
// did it, none for the outcome of a case still open). A report without an
// answer to "who did it" counts under "unknown", so that every report is in
// at least one cell: the overlapping suppression relies on that.
std::vector<std::string> KeysOf(const CaseFacts& f, Dimension dim) {
  switch (dim) {
    case Dimension::kGround:
      return f.grounds;
    case Dimension::kActor:
      if (f.actors.empty()) return {std::string(kUnknown)};
      return f.actors;
    case Dimension::kPhase:
      return {OrUnknown(f.phase)};
    case Dimension::kStatus:
      return {OrUnknown(f.status)};
    case Dimension::kMonth:
      return {f.month};
    case Dimension::kCrebo:
      return {OrUnknown(f.crebo)};
    case Dimension::kSector:
      return {OrUnknown(f.sector)};
    case Dimension::kPathway:
      return {OrUnknown(f.pathway)};
    case Dimension::kLevel:
      return {OrUnknown(f.level)};
    case Dimension::kLocation:
      return {OrUnknown(f.location)};
    case Dimension::kOutcome:
      if (f.status != "closed") return {};
      return {OrUnknown(f.outcome)};
  }
  return {};
}

// Categories that are always listed, so that an empty one reads "<5" like a
// small one (showing 0 would tell that the others hold someone).
std::vector<std::string> FixedKeys(Dimension dim, const Period& period) {
  std::vector<std::string> out;
  switch (dim) {
    case Dimension::kGround:
      for (auto g : domain::AllGrounds()) out.emplace_back(domain::Name(g));
      break;
    case Dimension::kActor:
      // "Not given" is always listed too: shown only when someone left the
      // question open, it would tell that at least one report did.
      for (auto a : domain::AllActors()) out.emplace_back(domain::Name(a));
      out.emplace_back(kUnknown);
      break;
    case Dimension::kPhase:
      out = {"search", "internship"};
      break;
    case Dimension::kStatus:
      // Withdrawn reports are counted apart (WithdrawnCount), never here.
      for (auto s : domain::AllStatuses()) {
        if (s != domain::CaseStatus::kWithdrawn) out.emplace_back(domain::Name(s));
      }
      break;
    case Dimension::kMonth:
      out = MonthsOf(period);
      break;
    case Dimension::kPathway:
      out = {"BOL", "BBL"};
      break;
    case Dimension::kLevel:
      out = {"1", "2", "3", "4"};
      break;
    case Dimension::kOutcome:
      // "Not a report" cases are left out of every figure (service.cc).
      for (auto o : domain::AllOutcomes()) {
        if (domain::Name(o) != "not_a_report") out.emplace_back(domain::Name(o));
      }
      break;
    default:
      break;
  }
  return out;
}

// Suppress1D; a table with no safe publication is hidden whole rather than
// failing the page.
PublishedTable Publish(const std::vector<Cell>& cells, int64_t total, Coverage coverage) {
  auto t = Suppress1D(cells, total, coverage);
  if (t.ok()) return *t;
  PublishedTable hidden;
  for (const Cell& c : cells)
    hidden.cells.push_back({c.key, std::nullopt, Suppression::kSecondary});
  hidden.total = {std::nullopt, Suppression::kSecondary};
  return hidden;
}

PublishedTable Count(const std::vector<const CaseFacts*>& facts, Dimension dim,
                     const Period& period) {
  std::vector<Cell> cells;
  for (std::string& key : FixedKeys(dim, period)) cells.push_back({std::move(key), 0});
  size_t fixed = cells.size();
  int64_t total = 0;
  for (const CaseFacts* f : facts) {
    std::vector<std::string> keys = KeysOf(*f, dim);
    if (!keys.empty()) ++total;
    for (const std::string& key : keys) {
      auto it =
          std::find_if(cells.begin(), cells.end(), [&](const Cell& c) { return c.key == key; });
      if (it == cells.end()) {
        cells.push_back({key, 1});
      } else {
        ++it->count;
      }
    }
  }
  // Recorded values (crebo, location, sector) in a stable order after the fixed ones.
  // `fixed` is the size cells had before anything was added, so never past the end.
  // cppcheck-suppress containerOutOfBounds
  std::sort(cells.begin() + static_cast<std::ptrdiff_t>(fixed), cells.end(),
            [](const Cell& a, const Cell& b) {
              auto last = [](const std::string& key) {
                return key == kUnknown ? 2 : key == kOther ? 1 : 0;
              };
              if (last(a.key) != last(b.key)) return last(a.key) < last(b.key);
              return a.key < b.key;
            });
  if (cells.empty()) cells.push_back({std::string(kUnknown), 0});
  bool overlapping = dim == Dimension::kGround || dim == Dimension::kActor;
  return Publish(cells, total, overlapping ? Coverage::kOverlapping : Coverage::kPartition);
}

std::vector<const CaseFacts*> All(const std::vector<CaseFacts>& facts) {
  std::vector<const CaseFacts*> out;
  out.reserve(facts.size());
  for (const CaseFacts& f : facts) out.push_back(&f);
  return out;
}

PublishedTable Split(std::string_view yes_key, std::string_view no_key, int64_t yes, int64_t no) {
  return Publish({{std::string(yes_key), yes}, {std::string(no_key), no}}, yes + no,
                 Coverage::kPartition);
}

// Nearest-rank quantile of sorted values.
double Quantile(const std::vector<double>& sorted, double q) {
  size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::max<size_t>(rank, 1) - 1];
}

void AddHandling(const std::vector<CaseFacts>& facts, Dashboard& d) {
  std::vector<double> contact, closure;
  int64_t fc_yes = 0, fc_no = 0, fb_yes = 0, fb_no = 0, ac_yes = 0, ac_no = 0;
  std::map<std::string, int64_t> referrals = {{"sbb", 0}, {"adv", 0}, {"job", 0}, {"crm", 0}};
  std::vector<double> heard, believed, know;
  for (const CaseFacts& f : facts) {
    if (f.days_to_first_contact) contact.push_back(*f.days_to_first_contact);
    if (f.days_to_closure) closure.push_back(*f.days_to_closure);
    if (f.first_contact_on_time) ++(*f.first_contact_on_time ? fc_yes : fc_no);
    if (f.feedback_on_time) ++(*f.feedback_on_time ? fb_yes : fb_no);
    if (f.aftercare_done) ++(*f.aftercare_done ? ac_yes : ac_no);
    for (const std::string& r : f.referrals) ++referrals[r];
    if (f.survey_heard) heard.push_back(*f.survey_heard);
    if (f.survey_believed) believed.push_back(*f.survey_believed);
    if (f.survey_know_outcome) know.push_back(*f.survey_know_outcome);
  }
  d.first_contact_median = Median(contact);
  d.first_contact_p90 = P90(contact);
  d.closure_median = Median(closure);
  d.closure_p90 = P90(std::move(closure));
  d.handling.push_back({"first_contact_deadline", Split("on_time", "late", fc_yes, fc_no)});
  d.handling.push_back({"feedback_deadline", Split("on_time", "late", fb_yes, fb_no)});
  d.handling.push_back({"aftercare", Split("done", "not_done", ac_yes, ac_no)});
  std::vector<Cell> ref;
  ref.reserve(referrals.size());
  for (auto& [k, n] : referrals) ref.push_back({k, n});
  d.handling.push_back(
      {"referrals", Publish(ref, static_cast<int64_t>(facts.size()), Coverage::kOverlapping)});
  d.survey = {{"heard", Mean(heard)}, {"believed", Mean(believed)}, {"know_outcome", Mean(know)}};
}

void AddMatching(const MatchingFacts& m, Dashboard& d) {
  d.rounds = m.rounds;
  auto at = [&](int rank) {
    auto it = m.placed_by_rank.find(rank);
    return it == m.placed_by_rank.end() ? int64_t{0} : it->second;
  };
  int64_t placed = 0, four_plus = 0;
  for (auto& [rank, n] : m.placed_by_rank) {
    placed += n;
    if (rank >= 4) four_plus += n;
  }
  std::vector<Cell> ranks = {
      {"rank_1", at(1)},   {"rank_2", at(2)},
      {"rank_3", at(3)},   {"rank_4plus", four_plus},
      {"off_list", at(0)}, {"unplaced", std::max<int64_t>(m.students - placed, 0)}};
  d.matching.push_back(
      {"ranks", Publish(ranks, std::max(m.students, placed), Coverage::kPartition)});
  int64_t continuing = std::max<int64_t>(placed - m.refusals - m.breakdowns, 0);
  d.matching.push_back(
      {"ends",
       Publish({{"refusal", m.refusals}, {"breakdown", m.breakdowns}, {"continuing", continuing}},
               m.refusals + m.breakdowns + continuing, Coverage::kPartition)});
  std::vector<Cell> excl;
  int64_t most = 0;
  for (const char* reason : {"paused", "sbb_withdrawn", "norm_not_accepted"}) {
    auto it = m.excluded_companies.find(reason);
    int64_t n = it == m.excluded_companies.end() ? 0 : it->second;
    excl.push_back({reason, n});
    most = std::max(most, n);
  }
  auto total = m.excluded_companies.find("");  // distinct companies, set by the service
  d.matching.push_back(
      {"exclusions", Publish(excl, total == m.excluded_companies.end() ? most : total->second,
                             Coverage::kOverlapping)});
  std::vector<double> days;
  for (auto [value, count] : m.days_to_placement) {
    for (int64_t i = 0; i < count; ++i) days.push_back(static_cast<double>(value));
  }
  d.placement_days_median = Median(days);
  d.placement_days_p90 = P90(std::move(days));
}

std::string* FoldedField(CaseFacts& f, Dimension dim) {
  switch (dim) {
    case Dimension::kCrebo:
      return &f.crebo;
    case Dimension::kSector:
      return &f.sector;
    case Dimension::kLocation:
      return &f.location;
    default:
      return nullptr;
  }
}

}  // namespace

std::vector<CaseFacts> FoldRareCategories(std::vector<CaseFacts> facts, int64_t k) {
  for (Dimension dim : {Dimension::kCrebo, Dimension::kSector, Dimension::kLocation}) {
    std::map<std::string, int64_t> count;
    for (CaseFacts& f : facts) ++count[*FoldedField(f, dim)];
    for (CaseFacts& f : facts) {
      std::string& v = *FoldedField(f, dim);
      if (!v.empty() && count[v] < k) v = std::string(kOther);
    }
  }
  return facts;
}

std::optional<Dimension> ParseDimension(std::string_view name) {
  for (const DimInfo& i : kDims) {
    if (i.name == name) return i.dim;
  }
  return std::nullopt;
}

std::string_view Name(Dimension d) {
  for (const DimInfo& i : kDims) {
    if (i.dim == d) return i.name;
  }
  return "";
}

const std::vector<Dimension>& AllDimensions() {
  static const std::vector<Dimension> all = [] {
    std::vector<Dimension> out;
    for (const DimInfo& i : kDims) out.push_back(i.dim);
    return out;
  }();
  return all;
}

PublishedStat Median(std::vector<double> values, int64_t k) {
  PublishedStat s{std::nullopt, static_cast<int64_t>(values.size())};
  if (s.n < k) return s;
  std::sort(values.begin(), values.end());
  s.value = Quantile(values, 0.5);
  return s;
}

PublishedStat P90(std::vector<double> values, int64_t k) {
  PublishedStat s{std::nullopt, static_cast<int64_t>(values.size())};
  if (s.n < 2 * k) return s;
  std::sort(values.begin(), values.end());
  s.value = Quantile(values, 0.9);
  return s;
}

PublishedStat Mean(const std::vector<double>& values, int64_t k) {
  PublishedStat s{std::nullopt, static_cast<int64_t>(values.size())};
  if (s.n < k) return s;
  s.value = std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(s.n);
  return s;
}

common::StatusOr<PublishedTable> Breakdown(const std::vector<CaseFacts>& facts, Dimension dim,
                                           const Period& period) {
  std::vector<CaseFacts> folded = FoldRareCategories(facts);
  return Count(All(folded), dim, period);
}

std::optional<Filter> ParseFilter(std::string_view text) {
  size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon + 1 >= text.size()) return std::nullopt;
  auto dim = ParseDimension(text.substr(0, colon));
  if (!dim) return std::nullopt;
  return Filter{*dim, std::string(text.substr(colon + 1))};
}

common::StatusOr<PublishedTable> DrillDown(const std::vector<CaseFacts>& raw, Dimension dim,
                                           const Filter& filter, const Period& period) {
  if (dim == filter.dim) {
    return Status::InvalidArgument("choose a breakdown other than the filter's", "by");
  }
  // Folded over the whole period first: a rare value is reachable as a
  // filter only as part of "other".
  std::vector<CaseFacts> facts = FoldRareCategories(raw);
  std::vector<const CaseFacts*> kept;
  for (const CaseFacts& f : facts) {
    std::vector<std::string> keys = KeysOf(f, filter.dim);
    if (std::find(keys.begin(), keys.end(), filter.key) != keys.end()) kept.push_back(&f);
  }
  // Refused before anything is counted: a small group is a few people.
  SP_RETURN_IF_ERROR(CheckDrillDown(static_cast<int64_t>(kept.size()), kMinCellCount, "filter"));
  return Count(kept, dim, period);
}

common::StatusOr<Dashboard> BuildDashboard(const Period& period, const std::vector<CaseFacts>& raw,
                                           const MatchingFacts& matching) {
  std::vector<CaseFacts> facts = FoldRareCategories(raw);
  Dashboard d;
  d.period = period;
  std::vector<const CaseFacts*> all = All(facts);
  for (Dimension dim : AllDimensions())
    d.breakdowns.push_back({std::string(Name(dim)), Count(all, dim, period)});
  // The number of reports is the phase table's total, so that two tables
  // never publish the same number differently.
  d.reports = FindFigure(d.breakdowns, "phase")->table.total;
  AddHandling(facts, d);
  AddMatching(matching, d);
  return d;
}

PublishedCount WithdrawnCount(int64_t withdrawn, int64_t k) {
  if (withdrawn < k) return {std::nullopt, Suppression::kPrimary};
  return {withdrawn, Suppression::kNone};
}

std::optional<int64_t> CellValue(const PublishedTable& t, std::string_view key) {
  for (const PublishedCell& c : t.cells) {
    if (c.key == key) return c.count;
  }
  return std::nullopt;
}

const Figure* FindFigure(const std::vector<Figure>& figures, std::string_view id) {
  for (const Figure& f : figures) {
    if (f.id == id) return &f;
  }
  return nullptr;
}

}  // namespace monitor
