#include "retention/sweeps.h"

#include <map>

#include "domain/retention.h"

namespace retention {

using common::Status;

namespace {

// The school's users ($2 is the school id, '' for the deployment's own).
constexpr char kSchoolUsers[] = "(SELECT id FROM users WHERE COALESCE(school_id, '') = $2)";

}  // namespace

Status Pass::RunAllSteps() {
  if (!deployment()) {
    SP_RETURN_IF_ERROR(Students());
    SP_RETURN_IF_ERROR(CompanyContacts());
    SP_RETURN_IF_ERROR(StaffAccounts());
  }
  SP_RETURN_IF_ERROR(Tokens());
  SP_RETURN_IF_ERROR(Written());
  if (!deployment()) {
    SP_RETURN_IF_ERROR(Rounds());
    SP_RETURN_IF_ERROR(BpvAgreements());
    SP_RETURN_IF_ERROR(Leerplaatsen());
  } else {
    SP_RETURN_IF_ERROR(AuditHead());
  }
  return Status::Ok();
}

// kStudentLeft: students.left_on + "students".
Status Pass::Students() {
  return EraseEach("students",
                   "SELECT id FROM students WHERE school_id = $1 AND left_on IS NOT NULL AND "
                   "left_on < $2 ORDER BY id",
                   {school_id_, CutoffDate("students")}, /*student_ids=*/true);
}

// kLastPlacementEnd: the last day of the last round with a placement at the
// contact's company at this school, remembered in last_placement_on so that
// it outlives the rounds; without any, the contact's created_at.
Status Pass::CompanyContacts() {
  const std::string last_end =
      "(SELECT MAX(r.end_date) FROM placements p JOIN leerplaatsen l ON l.id = p.leerplaats_id "
      "JOIN rounds r ON r.id = p.round_id WHERE l.company_id = company_contacts.company_id AND "
      "p.school_id = $1)";
  SP_RETURN_IF_ERROR(Batch([&](db::Connection& c) {
    return c
        .Execute("UPDATE company_contacts SET last_placement_on = " + last_end +
                     " WHERE user_id IN (SELECT id FROM users WHERE school_id = $1) AND " +
                     last_end + " IS NOT NULL AND (last_placement_on IS NULL OR " +
                     "last_placement_on < " + last_end + ")",
                 {school_id_})
        .status();
  }));
  return EraseEach("company_contacts",
                   "SELECT cc.user_id FROM company_contacts cc JOIN users u ON u.id = cc.user_id "
                   "WHERE u.school_id = $1 AND ((cc.last_placement_on IS NOT NULL AND "
                   "cc.last_placement_on < $2) OR (cc.last_placement_on IS NULL AND "
                   "cc.created_at < $3)) ORDER BY cc.user_id",
                   {school_id_, CutoffDate("company_contacts"), CutoffMillis("company_contacts")},
                   /*student_ids=*/false);
}

// kAccountDisabled: users.disabled_at + "staff_accounts", for accounts that
// are neither a student's nor a contact's (their own rules apply). An account
// disabled before disabled_at existed is dated by the first run that sees it.
Status Pass::StaffAccounts() {
  SP_RETURN_IF_ERROR(Batch([&](db::Connection& c) {
    return c
        .Execute(
            "UPDATE users SET disabled_at = $2 WHERE school_id = $1 AND disabled = 1 AND "
            "disabled_at IS NULL",
            {school_id_, now_})
        .status();
  }));
  return EraseEach("users",
                   "SELECT u.id FROM users u WHERE u.school_id = $1 AND u.disabled = 1 AND "
                   "u.disabled_at < $2 AND NOT EXISTS (SELECT 1 FROM students s WHERE "
                   "s.user_id = u.id) AND NOT EXISTS (SELECT 1 FROM company_contacts cc WHERE "
                   "cc.user_id = u.id) ORDER BY u.id",
                   {school_id_, CutoffMillis("staff_accounts")}, /*student_ids=*/false);
}

// kExpired: every token and session, expires_at + "expired_tokens".
Status Pass::Tokens() {
  const common::UnixMillis cutoff = CutoffMillis("expired_tokens");
  const std::string by_user = std::string("expires_at < $1 AND user_id IN ") + kSchoolUsers;
  for (auto [table, key] : {std::pair{"sessions", "id_hash"},
                            {"invitations", "token_hash"},
                            {"password_resets", "token_hash"},
                            {"api_tokens", "token_hash"},
                            {"key_sessions", "id_hash"}}) {
    SP_RETURN_IF_ERROR(Sweep(table, key, by_user, {cutoff, school_id_}));
  }
  if (deployment()) {
    return Sweep("login_throttle", "login", "locked_until < $1", {cutoff});
  }
  SP_RETURN_IF_ERROR(Sweep("reporter_sessions", "token_hash",
                           "expires_at < $1 AND case_id IN (SELECT id FROM cases WHERE "
                           "school_id = $2)",
                           {cutoff, school_id_}));
  return Sweep("sso_login_states", "state_hash", "expires_at < $1 AND school_id = $2",
               {cutoff, school_id_});
}

// kWritten (and training's kExpired): rows with a period of their own.
Status Pass::Written() {
  // Mail: sent or failed, created_at + "mail"; the .eml copies go after commit.
  for (;;) {
    size_t before = outbox_ids_.size();
    SP_RETURN_IF_ERROR(Batch([&](db::Connection& c) -> Status {
      SP_ASSIGN_OR_RETURN(
          db::Rows rows,
          c.Query("SELECT id FROM mail_outbox WHERE created_at < $1 AND COALESCE(school_id, '') "
                  "= $2 AND state IN ('sent', 'failed') ORDER BY id LIMIT " +
                      std::to_string(kBatchRows),
                  {CutoffMillis("mail"), school_id_}));
      for (const db::Row& r : rows.rows) {
        SP_RETURN_IF_ERROR(
            c.Execute("DELETE FROM mail_outbox WHERE id = $1", {r.Text(0)}).status());
        outbox_ids_.push_back(r.Text(0));
      }
      counts_.removed["mail_outbox"] += static_cast<int64_t>(rows.rows.size());
      return Status::Ok();
    }));
    if (outbox_ids_.size() - before < static_cast<size_t>(kBatchRows)) break;
  }
  if (deployment()) {
    // The cross-school signal snapshot belongs to no school.
    return Sweep("company_signals", "company_id", "computed_at < $1", {CutoffMillis("signals")});
  }
  SP_RETURN_IF_ERROR(Sweep("notifications", "id", "created_at < $1 AND school_id = $2",
                           {CutoffMillis("notifications"), school_id_}));
  SP_RETURN_IF_ERROR(Sweep("teacher_consultations", "id", "created_at < $1 AND school_id = $2",
                           {CutoffMillis("notifications"), school_id_}));
  // Pulse links: done_at + "pulse_links"; 0 is a link older than done_at,
  // dated to this run.
  const std::string pulse_users = std::string("user_id IN ") + kSchoolUsers;
  SP_RETURN_IF_ERROR(Sweep("pulse_done", "", "done_at > 0 AND done_at < $1 AND " + pulse_users,
                           {CutoffMillis("pulse_links"), school_id_}));
  SP_RETURN_IF_ERROR(Batch([&](db::Connection& c) {
    return c
        .Execute("UPDATE pulse_done SET done_at = $1 WHERE done_at = 0 AND " + pulse_users,
                 {now_, school_id_})
        .status();
  }));
  // Monitor: a month of pulse answers, the self-assessment by school year.
  SP_RETURN_IF_ERROR(Sweep("pulse_answers", "id", "month < $1 AND school_id = $2",
                           {CutoffDate("monitor").substr(0, 7), school_id_}));
  SP_RETURN_IF_ERROR(Sweep(
      "assessment_items", "", "school_year <= $1 AND school_id = $2",
      {domain::SchoolYearLabelEnding(domain::LastSchoolYearEndPast(today(), Period("monitor"))),
       school_id_}));
  // Pauses that are over (lifted or past their date), created_at + "signals",
  // with the company's responses.
  const std::string pauses =
      "SELECT id FROM company_pauses WHERE created_at < $1 AND school_id = $2 AND "
      "(lifted_at IS NOT NULL OR until_date < $3)";
  const db::Params pause_params{CutoffMillis("signals"), school_id_, domain::FormatDate(today())};
  SP_RETURN_IF_ERROR(
      Sweep("company_pause_responses", "id", "pause_id IN (" + pauses + ")", pause_params));
  SP_RETURN_IF_ERROR(Sweep("company_pauses", "id", "id IN (" + pauses + ")", pause_params));
  SP_RETURN_IF_ERROR(Sweep("training_records", "id", "expires_on < $1 AND school_id = $2",
                           {CutoffDate("training"), school_id_}));
  // Answered privacy requests are kept like the audit log.
  return Sweep("privacy_requests", "id", "created_at < $1 AND school_id = $2 AND state <> 'open'",
               {CutoffMillis("audit"), school_id_});
}

// kSchoolYearEnded: a round and everything under it, one round per batch.
Status Pass::Rounds() {
  const std::string last_end =
      domain::FormatDate(domain::LastSchoolYearEndPast(today(), Period("stagematching")));
  std::vector<std::string> rounds;
  SP_RETURN_IF_ERROR(Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(db::Rows rows, c.Query("SELECT id FROM rounds WHERE school_id = $1 AND "
                                               "end_date <= $2 ORDER BY end_date, id",
                                               {school_id_, last_end}));
    for (const db::Row& r : rows.rows) rounds.push_back(r.Text(0));
    return Status::Ok();
  }));
  // Children before their parents (foreign keys without ON DELETE CASCADE).
  const std::string placements = "placement_id IN (SELECT id FROM placements WHERE round_id = $1)";
  const std::vector<std::pair<std::string_view, std::string>> order = {
      {"placement_flags", placements},
      {"norm_reads", placements},
      {"pulse_done", placements},
      {"placements", "round_id = $1"},
      {"placement_misses", "round_id = $1"},
      {"leerwens_choices", "round_id = $1"},
      {"leerwensen", "round_id = $1"},
      {"round_students", "round_id = $1"},
      {"round_exclusions", "round_id = $1"},
      {"round_runs", "round_id = $1"},
      {"round_files", "round_id = $1"},
  };
  for (const std::string& id : rounds) {
    SP_RETURN_IF_ERROR(Batch([&](db::Connection& c) -> Status {
      for (const auto& [table, where] : order) {
        SP_ASSIGN_OR_RETURN(
            int64_t n, c.Execute("DELETE FROM " + std::string(table) + " WHERE " + where, {id}));
        counts_.removed[std::string(table)] += n;
      }
      // A later round that named this one as its first round keeps standing.
      SP_RETURN_IF_ERROR(
          c.Execute("UPDATE rounds SET previous_round_id = NULL WHERE previous_round_id = $1", {id})
              .status());
      SP_ASSIGN_OR_RETURN(int64_t n, c.Execute("DELETE FROM rounds WHERE id = $1", {id}));
      counts_.removed["rounds"] += n;
      return Status::Ok();
    }));
  }
  return Status::Ok();
}

