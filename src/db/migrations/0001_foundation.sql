-- Foundation: schools (tenants), users and roles, sessions, invitations,
-- login throttling, API tokens and the hash-chained audit log.
-- Tokens: {{INT}} 64-bit integer, {{BLOB}} bytes, {{STRICT}} SQLite STRICT.
-- Ids are random text (not guessable); times are Unix milliseconds UTC.

CREATE TABLE schools (
  id          TEXT PRIMARY KEY,
  brin        TEXT NOT NULL UNIQUE,
  name        TEXT NOT NULL,
  created_at  {{INT}} NOT NULL
){{STRICT}};

CREATE TABLE users (
  id             TEXT PRIMARY KEY,
  school_id      TEXT REFERENCES schools(id),      -- NULL only for system admins
  login          TEXT NOT NULL UNIQUE,             -- lower case e-mail style login
  display_name   TEXT NOT NULL,
  role           TEXT NOT NULL,
  password_hash  TEXT,                             -- NULL until an invitation is used
  totp_secret    TEXT,                             -- base32; NULL when not enrolled
  totp_last_step {{INT}} NOT NULL DEFAULT 0,        -- replay protection
  disabled       {{INT}} NOT NULL DEFAULT 0,
  locale         TEXT NOT NULL DEFAULT 'nl',
  created_at     {{INT}} NOT NULL
){{STRICT}};
CREATE INDEX users_school ON users(school_id, role);

CREATE TABLE sessions (
  id_hash        TEXT PRIMARY KEY,                 -- SHA-256 of the cookie value
  user_id        TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf_token     TEXT NOT NULL,
  mfa_passed     {{INT}} NOT NULL DEFAULT 0,
  created_at     {{INT}} NOT NULL,
  last_seen_at   {{INT}} NOT NULL,
  expires_at     {{INT}} NOT NULL
){{STRICT}};
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE invitations (
  token_hash     TEXT PRIMARY KEY,
  user_id        TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at     {{INT}} NOT NULL,
  expires_at     {{INT}} NOT NULL,
  used_at        {{INT}}
){{STRICT}};

CREATE TABLE login_throttle (
  login          TEXT PRIMARY KEY,
  failures       {{INT}} NOT NULL,
  locked_until   {{INT}} NOT NULL
){{STRICT}};

CREATE TABLE api_tokens (
  token_hash     TEXT PRIMARY KEY,
  user_id        TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at     {{INT}} NOT NULL,
  expires_at     {{INT}} NOT NULL
){{STRICT}};

CREATE TABLE audit_log (
  seq            {{INT}} PRIMARY KEY,              -- 1, 2, 3 ... no gaps
  at             {{INT}} NOT NULL,
  school_id      TEXT,
  actor          TEXT NOT NULL,                    -- user id, 'anonymous' or 'system'
  action         TEXT NOT NULL,
  object_type    TEXT NOT NULL,
  object_id      TEXT NOT NULL,
  result         TEXT NOT NULL,
  prev_hash      TEXT NOT NULL,
  hash           TEXT NOT NULL
){{STRICT}};

CREATE TABLE jobs_lease (
  name           TEXT PRIMARY KEY,                 -- scheduled jobs run once across instances
  holder         TEXT NOT NULL,
  until_at       {{INT}} NOT NULL,
  last_run_at    {{INT}} NOT NULL
){{STRICT}};
