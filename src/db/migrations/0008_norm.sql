-- The school's norm as a policy page with sections, students' reading of it,
-- the self-assessment, the training register and the anonymous pulse survey
-- (src/norm/). Tokens: {{INT}} 64-bit integer, {{STRICT}} SQLite STRICT.
-- Days are YYYY-MM-DD, times Unix milliseconds UTC.

-- norm_versions (0003) held one text; text_nl/text_en stay "the norm" itself,
-- the section companies always accepted. Existing versions keep their text
-- there and get empty other sections, which pages leave out.
ALTER TABLE norm_versions ADD COLUMN definition_nl TEXT NOT NULL DEFAULT '';
ALTER TABLE norm_versions ADD COLUMN definition_en TEXT NOT NULL DEFAULT '';
ALTER TABLE norm_versions ADD COLUMN report_nl TEXT NOT NULL DEFAULT '';
ALTER TABLE norm_versions ADD COLUMN report_en TEXT NOT NULL DEFAULT '';
ALTER TABLE norm_versions ADD COLUMN next_nl TEXT NOT NULL DEFAULT '';
ALTER TABLE norm_versions ADD COLUMN next_en TEXT NOT NULL DEFAULT '';

-- A student read the norm at the start of an internship (one placement).
CREATE TABLE norm_reads (
  school_id     TEXT NOT NULL REFERENCES schools(id),
  user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  placement_id  TEXT NOT NULL REFERENCES placements(id),
  version       {{INT}} NOT NULL,
  read_at       {{INT}} NOT NULL,
  PRIMARY KEY (user_id, placement_id, version)
){{STRICT}};

-- Self-assessment: one row per item the school has touched in a school year;
-- an item without a row is "not started".
CREATE TABLE assessment_items (
  school_id    TEXT NOT NULL REFERENCES schools(id),
  school_year  TEXT NOT NULL,                      -- "2025-2026"
  item_id      TEXT NOT NULL,                      -- domain/norm.h catalogue
  status       TEXT NOT NULL,                      -- not_started, in_progress, done
  evidence     TEXT NOT NULL DEFAULT '',
  dated        TEXT NOT NULL,                      -- the date the school gives
  updated_at   {{INT}} NOT NULL,
  updated_by   TEXT NOT NULL,
  PRIMARY KEY (school_id, school_year, item_id)
){{STRICT}};

-- Training register: who completed training in recognising and handling
-- stagediscriminatie, and until when it counts.
CREATE TABLE training_records (
  id             TEXT PRIMARY KEY,
  school_id      TEXT NOT NULL REFERENCES schools(id),
  user_id        TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  training_name  TEXT NOT NULL,
  completed_on   TEXT NOT NULL,
  expires_on     TEXT NOT NULL,
  recorded_at    {{INT}} NOT NULL,
  recorded_by    TEXT NOT NULL
){{STRICT}};
CREATE INDEX training_records_school ON training_records(school_id, expires_on);
CREATE INDEX training_records_user ON training_records(user_id);

-- Pulse survey. Anonymity by separation (docs/security.md): pulse_done says
-- that a student answered for a placement, with no time and no answer;
-- pulse_answers holds answers with a random id, the school and the month
-- only: no user, no session, no placement, no exact time.
CREATE TABLE pulse_done (
  user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  placement_id  TEXT NOT NULL REFERENCES placements(id),
  PRIMARY KEY (user_id, placement_id)
){{STRICT}};

CREATE TABLE pulse_answers (
  id           TEXT PRIMARY KEY,                   -- random, not ordered
  school_id    TEXT NOT NULL REFERENCES schools(id),
  month        TEXT NOT NULL,                      -- "2026-06"
  experienced  {{INT}} NOT NULL,                   -- 0 or 1
  reported     {{INT}} NOT NULL,                   -- 0 or 1 (0 when not experienced)
  reasons      TEXT NOT NULL DEFAULT ''            -- comma-separated reason ids
){{STRICT}};
CREATE INDEX pulse_answers_school ON pulse_answers(school_id, month);
