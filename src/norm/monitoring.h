// File: norm/monitoring.h
//
// Raw figures of the norm module for the monitor (dashboard and yearly
// report): the self-assessment per school year, pulse survey counts and the
// share of staff with current training. These are raw counts; the monitor
// applies disclosure control before anything is shown. Each function runs
// inside the caller's transaction (Read is enough).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "db/database.h"
#include "domain/calendar.h"

namespace norm {

struct AssessmentScore {
  std::string school_year;  // "2025-2026"
  int score_percent = 0;
  int items_done = 0;
  int items_total = 0;
};
// Every school year the school assessed itself in, oldest first.
common::StatusOr<std::vector<AssessmentScore>> AssessmentScores(db::Connection& c,
                                                                std::string_view school_id);

struct AssessmentItemStatus {
  std::string item_id;
  std::string title_nl;
  std::string title_en;
  std::string status;  // not_started, in_progress, done
  std::string evidence;
  std::string updated_on;  // YYYY-MM-DD as the school dated it; "" when never set
};
// Every catalogue item (norm/rules.h) in catalogue order for one school year.
common::StatusOr<std::vector<AssessmentItemStatus>> AssessmentFor(db::Connection& c,
                                                                  std::string_view school_id,
                                                                  std::string_view school_year);

struct PulseSummary {
  int64_t responses = 0;
  int64_t experienced = 0;
  int64_t reported = 0;
  // Every reason of the closed list in its order, with how many chose it.
  std::vector<std::pair<std::string, int64_t>> reasons_not_reported;
};
// Answers keep only their month, so this counts the answers of every month
// that overlaps [from, to] (inclusive days).
common::StatusOr<PulseSummary> PulseFor(db::Connection& c, std::string_view school_id,
                                        domain::Date from, domain::Date to);

// The school's internships that ran in [from, to] (inclusive days), from
// both sources alike: placements of published rounds and the school's BPV
// agreements (the bpv import), and of those how
// many had the school's norm marked as read by their student (any version).
// The monitor's norm-reading share and its count of internships.
struct InternshipSummary {
  int64_t from_rounds = 0;
  int64_t from_bpv = 0;
  int64_t norm_read = 0;  // of from_rounds + from_bpv
  int64_t total() const { return from_rounds + from_bpv; }
};
common::StatusOr<InternshipSummary> InternshipsFor(db::Connection& c, std::string_view school_id,
                                                   domain::Date from, domain::Date to);

struct TrainingSummary {
  int64_t staff_total = 0;      // active staff accounts (not students, not companies)
  int64_t trained_current = 0;  // of those, with a training completed and not expired on `on`
};
common::StatusOr<TrainingSummary> TrainingFor(db::Connection& c, std::string_view school_id,
                                              domain::Date on);

}  // namespace norm
