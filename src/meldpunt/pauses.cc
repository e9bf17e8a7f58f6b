// Pausing a company with hoor en wederhoor (domain/company_pause.h): a lead
// proposes, the company responds, a lead confirms (or made it urgent with a
// reason), and a lead withdraws or lifts. Every step keeps its actor and time
// on the pause row and in the audit log, in the same transaction.
#include <cctype>

#include "common/utf8.h"
#include "crypto/random.h"
#include "meldpunt/internal.h"
#include "meldpunt/service.h"

namespace meldpunt {

namespace {

using common::Status;
using common::StatusOr;
using domain::PauseState;

constexpr size_t kMaxText = 5000;

// Trimmed text of a free field; kInvalidArgument names the field when it is
// required and empty, too long or not UTF-8.
StatusOr<std::string> CleanText(std::string_view in, std::string_view field, bool required) {
  std::string s(in);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t start = 0;
  while (start < s.size() && std::isspace(static_cast<unsigned char>(s[start]))) ++start;
  s.erase(0, start);
  if (required && s.empty()) return Status::InvalidArgument("is required", std::string(field));
  if (s.size() > kMaxText || !common::IsValidUtf8(s))
    return Status::InvalidArgument("is too long", std::string(field));
  return s;
}

audit::Entry PauseAudit(const auth::User& by, std::string action, std::string_view company_id) {
  return audit::Entry{by.school_id, by.id, std::move(action), "company", std::string(company_id),
                      "ok"};
}

// The company must be in the lead's register; another school's company is
// kNotFound, the same as a missing one.
Status RequireInRegister(db::Connection& c, std::string_view school_id,
                         std::string_view company_id) {
  SP_ASSIGN_OR_RETURN(db::Rows known,
                      c.Query("SELECT 1 FROM school_companies WHERE school_id = $1 AND "
                              "company_id = $2",
                              {school_id, company_id}));
  if (known.empty()) return Status::NotFound("no such company in the school's register");
  return Status::Ok();
}

// The open pause of a company in the lead's register.
StatusOr<Meldpunt::Pause> OpenPauseOf(db::Connection& c, std::string_view school_id,
                                      std::string_view company_id, domain::Date today) {
  SP_RETURN_IF_ERROR(RequireInRegister(c, school_id, company_id));
  SP_ASSIGN_OR_RETURN(std::vector<internal::OpenPause> open,
                      internal::LoadOpenPauses(c, school_id, company_id, today));
  if (open.empty()) return Status::FailedPrecondition("the company has no open pause");
  return open.front().pause;
}

StatusOr<std::string> ContactCompany(db::Connection& c, const auth::User& contact) {
  if (contact.role != domain::Role::kCompanyContact) return Status::PermissionDenied("not allowed");
  SP_ASSIGN_OR_RETURN(
      db::Rows rows,
      c.Query("SELECT cc.company_id FROM company_contacts cc JOIN school_companies sc ON "
              "sc.company_id = cc.company_id AND sc.school_id = $2 WHERE cc.user_id = $1 "
              "ORDER BY cc.company_id",
              {contact.id, contact.school_id}));
  if (rows.empty()) return Status::NotFound("no company is linked to this login");
  return rows.rows[0].Text(0);
}

Status AddResponse(db::Connection& c, const Meldpunt::Pause& p, const auth::User& by,
                   std::string_view via, std::string_view text, common::UnixMillis now) {
  return c
      .Execute(
          "INSERT INTO company_pause_responses(id, pause_id, school_id, via, text, "
          "recorded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
          {crypto::RandomId(), p.id, by.school_id, via, text, by.id, now})
      .status();
}

}  // namespace

namespace internal {

StatusOr<std::vector<OpenPause>> LoadOpenPauses(db::Connection& c, std::string_view school_id,
                                                std::string_view company_id, domain::Date today) {
  SP_ASSIGN_OR_RETURN(
      db::Rows rows,
      c.Query("SELECT id, company_id, state, reason_code, reason, until_date, respond_by, "
              "urgent_reason, created_at FROM company_pauses WHERE school_id = $1 AND "
              "($2 = '' OR company_id = $2) AND state IN ('proposed', 'active') AND "
              "until_date >= $3 ORDER BY company_id, created_at DESC",
              {school_id, company_id, domain::FormatDate(today)}));
  std::vector<OpenPause> out;
  for (const db::Row& r : rows.rows) {
    if (!out.empty() && out.back().company_id == r.Text(1)) continue;  // the newest
    OpenPause o;
    o.company_id = r.Text(1);
    Meldpunt::Pause& p = o.pause;
    p.id = r.Text(0);
    p.state = domain::ParsePauseState(r.Text(2)).value_or(PauseState::kActive);
    p.reason = domain::ParsePauseReason(r.Text(3)).value_or(domain::PauseReason::kAwaitingTalks);
    p.note = r.Text(4);
    p.until = domain::ParseDate(r.Text(5)).value_or(today);
    p.respond_by = domain::ParseDate(r.Text(6));
    p.urgent_reason = r.OptText(7).value_or("");
    p.proposed_at = r.Int(8);
    SP_ASSIGN_OR_RETURN(db::Rows responses,
                        c.Query("SELECT via, text, created_at FROM company_pause_responses "
                                "WHERE pause_id = $1 ORDER BY created_at, id",
                                {p.id}));
    for (const db::Row& x : responses.rows) p.responses.push_back({x.Text(0), x.Text(1), x.Int(2)});
    p.may_confirm =
        p.state == PauseState::kProposed &&
        domain::MayConfirmPause(!p.responses.empty(), p.respond_by.value_or(today), today);
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace internal

Status Meldpunt::ProposePause(const Staff& lead, std::string_view company_id,
                              domain::PauseReason reason, std::string_view note, domain::Date until,
                              bool urgent, std::string_view urgent_reason) {
  SP_RETURN_IF_ERROR(internal::RequireLead(lead));
  SP_ASSIGN_OR_RETURN(std::string clean_note, CleanText(note, "note", false));
  SP_ASSIGN_OR_RETURN(std::string why, CleanText(urgent_reason, "urgent_reason", urgent));
  common::UnixMillis now = clock_.NowMillis();
  domain::Date today = domain::DateFromMillis(now);
  if (until < today) return Status::InvalidArgument("lies in the past", "until");
  const auth::User& by = lead.user;
  return db_.Write([&](db::Connection& c) -> Status {
    SP_RETURN_IF_ERROR(RequireInRegister(c, by.school_id, company_id));
    SP_ASSIGN_OR_RETURN(std::vector<internal::OpenPause> open,
                        internal::LoadOpenPauses(c, by.school_id, company_id, today));
    if (!open.empty()) return Status::AlreadyExists("the company already has an open pause");
    std::string id = crypto::RandomId();
    std::optional<std::string> urgent_col, urgent_by;
    std::optional<int64_t> urgent_at;
    if (urgent) {
      urgent_col = why;
      urgent_by = by.id;
      urgent_at = now;
    }
    SP_RETURN_IF_ERROR(
        c.Execute("INSERT INTO company_pauses(id, school_id, company_id, reason, until_date, "
                  "created_by, created_at, state, reason_code, respond_by, urgent_reason, "
                  "urgent_by, urgent_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
                  "$12, $13)",
                  {id, by.school_id, company_id, clean_note, domain::FormatDate(until), by.id, now,
                   std::string(domain::Name(urgent ? PauseState::kActive : PauseState::kProposed)),
                   std::string(domain::Name(reason)),
                   domain::FormatDate(domain::PauseResponseDue(today)), urgent_col, urgent_by,
                   urgent_at})
            .status());
    SP_RETURN_IF_ERROR(audit_.Append(c, PauseAudit(by, "company.pause_propose", company_id)));
    if (!urgent) return Status::Ok();
    return audit_.Append(c, PauseAudit(by, "company.pause_urgent", company_id));
  });
}

Status Meldpunt::RecordPauseResponse(const Staff& lead, std::string_view company_id,
                                     std::string_view text) {
  SP_RETURN_IF_ERROR(internal::RequireLead(lead));
  SP_ASSIGN_OR_RETURN(std::string clean, CleanText(text, "response", true));
  common::UnixMillis now = clock_.NowMillis();
  return db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(
        Pause p, OpenPauseOf(c, lead.user.school_id, company_id, domain::DateFromMillis(now)));
    SP_RETURN_IF_ERROR(AddResponse(c, p, lead.user, "lead", clean, now));
    return audit_.Append(c, PauseAudit(lead.user, "company.pause_respond", company_id));
  });
}

Status Meldpunt::ConfirmPause(const Staff& lead, std::string_view company_id) {
  SP_RETURN_IF_ERROR(internal::RequireLead(lead));
  common::UnixMillis now = clock_.NowMillis();
  return db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(
        Pause p, OpenPauseOf(c, lead.user.school_id, company_id, domain::DateFromMillis(now)));
    if (p.state != PauseState::kProposed) return Status::FailedPrecondition("already in effect");
    if (!p.may_confirm) {
      return Status::FailedPrecondition(
          "the company has not responded and its response time has not passed");
    }
    SP_RETURN_IF_ERROR(c.Execute("UPDATE company_pauses SET state = 'active', confirmed_by = $1, "
                                 "confirmed_at = $2 WHERE id = $3",
                                 {lead.user.id, now, p.id})
                           .status());
    return audit_.Append(c, PauseAudit(lead.user, "company.pause_confirm", company_id));
  });
}

