#include "meldpunt/internal.h"

#include <charconv>

#include "crypto/hash.h"
#include "crypto/random.h"
#include "domain/retention.h"
#include "retention/settings.h"

namespace meldpunt::internal {

namespace {
common::Status SessionEnded() {
  return common::Status::Unauthenticated("the session has ended; enter your code again");
}

}  // namespace

// The session's case and its key, or kUnauthenticated.
common::StatusOr<ReporterCase> LoadReporterSession(db::Connection& c, std::string_view token,
                                                   common::UnixMillis now) {
  if (token.size() < 32) return SessionEnded();
  SP_ASSIGN_OR_RETURN(db::Rows rows,
                      c.Query("SELECT s.case_id, s.key_box, s.expires_at, c.school_id FROM "
                              "reporter_sessions s JOIN cases c ON c.id = s.case_id WHERE "
                              "s.token_hash = $1 AND c.shredded_at IS NULL",
                              {crypto::Sha256Hex(token)}));
  if (rows.empty() || rows.rows[0].Int(2) <= now) return SessionEnded();
  const db::Row& r = rows.rows[0];
  auto raw = crypto::Open(KeyRing::TokenKey(token, "reporter-session"), r.BlobBytes(1),
                          FieldAd("reporter_sessions", r.Text(0), "key_box"));
  if (!raw.ok()) return SessionEnded();
  auto key = crypto::SecretKey::FromBytes(*raw);
  crypto::SecureWipe(*raw);
  if (!key.ok()) return SessionEnded();
  return ReporterCase{r.Text(0), r.Text(3), *key};  // SecretKey is copy-only
}

// Need-to-know (P8): the school's leads see every case of their school, other
// handlers only the cases assigned to them. Anything else is "not found".
common::StatusOr<VisibleCase> LoadVisibleCase(db::Connection& c, const Staff& staff,
                                              std::string_view case_id) {
  if (staff.user.role != domain::Role::kMeldpuntHandler || staff.user.school_id.empty())
    return common::Status::NotFound("no such case");
  SP_ASSIGN_OR_RETURN(db::Rows rows,
                      c.Query("SELECT id, school_id, status, mode, assigned_to, consents, "
                              "shredded_at FROM cases WHERE id = $1 AND school_id = $2",
                              {case_id, staff.user.school_id}));
  if (rows.empty()) return common::Status::NotFound("no such case");
  const db::Row& r = rows.rows[0];
  VisibleCase v{r.Text(0),
                r.Text(1),
                domain::ParseCaseStatus(r.Text(2)).value_or(domain::CaseStatus::kReceived),
                domain::ParseReportMode(r.Text(3)).value_or(domain::ReportMode::kAnonymous),
                r.Text(4),
                ParseConsents(r.Text(5)),
                !r.IsNull(6)};
  if (!staff.lead && v.assigned_to != staff.user.id)
    return common::Status::NotFound("no such case");
  return v;
}

common::StatusOr<crypto::SecretKey> StaffCaseKey(db::Connection& c, const KeyRing& keys,
                                                 const Staff& staff, std::string_view case_id,
                                                 std::string_view purpose) {
  if (!staff.key) return common::Status::PermissionDenied("log in again to open case content");
  auto key = keys.OpenWithKeyPair(c, case_id, staff.user.id, purpose, *staff.key);
  if (!key.ok() && key.status().code() == common::StatusCode::kNotFound) {
    return common::Status::PermissionDenied(
        "you hold no key for this case yet; ask a lead to assign it to you");
  }
  return key;
}

std::vector<std::string> SplitComma(std::string_view s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(',', start);
    if (end == std::string_view::npos) end = s.size();
    if (end > start) out.emplace_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

namespace {
template <typename E, typename Parse>
std::vector<E> ParseList(std::string_view s, Parse parse) {
  std::vector<E> out;
  for (const std::string& name : SplitComma(s)) {
    if (auto v = parse(name)) out.push_back(*v);
  }
  return out;
}
}  // namespace

std::vector<domain::Ground> ParseGrounds(std::string_view s) {
  return ParseList<domain::Ground>(s, domain::ParseGround);
}
std::vector<domain::Actor> ParseActors(std::string_view s) {
  return ParseList<domain::Actor>(s, domain::ParseActor);
}
std::vector<domain::Wish> ParseWishes(std::string_view s) {
  return ParseList<domain::Wish>(s, domain::ParseWish);
}
std::vector<domain::Consent> ParseConsents(std::string_view s) {
  return ParseList<domain::Consent>(s, domain::ParseConsent);
}

common::Status RequireLead(const Staff& staff) {
  if (staff.user.role != domain::Role::kMeldpuntHandler || !staff.lead) {
    return common::Status::PermissionDenied("meldpunt leads only");
  }
  return common::Status::Ok();
}

namespace {
domain::DeadlinePolicy LoadDeadlineSettings(db::Connection& c, std::string_view school_id) {
  domain::DeadlinePolicy p;
  auto rows = c.Query(
      "SELECT first_contact_working_days, feedback_months, signal_threshold, aftercare_weeks "
      "FROM school_settings WHERE school_id = $1",
      {school_id});
  if (!rows.ok() || rows->empty()) return p;
  const db::Row& r = rows->rows[0];
  p.first_contact_working_days = static_cast<int>(r.Int(0));
  p.feedback_months = static_cast<int>(r.Int(1));
  p.signal_threshold = static_cast<int>(r.Int(2));
  p.aftercare_weeks.clear();
  for (const std::string& w : SplitComma(r.Text(3))) {
    int weeks = 0;
    if (std::from_chars(w.data(), w.data() + w.size(), weeks).ec != std::errc()) continue;
    if (weeks > 0) p.aftercare_weeks.push_back(weeks);
  }
  return p;
}
}  // namespace

domain::DeadlinePolicy LoadPolicy(db::Connection& c, std::string_view school_id) {
  domain::DeadlinePolicy p = LoadDeadlineSettings(c, school_id);
  // A closed case's period has one owner: the school's retention periods
  // (retention/settings.h, set on /admin/bewaartermijnen).
  auto periods = retention::LoadPeriods(c, school_id);
  p.retention_months = periods.ok() ? periods->Value("cases")
                                    : domain::FindRetentionPeriod("cases")->default_value;
  return p;
}

common::StatusOr<db::Blob> SealField(const crypto::SecretKey& key, std::string_view case_id,
                                     std::string_view field, std::string_view text) {
  SP_ASSIGN_OR_RETURN(std::string sealed,
                      crypto::Seal(key, text, FieldAd("cases", case_id, field)));
  return db::Blob{std::move(sealed)};
}

common::StatusOr<std::string> OpenField(const crypto::SecretKey& key, std::string_view case_id,
                                        std::string_view field, const db::Row& row, size_t column) {
  if (row.IsNull(column)) return std::string();
  return crypto::Open(key, row.BlobBytes(column), FieldAd("cases", case_id, field));
}

common::Status AddEvent(db::Connection& c, std::string_view case_id, common::UnixMillis at,
                        std::string_view kind, std::string_view from_value,
                        std::string_view to_value, std::string_view actor,
                        const std::optional<db::Blob>& detail) {
  db::Param detail_param = detail ? db::Param(*detail) : db::Param(std::nullopt);
  return c
      .Execute(
          "INSERT INTO case_events(id, case_id, at, kind, from_value, to_value, actor, detail) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
          {crypto::RandomId(), case_id, at, kind, from_value, to_value, actor, detail_param})
      .status();
}

audit::Entry CaseAudit(std::string_view school_id, std::string_view actor, std::string action,
                       std::string_view case_id, std::string result) {
  return audit::Entry{std::string(school_id), std::string(actor), std::move(action), "case",
                      std::string(case_id),   std::move(result)};
}

audit::Entry ReporterAudit(std::string_view school_id, std::string action, std::string_view case_id,
                           std::string result) {
  audit::Entry e = CaseAudit(school_id, "", std::move(action), case_id, std::move(result));
  e.day_only = true;
  return e;
}

std::string EncodeIdentity(const domain::ReporterIdentity& id) {
  // Newlines cannot occur: the fields are validated as single-line text.
  return id.name + "\n" + id.student_number + "\n" + id.email;
}

domain::ReporterIdentity DecodeIdentity(std::string_view s) {
  domain::ReporterIdentity id;
  size_t a = s.find('\n');
  size_t b = a == std::string_view::npos ? a : s.find('\n', a + 1);
  id.name = std::string(s.substr(0, a));
  if (a != std::string_view::npos) id.student_number = std::string(s.substr(a + 1, b - a - 1));
  if (b != std::string_view::npos) id.email = std::string(s.substr(b + 1));
  return id;
}

const char kSummaryColumns[] =
    "c.id, c.case_number, c.status, c.mode, c.channel, c.phase, c.grounds, c.received_at, "
    "c.first_contact_due, c.feedback_due, c.first_contact_at, c.feedback_given_at, c.assigned_to, "
    "u.display_name, c.outcome, c.retention_due, c.shredded_at, co.id, co.leerbedrijf_id, co.kvk, "
    "co.name, co.city, c.actors";

CaseSummary SummaryFromRow(const db::Row& r, const domain::DeadlinePolicy& policy,
                           domain::Date today) {
  CaseSummary s;
  s.id = r.Text(0);
  s.case_number = r.Text(1);
  s.status = domain::ParseCaseStatus(r.Text(2)).value_or(domain::CaseStatus::kReceived);
  s.mode = domain::ParseReportMode(r.Text(3)).value_or(domain::ReportMode::kAnonymous);
  s.channel = domain::ParseChannel(r.Text(4)).value_or(domain::Channel::kSelf);
  s.phase = domain::ParsePhase(r.Text(5)).value_or(domain::Phase::kSearch);
  s.grounds = ParseGrounds(r.Text(6));
  s.actors = ParseActors(r.Text(22));
  s.received_at = r.Int(7);
  s.first_contact_due = domain::ParseDate(r.Text(8)).value_or(domain::Date{});
  s.feedback_due = domain::ParseDate(r.Text(9)).value_or(domain::Date{});
  // A withdrawn case has no deadlines left (its dates were shredded).
  bool closed =
      s.status == domain::CaseStatus::kClosed || s.status == domain::CaseStatus::kWithdrawn;
  s.first_contact_state =
      domain::StateOf(s.first_contact_due, !r.IsNull(10) || closed, today, policy.due_soon_days);
  s.feedback_state =
      domain::StateOf(s.feedback_due, !r.IsNull(11) || closed, today, policy.due_soon_days);
  s.assigned_to = r.Text(12);
  s.assigned_name = r.Text(13);
  if (!r.IsNull(14)) s.outcome = domain::ParseOutcome(r.Text(14));
  if (!r.IsNull(15)) s.retention_due = domain::ParseDate(r.Text(15));
  s.shredded = !r.IsNull(16);
  if (!r.IsNull(17))
    s.company = CompanyInfo{r.Text(17), r.Text(18), r.Text(19), r.Text(20), r.Text(21)};
  return s;
}

using common::Status;
using common::StatusOr;

StatusOr<std::vector<std::string>> ActiveLeads(db::Connection& c, std::string_view school_id) {
  SP_ASSIGN_OR_RETURN(db::Rows leads,
                      c.Query("SELECT id FROM users WHERE school_id = $1 AND role = 'meldpunt' "
                              "AND meldpunt_lead = 1 AND disabled = 0 ORDER BY id",
                              {std::string(school_id)}));
  std::vector<std::string> out;
  for (const db::Row& r : leads.rows) out.push_back(r.Text(0));
  return out;
}

Status MailAboutCase(const mail::Outbox* outbox, db::Connection& c, mail::Kind kind,
                     const std::vector<std::string>& user_ids, std::string_view case_id,
                     std::string_view link) {
  if (outbox == nullptr || user_ids.empty()) return Status::Ok();
  SP_ASSIGN_OR_RETURN(
      db::Row r, c.QueryOne("SELECT case_number FROM cases WHERE id = $1", {std::string(case_id)}));
  mail::Params params;
  params.link = std::string(link);
  params.case_reference = r.Text(0);
  for (const std::string& user : user_ids) {
    SP_RETURN_IF_ERROR(outbox->EnqueueForUser(c, kind, user, params).status());
  }
  return Status::Ok();
}

}  // namespace meldpunt::internal
