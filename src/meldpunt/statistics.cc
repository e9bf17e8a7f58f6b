// Report counts of one school, for the statistics API (unsuppressed: the
// caller applies monitor/disclosure.h).
#include <map>

#include "meldpunt/internal.h"
#include "meldpunt/service.h"

namespace meldpunt {

namespace {
using common::Status;
using common::StatusOr;
}  // namespace

StatusOr<Meldpunt::ReportCounts> Meldpunt::CountReports(std::string_view school_id, domain::Date from,
                                                       domain::Date to, std::string_view by) {
  std::map<std::string, int64_t> counts;
  if (by == "ground") {
    for (auto g : domain::AllGrounds()) counts[std::string(domain::Name(g))] = 0;
  } else if (by == "phase") {
    counts = {{"search", 0}, {"internship", 0}};
  } else if (by == "status") {
    for (auto st : domain::AllStatuses()) {
      if (st != domain::CaseStatus::kWithdrawn) counts[std::string(domain::Name(st))] = 0;
    }
  } else if (by != "month") {
    return Status::InvalidArgument("must be ground, phase, status or month", "by");
  }
  ReportCounts out;
  Status s = db_.Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(db::Rows rows,
                        c.Query("SELECT grounds, phase, status, received_at FROM cases WHERE "
                                "school_id = $1 AND received_at >= $2 AND received_at < $3",
                                {school_id, domain::StartOfDayMillis(from),
                                 domain::StartOfDayMillis(domain::AddDays(to, 1))}));
    for (const db::Row& r : rows.rows) {
      if (r.Text(2) == "withdrawn") {
        ++out.withdrawn;
        continue;
      }
      ++out.total;
      if (by == "ground") {
        for (const std::string& g : internal::SplitComma(r.Text(0))) ++counts[g];
      } else if (by == "phase") {
        ++counts[r.Text(1)];
      } else if (by == "status") {
        ++counts[r.Text(2)];
      } else {
        ++counts[domain::FormatDate(domain::DateFromMillis(r.Int(3))).substr(0, 7)];
      }
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  out.cells.assign(counts.begin(), counts.end());
  return out;
}

}  // namespace meldpunt
