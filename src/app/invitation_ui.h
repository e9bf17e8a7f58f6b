// File: app/invitation_ui.h
//
// How pages speak of an invitation (docs/accounts.md): "uitnodiging verstuurd
// op 2026-12-07 (geldig tot 2026-12-14)", never its token, and one message
// after (re-)inviting. Shared by the admin's user pages and the
// coordinator's contact and student pages.
#pragma once

#include <string>

#include "app/app.h"
#include "auth/sessions.h"

namespace app {

// The state of a user's latest invitation, or "" when none is pending.
inline std::string InvitationNote(const Ctx& ctx, const auth::InvitationState& inv,
                                  common::UnixMillis now) {
  if (inv.used || inv.sent_at == 0) return "";
  if (inv.valid_until <= now) {
    return ctx.T("acc_invite_expired") + " " + common::FormatIso8601(inv.valid_until).substr(0, 10);
  }
  return ctx.T("acc_invite_sent_on") + " " + common::FormatIso8601(inv.sent_at).substr(0, 10) +
         " (" + ctx.T("acc_invite_valid_until") + " " +
         common::FormatIso8601(inv.valid_until).substr(0, 10) + ")";
}

// The flash after an invitation was made: queued as mail, or (no address)
// the user must be told another way.
inline std::string InvitedFlash(const Ctx& ctx, const auth::SentInvitation& sent) {
  std::string until = common::FormatIso8601(sent.valid_until).substr(0, 10);
  return sent.queued ? ctx.T("acc_invite_queued") + " (" + ctx.T("acc_invite_valid_until") + " " +
                           until + ")"
                     : ctx.T("acc_invite_no_address");
}

}  // namespace app
