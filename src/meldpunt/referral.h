// File: meldpunt/referral.h
//
// Referrals that arrive: the meldpunt hands a case over to the school's
// regional anti-discrimination service (ADV) or to SBB, with a summary the
// student has read and agreed to, and follows up what became of it.
//
//   1. The school admin sets the school's outside contacts (Contacts,
//      SaveContacts): the ADV (name, address, phone, e-mail, website), the
//      SBB contact (SBB's public meldpunt when none is set), and whether the
//      Inspectie's vertrouwensinspecteur is shown to students. The report
//      form and the norm page show these routes to everyone.
//   2. A handler composes a hand-over summary from the case (Compose): the
//      parts the student chose to share (kReferralParts), and only those,
//      plus what the school asks of the destination. It is sealed with the
//      case key, so handlers and the student read it and the database alone
//      does not.
//   3. The student reads exactly that summary with their code and agrees or
//      declines (ReporterDecide). Agreeing also gives the consent the
//      referral needs (share_adv / share_sbb). Nothing is sent before.
//   4. A handler sends it (Send): by mail where the school set an address,
//      or marked as handed over in person. The mail holds only a link
//      (mail/outbox.h, kind kReferral) with a random token of 30 days; the
//      token is stored as its hash, and a second copy of the summary is
//      sealed with a key derived from the token, so only the link's holder
//      opens it. Opening the link (OpenByToken) marks the referral received.
//      Sending records the case action referral_adv / referral_sbb, which
//      the monitor counts.
//   5. The handler records the destination's answer and the outcome
//      (RecordAnswer). A referral without an answer `follow_up_days` after
//      it was sent raises one dashboard notification to the handler who sent
//      it (RunFollowUpReminders, a scheduled job).
//
// Every read and change is audited with the case id, never content. A
// referral goes with its case when the case is shredded. Another school's
// referral, like a missing one, is kNotFound.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "meldpunt/service.h"

namespace meldpunt {

// The school's outside routes and referral destinations.
struct ReferralContacts {
  std::string adv_name;
  std::string adv_address;
  std::string adv_phone;
  std::string adv_email;
  std::string adv_website;
  std::string sbb_name;
  std::string sbb_email;
  bool show_inspectie = true;
  bool saved = false;  // false: the school has not filled them in yet
};

// What a summary can hold, in the order it is shown. "request" is what the
// school asks of the destination, written by the handler; the others come
// from the case.
inline constexpr std::array<std::string_view, 7> kReferralParts = {
    "what", "grounds", "company", "dates", "name", "contact", "request"};

// The hand-over summary: only the parts the student agreed to share. Values
// are as stored; pages translate the ground ids and the dates.
struct ReferralSummary {
  std::string destination;  // "adv" or "sbb"
  std::string school_name;
  std::string case_number;
  common::UnixMillis composed_at = 0;
  std::string what;                  // the student's account
  std::vector<std::string> grounds;  // domain::Ground ids
  std::string company;
  std::string occurred_on;  // YYYY-MM-DD or ""
  std::string received_on;  // YYYY-MM-DD or ""
  std::string name;
  std::string contact;
  std::string request;
  std::vector<std::string> parts;  // the shared part ids, in kReferralParts order
};

struct Referral {
  std::string id;
  std::string school_id;  // the case's school: whose ADV and SBB contact it names
  std::string case_id;
  std::string destination;  // "adv" or "sbb"
  std::string state;        // draft, agreed, declined, sent
  ReferralSummary summary;
  common::UnixMillis created_at = 0;
  std::optional<common::UnixMillis> decided_at, sent_at, received_at, answered_at;
  std::optional<common::UnixMillis> token_expires_at, remind_at;
  std::string delivery;  // "mail", "in_person" or "" before sending
  std::string answer;    // the destination's answer as the handler recorded it
  std::string outcome;   // one of kReferralOutcomes, or ""
  int follow_up_days = 14;
};

inline constexpr std::array<std::string_view, 4> kReferralOutcomes = {"taken_up", "referred_on",
                                                                      "no_action", "declined"};
// How long the link in the mail opens the summary.
inline constexpr int kReferralLinkDays = 30;
inline constexpr char kReferralLinkExpired[] = "referral_link_expired";

struct ComposeRequest {
  std::string destination;         // "adv" or "sbb"
  std::vector<std::string> parts;  // the parts the student chose to share
  std::string request;             // what the school asks of the destination
  int follow_up_days = 14;         // 1 to 90
};

class Referrals {
 public:
  Referrals(db::Database& db, const common::Clock& clock, const audit::AuditLog& audit,
            Meldpunt& meldpunt, const mail::Outbox* outbox)
      : db_(db), clock_(clock), audit_(audit), meldpunt_(meldpunt), outbox_(outbox) {}

  // ---- The school's contacts (referral_contacts.cc) ----
  common::StatusOr<ReferralContacts> Contacts(std::string_view school_id);
  // kInvalidArgument names the field (an address that is not one, a website
  // that is not http(s), text too long).
  common::Status SaveContacts(const auth::User& admin, const ReferralContacts& contacts);

  // ---- The handler (referrals.cc) ----
  // The summary the parts would make, from the case as the handler may read
  // it (kPermissionDenied without the case key): every part filled in, for
  // the compose form. Parts the case does not have are empty.
  common::StatusOr<ReferralSummary> Preview(const Staff& staff, std::string_view case_id);
  // A draft with only the chosen parts; returns its id. The student decides next.
  common::StatusOr<std::string> Compose(const Staff& staff, std::string_view case_id,
                                        const ComposeRequest& request);
  common::StatusOr<std::vector<Referral>> ForCase(const Staff& staff, std::string_view case_id);
  common::StatusOr<Referral> Get(const Staff& staff, std::string_view case_id,
                                 std::string_view referral_id);
  // `delivery` is "mail" or "in_person". kFailedPrecondition (field
  // "referral") before the student agreed or once sent; (field "delivery")
  // for mail when the school set no address for the destination; (field
  // "consent") when the student withdrew the consent since.
  common::Status Send(const Staff& staff, std::string_view case_id, std::string_view referral_id,
                      std::string_view delivery);
  common::Status RecordAnswer(const Staff& staff, std::string_view case_id,
                              std::string_view referral_id, std::string_view answer,
                              std::string_view outcome);

  // ---- The student, with their code's session ----
  common::StatusOr<std::vector<Referral>> ForReporter(std::string_view token);
  // Agree (or decline) to a draft. kFailedPrecondition once decided.
  common::Status ReporterDecide(std::string_view token, std::string_view referral_id, bool agree);

  // ---- The destination, with the mailed link ----
  // The summary behind the link; marks the referral received the first
  // time. kNotFound for an unknown token; kFailedPrecondition with message
  // kReferralLinkExpired once expired.
  common::StatusOr<Referral> OpenByToken(std::string_view token);

  // ---- The follow-up job ----
  // Returns the number of reminders raised; each referral raises one.
  common::StatusOr<int> RunFollowUpReminders();

 private:
  db::Database& db_;
  const common::Clock& clock_;
  const audit::AuditLog& audit_;
  Meldpunt& meldpunt_;
  const mail::Outbox* outbox_;
};

// The summary as stored (JSON) and back.
std::string EncodeSummary(const ReferralSummary& s);
ReferralSummary DecodeSummary(std::string_view json);

}  // namespace meldpunt
