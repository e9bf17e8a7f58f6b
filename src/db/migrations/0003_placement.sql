-- Stagematching: students and their leerwens, leerplaatsen, the school's
-- norm and its acceptance by companies, matching rounds with their proposal,
-- exclusions, overrides, refusals and breakdowns (src/placement/).
-- Tokens: {{INT}} 64-bit integer, {{REAL}} double, {{STRICT}} SQLite STRICT.
-- Ids are random text; times are Unix milliseconds UTC; days are YYYY-MM-DD.
-- The matching engine never sees a name: only ids, ranks and travel bands.

ALTER TABLE companies ADD COLUMN lat {{REAL}};
ALTER TABLE companies ADD COLUMN lon {{REAL}};

-- Students as imported from the school's student information system.
CREATE TABLE students (
  id              TEXT PRIMARY KEY,
  school_id       TEXT NOT NULL REFERENCES schools(id),
  student_number  TEXT NOT NULL,
  name            TEXT NOT NULL,
  crebo           TEXT NOT NULL,
  level           {{INT}} NOT NULL,
  pathway         TEXT NOT NULL,                   -- BOL or BBL
  cohort          TEXT NOT NULL,
  location        TEXT NOT NULL DEFAULT '',
  lat             {{REAL}},
  lon             {{REAL}},
  user_id         TEXT UNIQUE REFERENCES users(id) ON DELETE SET NULL,  -- the student's login
  created_at      {{INT}} NOT NULL,
  updated_at      {{INT}} NOT NULL,
  UNIQUE (school_id, student_number)
){{STRICT}};
CREATE INDEX students_cohort ON students(school_id, cohort, crebo);

-- The crebo codes a company is recognised for, in one school's register.
CREATE TABLE company_crebos (
  school_id   TEXT NOT NULL REFERENCES schools(id),
  company_id  TEXT NOT NULL REFERENCES companies(id),
  crebo       TEXT NOT NULL,
  PRIMARY KEY (school_id, company_id, crebo)
){{STRICT}};

-- A company-contact login and the company it speaks for.
CREATE TABLE company_contacts (
  user_id     TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  company_id  TEXT NOT NULL REFERENCES companies(id),
  created_at  {{INT}} NOT NULL
){{STRICT}};
CREATE INDEX company_contacts_company ON company_contacts(company_id);

-- Leerplaatsen: what a company offers a school for one crebo in one period.
CREATE TABLE leerplaatsen (
  id            TEXT PRIMARY KEY,
  school_id     TEXT NOT NULL REFERENCES schools(id),
  company_id    TEXT NOT NULL REFERENCES companies(id),
  crebo         TEXT NOT NULL,
  period        TEXT NOT NULL,
  capacity      {{INT}} NOT NULL CHECK (capacity >= 0),
  description   TEXT NOT NULL DEFAULT '',
  confirmed_by  TEXT,
  confirmed_at  {{INT}},
  created_at    {{INT}} NOT NULL,
  updated_at    {{INT}} NOT NULL,
  UNIQUE (school_id, company_id, crebo, period)
){{STRICT}};
CREATE INDEX leerplaatsen_period ON leerplaatsen(school_id, period, crebo);

-- The school's norm on stagediscriminatie, versioned (1, 2, ...).
CREATE TABLE norm_versions (
  school_id     TEXT NOT NULL REFERENCES schools(id),
  version       {{INT}} NOT NULL,
  text_nl       TEXT NOT NULL,
  text_en       TEXT NOT NULL,
  published_at  {{INT}} NOT NULL,
  published_by  TEXT NOT NULL,
  PRIMARY KEY (school_id, version)
){{STRICT}};

CREATE TABLE norm_acceptances (
  school_id    TEXT NOT NULL REFERENCES schools(id),
  company_id   TEXT NOT NULL REFERENCES companies(id),
  version      {{INT}} NOT NULL,
  accepted_at  {{INT}} NOT NULL,
  accepted_by  TEXT NOT NULL,
  PRIMARY KEY (school_id, company_id, version)
){{STRICT}};

CREATE TABLE rounds (
  id                 TEXT PRIMARY KEY,
  school_id          TEXT NOT NULL REFERENCES schools(id),
  name               TEXT NOT NULL,
  cohort             TEXT NOT NULL,
  period             TEXT NOT NULL,
  crebos             TEXT NOT NULL,                 -- comma-separated crebo codes
  status             TEXT NOT NULL,                 -- draft, open, closed, proposed, published
  leerwens_deadline  TEXT NOT NULL,
  start_date         TEXT NOT NULL,
  end_date           TEXT NOT NULL,
  hours              {{INT}} NOT NULL,
  publish_lead_days  {{INT}} NOT NULL,
  seed               {{INT}} NOT NULL,
  algorithm          TEXT NOT NULL DEFAULT 'da',
  previous_round_id  TEXT REFERENCES rounds(id),
  created_by         TEXT NOT NULL,
  created_at         {{INT}} NOT NULL,
  run_at             {{INT}},
  published_at       {{INT}},
  visible_from       TEXT,
  UNIQUE (school_id, name)
){{STRICT}};
CREATE INDEX rounds_school ON rounds(school_id, status);

