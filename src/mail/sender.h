// File: mail/sender.h
//
// Delivers the mails the outbox (outbox.h) queued: over SMTP (libcurl), or,
// without an SMTP URL, as files DATA_DIR/outbox/<id>.eml for the demo.
//
// Once across instances: a run claims due rows in one transaction (state
// 'sending', claimed_until = now + lease), so two instances never hold the
// same row. A row is marked 'sent' right after the server accepted it. The
// one window where a mail can go out twice: a crash (or lost database) after
// the server accepted and before 'sent' was committed; the row is then tried
// again after its lease, with the same Message-ID, so the recipient's mail
// program can tell it is the same mail.
//
// Retries: 1 minute after the first failure, doubling up to 6 hours; a mail
// that still fails 48 hours after it was queued (or after 20 tries) becomes
// 'failed' with a short technical reason (curl's error text and the SMTP
// code, never an address). After 'sent' or 'failed' the subject and body are
// wiped (a body can hold an invitation link); kind, state, times, tries and
// reason stay, until the retention job removes the row (period "mail" in
// domain/retention.h, 30 days by default).
//
//   mail::Sender sender(db, clock, {.smtp_url = "smtp://app@mail.school.nl:587",
//                                   .smtp_password = pw, .mail_from = "stagepunt@school.nl",
//                                   .public_url = "https://stagepunt.school.nl",
//                                   .eml_dir = data_dir + "/outbox"});
//   auto run = sender.RunOnce();
#pragma once

#include <string>

#include "common/clock.h"
#include "common/status.h"
#include "db/database.h"

namespace mail {

struct SenderOptions {
  // smtp://[user@]host[:port] (STARTTLS when offered), smtps://... (TLS from
  // the start), or smtp://...?tls=required (STARTTLS or fail). Empty: .eml files.
  std::string smtp_url;
  std::string smtp_password;  // read from --smtp-password-file; used with the URL's user
  std::string mail_from = "stagepunt@localhost";     // envelope and From:
  std::string public_url = "http://127.0.0.1:8080";  // its host names the Message-IDs
  std::string eml_dir = "var/outbox";
  common::UnixMillis lease_ms = 5 * 60 * 1000;  // a claimed row's lease
  int batch = 50;                               // rows per run
  long timeout_seconds = 60;  // per SMTP conversation (NOLINT(google-runtime-int))
};

// The retry rules, pure.
// Delay after the `attempts`-th failed try (1-based): 1 min, 2, 4, ... capped at 6 h.
common::UnixMillis RetryDelay(int attempts);
inline constexpr common::UnixMillis kGiveUpAfterMs = 48LL * 3600 * 1000;
inline constexpr int kMaxAttempts = 20;

// One queued mail as the sender sees it.
struct OutgoingMail {
  std::string id;
  std::string to;
  std::string subject;
  std::string body;
};

// The RFC 5322 message (CRLF line ends): Date, From, To, Subject (RFC 2047
// when not ASCII), Message-ID <id@host>, MIME-Version, text/plain UTF-8 in
// quoted-printable, Auto-Submitted: auto-generated.
std::string BuildMessage(const OutgoingMail& m, std::string_view from, std::string_view host,
                         common::UnixMillis date);
// The host of a URL ("https://a.b:8443/x" -> "a.b"), "localhost" when none.
std::string HostOf(std::string_view url);
// "a***@school.nl": what an admin may see of an address.
std::string MaskAddress(std::string_view address);

class Sender {
 public:
  Sender(db::Database& db, const common::Clock& clock, SenderOptions options);

  struct Run {
    int sent = 0;
    int retried = 0;  // failed now, queued again
    int failed = 0;   // given up
  };
  // Claims due rows, delivers them, records the outcome.
  common::StatusOr<Run> RunOnce();

  const SenderOptions& options() const { return options_; }

 private:
  db::Database& db_;
  const common::Clock& clock_;
  SenderOptions options_;
};

}  // namespace mail
