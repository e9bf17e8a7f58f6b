// Referrals: the hand-over summary, the student's agreement, sending by a
// link-only mail or in person, the destination's link, and the follow-up
// (referral.h).
#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/utf8.h"
#include "crypto/hash.h"
#include "crypto/random.h"
#include "meldpunt/internal.h"
#include "meldpunt/referral.h"
#include "notify/notifications.h"

namespace meldpunt {

namespace {

using common::Status;
using common::StatusOr;

constexpr common::UnixMillis kDayMillis = 24LL * 60 * 60 * 1000;
constexpr std::string_view kTokenPurpose = "referral-link";
constexpr char kColumns[] =
    "id, case_id, destination, state, summary, created_at, decided_at, sent_at, received_at, "
    "answered_at, token_expires_at, remind_at, delivery, answer, outcome, follow_up_days, "
    "school_id";

bool IsDestination(std::string_view d) { return d == "adv" || d == "sbb"; }

domain::ActionKind ActionFor(std::string_view destination) {
  return destination == "adv" ? domain::ActionKind::kReferralAdv : domain::ActionKind::kReferralSbb;
}

domain::Consent ConsentFor(std::string_view destination) {
  return destination == "adv" ? domain::Consent::kShareAdv : domain::Consent::kShareSbb;
}

// The same rule as every other step on a case: the assigned handler or a
// lead, on a case that still exists.
Status CheckMayAct(const Staff& staff, const internal::VisibleCase& v) {
  if (v.shredded)
    return Status::FailedPrecondition("the case was removed at the end of its retention period");
  if (staff.lead || v.assigned_to == staff.user.id) return Status::Ok();
  return Status::PermissionDenied("only the assigned handler or a lead can do this");
}

// A referral row (kColumns); the summary and answer opened with `key` when given.
StatusOr<Referral> FromRow(const db::Row& r, const crypto::SecretKey* key) {
  Referral out;
  out.id = r.Text(0);
  out.case_id = r.Text(1);
  out.destination = r.Text(2);
  out.state = r.Text(3);
  if (key != nullptr) {
    SP_ASSIGN_OR_RETURN(std::string json, crypto::Open(*key, r.BlobBytes(4),
                                                       FieldAd("referrals", out.id, "summary")));
    out.summary = DecodeSummary(json);
    if (!r.IsNull(13)) {
      SP_ASSIGN_OR_RETURN(
          out.answer, crypto::Open(*key, r.BlobBytes(13), FieldAd("referrals", out.id, "answer")));
    }
  }
  out.created_at = r.Int(5);
  out.decided_at = r.OptInt(6);
  out.sent_at = r.OptInt(7);
  out.received_at = r.OptInt(8);
  out.answered_at = r.OptInt(9);
  out.token_expires_at = r.OptInt(10);
  out.remind_at = r.OptInt(11);
  out.delivery = r.Text(12);
  out.outcome = r.Text(14);
  out.follow_up_days = static_cast<int>(r.Int(15));
  out.school_id = r.Text(16);
  return out;
}

StatusOr<db::Row> LoadRow(db::Connection& c, std::string_view case_id,
                          std::string_view referral_id) {
  SP_ASSIGN_OR_RETURN(db::Rows rows, c.Query(std::string("SELECT ") + kColumns +
                                                 " FROM referrals WHERE id = $1 AND case_id = $2",
                                             {std::string(referral_id), std::string(case_id)}));
  if (rows.empty()) return Status::NotFound("no such referral");
  return rows.rows[0];
}

// Keeps the chosen parts only; "request" when the handler wrote one.
ReferralSummary Only(ReferralSummary s, const std::vector<std::string>& chosen,
                     std::string request) {
  auto has = [&](std::string_view p) {
    return std::find(chosen.begin(), chosen.end(), p) != chosen.end();
  };
  if (!has("what")) s.what.clear();
  if (!has("grounds")) s.grounds.clear();
  if (!has("company")) s.company.clear();
  if (!has("dates")) s.occurred_on.clear(), s.received_on.clear();
  if (!has("name")) s.name.clear();
  if (!has("contact")) s.contact.clear();
  s.request = std::move(request);
  s.parts.clear();
  for (std::string_view p : kReferralParts) {
    bool filled = (p == "what" && !s.what.empty()) || (p == "grounds" && !s.grounds.empty()) ||
                  (p == "company" && !s.company.empty()) ||
                  (p == "dates" && (!s.occurred_on.empty() || !s.received_on.empty())) ||
                  (p == "name" && !s.name.empty()) || (p == "contact" && !s.contact.empty()) ||
                  (p == "request" && !s.request.empty());
    if (filled) s.parts.emplace_back(p);
  }
  return s;
}

Status ValidateCompose(const ComposeRequest& r) {
  if (!IsDestination(r.destination))
    return Status::InvalidArgument("choose a destination", "destination");
  for (const std::string& p : r.parts) {
    if (std::find(kReferralParts.begin(), kReferralParts.end(), p) == kReferralParts.end())
      return Status::InvalidArgument("unknown part", "parts");
  }
  if (r.request.size() > 5000 || !common::IsValidUtf8(r.request))
    return Status::InvalidArgument("is too long", "request");
  if (r.follow_up_days < 1 || r.follow_up_days > 90)
    return Status::InvalidArgument("between 1 and 90 days", "follow_up_days");
  return Status::Ok();
}

}  // namespace

std::string EncodeSummary(const ReferralSummary& s) {
  nlohmann::json j = {{"destination", s.destination},
                      {"school_name", s.school_name},
                      {"case_number", s.case_number},
                      {"composed_at", s.composed_at},
                      {"what", s.what},
                      {"grounds", s.grounds},
                      {"company", s.company},
                      {"occurred_on", s.occurred_on},
                      {"received_on", s.received_on},
                      {"name", s.name},
                      {"contact", s.contact},
                      {"request", s.request},
                      {"parts", s.parts}};
  return j.dump();
}

ReferralSummary DecodeSummary(std::string_view text) {
  ReferralSummary s;
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return s;
  s.destination = j.value("destination", "");
  s.school_name = j.value("school_name", "");
  s.case_number = j.value("case_number", "");
  s.composed_at = j.value("composed_at", common::UnixMillis{0});
  s.what = j.value("what", "");
  s.grounds = j.value("grounds", std::vector<std::string>{});
  s.company = j.value("company", "");
  s.occurred_on = j.value("occurred_on", "");
  s.received_on = j.value("received_on", "");
  s.name = j.value("name", "");
  s.contact = j.value("contact", "");
  s.request = j.value("request", "");
  s.parts = j.value("parts", std::vector<std::string>{});
  return s;
}

StatusOr<ReferralSummary> Referrals::Preview(const Staff& staff, std::string_view case_id) {
  SP_ASSIGN_OR_RETURN(CaseDetail d, meldpunt_.OpenCase(staff, case_id));
  if (!d.can_read_content)
    return Status::PermissionDenied("this handler holds no key for the case yet");
  ReferralSummary s;
  s.case_number = d.summary.case_number;
  s.composed_at = clock_.NowMillis();
  s.what = d.narrative;
  for (domain::Ground g : d.summary.grounds) s.grounds.emplace_back(domain::Name(g));
  if (d.summary.company) {
    s.company = d.summary.company->name;
    if (!d.summary.company->city.empty()) s.company += ", " + d.summary.company->city;
  } else {
    s.company = d.company_text;
  }
  if (d.occurred_on) s.occurred_on = domain::FormatDate(*d.occurred_on);
  s.received_on = domain::FormatDate(domain::DateFromMillis(d.summary.received_at));
  if (d.identity) {
    s.name = d.identity->name;
    s.contact = d.identity->email;
    if (!d.identity->student_number.empty()) {
      s.contact += (s.contact.empty() ? "" : "\n") + d.identity->student_number;
    }
  }
  Status st = db_.Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(
        db::Row r, c.QueryOne("SELECT name FROM schools WHERE id = $1", {staff.user.school_id}));
    s.school_name = r.Text(0);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  s.parts.assign(kReferralParts.begin(), kReferralParts.end());
  return s;
}

StatusOr<std::string> Referrals::Compose(const Staff& staff, std::string_view case_id,
                                         const ComposeRequest& request) {
  // A case the caller may not see answers as missing before anything is checked.
  SP_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    return internal::LoadVisibleCase(c, staff, case_id).status();
  }));
  SP_RETURN_IF_ERROR(ValidateCompose(request));
  SP_ASSIGN_OR_RETURN(ReferralSummary all, Preview(staff, case_id));
  ReferralSummary s = Only(std::move(all), request.parts, request.request);
  s.destination = request.destination;
  if (s.parts.empty()) return Status::InvalidArgument("choose what to share", "parts");
  std::string id = crypto::RandomId();
  common::UnixMillis now = clock_.NowMillis();
  Status st = db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(internal::VisibleCase v, internal::LoadVisibleCase(c, staff, case_id));
    SP_RETURN_IF_ERROR(CheckMayAct(staff, v));
    SP_ASSIGN_OR_RETURN(crypto::SecretKey key,
                        internal::StaffCaseKey(c, meldpunt_.keys(), staff, case_id));
    SP_ASSIGN_OR_RETURN(std::string box,
                        crypto::Seal(key, EncodeSummary(s), FieldAd("referrals", id, "summary")));
    std::string parts;
    for (const std::string& p : s.parts) parts += (parts.empty() ? "" : ",") + p;
    SP_RETURN_IF_ERROR(
        c.Execute("INSERT INTO referrals(id, school_id, case_id, destination, parts, summary, "
                  "state, created_by, created_at, follow_up_days) VALUES ($1, $2, $3, $4, $5, $6, "
                  "'draft', $7, $8, $9)",
                  {id, v.school_id, std::string(case_id), request.destination, parts,
                   db::Blob{std::move(box)}, staff.user.id, now, request.follow_up_days})
            .status());
    return audit_.Append(
        c, internal::CaseAudit(v.school_id, staff.user.id, "case.referral_compose", case_id));
  });
  if (!st.ok()) return st;
  return id;
}

