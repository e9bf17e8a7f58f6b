#include "domain/meldpunt.h"

#include <algorithm>
#include <array>

#include "common/utf8.h"

namespace domain {

namespace {

// One table per enum: index = enum value, entry = stable id.
constexpr std::array<std::string_view, 3> kModes = {"anonymous", "confidential", "named"};
constexpr std::array<std::string_view, 2> kPhases = {"search", "internship"};
constexpr std::array<std::string_view, 10> kGrounds = {
    "origin",     "skin_colour", "religion",    "gender", "sexual_orientation",
    "disability", "age",         "nationality", "other",  "not_sure"};
constexpr std::array<std::string_view, 5> kActors = {"company", "colleague", "client", "school",
                                                     "other"};
constexpr std::array<std::string_view, 5> kWishes = {"register_only", "talk", "action_company",
                                                     "new_placement", "referral"};
constexpr std::array<std::string_view, 5> kChannels = {"self", "mentor", "coordinator", "meldpunt",
                                                       "other"};
constexpr std::array<std::string_view, 6> kStatuses = {"received",  "intake", "in_progress",
                                                       "aftercare", "closed", "withdrawn"};
constexpr std::array<std::string_view, 8> kOutcomes = {
    "resolved_with_company", "new_placement", "referred",    "no_further_action", "withdrawn",
    "not_discrimination",    "other",         "not_a_report"};
constexpr std::array<std::string_view, 9> kActions = {
    "talk_student", "talk_company", "replacement_internship", "adjusted_planning", "referral_sbb",
    "referral_adv", "referral_job", "referral_crm",           "aangifte_support"};
constexpr std::array<std::string_view, 5> kConsents = {"contact_company", "share_sbb", "share_adv",
                                                       "share_job", "share_crm"};
constexpr std::array<std::string_view, 4> kDeadlineStates = {"met", "open", "due_soon", "overdue"};
constexpr std::array<std::string_view, 4> kDeadlineAlerts = {
    "first_contact_overdue", "first_contact_escalated", "feedback_due_soon", "feedback_overdue"};

template <typename E, size_t N>
std::string_view NameIn(const std::array<std::string_view, N>& table, E v) {
  return table.at(static_cast<size_t>(v));
}

template <typename E, size_t N>
std::optional<E> ParseIn(const std::array<std::string_view, N>& table, std::string_view s) {
  for (size_t i = 0; i < N; ++i) {
    if (table[i] == s) return static_cast<E>(i);
  }
  return std::nullopt;
}

template <typename E, size_t N>
std::vector<E> AllOf(const std::array<std::string_view, N>&) {
  std::vector<E> out;
  for (size_t i = 0; i < N; ++i) out.push_back(static_cast<E>(i));
  return out;
}

size_t CountChars(std::string_view s) {
  return static_cast<size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

common::Status CheckText(std::string_view value, std::string_view field, size_t max_chars) {
  if (!common::IsValidUtf8(value))
    return common::Status::InvalidArgument("is not valid UTF-8", std::string(field));
  if (CountChars(value) > max_chars) {
    return common::Status::InvalidArgument(
        "is longer than " + std::to_string(max_chars) + " characters", std::string(field));
  }
  for (char c : value) {
    if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\r' && c != '\t') {
      return common::Status::InvalidArgument("contains control characters", std::string(field));
    }
  }
  return common::Status::Ok();
}

template <typename E>
bool HasDuplicate(const std::vector<E>& values) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (std::find(values.begin() + static_cast<std::ptrdiff_t>(i) + 1, values.end(), values[i]) !=
        values.end())
      return true;
  }
  return false;
}

bool IsBlank(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; });
}

common::Status CheckCompany(const CompanyRef& c) {
  SP_RETURN_IF_ERROR(CheckText(c.leerbedrijf_id, "company.leerbedrijf_id", 32));
  SP_RETURN_IF_ERROR(CheckText(c.name, "company.name", kMaxShortFieldChars));
  if (!c.kvk.empty() && (c.kvk.size() != 8 || !std::all_of(c.kvk.begin(), c.kvk.end(), [](char ch) {
                           return ch >= '0' && ch <= '9';
                         }))) {
    return common::Status::InvalidArgument("must be 8 digits", "company.kvk");
  }
  return common::Status::Ok();
}

}  // namespace