-- Who takes part in a round (enrolled when it opens).
CREATE TABLE round_students (
  round_id    TEXT NOT NULL REFERENCES rounds(id),
  student_id  TEXT NOT NULL REFERENCES students(id),
  PRIMARY KEY (round_id, student_id)
){{STRICT}};
CREATE INDEX round_students_student ON round_students(student_id);

CREATE TABLE leerwensen (
  round_id            TEXT NOT NULL REFERENCES rounds(id),
  student_id          TEXT NOT NULL REFERENCES students(id),
  what_to_learn       TEXT NOT NULL DEFAULT '',
  company_type        TEXT NOT NULL DEFAULT '',
  work_type           TEXT NOT NULL DEFAULT '',
  transport           TEXT NOT NULL,
  max_travel_minutes  {{INT}} NOT NULL,
  support_needs       TEXT NOT NULL DEFAULT '',
  share_support       {{INT}} NOT NULL DEFAULT 0,
  updated_at          {{INT}} NOT NULL,
  PRIMARY KEY (round_id, student_id)
){{STRICT}};

CREATE TABLE leerwens_choices (
  round_id       TEXT NOT NULL REFERENCES rounds(id),
  student_id     TEXT NOT NULL REFERENCES students(id),
  rank           {{INT}} NOT NULL,
  leerplaats_id  TEXT NOT NULL REFERENCES leerplaatsen(id),
  PRIMARY KEY (round_id, student_id, rank),
  UNIQUE (round_id, student_id, leerplaats_id)
){{STRICT}};

-- The companies left out of a run, with the reason (coordinators only).
CREATE TABLE round_exclusions (
  round_id    TEXT NOT NULL REFERENCES rounds(id),
  company_id  TEXT NOT NULL REFERENCES companies(id),
  reason      TEXT NOT NULL,                        -- paused, sbb_withdrawn, norm_not_accepted
  PRIMARY KEY (round_id, company_id, reason)
){{STRICT}};

-- Both engines' figures per run ("the cost of stability").
CREATE TABLE round_runs (
  round_id      TEXT NOT NULL REFERENCES rounds(id),
  algorithm     TEXT NOT NULL,
  students      {{INT}} NOT NULL,
  assigned      {{INT}} NOT NULL,
  sum_of_ranks  {{INT}} NOT NULL,
  histogram     TEXT NOT NULL,                      -- comma-separated counts, rank 1 first
  seconds       {{REAL}} NOT NULL,
  chosen        {{INT}} NOT NULL,
  ran_at        {{INT}} NOT NULL,
  PRIMARY KEY (round_id, algorithm)
){{STRICT}};

-- The engine's input and output of the last run, in the matching-io format.
CREATE TABLE round_files (
  round_id  TEXT NOT NULL REFERENCES rounds(id),
  name      TEXT NOT NULL,
  content   TEXT NOT NULL,
  PRIMARY KEY (round_id, name)
){{STRICT}};

-- One row per student of a run: the proposal, overrides, and after
-- publication the placement and how it ended.
CREATE TABLE placements (
  id                    TEXT PRIMARY KEY,
  school_id             TEXT NOT NULL REFERENCES schools(id),
  round_id              TEXT NOT NULL REFERENCES rounds(id),
  student_id            TEXT NOT NULL REFERENCES students(id),
  leerplaats_id         TEXT REFERENCES leerplaatsen(id),
  rank                  {{INT}},
  band                  {{INT}},                     -- travel-band priority at leerplaats_id
  engine_leerplaats_id  TEXT REFERENCES leerplaatsen(id),
  engine_rank           {{INT}},
  lottery               {{INT}} NOT NULL,
  choices               {{INT}} NOT NULL,
  override_reason       TEXT,
  override_by           TEXT,
  override_at           {{INT}},
  volgnummer            {{INT}},
  ended_kind            TEXT,                        -- refusal or breakdown
  ended_at              {{INT}},
  UNIQUE (round_id, student_id)
){{STRICT}};
CREATE INDEX placements_leerplaats ON placements(leerplaats_id);
CREATE INDEX placements_student ON placements(student_id);

-- Why a student did not get a choice ranked above their placement.
CREATE TABLE placement_misses (
  round_id         TEXT NOT NULL REFERENCES rounds(id),
  student_id       TEXT NOT NULL REFERENCES students(id),
  rank             {{INT}} NOT NULL,
  leerplaats_id    TEXT NOT NULL REFERENCES leerplaatsen(id),
  reason           TEXT NOT NULL,
  own_band         {{INT}} NOT NULL,
  cutoff_band      {{INT}} NOT NULL,
  PRIMARY KEY (round_id, student_id, rank)
){{STRICT}};

-- Refusals and breakdowns, flagged to the coordinator until resolved.
CREATE TABLE placement_flags (
  id            TEXT PRIMARY KEY,
  school_id     TEXT NOT NULL REFERENCES schools(id),
  placement_id  TEXT NOT NULL REFERENCES placements(id),
  kind          TEXT NOT NULL,
  reason        TEXT NOT NULL,
  at            {{INT}} NOT NULL,
  recorded_by   TEXT NOT NULL,
  resolved_at   {{INT}},
  resolved_by   TEXT,
  resolution    TEXT NOT NULL DEFAULT '',
  case_id       TEXT
){{STRICT}};
CREATE INDEX placement_flags_school ON placement_flags(school_id, resolved_at);
