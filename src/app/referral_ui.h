// File: app/referral_ui.h
//
// What other pages need of the referral pages (referral_routes.cc):
//
//   body.set("outside", OutsideRoutes(ctx, school.id));  // then {{> outside_routes}}
//
// OutsideRoutes is the data of the partial template outside_routes.mustache:
// where else a student can go, by name, without logging in: the school's ADV
// (or "discriminatie.nl finds your regional ADV" when none is set), SBB's
// meldpunt or the school's SBB contact, the vertrouwensinspecteur (unless the
// school turned it off), the College voor de Rechten van de Mens for a
// judgment, and the police for a crime. The report form and the norm page
// show it.
#pragma once

#include <string_view>

#include "app/app.h"
#include "meldpunt/referral.h"

namespace app {

views::Data OutsideRoutes(Ctx& ctx, std::string_view school_id);

// The referral service on the app's database, audit log, meldpunt and outbox.
meldpunt::Referrals ReferralsOf(App& app);

void RegisterReferralRoutes(App& app);

}  // namespace app
