-- A staffed meldpunt (src/meldpunt/leads.cc) and passwords that can be reset
-- (src/auth/password_reset.h).
-- Tokens: {{INT}} 64-bit integer, {{STRICT}} SQLite STRICT.

-- Handlers who should hold case keys they do not hold yet: a new lead (every
-- case of the school) or a handler whose key pair was replaced after a
-- password reset (their assigned cases). Any lead's request with a key, or
-- the school admin with the recovery code, seals the keys to them and
-- removes the row. Holds ids only.
CREATE TABLE meldpunt_key_grants (
  user_id     TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  school_id   TEXT NOT NULL,
  reason      TEXT NOT NULL,        -- 'lead' or 'new_key'
  created_at  {{INT}} NOT NULL
){{STRICT}};
CREATE INDEX meldpunt_key_grants_school ON meldpunt_key_grants(school_id);

-- One-time links to choose a new password: only the token's SHA-256 is kept.
CREATE TABLE password_resets (
  token_hash  TEXT PRIMARY KEY,
  user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at  {{INT}} NOT NULL,
  expires_at  {{INT}} NOT NULL,
  used_at     {{INT}}
){{STRICT}};
CREATE INDEX password_resets_user ON password_resets(user_id, created_at);