// kSchoolYearEnded for BPV agreements: an internship that ended in a school
// year past "stagematching" goes, with its norm reading and pulse links.
Status Pass::BpvAgreements() {
  const std::string last_end =
      domain::FormatDate(domain::LastSchoolYearEndPast(today(), Period("stagematching")));
  const std::string ended =
      "SELECT id FROM bpv_agreements WHERE school_id = $1 AND end_date <= $2";
  const db::Params params{school_id_, last_end};
  SP_RETURN_IF_ERROR(Sweep("norm_reads", "", "placement_id IN (" + ended + ")", params));
  SP_RETURN_IF_ERROR(Sweep("pulse_done", "", "placement_id IN (" + ended + ")", params));
  return Sweep("bpv_agreements", "id", "school_id = $1 AND end_date <= $2", params);
}

// Leerplaatsen last changed in a school year past "stagematching" and used by
// no kept row.
Status Pass::Leerplaatsen() {
  domain::Date last_end = domain::LastSchoolYearEndPast(today(), Period("stagematching"));
  return Sweep("leerplaatsen", "id",
               "school_id = $1 AND updated_at < $2 AND NOT EXISTS (SELECT 1 FROM placements p "
               "WHERE p.leerplaats_id = leerplaatsen.id OR p.engine_leerplaats_id = "
               "leerplaatsen.id) AND NOT EXISTS (SELECT 1 FROM leerwens_choices w WHERE "
               "w.leerplaats_id = leerplaatsen.id) AND NOT EXISTS (SELECT 1 FROM "
               "placement_misses m WHERE m.leerplaats_id = leerplaatsen.id)",
               {school_id_, domain::StartOfDayMillis(domain::AddDays(last_end, 1))});
}

