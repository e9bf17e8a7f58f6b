// File: norm/rules.h
//
// Pure rules of the norm module (no I/O): the self-assessment catalogue and
// its score, school years, training expiry reminders, and the pulse survey's
// closed vocabulary.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "domain/calendar.h"

namespace norm {

// ---- Self-assessment --------------------------------------------------------

// One thing a school assesses itself on: the Inspectie's three
// recommendations (Feb 2024) and the seven tasks of the Toolbox aanpak
// stagediscriminatie (2023), in our own short wording of each.
struct AssessmentItem {
  std::string_view id;      // stable, stored in assessment_items.item_id
  std::string_view source;  // "inspectie" or "toolbox"
  std::string_view title_nl;
  std::string_view title_en;
};
const std::vector<AssessmentItem>& AssessmentCatalogue();
const AssessmentItem* FindAssessmentItem(std::string_view id);

enum class ItemStatus { kNotStarted, kInProgress, kDone };
std::string_view Name(ItemStatus s);  // "not_started", "in_progress", "done"
std::optional<ItemStatus> ParseItemStatus(std::string_view s);

struct Score {
  int percent = 0;  // 0..100
  int done = 0;
  int total = 0;
};
// Done counts 1, in progress 1/2, not started 0, over every catalogue item
// (items without a status are not started); the percentage is rounded half
// up so that a school is never shown more progress than it made plus 0.5.
Score ScoreOf(const std::vector<ItemStatus>& statuses, int total_items);

// "2025-2026" for 1 Aug 2025 .. 31 Jul 2026: the mbo school year.
std::string SchoolYearOf(domain::Date d);
// Accepts "2025-2026" (second year = first + 1, 2000..2100).
common::Status CheckSchoolYear(std::string_view year, std::string_view field);
std::string PreviousSchoolYear(std::string_view year);  // of a checked year

// ---- Training register ------------------------------------------------------

inline constexpr int kTrainingReminderDays = 30;
enum class TrainingState { kCurrent, kExpiresSoon, kExpired };
TrainingState TrainingStateOn(domain::Date expires_on, domain::Date today);
// Which reminder is due on `today`, if any: "training_expiring" from 30 days
// before expiry, "training_expired" from the expiry day on.
std::optional<std::string_view> TrainingReminderKind(domain::Date expires_on, domain::Date today);

// ---- Pulse survey -----------------------------------------------------------

// Why a student did not report: a closed list, so no answer carries free
// text that could identify them.
const std::vector<std::string_view>& PulseReasons();
bool IsPulseReason(std::string_view id);

struct PulseAnswer {
  bool experienced = false;
  bool reported = false;
  std::vector<std::string> reasons;  // only when experienced and not reported
};
// From form values: experienced "yes"/"no", reported "yes"/"no" (required
// when experienced), reasons ids. Errors name the field.
common::StatusOr<PulseAnswer> ParsePulseAnswer(std::string_view experienced,
                                               std::string_view reported,
                                               const std::vector<std::string>& reasons);
// "2026-06": the only time an answer keeps.
std::string MonthOf(domain::Date d);

}  // namespace norm
