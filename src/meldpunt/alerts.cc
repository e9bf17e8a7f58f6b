// Deadline alerts (P12): the system, not a handler's memory, makes sure a
// late first contact or an approaching feedback deadline is seen. Alerts go
// to the handler and the leads as dashboard notifications that name the case
// number only; an escalation is also written to the case and the audit log.
#include <map>

#include "meldpunt/internal.h"
#include "meldpunt/service.h"
#include "notify/notifications.h"

namespace meldpunt {

namespace {

using common::Status;
using common::StatusOr;

// The users an alert about a case goes to: its handler and the leads.
StatusOr<std::vector<std::string>> Recipients(db::Connection& c, std::string_view school_id,
                                              std::string_view assigned_to) {
  SP_ASSIGN_OR_RETURN(db::Rows leads,
                      c.Query("SELECT id FROM users WHERE school_id = $1 AND role = 'meldpunt' "
                              "AND meldpunt_lead = 1 AND disabled = 0 ORDER BY id",
                              {std::string(school_id)}));
  std::vector<std::string> out;
  if (!assigned_to.empty()) out.emplace_back(assigned_to);
  for (const db::Row& r : leads.rows) {
    if (r.Text(0) != assigned_to) out.push_back(r.Text(0));
  }
  return out;
}

}  // namespace

StatusOr<Meldpunt::AlertRun> Meldpunt::RunDeadlineAlerts() {
  AlertRun run;
  common::UnixMillis now = clock_.NowMillis();
  domain::Date today = domain::DateFromMillis(now);
  Status s = db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(
        db::Rows open,
        c.Query("SELECT id, school_id, case_number, assigned_to, first_contact_due, "
                "first_contact_at, feedback_due, feedback_given_at FROM cases "
                "WHERE status NOT IN ('closed', 'withdrawn') AND shredded_at IS NULL AND "
                "(first_contact_at IS NULL OR feedback_given_at IS NULL) ORDER BY school_id"));
    std::map<std::string, domain::DeadlinePolicy> policies;
    for (const db::Row& r : open.rows) {
      std::string case_id = r.Text(0), school_id = r.Text(1);
      auto [policy, inserted] = policies.try_emplace(school_id);
      if (inserted) policy->second = internal::LoadPolicy(c, school_id);
      domain::DeadlineProgress progress;
      progress.first_contact_due = domain::ParseDate(r.Text(4)).value_or(today);
      progress.first_contact_done = !r.IsNull(5);
      progress.feedback_due = domain::ParseDate(r.Text(6)).value_or(today);
      progress.feedback_done = !r.IsNull(7);
      std::vector<domain::DeadlineAlert> due = domain::DueAlerts(policy->second, progress, today);
      if (due.empty()) continue;
      SP_ASSIGN_OR_RETURN(std::vector<std::string> recipients,
                          Recipients(c, school_id, r.Text(3)));
      for (domain::DeadlineAlert alert : due) {
        std::string kind(domain::Name(alert));
        SP_ASSIGN_OR_RETURN(int64_t raised,
                            c.Execute("INSERT INTO case_alerts(case_id, kind, raised_at) VALUES "
                                      "($1, $2, $3) ON CONFLICT (case_id, kind) DO NOTHING",
                                      {case_id, kind, now}));
        if (raised != 1) continue;
        ++run.alerts;
        if (alert == domain::DeadlineAlert::kFirstContactEscalated) {
          ++run.escalations;
          SP_RETURN_IF_ERROR(
              internal::AddEvent(c, case_id, now, "escalated", "", kind, "system"));
          SP_RETURN_IF_ERROR(
              audit_.Append(c, internal::CaseAudit(school_id, "system", "case.escalate", case_id)));
        }
        for (const std::string& user : recipients) {
          SP_ASSIGN_OR_RETURN(bool added,
                              notify::Add(c,
                                          {school_id, user, kind, r.Text(2),
                                           "/meldpunt/zaken/" + case_id, case_id},
                                          now));
          run.notifications += added;
        }
        SP_RETURN_IF_ERROR(internal::MailAboutCase(outbox_, c, mail::Kind::kDeadlineAlert,
                                                   recipients, case_id,
                                                   "/meldpunt/zaken/" + case_id));
      }
    }
    // Staff are warned before content is shredded (P13), once per case.
    SP_ASSIGN_OR_RETURN(
        db::Rows closing,
        c.Query("SELECT id, school_id, case_number, retention_due FROM cases WHERE status = "
                "'closed' AND shredded_at IS NULL AND retention_due IS NOT NULL ORDER BY school_id"));
    for (const db::Row& r : closing.rows) {
      std::string case_id = r.Text(0), school_id = r.Text(1);
      auto [policy, inserted] = policies.try_emplace(school_id);
      if (inserted) policy->second = internal::LoadPolicy(c, school_id);
      auto due = domain::ParseDate(r.Text(3));
      if (!due || due->days - today.days > policy->second.retention_warning_days) continue;
      SP_ASSIGN_OR_RETURN(int64_t raised,
                          c.Execute("INSERT INTO case_alerts(case_id, kind, raised_at) VALUES "
                                    "($1, 'retention_soon', $2) ON CONFLICT (case_id, kind) DO "
                                    "NOTHING",
                                    {case_id, now}));
      if (raised != 1) continue;
      ++run.alerts;
      SP_ASSIGN_OR_RETURN(std::vector<std::string> leads, Recipients(c, school_id, ""));
      for (const std::string& user : leads) {
        SP_ASSIGN_OR_RETURN(bool added,
                            notify::Add(c,
                                        {school_id, user, "retention_soon", r.Text(2),
                                         "/meldpunt/zaken/" + case_id, case_id},
                                        now));
        run.notifications += added;
      }
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return run;
}

}  // namespace meldpunt
