// File: domain/meldpunt.h
//
// The meldpunt's vocabulary and rules, without I/O: what a report may contain,
// how a case moves through its workflow, which actions need the student's
// consent, and when its deadlines fall. The service layer (src/meldpunt/)
// stores and encrypts; the web layer shows. Both ask these functions, so the
// rules live in one place and are tested without a database.
//
// Stable ids (the strings in api.md) are used in the database and the API;
// the pages translate them with the message catalogue key "<kind>_<id>".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "domain/calendar.h"

namespace domain {

// ---- Vocabulary -----------------------------------------------------------

// How much of the reporter's identity the school learns. A case may move
// towards openness (anonymous -> confidential -> named), never back.
enum class ReportMode { kAnonymous, kConfidential, kNamed };
enum class Phase { kSearch, kInternship };
enum class Ground {
  kOrigin,
  kSkinColour,
  kReligion,
  kGender,
  kSexualOrientation,
  kDisability,
  kAge,
  kNationality,
  kOther,
  // "Ik weet niet zeker of het discriminatie was": a full answer, not a
  // missing one. Many students doubt whether what happened counts; such a
  // report opens a case like any other and is counted as its own value.
  kNotSure,
};
// Who did it: anyone involved in the internship, not only the company. A
// report may name several (a colleague and the praktijkopleider who let it
// happen), or none: the question is optional, so older reports and reporters
// who do not want to say keep a case.
enum class Actor {
  kCompany,    // someone at the company: praktijkopleider, manager, recruiter
  kColleague,  // a colleague at the internship
  kClient,     // a client, customer or patient
  kSchool,     // someone at school, e.g. staff steering students away from companies
  kOther,
};
enum class Wish { kRegisterOnly, kTalk, kActionCompany, kNewPlacement, kReferral };
// Who registered the report: the student, or staff on the student's behalf.
enum class Channel { kSelf, kMentor, kCoordinator, kMeldpunt, kOther };
// kWithdrawn: the reporter withdrew the report with their code; its content
// was crypto-shredded at once and no handler can move it anywhere.
enum class CaseStatus { kReceived, kIntake, kInProgress, kAftercare, kClosed, kWithdrawn };
enum class Outcome {
  kResolvedWithCompany,
  kNewPlacement,
  kReferred,
  kNoFurtherAction,
  kWithdrawn,
  kNotDiscrimination,
  kOther,
  // "Geen melding": spam or a test, not a report at all. Closed like this
  // (in bulk from the inbox) a case stays out of every monitor figure.
  kNotAReport,
};
enum class ActionKind {
  kTalkStudent,
  kTalkCompany,
  kReplacementInternship,
  kAdjustedPlanning,
  kReferralSbb,
  kReferralAdv,
  kReferralJob,
  kReferralCrm,
  kAangifteSupport,
};
// The consents a student gives (or withdraws) for steps involving others.
enum class Consent { kContactCompany, kShareSbb, kShareAdv, kShareJob, kShareCrm };

std::string_view Name(ReportMode v);
std::string_view Name(Phase v);
std::string_view Name(Ground v);
std::string_view Name(Actor v);
std::string_view Name(Wish v);
std::string_view Name(Channel v);
std::string_view Name(CaseStatus v);
std::string_view Name(Outcome v);
std::string_view Name(ActionKind v);
std::string_view Name(Consent v);

std::optional<ReportMode> ParseReportMode(std::string_view s);
std::optional<Phase> ParsePhase(std::string_view s);
std::optional<Ground> ParseGround(std::string_view s);
std::optional<Actor> ParseActor(std::string_view s);
std::optional<Wish> ParseWish(std::string_view s);
std::optional<Channel> ParseChannel(std::string_view s);
std::optional<CaseStatus> ParseCaseStatus(std::string_view s);
std::optional<Outcome> ParseOutcome(std::string_view s);
std::optional<ActionKind> ParseActionKind(std::string_view s);
std::optional<Consent> ParseConsent(std::string_view s);

const std::vector<Ground>& AllGrounds();
const std::vector<Actor>& AllActors();
const std::vector<Wish>& AllWishes();
const std::vector<CaseStatus>& AllStatuses();
const std::vector<Outcome>& AllOutcomes();
const std::vector<ActionKind>& AllActionKinds();
const std::vector<Consent>& AllConsents();
const std::vector<Channel>& AllChannels();

// ---- A report as submitted ------------------------------------------------

inline constexpr size_t kMaxNarrativeChars = 20000;  // api.md
inline constexpr size_t kMaxShortFieldChars = 200;

struct CompanyRef {
  std::string leerbedrijf_id;  // SBB register id, optional
  std::string kvk;             // 8 digits, optional
  std::string name;            // free text when not in the register
  bool empty() const { return leerbedrijf_id.empty() && kvk.empty() && name.empty(); }
};

struct ReporterIdentity {
  std::string name;
  std::string student_number;
  std::string email;
  bool empty() const { return name.empty() && student_number.empty() && email.empty(); }
};

// The student's programme, for the monitor's breakdowns only (reports by
// crebo, BOL/BBL, level and location). Optional and categorical: stored in
// plaintext like phase and grounds, never shown beside a case's content. So
// location and crebo come from closed lists (ProgrammeChoices): a free text
// could name a class or a student ("Amsterdam Klas 3B Fatima Yilmaz").
struct Programme {
  std::string crebo;         // 5 digits from the school's register, or empty
  std::string pathway;       // "BOL", "BBL" or empty
  std::optional<int> level;  // mbo niveau 1..4
  std::string location;      // a location (vestiging) from the school's register, or empty
};

// The school's closed lists for a report's programme, from its register: the
// locations of its students, and the crebos of its students and leerplaatsen.
struct ProgrammeChoices {
  std::vector<std::string> locations;  // sorted, no empty value
  std::vector<std::string> crebos;     // sorted, no empty value
};

struct ReportDraft {
  ReportMode mode = ReportMode::kAnonymous;
  Phase phase = Phase::kSearch;
  std::vector<Ground> grounds;  // at least one; kNotSure is a ground of its own
  std::vector<Actor> actors;    // who did it; empty: not given
  std::string narrative;
  std::optional<Date> occurred_on;
  CompanyRef company;
  std::vector<Wish> wishes;
  std::vector<Consent> consents;  // given at submission
  std::optional<ReporterIdentity> reporter;
  Channel channel = Channel::kSelf;
  Programme programme;
};

// Checks a draft as a whole: kInvalidArgument naming the first offending
// field ("narrative", "grounds", "actors", "reporter.name", ...). "Not sure"
// counts as an answer to the grounds question; a value given twice is refused. `today` bounds
// occurred_on (no future dates; not before 2000).
common::Status ValidateReport(const ReportDraft& draft, Date today);

// The programme rules of ValidateReport on their own: kInvalidArgument naming
// "programme.crebo", "programme.pathway", "programme.level" or "programme.location".
common::Status ValidateProgramme(const Programme& p);

// A programme's location and crebo must be empty ("not given") or on the
// school's lists: kInvalidArgument naming "programme.location" or
// "programme.crebo" otherwise.
common::Status ValidateProgrammeChoice(const Programme& p, const ProgrammeChoices& choices);

// The identity rules of ValidateReport on their own (for a later change of mode).
common::Status ValidateReporter(ReportMode mode, const std::optional<ReporterIdentity>& reporter);
// A message between reporter and meldpunt: 1..5000 characters of text.
inline constexpr size_t kMaxMessageChars = 5000;
common::Status ValidateMessage(std::string_view text, std::string_view field = "text");

// The reporter may open up, never close: anonymous -> confidential -> named.
bool ModeMayBecome(ReportMode from, ReportMode to);

// ---- Workflow -------------------------------------------------------------

// ontvangen -> intake -> in behandeling -> nazorg -> afgesloten. A handler may
// go one step forward, or close early from any open state (e.g. withdrawn);
// nazorg may return to in behandeling when new facts come up. A closed case
// stays closed. Only the reporter withdraws (Meldpunt::WithdrawReport), and a
// withdrawn case stays withdrawn.
bool MayTransition(CaseStatus from, CaseStatus to);
std::vector<CaseStatus> NextStatuses(CaseStatus from);
// A transition counts as "first contact" when it leaves ontvangen.
bool IsFirstContact(CaseStatus from, CaseStatus to);

// ---- Consent gates --------------------------------------------------------

// The consent an action needs, if it involves a third party.
std::optional<Consent> RequiredConsent(ActionKind action);
// OK, or kFailedPrecondition (field "consent") when the student has not given
// (or has withdrawn) the consent the action needs.
common::Status CheckConsent(ActionKind action, const std::vector<Consent>& given);

// ---- Deadlines ------------------------------------------------------------

// The meldpunt's deadlines are the school's own policy, set per school on the
// meldpunt settings page; these are the defaults. No law sets them: the EU
// whistleblower directive (2019/1937) covers reports by workers about
// breaches of EU law, not a school's meldpunt for its students.
struct DeadlinePolicy {
  int first_contact_working_days = 3;
  int feedback_months = 3;
  int due_soon_days = 2;      // highlighted on the dashboard this long before
  int retention_months = 24;  // after closure, then crypto-shredded
  int retention_warning_days = 30;
  std::vector<int> aftercare_weeks = {2, 6};
  // The own school's reports about a company in 12 months from which its
  // leads' register highlights it. It governs no figure across schools: that
  // signal has a deployment-wide threshold of at least 5 (company_pause.h).
  int signal_threshold = 2;
  // P12: when first contact is late, the handler and the leads are alerted
  // the day after the deadline; this many working days later it escalates.
  int escalation_working_days = 2;
  int feedback_warning_days = 15;  // alert this long before feedback is due
};

struct CaseDates {
  Date received;
  std::optional<Date> first_contact_at;
  std::optional<Date> first_contact_due_override;  // an extension, with a reason
  std::optional<Date> feedback_due_override;
  std::optional<Date> closed_at;
};

Date FirstContactDue(const DeadlinePolicy& p, const CaseDates& c);
Date FeedbackDue(const DeadlinePolicy& p, const CaseDates& c);
Date RetentionDue(const DeadlinePolicy& p, Date closed);
std::vector<Date> AftercareDates(const DeadlinePolicy& p, Date closed);

enum class DeadlineState { kMet, kOpen, kDueSoon, kOverdue };
std::string_view Name(DeadlineState s);
// The state of one deadline on `today`; `done` means the step happened.
DeadlineState StateOf(Date due, bool done, Date today, int due_soon_days);

// Alerts the system raises by itself (P12), so a deadline cannot pass
// unnoticed when nobody opens the inbox. Each fires once per case.
enum class DeadlineAlert {
  kFirstContactOverdue,    // no first contact after the deadline
  kFirstContactEscalated,  // still none, escalation_working_days later
  kFeedbackDueSoon,        // feedback due within feedback_warning_days
  kFeedbackOverdue,
};
std::string_view Name(DeadlineAlert a);
std::optional<DeadlineAlert> ParseDeadlineAlert(std::string_view s);

struct DeadlineProgress {
  Date first_contact_due;
  bool first_contact_done = false;
  Date feedback_due;
  bool feedback_done = false;
};
// The alerts that apply on `today`, in the order above. A closed case has
// both steps done and raises none.
std::vector<DeadlineAlert> DueAlerts(const DeadlinePolicy& p, const DeadlineProgress& c,
                                     Date today);

// An extension must move a deadline later and give a reason.
common::Status CheckExtension(Date current_due, Date new_due, std::string_view reason);

}  // namespace domain
