#include "norm/rules.h"

#include <algorithm>
#include <charconv>

namespace norm {

using common::Status;
using common::StatusOr;

const std::vector<AssessmentItem>& AssessmentCatalogue() {
  static const std::vector<AssessmentItem> items = {
      {"insp_1", "inspectie", "Maak stagediscriminatie herkenbaar: benoem het expliciet in beleid",
       "Make internship discrimination recognisable: name it explicitly in policy"},
      {"insp_2", "inspectie", "Stel een duidelijke sociale norm, ook richting leerbedrijven",
       "Set a clear social norm, including towards learning companies"},
      {"insp_3", "inspectie",
       "Bouw een cultuur van veiligheid om te melden, met professionalisering van docenten",
       "Build a culture of safety to report, with professional development of teachers"},
      {"task_1", "toolbox",
       "Stel een duidelijke sociale norm tegen stagediscriminatie op school en ten aanzien van het "
       "leerbedrijf",
       "Set a clear social norm against internship discrimination at school and towards the "
       "learning company"},
      {"task_2", "toolbox", "Betrek onderwijsprofessionals, studenten en regionale partners",
       "Involve education professionals, students and regional partners"},
      {"task_3", "toolbox",
       "Stel een samenhangend beleid op en maak het onderdeel van regulier beleid",
       "Draw up a coherent policy and make it part of regular policy"},
      {"task_4", "toolbox", "Start met stagematching als (nieuw) selectieproces",
       "Start internship matching as a (new) selection process"},
      {"task_5", "toolbox", "Stimuleer objectief werven en selecteren bij leerbedrijven",
       "Encourage objective recruitment and selection at learning companies"},
      {"task_6", "toolbox",
       "Richt duidelijke processen in voor het melden van stagediscriminatie en informeer "
       "studenten "
       "er actief over",
       "Set up clear processes for reporting internship discrimination and inform students "
       "actively"},
      {"task_7", "toolbox",
       "Vergroot kennis en vaardigheden over (h)erkennen, voorkomen en aanpakken bij "
       "onderwijsprofessionals",
       "Increase education professionals' knowledge and skills in recognising, preventing and "
       "tackling it"},
  };
  return items;
}

const AssessmentItem* FindAssessmentItem(std::string_view id) {
  for (const AssessmentItem& i : AssessmentCatalogue()) {
    if (i.id == id) return &i;
  }
  return nullptr;
}

std::string_view Name(ItemStatus s) {
  switch (s) {
    case ItemStatus::kNotStarted:
      return "not_started";
    case ItemStatus::kInProgress:
      return "in_progress";
    case ItemStatus::kDone:
      return "done";
  }
  return "not_started";
}

std::optional<ItemStatus> ParseItemStatus(std::string_view s) {
  for (ItemStatus x : {ItemStatus::kNotStarted, ItemStatus::kInProgress, ItemStatus::kDone}) {
    if (Name(x) == s) return x;
  }
  return std::nullopt;
}

Score ScoreOf(const std::vector<ItemStatus>& statuses, int total_items) {
  Score out;
  out.total = std::max(total_items, 0);
  int halves = 0;
  for (ItemStatus s : statuses) {
    if (s == ItemStatus::kDone) {
      ++out.done;
      halves += 2;
    } else if (s == ItemStatus::kInProgress) {
      halves += 1;
    }
  }
  if (out.total == 0) return out;
  // percent = round(100 * halves / (2 * total)), half up, in integers.
  out.percent = std::min(100, (100 * halves + out.total) / (2 * out.total));
  return out;
}

namespace {

int YearOf(domain::Date d) { return std::stoi(domain::FormatDate(d).substr(0, 4)); }
int MonthNumberOf(domain::Date d) { return std::stoi(domain::FormatDate(d).substr(5, 2)); }

std::optional<int> ParseYear(std::string_view s) {
  int v = 0;
  if (s.size() != 4) return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

std::string SchoolYearOf(domain::Date d) {
  int y = YearOf(d);
  int first = MonthNumberOf(d) >= 8 ? y : y - 1;
  return std::to_string(first) + "-" + std::to_string(first + 1);
}

Status CheckSchoolYear(std::string_view year, std::string_view field) {
  std::optional<int> a =
      year.size() == 9 && year[4] == '-' ? ParseYear(year.substr(0, 4)) : std::nullopt;
  std::optional<int> b = a ? ParseYear(year.substr(5, 4)) : std::nullopt;
  if (!a || !b || *b != *a + 1 || *a < 2000 || *a > 2100) {
    return Status::InvalidArgument("is not a school year like 2025-2026", std::string(field));
  }
  return Status::Ok();
}

std::string PreviousSchoolYear(std::string_view year) {
  int first = std::stoi(std::string(year.substr(0, 4)));
  return std::to_string(first - 1) + "-" + std::to_string(first);
}

TrainingState TrainingStateOn(domain::Date expires_on, domain::Date today) {
  if (today >= expires_on) return TrainingState::kExpired;
  if (today >= domain::AddDays(expires_on, -kTrainingReminderDays))
    return TrainingState::kExpiresSoon;
  return TrainingState::kCurrent;
}

std::optional<std::string_view> TrainingReminderKind(domain::Date expires_on, domain::Date today) {
  switch (TrainingStateOn(expires_on, today)) {
    case TrainingState::kExpired:
      return "training_expired";
    case TrainingState::kExpiresSoon:
      return "training_expiring";
    case TrainingState::kCurrent:
      break;
  }
  return std::nullopt;
}

const std::vector<std::string_view>& PulseReasons() {
  static const std::vector<std::string_view> reasons = {
      "not_serious",   "no_trust", "did_not_know_where", "fear_consequences", "no_proof",
      "solved_myself", "other"};
  return reasons;
}

bool IsPulseReason(std::string_view id) {
  const auto& r = PulseReasons();
  return std::find(r.begin(), r.end(), id) != r.end();
}

namespace {

StatusOr<bool> YesNo(std::string_view v, std::string_view field) {
  if (v == "yes") return true;
  if (v == "no") return false;
  return Status::InvalidArgument("choose yes or no", std::string(field));
}

}  // namespace

StatusOr<PulseAnswer> ParsePulseAnswer(std::string_view experienced, std::string_view reported,
                                       const std::vector<std::string>& reasons) {
  PulseAnswer out;
  SP_ASSIGN_OR_RETURN(out.experienced, YesNo(experienced, "experienced"));
  if (!out.experienced) return out;  // later questions do not apply; drop them
  SP_ASSIGN_OR_RETURN(out.reported, YesNo(reported, "reported"));
  if (out.reported) return out;
  for (const std::string& r : reasons) {
    if (!IsPulseReason(r)) return Status::InvalidArgument("is not one of the choices", "reasons");
    if (std::find(out.reasons.begin(), out.reasons.end(), r) == out.reasons.end()) {
      out.reasons.push_back(r);
    }
  }
  return out;
}

std::string MonthOf(domain::Date d) { return domain::FormatDate(d).substr(0, 7); }

}  // namespace norm
