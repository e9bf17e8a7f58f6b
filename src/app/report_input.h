// File: app/report_input.h
//
// Turns a submitted report (JSON per api.md, or the web form) into a
// domain::ReportDraft. Both reject an unknown value with kInvalidArgument
// naming the field ("grounds", "mode", "occurred_on", ...) before the
// domain's own validation runs; programme_choices.h then holds the
// programme's location and crebo to the school's register. Pure parsing:
// no I/O, so the fuzz target compiles this file alone.
#pragma once

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "domain/meldpunt.h"
#include "web/http.h"

namespace app {

common::StatusOr<domain::ReportDraft> DraftFromJson(const nlohmann::json& body);
common::StatusOr<domain::ReportDraft> DraftFromForm(const web::Form& form);

}  // namespace app
