-- Single sign-on with OpenID Connect (src/oidc/): a school's identity
-- provider, the links from a provider's subject to a user, the pending logins
-- (state, nonce) and what logout at the provider needs.
-- The client secret is a file under DATA_DIR/keys, never a column here.
-- Tokens: {{INT}} 64-bit integer, {{STRICT}} SQLite STRICT.

-- One identity provider per school.
CREATE TABLE school_sso (
  school_id             TEXT PRIMARY KEY REFERENCES schools(id) ON DELETE CASCADE,
  issuer                TEXT NOT NULL,   -- exactly as the provider's discovery names it
  client_id             TEXT NOT NULL,
  student_number_claim  TEXT NOT NULL DEFAULT 'schac_personal_unique_code',
  staff_claim           TEXT NOT NULL DEFAULT 'eduperson_affiliation=employee',  -- NAME=VALUE
  idp_enforces_mfa      {{INT}} NOT NULL DEFAULT 0,
  mfa_acr               TEXT NOT NULL DEFAULT '',  -- an acr value that also proves MFA ('' none)
  enabled               {{INT}} NOT NULL DEFAULT 1,
  updated_at            {{INT}} NOT NULL
){{STRICT}};

-- A provider's account (issuer, subject) is one user of the provider's school.
CREATE TABLE user_identities (
  issuer      TEXT NOT NULL,
  subject     TEXT NOT NULL,
  user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  school_id   TEXT NOT NULL REFERENCES schools(id) ON DELETE CASCADE,
  created_at  {{INT}} NOT NULL,
  PRIMARY KEY (issuer, subject)
){{STRICT}};
CREATE INDEX user_identities_user ON user_identities(user_id);

-- Logins under way: only hashes of the state, the nonce and the browser's
-- cookie; a row is used once (used_at) and expires after ten minutes.
CREATE TABLE sso_login_states (
  state_hash    TEXT PRIMARY KEY,
  browser_hash  TEXT NOT NULL,
  nonce_hash    TEXT NOT NULL,
  school_id     TEXT NOT NULL REFERENCES schools(id) ON DELETE CASCADE,
  expires_at    {{INT}} NOT NULL,
  used_at       {{INT}}
){{STRICT}};
CREATE INDEX sso_login_states_expiry ON sso_login_states(expires_at);

-- For logout at the provider (id_token_hint): kept with the session, gone with it.
CREATE TABLE sso_sessions (
  session_hash  TEXT PRIMARY KEY REFERENCES sessions(id_hash) ON DELETE CASCADE,
  school_id     TEXT NOT NULL,
  id_token      TEXT NOT NULL
){{STRICT}};
