-- Meldpunt: reports (cases) encrypted per case, handler key pairs, the
-- company register and signal register, and per-school meldpunt settings.
-- Categorical fields stay in plaintext for statistics; everything a person
-- wrote (narrative, identity, messages, notes, free company text) is sealed
-- with the case key (see src/meldpunt/keyring.h).

ALTER TABLE users ADD COLUMN meldpunt_lead {{INT}} NOT NULL DEFAULT 0;

CREATE TABLE school_settings (
  school_id                  TEXT PRIMARY KEY REFERENCES schools(id),
  first_contact_working_days {{INT}} NOT NULL DEFAULT 3,
  feedback_months            {{INT}} NOT NULL DEFAULT 3,
  retention_months           {{INT}} NOT NULL DEFAULT 24,
  signal_threshold           {{INT}} NOT NULL DEFAULT 2,
  aftercare_weeks            TEXT NOT NULL DEFAULT '2,6',
  show_handler_names         {{INT}} NOT NULL DEFAULT 0,
  recovery_public_key        {{BLOB}},             -- its secret half is held by the school admin
  updated_at                 {{INT}} NOT NULL
){{STRICT}};

-- A meldpunt handler's X25519 key pair: the secret half wrapped with a key
-- derived from their password, and sealed to the school's recovery key.
CREATE TABLE user_keys (
  user_id          TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  public_key       {{BLOB}} NOT NULL,
  password_wrapped {{BLOB}} NOT NULL,
  recovery_sealed  {{BLOB}},
  created_at       {{INT}} NOT NULL
){{STRICT}};

-- The unwrapped secret key of a logged-in handler, sealed under a key that
-- only the browser's cookie holds. Shared by all server instances.
CREATE TABLE key_sessions (
  id_hash     TEXT PRIMARY KEY,
  user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  box         {{BLOB}} NOT NULL,
  expires_at  {{INT}} NOT NULL
){{STRICT}};
CREATE INDEX key_sessions_user ON key_sessions(user_id);

-- The learning companies (SBB register), shared by the schools on the deployment.
CREATE TABLE companies (
  id              TEXT PRIMARY KEY,
  leerbedrijf_id  TEXT NOT NULL UNIQUE,
  kvk             TEXT NOT NULL DEFAULT '',
  name            TEXT NOT NULL,
  address         TEXT NOT NULL DEFAULT '',
  postcode        TEXT NOT NULL DEFAULT '',
  city            TEXT NOT NULL DEFAULT '',
  sector          TEXT NOT NULL DEFAULT '',
  sbb_recognised  {{INT}} NOT NULL DEFAULT 1,
  created_at      {{INT}} NOT NULL
){{STRICT}};
CREATE INDEX companies_kvk ON companies(kvk);

-- A school's own register: the companies it works with.
CREATE TABLE school_companies (
  school_id   TEXT NOT NULL REFERENCES schools(id),
  company_id  TEXT NOT NULL REFERENCES companies(id),
  PRIMARY KEY (school_id, company_id)
){{STRICT}};

CREATE TABLE company_pauses (
  id          TEXT PRIMARY KEY,
  school_id   TEXT NOT NULL REFERENCES schools(id),
  company_id  TEXT NOT NULL REFERENCES companies(id),
  reason      TEXT NOT NULL,
  until_date  TEXT NOT NULL,                      -- YYYY-MM-DD, inclusive
  created_by  TEXT NOT NULL,
  created_at  {{INT}} NOT NULL,
  lifted_at   {{INT}},
  lifted_by   TEXT
){{STRICT}};
CREATE INDEX company_pauses_company ON company_pauses(school_id, company_id);

CREATE TABLE case_counters (
  school_id  TEXT NOT NULL REFERENCES schools(id),
  year       {{INT}} NOT NULL,
  last       {{INT}} NOT NULL,
  PRIMARY KEY (school_id, year)
){{STRICT}};

