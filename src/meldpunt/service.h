// File: meldpunt/service.h
//
// The meldpunt as a service: students report, handlers work cases, and the
// reporter follows up with their code. The web pages and the JSON API both
// call this class; it owns the rules about who sees what, decrypts only for
// callers entitled to the content, and writes one audit record for every read
// or change of a case, in the same transaction (P8, P10).
//
//   Meldpunt mp(db, clock, audit, keyring, files_dir);
//   auto receipt = mp.Submit(school, draft, {});      // 201 only after commit
//   auto session = mp.OpenReporterSession(code);      // the student returns
//   auto view    = mp.ReporterCase(session->token);
//
// Handlers reach content through a StaffKey: their user and the key pair
// unwrapped for their browser session (keyring.h). Without it they still see
// the inbox's categorical fields, never content.
//
// Errors: kInvalidArgument names the field; kNotFound covers both "missing"
// and "another school's" (same message); kFailedPrecondition for workflow and
// consent rules; kUnavailable when the database is down.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "auth/accounts.h"
#include "common/clock.h"
#include "db/database.h"
#include "domain/company_pause.h"
#include "domain/meldpunt.h"
#include "mail/outbox.h"
#include "meldpunt/keyring.h"

namespace meldpunt {

struct Receipt {
  std::string case_id;  // internal; not shown to the reporter
  std::string case_number;
  std::string code;  // display form; shown once, stored nowhere
  common::UnixMillis acknowledged_at = 0;
  std::string content_sha256;
  domain::Date first_contact_due;
};

// Who registered a report when it was not the student alone.
struct SubmittedBy {
  std::string user_id;  // staff member registering on the student's behalf
};

struct Message {
  std::string from;  // "reporter" or "meldpunt"
  std::string text;
  common::UnixMillis at = 0;
};

struct CompanyInfo {
  std::string id;
  std::string leerbedrijf_id;
  std::string kvk;
  std::string name;
  std::string city;
};

// How much attachments may take (M3). Past a quota an upload is refused
// with kResourceExhausted, field "attachment", and as its message one of the
// reason ids below (pages translate them); nothing of it is stored.
struct AttachmentQuotas {
  // Files the reporter (no account) may add to one report.
  int per_report = 5;
  // Bytes all attachments of one case may hold, whoever added them.
  int64_t bytes_per_case = int64_t{25} * 1024 * 1024;
  // Bytes reporters may add to one school's cases per UTC day; 0 = no limit.
  int64_t reporter_bytes_per_school_day = int64_t{500} * 1024 * 1024;
};
inline constexpr char kQuotaPerReport[] = "attachments_per_report";
inline constexpr char kQuotaPerCase[] = "attachment_bytes_per_case";
inline constexpr char kQuotaPerSchoolDay[] = "attachment_bytes_per_school_day";
// The message of OpenReporterSession's answer to the code of a withdrawn report.
inline constexpr char kWithdrawnReport[] = "report_withdrawn";

struct AttachmentInfo {
  std::string id;
  std::string kind;  // pdf, png, jpeg
  int64_t size = 0;
  common::UnixMillis at = 0;
  std::string uploaded_by;  // "reporter" or "meldpunt"
};

// P9: the reporter is told when their identity was shown to the meldpunt.
struct IdentityNotice {
  common::UnixMillis at = 0;  // when the second person approved
  std::string approved_as;    // "lead" (a second lead) or "recovery" (the school admin)
  std::string reason;         // the requesting lead's reason
};

struct ReporterView {
  std::string case_number;
  domain::CaseStatus status = domain::CaseStatus::kReceived;
  domain::ReportMode mode = domain::ReportMode::kAnonymous;
  std::string narrative;
  std::vector<Message> messages;
  domain::Date first_contact_due;
  domain::Date feedback_due;
  common::UnixMillis received_at = 0;
  std::string handler;  // "Meldpunt" or the handler's name, per school setting
  std::vector<domain::Consent> consents;
  std::optional<domain::Outcome> outcome;
  std::string outcome_text;  // what happened, as far as the school tells
  bool survey_done = false;
  std::vector<AttachmentInfo> attachments;
  std::vector<IdentityNotice> identity_notices;  // approved reveals, oldest first
};

struct InboxFilter {
  std::optional<domain::CaseStatus> status;
  std::optional<domain::Phase> phase;
  std::optional<domain::Ground> ground;
  std::string company_id;
  // "overdue", "due_soon" or "" for all.
  std::string deadline;
  bool mine_only = false;
  bool include_closed = false;
  int limit = 200;
  // A case number as typed (crypto::NormalizeCaseReference), closed cases
  // included; "" for all.
  std::string case_number;
};

// The handler's open cases, counted over all of them (not one page).
struct InboxCounts {
  int64_t open = 0;
  int64_t overdue = 0;   // worst deadline state overdue
  int64_t due_soon = 0;  // worst deadline state due soon
};

struct CaseSummary {
  std::string id;
  std::string case_number;
  domain::CaseStatus status = domain::CaseStatus::kReceived;
  domain::ReportMode mode = domain::ReportMode::kAnonymous;
  domain::Channel channel = domain::Channel::kSelf;
  domain::Phase phase = domain::Phase::kSearch;
  std::vector<domain::Ground> grounds;
  std::vector<domain::Actor> actors;  // who did it; empty: not given
  std::optional<CompanyInfo> company;
  common::UnixMillis received_at = 0;
  domain::Date first_contact_due;
  domain::Date feedback_due;
  domain::DeadlineState first_contact_state = domain::DeadlineState::kOpen;
  domain::DeadlineState feedback_state = domain::DeadlineState::kOpen;
  std::string assigned_to;  // user id or ""
  std::string assigned_name;
  std::optional<domain::Outcome> outcome;
  std::optional<domain::Date> retention_due;
  bool shredded = false;
};

struct CaseEvent {
  common::UnixMillis at = 0;
  std::string kind;  // status, assigned, extension, consent, mode, survey, ...
  std::string from_value;
  std::string to_value;
  std::string actor_name;
  std::string detail;  // decrypted reason text, if any
};

struct ActionRecord {
  common::UnixMillis at = 0;
  domain::ActionKind kind = domain::ActionKind::kTalkStudent;
  std::string actor_name;
  std::string note;
};

struct AftercareTask {
  std::string id;
  domain::Date due_on;
  std::optional<common::UnixMillis> done_at;
  std::string note;
};

// P9: a lead's request to see a confidential reporter's identity, which a
// second lead or the school admin with the recovery code decides on.
struct IdentityReveal {
  enum class State { kPending, kApproved, kRefused, kExpired };
  std::string id;
  std::string requested_by;  // user id of the lead
  std::string requested_by_name;
  common::UnixMillis requested_at = 0;
  common::UnixMillis expires_at = 0;
  std::string reason;  // "" when the caller holds no case key
  State state = State::kPending;
  std::string decided_as;  // "lead" or "recovery" once decided
  std::optional<common::UnixMillis> decided_at;
};
std::string_view Name(IdentityReveal::State state);  // pending, approved, refused, expired

// A pending request as the school admin sees it: no content, no names.
struct PendingReveal {
  std::string id;
  std::string case_number;
  common::UnixMillis requested_at = 0;
  common::UnixMillis expires_at = 0;
};

struct CaseDetail {
  CaseSummary summary;
  std::string narrative;
  std::string company_text;  // as the student typed it, when not in the register
  std::optional<domain::Date> occurred_on;
  std::vector<domain::Wish> wishes;
  std::vector<domain::Consent> consents;
  // Named reports: everyone on the case. Confidential: only the lead whose
  // reveal request a second person approved (P9, identity.cc).
  std::optional<domain::ReporterIdentity> identity;
  bool identity_hidden = false;         // there is an identity this caller may not see
  std::vector<IdentityReveal> reveals;  // newest first; leads only
  std::vector<Message> messages;
  std::vector<CaseEvent> events;
  std::vector<ActionRecord> actions;
  std::vector<AftercareTask> aftercare;
  std::vector<AttachmentInfo> attachments;
  std::string content_sha256;
  std::string outcome_text;
  std::optional<int> survey_heard, survey_believed, survey_know_outcome;
  bool can_read_content = false;  // false: this handler holds no key for the case yet
};

// The caller on the staff side.
struct Staff {
  auth::User user;
  bool lead = false;
  std::optional<crypto::KeyPair> key;  // unwrapped for this browser session
};

struct HandlerInfo {
  std::string id;
  std::string name;
  bool lead = false;
  bool has_key = false;
};

class Meldpunt {
 public:
  Meldpunt(db::Database& db, const common::Clock& clock, const audit::AuditLog& audit,
           const KeyRing& keys, std::string files_dir)
      : db_(db), clock_(clock), audit_(audit), keys_(keys), files_dir_(std::move(files_dir)) {}

