// File: app/demo_norm.h
//
// Demo data of the norm module for the demo schools: the norm's four
// sections, a self-assessment for last and this school year, training
// records (one expiring soon), anonymous pulse answers, and for the 99DM demo
// student one running and one ended internship, so the norm to read and the
// pulse survey show on /stage. Runs after SeedPlacementDemo.
#pragma once

#include "app/app.h"
#include "common/status.h"

namespace app {

// Idempotent: running it twice changes nothing.
common::Status SeedNormDemo(App& app);

}  // namespace app
