// Property tests for the monitor's figures: for random data sets, every
// number a dashboard publishes is at least k or suppressed, a published
// number is the true one, no partition table leaves a lone hidden cell that
// its total gives away, medians and p90s need enough cases, and drill-downs
// below k are refused. (Recovery by the sum relations of a single table is
// checked exhaustively in disclosure_test.cc.)
#include "monitor/aggregate.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "monitor/report.h"

namespace monitor {
namespace {

const Period& Year() {
  static const Period p = *ParsePeriod("2025-2026");
  return p;
}

CaseFacts RandomCase(std::mt19937_64& rng) {
  auto pick = [&](std::vector<std::string> options) {
    return options[std::uniform_int_distribution<size_t>(0, options.size() - 1)(rng)];
  };
  auto chance = [&](double p) { return std::bernoulli_distribution(p)(rng); };
  CaseFacts f;
  f.phase = pick({"search", "internship"});
  f.grounds = {pick({"origin", "religion", "gender", "disability", "age"})};
  if (chance(0.3)) f.grounds.push_back("skin_colour");
  if (chance(0.15)) f.grounds.push_back("not_sure");
  // Who did it: none (not given), one, or several.
  for (const char* a : {"company", "colleague", "client", "school", "other"}) {
    if (chance(a == std::string("company") ? 0.6 : 0.15)) f.actors.push_back(a);
  }
  f.status = pick({"received", "intake", "in_progress", "aftercare", "closed"});
  f.month = pick(MonthsOf(Year()));
  f.crebo = pick({"25655", "25998", "", "23183"});
  f.pathway = pick({"BOL", "BBL", ""});
  f.level = pick({"1", "2", "3", "4", ""});
  f.location = pick({"Utrecht", "Zeist", ""});
  f.sector = pick({"zorg", "techniek", "", "handel"});
  if (f.status == "closed") {
    f.outcome = pick({"resolved_with_company", "new_placement", "referred"});
    f.days_to_closure = std::uniform_real_distribution<double>(1, 90)(rng);
  }
  if (chance(0.8)) f.days_to_first_contact = std::uniform_real_distribution<double>(0, 6)(rng);
  if (chance(0.9)) f.first_contact_on_time = chance(0.8);
  if (chance(0.5)) f.aftercare_done = chance(0.6);
  if (chance(0.2)) f.referrals.push_back(pick({"sbb", "adv", "job"}));
  if (chance(0.3)) f.survey_heard = static_cast<int>(std::uniform_int_distribution<int>(1, 5)(rng));
  return f;
}

MatchingFacts RandomMatching(std::mt19937_64& rng) {
  MatchingFacts m;
  auto n = [&](int hi) { return std::uniform_int_distribution<int64_t>(0, hi)(rng); };
  m.rounds = n(3);
  for (int rank = 0; rank <= 6; ++rank) m.placed_by_rank[rank] = n(rank == 1 ? 40 : 6);
  int64_t placed = 0;
  for (auto& [r, c] : m.placed_by_rank) placed += c;
  m.students = placed + n(8);
  m.refusals = std::min(placed, n(6));
  m.breakdowns = std::min(placed - m.refusals, n(6));
  m.days_to_placement = {{14, placed}};
  m.excluded_companies = {{"paused", n(6)}, {"norm_not_accepted", n(9)}};
  m.excluded_companies[""] =
      m.excluded_companies["paused"] + m.excluded_companies["norm_not_accepted"];
  return m;
}

void ExpectSafe(const PublishedTable& t, const std::string& what) {
  int hidden = 0;
  for (const PublishedCell& c : t.cells) {
    if (c.suppressed()) {
      EXPECT_FALSE(c.count.has_value()) << what << " " << c.key;
      ++hidden;
    } else {
      ASSERT_TRUE(c.count.has_value()) << what << " " << c.key;
      EXPECT_GE(*c.count, kMinCellCount) << what << " " << c.key;
    }
  }
  if (t.total.count) {
    EXPECT_GE(*t.total.count, kMinCellCount) << what;
  }
  // Overlapping tables (grounds, referrals, exclusions) do not sum to their
  // total; disclosure_test.cc's attacker covers them.
  bool overlapping =
      what == "ground" || what == "actor" || what == "referrals" || what == "exclusions";
  if (!overlapping && t.total.count && hidden > 0) {
    EXPECT_GE(hidden, 2) << what << ": a lone hidden cell is the total minus the others";
  }
}

// The true count of `key` in `dim`, computed independently. A crebo held by
// fewer than k reports counts under "other".
int64_t TrueCount(const std::vector<CaseFacts>& facts, const std::string& dim,
                  const std::string& key) {
  int64_t n = 0;
  if (dim == "crebo" && key == "other") {
    for (const CaseFacts& f : facts) {
      if (!f.crebo.empty() && TrueCount(facts, dim, f.crebo) < kMinCellCount) ++n;
    }
    return n;
  }
  for (const CaseFacts& f : facts) {
    std::string v = dim == "phase"     ? f.phase
                    : dim == "pathway" ? f.pathway
                    : dim == "crebo"   ? f.crebo
                                       : "";
    if (v.empty()) v = "unknown";
    if (dim == "ground") {
      for (const std::string& g : f.grounds) n += g == key;
    } else if (dim == "actor") {
      for (const std::string& a : f.actors) n += a == key;
      n += f.actors.empty() && key == "unknown";
    } else {
      n += v == key;
    }
  }
  return n;
}

TEST(AggregatePropertyTest, EveryPublishedNumberIsSafeAndTrue) {
  std::mt19937_64 rng(20261123);
  for (int run = 0; run < 300; ++run) {
    std::vector<CaseFacts> facts;
    int64_t n = std::uniform_int_distribution<int64_t>(0, run % 3 == 0 ? 12 : 120)(rng);
    for (int64_t i = 0; i < n; ++i) facts.push_back(RandomCase(rng));
    auto d = BuildDashboard(Year(), facts, RandomMatching(rng));
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    for (const auto* group : {&d->breakdowns, &d->handling, &d->matching}) {
      for (const Figure& f : *group) ExpectSafe(f.table, f.id);
    }
    for (const Figure& f : d->breakdowns) {
      if (f.id != "phase" && f.id != "pathway" && f.id != "crebo" && f.id != "ground" &&
          f.id != "actor")
        continue;
      for (const PublishedCell& c : f.table.cells) {
        if (c.count) {
          EXPECT_EQ(*c.count, TrueCount(facts, f.id, c.key)) << f.id << " " << c.key;
        }
      }
    }
    if (d->reports.count) {
      EXPECT_EQ(*d->reports.count, n);
    } else {
      EXPECT_LT(n, kMinCellCount * 2) << "a total is hidden only for small sets here";
    }
    // Indicators are built from published numbers only.
    for (const Indicator& i : Indicators(*d)) {
      if (i.kind == IndicatorKind::kCount && i.value) {
        EXPECT_GE(*i.value, kMinCellCount) << i.id;
      }
    }
  }
}

TEST(AggregateTest, MediansNeedFiveCasesAndP90NeedsTen) {
  std::vector<double> v = {1, 2, 3, 4};
  EXPECT_FALSE(Median(v).value.has_value());
  v.push_back(100);
  ASSERT_TRUE(Median(v).value.has_value());
  EXPECT_EQ(*Median(v).value, 3);
  // With 5..9 values the nearest-rank p90 is the largest value: one person's own time.
  EXPECT_FALSE(P90(v).value.has_value());
  for (double x : {5, 6, 7, 8, 9}) v.push_back(x);
  ASSERT_TRUE(P90(v).value.has_value());
  EXPECT_EQ(*P90(v).value, 9);  // not the largest (100)
  EXPECT_FALSE(Mean({4, 4, 4, 4}).value.has_value());
  EXPECT_DOUBLE_EQ(*Mean({1, 2, 3, 4, 5}).value, 3);
}

TEST(AggregatePropertyTest, StatisticsOverFewCasesAreNeverShown) {
  std::mt19937_64 rng(7);
  for (int run = 0; run < 200; ++run) {
    std::vector<CaseFacts> facts;
    int64_t n = std::uniform_int_distribution<int64_t>(0, 14)(rng);
    for (int64_t i = 0; i < n; ++i) facts.push_back(RandomCase(rng));
    auto d = BuildDashboard(Year(), facts, {});
    ASSERT_TRUE(d.ok());
    for (const PublishedStat* s : {&d->first_contact_median, &d->closure_median}) {
      EXPECT_EQ(s->value.has_value(), s->n >= kMinCellCount);
    }
    for (const PublishedStat* s : {&d->first_contact_p90, &d->closure_p90}) {
      EXPECT_EQ(s->value.has_value(), s->n >= 2 * kMinCellCount);
    }
    for (const auto& [name, s] : d->survey) EXPECT_EQ(s.value.has_value(), s.n >= kMinCellCount);
  }
}

TEST(AggregateTest, DrillDownBelowKIsRefusedBeforeCounting) {
  std::vector<CaseFacts> facts;
  for (int i = 0; i < 20; ++i) {
    CaseFacts f;
    f.phase = i < 4 || i >= 14 ? "search" : "internship";
    f.grounds = {i < 4 ? "religion" : "origin"};
    f.month = "2025-09";
    facts.push_back(f);
  }
  auto small = DrillDown(facts, Dimension::kPhase, *ParseFilter("ground:religion"), Year());
  ASSERT_FALSE(small.ok());
  EXPECT_TRUE(IsTooFewForDrillDown(small.status()));
  EXPECT_EQ(small.status().field(), "filter");
  auto none = DrillDown(facts, Dimension::kPhase, *ParseFilter("ground:age"), Year());
  EXPECT_TRUE(IsTooFewForDrillDown(none.status())) << "zero is refused too";
  auto big = DrillDown(facts, Dimension::kPhase, *ParseFilter("ground:origin"), Year());
  ASSERT_TRUE(big.ok());
  EXPECT_EQ(CellValue(*big, "internship"), 10);
  EXPECT_EQ(CellValue(*big, "search"), 6);
  EXPECT_FALSE(ParseFilter("colour:blue").has_value());
  EXPECT_FALSE(ParseFilter("ground").has_value());
  EXPECT_FALSE(ParseDimension("ethnicity").has_value());
}

TEST(AggregateTest, RareLocationsCrebosAndSectorsFoldIntoOther) {
  // 12 reports from Utrecht, 3 with a typed location that names a student.
  std::vector<CaseFacts> facts;
  for (int i = 0; i < 15; ++i) {
    CaseFacts f;
    f.phase = "search";
    f.grounds = {"origin"};
    f.month = "2025-09";
    f.location = i < 12 ? "Utrecht" : "Amsterdam Klas 3B Fatima Yilmaz";
    f.crebo = i < 6 ? "25655" : i < 10 ? "25998" : "";
    f.sector = i < 2 ? "zorg" : "techniek";
    facts.push_back(f);
  }
  auto location = Breakdown(facts, Dimension::kLocation, Year());
  ASSERT_TRUE(location.ok());
  std::vector<std::string> keys;
  for (const PublishedCell& c : location->cells) keys.push_back(c.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"Utrecht", "other"}));
  EXPECT_EQ(location->cells[1].suppression, Suppression::kPrimary);
  auto crebo = Breakdown(facts, Dimension::kCrebo, Year());
  ASSERT_TRUE(crebo.ok());
  EXPECT_EQ(CellValue(*crebo, "25655"), 6);
  EXPECT_FALSE(CellValue(*crebo, "25998").has_value()) << "4 reports: folded";
  ASSERT_EQ(crebo->cells.size(), 3u);
  EXPECT_EQ(crebo->cells[1].key, "other");
  EXPECT_EQ(crebo->cells[2].key, "unknown");
  auto d = BuildDashboard(Year(), facts, {});
  ASSERT_TRUE(d.ok());
  for (const Figure& f : d->breakdowns) {
    for (const PublishedCell& c : f.table.cells) {
      EXPECT_NE(c.key, "Amsterdam Klas 3B Fatima Yilmaz");
      EXPECT_NE(c.key, "zorg");
    }
  }
  // A folded value is no drill-down filter of its own; "other" is.
  auto named = DrillDown(facts, Dimension::kPhase,
                         *ParseFilter("location:Amsterdam Klas 3B Fatima Yilmaz"), Year());
  EXPECT_TRUE(IsTooFewForDrillDown(named.status()));
  auto sector = DrillDown(facts, Dimension::kPhase, *ParseFilter("sector:other"), Year());
  EXPECT_TRUE(IsTooFewForDrillDown(sector.status())) << "2 reports in other";
  auto tech = DrillDown(facts, Dimension::kLocation, *ParseFilter("sector:techniek"), Year());
  ASSERT_TRUE(tech.ok());
  EXPECT_EQ(tech->total.count, 13);
  EXPECT_EQ(tech->cells.back().key, "other");
}

