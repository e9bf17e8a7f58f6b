// The signal register for meldpunt leads, and the daily cross-school signal.
// A count that moves the moment a report arrives can point at a reporter
// (P19), so nothing here is live across schools: the daily run keeps only a
// band at or above a threshold of at least 5, and the register shows it with
// the day it was computed. The own school's count is the lead's own cases.
#include <algorithm>
#include <map>
#include <set>

#include "meldpunt/internal.h"
#include "meldpunt/service.h"
#include "notify/notifications.h"

namespace meldpunt {

namespace {
using common::Status;
using common::StatusOr;
}  // namespace

StatusOr<std::vector<Meldpunt::Signal>> Meldpunt::SignalRegister(const Staff& lead) {
  SP_RETURN_IF_ERROR(internal::RequireLead(lead));
  const std::string& school_id = lead.user.school_id;
  std::vector<Signal> out;
  common::UnixMillis now = clock_.NowMillis();
  domain::Date today = domain::DateFromMillis(now);
  Status s = db_.Read([&](db::Connection& c) -> Status {
    domain::DeadlinePolicy policy = internal::LoadPolicy(c, school_id);
    SP_ASSIGN_OR_RETURN(
        db::Rows rows,
        c.Query("SELECT co.id, co.leerbedrijf_id, co.kvk, co.name, co.city, "
                "(SELECT COUNT(*) FROM cases x WHERE x.company_id = co.id AND x.school_id = $1 "
                "AND x.received_at >= $2), s.band, s.computed_on "
                "FROM school_company_view co LEFT JOIN company_signals s ON s.company_id = co.id "
                "WHERE co.school_id = $1 "
                "ORDER BY co.name, co.id",
                {school_id, now - internal::kTwelveMonthsMillis}));
    SP_ASSIGN_OR_RETURN(std::vector<internal::OpenPause> pauses,
                        internal::LoadOpenPauses(c, school_id, "", today));
    std::map<std::string, Pause> pause_of;
    for (internal::OpenPause& p : pauses) pause_of[p.company_id] = std::move(p.pause);
    for (const db::Row& r : rows.rows) {
      Signal sig;
      sig.company = {r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4)};
      sig.own_cases_12m = r.Int(5);
      sig.own_alert = sig.own_cases_12m >= policy.signal_threshold;
      sig.cross_school_band = r.OptText(6).value_or("");
      if (auto on = r.OptText(7)) sig.band_computed_on = domain::ParseDate(*on);
      if (auto it = pause_of.find(sig.company.id); it != pause_of.end()) sig.pause = it->second;
      out.push_back(std::move(sig));
    }
    // Every company of the register (a pause may be proposed for any), the
    // ones with cases, a signal or a pause first.
    std::stable_partition(out.begin(), out.end(), [](const Signal& x) {
      return x.own_cases_12m > 0 || !x.cross_school_band.empty() || x.pause;
    });
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

StatusOr<Meldpunt::SignalRun> Meldpunt::RunSignalSnapshot(int threshold) {
  SignalRun run;
  common::UnixMillis now = clock_.NowMillis();
  std::string today = domain::FormatDate(domain::DateFromMillis(now));
  Status s = db_.Write([&](db::Connection& c) -> Status {
    // Cases past "received" only: a report counts once the meldpunt took it
    // in, and not when it did not stand (the outcome rule has one owner).
    SP_ASSIGN_OR_RETURN(
        db::Rows rows,
        c.Query("SELECT company_id, outcome, COUNT(*) FROM cases WHERE company_id IS NOT NULL "
                "AND received_at >= $1 AND status <> 'received' GROUP BY company_id, outcome",
                {now - internal::kTwelveMonthsMillis}));
    std::map<std::string, int64_t> cases;
    for (const db::Row& r : rows.rows) {
      if (domain::OutcomeCountsForSignal(r.OptText(1).value_or(""))) cases[r.Text(0)] += r.Int(2);
    }
    SP_ASSIGN_OR_RETURN(db::Rows before, c.Query("SELECT company_id FROM company_signals"));
    std::set<std::string> had_signal;
    for (const db::Row& r : before.rows) had_signal.insert(r.Text(0));
    SP_RETURN_IF_ERROR(c.Execute("DELETE FROM company_signals").status());
    for (const auto& [company_id, n] : cases) {
      std::string_view band = domain::SignalBand(n, threshold);
      if (band.empty()) continue;
      ++run.companies;
      SP_RETURN_IF_ERROR(c.Execute("INSERT INTO company_signals(company_id, band, computed_on, "
                                   "computed_at) VALUES ($1, $2, $3, $4)",
                                   {company_id, std::string(band), today, now})
                             .status());
      if (had_signal.count(company_id)) continue;
      ++run.newly_crossed;
      // The leads of every school that works with the company; the
      // notification names the company, never a case or a school.
      SP_ASSIGN_OR_RETURN(
          db::Rows leads,
          c.Query("SELECT u.school_id, u.id, co.name FROM users u JOIN school_company_view co ON "
                  "co.school_id = u.school_id WHERE co.id = $1 AND u.role = 'meldpunt' AND u.meldpunt_lead = 1 AND "
                  "u.disabled = 0 ORDER BY u.school_id, u.id",
                  {company_id}));
      for (const db::Row& l : leads.rows) {
        SP_ASSIGN_OR_RETURN(bool added, notify::Add(c,
                                                    {.school_id = l.Text(0),
                                                     .user_id = l.Text(1),
                                                     .kind = "company_signal",
                                                     .subject = l.Text(2),
                                                     .link = "/meldpunt/signalen",
                                                     .object_id = std::string(company_id).append(":").append(today)},
                                                    now));
        if (added) ++run.notifications;
      }
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return run;
}

}  // namespace meldpunt