  // Set once at start-up, before requests are served.
  void set_attachment_quotas(const AttachmentQuotas& q) { quotas_ = q; }
  const AttachmentQuotas& attachment_quotas() const { return quotas_; }
  // Where alert mails are queued (in the event's transaction); null: none.
  // New case -> the leads; assignment -> the handler; deadline alert -> the
  // same people as the dashboard notification; reporter's message -> the
  // handler (the leads when unassigned); staff message -> the student who
  // asked for mail (case_mail_optin). Mails name a case reference and a link.
  void set_outbox(const mail::Outbox* outbox) { outbox_ = outbox; }

  // ---- Reporting (reports.cc) ----
  // Validates, encrypts and durably commits; the Receipt exists only after
  // the commit. kFailedPrecondition when the school's meldpunt has no key
  // to seal for (no recovery key and no lead with a key).
  // `mail_optin_user`: a logged-in student who asked to hear by mail of new
  // messages (kept in case_mail_optin; ignored for anonymous reports).
  common::StatusOr<Receipt> Submit(const auth::School& school, const domain::ReportDraft& draft,
                                   const std::optional<SubmittedBy>& by,
                                   std::string_view mail_optin_user = {});
  // The school's register, for the report form: name, leerbedrijf-ID or KvK.
  common::StatusOr<std::vector<CompanyInfo>> SearchCompanies(std::string_view school_id,
                                                             std::string_view query,
                                                             int limit = 10);
  domain::DeadlinePolicy Policy(std::string_view school_id);