TEST(ReportTest, GroupSumsOnlyPublishedNumbers) {
  std::vector<std::vector<Indicator>> schools = {
      {{"reports", IndicatorKind::kCount, 12.0},
       {"first_contact_on_time", IndicatorKind::kPercent, 80.0}},
      {{"reports", IndicatorKind::kCount, std::nullopt}},
      {{"reports", IndicatorKind::kCount, 7.0}}};
  auto sum = SumIndicators(schools);
  ASSERT_EQ(sum.size(), 1u) << "percentages are not added up";
  EXPECT_EQ(sum[0].sum, 19);
  EXPECT_EQ(sum[0].schools_hidden, 1);
  EXPECT_EQ(sum[0].schools_shown, 2);
}

TEST(ReportTest, PulseHidesTheSecondTableWithTheFirstsCell) {
  auto p = PublishPulse(40, 3, 1);
  EXPECT_FALSE(p.experienced.cells[0].count.has_value());
  for (const PublishedCell& c : p.reported.cells) EXPECT_FALSE(c.count.has_value());
  auto q = PublishPulse(60, 20, 6);
  EXPECT_EQ(q.experienced.cells[0].count, 20);
  EXPECT_EQ(q.reported.cells[0].count, 6);
  EXPECT_EQ(q.reported.cells[1].count, 14);
  EXPECT_EQ(Trend({"x", IndicatorKind::kCount, 5.0}, {"x", IndicatorKind::kCount, 9.0}), "down");
  EXPECT_EQ(Trend({"x", IndicatorKind::kCount, 5.0}, {"x", IndicatorKind::kCount, std::nullopt}),
            "");
}