CREATE TABLE cases (
  id                   TEXT PRIMARY KEY,         -- random, never shown to reporters
  school_id            TEXT NOT NULL REFERENCES schools(id),
  case_number          TEXT NOT NULL,            -- M-2026-0042, per school
  receipt_key          TEXT UNIQUE,              -- HMAC(pepper, code); NULL once shredded
  mode                 TEXT NOT NULL,
  channel              TEXT NOT NULL,
  phase                TEXT NOT NULL,
  grounds              TEXT NOT NULL,            -- comma-separated ids
  wishes               TEXT NOT NULL,
  consents             TEXT NOT NULL,
  company_id           TEXT REFERENCES companies(id),
  occurred_on          TEXT,
  status               TEXT NOT NULL,
  assigned_to          TEXT REFERENCES users(id),
  received_at          {{INT}} NOT NULL,
  first_contact_at     {{INT}},
  first_contact_due    TEXT NOT NULL,
  feedback_due         TEXT NOT NULL,
  feedback_given_at    {{INT}},
  closed_at            {{INT}},
  outcome              TEXT,
  retention_due        TEXT,
  shredded_at          {{INT}},
  content_sha256       TEXT NOT NULL,
  survey_heard         {{INT}},
  survey_believed      {{INT}},
  survey_know_outcome  {{INT}},
  -- sealed with the case key (identity: with the identity key when confidential)
  narrative            {{BLOB}},
  company_text         {{BLOB}},
  identity             {{BLOB}},
  outcome_text         {{BLOB}},
  UNIQUE (school_id, case_number)
){{STRICT}};
CREATE INDEX cases_school_status ON cases(school_id, status, received_at);
CREATE INDEX cases_company ON cases(company_id, received_at);
CREATE INDEX cases_assigned ON cases(assigned_to);
CREATE INDEX cases_retention ON cases(retention_due);

-- The case key (and identity key) sealed for each holder: 'recovery',
-- 'reporter' or a user id.
CREATE TABLE case_keys (
  case_id   TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  holder    TEXT NOT NULL,
  purpose   TEXT NOT NULL,                        -- 'case' or 'identity'
  sealed    {{BLOB}} NOT NULL,
  PRIMARY KEY (case_id, holder, purpose)
){{STRICT}};

-- The timeline: status changes, assignments, extensions, consent changes.
CREATE TABLE case_events (
  id          TEXT PRIMARY KEY,
  case_id     TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  at          {{INT}} NOT NULL,
  kind        TEXT NOT NULL,
  from_value  TEXT,
  to_value    TEXT,
  actor       TEXT NOT NULL,
  detail      {{BLOB}}                              -- sealed free text (reasons)
){{STRICT}};
CREATE INDEX case_events_case ON case_events(case_id, at);

CREATE TABLE case_messages (
  id         TEXT PRIMARY KEY,
  case_id    TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  at         {{INT}} NOT NULL,
  sender     TEXT NOT NULL,                        -- 'reporter' or 'meldpunt'
  author_id  TEXT,
  body       {{BLOB}} NOT NULL
){{STRICT}};
CREATE INDEX case_messages_case ON case_messages(case_id, at);

CREATE TABLE case_actions (
  id           TEXT PRIMARY KEY,
  case_id      TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  at           {{INT}} NOT NULL,
  kind         TEXT NOT NULL,
  actor        TEXT NOT NULL,
  note         {{BLOB}}
){{STRICT}};
CREATE INDEX case_actions_case ON case_actions(case_id, at);

CREATE TABLE aftercare_tasks (
  id         TEXT PRIMARY KEY,
  case_id    TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  due_on     TEXT NOT NULL,
  done_at    {{INT}},
  done_by    TEXT,
  note       {{BLOB}}
){{STRICT}};
CREATE INDEX aftercare_tasks_case ON aftercare_tasks(case_id, due_on);

CREATE TABLE attachments (
  id           TEXT PRIMARY KEY,
  case_id      TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  at           {{INT}} NOT NULL,
  kind         TEXT NOT NULL,                      -- pdf, png, jpeg
  size         {{INT}} NOT NULL,
  stored_name  TEXT NOT NULL UNIQUE,               -- random; never the uploaded name
  file_key     {{BLOB}} NOT NULL,                  -- sealed with the case key
  uploaded_by  TEXT NOT NULL
){{STRICT}};
CREATE INDEX attachments_case ON attachments(case_id);

CREATE TABLE reporter_sessions (
  token_hash  TEXT PRIMARY KEY,
  case_id     TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  key_box     {{BLOB}} NOT NULL,                    -- the case key under a key from the token
  created_at  {{INT}} NOT NULL,
  expires_at  {{INT}} NOT NULL
){{STRICT}};
CREATE INDEX reporter_sessions_case ON reporter_sessions(case_id);
