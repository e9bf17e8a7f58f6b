// File: monitor/period.h
//
// The fixed periods the monitor reports on, on the dashboard, the yearly
// report and the statistics API alike: a school year (1 August to 31 July,
// "2025-2026"), a calendar quarter ("2026-Q1") and a month ("2026-03").
// Calendar years are not offered: they overlap school years by five months,
// and two overlapping tables give away their difference.
//
// Why never an arbitrary range of days: suppression protects one table, not
// the difference between two. If 1-31 March shows 12 reports on a ground and
// 2-31 March shows 9, the 3 reports of 1 March are out, although each table
// hides its small cells. Fixed, aligned periods leave only a small, known set
// of tables, so that trick needs a period the monitor never publishes.
//
// Why never the running month: a table read before and after one report
// differs by exactly that report (origin 6 -> 7, status received 7 -> 8), so
// the monitor publishes reports received up to the end of the last finished
// month only (Publishable). A period that is still running is shown "up to
// and including" that month; one that has no finished month yet is refused.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "domain/calendar.h"

namespace monitor {

enum class PeriodKind { kSchoolYear, kQuarter, kMonth };

struct Period {
  PeriodKind kind = PeriodKind::kSchoolYear;
  std::string key;  // "2025-2026", "2026-Q1", "2026-03"
  domain::Date from;
  domain::Date to;       // inclusive
  bool running = false;  // set by Publishable: `to` is cut at the last finished month
  bool operator==(const Period&) const = default;
};

// Parses a period key. Fails with kInvalidArgument naming `field`.
common::StatusOr<Period> ParsePeriod(std::string_view key, std::string field = "periode");
// The school year that holds `day`.
Period SchoolYearOf(domain::Date day);
// The period of the same kind just before `p` (last year for a school year).
Period Previous(const Period& p);
// The months of `p`, as "YYYY-MM", oldest first.
std::vector<std::string> MonthsOf(const Period& p);
// The fixed period that spans exactly [from, to], for the statistics API's
// from/to; kInvalidArgument (field "from" or "to") for any other range.
common::StatusOr<Period> PeriodForRange(domain::Date from, domain::Date to);

// The last day whose reports the monitor publishes on `today`: the last day
// of the month before today's.
domain::Date PublishedThrough(domain::Date today);
// `p` as it may be published on `today`: cut at PublishedThrough(today)
// (`running` set) when it runs past it; kInvalidArgument naming `field` when
// it starts after it (the running month, or a period that has not begun).
// The monitor's service applies this to every period it counts.
common::StatusOr<Period> Publishable(const Period& p, domain::Date today,
                                     std::string field = "periode");
// The period shown by default: the school year of the last finished month.
Period DefaultPeriod(domain::Date today);
// Choices for the period menu: school years, quarters and months up to the
// last finished month (never the running one), newest first, not yet cut.
std::vector<Period> RecentPeriods(domain::Date today, int school_years = 4);

}  // namespace monitor
