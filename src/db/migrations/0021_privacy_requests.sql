-- Requests to use a right of the AVG (src/privacy/requests.h): correction
-- (art. 16), erasure (art. 17) and objection (art. 21), and the school's
-- answer. A download (art. 15) is answered at once and only audited.
-- Tokens: {{INT}} 64-bit integer, {{STRICT}} SQLite STRICT.
--
-- The row is the school's proof that it answered within the deadline, so it
-- outlives an erasure: user_id has no foreign key (the user row may be gone)
-- and names nobody once it is; the requester's text is wiped when their data
-- is erased. Kept like the audit log (domain/retention.h, "audit").
CREATE TABLE privacy_requests (
  id           TEXT PRIMARY KEY,
  school_id    TEXT NOT NULL REFERENCES schools(id),
  user_id      TEXT NOT NULL,           -- who asked (a users.id; no FK, see above)
  kind         TEXT NOT NULL,           -- correction, erasure, objection
  text         TEXT NOT NULL DEFAULT '',-- what is wrong / why: personal data
  created_at   {{INT}} NOT NULL,
  due_on       TEXT NOT NULL,           -- yyyy-mm-dd: one month later (AVG art. 12(3))
  state        TEXT NOT NULL DEFAULT 'open',  -- open, done, refused
  answered_by  TEXT,
  answered_at  {{INT}},
  reason       TEXT NOT NULL DEFAULT ''  -- the answer: required when refused
){{STRICT}};
CREATE INDEX privacy_requests_open ON privacy_requests(school_id, state, due_on);
CREATE INDEX privacy_requests_user ON privacy_requests(user_id, created_at);
