#include "domain/company_pause.h"

#include <algorithm>
#include <array>

namespace domain {

namespace {
constexpr std::array kReasons = {PauseReason::kAwaitingTalks, PauseReason::kNormNotKept,
                                 PauseReason::kCompanyRequest};
constexpr std::array kStates = {PauseState::kProposed, PauseState::kActive, PauseState::kWithdrawn,
                                PauseState::kLifted};
}  // namespace

std::span<const PauseReason> AllPauseReasons() { return kReasons; }

std::string_view Name(PauseReason r) {
  switch (r) {
    case PauseReason::kAwaitingTalks:
      return "awaiting_talks";
    case PauseReason::kNormNotKept:
      return "norm_not_kept";
    case PauseReason::kCompanyRequest:
      return "company_request";
  }
  return "awaiting_talks";
}

std::optional<PauseReason> ParsePauseReason(std::string_view name) {
  for (PauseReason r : kReasons) {
    if (Name(r) == name) return r;
  }
  return std::nullopt;
}

std::string_view Name(PauseState s) {
  switch (s) {
    case PauseState::kProposed:
      return "proposed";
    case PauseState::kActive:
      return "active";
    case PauseState::kWithdrawn:
      return "withdrawn";
    case PauseState::kLifted:
      return "lifted";
  }
  return "proposed";
}

std::optional<PauseState> ParsePauseState(std::string_view name) {
  for (PauseState s : kStates) {
    if (Name(s) == name) return s;
  }
  return std::nullopt;
}

Date PauseResponseDue(Date proposed_on) {
  return AddWorkingDays(proposed_on, kPauseResponseWorkingDays);
}

bool MayConfirmPause(bool has_response, Date respond_by, Date today) {
  return has_response || today > respond_by;
}

int CrossSchoolThreshold(int configured) { return std::max(configured, kMinCrossSchoolThreshold); }

std::string_view SignalBand(int64_t cases, int threshold) {
  if (cases < CrossSchoolThreshold(threshold)) return "";
  if (cases >= 20) return "20+";
  if (cases >= 10) return "10-19";
  return "5-9";
}

bool OutcomeCountsForSignal(std::string_view outcome) {
  // Compared as text: "not_a_report" may be stored before this build knows it.
  return outcome != "withdrawn" && outcome != "not_discrimination" && outcome != "not_a_report";
}

}  // namespace domain