  // ---- The reporter with their code (reporter.cc) ----
  struct ReporterSession {
    std::string token;
    common::UnixMillis expires_at = 0;
  };
  // kUnauthenticated for an unknown (or shredded) code; kFailedPrecondition
  // with message kWithdrawnReport for the code of a withdrawn report.
  common::StatusOr<ReporterSession> OpenReporterSession(std::string_view code);
  common::StatusOr<ReporterView> ReporterCase(std::string_view token);
  common::Status ReporterMessage(std::string_view token, std::string_view text);
  common::Status ReporterWithdrawConsent(std::string_view token, domain::Consent consent);
  common::Status ReporterGiveConsent(std::string_view token, domain::Consent consent);
  // Towards openness only; confidential and named need the identity.
  common::Status ReporterOpenUp(std::string_view token, domain::ReportMode mode,
                                const domain::ReporterIdentity& identity);
  // Scores 1..5 for "heard", "believed", "know what happened". Closed cases only.
  common::Status ReporterSurvey(std::string_view token, int heard, int believed, int know_outcome);
  common::Status EndReporterSession(std::string_view token);
  // The reporter withdraws the report (withdrawal.cc): it is crypto-shredded
  // at once, keeping only school, month received and status "withdrawn" for
  // the count; the reporter's sessions end; the assigned handler and the
  // leads get a notification naming only the case number; audited day-only
  // without an actor. kUnauthenticated when the session has ended.
  common::Status WithdrawReport(std::string_view token);