common::Status ValidateReporter(ReportMode mode, const std::optional<ReporterIdentity>& reporter) {
  if (mode == ReportMode::kAnonymous) {
    if (reporter && !reporter->empty()) {
      return common::Status::InvalidArgument("must be absent for an anonymous report", "reporter");
    }
    return common::Status::Ok();
  }
  if (!reporter || reporter->name.empty() || IsBlank(reporter->name)) {
    return common::Status::InvalidArgument("is required for a confidential or named report",
                                           "reporter.name");
  }
  SP_RETURN_IF_ERROR(CheckText(reporter->name, "reporter.name", kMaxShortFieldChars));
  SP_RETURN_IF_ERROR(CheckText(reporter->student_number, "reporter.student_number", 32));
  SP_RETURN_IF_ERROR(CheckText(reporter->email, "reporter.email", 254));
  const std::string& e = reporter->email;
  if (!e.empty() && (e.find('@') == std::string::npos || e.find(' ') != std::string::npos)) {
    return common::Status::InvalidArgument("is not an e-mail address", "reporter.email");
  }
  return common::Status::Ok();
}

common::Status ValidateMessage(std::string_view text, std::string_view field) {
  if (text.empty() || IsBlank(text))
    return common::Status::InvalidArgument("is required", std::string(field));
  return CheckText(text, field, kMaxMessageChars);
}

std::string_view Name(ReportMode v) { return NameIn(kModes, v); }
std::string_view Name(Phase v) { return NameIn(kPhases, v); }
std::string_view Name(Ground v) { return NameIn(kGrounds, v); }
std::string_view Name(Actor v) { return NameIn(kActors, v); }
std::string_view Name(Wish v) { return NameIn(kWishes, v); }
std::string_view Name(Channel v) { return NameIn(kChannels, v); }
std::string_view Name(CaseStatus v) { return NameIn(kStatuses, v); }
std::string_view Name(Outcome v) { return NameIn(kOutcomes, v); }
std::string_view Name(ActionKind v) { return NameIn(kActions, v); }
std::string_view Name(Consent v) { return NameIn(kConsents, v); }
std::string_view Name(DeadlineState v) { return NameIn(kDeadlineStates, v); }
std::string_view Name(DeadlineAlert v) { return NameIn(kDeadlineAlerts, v); }
std::optional<DeadlineAlert> ParseDeadlineAlert(std::string_view s) {
  return ParseIn<DeadlineAlert>(kDeadlineAlerts, s);
}

std::optional<ReportMode> ParseReportMode(std::string_view s) {
  return ParseIn<ReportMode>(kModes, s);
}
std::optional<Phase> ParsePhase(std::string_view s) { return ParseIn<Phase>(kPhases, s); }
std::optional<Ground> ParseGround(std::string_view s) { return ParseIn<Ground>(kGrounds, s); }
std::optional<Actor> ParseActor(std::string_view s) { return ParseIn<Actor>(kActors, s); }
std::optional<Wish> ParseWish(std::string_view s) { return ParseIn<Wish>(kWishes, s); }
std::optional<Channel> ParseChannel(std::string_view s) { return ParseIn<Channel>(kChannels, s); }
std::optional<CaseStatus> ParseCaseStatus(std::string_view s) {
  return ParseIn<CaseStatus>(kStatuses, s);
}
std::optional<Outcome> ParseOutcome(std::string_view s) { return ParseIn<Outcome>(kOutcomes, s); }
std::optional<ActionKind> ParseActionKind(std::string_view s) {
  return ParseIn<ActionKind>(kActions, s);
}
std::optional<Consent> ParseConsent(std::string_view s) { return ParseIn<Consent>(kConsents, s); }

