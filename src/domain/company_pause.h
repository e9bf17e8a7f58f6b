// File: domain/company_pause.h
//
// Pausing a company and the cross-school signal, as pure rules.
//
// A pause is a measure against a company, so the company is heard first
// (hoor en wederhoor): a meldpunt lead proposes it, the company sees the
// proposal with a neutral reason and may respond within ten working days,
// and only a lead's confirmation (after the response or the deadline) makes
// it exclude the company from rounds. A lead may make it take effect at once
// only with a recorded reason why it cannot wait; the company may still
// respond. Proposed -> active (confirmed or urgent) -> lifted, or proposed ->
// withdrawn.
//
// Everyone outside the meldpunt (coordinators, the company) sees a reason
// from a closed list of neutral wordings that name no case and no reporter.
//
// The signal across schools is never a live or exact count: a daily run
// counts the cases past intake per company over all schools and keeps only a
// band ("5-9", "10-19", "20+") at or above a threshold that is never below 5.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "domain/calendar.h"

namespace domain {

// The closed list of reasons shown outside the meldpunt.
enum class PauseReason {
  kAwaitingTalks,   // paused by the meldpunt pending talks with the company
  kNormNotKept,     // agreements on the norm not kept
  kCompanyRequest,  // at the company's own request
};
std::span<const PauseReason> AllPauseReasons();
std::string_view Name(PauseReason r);  // "awaiting_talks", "norm_not_kept", "company_request"
std::optional<PauseReason> ParsePauseReason(std::string_view name);

enum class PauseState { kProposed, kActive, kWithdrawn, kLifted };
std::string_view Name(PauseState s);  // "proposed", "active", "withdrawn", "lifted"
std::optional<PauseState> ParsePauseState(std::string_view name);

// The company's time to respond to a proposal, in Dutch working days.
inline constexpr int kPauseResponseWorkingDays = 10;
Date PauseResponseDue(Date proposed_on);

// A lead may confirm a proposal once the company responded or the response
// deadline has passed (the whole deadline day belongs to the company).
bool MayConfirmPause(bool has_response, Date respond_by, Date today);

// The cross-school signal. The deployment may raise the threshold, never
// lower it below 5 (the same small-number rule as the monitor, P19).
inline constexpr int kMinCrossSchoolThreshold = 5;
int CrossSchoolThreshold(int configured);
// The band of a count of cases at or above `threshold`: "5-9", "10-19" or
// "20+"; "" below the threshold (nothing is shown or kept).
std::string_view SignalBand(int64_t cases, int threshold);

// Case outcomes that do not count towards the signal: the report did not
// stand (withdrawn, no discrimination, or not a report at all).
bool OutcomeCountsForSignal(std::string_view outcome);

}  // namespace domain
