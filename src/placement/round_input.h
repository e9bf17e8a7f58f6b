// File: placement/round_input.h
//
// One round as the matching engine sees it: students, the round's places
// with the capacity left, ranked choices and travel-band priorities, built
// from the database in a fixed order (student id, place id) so that the
// files written from it reproduce the run with `stagepunt match`.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "matchio/loader.h"
#include "matchio/round.h"
#include "placement/internal.h"

namespace placement::internal {

struct RoundInput {
  matchio::NamedInstance named;  // students: student ids; positions: place ids;
                                 // companies: leerbedrijf-IDs
  std::vector<int32_t> choices;  // per student: length of the ranked list
  std::vector<std::string> position_company_id;  // per position: companies.id
  std::vector<std::string> excluded_company_ids;  // companies.id, of the whole register
};

// Loads the round's input. `exclusions` are the companies that take no
// students (their positions stay in, marked excluded).
common::StatusOr<RoundInput> LoadRoundInput(db::Connection& c, const Round& round,
                                            std::string_view school_id,
                                            const std::vector<Exclusion>& exclusions);

// The matching-io.md files for `input` and the run `result`: students.csv,
// positions.csv, preferences.csv, priorities.csv, exclusions.csv and
// assignment.csv.
std::map<std::string, std::string> MatchingIoFiles(const RoundInput& input,
                                                   const matchio::RoundResult& result);

// The travel band of a student at a company, for a transport mode.
domain::TravelBand BandBetween(const std::optional<domain::Coordinates>& home,
                               const std::optional<domain::Coordinates>& work,
                               domain::Transport transport);

}  // namespace placement::internal
