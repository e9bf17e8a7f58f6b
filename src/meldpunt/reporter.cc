// The reporter's side: back into the case with the code, messages, consent,
// opening up the report mode, and the closing survey.
#include "crypto/hash.h"
#include "crypto/random.h"
#include "crypto/receipt.h"
#include "meldpunt/internal.h"
#include "meldpunt/service.h"

namespace meldpunt {

namespace {

using common::Status;
using common::StatusOr;

constexpr common::UnixMillis kReporterSessionMillis = 60 * 60 * 1000;  // P6: 60 minutes

StatusOr<std::vector<AttachmentInfo>> ListAttachments(db::Connection& c, std::string_view case_id) {
  std::vector<AttachmentInfo> out;
  SP_ASSIGN_OR_RETURN(db::Rows rows,
                      c.Query("SELECT id, kind, size, at, uploaded_by FROM attachments "
                              "WHERE case_id = $1 ORDER BY at, id",
                              {case_id}));
  for (const db::Row& r : rows.rows) {
    out.push_back({r.Text(0), r.Text(1), r.Int(2), r.Int(3),
                   r.Text(4) == "reporter" ? "reporter" : "meldpunt"});
  }
  return out;
}

}  // namespace

StatusOr<Meldpunt::ReporterSession> Meldpunt::OpenReporterSession(std::string_view code) {
  auto normalized = crypto::NormalizeReceipt(code);
  if (!normalized.ok()) return Status::Unauthenticated("unknown code");
  ReporterSession session;
  session.token = crypto::RandomToken(32);
  common::UnixMillis now = clock_.NowMillis();
  session.expires_at = now + kReporterSessionMillis;
  crypto::SecretKey reporter_key = keys_.ReporterKey(*normalized);
  Status s = db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(db::Rows rows,
                        c.Query("SELECT id, school_id, status, shredded_at FROM cases WHERE "
                                "receipt_key = $1",
                                {keys_.ReceiptLookup(*normalized)}));
    if (rows.empty()) return Status::Unauthenticated("unknown code");
    // A withdrawn report keeps its code's lookup only to say so, with nothing else.
    if (rows.rows[0].Text(2) == "withdrawn") return Status::FailedPrecondition(kWithdrawnReport);
    if (!rows.rows[0].IsNull(3)) return Status::Unauthenticated("unknown code");
    std::string case_id = rows.rows[0].Text(0);
    SP_ASSIGN_OR_RETURN(crypto::SecretKey case_key,
                        keys_.OpenForReporter(c, case_id, kCasePurpose, reporter_key));
    SP_ASSIGN_OR_RETURN(
        std::string box,
        crypto::Seal(KeyRing::TokenKey(session.token, "reporter-session"), case_key.bytes(),
                     FieldAd("reporter_sessions", case_id, "key_box")));
    SP_RETURN_IF_ERROR(
        c.Execute("DELETE FROM reporter_sessions WHERE expires_at <= $1", {now}).status());
    SP_RETURN_IF_ERROR(
        c.Execute("INSERT INTO reporter_sessions(token_hash, case_id, key_box, created_at, "
                  "expires_at) VALUES ($1, $2, $3, $4, $5)",
                  {crypto::Sha256Hex(session.token), case_id, db::Blob{std::move(box)}, now,
                   session.expires_at})
            .status());
    return audit_.Append(
        c, internal::ReporterAudit(rows.rows[0].Text(1), "case.reporter_login", case_id));
  });
  crypto::SecureWipe(*normalized);
  if (!s.ok()) return s;
  return session;
}