Status Meldpunt::MakePauseUrgent(const Staff& lead, std::string_view company_id,
                                 std::string_view urgent_reason) {
  SP_RETURN_IF_ERROR(internal::RequireLead(lead));
  SP_ASSIGN_OR_RETURN(std::string why, CleanText(urgent_reason, "urgent_reason", true));
  common::UnixMillis now = clock_.NowMillis();
  return db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(
        Pause p, OpenPauseOf(c, lead.user.school_id, company_id, domain::DateFromMillis(now)));
    if (p.state != PauseState::kProposed) return Status::FailedPrecondition("already in effect");
    SP_RETURN_IF_ERROR(c.Execute("UPDATE company_pauses SET state = 'active', urgent_reason = $1, "
                                 "urgent_by = $2, urgent_at = $3 WHERE id = $4",
                                 {why, lead.user.id, now, p.id})
                           .status());
    return audit_.Append(c, PauseAudit(lead.user, "company.pause_urgent", company_id));
  });
}

Status Meldpunt::WithdrawPause(const Staff& lead, std::string_view company_id) {
  SP_RETURN_IF_ERROR(internal::RequireLead(lead));
  common::UnixMillis now = clock_.NowMillis();
  return db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(
        Pause p, OpenPauseOf(c, lead.user.school_id, company_id, domain::DateFromMillis(now)));
    if (p.state != PauseState::kProposed) {
      return Status::FailedPrecondition("a pause in effect is lifted, not withdrawn");
    }
    SP_RETURN_IF_ERROR(c.Execute("UPDATE company_pauses SET state = 'withdrawn', withdrawn_by = "
                                 "$1, withdrawn_at = $2 WHERE id = $3",
                                 {lead.user.id, now, p.id})
                           .status());
    return audit_.Append(c, PauseAudit(lead.user, "company.pause_withdraw", company_id));
  });
}

