-- Mail that leaves the app (src/mail/): a transactional outbox, the users'
-- addresses and their opt-outs of alert mails.
-- Tokens: {{INT}} 64-bit integer, {{STRICT}} SQLite STRICT.

-- The address mails go to; NULL: the login, when it is an address.
ALTER TABLE users ADD COLUMN email TEXT;

CREATE TABLE mail_outbox (
  id               TEXT PRIMARY KEY,
  school_id        TEXT,                 -- NULL: the deployment (system admins)
  user_id          TEXT,                 -- the recipient, when a user
  kind             TEXT NOT NULL,        -- mail::KindName
  to_address       TEXT NOT NULL,
  subject          TEXT NOT NULL,
  body             TEXT NOT NULL,        -- plain text; names at most a case reference and a link
  state            TEXT NOT NULL DEFAULT 'queued',  -- queued, sending, sent, failed
  attempts         {{INT}} NOT NULL DEFAULT 0,
  next_attempt_at  {{INT}} NOT NULL,
  claimed_until    {{INT}} NOT NULL DEFAULT 0,
  last_error       TEXT,
  created_at       {{INT}} NOT NULL,
  sent_at          {{INT}}
){{STRICT}};
CREATE INDEX mail_outbox_due ON mail_outbox(state, next_attempt_at);

-- Alert mails a user turned off (invitations and resets cannot be).
CREATE TABLE mail_opt_outs (
  user_id  TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  kind     TEXT NOT NULL,
  PRIMARY KEY (user_id, kind)
){{STRICT}};

-- A logged-in student who asked to hear by mail of a new message on their
-- report. It links an account to a (non-anonymous) case in plain text, so
-- only the mail job reads it (docs/mail.md, docs/security.md); it goes with
-- the case.
CREATE TABLE case_mail_optin (
  case_id  TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  user_id  TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  PRIMARY KEY (case_id, user_id)
){{STRICT}};
