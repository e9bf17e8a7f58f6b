// File: mail/outbox.h
//
// Mail that leaves the app, through a transactional outbox: a producer queues
// a mail in the same transaction as the event that causes it, so a mail exists
// exactly when the change was committed; a sender job (sender.h) delivers it
// later, with retries, once across instances.
//
// What a mail may say is fixed here, by construction: a mail is one of a
// closed set of kinds, and its only variable parts are `Params` (a link into
// the app, a case reference, the recipient's own login, the school's name, a
// validity date). There is no free text, so no narrative, company, name or
// ground can ever be put in a mail.
//
//   SP_ASSIGN_OR_RETURN(bool queued, outbox.EnqueueForUser(conn, mail::Kind::kNewCase,
//       lead_id, {.link = "/meldpunt/zaken/" + case_id, .case_reference = ref}));
//
// Alert kinds respect the recipient's opt-out (per user and kind);
// invitations and password resets always go out.
#pragma once

#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"
#include "db/database.h"

namespace mail {

enum class Kind {
  kInvitation,        // set your password: login, school, link, valid_until
  kPasswordReset,     // reset your password: login, link, valid_until
  kNewCase,           // to the school's meldpunt leads: case reference, link
  kCaseAssigned,      // to the handler a case was assigned to
  kDeadlineAlert,     // a meldpunt deadline (first contact, feedback) is near or missed
  kReporterMessage,   // the reporter wrote on a case: to the assigned handler
  kMessageForStudent, // "er is een nieuw bericht over je melding", to a student who asked
  kHandlerNeedsKeys,  // to leads: a handler reset their password and needs case keys again
  kPrivacyRequest,    // to school admins: a privacy request to answer within a month (link only)
  kReferral,          // to the school's ADV or SBB contact: a hand-over waits behind the link
                      // (school, link, valid_until; the summary itself is never in the mail)
};

// Stable name of a kind ("invitation", "new_case", ...): the opt-out key,
// the catalogue prefix and what the admin's mail list shows.
std::string_view KindName(Kind kind);
// Invitations and resets cannot be turned off; every other kind can.
bool IsAlert(Kind kind);

// Everything a mail may name. Fields that a kind does not use are ignored.
struct Params {
  std::string link;            // a path inside the app ("/invite/..."); made absolute with the public URL
  std::string case_reference;  // "M-XXXX-XXXX"
  std::string login;           // the recipient's own login (invitations, resets)
  std::string school_name;     // invitations
  common::UnixMillis valid_until = 0;  // invitations, resets
};

struct Recipient {
  std::string address;      // e-mail address
  std::string locale = "nl";  // "nl" or "en"
  std::string school_id;    // "" for the deployment (system admins)
  std::string user_id;      // "" when the mail is not to a user (yet)
};

class Outbox {
 public:
  // `public_url` is the app's address as users reach it ("https://stagepunt.school.nl");
  // links in mails are made absolute with it.
  Outbox(const common::Clock& clock, std::string public_url)
      : clock_(clock), public_url_(std::move(public_url)) {}

  // Queues one mail in the caller's transaction. Returns false (and queues
  // nothing) for an alert kind the user turned off. InvalidArgument (field
  // "email") for an address that is not one.
  common::StatusOr<bool> Enqueue(db::Connection& c, Kind kind, const Recipient& to,
                                 const Params& params) const;
  // To a user: the address is users.email, else the login when it is an
  // address; locale and school from the user. Returns false when the user is
  // disabled, has no address, or turned this alert kind off.
  common::StatusOr<bool> EnqueueForUser(db::Connection& c, Kind kind, std::string_view user_id,
                                        const Params& params) const;

  const std::string& public_url() const { return public_url_; }

 private:
  const common::Clock& clock_;
  std::string public_url_;
};

}  // namespace mail