// The audit log's head, up to the first record still inside its school's
// period (the deployment's records: the catalogue's default).
Status Pass::AuditHead() {
  std::map<std::string, common::UnixMillis, std::less<>> cutoff;
  SP_RETURN_IF_ERROR(Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(db::Rows rows, c.Query("SELECT id FROM schools"));
    const domain::RetentionPeriod& p = *domain::FindRetentionPeriod("audit");
    for (const db::Row& r : rows.rows) {
      SP_ASSIGN_OR_RETURN(Periods school, LoadPeriods(c, r.Text(0)));
      cutoff[r.Text(0)] = domain::RetentionCutoffMillis(now_, p.unit, school.Value("audit"));
    }
    cutoff[""] = domain::RetentionCutoffMillis(now_, p.unit, p.default_value);
    return Status::Ok();
  }));
  for (;;) {
    int64_t removed = 0;
    SP_RETURN_IF_ERROR(Batch([&](db::Connection& c) -> Status {
      SP_ASSIGN_OR_RETURN(db::Rows rows,
                          c.Query("SELECT seq, at, COALESCE(school_id, '') FROM audit_log "
                                  "ORDER BY seq LIMIT " +
                                  std::to_string(kBatchRows)));
      int64_t last = 0;
      for (const db::Row& r : rows.rows) {
        auto it = cutoff.find(r.Text(2));
        common::UnixMillis limit = it == cutoff.end() ? cutoff[""] : it->second;
        if (r.Int(1) >= limit) break;
        last = r.Int(0);
      }
      if (last == 0) return Status::Ok();
      SP_ASSIGN_OR_RETURN(removed, audit_.Prune(c, last));
      return Status::Ok();
    }));
    counts_.removed["audit_log"] += removed;
    if (removed < kBatchRows) return Status::Ok();
  }
}

}  // namespace retention