  // ---- Handling (cases.cc) ----
  // The staff member behind a request: lead flag from the database, key pair
  // from the `sp_key` cookie when it still opens (else no key).
  common::StatusOr<Staff> StaffFor(const auth::User& user, std::string_view key_cookie);
  common::StatusOr<std::vector<CaseSummary>> Inbox(const Staff& staff, const InboxFilter& filter);
  // Open, overdue and due-soon counts over every case the handler may see.
  common::StatusOr<InboxCounts> CountInbox(const Staff& staff);
  // Decrypts what the handler may see and audits the read.
  common::StatusOr<CaseDetail> OpenCase(const Staff& staff, std::string_view case_id);
  common::StatusOr<std::vector<HandlerInfo>> Handlers(std::string_view school_id);
  // Leads assign; the assigned handler may transfer. Seals the keys to the
  // new handler, removes the previous one's identity copy.
  common::Status Assign(const Staff& staff, std::string_view case_id, std::string_view to_user_id);
  common::Status Transition(const Staff& staff, std::string_view case_id, domain::CaseStatus to,
                            std::optional<domain::Outcome> outcome = std::nullopt,
                            std::string_view outcome_text = {});
  // Junk in bulk: closes `case_ids` with outcome kNotAReport ("geen
  // melding": spam or a test) in one transaction, all or none, and returns
  // how many. Only for a lead (kPermissionDenied otherwise). A case that is
  // missing or of another school makes it kNotFound, one already closed
  // kFailedPrecondition, an empty or overlong list kInvalidArgument; the
  // field is "case". Each case gets its status event and its own audit
  // record; no aftercare, as nothing happened to anyone.
  static constexpr size_t kMaxBulkClose = 200;
  common::StatusOr<int> CloseAsNotAReport(const Staff& staff,
                                          const std::vector<std::string>& case_ids);
  common::Status StaffMessage(const Staff& staff, std::string_view case_id, std::string_view text);
  common::Status RecordAction(const Staff& staff, std::string_view case_id, domain::ActionKind kind,
                              std::string_view note);
  // Which deadline: "first_contact" or "feedback".
  common::Status Extend(const Staff& staff, std::string_view case_id, std::string_view which,
                        domain::Date new_due, std::string_view reason);
  common::Status CompleteAftercare(const Staff& staff, std::string_view case_id,
                                   std::string_view task_id, std::string_view note);
  // The school admin's recovery: seals every case key of the school to the
  // current key of each lead and of each assigned handler.
  common::StatusOr<int> RegrantWithRecoveryCode(const auth::User& admin, std::string_view code);

