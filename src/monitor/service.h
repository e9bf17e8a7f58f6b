// File: monitor/service.h
//
// The monitor as a service: reads the non-content columns of a school's
// reports and stagematching for one fixed period (never a sealed column,
// never a free text) and hands them to the pure rules in aggregate.h and
// report.h, so that everything it returns has passed disclosure control.
// The caller checks the role (app::monui::MaySee); the school always comes
// from the session. Every period is cut at the last finished month first
// (period.h: Publishable), so a report received this month changes no
// published number; a period with no finished month is kInvalidArgument
// (field "periode"). Cases closed as "not a report" are never counted.
//
//   monitor::Monitor m(db, clock);
//   SP_ASSIGN_OR_RETURN(monitor::Dashboard d, m.SchoolDashboard(user.school_id, period));
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "db/database.h"
#include "monitor/aggregate.h"
#include "monitor/period.h"
#include "monitor/report.h"

namespace monitor {

class Monitor {
 public:
  Monitor(db::Database& db, const common::Clock& clock) : db_(db), clock_(clock) {}

  common::StatusOr<Dashboard> SchoolDashboard(std::string_view school_id, const Period& period);
  // One report table, optionally restricted by a filter (a drill-down).
  common::StatusOr<PublishedTable> Table(std::string_view school_id, const Period& period,
                                         Dimension dim, const std::optional<Filter>& filter);
  // This school year and the one before, with the extra figures (pulse,
  // training, self-assessment) when their module provides them.
  common::StatusOr<YearReport> SchoolYearReport(std::string_view school_id, const Period& year);
  // Each school's indicators, suppressed first, then summed (report.h).
  common::StatusOr<GroupReport> GroupYearReport(const std::vector<std::string>& school_ids,
                                                const Period& year);
  // The same, school by school through SchoolYearReport (for the check that
  // both ways agree; too slow for 60 schools).
  common::StatusOr<GroupReport> GroupYearReportSlow(const std::vector<std::string>& school_ids,
                                                    const Period& year);

  // `period` as it may be published now (period.h: Publishable).
  common::StatusOr<Period> Published(const Period& period) const;

  // The raw facts (for tests and the benchmark's checks), uncut.
  common::StatusOr<std::vector<CaseFacts>> ReadCases(db::Connection& c, std::string_view school_id,
                                                     const Period& period);
  common::StatusOr<PublishedCount> ReadWithdrawn(db::Connection& c, std::string_view school_id,
                                                 const Period& period);
  common::StatusOr<MatchingFacts> ReadMatching(db::Connection& c, std::string_view school_id,
                                               const Period& period);

 private:
  // Every school's count tables for `period`, rebuilt from GROUP BY margins.
  common::StatusOr<std::map<std::string, Dashboard>> CountDashboards(const Period& period);

  db::Database& db_;
  const common::Clock& clock_;
};

}  // namespace monitor