// Who did it: several per report like grounds, "not given" always listed
// (so a "<5" there does not tell that someone left it open), small counts
// suppressed; "not sure" is a ground cell of its own.
TEST(AggregateTest, WhoDidItIsAnOverlappingTableWithSmallCountsSuppressed) {
  std::vector<CaseFacts> facts;
  auto add = [&](int n, std::vector<std::string> grounds, std::vector<std::string> actors) {
    for (int i = 0; i < n; ++i) {
      CaseFacts f;
      f.phase = "internship";
      f.status = "received";
      f.month = "2025-09";
      f.grounds = grounds;
      f.actors = actors;
      facts.push_back(f);
    }
  };
  add(10, {"origin"}, {"company"});
  add(6, {"religion"}, {"company", "colleague"});
  add(3, {"not_sure"}, {"client"});
  add(2, {"not_sure", "age"}, {"other"});
  add(1, {"age"}, {});
  add(1, {"origin"}, {"school"});
  auto t = Breakdown(facts, Dimension::kActor, Year());
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  std::vector<std::string> keys;
  for (const PublishedCell& c : t->cells) keys.push_back(c.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"company", "colleague", "client", "school", "other",
                                            "unknown"}));
  EXPECT_EQ(t->total.count, 23);
  EXPECT_EQ(CellValue(*t, "company"), 16);
  for (const char* small : {"client", "school", "other", "unknown"}) {
    EXPECT_FALSE(CellValue(*t, small).has_value()) << small;
  }
  ExpectSafe(*t, "actor");
  // Nobody left it open: "not given" is still listed, as "<5".
  std::vector<CaseFacts> answered(facts.begin(), facts.begin() + 16);
  auto all = Breakdown(answered, Dimension::kActor, Year());
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->cells.back().key, "unknown");
  EXPECT_EQ(all->cells.back().suppression, Suppression::kPrimary);

  auto grounds = Breakdown(facts, Dimension::kGround, Year());
  ASSERT_TRUE(grounds.ok());
  EXPECT_EQ(CellValue(*grounds, "not_sure"), 5);
  EXPECT_EQ(grounds->cells.back().key, "not_sure");

  // A drill-down into a small "who" group is refused before counting.
  auto drill = DrillDown(facts, Dimension::kPhase, *ParseFilter("actor:client"), Year());
  EXPECT_TRUE(IsTooFewForDrillDown(drill.status()));
  EXPECT_TRUE(DrillDown(facts, Dimension::kGround, *ParseFilter("actor:colleague"), Year()).ok());

  // The yearly report's indicators: the published counts, nothing below 5.
  auto d = BuildDashboard(Year(), facts, MatchingFacts{});
  ASSERT_TRUE(d.ok());
  std::map<std::string, std::optional<double>> ind;
  for (const Indicator& i : Indicators(*d)) ind[i.id] = i.value;
  EXPECT_EQ(ind.at("actor_company"), 16.0);
  EXPECT_FALSE(ind.at("actor_client").has_value());
  EXPECT_EQ(ind.at("ground_not_sure"), 5.0);
  EXPECT_EQ(d->reports.count, 23) << "the number of reports is still the phase table's total";
}