StatusOr<ReporterView> Meldpunt::ReporterCase(std::string_view token) {
  ReporterView view;
  common::UnixMillis now = clock_.NowMillis();
  bool show_names = false;
  Status s = db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(internal::ReporterCase ctx, internal::LoadReporterSession(c, token, now));
    SP_ASSIGN_OR_RETURN(
        db::Row r, c.QueryOne("SELECT c.case_number, c.status, c.mode, c.narrative, "
                              "c.first_contact_due, c.feedback_due, c.received_at, u.display_name, "
                              "c.consents, c.outcome, c.outcome_text, c.survey_heard FROM cases c "
                              "LEFT JOIN users u ON u.id = c.assigned_to WHERE c.id = $1",
                              {ctx.case_id}));
    view.case_number = r.Text(0);
    view.status = domain::ParseCaseStatus(r.Text(1)).value_or(domain::CaseStatus::kReceived);
    view.mode = domain::ParseReportMode(r.Text(2)).value_or(domain::ReportMode::kAnonymous);
    SP_ASSIGN_OR_RETURN(view.narrative,
                        internal::OpenField(ctx.case_key, ctx.case_id, "narrative", r, 3));
    view.first_contact_due = domain::ParseDate(r.Text(4)).value_or(domain::Date{});
    view.feedback_due = domain::ParseDate(r.Text(5)).value_or(domain::Date{});
    view.received_at = r.Int(6);
    SP_ASSIGN_OR_RETURN(db::Rows settings,
                        c.Query("SELECT show_handler_names FROM school_settings WHERE "
                                "school_id = $1",
                                {ctx.school_id}));
    show_names = !settings.empty() && settings.rows[0].Int(0) != 0;
    view.handler = show_names && !r.IsNull(7) ? r.Text(7) : "";
    view.consents = internal::ParseConsents(r.Text(8));
    if (!r.IsNull(9)) view.outcome = domain::ParseOutcome(r.Text(9));
    SP_ASSIGN_OR_RETURN(view.outcome_text,
                        internal::OpenField(ctx.case_key, ctx.case_id, "outcome_text", r, 10));
    view.survey_done = !r.IsNull(11);
    SP_ASSIGN_OR_RETURN(db::Rows msgs,
                        c.Query("SELECT id, at, sender, body FROM case_messages WHERE case_id = $1 "
                                "ORDER BY at, id",
                                {ctx.case_id}));
    for (const db::Row& m : msgs.rows) {
      SP_ASSIGN_OR_RETURN(
          std::string text,
          crypto::Open(ctx.case_key, m.BlobBytes(3), FieldAd("case_messages", m.Text(0), "body")));
      view.messages.push_back({m.Text(2), std::move(text), m.Int(1)});
    }
    SP_ASSIGN_OR_RETURN(view.attachments, ListAttachments(c, ctx.case_id));
    SP_ASSIGN_OR_RETURN(view.identity_notices,
                        internal::LoadIdentityNotices(c, ctx.case_id, ctx.case_key));
    return audit_.Append(c, internal::ReporterAudit(ctx.school_id, "case.read", ctx.case_id));
  });
  if (!s.ok()) return s;
  return view;
}

Status Meldpunt::ReporterMessage(std::string_view token, std::string_view text) {
  SP_RETURN_IF_ERROR(domain::ValidateMessage(text));
  common::UnixMillis now = clock_.NowMillis();
  return db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(internal::ReporterCase ctx, internal::LoadReporterSession(c, token, now));
    std::string id = crypto::RandomId();
    SP_ASSIGN_OR_RETURN(std::string body,
                        crypto::Seal(ctx.case_key, text, FieldAd("case_messages", id, "body")));
    SP_RETURN_IF_ERROR(
        c.Execute("INSERT INTO case_messages(id, case_id, at, sender, author_id, body) VALUES "
                  "($1, $2, $3, 'reporter', NULL, $4)",
                  {id, ctx.case_id, now, db::Blob{std::move(body)}})
            .status());
    // The assigned handler hears of it, or the leads while nobody is.
    SP_ASSIGN_OR_RETURN(db::Row assigned,
                        c.QueryOne("SELECT assigned_to FROM cases WHERE id = $1", {ctx.case_id}));
    std::vector<std::string> to;
    if (assigned.IsNull(0) || assigned.Text(0).empty()) {
      SP_ASSIGN_OR_RETURN(to, internal::ActiveLeads(c, ctx.school_id));
    } else {
      to.push_back(assigned.Text(0));
    }
    SP_RETURN_IF_ERROR(internal::MailAboutCase(outbox_, c, mail::Kind::kReporterMessage, to,
                                               ctx.case_id, "/meldpunt/zaken/" + ctx.case_id));
    return audit_.Append(c, internal::ReporterAudit(ctx.school_id, "case.message", ctx.case_id));
  });
}

namespace {

Status ChangeConsent(db::Database& db, const common::Clock& clock, const audit::AuditLog& audit,
                     std::string_view token, domain::Consent consent, bool give) {
  common::UnixMillis now = clock.NowMillis();
  return db.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(internal::ReporterCase ctx, internal::LoadReporterSession(c, token, now));
    SP_ASSIGN_OR_RETURN(db::Row r,
                        c.QueryOne("SELECT consents FROM cases WHERE id = $1", {ctx.case_id}));
    std::vector<domain::Consent> consents = internal::ParseConsents(r.Text(0));
    auto it = std::find(consents.begin(), consents.end(), consent);
    if (give == (it != consents.end())) return Status::Ok();  // nothing changes
    if (give) {
      consents.push_back(consent);
    } else {
      consents.erase(it);
    }
    SP_RETURN_IF_ERROR(c.Execute("UPDATE cases SET consents = $1 WHERE id = $2",
                                 {internal::JoinNames(consents), ctx.case_id})
                           .status());
    SP_RETURN_IF_ERROR(internal::AddEvent(c, ctx.case_id, now,
                                          give ? "consent_given" : "consent_withdrawn", "",
                                          domain::Name(consent), "reporter"));
    return audit.Append(c, internal::ReporterAudit(ctx.school_id, "case.consent", ctx.case_id));
  });
}

}  // namespace