const std::vector<Ground>& AllGrounds() {
  static const auto v = AllOf<Ground>(kGrounds);
  return v;
}
const std::vector<Actor>& AllActors() {
  static const auto v = AllOf<Actor>(kActors);
  return v;
}
const std::vector<Wish>& AllWishes() {
  static const auto v = AllOf<Wish>(kWishes);
  return v;
}
const std::vector<CaseStatus>& AllStatuses() {
  static const auto v = AllOf<CaseStatus>(kStatuses);
  return v;
}
const std::vector<Outcome>& AllOutcomes() {
  static const auto v = AllOf<Outcome>(kOutcomes);
  return v;
}
const std::vector<ActionKind>& AllActionKinds() {
  static const auto v = AllOf<ActionKind>(kActions);
  return v;
}
const std::vector<Consent>& AllConsents() {
  static const auto v = AllOf<Consent>(kConsents);
  return v;
}
const std::vector<Channel>& AllChannels() {
  static const auto v = AllOf<Channel>(kChannels);
  return v;
}

common::Status ValidateProgramme(const Programme& p) {
  if (!p.crebo.empty() &&
      (p.crebo.size() != 5 || p.crebo.find_first_not_of("0123456789") != std::string::npos)) {
    return common::Status::InvalidArgument("is not a 5-digit crebo code", "programme.crebo");
  }
  if (!p.pathway.empty() && p.pathway != "BOL" && p.pathway != "BBL") {
    return common::Status::InvalidArgument("must be BOL or BBL", "programme.pathway");
  }
  if (p.level && (*p.level < 1 || *p.level > 4)) {
    return common::Status::InvalidArgument("must be between 1 and 4", "programme.level");
  }
  return CheckText(p.location, "programme.location", kMaxShortFieldChars);
}

common::Status ValidateProgrammeChoice(const Programme& p, const ProgrammeChoices& choices) {
  auto listed = [](const std::vector<std::string>& list, const std::string& v) {
    return v.empty() || std::find(list.begin(), list.end(), v) != list.end();
  };
  if (!listed(choices.locations, p.location)) {
    return common::Status::InvalidArgument("is not one of the school's locations",
                                           "programme.location");
  }
  if (!listed(choices.crebos, p.crebo)) {
    return common::Status::InvalidArgument("is not one of the school's programmes (crebo)",
                                           "programme.crebo");
  }
  return common::Status::Ok();
}

common::Status ValidateReport(const ReportDraft& d, Date today) {
  if (d.grounds.empty()) {
    return common::Status::InvalidArgument("choose at least one ground, or \"not sure\"",
                                           "grounds");
  }
  if (HasDuplicate(d.grounds))
    return common::Status::InvalidArgument("names a ground twice", "grounds");
  if (HasDuplicate(d.actors))
    return common::Status::InvalidArgument("names who did it twice", "actors");
  if (d.narrative.empty() || IsBlank(d.narrative)) {
    return common::Status::InvalidArgument("is required", "narrative");
  }
  SP_RETURN_IF_ERROR(CheckText(d.narrative, "narrative", kMaxNarrativeChars));
  if (d.occurred_on) {
    if (*d.occurred_on > today)
      return common::Status::InvalidArgument("lies in the future", "occurred_on");
    if (*d.occurred_on < MakeDate(2000, 1, 1)) {
      return common::Status::InvalidArgument("lies before 2000", "occurred_on");
    }
  }
  SP_RETURN_IF_ERROR(CheckCompany(d.company));
  SP_RETURN_IF_ERROR(ValidateProgramme(d.programme));
  return ValidateReporter(d.mode, d.reporter);
}

bool ModeMayBecome(ReportMode from, ReportMode to) {
  return static_cast<int>(to) > static_cast<int>(from);
}

bool MayTransition(CaseStatus from, CaseStatus to) {
  if (from == CaseStatus::kClosed || from == CaseStatus::kWithdrawn) return false;
  if (to == CaseStatus::kWithdrawn) return false;
  if (to == CaseStatus::kClosed) return true;
  if (from == CaseStatus::kAftercare && to == CaseStatus::kInProgress) return true;
  return static_cast<int>(to) == static_cast<int>(from) + 1;
}

