// The company signal register (counts only, across schools) and pauses.
#include <map>

#include "common/utf8.h"
#include "crypto/random.h"
#include "meldpunt/internal.h"
#include "meldpunt/service.h"

namespace meldpunt {

namespace {
using common::Status;
using common::StatusOr;
constexpr common::UnixMillis kTwelveMonthsMillis = 365LL * 24 * 60 * 60 * 1000;
}  // namespace

StatusOr<std::vector<Meldpunt::Signal>> Meldpunt::SignalRegister(std::string_view school_id) {
  std::vector<Signal> out;
  common::UnixMillis now = clock_.NowMillis();
  std::string today = domain::FormatDate(domain::DateFromMillis(now));
  Status s = db_.Read([&](db::Connection& c) -> Status {
    domain::DeadlinePolicy policy = internal::LoadPolicy(c, school_id);
    // Only the count crosses school boundaries, never a case or its content.
    SP_ASSIGN_OR_RETURN(
        db::Rows rows,
        c.Query("SELECT co.id, co.leerbedrijf_id, co.kvk, co.name, co.city, "
                "(SELECT COUNT(*) FROM cases x WHERE x.company_id = co.id AND x.received_at >= $2) "
                "AS n, "
                "(SELECT MAX(p.until_date) FROM company_pauses p WHERE p.company_id = co.id AND "
                "p.school_id = $1 "
                " AND p.lifted_at IS NULL AND p.until_date >= $3), "
                "(SELECT p.reason FROM company_pauses p WHERE p.company_id = co.id AND p.school_id "
                "= $1 AND "
                " p.lifted_at IS NULL AND p.until_date >= $3 ORDER BY p.created_at DESC LIMIT 1) "
                "FROM school_company_view co WHERE co.school_id = $1 "
                "ORDER BY n DESC, co.name",
                {school_id, now - kTwelveMonthsMillis, today}));
    for (const db::Row& r : rows.rows) {
      Signal sig;
      sig.company = {r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4)};
      sig.reports_12m = r.Int(5);
      sig.alert = sig.reports_12m >= policy.signal_threshold;
      sig.paused_until = r.OptText(6);
      sig.pause_reason = r.Text(7);
      if (sig.reports_12m == 0 && !sig.paused_until) continue;
      out.push_back(std::move(sig));
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Status Meldpunt::PauseCompany(const auth::User& by, std::string_view company_id,
                              std::string_view reason, domain::Date until) {
  if (!domain::HasPermission(by.role, domain::Permission::kManageCompanyPauses)) {
    return Status::PermissionDenied("not allowed");
  }
  std::string trimmed(reason);
  while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.back())))
    trimmed.pop_back();
  if (trimmed.empty()) return Status::InvalidArgument("a pause needs a reason", "reason");
  if (trimmed.size() > 1000 || !common::IsValidUtf8(trimmed)) {
    return Status::InvalidArgument("is too long", "reason");
  }
  common::UnixMillis now = clock_.NowMillis();
  if (until < domain::DateFromMillis(now))
    return Status::InvalidArgument("lies in the past", "until");
  return db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(db::Rows known,
                        c.Query("SELECT 1 FROM school_companies WHERE school_id = $1 AND "
                                "company_id = $2",
                                {by.school_id, company_id}));
    if (known.empty()) return Status::NotFound("no such company in the school's register");
    std::string id = crypto::RandomId();
    SP_RETURN_IF_ERROR(
        c.Execute("INSERT INTO company_pauses(id, school_id, company_id, reason, until_date, "
                  "created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                  {id, by.school_id, company_id, trimmed, domain::FormatDate(until), by.id, now})
            .status());
    return audit_.Append(c, audit::Entry{by.school_id, by.id, "company.pause", "company",
                                         std::string(company_id), "ok"});
  });
}

Status Meldpunt::LiftPause(const auth::User& by, std::string_view company_id) {
  if (!domain::HasPermission(by.role, domain::Permission::kManageCompanyPauses)) {
    return Status::PermissionDenied("not allowed");
  }
  common::UnixMillis now = clock_.NowMillis();
  return db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(int64_t n,
                        c.Execute("UPDATE company_pauses SET lifted_at = $1, lifted_by = $2 WHERE "
                                  "school_id = $3 AND company_id = $4 AND lifted_at IS NULL",
                                  {now, by.id, by.school_id, company_id}));
    if (n == 0) return Status::NotFound("no active pause for this company");
    return audit_.Append(c, audit::Entry{by.school_id, by.id, "company.unpause", "company",
                                         std::string(company_id), "ok"});
  });
}

StatusOr<std::vector<std::string>> Meldpunt::PausedCompanies(std::string_view school_id,
                                                             domain::Date day) {
  std::vector<std::string> out;
  Status s = db_.Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(
        db::Rows rows,
        c.Query("SELECT DISTINCT company_id FROM company_pauses WHERE school_id = $1 "
                "AND lifted_at IS NULL AND until_date >= $2 ORDER BY company_id",
                {school_id, domain::FormatDate(day)}));
    for (const db::Row& r : rows.rows) out.push_back(r.Text(0));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

StatusOr<Meldpunt::ReportCounts> Meldpunt::CountReports(std::string_view school_id, domain::Date from,
                                                       domain::Date to, std::string_view by) {
  std::map<std::string, int64_t> counts;
  if (by == "ground") {
    for (auto g : domain::AllGrounds()) counts[std::string(domain::Name(g))] = 0;
  } else if (by == "phase") {
    counts = {{"search", 0}, {"internship", 0}};
  } else if (by == "status") {
    for (auto st : domain::AllStatuses()) counts[std::string(domain::Name(st))] = 0;
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
