// Crypto-shredding (P13): closed cases when their retention date passes, and
// a report its reporter withdraws (withdrawal.cc), through one ShredCase.
// Keys are deleted first, so even a copy of an old backup of the sealed rows
// can no longer be opened with the live database's keys.
#include <filesystem>

#include "meldpunt/internal.h"
#include "meldpunt/service.h"
#include "notify/notifications.h"

namespace meldpunt {

namespace {
using common::Status;
using common::StatusOr;
}  // namespace

namespace internal {

// The one list of what shredding removes. Keys go first: once they are gone
// the sealed columns, messages and files are noise even in an old backup.
// Both scopes remove everything sealed and everything that names a person
// beside the case; a withdrawal also clears every categorical column that
// could point at the reporter or the company (grounds, who did it, company, crebo,
// location, dates, survey), keeping only the school, the month received and
// the status, which is all a "withdrawn" count needs, and the receipt lookup,
// so that the code can still say "withdrawn".
Status ShredCase(db::Connection& c, std::string_view case_id, ShredScope scope,
                 common::UnixMillis now, std::vector<std::string>& files) {
  std::string id(case_id);
  SP_ASSIGN_OR_RETURN(db::Rows stored,
                      c.Query("SELECT stored_name FROM attachments WHERE case_id = $1", {id}));
  for (const db::Row& f : stored.rows) files.push_back(f.Text(0));
  for (const char* sql :
       {"DELETE FROM case_keys WHERE case_id = $1",
        "DELETE FROM reporter_sessions WHERE case_id = $1",
        "DELETE FROM case_messages WHERE case_id = $1",
        "DELETE FROM case_actions WHERE case_id = $1", "DELETE FROM attachments WHERE case_id = $1",
        "DELETE FROM identity_reveals WHERE case_id = $1",
        "DELETE FROM case_mail_optin WHERE case_id = $1",
        "DELETE FROM student_case_links WHERE case_id = $1",
        "DELETE FROM referrals WHERE case_id = $1"}) {
    SP_RETURN_IF_ERROR(c.Execute(sql, {id}).status());
  }
  if (scope == ShredScope::kRetention) {
    // The handling record stays (without its sealed details) for the monitor.
    for (const char* sql :
         {"UPDATE case_events SET detail = NULL WHERE case_id = $1",
          "UPDATE aftercare_tasks SET note = NULL WHERE case_id = $1",
          // One statement over two lines, not a missing comma.
          // NOLINTNEXTLINE(bugprone-suspicious-missing-comma)
          "UPDATE cases SET narrative = NULL, company_text = NULL, identity = NULL, "
          "outcome_text = NULL, receipt_key = NULL WHERE id = $1"}) {
      SP_RETURN_IF_ERROR(c.Execute(sql, {id}).status());
    }
    return c.Execute("UPDATE cases SET shredded_at = $1 WHERE id = $2", {now, id}).status();
  }
  // A withdrawal keeps no trace of the handling either: events name dates and
  // handlers, a placement flag points at the student's placement.
  for (const char* sql : {"DELETE FROM case_events WHERE case_id = $1",
                          "DELETE FROM aftercare_tasks WHERE case_id = $1",
                          "DELETE FROM case_alerts WHERE case_id = $1",
                          "UPDATE placement_flags SET case_id = NULL WHERE case_id = $1"}) {
    SP_RETURN_IF_ERROR(c.Execute(sql, {id}).status());
  }
  SP_ASSIGN_OR_RETURN(db::Row r, c.QueryOne("SELECT received_at FROM cases WHERE id = $1", {id}));
  // Only the month received is kept: its first day, at midnight.
  domain::Date received = domain::DateFromMillis(r.Int(0));
  std::string month_start = domain::FormatDate(received).substr(0, 8) + "01";
  common::UnixMillis month = domain::StartOfDayMillis(*domain::ParseDate(month_start));
  common::UnixMillis day = domain::StartOfDayMillis(domain::DateFromMillis(now));
  return c
      .Execute(
          "UPDATE cases SET status = 'withdrawn', mode = '', channel = '', phase = '', "
          "grounds = '', actors = '', wishes = '', consents = '', company_id = NULL, "
          "occurred_on = NULL, "
          "crebo = NULL, pathway = NULL, level = NULL, location = NULL, received_at = $2, "
          "first_contact_at = NULL, first_contact_due = '', feedback_due = '', "
          "feedback_given_at = NULL, closed_at = NULL, outcome = NULL, retention_due = NULL, "
          "content_sha256 = '', survey_heard = NULL, survey_believed = NULL, "
          "survey_know_outcome = NULL, narrative = NULL, company_text = NULL, identity = NULL, "
          "outcome_text = NULL, shredded_at = $3 WHERE id = $1",
          {id, month, day})
      .status();
}

void RemoveShreddedFiles(const std::string& files_dir, const std::vector<std::string>& files) {
  for (const std::string& name : files) {
    std::error_code ec;
    std::filesystem::remove(std::filesystem::path(files_dir) / name, ec);
  }
}

}  // namespace internal

StatusOr<int64_t> Meldpunt::RescheduleRetention(db::Connection& c, std::string_view school_id) {
  domain::DeadlinePolicy policy = internal::LoadPolicy(c, school_id);
  SP_ASSIGN_OR_RETURN(db::Rows closed,
                      c.Query("SELECT id, closed_at, retention_due FROM cases WHERE school_id = $1 "
                              "AND status = 'closed' AND shredded_at IS NULL AND closed_at IS NOT "
                              "NULL",
                              {school_id}));
  int64_t moved = 0;
  for (const db::Row& r : closed.rows) {
    std::string due = domain::FormatDate(
        domain::RetentionDue(policy, domain::DateFromMillis(r.Int(1))));
    if (!r.IsNull(2) && r.Text(2) == due) continue;
    SP_RETURN_IF_ERROR(
        c.Execute("UPDATE cases SET retention_due = $1 WHERE id = $2", {due, r.Text(0)}).status());
    ++moved;
  }
  return moved;
}

StatusOr<Meldpunt::RetentionResult> Meldpunt::RunRetention() {
  RetentionResult result;
  common::UnixMillis now = clock_.NowMillis();
  std::string today = domain::FormatDate(domain::DateFromMillis(now));
  std::vector<std::string> files;
  Status s = db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(db::Rows due,
                        c.Query("SELECT id, school_id FROM cases WHERE status = 'closed' AND "
                                "shredded_at IS NULL AND retention_due IS NOT NULL AND "
                                "retention_due <= $1",
                                {today}));
    for (const db::Row& r : due.rows) {
      std::string id = r.Text(0);
      SP_RETURN_IF_ERROR(internal::ShredCase(c, id, internal::ShredScope::kRetention, now, files));
      SP_RETURN_IF_ERROR(notify::RemoveFor(c, id));
      SP_RETURN_IF_ERROR(
          audit_.Append(c, internal::CaseAudit(r.Text(1), "system", "case.shred", id)));
      ++result.shredded;
    }
    SP_ASSIGN_OR_RETURN(
        db::Row warn,
        c.QueryOne("SELECT COUNT(*) FROM cases WHERE status = 'closed' AND shredded_at "
                   "IS NULL AND retention_due IS NOT NULL AND retention_due <= $1",
                   {domain::FormatDate(domain::AddDays(domain::DateFromMillis(now), 30))}));
    result.warned = warn.Int(0);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  // The rows are gone and their keys with them; the encrypted files are now
  // unreadable noise, removed after the commit so a rollback loses nothing.
  internal::RemoveShreddedFiles(files_dir_, files);
  return result;
}

StatusOr<std::vector<CaseSummary>> Meldpunt::RetentionWarnings(std::string_view school_id) {
  std::vector<CaseSummary> out;
  common::UnixMillis now = clock_.NowMillis();
  domain::Date today = domain::DateFromMillis(now);
  Status s = db_.Read([&](db::Connection& c) -> Status {
    domain::DeadlinePolicy policy = internal::LoadPolicy(c, school_id);
    SP_ASSIGN_OR_RETURN(
        db::Rows rows,
        c.Query(
            std::string("SELECT ") + internal::kSummaryColumns +
                " FROM cases c LEFT JOIN users u ON u.id = c.assigned_to LEFT JOIN "
                "school_company_view "
                "co ON co.id = c.company_id AND co.school_id = c.school_id WHERE c.school_id = $1 "
                "AND c.status = 'closed' AND c.shredded_at IS "
                "NULL AND "
                "c.retention_due IS NOT NULL AND c.retention_due <= $2 ORDER BY c.retention_due",
            {school_id,
             domain::FormatDate(domain::AddDays(today, policy.retention_warning_days))}));
    for (const db::Row& r : rows.rows) out.push_back(internal::SummaryFromRow(r, policy, today));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace meldpunt