StatusOr<std::vector<Referral>> Referrals::ForCase(const Staff& staff, std::string_view case_id) {
  std::vector<Referral> out;
  Status st = db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(internal::VisibleCase v, internal::LoadVisibleCase(c, staff, case_id));
    auto key = internal::StaffCaseKey(c, meldpunt_.keys(), staff, case_id);
    SP_ASSIGN_OR_RETURN(db::Rows rows,
                        c.Query(std::string("SELECT ") + kColumns +
                                    " FROM referrals WHERE case_id = $1 ORDER BY created_at, id",
                                {std::string(case_id)}));
    for (const db::Row& r : rows.rows) {
      SP_ASSIGN_OR_RETURN(Referral ref, FromRow(r, key.ok() ? &*key : nullptr));
      out.push_back(std::move(ref));
    }
    if (rows.empty()) return Status::Ok();
    return audit_.Append(
        c, internal::CaseAudit(v.school_id, staff.user.id, "case.referral_read", case_id));
  });
  if (!st.ok()) return st;
  return out;
}

StatusOr<Referral> Referrals::Get(const Staff& staff, std::string_view case_id,
                                  std::string_view referral_id) {
  Referral out;
  Status st = db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(internal::VisibleCase v, internal::LoadVisibleCase(c, staff, case_id));
    SP_ASSIGN_OR_RETURN(crypto::SecretKey key,
                        internal::StaffCaseKey(c, meldpunt_.keys(), staff, case_id));
    SP_ASSIGN_OR_RETURN(db::Row r, LoadRow(c, case_id, referral_id));
    SP_ASSIGN_OR_RETURN(out, FromRow(r, &key));
    return audit_.Append(
        c, internal::CaseAudit(v.school_id, staff.user.id, "case.referral_read", case_id));
  });
  if (!st.ok()) return st;
  return out;
}

