#include "domain/retention.h"

#include <array>

namespace domain {

namespace {

using enum RetentionStart;
using enum RetentionUnit;
using DS = DataSubject;
using P = Purpose;
using SK = SubjectKey;

// The defaults follow the school sector's usual practice (a student's file
// two years after leaving, stagematching two school years, the audit log five
// years). The bounds keep a school from choosing "forever" or a period too
// short to handle a complaint; a school's privacy officer picks within them.
constexpr std::array kPeriods{
    // A closed report, then crypto-shredded (was school_settings.retention_months).
    RetentionPeriod{"cases", kMonths, 24, 1, 120},
    // A student's record and account after they leave the school.
    RetentionPeriod{"students", kMonths, 24, 1, 60},
    // Rounds, leerwensen and placements after the school year ends.
    RetentionPeriod{"stagematching", kYears, 2, 1, 7},
    // A company contact after their company's last placement ended.
    RetentionPeriod{"company_contacts", kMonths, 24, 6, 60},
    // A staff account after it was disabled.
    RetentionPeriod{"staff_accounts", kMonths, 12, 1, 36},
    // A training record after the training expired.
    RetentionPeriod{"training", kMonths, 24, 1, 60},
    // Sessions, invitations, reset links and other tokens after expiry.
    RetentionPeriod{"expired_tokens", kDays, 7, 1, 90},
    // Dashboard notifications after they were made.
    RetentionPeriod{"notifications", kDays, 180, 30, 730},
    // Sent or failed mail (the body is wiped at once; the address stays).
    RetentionPeriod{"mail", kDays, 30, 7, 90},
    // The link "this student answered the pulse survey for this placement".
    RetentionPeriod{"pulse_links", kMonths, 12, 1, 24},
    // Pauses, hearings and the cross-school signal snapshot.
    RetentionPeriod{"signals", kYears, 5, 1, 10},
    // Anonymous pulse answers and the self-assessment, for the monitor.
    RetentionPeriod{"monitor", kYears, 5, 1, 10},
    // The audit log; the chain stays verifiable from its first kept record.
    RetentionPeriod{"audit", kYears, 5, 1, 10},
};

constexpr RetentionRule Own(std::string_view table, DS subject, P purpose, RetentionStart start,
                            std::string_view period, std::string_view column = {},
                            SK key = SK::kNone) {
  return RetentionRule{table, subject, purpose, start, period, {}, column, key};
}
constexpr RetentionRule With(std::string_view table, DS subject, P purpose, std::string_view parent,
                             std::string_view column = {}, SK key = SK::kNone,
                             std::string_view parent_column = {}) {
  return RetentionRule{table,  subject, purpose, kWithParent,          {},
                       parent, column,  key,     ErasePolicy::kDelete, parent_column};
}
// A child without a subject column of its own, removed by `parent_column`.
constexpr RetentionRule Under(std::string_view table, DS subject, P purpose,
                              std::string_view parent, std::string_view parent_column) {
  return With(table, subject, purpose, parent, {}, SK::kNone, parent_column);
}
constexpr RetentionRule Kept(std::string_view table, DS subject, P purpose,
                             std::string_view column = {}, SK key = SK::kNone) {
  return RetentionRule{table, subject, purpose, kWhileInUse, {}, {}, column, key};
}
// A row that stays when its subject is erased (ErasePolicy::kKeep).
constexpr RetentionRule KeepOnErase(RetentionRule rule) {
  rule.erase = ErasePolicy::kKeep;
  return rule;
}

constexpr std::array kRules{
    // Service internals: no personal data.
    Kept("schema_migrations", DS::kNone, P::kAccounts),
    Kept("sqlite_stat1", DS::kNone, P::kAccounts),
    Kept("jobs_lease", DS::kNone, P::kAccounts),
    // The school and its configuration.
    Kept("schools", DS::kNone, P::kAccounts),
    Kept("school_settings", DS::kNone, P::kMeldpunt),
    Kept("school_login_domains", DS::kNone, P::kAccounts),
    Kept("school_sso", DS::kNone, P::kAccounts),
    Kept("school_retention", DS::kNone, P::kAccountability),
    // The controller's contact and data protection officer, for the privacy page.
    Kept("school_privacy", DS::kStaff, P::kAccountability),
    // Accounts and their security.
    Own("users", DS::kAnyUser, P::kAccounts, kAccountDisabled, "staff_accounts", "id", SK::kUserId),
    With("user_keys", DS::kAnyUser, P::kAccounts, "users", "user_id", SK::kUserId),
    With("user_identities", DS::kAnyUser, P::kAccounts, "users", "user_id", SK::kUserId),
    Own("sessions", DS::kAnyUser, P::kAccounts, kExpired, "expired_tokens", "user_id", SK::kUserId),
    With("sso_sessions", DS::kAnyUser, P::kAccounts, "sessions"),
    Own("sso_login_states", DS::kNone, P::kAccounts, kExpired, "expired_tokens"),
    Own("key_sessions", DS::kAnyUser, P::kAccounts, kExpired, "expired_tokens", "user_id",
        SK::kUserId),
    Own("invitations", DS::kAnyUser, P::kAccounts, kExpired, "expired_tokens", "user_id",
        SK::kUserId),
    Own("password_resets", DS::kAnyUser, P::kAccounts, kExpired, "expired_tokens", "user_id",
        SK::kUserId),
    Own("api_tokens", DS::kStaff, P::kAccounts, kExpired, "expired_tokens", "user_id", SK::kUserId),
    Own("login_throttle", DS::kAnyUser, P::kAccounts, kExpired, "expired_tokens"),
    KeepOnErase(Own("audit_log", DS::kAnyUser, P::kAccountability, kWritten, "audit", "actor",
                    SK::kUserId)),
    // Where the kept part of the audit chain starts once older records are removed.
    Kept("audit_anchor", DS::kNone, P::kAccountability),
    // Requests to use a right (download, correction, erasure, objection) and
    // their answers: proof that the school answered, kept like the audit log.
    KeepOnErase(Own("privacy_requests", DS::kAnyUser, P::kAccountability, kWritten, "audit",
                    "user_id", SK::kUserId)),
    // Mail and notifications.
    Own("mail_outbox", DS::kAnyUser, P::kMail, kWritten, "mail", "user_id", SK::kUserId),
    With("mail_opt_outs", DS::kAnyUser, P::kMail, "users", "user_id", SK::kUserId),
    Own("notifications", DS::kStaff, P::kMeldpunt, kWritten, "notifications", "user_id",
        SK::kUserId),
    // The meldpunt: a case and everything under it goes when the case is shredded.
    Own("cases", DS::kReporter, P::kMeldpunt, kCaseClosed, "cases"),
    With("case_keys", DS::kReporter, P::kMeldpunt, "cases"),
    With("case_events", DS::kReporter, P::kMeldpunt, "cases"),
    With("case_messages", DS::kReporter, P::kMeldpunt, "cases"),
    With("case_actions", DS::kReporter, P::kMeldpunt, "cases"),
    With("aftercare_tasks", DS::kReporter, P::kMeldpunt, "cases"),
    With("attachments", DS::kReporter, P::kMeldpunt, "cases"),
    With("reporter_sessions", DS::kReporter, P::kMeldpunt, "cases"),
    With("case_alerts", DS::kNone, P::kMeldpunt, "cases"),
    With("identity_reveals", DS::kReporter, P::kMeldpunt, "cases"),
    With("case_mail_optin", DS::kStudent, P::kMail, "cases", "user_id", SK::kUserId),
    With("meldpunt_key_grants", DS::kStaff, P::kMeldpunt, "users", "user_id", SK::kUserId),
    // Companies: the register holds businesses, not people.
    Kept("companies", DS::kNone, P::kStagematching),
    Kept("school_companies", DS::kNone, P::kStagematching),
    Kept("company_crebos", DS::kNone, P::kStagematching),
    Own("company_contacts", DS::kCompanyContact, P::kStagematching, kLastPlacementEnd,
        "company_contacts", "user_id", SK::kUserId),
    Own("company_pauses", DS::kNone, P::kMeldpunt, kWritten, "signals"),
    Under("company_pause_responses", DS::kNone, P::kMeldpunt, "company_pauses", "pause_id"),
    Own("company_signals", DS::kNone, P::kMeldpunt, kWritten, "signals"),
    // Stagematching: the student's record, then rounds by school year.
    Own("students", DS::kStudent, P::kStagematching, kStudentLeft, "students", "id",
        SK::kStudentId),
    Own("leerplaatsen", DS::kNone, P::kStagematching, kSchoolYearEnded, "stagematching"),
    Own("rounds", DS::kNone, P::kStagematching, kSchoolYearEnded, "stagematching"),
    With("round_students", DS::kStudent, P::kStagematching, "rounds", "student_id", SK::kStudentId,
         "round_id"),
    Under("round_exclusions", DS::kNone, P::kStagematching, "rounds", "round_id"),
    Under("round_runs", DS::kNone, P::kStagematching, "rounds", "round_id"),
    Under("round_files", DS::kStudent, P::kStagematching, "rounds", "round_id"),
    Own("leerwensen", DS::kStudent, P::kStagematching, kSchoolYearEnded, "stagematching",
        "student_id", SK::kStudentId),
    With("leerwens_choices", DS::kStudent, P::kStagematching, "leerwensen", "student_id",
         SK::kStudentId),
    Own("placements", DS::kStudent, P::kStagematching, kSchoolYearEnded, "stagematching",
        "student_id", SK::kStudentId),
    With("placement_misses", DS::kStudent, P::kStagematching, "rounds", "student_id",
         SK::kStudentId, "round_id"),
    Under("placement_flags", DS::kStudent, P::kStagematching, "placements", "placement_id"),
    // The norm: versions and acceptances are kept while in use; reading and
    // the pulse survey follow their placement or their own period.
    Kept("norm_versions", DS::kNone, P::kNorm),
    // The company's acceptance stays when the contact who clicked is erased.
    KeepOnErase(
        Kept("norm_acceptances", DS::kCompanyContact, P::kNorm, "accepted_by", SK::kUserId)),
    With("norm_reads", DS::kStudent, P::kNorm, "placements", "user_id", SK::kUserId,
         "placement_id"),
    Own("pulse_done", DS::kStudent, P::kNorm, kWritten, "pulse_links", "user_id", SK::kUserId),
    Own("pulse_answers", DS::kNone, P::kMonitor, kWritten, "monitor"),
    Own("assessment_items", DS::kNone, P::kMonitor, kSchoolYearEnded, "monitor"),
    Own("training_records", DS::kStaff, P::kNorm, kExpired, "training", "user_id", SK::kUserId),
    // The stagebegeleider (docs/teacher.md): a coordinator's link of a teacher
    // and a student goes with the student record; a report made for a student
    // goes with its case (shredded, then the row is deleted); a request to
    // talk holds only the teacher and is kept like a notification.
    With("teacher_students", DS::kStudent, P::kStagematching, "students", "student_id",
         SK::kStudentId),
    With("student_case_links", DS::kStudent, P::kMeldpunt, "cases", "student_id", SK::kStudentId),
    Own("teacher_consultations", DS::kStaff, P::kMeldpunt, kWritten, "notifications", "teacher_id",
        SK::kUserId),
    // Referrals: the school's outside contacts (ADV, SBB) are configuration
    // naming staff of those organisations; a referral's hand-over summary is
    // sealed with its case key and goes when the case is shredded.
    Kept("referral_contacts", DS::kStaff, P::kMeldpunt),
    With("referrals", DS::kReporter, P::kMeldpunt, "cases"),
    // BPV agreements: internships no round made, read in by the school. Kept
    // like placements, by the school year their internship ended in; their
    // norm reading and pulse links go with them.
    Own("bpv_agreements", DS::kStudent, P::kStagematching, kSchoolYearEnded, "stagematching",
        "student_id", SK::kStudentId),
};

}  // namespace

std::span<const RetentionPeriod> RetentionPeriods() { return kPeriods; }

const RetentionPeriod* FindRetentionPeriod(std::string_view key) {
  for (const RetentionPeriod& p : kPeriods) {
    if (p.key == key) return &p;
  }
  return nullptr;
}

std::span<const RetentionRule> RetentionRules() { return kRules; }

const RetentionRule* FindRetentionRule(std::string_view table) {
  for (const RetentionRule& r : kRules) {
    if (r.table == table) return &r;
  }
  return nullptr;
}

bool RetentionValueAllowed(const RetentionPeriod& period, int value) {
  return value >= period.min_value && value <= period.max_value;
}

Date RetentionCutoff(Date today, RetentionUnit unit, int value) {
  switch (unit) {
    case kDays:
      return AddDays(today, -value);
    case kMonths:
      return AddMonths(today, -value);
    case kYears:
      return AddMonths(today, -12 * value);
  }
  return today;
}

common::UnixMillis RetentionCutoffMillis(common::UnixMillis now, RetentionUnit unit, int value) {
  constexpr common::UnixMillis kDay = 24LL * 60 * 60 * 1000;
  Date today = DateFromMillis(now);
  return now -
         static_cast<common::UnixMillis>(today.days - RetentionCutoff(today, unit, value).days) *
             kDay;
}

Date LastSchoolYearEndPast(Date today, int years) {
  Date cutoff = RetentionCutoff(today, kYears, years);
  // FormatDate gives "YYYY-MM-DD"; the end of the school year that holds the
  // cutoff day is 31 July of this or the next year, and the one before that
  // is the latest end strictly before the cutoff.
  std::string text = FormatDate(cutoff);
  int year = std::stoi(text.substr(0, 4));
  Date end = MakeDate(year, 7, 31);
  return end < cutoff ? end : MakeDate(year - 1, 7, 31);
}

std::string SchoolYearLabelEnding(Date end) {
  int year = std::stoi(FormatDate(end).substr(0, 4));
  return std::to_string(year - 1) + "-" + std::to_string(year);
}

std::string_view RetentionStartName(RetentionStart start) {
  switch (start) {
    case kCaseClosed:
      return "case_closed";
    case kStudentLeft:
      return "student_left";
    case kSchoolYearEnded:
      return "school_year_ended";
    case kLastPlacementEnd:
      return "last_placement_end";
    case kAccountDisabled:
      return "account_disabled";
    case kExpired:
      return "expired";
    case kWritten:
      return "written";
    case kWithParent:
      return "with_parent";
    case kWhileInUse:
      return "while_in_use";
  }
  return "";
}

std::string_view RetentionUnitName(RetentionUnit unit) {
  switch (unit) {
    case kDays:
      return "days";
    case kMonths:
      return "months";
    case kYears:
      return "years";
  }
  return "";
}

std::string_view DataSubjectName(DataSubject subject) {
  switch (subject) {
    case DS::kNone:
      return "none";
    case DS::kStudent:
      return "student";
    case DS::kReporter:
      return "reporter";
    case DS::kStaff:
      return "staff";
    case DS::kCompanyContact:
      return "company_contact";
    case DS::kAnyUser:
      return "any_user";
  }
  return "";
}

std::string_view PurposeName(Purpose purpose) {
  switch (purpose) {
    case P::kMeldpunt:
      return "meldpunt";
    case P::kStagematching:
      return "stagematching";
    case P::kAccounts:
      return "accounts";
    case P::kMonitor:
      return "monitor";
    case P::kNorm:
      return "norm";
    case P::kAccountability:
      return "accountability";
    case P::kMail:
      return "mail";
  }
  return "";
}

}  // namespace domain