  // ---- Leads, and keys that follow the role (leads.cc) ----
  // The school admin (page) or the system (CLI) makes handlers leads; the
  // caller has checked that they may (route Access, or the server's CLI).
  // Rule: a school with active meldpunt handlers always has an active lead,
  // so that someone receives new cases. EnsureLead restores it where it can
  // break: a handler created at a school without a lead, or the last lead
  // disabled (the earliest created active handler becomes lead, audited as
  // meldpunt.lead_add with result "auto"); RemoveLead refuses the last lead.
  // A new lead, and a handler whose key pair was replaced, get a queued
  // grant (meldpunt_key_grants) which the first request of any lead holding
  // keys processes (StaffFor), or the recovery code at once.
  struct StaffKeys {
    std::string id;
    std::string name;
    std::string login;
    bool lead = false;
    bool has_key_pair = false;   // logged in since their account (or key) was made
    bool grant_pending = false;  // a queued grant waits (for a key pair, or a lead)
    int64_t missing = 0;         // cases they should hold a key for and do not
  };
  // The school's active meldpunt handlers, by name.
  common::StatusOr<std::vector<StaffKeys>> LeadOverview(std::string_view school_id);
  // Returns whether someone was made lead.
  common::StatusOr<bool> EnsureLead(db::Connection& c, std::string_view school_id,
                                    std::string_view actor_id);
  common::StatusOr<bool> EnsureLead(std::string_view school_id, std::string_view actor_id);
  // kNotFound for a user of another school (or none); kInvalidArgument (field
  // "user") for a user who is not an active meldpunt handler. Already a lead:
  // nothing happens.
  common::Status AddLead(std::string_view school_id, std::string_view actor_id,
                         std::string_view user_id);
  // Takes the lead role back: every case key copy they held as lead goes
  // (copies of cases assigned to them as handler stay: the case key, and the
  // identity key of a named report), their key sessions end (they log in
  // again). kFailedPrecondition (field "user") for the last active lead.
  common::Status RemoveLead(std::string_view school_id, std::string_view actor_id,
                            std::string_view user_id);
  // Processes every queued grant of the school with the recovery code:
  // returns the number of case keys sealed. kPermissionDenied (field
  // "recovery_code") for a wrong code.
  common::StatusOr<int> GrantWithRecoveryCode(std::string_view school_id, std::string_view actor_id,
                                              std::string_view code);
  // Processes the school's queued grants with the keys `lead` holds; returns
  // the number of case keys sealed. StaffFor calls it when grants wait.
  common::StatusOr<int> ProcessKeyGrants(const Staff& lead);
  // After a password reset, in the reset's transaction: a handler's key pair
  // no longer unwraps, so it is dropped (KeyRing::DropUserKeys) and the
  // school's leads get a dashboard notification. Returns the lead ids (to
  // mail); empty for anyone who is not a meldpunt handler.
  common::StatusOr<std::vector<std::string>> HandlerKeysLost(db::Connection& c,
                                                             const auth::User& user);

  // ---- Identity reveal, P9 (identity.cc) ----
  // Nobody opens a confidential reporter's identity alone. A lead asks, with
  // a reason (required, field "reason"); a second lead (never the one who
  // asked) or the school admin with the recovery code approves or refuses
  // within kRevealRequestDays. On approval the identity key is sealed to the
  // requesting lead, who from then on sees the identity on the case page;
  // the reporter sees a notice with the reason when they return with their
  // code. Each step is audited (case.identity_request, case.identity_approve,
  // case.identity_refuse). kNotFound as for any case the caller may not see.
  static constexpr int kRevealRequestDays = 14;
  common::StatusOr<std::string> RequestIdentityReveal(const Staff& staff, std::string_view case_id,
                                                      std::string_view reason);
  // `decision` is "approve" or "refuse" (else kInvalidArgument, field "decision").
  common::Status DecideIdentityReveal(const Staff& staff, std::string_view case_id,
                                      std::string_view reveal_id, std::string_view decision);
  common::Status DecideIdentityRevealWithRecoveryCode(const auth::User& admin,
                                                      std::string_view reveal_id,
                                                      std::string_view recovery_code, bool approve);
  // Requests of the admin's school still waiting for a decision.
  common::StatusOr<std::vector<PendingReveal>> PendingReveals(const auth::User& admin);

  // ---- Attachments (attachments.cc) ----
  // Sanitizes (media/attachment.h), encrypts with the case key and stores
  // under a random name. `by` is "reporter" or the staff user id. Quotas:
  // AttachmentQuotas, checked in the transaction that adds the file.
  common::StatusOr<AttachmentInfo> AddAttachmentAsReporter(std::string_view token,
                                                           std::string_view filename,
                                                           std::string_view bytes);
  common::StatusOr<AttachmentInfo> AddAttachmentAsStaff(const Staff& staff,
                                                        std::string_view case_id,
                                                        std::string_view filename,
                                                        std::string_view bytes);
  struct FileContent {
    std::string kind;
    std::string bytes;
  };
  common::StatusOr<FileContent> ReadAttachmentAsStaff(const Staff& staff, std::string_view case_id,
                                                      std::string_view attachment_id);
  common::StatusOr<FileContent> ReadAttachmentAsReporter(std::string_view token,
                                                         std::string_view attachment_id);

