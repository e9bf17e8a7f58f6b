// File: meldpunt/internal.h
//
// Helpers shared by the meldpunt's .cc files; not part of its interface.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "audit/audit_log.h"
#include "crypto/box.h"
#include "db/database.h"
#include "domain/meldpunt.h"
#include "meldpunt/service.h"

namespace meldpunt::internal {

// "origin,religion" <-> ids.
template <typename E>
std::string JoinNames(const std::vector<E>& values) {
  std::string out;
  for (const E& v : values) {
    if (!out.empty()) out += ',';
    out += domain::Name(v);
  }
  return out;
}
std::vector<std::string> SplitComma(std::string_view s);
std::vector<domain::Ground> ParseGrounds(std::string_view s);
std::vector<domain::Actor> ParseActors(std::string_view s);
std::vector<domain::Wish> ParseWishes(std::string_view s);
std::vector<domain::Consent> ParseConsents(std::string_view s);

domain::DeadlinePolicy LoadPolicy(db::Connection& c, std::string_view school_id);

// The window of the signal register: the last 12 months.
inline constexpr common::UnixMillis kTwelveMonthsMillis = 365LL * 24 * 60 * 60 * 1000;

// The signal register and pauses are for the school's meldpunt leads only
// (the lead flag comes from the database through StaffFor).
common::Status RequireLead(const Staff& staff);

// The open pauses (proposed, or active until today or later) of a school,
// of one company or of all (`company_id` ""), with their responses.
struct OpenPause {
  std::string company_id;
  Meldpunt::Pause pause;
};
common::StatusOr<std::vector<OpenPause>> LoadOpenPauses(db::Connection& c,
                                                        std::string_view school_id,
                                                        std::string_view company_id,
                                                        domain::Date today);

// Seals/opens one text field of a case record, bound to (case id, field).
common::StatusOr<db::Blob> SealField(const crypto::SecretKey& key, std::string_view case_id,
                                     std::string_view field, std::string_view text);
common::StatusOr<std::string> OpenField(const crypto::SecretKey& key, std::string_view case_id,
                                        std::string_view field, const db::Row& row, size_t column);

common::Status AddEvent(db::Connection& c, std::string_view case_id, common::UnixMillis at,
                        std::string_view kind, std::string_view from_value,
                        std::string_view to_value, std::string_view actor,
                        const std::optional<db::Blob>& detail = std::nullopt);

audit::Entry CaseAudit(std::string_view school_id, std::string_view actor, std::string action,
                       std::string_view case_id, std::string result = "ok");
// A record of the reporter's side: submitting a report, and everything done
// with the code afterwards. It names no actor and keeps only the day
// (audit::Entry::day_only), so no record can be lined up with a logged-in
// student's own records at the same moment (an anonymous report stays so).
audit::Entry ReporterAudit(std::string_view school_id, std::string action, std::string_view case_id,
                           std::string result = "ok");

// Identity <-> sealed text (one line per field, in a fixed order).
std::string EncodeIdentity(const domain::ReporterIdentity& id);
domain::ReporterIdentity DecodeIdentity(std::string_view s);

// The case behind a reporter's session token, with its key; kUnauthenticated
// when the token is unknown or expired or the case was shredded.
struct ReporterCase {
  std::string case_id;
  std::string school_id;
  crypto::SecretKey case_key;
};
common::StatusOr<ReporterCase> LoadReporterSession(db::Connection& c, std::string_view token,
                                                   common::UnixMillis now);

// A case the staff member may see (need-to-know, P8): a lead sees every case
// of their school, other handlers only those assigned to them; anything else
// is kNotFound, the same as a missing case.
struct VisibleCase {
  std::string id;
  std::string school_id;
  domain::CaseStatus status = domain::CaseStatus::kReceived;
  domain::ReportMode mode = domain::ReportMode::kAnonymous;
  std::string assigned_to;
  std::vector<domain::Consent> consents;
  bool shredded = false;
};
common::StatusOr<VisibleCase> LoadVisibleCase(db::Connection& c, const Staff& staff,
                                              std::string_view case_id);
// The case (or identity) key this handler holds; kPermissionDenied without one.
common::StatusOr<crypto::SecretKey> StaffCaseKey(db::Connection& c, const KeyRing& keys,
                                                 const Staff& staff, std::string_view case_id,
                                                 std::string_view purpose = kCasePurpose);

// P9 (identity.cc). Whether a second person approved `user_id`'s request
// to see the case's confidential identity.
bool IdentityRevealedTo(db::Connection& c, std::string_view case_id, std::string_view user_id);
// The case's reveal requests, newest first; reasons opened with `key` if any.
common::StatusOr<std::vector<IdentityReveal>> LoadReveals(
    db::Connection& c, std::string_view case_id, const std::optional<crypto::SecretKey>& key,
    common::UnixMillis now);
// What the reporter is told: every approved reveal, oldest first.
common::StatusOr<std::vector<IdentityNotice>> LoadIdentityNotices(
    db::Connection& c, std::string_view case_id, const crypto::SecretKey& case_key);

// A categorical row of `cases`, as listed by kSummaryColumns.
extern const char kSummaryColumns[];
CaseSummary SummaryFromRow(const db::Row& r, const domain::DeadlinePolicy& policy,
                           domain::Date today);

// The school's active meldpunt leads.
common::StatusOr<std::vector<std::string>> ActiveLeads(db::Connection& c,
                                                       std::string_view school_id);
// Queues the alert mail `kind` about a case to each user, in the caller's
// transaction: it names the case reference and `link`, nothing else. Users
// without an address, disabled or opted out get none; no outbox: nothing.
common::Status MailAboutCase(const mail::Outbox* outbox, db::Connection& c, mail::Kind kind,
                             const std::vector<std::string>& user_ids, std::string_view case_id,
                             std::string_view link);

// Crypto-shreds one case in the caller's transaction (retention.cc owns the
// list of what goes). kRetention: a closed case whose period ended; the
// categorical handling record stays for the monitor. kWithdrawal: the
// reporter withdrew it; only school, month received and status stay. The
// attachments' stored names are appended to `files`: remove them with
// RemoveShreddedFiles after the commit, so a rollback loses nothing.
enum class ShredScope { kRetention, kWithdrawal };
common::Status ShredCase(db::Connection& c, std::string_view case_id, ShredScope scope,
                         common::UnixMillis now, std::vector<std::string>& files);
void RemoveShreddedFiles(const std::string& files_dir, const std::vector<std::string>& files);

}  // namespace meldpunt::internal
