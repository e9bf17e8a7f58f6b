// P9: revealing a confidential reporter's identity takes two people.
//
// Who holds the identity key (keyring.h): the recovery key and the school's
// leads (sealed at intake, so that a second lead can approve), and for a
// named report also the assigned handler. Holding a copy is not being
// allowed to read it: for a confidential report the service opens the
// identity only for a lead whose request a second person approved. The
// approver opens their own copy (a second lead) or the recovery copy (the
// school admin with the recovery code) and seals the key to the requester,
// so the approval is also what gives a lead without a copy one.
#include "crypto/random.h"
#include "meldpunt/internal.h"
#include "meldpunt/service.h"

namespace meldpunt {

namespace {

using common::Status;
using common::StatusOr;
using State = IdentityReveal::State;

constexpr common::UnixMillis kDayMillis = 24LL * 60 * 60 * 1000;

std::string ReasonAd(std::string_view reveal_id) {
  return FieldAd("identity_reveals", reveal_id, "reason");
}

State StateOf(const db::Row& r, size_t decision_column, common::UnixMillis expires_at,
              common::UnixMillis now) {
  if (r.IsNull(decision_column)) return now >= expires_at ? State::kExpired : State::kPending;
  return r.Text(decision_column) == "approved" ? State::kApproved : State::kRefused;
}

// The request behind `reveal_id`, which must belong to `case_id` (or to any
// case of `school_id` when case_id is empty) and still wait for a decision.
struct OpenRequest {
  std::string case_id;
  std::string school_id;
  std::string requested_by;
};
StatusOr<OpenRequest> LoadOpenRequest(db::Connection& c, std::string_view school_id,
                                      std::string_view case_id, std::string_view reveal_id,
                                      common::UnixMillis now) {
  SP_ASSIGN_OR_RETURN(db::Rows rows,
                      c.Query("SELECT case_id, requested_by, expires_at, decision FROM "
                              "identity_reveals WHERE id = $1 AND school_id = $2 AND "
                              "($3 = '' OR case_id = $3)",
                              {reveal_id, school_id, case_id}));
  if (rows.empty()) return Status::NotFound("no such request");
  const db::Row& r = rows.rows[0];
  if (!r.IsNull(3))
    return Status::FailedPrecondition("this request was already decided", "decision");
  if (now >= r.Int(2)) return Status::FailedPrecondition("this request has expired", "decision");
  return OpenRequest{r.Text(0), std::string(school_id), r.Text(1)};
}

// Seals the opened identity key to the requesting lead and records the
// decision, the case event and the audit record.
Status RecordDecision(db::Connection& c, const KeyRing& keys, const audit::AuditLog& audit,
                      const OpenRequest& req, std::string_view reveal_id,
                      const crypto::SecretKey* identity_key, std::string_view decided_by,
                      std::string_view decided_as, bool approve, common::UnixMillis now) {
  if (approve) {
    SP_ASSIGN_OR_RETURN(auto public_key, keys.UserPublicKey(c, req.requested_by));
    if (!public_key || identity_key == nullptr) {
      return Status::FailedPrecondition("the requesting lead has no key yet", "decision");
    }
    SP_RETURN_IF_ERROR(keys.SealForPublicHolder(c, req.case_id, req.requested_by, kIdentityPurpose,
                                                *public_key, *identity_key));
  }
  SP_RETURN_IF_ERROR(
      c.Execute("UPDATE identity_reveals SET decision = $1, decided_by = $2, "
                "decided_role = $3, decided_at = $4 WHERE id = $5 AND decision "
                "IS NULL",
                {approve ? "approved" : "refused", decided_by, decided_as, now, reveal_id})
          .status());
  std::string what = approve ? "identity_approve" : "identity_refuse";
  SP_RETURN_IF_ERROR(
      internal::AddEvent(c, req.case_id, now, what, "", std::string(decided_as), decided_by));
  return audit.Append(c,
                      internal::CaseAudit(req.school_id, decided_by, "case." + what, req.case_id));
}

}  // namespace

std::string_view Name(IdentityReveal::State state) {
  switch (state) {
    case State::kPending:
      return "pending";
    case State::kApproved:
      return "approved";
    case State::kRefused:
      return "refused";
    case State::kExpired:
      return "expired";
  }
  return "pending";
}

namespace internal {

bool IdentityRevealedTo(db::Connection& c, std::string_view case_id, std::string_view user_id) {
  auto rows = c.Query(
      "SELECT 1 FROM identity_reveals WHERE case_id = $1 AND requested_by = $2 "
      "AND decision = 'approved'",
      {case_id, user_id});
  return rows.ok() && !rows->empty();
}

StatusOr<std::vector<IdentityReveal>> LoadReveals(db::Connection& c, std::string_view case_id,
                                                  const std::optional<crypto::SecretKey>& key,
                                                  common::UnixMillis now) {
  std::vector<IdentityReveal> out;
  SP_ASSIGN_OR_RETURN(
      db::Rows rows,
      c.Query("SELECT r.id, r.requested_by, COALESCE(u.display_name, ''), r.requested_at, "
              "r.expires_at, r.reason, r.decision, COALESCE(r.decided_role, ''), r.decided_at "
              "FROM identity_reveals r LEFT JOIN users u ON u.id = r.requested_by WHERE "
              "r.case_id = $1 ORDER BY r.requested_at DESC, r.id",
              {case_id}));
  for (const db::Row& r : rows.rows) {
    IdentityReveal v;
    v.id = r.Text(0);
    v.requested_by = r.Text(1);
    v.requested_by_name = r.Text(2);
    v.requested_at = r.Int(3);
    v.expires_at = r.Int(4);
    if (key) {
      auto reason = crypto::Open(*key, r.BlobBytes(5), ReasonAd(v.id));
      if (reason.ok()) v.reason = std::move(*reason);
    }
    v.state = StateOf(r, 6, v.expires_at, now);
    v.decided_as = r.Text(7);
    v.decided_at = r.OptInt(8);
    out.push_back(std::move(v));
  }
  return out;
}

StatusOr<std::vector<IdentityNotice>> LoadIdentityNotices(db::Connection& c,
                                                          std::string_view case_id,
                                                          const crypto::SecretKey& case_key) {
  std::vector<IdentityNotice> out;
  SP_ASSIGN_OR_RETURN(db::Rows rows,
                      c.Query("SELECT id, decided_at, decided_role, reason FROM identity_reveals "
                              "WHERE case_id = $1 AND decision = 'approved' ORDER BY decided_at, "
                              "id",
                              {case_id}));
  for (const db::Row& r : rows.rows) {
    SP_ASSIGN_OR_RETURN(std::string reason,
                        crypto::Open(case_key, r.BlobBytes(3), ReasonAd(r.Text(0))));
    out.push_back({r.Int(1), r.Text(2), std::move(reason)});
  }
  return out;
}

}  // namespace internal

StatusOr<std::string> Meldpunt::RequestIdentityReveal(const Staff& staff, std::string_view case_id,
                                                      std::string_view reason) {
  common::UnixMillis now = clock_.NowMillis();
  std::string id = crypto::RandomId();
  Status s = db_.Write([&](db::Connection& c) -> Status {
    // Whether the case exists for this caller comes first (P8: 404 alike).
    SP_ASSIGN_OR_RETURN(internal::VisibleCase v, internal::LoadVisibleCase(c, staff, case_id));
    if (!staff.lead) return Status::PermissionDenied("only a meldpunt lead can ask for this");
    SP_RETURN_IF_ERROR(domain::ValidateMessage(reason, "reveal_reason"));
    if (v.shredded)
      return Status::FailedPrecondition("the case was removed at the end of its retention period");
    SP_ASSIGN_OR_RETURN(
        db::Row r,
        c.QueryOne("SELECT CASE WHEN identity IS NULL THEN 0 ELSE 1 END FROM cases WHERE id = $1",
                   {case_id}));
    if (r.Int(0) == 0 || v.mode != domain::ReportMode::kConfidential) {
      return Status::FailedPrecondition("this report has no confidential identity",
                                        "reveal_reason");
    }
    SP_ASSIGN_OR_RETURN(db::Rows open,
                        c.Query("SELECT 1 FROM identity_reveals WHERE case_id = $1 AND "
                                "requested_by = $2 AND (decision = 'approved' OR (decision IS "
                                "NULL AND expires_at > $3))",
                                {case_id, staff.user.id, now}));
    if (!open.empty()) {
      return Status::FailedPrecondition("you already asked, or may already see it",
                                        "reveal_reason");
    }
    // Sealed with the case key: the meldpunt and the reporter can read it.
    SP_ASSIGN_OR_RETURN(crypto::SecretKey case_key,
                        internal::StaffCaseKey(c, keys_, staff, case_id));
    SP_ASSIGN_OR_RETURN(std::string sealed, crypto::Seal(case_key, reason, ReasonAd(id)));
    SP_RETURN_IF_ERROR(
        c.Execute("INSERT INTO identity_reveals(id, case_id, school_id, requested_by, "
                  "requested_at, expires_at, reason) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                  {id, case_id, v.school_id, staff.user.id, now,
                   now + kRevealRequestDays * kDayMillis, db::Blob{std::move(sealed)}})
            .status());
    SP_RETURN_IF_ERROR(
        internal::AddEvent(c, case_id, now, "identity_request", "", "", staff.user.id));
    return audit_.Append(
        c, internal::CaseAudit(v.school_id, staff.user.id, "case.identity_request", case_id));
  });
  if (!s.ok()) return s;
  return id;
}

