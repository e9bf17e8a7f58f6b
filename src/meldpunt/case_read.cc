// Reading a whole case as a handler, and re-granting keys with the school's
// recovery code.
#include "meldpunt/internal.h"
#include "meldpunt/service.h"

namespace meldpunt {

namespace {

using common::Status;
using common::StatusOr;

// Opens a sealed text, or a placeholder when this handler holds no key.
std::string OpenOrEmpty(const std::optional<crypto::SecretKey>& key, const std::string& sealed,
                        const std::string& ad) {
  if (!key || sealed.empty()) return "";
  auto text = crypto::Open(*key, sealed, ad);
  return text.ok() ? *text : "";
}

Status LoadTimeline(db::Connection& c, std::string_view case_id,
                    const std::optional<crypto::SecretKey>& key, CaseDetail& d) {
  SP_ASSIGN_OR_RETURN(db::Rows msgs,
                      c.Query("SELECT id, at, sender, body FROM case_messages WHERE case_id = $1 "
                              "ORDER BY at, id",
                              {case_id}));
  for (const db::Row& m : msgs.rows) {
    d.messages.push_back(
        {m.Text(2), OpenOrEmpty(key, m.BlobBytes(3), FieldAd("case_messages", m.Text(0), "body")),
         m.Int(1)});
  }
  SP_ASSIGN_OR_RETURN(
      db::Rows events,
      c.Query("SELECT e.at, e.kind, e.from_value, e.to_value, COALESCE(u.display_name, "
              "e.actor), e.detail FROM case_events e LEFT JOIN users u ON u.id = "
              "e.actor WHERE e.case_id = $1 ORDER BY e.at, e.id",
              {case_id}));
  for (const db::Row& e : events.rows) {
    std::string detail;
    if (!e.IsNull(5) && e.Text(1).rfind("extension:", 0) == 0) {
      detail = OpenOrEmpty(key, e.BlobBytes(5),
                           FieldAd("cases", case_id, "extension:" + std::to_string(e.Int(0))));
    }
    d.events.push_back({e.Int(0), e.Text(1), e.Text(2), e.Text(3), e.Text(4), std::move(detail)});
  }
  SP_ASSIGN_OR_RETURN(
      db::Rows actions,
      c.Query("SELECT a.id, a.at, a.kind, COALESCE(u.display_name, a.actor), a.note "
              "FROM case_actions a LEFT JOIN users u ON u.id = a.actor WHERE "
              "a.case_id = $1 ORDER BY a.at, a.id",
              {case_id}));
  for (const db::Row& a : actions.rows) {
    d.actions.push_back(
        {a.Int(1), domain::ParseActionKind(a.Text(2)).value_or(domain::ActionKind::kTalkStudent),
         a.Text(3), OpenOrEmpty(key, a.BlobBytes(4), FieldAd("case_actions", a.Text(0), "note"))});
  }
  SP_ASSIGN_OR_RETURN(
      db::Rows tasks,
      c.Query("SELECT id, due_on, done_at, note FROM aftercare_tasks WHERE case_id = "
              "$1 ORDER BY due_on, id",
              {case_id}));
  for (const db::Row& t : tasks.rows) {
    d.aftercare.push_back(
        {t.Text(0), domain::ParseDate(t.Text(1)).value_or(domain::Date{}), t.OptInt(2),
         OpenOrEmpty(key, t.BlobBytes(3), FieldAd("aftercare_tasks", t.Text(0), "note"))});
  }
  SP_ASSIGN_OR_RETURN(db::Rows files,
                      c.Query("SELECT id, kind, size, at, uploaded_by FROM attachments WHERE "
                              "case_id = $1 ORDER BY at, id",
                              {case_id}));
  for (const db::Row& f : files.rows) {
    d.attachments.push_back({f.Text(0), f.Text(1), f.Int(2), f.Int(3),
                             f.Text(4) == "reporter" ? "reporter" : "meldpunt"});
  }
  return Status::Ok();
}

}  // namespace

StatusOr<CaseDetail> Meldpunt::OpenCase(const Staff& staff, std::string_view case_id) {
  CaseDetail d;
  domain::Date today = domain::DateFromMillis(clock_.NowMillis());
  Status s = db_.Write([&](db::Connection& c) -> Status {
    if (staff.user.role != domain::Role::kMeldpuntHandler) return Status::NotFound("no such case");
    domain::DeadlinePolicy policy = internal::LoadPolicy(c, staff.user.school_id);
    SP_ASSIGN_OR_RETURN(
        db::Rows rows,
        c.Query(
            std::string("SELECT ") + internal::kSummaryColumns +
                ", c.narrative, c.company_text, c.identity, c.occurred_on, c.wishes, c.consents, "
                "c.content_sha256, c.outcome_text, c.survey_heard, c.survey_believed, "
                "c.survey_know_outcome FROM cases c LEFT JOIN users u ON u.id = c.assigned_to "
                "LEFT JOIN school_company_view co ON co.id = c.company_id AND co.school_id = "
                "c.school_id "
                "WHERE c.id = $1 AND c.school_id = $2",
            {case_id, staff.user.school_id}));
    if (rows.empty()) return Status::NotFound("no such case");
    const db::Row& r = rows.rows[0];
    d.summary = internal::SummaryFromRow(r, policy, today);
    if (!staff.lead && d.summary.assigned_to != staff.user.id)
      return Status::NotFound("no such case");
    constexpr size_t k = 23;  // first column after kSummaryColumns
    std::optional<crypto::SecretKey> key;
    if (staff.key) {
      auto opened = keys_.OpenWithKeyPair(c, case_id, staff.user.id, kCasePurpose, *staff.key);
      if (opened.ok()) key = std::move(*opened);
    }
    d.can_read_content = key.has_value() && !d.summary.shredded;
    d.narrative = OpenOrEmpty(key, r.BlobBytes(k), FieldAd("cases", case_id, "narrative"));
    d.company_text =
        OpenOrEmpty(key, r.BlobBytes(k + 1), FieldAd("cases", case_id, "company_text"));
    if (!r.IsNull(k + 2)) {
      // P9: a named report's identity is for everyone on the case; a
      // confidential one only for a lead after a second person approved.
      bool entitled = d.summary.mode == domain::ReportMode::kNamed ||
                      (staff.lead && internal::IdentityRevealedTo(c, case_id, staff.user.id));
      d.identity_hidden = !entitled;
      if (entitled && staff.key) {
        auto id_key =
            keys_.OpenWithKeyPair(c, case_id, staff.user.id, kIdentityPurpose, *staff.key);
        if (id_key.ok()) {
          std::string text =
              OpenOrEmpty(*id_key, r.BlobBytes(k + 2), FieldAd("cases", case_id, "identity"));
          if (!text.empty()) d.identity = internal::DecodeIdentity(text);
        }
      }
    }
    if (!r.IsNull(k + 3)) d.occurred_on = domain::ParseDate(r.Text(k + 3));
    d.wishes = internal::ParseWishes(r.Text(k + 4));
    d.consents = internal::ParseConsents(r.Text(k + 5));
    d.content_sha256 = r.Text(k + 6);
    d.outcome_text =
        OpenOrEmpty(key, r.BlobBytes(k + 7), FieldAd("cases", case_id, "outcome_text"));
    if (!r.IsNull(k + 8)) {
      d.survey_heard = static_cast<int>(r.Int(k + 8));
      d.survey_believed = static_cast<int>(r.Int(k + 9));
      d.survey_know_outcome = static_cast<int>(r.Int(k + 10));
    }
    SP_RETURN_IF_ERROR(LoadTimeline(c, case_id, key, d));
    if (staff.lead) {
      SP_ASSIGN_OR_RETURN(d.reveals, internal::LoadReveals(c, case_id, key, clock_.NowMillis()));
    }
    return audit_.Append(c, internal::CaseAudit(staff.user.school_id, staff.user.id, "case.read",
                                                case_id, d.can_read_content ? "ok" : "no_key"));
  });
  if (!s.ok()) return s;
  return d;
}

StatusOr<int> Meldpunt::RegrantWithRecoveryCode(const auth::User& admin, std::string_view code) {
  if (admin.role != domain::Role::kSchoolAdmin)
    return Status::PermissionDenied("school admins only");
  int regranted = 0;
  Status s = db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(crypto::KeyPair recovery, keys_.OpenRecoveryCode(c, admin.school_id, code));
    SP_ASSIGN_OR_RETURN(db::Rows handlers,
                        c.Query("SELECT u.id, k.public_key, u.meldpunt_lead FROM users u JOIN "
                                "user_keys k ON k.user_id = u.id WHERE u.school_id = $1 AND "
                                "u.role = 'meldpunt' AND u.disabled = 0",
                                {admin.school_id}));
    SP_ASSIGN_OR_RETURN(db::Rows cases,
                        c.Query("SELECT id, assigned_to, mode FROM cases WHERE school_id = $1 "
                                "AND shredded_at IS NULL",
                                {admin.school_id}));
    for (const db::Row& cs : cases.rows) {
      std::string case_id = cs.Text(0);
      auto case_key = keys_.OpenWithKeyPair(c, case_id, kRecoveryHolder, kCasePurpose, recovery);
      if (!case_key.ok()) continue;  // sealed before the recovery key existed
      auto identity_key =
          keys_.OpenWithKeyPair(c, case_id, kRecoveryHolder, kIdentityPurpose, recovery);
      for (const db::Row& h : handlers.rows) {
        bool assigned = h.Text(0) == cs.Text(1);
        if (h.Int(2) == 0 && !assigned) continue;
        SP_RETURN_IF_ERROR(keys_.SealForPublicHolder(c, case_id, h.Text(0), kCasePurpose,
                                                     h.BlobBytes(1), *case_key));
        // A handler who is no lead needs the identity only of a named
        // report (P9: a confidential one is revealed through identity.cc).
        if (identity_key.ok() && (h.Int(2) != 0 || cs.Text(2) == "named")) {
          SP_RETURN_IF_ERROR(keys_.SealForPublicHolder(c, case_id, h.Text(0), kIdentityPurpose,
                                                       h.BlobBytes(1), *identity_key));
        }
      }
      ++regranted;
    }
    return audit_.Append(c, audit::Entry{admin.school_id, admin.id, "keys.regrant", "school",
                                         admin.school_id, "ok"});
  });
  if (!s.ok()) return s;
  return regranted;
}

}  // namespace meldpunt