std::vector<CaseStatus> NextStatuses(CaseStatus from) {
  std::vector<CaseStatus> out;
  for (CaseStatus to : AllStatuses()) {
    if (MayTransition(from, to)) out.push_back(to);
  }
  return out;
}

bool IsFirstContact(CaseStatus from, CaseStatus to) {
  return from == CaseStatus::kReceived && to != CaseStatus::kReceived;
}

std::optional<Consent> RequiredConsent(ActionKind action) {
  switch (action) {
    case ActionKind::kTalkCompany:
    case ActionKind::kReplacementInternship:
      return Consent::kContactCompany;
    case ActionKind::kReferralSbb:
      return Consent::kShareSbb;
    case ActionKind::kReferralAdv:
      return Consent::kShareAdv;
    case ActionKind::kReferralJob:
      return Consent::kShareJob;
    case ActionKind::kReferralCrm:
      return Consent::kShareCrm;
    case ActionKind::kTalkStudent:
    case ActionKind::kAdjustedPlanning:
    case ActionKind::kAangifteSupport:
      return std::nullopt;
  }
  return std::nullopt;
}

common::Status CheckConsent(ActionKind action, const std::vector<Consent>& given) {
  auto needed = RequiredConsent(action);
  if (!needed || std::find(given.begin(), given.end(), *needed) != given.end())
    return common::Status::Ok();
  return common::Status::FailedPrecondition(
      "the student has not given consent '" + std::string(Name(*needed)) + "' for this action",
      "consent");
}

Date FirstContactDue(const DeadlinePolicy& p, const CaseDates& c) {
  if (c.first_contact_due_override) return *c.first_contact_due_override;
  return AddWorkingDays(c.received, p.first_contact_working_days);
}

Date FeedbackDue(const DeadlinePolicy& p, const CaseDates& c) {
  if (c.feedback_due_override) return *c.feedback_due_override;
  return AddMonths(c.received, p.feedback_months);
}

Date RetentionDue(const DeadlinePolicy& p, Date closed) {
  return AddMonths(closed, p.retention_months);
}

std::vector<Date> AftercareDates(const DeadlinePolicy& p, Date closed) {
  std::vector<Date> out;
  for (int weeks : p.aftercare_weeks) out.push_back(AddDays(closed, 7 * weeks));
  return out;
}

DeadlineState StateOf(Date due, bool done, Date today, int due_soon_days) {
  if (done) return DeadlineState::kMet;
  if (today > due) return DeadlineState::kOverdue;
  if (due.days - today.days <= due_soon_days) return DeadlineState::kDueSoon;
  return DeadlineState::kOpen;
}

std::vector<DeadlineAlert> DueAlerts(const DeadlinePolicy& p, const DeadlineProgress& c,
                                     Date today) {
  std::vector<DeadlineAlert> alerts;
  if (!c.first_contact_done && today > c.first_contact_due) {
    alerts.push_back(DeadlineAlert::kFirstContactOverdue);
    if (today >= AddWorkingDays(c.first_contact_due, p.escalation_working_days))
      alerts.push_back(DeadlineAlert::kFirstContactEscalated);
  }
  if (!c.feedback_done) {
    if (today > c.feedback_due) {
      alerts.push_back(DeadlineAlert::kFeedbackOverdue);
    } else if (c.feedback_due.days - today.days <= p.feedback_warning_days) {
      alerts.push_back(DeadlineAlert::kFeedbackDueSoon);
    }
  }
  return alerts;
}

common::Status CheckExtension(Date current_due, Date new_due, std::string_view reason) {
  if (IsBlank(reason))
    return common::Status::InvalidArgument("an extension needs a reason", "reason");
  SP_RETURN_IF_ERROR(CheckText(reason, "reason", 1000));
  if (new_due <= current_due) {
    return common::Status::InvalidArgument("must be later than the current deadline", "new_due");
  }
  return common::Status::Ok();
}

}  // namespace domain