// Internships from both sources: each table suppressed on its own, and the
// norm-reading share only from published cells.
TEST(ReportTest, InternshipsCountBothSourcesWithSuppression) {
  auto f = PublishInternships(40, 12, 30);
  EXPECT_EQ(f.source.total.count, 52);
  EXPECT_EQ(f.source.cells[0].key, "round");
  EXPECT_EQ(f.source.cells[0].count, 40);
  EXPECT_EQ(f.source.cells[1].key, "bpv");
  EXPECT_EQ(f.source.cells[1].count, 12);
  EXPECT_EQ(f.norm_read.cells[0].count, 30);
  EXPECT_EQ(f.norm_read.cells[1].count, 22);
  ASSERT_TRUE(f.ReadPercent());
  EXPECT_NEAR(*f.ReadPercent(), 100.0 * 30 / 52, 1e-9);
  // Three BPV internships: below 5, so hidden, and its partner too.
  auto g = PublishInternships(40, 3, 41);
  EXPECT_FALSE(g.source.cells[1].count.has_value());
  EXPECT_FALSE(g.source.cells[0].count.has_value());
  EXPECT_EQ(g.source.total.count, 43);
  // Two internships whose norm was not read: no share is shown.
  EXPECT_FALSE(g.norm_read.cells[1].count.has_value());
  EXPECT_FALSE(g.ReadPercent());
  EXPECT_FALSE(PublishInternships(0, 0, 0).ReadPercent());
}

}  // namespace
}  // namespace monitor
