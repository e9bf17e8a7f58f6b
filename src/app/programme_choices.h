// File: app/programme_choices.h
//
// The closed lists a report's programme fields come from: a location or a
// crebo that is not in the school's own register could carry free text (a
// class, a name) into the monitor, so the form offers only these and the form
// and the JSON API accept nothing else.
#pragma once

#include <string_view>

#include "common/status.h"
#include "db/database.h"
#include "domain/meldpunt.h"

namespace app {

// The school's closed lists for the programme part (domain::ProgrammeChoices):
// the distinct locations of its students, and the crebos of its students and
// leerplaatsen. The form offers these; nothing else is accepted.
common::StatusOr<domain::ProgrammeChoices> ProgrammeChoicesOf(db::Database& db,
                                                              std::string_view school_id);
// A draft's location and crebo against the school's lists, for the form and
// the JSON API alike: kInvalidArgument naming "programme.location" or
// "programme.crebo" for a value that is not on them (empty is "not given").
common::Status CheckProgrammeChoice(db::Database& db, std::string_view school_id,
                                    const domain::Programme& programme);

}  // namespace app