  // ---- Signal register (signals.cc) ----
  // For the school's meldpunt leads only (kPermissionDenied for anyone
  // else): per company in the school's register, the school's own cases
  // (leads see those anyway), the cross-school band of the last daily run
  // and the open pause. Coordinators never see a count: they see an active
  // pause's neutral reason and end date through the stagematching service.
  struct PauseResponse {
    std::string via;  // "company" (written on /bedrijf) or "lead" (received another way)
    std::string text;
    common::UnixMillis at = 0;
  };
  struct Pause {
    std::string id;
    domain::PauseState state = domain::PauseState::kProposed;
    domain::PauseReason reason = domain::PauseReason::kAwaitingTalks;
    std::string note;  // the leads' internal note
    domain::Date until;
    std::optional<domain::Date> respond_by;  // none for pauses made before hearing existed
    std::string urgent_reason;               // why it could not wait; "" when not urgent
    common::UnixMillis proposed_at = 0;
    std::vector<PauseResponse> responses;
    bool may_confirm = false;  // proposed, and responded to or past the deadline
  };
  struct Signal {
    CompanyInfo company;
    int64_t own_cases_12m = 0;  // this school's cases about the company
    bool own_alert = false;     // own_cases_12m >= the school's signal_threshold
    // From the last daily run (RunSignalSnapshot), never live: "" below the
    // threshold, else "5-9", "10-19" or "20+" cases across all schools.
    std::string cross_school_band;
    std::optional<domain::Date> band_computed_on;
    std::optional<Pause> pause;  // the open one (proposed, or active until a future day)
  };
  common::StatusOr<std::vector<Signal>> SignalRegister(const Staff& lead);

  struct SignalRun {
    int64_t companies = 0;      // at or above the threshold
    int64_t newly_crossed = 0;  // not at or above it in the previous run
    int64_t notifications = 0;
  };
  // The daily job: counts, per company, the cases of the last 12 months at
  // every school that passed intake and stood (domain::OutcomeCountsForSignal),
  // and replaces the snapshot with the bands at or above
  // domain::CrossSchoolThreshold(threshold). Leads of every school with the
  // company in its register get one notification when it newly crosses.
  common::StatusOr<SignalRun> RunSignalSnapshot(int threshold);

  // ---- Pauses with hoor en wederhoor (pauses.cc) ----
  // Meldpunt leads only; each step is audited with its actor and time.
  // `company_id` must be in the lead's register (else kNotFound); a step that
  // does not fit the pause's state is kFailedPrecondition.
  //
  // Proposes a pause until `until`; the company may respond for
  // domain::kPauseResponseWorkingDays. With a non-empty `urgent_reason` it
  // takes effect at once. kAlreadyExists while another pause is open.
  common::Status ProposePause(const Staff& lead, std::string_view company_id,
                              domain::PauseReason reason, std::string_view note,
                              domain::Date until, bool urgent, std::string_view urgent_reason);
  // A response that reached the meldpunt another way (letter, phone call).
  common::Status RecordPauseResponse(const Staff& lead, std::string_view company_id,
                                     std::string_view text);
  common::Status ConfirmPause(const Staff& lead, std::string_view company_id);
  common::Status MakePauseUrgent(const Staff& lead, std::string_view company_id,
                                 std::string_view urgent_reason);
  common::Status WithdrawPause(const Staff& lead, std::string_view company_id);
  common::Status LiftPause(const Staff& lead, std::string_view company_id);
  // Company ids with an active pause at the school on `day` (the matching
  // engine excludes them; a proposal does not count).
  common::StatusOr<std::vector<std::string>> PausedCompanies(std::string_view school_id,
                                                             domain::Date day);