Status Meldpunt::DecideIdentityReveal(const Staff& staff, std::string_view case_id,
                                      std::string_view reveal_id, std::string_view decision) {
  common::UnixMillis now = clock_.NowMillis();
  return db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(internal::VisibleCase v, internal::LoadVisibleCase(c, staff, case_id));
    if (!staff.lead) return Status::PermissionDenied("only a meldpunt lead can decide this");
    if (decision != "approve" && decision != "refuse")
      return Status::InvalidArgument("choose agree or refuse", "decision");
    const bool approve = decision == "approve";
    SP_ASSIGN_OR_RETURN(OpenRequest req, LoadOpenRequest(c, v.school_id, case_id, reveal_id, now));
    if (req.requested_by == staff.user.id) {
      return {common::StatusCode::kPermissionDenied,
              "a second lead must decide on your own request", "decision"};
    }
    std::optional<crypto::SecretKey> identity_key;
    if (approve) {
      SP_ASSIGN_OR_RETURN(identity_key,
                          internal::StaffCaseKey(c, keys_, staff, case_id, kIdentityPurpose));
    }
    return RecordDecision(c, keys_, audit_, req, reveal_id, identity_key ? &*identity_key : nullptr,
                          staff.user.id, "lead", approve, now);
  });
}

Status Meldpunt::DecideIdentityRevealWithRecoveryCode(const auth::User& admin,
                                                      std::string_view reveal_id,
                                                      std::string_view recovery_code,
                                                      bool approve) {
  if (admin.role != domain::Role::kSchoolAdmin || admin.school_id.empty())
    return Status::NotFound("no such request");
  common::UnixMillis now = clock_.NowMillis();
  return db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(OpenRequest req, LoadOpenRequest(c, admin.school_id, "", reveal_id, now));
    // Refusing needs the code too: the decision is the key holder's.
    SP_ASSIGN_OR_RETURN(crypto::KeyPair recovery,
                        keys_.OpenRecoveryCode(c, admin.school_id, recovery_code));
    std::optional<crypto::SecretKey> identity_key;
    if (approve) {
      auto opened =
          keys_.OpenWithKeyPair(c, req.case_id, kRecoveryHolder, kIdentityPurpose, recovery);
      if (!opened.ok()) {
        return Status::FailedPrecondition(
            "the identity was sealed before the recovery key existed; a second lead must decide",
            "decision");
      }
      identity_key = std::move(*opened);
    }
    return RecordDecision(c, keys_, audit_, req, reveal_id, identity_key ? &*identity_key : nullptr,
                          admin.id, "recovery", approve, now);
  });
}

StatusOr<std::vector<PendingReveal>> Meldpunt::PendingReveals(const auth::User& admin) {
  std::vector<PendingReveal> out;
  if (admin.role != domain::Role::kSchoolAdmin || admin.school_id.empty()) return out;
  common::UnixMillis now = clock_.NowMillis();
  Status s = db_.Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(
        db::Rows rows,
        c.Query("SELECT r.id, c.case_number, r.requested_at, r.expires_at FROM identity_reveals r "
                "JOIN cases c ON c.id = r.case_id WHERE r.school_id = $1 AND r.decision IS NULL "
                "AND r.expires_at > $2 AND c.shredded_at IS NULL ORDER BY r.requested_at, r.id",
                {admin.school_id, now}));
    for (const db::Row& r : rows.rows) out.push_back({r.Text(0), r.Text(1), r.Int(2), r.Int(3)});
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace meldpunt
