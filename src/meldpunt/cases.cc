// The handler's side: inbox, reading a case, assignment, workflow, messages
// and actions. Every read and change is audited in its own transaction.
#include <algorithm>

#include "common/utf8.h"
#include "crypto/random.h"
#include "crypto/receipt.h"
#include "meldpunt/internal.h"
#include "meldpunt/service.h"

namespace meldpunt {

namespace {

using common::Status;
using common::StatusOr;
using domain::CaseStatus;

// Working on a case (not just reading) is for its handler, or a lead.
Status CheckMayAct(const Staff& staff, const internal::VisibleCase& v) {
  if (v.shredded)
    return Status::FailedPrecondition("the case was removed at the end of its retention period");
  if (staff.lead || v.assigned_to == staff.user.id) return Status::Ok();
  return Status::PermissionDenied("only the assigned handler or a lead can do this");
}

void MarkFirstContact(db::Connection& c, std::string_view case_id, common::UnixMillis now) {
  (void)c.Execute(
      "UPDATE cases SET first_contact_at = $1 WHERE id = $2 AND first_contact_at IS NULL",
      {now, case_id});
}

}  // namespace

StatusOr<Staff> Meldpunt::StaffFor(const auth::User& user, std::string_view key_cookie) {
  Staff staff{user, false, std::nullopt};
  Status s = db_.Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(db::Row r,
                        c.QueryOne("SELECT meldpunt_lead FROM users WHERE id = $1", {user.id}));
    staff.lead = user.role == domain::Role::kMeldpuntHandler && r.Int(0) != 0;
    if (user.role == domain::Role::kMeldpuntHandler && !key_cookie.empty()) {
      auto pair = keys_.UserKeyPair(c, user.id, key_cookie);
      if (pair.ok()) staff.key = std::move(*pair);
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  KeepStaffed(staff);
  return staff;
}

namespace {

// SQL for "this case's worst deadline state is overdue / due soon", the same
// rule as domain::StateOf, so the filters and counts hold for every case and
// not only for the page of rows that is shown. Dates are ISO text, so string
// comparison orders them. $today and $soon are bound by the caller.
std::string OverdueSql(const std::string& today) {
  return "(c.status NOT IN ('closed', 'withdrawn') AND ((c.first_contact_at IS NULL AND "
         "c.first_contact_due < " +
         today + ") OR (c.feedback_given_at IS NULL AND c.feedback_due < " + today + ")))";
}
std::string DueSoonSql(const std::string& today, const std::string& soon) {
  return "(NOT " + OverdueSql(today) +
         " AND c.status NOT IN ('closed', 'withdrawn') AND ((c.first_contact_at IS NULL AND "
         "c.first_contact_due <= " +
         soon + ") OR (c.feedback_given_at IS NULL AND c.feedback_due <= " + soon + ")))";
}

}  // namespace

StatusOr<std::vector<CaseSummary>> Meldpunt::Inbox(const Staff& staff, const InboxFilter& f) {
  std::vector<CaseSummary> out;
  if (staff.user.role != domain::Role::kMeldpuntHandler) return out;
  domain::Date today = domain::DateFromMillis(clock_.NowMillis());
  Status s = db_.Read([&](db::Connection& c) -> Status {
    domain::DeadlinePolicy policy = internal::LoadPolicy(c, staff.user.school_id);
    std::string sql =
        std::string("SELECT ") + internal::kSummaryColumns +
        " FROM cases c LEFT JOIN users u ON u.id = c.assigned_to LEFT JOIN school_company_view co "
        "ON co.id = c.company_id AND co.school_id = c.school_id WHERE c.school_id = $1";
    db::Params params = {staff.user.school_id};
    auto bind = [&](db::Param p) {
      params.push_back(std::move(p));
      return "$" + std::to_string(params.size());
    };
    auto add = [&](const std::string& clause, db::Param p) {
      sql += " AND " + clause + bind(std::move(p));
    };
    if (!staff.lead || f.mine_only) add("c.assigned_to = ", staff.user.id);
    if (f.status) {
      add("c.status = ", std::string(domain::Name(*f.status)));
    } else if (!f.include_closed && f.case_number.empty()) {  // a number finds closed ones too
      sql += " AND c.status NOT IN ('closed', 'withdrawn')";
    }
    if (f.phase) add("c.phase = ", std::string(domain::Name(*f.phase)));
    if (f.ground)
      add("(',' || c.grounds || ',') LIKE ", "%," + std::string(domain::Name(*f.ground)) + ",%");
    if (!f.company_id.empty()) add("c.company_id = ", f.company_id);
    if (!f.case_number.empty()) {
      // However it was typed; a number that cannot be one matches nothing.
      auto number = crypto::NormalizeCaseReference(f.case_number);
      if (!number.ok()) return Status::Ok();
      add("c.case_number = ", *number);
    }
    if (f.deadline == "overdue" || f.deadline == "due_soon") {
      std::string t = bind(domain::FormatDate(today));
      if (f.deadline == "overdue") {
        sql += " AND " + OverdueSql(t);
      } else {
        std::string soon = bind(domain::FormatDate(domain::AddDays(today, policy.due_soon_days)));
        sql += " AND " + DueSoonSql(t, soon);
      }
    }
    sql += " ORDER BY c.received_at DESC, c.id LIMIT " +
           std::to_string(std::clamp(f.limit, 1, 10000));
    SP_ASSIGN_OR_RETURN(db::Rows rows, c.Query(sql, params));
    for (const db::Row& r : rows.rows) out.push_back(internal::SummaryFromRow(r, policy, today));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

StatusOr<InboxCounts> Meldpunt::CountInbox(const Staff& staff) {
  InboxCounts counts;
  if (staff.user.role != domain::Role::kMeldpuntHandler) return counts;
  domain::Date today = domain::DateFromMillis(clock_.NowMillis());
  Status s = db_.Read([&](db::Connection& c) -> Status {
    domain::DeadlinePolicy policy = internal::LoadPolicy(c, staff.user.school_id);
    // A lead counts every case; another handler only the ones assigned to
    // them ($4 is then their id, else a value no assigned_to can hold).
    db::Params params = {staff.user.school_id, domain::FormatDate(today),
                         domain::FormatDate(domain::AddDays(today, policy.due_soon_days)),
                         staff.lead ? std::string() : staff.user.id};
    std::string mine = " AND ($4 = '' OR c.assigned_to = $4)";
    SP_ASSIGN_OR_RETURN(
        db::Row r,
        c.QueryOne("SELECT COUNT(*), COALESCE(SUM(CASE WHEN " + OverdueSql("$2") +
                       " THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN " + DueSoonSql("$2", "$3") +
                       " THEN 1 ELSE 0 END), 0) FROM cases c WHERE c.school_id = $1 AND "
                       "c.status NOT IN ('closed', 'withdrawn')" +
                       mine,
                   params));
    counts.open = r.Int(0);
    counts.overdue = r.Int(1);
    counts.due_soon = r.Int(2);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return counts;
}

StatusOr<std::vector<HandlerInfo>> Meldpunt::Handlers(std::string_view school_id) {
  std::vector<HandlerInfo> out;
  Status s = db_.Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(
        db::Rows rows,
        c.Query("SELECT u.id, u.display_name, u.meldpunt_lead, k.user_id FROM users u "
                "LEFT JOIN user_keys k ON k.user_id = u.id WHERE u.school_id = $1 AND "
                "u.role = 'meldpunt' AND u.disabled = 0 ORDER BY u.display_name",
                {school_id}));
    for (const db::Row& r : rows.rows)
      out.push_back({r.Text(0), r.Text(1), r.Int(2) != 0, !r.IsNull(3)});
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Status Meldpunt::Assign(const Staff& staff, std::string_view case_id, std::string_view to_user_id) {
  common::UnixMillis now = clock_.NowMillis();
  return db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(internal::VisibleCase v, internal::LoadVisibleCase(c, staff, case_id));
    SP_RETURN_IF_ERROR(CheckMayAct(staff, v));
    SP_ASSIGN_OR_RETURN(db::Rows target,
                        c.Query("SELECT u.id, k.public_key, u.meldpunt_lead FROM users u LEFT JOIN "
                                "user_keys k ON k.user_id = u.id WHERE u.id = $1 AND u.school_id = "
                                "$2 AND u.role = 'meldpunt' AND u.disabled = 0",
                                {to_user_id, staff.user.school_id}));
    if (target.empty())
      return Status::InvalidArgument("is not a meldpunt handler of this school", "assignee");
    if (target.rows[0].IsNull(1)) {
      return Status::FailedPrecondition("this handler has not logged in yet, so has no key",
                                        "assignee");
    }
    std::string public_key = target.rows[0].BlobBytes(1);
    SP_ASSIGN_OR_RETURN(crypto::SecretKey case_key,
                        internal::StaffCaseKey(c, keys_, staff, case_id));
    SP_RETURN_IF_ERROR(
        keys_.SealForPublicHolder(c, case_id, to_user_id, kCasePurpose, public_key, case_key));
    // The identity goes along only where the handler may read it: a named
    // report, or to a lead (who may ask for a confidential one, P9).
    bool to_lead = target.rows[0].Int(2) != 0;
    auto identity_key = internal::StaffCaseKey(c, keys_, staff, case_id, kIdentityPurpose);
    if (identity_key.ok() && (to_lead || v.mode == domain::ReportMode::kNamed)) {
      SP_RETURN_IF_ERROR(keys_.SealForPublicHolder(c, case_id, to_user_id, kIdentityPurpose,
                                                   public_key, *identity_key));
    }
    if (!v.assigned_to.empty() && v.assigned_to != to_user_id) {
      // The previous handler keeps no copy unless they are a lead.
      SP_ASSIGN_OR_RETURN(db::Row prev, c.QueryOne("SELECT meldpunt_lead FROM users WHERE id = $1",
                                                   {v.assigned_to}));
      if (prev.Int(0) == 0) {
        SP_RETURN_IF_ERROR(keys_.RemoveHolder(c, case_id, v.assigned_to, kCasePurpose));
        SP_RETURN_IF_ERROR(keys_.RemoveHolder(c, case_id, v.assigned_to, kIdentityPurpose));
      }
    }
    SP_RETURN_IF_ERROR(
        c.Execute("UPDATE cases SET assigned_to = $1 WHERE id = $2", {to_user_id, case_id})
            .status());
    SP_RETURN_IF_ERROR(
        internal::AddEvent(c, case_id, now, "assigned", v.assigned_to, to_user_id, staff.user.id));
    if (to_user_id != staff.user.id) {  // no mail about one's own step
      SP_RETURN_IF_ERROR(internal::MailAboutCase(outbox_, c, mail::Kind::kCaseAssigned,
                                                 {std::string(to_user_id)}, case_id,
                                                 "/meldpunt/zaken/" + std::string(case_id)));
    }
    return audit_.Append(c,
                         internal::CaseAudit(v.school_id, staff.user.id, "case.assign", case_id));
  });
}

Status Meldpunt::Transition(const Staff& staff, std::string_view case_id, CaseStatus to,
                            std::optional<domain::Outcome> outcome, std::string_view outcome_text) {
  common::UnixMillis now = clock_.NowMillis();
  domain::Date today = domain::DateFromMillis(now);
  if (to == CaseStatus::kClosed && !outcome)
    return Status::InvalidArgument("choose an outcome", "outcome");
  if (outcome_text.size() > 20000) return Status::InvalidArgument("is too long", "outcome_text");
  return db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(internal::VisibleCase v, internal::LoadVisibleCase(c, staff, case_id));
    SP_RETURN_IF_ERROR(CheckMayAct(staff, v));
    if (!domain::MayTransition(v.status, to)) {
      return Status::FailedPrecondition("a case cannot go from " +
                                            std::string(domain::Name(v.status)) + " to " +
                                            std::string(domain::Name(to)),
                                        "status");
    }
    domain::DeadlinePolicy policy = internal::LoadPolicy(c, v.school_id);
    SP_RETURN_IF_ERROR(
        c.Execute("UPDATE cases SET status = $1 WHERE id = $2", {domain::Name(to), case_id})
            .status());
    if (domain::IsFirstContact(v.status, to)) MarkFirstContact(c, case_id, now);
    bool schedule_aftercare = to == CaseStatus::kAftercare || to == CaseStatus::kClosed;
    if (to == CaseStatus::kClosed) {
      std::optional<db::Blob> sealed_text;
      if (!outcome_text.empty()) {
        SP_ASSIGN_OR_RETURN(crypto::SecretKey key,
                            internal::StaffCaseKey(c, keys_, staff, case_id));
        SP_ASSIGN_OR_RETURN(sealed_text,
                            internal::SealField(key, case_id, "outcome_text", outcome_text));
      }
      SP_RETURN_IF_ERROR(
          c.Execute("UPDATE cases SET closed_at = $1, outcome = $2, outcome_text = $3, "
                    "retention_due = $4, feedback_given_at = COALESCE(feedback_given_at, $1) WHERE "
                    "id = $5",
                    {now, domain::Name(*outcome),
                     sealed_text ? db::Param(*sealed_text) : db::Param(std::nullopt),
                     domain::FormatDate(domain::RetentionDue(policy, today)), case_id})
              .status());
    }
    if (schedule_aftercare) {
      SP_ASSIGN_OR_RETURN(
          db::Row n,
          c.QueryOne("SELECT COUNT(*) FROM aftercare_tasks WHERE case_id = $1", {case_id}));
      if (n.Int(0) == 0) {
        for (domain::Date due : domain::AftercareDates(policy, today)) {
          SP_RETURN_IF_ERROR(
              c.Execute("INSERT INTO aftercare_tasks(id, case_id, due_on) VALUES ($1, $2, $3)",
                        {crypto::RandomId(), case_id, domain::FormatDate(due)})
                  .status());
        }
      }
    }
    SP_RETURN_IF_ERROR(internal::AddEvent(c, case_id, now, "status", domain::Name(v.status),
                                          domain::Name(to), staff.user.id));
    return audit_.Append(c,
                         internal::CaseAudit(v.school_id, staff.user.id, "case.status", case_id));
  });
}

StatusOr<int> Meldpunt::CloseAsNotAReport(const Staff& staff,
                                          const std::vector<std::string>& case_ids) {
  if (!staff.lead) return Status::PermissionDenied("only a lead can close cases in bulk");
  if (case_ids.empty()) return Status::InvalidArgument("choose one or more cases", "case");
  if (case_ids.size() > kMaxBulkClose)
    return Status::InvalidArgument("choose at most 200 cases at once", "case");
  std::vector<std::string> ids = case_ids;
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  common::UnixMillis now = clock_.NowMillis();
  domain::Date today = domain::DateFromMillis(now);
  int closed = 0;
  Status s = db_.Write([&](db::Connection& c) -> Status {
    closed = 0;
    for (const std::string& id : ids) {
      // Another school's case answers exactly like a missing one (P8).
      auto v = internal::LoadVisibleCase(c, staff, id);
      if (!v.ok())
        return Status(common::StatusCode::kNotFound, "a chosen case does not exist", "case");
      if (v->status == CaseStatus::kClosed || v->shredded)
        return Status::FailedPrecondition("a chosen case is already closed", "case");
      domain::DeadlinePolicy policy = internal::LoadPolicy(c, v->school_id);
      SP_RETURN_IF_ERROR(c.Execute("UPDATE cases SET status = $1, closed_at = $2, outcome = $3, "
                                   "retention_due = $4 WHERE id = $5",
                                   {domain::Name(CaseStatus::kClosed), now,
                                    domain::Name(domain::Outcome::kNotAReport),
                                    domain::FormatDate(domain::RetentionDue(policy, today)), id})
                             .status());
      SP_RETURN_IF_ERROR(internal::AddEvent(c, id, now, "status", domain::Name(v->status),
                                            domain::Name(CaseStatus::kClosed), staff.user.id));
      SP_RETURN_IF_ERROR(audit_.Append(
          c, internal::CaseAudit(v->school_id, staff.user.id, "case.close_not_a_report", id)));
      ++closed;
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return closed;
}

Status Meldpunt::StaffMessage(const Staff& staff, std::string_view case_id, std::string_view text) {
  SP_RETURN_IF_ERROR(domain::ValidateMessage(text));
  common::UnixMillis now = clock_.NowMillis();
  return db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(internal::VisibleCase v, internal::LoadVisibleCase(c, staff, case_id));
    SP_RETURN_IF_ERROR(CheckMayAct(staff, v));
    SP_ASSIGN_OR_RETURN(crypto::SecretKey key, internal::StaffCaseKey(c, keys_, staff, case_id));
    std::string id = crypto::RandomId();
    SP_ASSIGN_OR_RETURN(std::string body,
                        crypto::Seal(key, text, FieldAd("case_messages", id, "body")));
    SP_RETURN_IF_ERROR(
        c.Execute("INSERT INTO case_messages(id, case_id, at, sender, author_id, body) VALUES "
                  "($1, $2, $3, 'meldpunt', $4, $5)",
                  {id, case_id, now, staff.user.id, db::Blob{std::move(body)}})
            .status());
    MarkFirstContact(c, case_id, now);
    if (v.status == CaseStatus::kInProgress || v.status == CaseStatus::kAftercare) {
      SP_RETURN_IF_ERROR(
          c.Execute("UPDATE cases SET feedback_given_at = $1 WHERE id = $2 AND feedback_given_at "
                    "IS NULL",
                    {now, case_id})
              .status());
    }
    // A student who reported while logged in and asked for mail hears that
    // there is a message (never what it says); only this job reads the opt-in.
    SP_ASSIGN_OR_RETURN(
        db::Rows optin,
        c.Query("SELECT user_id FROM case_mail_optin WHERE case_id = $1", {std::string(case_id)}));
    std::vector<std::string> students;
    for (const db::Row& r : optin.rows) students.push_back(r.Text(0));
    SP_RETURN_IF_ERROR(internal::MailAboutCase(outbox_, c, mail::Kind::kMessageForStudent, students,
                                               case_id, "/melding"));
    return audit_.Append(c,
                         internal::CaseAudit(v.school_id, staff.user.id, "case.message", case_id));
  });
}

Status Meldpunt::RecordAction(const Staff& staff, std::string_view case_id, domain::ActionKind kind,
                              std::string_view note) {
  if (note.size() > 20000 || !common::IsValidUtf8(note))
    return Status::InvalidArgument("is too long", "note");
  common::UnixMillis now = clock_.NowMillis();
  std::string school_id;
  Status s = db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(internal::VisibleCase v, internal::LoadVisibleCase(c, staff, case_id));
    school_id = v.school_id;
    SP_RETURN_IF_ERROR(CheckMayAct(staff, v));
    SP_RETURN_IF_ERROR(domain::CheckConsent(kind, v.consents));
    std::string id = crypto::RandomId();
    std::optional<db::Blob> sealed;
    if (!note.empty()) {
      SP_ASSIGN_OR_RETURN(crypto::SecretKey key, internal::StaffCaseKey(c, keys_, staff, case_id));
      SP_ASSIGN_OR_RETURN(std::string box,
                          crypto::Seal(key, note, FieldAd("case_actions", id, "note")));
      sealed = db::Blob{std::move(box)};
    }
    SP_RETURN_IF_ERROR(
        c.Execute(
             "INSERT INTO case_actions(id, case_id, at, kind, actor, note) VALUES ($1, $2, $3, "
             "$4, $5, $6)",
             {id, case_id, now, domain::Name(kind), staff.user.id,
              sealed ? db::Param(*sealed) : db::Param(std::nullopt)})
            .status());
    return audit_.Append(c,
                         internal::CaseAudit(v.school_id, staff.user.id, "case.action", case_id));
  });
  if (s.code() == common::StatusCode::kFailedPrecondition && s.field() == "consent") {
    // The refusal itself is evidence that the consent gate works.
    (void)audit_.Append(
        db_, internal::CaseAudit(school_id, staff.user.id, "case.action", case_id, "denied"));
  }
  return s;
}

Status Meldpunt::Extend(const Staff& staff, std::string_view case_id, std::string_view which,
                        domain::Date new_due, std::string_view reason) {
  std::string column;
  if (which == "first_contact") column = "first_contact_due";
  if (which == "feedback") column = "feedback_due";
  if (column.empty())
    return Status::InvalidArgument("must be first_contact or feedback", "deadline");
  common::UnixMillis now = clock_.NowMillis();
  return db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(internal::VisibleCase v, internal::LoadVisibleCase(c, staff, case_id));
    SP_RETURN_IF_ERROR(CheckMayAct(staff, v));
    // `column` is one of two fixed names, never user text.
    SP_ASSIGN_OR_RETURN(db::Row r,
                        c.QueryOne("SELECT " + column + " FROM cases WHERE id = $1", {case_id}));
    domain::Date current = domain::ParseDate(r.Text(0)).value_or(domain::Date{});
    SP_RETURN_IF_ERROR(domain::CheckExtension(current, new_due, reason));
    SP_ASSIGN_OR_RETURN(crypto::SecretKey key, internal::StaffCaseKey(c, keys_, staff, case_id));
    SP_ASSIGN_OR_RETURN(
        db::Blob detail,
        internal::SealField(key, case_id, "extension:" + std::to_string(now), reason));
    SP_RETURN_IF_ERROR(c.Execute("UPDATE cases SET " + column + " = $1 WHERE id = $2",
                                 {domain::FormatDate(new_due), case_id})
                           .status());
    SP_RETURN_IF_ERROR(internal::AddEvent(c, case_id, now, "extension:" + std::string(which),
                                          domain::FormatDate(current), domain::FormatDate(new_due),
                                          staff.user.id, detail));
    return audit_.Append(c,
                         internal::CaseAudit(v.school_id, staff.user.id, "case.extend", case_id));
  });
}

Status Meldpunt::CompleteAftercare(const Staff& staff, std::string_view case_id,
                                   std::string_view task_id, std::string_view note) {
  if (note.size() > 20000 || !common::IsValidUtf8(note))
    return Status::InvalidArgument("is too long", "note");
  common::UnixMillis now = clock_.NowMillis();
  return db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(internal::VisibleCase v, internal::LoadVisibleCase(c, staff, case_id));
    SP_RETURN_IF_ERROR(CheckMayAct(staff, v));
    std::optional<db::Blob> sealed;
    if (!note.empty()) {
      SP_ASSIGN_OR_RETURN(crypto::SecretKey key, internal::StaffCaseKey(c, keys_, staff, case_id));
      SP_ASSIGN_OR_RETURN(std::string box,
                          crypto::Seal(key, note, FieldAd("aftercare_tasks", task_id, "note")));
      sealed = db::Blob{std::move(box)};
    }
    SP_ASSIGN_OR_RETURN(
        int64_t n,
        c.Execute("UPDATE aftercare_tasks SET done_at = $1, done_by = $2, note = $3 "
                  "WHERE id = $4 AND case_id = $5 AND done_at IS NULL",
                  {now, staff.user.id, sealed ? db::Param(*sealed) : db::Param(std::nullopt),
                   task_id, case_id}));
    if (n == 0) return Status::NotFound("no such open aftercare task");
    return audit_.Append(
        c, internal::CaseAudit(v.school_id, staff.user.id, "case.aftercare", case_id));
  });
}

}  // namespace meldpunt