  // The company contact's side: the open pauses of their company at their
  // school, with the neutral reason only, and their written response.
  struct PauseNotice {
    domain::PauseState state = domain::PauseState::kProposed;
    domain::PauseReason reason = domain::PauseReason::kAwaitingTalks;
    domain::Date until;
    std::optional<domain::Date> respond_by;
    bool urgent = false;
    std::optional<common::UnixMillis> responded_at;  // the last response, any way
  };
  common::StatusOr<std::vector<PauseNotice>> PauseNoticesForContact(const auth::User& contact);
  // kNotFound when the company has no open pause at the school.
  common::Status RespondToPause(const auth::User& contact, std::string_view text);

  // ---- Retention (retention.cc) ----
  struct RetentionResult {
    int64_t shredded = 0;
    int64_t warned = 0;  // due within the warning period
  };
  // Crypto-shreds every closed case whose retention date has passed: keys,
  // messages, files and sealed fields go; categorical fields stay (P13).
  common::StatusOr<RetentionResult> RunRetention();
  // Cases of the school due for shredding within the warning period.
  common::StatusOr<std::vector<CaseSummary>> RetentionWarnings(std::string_view school_id);
  // Recomputes the shredding date of the school's closed, unshredded cases
  // from their closing day and the school's current "cases" period, in the
  // caller's transaction. Called when the period changes, so a shorter period
  // also applies to cases closed before. Returns how many dates moved.
  static common::StatusOr<int64_t> RescheduleRetention(db::Connection& c,
                                                       std::string_view school_id);

  // ---- Deadline alerts (alerts.cc) ----
  struct AlertRun {
    int64_t alerts = 0;         // (case, kind) pairs raised for the first time
    int64_t escalations = 0;    // of which first-contact escalations
    int64_t notifications = 0;  // dashboard notifications created
  };
  // P12: for every open case, raises each alert of domain::DueAlerts once:
  // a notification to the assigned handler and the school's meldpunt leads,
  // and for an escalation also a case event and an audit record. Leads are
  // also reminded of cases due for shredding within the warning period.
  // Idempotent: safe to run every hour on every instance.
  common::StatusOr<AlertRun> RunDeadlineAlerts();

  // ---- Statistics (statistics.cc) ----
  // Reports received at the school in [from, to], counted by "ground" (a
  // report counts once per ground it names), "phase", "status" or "month"
  // ("YYYY-MM"). Unsuppressed: the caller applies monitor/disclosure.h.
  // A withdrawn report is in no cell and not in the total, only in
  // `withdrawn`, so that no published total minus another gives it away
  // (docs/monitor.md).
  struct ReportCounts {
    std::vector<std::pair<std::string, int64_t>> cells;  // in key order, zeros included
    int64_t total = 0;
    int64_t withdrawn = 0;
  };
  common::StatusOr<ReportCounts> CountReports(std::string_view school_id, domain::Date from,
                                              domain::Date to, std::string_view by);

  // The programme of a logged-in student from the school's student register,
  // to fill in the report form's optional programme part; nullopt for anyone
  // who is not a student in the register.
  std::optional<domain::Programme> ProgrammeOfStudent(const auth::User& student);

  // ---- Settings ----
  common::Status SaveSettings(const auth::User& admin, const domain::DeadlinePolicy& policy,
                              bool show_handler_names);
  bool ShowHandlerNames(std::string_view school_id);

  const KeyRing& keys() const { return keys_; }

 private:
  // After StaffFor's lookup (leads.cc): restores the EnsureLead rule when the
  // school has no active lead, and lets a lead holding keys process the
  // queued grants.
  void KeepStaffed(Staff& staff);

  db::Database& db_;
  const common::Clock& clock_;
  const audit::AuditLog& audit_;
  const KeyRing& keys_;
  std::string files_dir_;
  AttachmentQuotas quotas_;
  const mail::Outbox* outbox_ = nullptr;
};

}  // namespace meldpunt