Status Referrals::Send(const Staff& staff, std::string_view case_id, std::string_view referral_id,
                       std::string_view delivery) {
  common::UnixMillis now = clock_.NowMillis();
  return db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(internal::VisibleCase v, internal::LoadVisibleCase(c, staff, case_id));
    SP_ASSIGN_OR_RETURN(db::Row row, LoadRow(c, case_id, referral_id));
    if (delivery != "mail" && delivery != "in_person")
      return Status::InvalidArgument("choose how it is handed over", "delivery");
    SP_RETURN_IF_ERROR(CheckMayAct(staff, v));
    SP_ASSIGN_OR_RETURN(crypto::SecretKey key,
                        internal::StaffCaseKey(c, meldpunt_.keys(), staff, case_id));
    SP_ASSIGN_OR_RETURN(Referral ref, FromRow(row, &key));
    if (ref.state != "agreed") {
      return Status::FailedPrecondition(
          ref.state == "sent" ? "already sent" : "the student has not agreed", "referral");
    }
    SP_RETURN_IF_ERROR(domain::CheckConsent(ActionFor(ref.destination), v.consents));
    std::optional<db::Blob> token_box;
    std::optional<std::string> token_hash;
    std::optional<common::UnixMillis> expires;
    if (delivery == "mail") {
      SP_ASSIGN_OR_RETURN(db::Rows contacts,
                          c.Query("SELECT adv_email, sbb_email FROM referral_contacts WHERE "
                                  "school_id = $1",
                                  {v.school_id}));
      std::string address;
      if (!contacts.empty()) address = contacts.rows[0].Text(ref.destination == "adv" ? 0 : 1);
      if (address.empty() || outbox_ == nullptr)
        return Status::FailedPrecondition("the school set no address for it", "delivery");
      // The mail holds only the link; the token is stored as its hash and
      // opens the one copy of the summary sealed for the destination.
      std::string token = crypto::RandomToken(32);
      SP_ASSIGN_OR_RETURN(std::string box, crypto::Seal(KeyRing::TokenKey(token, kTokenPurpose),
                                                        EncodeSummary(ref.summary),
                                                        FieldAd("referrals", ref.id, "token_box")));
      token_box = db::Blob{std::move(box)};
      token_hash = crypto::Sha256Hex(token);
      expires = now + kReferralLinkDays * kDayMillis;
      mail::Params params;
      params.link = "/doorverwijzing/" + token;
      params.school_name = ref.summary.school_name;
      params.valid_until = *expires;
      SP_ASSIGN_OR_RETURN(bool queued, outbox_->Enqueue(c, mail::Kind::kReferral,
                                                        {address, "nl", v.school_id, ""}, params));
      (void)queued;
    }
    auto opt = [](const auto& o) { return o ? db::Param(*o) : db::Param(std::nullopt); };
    SP_RETURN_IF_ERROR(
        c.Execute("UPDATE referrals SET state = 'sent', sent_at = $1, sent_by = $2, delivery = $3, "
                  "token_hash = $4, token_expires_at = $5, token_box = $6, remind_at = $7 "
                  "WHERE id = $8",
                  {now, staff.user.id, std::string(delivery), opt(token_hash), opt(expires),
                   opt(token_box), now + ref.follow_up_days * kDayMillis, ref.id})
            .status());
    // The handling record the monitor counts (referrals per destination).
    SP_RETURN_IF_ERROR(c.Execute("INSERT INTO case_actions(id, case_id, at, kind, actor, note) "
                                 "VALUES ($1, $2, $3, $4, $5, NULL)",
                                 {crypto::RandomId(), std::string(case_id), now,
                                  domain::Name(ActionFor(ref.destination)), staff.user.id})
                           .status());
    return audit_.Append(
        c, internal::CaseAudit(v.school_id, staff.user.id, "case.referral_send", case_id));
  });
}

