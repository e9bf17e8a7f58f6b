// File: placement/explain_internal.h
//
// A round's proposal as stored (placements, misses, shared support needs),
// turned into review rows with the student's explanation in Dutch and
// English. Shared by the coordinator's review and the student's own view.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "placement/internal.h"

namespace placement::internal {

struct ProposalRecord {
  std::string placement_id;
  Student student;  // id, number, name, crebo, level, pathway
  int choices = 0;
  std::optional<Place> place;
  std::string company_address;
  std::string company_postcode;
  std::optional<int> rank;
  domain::TravelBand band = domain::TravelBand::kUnknown;
  bool overridden = false;
  std::string override_reason;
  std::vector<MissedChoiceView> missed;  // better-ranked than the placement
  std::string support_needs;             // shared ones only
  std::optional<std::string> ended;
};

// The proposal of `round_id`, for one student or ("") all, by student number.
common::StatusOr<std::vector<ProposalRecord>> LoadProposal(db::Connection& c,
                                                           std::string_view round_id,
                                                           std::string_view student_id,
                                                           bool with_names);

domain::StudentOutcome OutcomeOf(const ProposalRecord& rec);
ProposalRow ToProposalRow(ProposalRecord rec);

struct PlaceCheck {
  std::optional<domain::Coordinates> company_at;
};
// May `student_id` be placed at `place_id` by hand in `round`? NotFound for
// an unknown place; InvalidArgument (field place_id) when it is not a place
// of the round or of the student's crebo; FailedPrecondition when its
// company is excluded or it is full.
common::StatusOr<PlaceCheck> CheckPlaceForOverride(db::Connection& c, const Round& round,
                                                   std::string_view school_id,
                                                   std::string_view student_id,
                                                   std::string_view place_id,
                                                   std::string_view student_crebo);

// Published, and the day has come on which students and companies see it.
bool Visible(const Round& round, domain::Date today);

}  // namespace placement::internal
