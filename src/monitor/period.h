// File: monitor/period.h
//
// The fixed periods the monitor reports on: a school year (1 August to 31
// July, "2025-2026"), a calendar quarter ("2026-Q1"), a month ("2026-03"),
// and for the statistics API also a calendar year ("2026").
//
// Why never an arbitrary range of days: suppression protects one table, not
// the difference between two. If 1-31 March shows 12 reports on a ground and
// 2-31 March shows 9, the 3 reports of 1 March are out, although each table
// hides its small cells. Fixed, aligned periods leave only a small, known set
// of tables, so that trick needs a period the monitor never publishes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "domain/calendar.h"

namespace monitor {

enum class PeriodKind { kSchoolYear, kCalendarYear, kQuarter, kMonth };

struct Period {
  PeriodKind kind = PeriodKind::kSchoolYear;
  std::string key;  // "2025-2026", "2026", "2026-Q1", "2026-03"
  domain::Date from;
  domain::Date to;  // inclusive
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
// Choices for the period menu: school years, quarters and months up to the
// one holding `today`, newest first.
std::vector<Period> RecentPeriods(domain::Date today, int school_years = 4);

}  // namespace monitor