Status Referrals::RecordAnswer(const Staff& staff, std::string_view case_id,
                               std::string_view referral_id, std::string_view answer,
                               std::string_view outcome) {
  common::UnixMillis now = clock_.NowMillis();
  return db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(internal::VisibleCase v, internal::LoadVisibleCase(c, staff, case_id));
    if (answer.size() > 20000 || !common::IsValidUtf8(answer))
      return Status::InvalidArgument("is too long", "answer");
    if (!outcome.empty() && std::find(kReferralOutcomes.begin(), kReferralOutcomes.end(),
                                      outcome) == kReferralOutcomes.end())
      return Status::InvalidArgument("choose an outcome", "outcome");
    if (answer.empty() && outcome.empty())
      return Status::InvalidArgument("write the answer or choose an outcome", "answer");
    SP_RETURN_IF_ERROR(CheckMayAct(staff, v));
    SP_ASSIGN_OR_RETURN(crypto::SecretKey key,
                        internal::StaffCaseKey(c, meldpunt_.keys(), staff, case_id));
    SP_ASSIGN_OR_RETURN(db::Row r, LoadRow(c, case_id, referral_id));
    if (r.Text(3) != "sent") return Status::FailedPrecondition("not sent yet", "referral");
    std::string id = r.Text(0);
    SP_ASSIGN_OR_RETURN(std::string box,
                        crypto::Seal(key, answer, FieldAd("referrals", id, "answer")));
    SP_RETURN_IF_ERROR(
        c.Execute("UPDATE referrals SET answer = $1, answered_at = $2, outcome = $3 "
                  "WHERE id = $4",
                  {db::Blob{std::move(box)}, now,
                   outcome.empty() ? db::Param(std::nullopt) : db::Param(outcome), id})
            .status());
    return audit_.Append(
        c, internal::CaseAudit(v.school_id, staff.user.id, "case.referral_answer", case_id));
  });
}

StatusOr<std::vector<Referral>> Referrals::ForReporter(std::string_view token) {
  std::vector<Referral> out;
  common::UnixMillis now = clock_.NowMillis();
  Status st = db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(internal::ReporterCase ctx, internal::LoadReporterSession(c, token, now));
    SP_ASSIGN_OR_RETURN(db::Rows rows,
                        c.Query(std::string("SELECT ") + kColumns +
                                    " FROM referrals WHERE case_id = $1 ORDER BY created_at, id",
                                {ctx.case_id}));
    for (const db::Row& r : rows.rows) {
      SP_ASSIGN_OR_RETURN(Referral ref, FromRow(r, &ctx.case_key));
      ref.answer.clear();  // the destination's answer is the school's working note
      out.push_back(std::move(ref));
    }
    return audit_.Append(c,
                         internal::ReporterAudit(ctx.school_id, "case.referral_read", ctx.case_id));
  });
  if (!st.ok()) return st;
  return out;
}