Status Meldpunt::ReporterWithdrawConsent(std::string_view token, domain::Consent consent) {
  return ChangeConsent(db_, clock_, audit_, token, consent, false);
}

Status Meldpunt::ReporterGiveConsent(std::string_view token, domain::Consent consent) {
  return ChangeConsent(db_, clock_, audit_, token, consent, true);
}

Status Meldpunt::ReporterOpenUp(std::string_view token, domain::ReportMode mode,
                                const domain::ReporterIdentity& identity) {
  SP_RETURN_IF_ERROR(domain::ValidateReporter(mode, identity));
  common::UnixMillis now = clock_.NowMillis();
  return db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(internal::ReporterCase ctx, internal::LoadReporterSession(c, token, now));
    SP_ASSIGN_OR_RETURN(db::Row r,
                        c.QueryOne("SELECT mode FROM cases WHERE id = $1", {ctx.case_id}));
    auto current = domain::ParseReportMode(r.Text(0)).value_or(domain::ReportMode::kNamed);
    if (!domain::ModeMayBecome(current, mode)) {
      return Status::FailedPrecondition("a report can only become more open", "mode");
    }
    // A new identity key, for everyone who holds the case key.
    crypto::SecretKey identity_key = crypto::SecretKey::Generate();
    SP_ASSIGN_OR_RETURN(db::Blob sealed, internal::SealField(identity_key, ctx.case_id, "identity",
                                                             internal::EncodeIdentity(identity)));
    SP_ASSIGN_OR_RETURN(db::Rows holders,
                        c.Query("SELECT k.holder, uk.public_key, ss.recovery_public_key FROM "
                                "case_keys k LEFT JOIN user_keys uk ON uk.user_id = k.holder "
                                "LEFT JOIN school_settings ss ON ss.school_id = $2 AND k.holder = "
                                "'recovery' WHERE k.case_id = $1 AND k.purpose = 'case'",
                                {ctx.case_id, ctx.school_id}));
    SP_RETURN_IF_ERROR(
        c.Execute("DELETE FROM case_keys WHERE case_id = $1 AND purpose = 'identity'",
                  {ctx.case_id})
            .status());
    for (const db::Row& h : holders.rows) {
      std::string holder = h.Text(0);
      if (holder == kReporterHolder) continue;
      std::string pk = holder == kRecoveryHolder ? h.BlobBytes(2) : h.BlobBytes(1);
      if (pk.empty()) continue;
      SP_RETURN_IF_ERROR(
          keys_.SealForPublicHolder(c, ctx.case_id, holder, kIdentityPurpose, pk, identity_key));
    }
    // The reporter's own copy needs the code-derived key, which this session
    // does not hold; the identity is theirs anyway, so they need no copy.
    SP_RETURN_IF_ERROR(c.Execute("UPDATE cases SET mode = $1, identity = $2 WHERE id = $3",
                                 {domain::Name(mode), sealed, ctx.case_id})
                           .status());
    SP_RETURN_IF_ERROR(internal::AddEvent(c, ctx.case_id, now, "mode", domain::Name(current),
                                          domain::Name(mode), "reporter"));
    return audit_.Append(c, internal::ReporterAudit(ctx.school_id, "case.mode", ctx.case_id));
  });
}

Status Meldpunt::ReporterSurvey(std::string_view token, int heard, int believed, int know_outcome) {
  for (auto [v, field] :
       {std::pair{heard, "heard"}, {believed, "believed"}, {know_outcome, "know_outcome"}}) {
    if (v < 1 || v > 5) return Status::InvalidArgument("must be 1 to 5", field);
  }
  common::UnixMillis now = clock_.NowMillis();
  return db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(internal::ReporterCase ctx, internal::LoadReporterSession(c, token, now));
    SP_ASSIGN_OR_RETURN(
        db::Row r,
        c.QueryOne("SELECT status, survey_heard FROM cases WHERE id = $1", {ctx.case_id}));
    if (r.Text(0) != "closed")
      return Status::FailedPrecondition("the survey opens when the case is closed");
    if (!r.IsNull(1)) return Status::FailedPrecondition("the survey was already answered");
    SP_RETURN_IF_ERROR(c.Execute("UPDATE cases SET survey_heard = $1, survey_believed = $2, "
                                 "survey_know_outcome = $3 WHERE id = $4",
                                 {heard, believed, know_outcome, ctx.case_id})
                           .status());
    SP_RETURN_IF_ERROR(internal::AddEvent(c, ctx.case_id, now, "survey", "", "", "reporter"));
    return audit_.Append(c, internal::ReporterAudit(ctx.school_id, "case.survey", ctx.case_id));
  });
}

Status Meldpunt::EndReporterSession(std::string_view token) {
  return db_.Write([&](db::Connection& c) -> Status {
    return c
        .Execute("DELETE FROM reporter_sessions WHERE token_hash = $1", {crypto::Sha256Hex(token)})
        .status();
  });
}

}  // namespace meldpunt
