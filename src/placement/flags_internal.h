// File: placement/flags_internal.h
//
// Ending a placement (refusal or breakdown) and the coordinator's flag, for
// both the company contact (company.cc) and the coordinator (flags.cc).
#pragma once

#include <string>

#include "placement/internal.h"

namespace placement::internal {

// Marks a published placement of the actor's school as ended and raises a
// flag, with an audit record. With `company_id` set, only placements at that
// company in a round already visible to it qualify (others are NotFound).
common::StatusOr<Flag> EndPlacement(db::Connection& c, const audit::AuditLog& log,
                                    const auth::User& actor, std::string_view placement_id,
                                    EndKind kind, std::string_view reason,
                                    const std::string& company_id, const common::Clock& clock);

// The flags of a school (one when flag_id is set), newest first.
common::StatusOr<std::vector<Flag>> LoadFlags(db::Connection& c, std::string_view school_id,
                                              std::string_view flag_id, bool include_resolved);

}  // namespace placement::internal