Status Referrals::ReporterDecide(std::string_view token, std::string_view referral_id, bool agree) {
  common::UnixMillis now = clock_.NowMillis();
  return db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(internal::ReporterCase ctx, internal::LoadReporterSession(c, token, now));
    SP_ASSIGN_OR_RETURN(db::Row r, LoadRow(c, ctx.case_id, referral_id));
    if (r.Text(3) != "draft") return Status::FailedPrecondition("already decided", "referral");
    std::string destination = r.Text(2);
    SP_RETURN_IF_ERROR(c.Execute("UPDATE referrals SET state = $1, decided_at = $2 WHERE id = $3",
                                 {agree ? "agreed" : "declined", now, r.Text(0)})
                           .status());
    if (agree) {
      // Agreeing to this summary is the consent to share it with its destination.
      SP_ASSIGN_OR_RETURN(db::Row cr,
                          c.QueryOne("SELECT consents FROM cases WHERE id = $1", {ctx.case_id}));
      std::vector<domain::Consent> consents = internal::ParseConsents(cr.Text(0));
      domain::Consent needed = ConsentFor(destination);
      if (std::find(consents.begin(), consents.end(), needed) == consents.end()) {
        consents.push_back(needed);
        SP_RETURN_IF_ERROR(c.Execute("UPDATE cases SET consents = $1 WHERE id = $2",
                                     {internal::JoinNames(consents), ctx.case_id})
                               .status());
        SP_RETURN_IF_ERROR(internal::AddEvent(c, ctx.case_id, now, "consent_given", "",
                                              domain::Name(needed), "reporter"));
      }
    }
    return audit_.Append(c, internal::ReporterAudit(ctx.school_id, "case.referral_decide",
                                                    ctx.case_id, agree ? "agreed" : "declined"));
  });
}

StatusOr<Referral> Referrals::OpenByToken(std::string_view token) {
  Referral out;
  common::UnixMillis now = clock_.NowMillis();
  Status st = db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(db::Rows rows,
                        c.Query(std::string("SELECT ") + kColumns +
                                    ", token_box FROM referrals WHERE token_hash = $1",
                                {crypto::Sha256Hex(token)}));
    if (rows.empty()) return Status::NotFound("no such link");
    const db::Row& r = rows.rows[0];
    SP_ASSIGN_OR_RETURN(out, FromRow(r, nullptr));
    if (!out.token_expires_at || *out.token_expires_at <= now)
      return Status::FailedPrecondition(kReferralLinkExpired, "link");
    SP_ASSIGN_OR_RETURN(std::string json,
                        crypto::Open(KeyRing::TokenKey(token, kTokenPurpose), r.BlobBytes(17),
                                     FieldAd("referrals", out.id, "token_box")));
    out.summary = DecodeSummary(json);
    if (!out.received_at) {
      SP_RETURN_IF_ERROR(
          c.Execute("UPDATE referrals SET received_at = $1 WHERE id = $2", {now, out.id}).status());
      out.received_at = now;
    }
    return audit_.Append(c,
                         {out.school_id, "anonymous", "referral.open", "referral", out.id, "ok"});
  });
  if (!st.ok()) return st;
  return out;
}

StatusOr<int> Referrals::RunFollowUpReminders() {
  int raised = 0;
  common::UnixMillis now = clock_.NowMillis();
  Status st = db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(db::Rows due,
                        c.Query("SELECT r.id, r.school_id, r.case_id, r.sent_by, c.case_number "
                                "FROM referrals r JOIN cases c ON c.id = r.case_id WHERE "
                                "r.state = 'sent' AND r.answered_at IS NULL AND r.reminded_at IS "
                                "NULL AND r.remind_at <= $1",
                                {now}));
    for (const db::Row& r : due.rows) {
      SP_RETURN_IF_ERROR(notify::Add(c,
                                     {.school_id = r.Text(1),
                                      .user_id = r.Text(3),
                                      .kind = "referral_follow_up",
                                      .subject = r.Text(4),
                                      .link = "/meldpunt/zaken/" + r.Text(2) + "/doorverwijzingen",
                                      .object_id = r.Text(0)},
                                     now)
                             .status());
      SP_RETURN_IF_ERROR(
          c.Execute("UPDATE referrals SET reminded_at = $1 WHERE id = $2", {now, r.Text(0)})
              .status());
      ++raised;
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return raised;
}

}  // namespace meldpunt
