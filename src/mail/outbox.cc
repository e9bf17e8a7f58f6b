#include "mail/outbox.h"

#include <fmt/format.h>

#include "crypto/random.h"

namespace mail {

using common::Status;
using common::StatusOr;

namespace {

struct Text {
  const char* subject;
  const char* body;  // {link}, {ref}, {login}, {school}, {until} are filled in
};

// The words of each mail, Dutch and English. Only Params can be filled in.
Text Words(Kind kind, bool english) {
  switch (kind) {
    case Kind::kInvitation:
      return english ? Text{"Your Stagepunt account at {school}",
                            "An account was made for you at {school}.\n\nLogin: {login}\n\n"
                            "Choose your password with this link (valid until {until}; it works "
                            "once):\n{link}\n"}
                     : Text{"Je account voor Stagepunt van {school}",
                            "Er is een account voor je gemaakt bij {school}.\n\nLogin: {login}\n\n"
                            "Kies je wachtwoord met deze link (geldig tot {until}; de link werkt "
                            "één keer):\n{link}\n"};
    case Kind::kPasswordReset:
      return english ? Text{"Reset your Stagepunt password",
                            "Someone asked to reset the password of {login}.\n\nChoose a new "
                            "password with this link (valid until {until}; it works once):\n{link}"
                            "\n\nDid you not ask for this? Then ignore this mail.\n"}
                     : Text{"Nieuw wachtwoord voor Stagepunt",
                            "Iemand vroeg een nieuw wachtwoord aan voor {login}.\n\nKies een nieuw "
                            "wachtwoord met deze link (geldig tot {until}; de link werkt één keer):"
                            "\n{link}\n\nHeb jij dit niet gevraagd? Dan kun je deze mail negeren.\n"};
    case Kind::kNewCase:
      return english ? Text{"New report {ref}", "A new report came in: {ref}.\n\n{link}\n"}
                     : Text{"Nieuwe melding {ref}", "Er is een nieuwe melding: {ref}.\n\n{link}\n"};
    case Kind::kCaseAssigned:
      return english ? Text{"Report {ref} is assigned to you",
                            "Report {ref} is assigned to you.\n\n{link}\n"}
                     : Text{"Melding {ref} is aan jou toegewezen",
                            "Melding {ref} is aan jou toegewezen.\n\n{link}\n"};
    case Kind::kDeadlineAlert:
      return english ? Text{"Deadline for report {ref}",
                            "A deadline for report {ref} is near or has passed.\n\n{link}\n"}
                     : Text{"Termijn van melding {ref}",
                            "Een termijn van melding {ref} is bijna voorbij of verlopen.\n\n{link}\n"};
    case Kind::kReporterMessage:
      return english ? Text{"New message on report {ref}",
                            "The reporter wrote a new message on report {ref}.\n\n{link}\n"}
                     : Text{"Nieuw bericht bij melding {ref}",
                            "De melder schreef een nieuw bericht bij melding {ref}.\n\n{link}\n"};
    case Kind::kMessageForStudent:
      return english ? Text{"New message about your report",
                            "There is a new message about your report. Log in to read it:\n{link}\n"}
                     : Text{"Nieuw bericht over je melding",
                            "Er is een nieuw bericht over je melding. Log in om het te lezen:\n"
                            "{link}\n"};
    case Kind::kHandlerNeedsKeys:
      return english ? Text{"A handler needs access to cases again",
                            "A meldpunt handler set a new password and can open no cases until a "
                            "lead grants access again.\n\n{link}\n"}
                     : Text{"Een behandelaar heeft weer toegang nodig",
                            "Een behandelaar van het meldpunt heeft een nieuw wachtwoord en kan "
                            "geen meldingen openen tot een leidinggevende weer toegang geeft.\n\n"
                            "{link}\n"};
    case Kind::kPrivacyRequest:
      return english ? Text{"New privacy request",
                            "A student or company contact asked to use a right over their "
                            "personal data. The school answers within one month.\n\n{link}\n"}
                     : Text{"Nieuw privacyverzoek",
                            "Een student of contactpersoon vraagt iets over hun persoonsgegevens. "
                            "De school antwoordt binnen een maand.\n\n{link}\n"};
    case Kind::kReferral:
      return english ? Text{"A referral from {school}",
                            "The meldpunt of {school} refers a student to you, with the "
                            "student's agreement. Read and download the summary with this link "
                            "(valid until {until}):\n{link}\n\nOpening the link tells the "
                            "school that the referral arrived.\n"}
                     : Text{"Een doorverwijzing van {school}",
                            "Het meldpunt van {school} verwijst een student naar jullie door, "
                            "met toestemming van de student. Lees en download de samenvatting "
                            "met deze link (geldig tot {until}):\n{link}\n\nAls je de link "
                            "opent, ziet de school dat de doorverwijzing is aangekomen.\n"};
  }
  return {"", ""};
}

bool LooksLikeAddress(std::string_view a) {
  size_t at = a.find('@');
  return !a.empty() && a.size() <= 254 && at != std::string_view::npos && at > 0 &&
         at + 1 < a.size() && a.find('@', at + 1) == std::string_view::npos &&
         a.find_first_of(" \t\r\n<>,;\"") == std::string_view::npos &&
         a.find('.', at) != std::string_view::npos;
}

}  // namespace

std::string_view KindName(Kind kind) {
  switch (kind) {
    case Kind::kInvitation: return "invitation";
    case Kind::kPasswordReset: return "password_reset";
    case Kind::kNewCase: return "new_case";
    case Kind::kCaseAssigned: return "case_assigned";
    case Kind::kDeadlineAlert: return "deadline_alert";
    case Kind::kReporterMessage: return "reporter_message";
    case Kind::kMessageForStudent: return "message_for_student";
    case Kind::kHandlerNeedsKeys: return "handler_needs_keys";
    case Kind::kPrivacyRequest: return "privacy_request";
    case Kind::kReferral: return "referral";
  }
  return "unknown";
}

bool IsAlert(Kind kind) { return kind != Kind::kInvitation && kind != Kind::kPasswordReset; }

StatusOr<bool> Outbox::Enqueue(db::Connection& c, Kind kind, const Recipient& to,
                               const Params& p) const {
  if (!LooksLikeAddress(to.address))
    return Status::InvalidArgument("not an e-mail address", "email");
  if (IsAlert(kind) && !to.user_id.empty()) {
    SP_ASSIGN_OR_RETURN(db::Rows off,
                        c.Query("SELECT 1 FROM mail_opt_outs WHERE user_id = $1 AND kind = $2",
                                {to.user_id, std::string(KindName(kind))}));
    if (!off.rows.empty()) return false;
  }
  const bool english = to.locale == "en";
  Text words = Words(kind, english);
  std::string until = p.valid_until > 0 ? common::FormatIso8601(p.valid_until) : "";
  std::string link = p.link.empty() ? public_url_ : public_url_ + p.link;
  auto fill = [&](const char* text) {
    return fmt::format(fmt::runtime(text), fmt::arg("link", link), fmt::arg("ref", p.case_reference),
                       fmt::arg("login", p.login), fmt::arg("school", p.school_name),
                       fmt::arg("until", until));
  };
  common::UnixMillis now = clock_.NowMillis();
  SP_RETURN_IF_ERROR(
      c.Execute("INSERT INTO mail_outbox(id, school_id, user_id, kind, to_address, subject, body, "
                "next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
                {crypto::RandomId(),
                 to.school_id.empty() ? db::Param(std::nullopt) : db::Param(to.school_id),
                 to.user_id.empty() ? db::Param(std::nullopt) : db::Param(to.user_id),
                 std::string(KindName(kind)), to.address, fill(words.subject), fill(words.body),
                 now})
          .status());
  return true;
}

StatusOr<bool> Outbox::EnqueueForUser(db::Connection& c, Kind kind, std::string_view user_id,
                                      const Params& params) const {
  SP_ASSIGN_OR_RETURN(db::Rows rows,
                      c.Query("SELECT email, login, locale, school_id, disabled FROM users "
                              "WHERE id = $1",
                              {std::string(user_id)}));
  if (rows.rows.empty()) return Status::NotFound("no such user");
  const db::Row& r = rows.rows[0];
  if (r.Int(4) != 0) return false;
  std::string address = r.IsNull(0) ? r.Text(1) : r.Text(0);
  if (!LooksLikeAddress(address)) return false;
  return Enqueue(c, kind,
                 {address, r.Text(2), r.IsNull(3) ? std::string() : r.Text(3), std::string(user_id)},
                 params);
}

}  // namespace mail
