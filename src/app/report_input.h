// File: app/report_input.h
//
// Turns a submitted report (JSON per api.md, or the web form) into a
// domain::ReportDraft. Both reject an unknown value with kInvalidArgument
// naming the field ("grounds", "mode", "occurred_on", ...) before the
// domain's own validation runs; CheckProgrammeChoice then holds the
// programme's location and crebo to the school's register.
#pragma once

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "db/database.h"
#include "domain/meldpunt.h"
#include "web/http.h"

namespace app {

common::StatusOr<domain::ReportDraft> DraftFromJson(const nlohmann::json& body);
common::StatusOr<domain::ReportDraft> DraftFromForm(const web::Form& form);

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