Status Meldpunt::LiftPause(const Staff& lead, std::string_view company_id) {
  SP_RETURN_IF_ERROR(internal::RequireLead(lead));
  common::UnixMillis now = clock_.NowMillis();
  return db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(
        Pause p, OpenPauseOf(c, lead.user.school_id, company_id, domain::DateFromMillis(now)));
    if (p.state != PauseState::kActive) {
      return Status::FailedPrecondition("a proposal is withdrawn, not lifted");
    }
    SP_RETURN_IF_ERROR(c.Execute("UPDATE company_pauses SET state = 'lifted', lifted_at = $1, "
                                 "lifted_by = $2 WHERE id = $3",
                                 {now, lead.user.id, p.id})
                           .status());
    return audit_.Append(c, PauseAudit(lead.user, "company.pause_lift", company_id));
  });
}

StatusOr<std::vector<std::string>> Meldpunt::PausedCompanies(std::string_view school_id,
                                                             domain::Date day) {
  std::vector<std::string> out;
  Status s = db_.Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(
        db::Rows rows,
        c.Query("SELECT DISTINCT company_id FROM company_pauses WHERE school_id = $1 "
                "AND state = 'active' AND until_date >= $2 ORDER BY company_id",
                {school_id, domain::FormatDate(day)}));
    for (const db::Row& r : rows.rows) out.push_back(r.Text(0));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

StatusOr<std::vector<Meldpunt::PauseNotice>> Meldpunt::PauseNoticesForContact(
    const auth::User& contact) {
  std::vector<PauseNotice> out;
  domain::Date today = domain::DateFromMillis(clock_.NowMillis());
  Status s = db_.Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(std::string company_id, ContactCompany(c, contact));
    SP_ASSIGN_OR_RETURN(std::vector<internal::OpenPause> open,
                        internal::LoadOpenPauses(c, contact.school_id, company_id, today));
    for (const internal::OpenPause& o : open) {
      // The neutral reason and the dates only: no note, no urgent reason.
      PauseNotice n;
      n.state = o.pause.state;
      n.reason = o.pause.reason;
      n.until = o.pause.until;
      n.respond_by = o.pause.respond_by;
      n.urgent = !o.pause.urgent_reason.empty();
      if (!o.pause.responses.empty()) n.responded_at = o.pause.responses.back().at;
      out.push_back(n);
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Status Meldpunt::RespondToPause(const auth::User& contact, std::string_view text) {
  SP_ASSIGN_OR_RETURN(std::string clean, CleanText(text, "response", true));
  common::UnixMillis now = clock_.NowMillis();
  return db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(std::string company_id, ContactCompany(c, contact));
    SP_ASSIGN_OR_RETURN(
        std::vector<internal::OpenPause> open,
        internal::LoadOpenPauses(c, contact.school_id, company_id, domain::DateFromMillis(now)));
    if (open.empty()) return Status::NotFound("the company has no open pause");
    SP_RETURN_IF_ERROR(AddResponse(c, open.front().pause, contact, "company", clean, now));
    return audit_.Append(c, PauseAudit(contact, "company.pause_respond", company_id));
  });
}

}  // namespace meldpunt
