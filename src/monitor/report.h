// File: monitor/report.h
//
// The school's yearly report (jaarrapportage stagediscriminatie; the
// school's own, not the minister's national progress report to parliament):
// a fixed list of the indicators the school follows, taken from its
// suppressed dashboard, this school year beside the last, and for a group of schools the sum of
// every school's already suppressed numbers (a school's hidden number is left out and the sum is
// marked "at least"; nothing unsuppressed is ever added up).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "monitor/aggregate.h"

namespace monitor {

enum class IndicatorKind { kCount, kPercent, kDays };

struct Indicator {
  std::string id;  // "reports", "first_contact_on_time", ...
  IndicatorKind kind = IndicatorKind::kCount;
  std::optional<double> value;  // empty: suppressed or no data
};

// The indicators of one dashboard, in report order.
std::vector<Indicator> Indicators(const Dashboard& d);

// "up", "down", "same", or "" when either year is not shown.
std::string Trend(const Indicator& current, const Indicator& previous);

// Figures from other modules (norm: pulse survey, training, self-assessment),
// already aggregated there; the pulse counts pass Suppress1D here.
struct PulseFigures {
  PublishedTable experienced;  // experienced/not; reported/not_reported within experienced
  PublishedTable reported;
};
PulseFigures PublishPulse(int64_t responses, int64_t experienced, int64_t reported);

// The internships of the period from both sources (a stagematching round, or
// the school's BPV agreements), and whether their student read the norm: two
// partitions of the same total, each suppressed on its own (no cell of one is
// a sum of cells of the other).
struct InternshipFigures {
  PublishedTable source;    // round / bpv
  PublishedTable norm_read;  // norm_read / norm_not_read
  // The share of internships whose norm was read, in percent, when both of
  // its cells are published and there are any; else nullopt.
  std::optional<double> ReadPercent() const;
};
InternshipFigures PublishInternships(int64_t from_rounds, int64_t from_bpv, int64_t norm_read);

struct AssessmentYear {
  std::string school_year;
  int score_percent = 0;
  int items_done = 0;
  int items_total = 0;
};
struct Extras {
  std::optional<PulseFigures> pulse;
  std::optional<std::pair<int64_t, int64_t>> training;  // trained, staff (not about students)
  std::vector<AssessmentYear> assessment;
};

struct YearReport {
  Dashboard current;
  Dashboard previous;
  Extras extras;
};

struct GroupIndicator {
  std::string id;
  IndicatorKind kind = IndicatorKind::kCount;
  int64_t sum = 0;             // of the schools' published values
  int64_t schools_shown = 0;   // schools whose value was published
  int64_t schools_hidden = 0;  // schools whose value was suppressed
};
struct GroupReport {
  Period year;
  int64_t schools = 0;
  std::vector<GroupIndicator> current;
  std::vector<GroupIndicator> previous;
};

// Sums count indicators over schools (percentages and medians of different
// schools are not added up).
std::vector<GroupIndicator> SumIndicators(const std::vector<std::vector<Indicator>>& schools);

}  // namespace monitor
