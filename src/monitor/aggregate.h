// File: monitor/aggregate.h
//
// The monitor's figures as pure functions: the service reads non-content
// facts per report and per placement group (no narrative, no identity, no
// sealed column), and these turn them into published tables in which every
// number has passed disclosure control (disclosure.h):
//
//   * every breakdown is a table with its total, suppressed as a whole;
//   * a share (deadline met, nazorg completed) is a two-cell table, so its
//     percentage is shown only when both parts are;
//   * a median is shown over at least k values, a p90 over at least 2k (with
//     fewer than 10 values the nearest-rank p90 is the largest value, which is
//     one person's own number);
//   * a mean survey score is shown over at least k answers.
//
//   SP_ASSIGN_OR_RETURN(monitor::Dashboard d, monitor::BuildDashboard(period, facts, matching));
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "monitor/disclosure.h"
#include "monitor/period.h"

namespace monitor {

// One report, categorical fields only. Empty text means "not recorded".
struct CaseFacts {
  std::string phase;
  std::vector<std::string> grounds;  // "not_sure" is a ground value of its own
  std::vector<std::string> actors;   // who did it; empty: not given ("unknown")
  std::string status;
  std::string month;  // "YYYY-MM" received
  std::string crebo, pathway, level, location, sector;
  std::string outcome;                          // closed cases only
  std::optional<double> days_to_first_contact;  // when contacted
  std::optional<double> days_to_closure;        // when closed
  std::optional<bool> first_contact_on_time;    // empty: not due yet, no contact
  std::optional<bool> feedback_on_time;         // empty: not due yet, no feedback
  std::optional<bool> aftercare_done;           // empty: no nazorg planned
  std::vector<std::string> referrals;           // destinations (sbb, adv, job, crm)
  std::optional<int> survey_heard, survey_believed, survey_know_outcome;
};

// The key that location, crebo and sector values held by fewer than k
// reports of a period are counted under ("overig"). A free or rare value is
// a few people, and a shown "<5" next to its name still names them.
inline constexpr std::string_view kOther = "other";
// `facts` with every location, crebo and sector value that fewer than `k` of
// them hold replaced by kOther. Breakdown, DrillDown and BuildDashboard fold
// first, so every table (and every drill-down filter) sees folded values.
std::vector<CaseFacts> FoldRareCategories(std::vector<CaseFacts> facts, int64_t k = kMinCellCount);

// The stagematching of rounds that start in the period, already counted.
struct MatchingFacts {
  int64_t rounds = 0;
  int64_t students = 0;                   // in a run's proposal
  std::map<int, int64_t> placed_by_rank;  // rank 1.. ; 0 = not on the student's list
  int64_t refusals = 0, breakdowns = 0;
  std::vector<std::pair<int64_t, int64_t>> days_to_placement;  // (days, students)
  std::map<std::string, int64_t> excluded_companies;           // reason -> companies
};

enum class Dimension {
  kGround,
  kActor,  // who did it: several per report, like grounds
  kPhase,
  kStatus,
  kMonth,
  kCrebo,
  kSector,
  kPathway,
  kLevel,
  kLocation,
  kOutcome
};
std::optional<Dimension> ParseDimension(std::string_view name);
std::string_view Name(Dimension d);
const std::vector<Dimension>& AllDimensions();

// A number such as a median: `value` is empty when it may not be shown.
struct PublishedStat {
  std::optional<double> value;
  int64_t n = 0;
};
PublishedStat Median(std::vector<double> values, int64_t k = kMinCellCount);
PublishedStat P90(std::vector<double> values, int64_t k = kMinCellCount);
PublishedStat Mean(const std::vector<double>& values, int64_t k = kMinCellCount);

struct Figure {
  std::string id;  // "ground", "first_contact_deadline", ...
  PublishedTable table;
};

struct Dashboard {
  Period period;
  PublishedCount reports;  // reports received in the period (withdrawn ones not)
  // Reports received in the period that their reporter withdrew: never part
  // of `reports` or any table, "<5" below k, zero included (WithdrawnCount).
  PublishedCount withdrawn{std::nullopt, Suppression::kPrimary};
  std::vector<Figure> breakdowns;  // one per Dimension, in AllDimensions() order
  // Handling.
  PublishedStat first_contact_median, first_contact_p90, closure_median, closure_p90;  // days
  std::vector<Figure> handling;                               // deadlines, nazorg, referrals
  std::vector<std::pair<std::string, PublishedStat>> survey;  // heard, believed, know_outcome
  // Stagematching.
  int64_t rounds = 0;            // rounds are not people: shown as they are
  std::vector<Figure> matching;  // ranks, ends, exclusions
  PublishedStat placement_days_median, placement_days_p90;
};

// One report table by `dim` over `facts`. `filter`, when set, first keeps the
// reports that have that key in that dimension (a drill-down); a population
// below k is refused with CheckDrillDown (field "filter").
common::StatusOr<PublishedTable> Breakdown(const std::vector<CaseFacts>& facts, Dimension dim,
                                           const Period& period);
struct Filter {
  Dimension dim;
  std::string key;
};
std::optional<Filter> ParseFilter(std::string_view text);  // "ground:origin"
common::StatusOr<PublishedTable> DrillDown(const std::vector<CaseFacts>& facts, Dimension dim,
                                           const Filter& filter, const Period& period);

// The published "withdrawn" figure: the count when it is at least k, else
// "<5" (zero too, as in every table). It is a number of its own: withdrawn
// reports are in no other figure or total, so no subtraction of published
// numbers yields it, and it yields nothing about the remaining reports.
PublishedCount WithdrawnCount(int64_t withdrawn, int64_t k = kMinCellCount);

common::StatusOr<Dashboard> BuildDashboard(const Period& period,
                                           const std::vector<CaseFacts>& facts,
                                           const MatchingFacts& matching);

// A cell's value when published, for indicators and sums.
std::optional<int64_t> CellValue(const PublishedTable& t, std::string_view key);
const Figure* FindFigure(const std::vector<Figure>& figures, std::string_view id);

}  // namespace monitor
