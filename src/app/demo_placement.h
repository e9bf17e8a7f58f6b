// File: app/demo_placement.h
//
// Synthetic stagematching demo data for the demo schools (99DM, 98DM): 40
// students per school with crebo codes, levels and BOL/BBL (no real person's
// data), leerplaatsen at the eight demo companies, recognitions, the
// school's norm (accepted by seven of the eight companies), the demo student
// and company-contact logins linked, one published matching round and one
// round open for leerwens entry. Runs after SeedDemo (it needs the schools,
// users and companies that SeedDemo creates).
#pragma once

#include "app/app.h"
#include "common/status.h"

namespace app {

// Idempotent: running it twice changes nothing.
common::Status SeedPlacementDemo(App& app);

}  // namespace app
