-- Company pauses with hoor en wederhoor, and the daily cross-school signal
-- (domain/company_pause.h). Tokens: {{INT}} 64-bit integer, {{STRICT}} SQLite
-- STRICT. Days are YYYY-MM-DD, times Unix milliseconds UTC.

-- A pause is proposed, then confirmed or made urgent by a meldpunt lead
-- (state 'active'), and later lifted; a proposal may be withdrawn. Only an
-- active pause excludes the company from rounds. Pauses made before this
-- version took effect at once: they stay active (or lifted). Their free-text
-- `reason` becomes the leads' internal note; everyone else sees the neutral
-- reason_code, for them "paused pending talks".
ALTER TABLE company_pauses ADD COLUMN state TEXT NOT NULL DEFAULT 'active';
ALTER TABLE company_pauses ADD COLUMN reason_code TEXT NOT NULL DEFAULT 'awaiting_talks';
ALTER TABLE company_pauses ADD COLUMN respond_by TEXT NOT NULL DEFAULT '';
ALTER TABLE company_pauses ADD COLUMN urgent_reason TEXT;
ALTER TABLE company_pauses ADD COLUMN urgent_by TEXT;
ALTER TABLE company_pauses ADD COLUMN urgent_at {{INT}};
ALTER TABLE company_pauses ADD COLUMN confirmed_by TEXT;
ALTER TABLE company_pauses ADD COLUMN confirmed_at {{INT}};
ALTER TABLE company_pauses ADD COLUMN withdrawn_by TEXT;
ALTER TABLE company_pauses ADD COLUMN withdrawn_at {{INT}};
UPDATE company_pauses SET state = 'lifted' WHERE lifted_at IS NOT NULL;

-- The company's response to a proposed (or urgent) pause: written by the
-- company contact on /bedrijf ('company') or recorded by a lead when it came
-- another way ('lead'). Seen by the school's meldpunt leads only.
CREATE TABLE company_pause_responses (
  id           TEXT PRIMARY KEY,
  pause_id     TEXT NOT NULL REFERENCES company_pauses(id),
  school_id    TEXT NOT NULL REFERENCES schools(id),
  via          TEXT NOT NULL,
  text         TEXT NOT NULL,
  recorded_by  TEXT NOT NULL,
  created_at   {{INT}} NOT NULL
){{STRICT}};
CREATE INDEX company_pause_responses_pause ON company_pause_responses(pause_id);

-- The daily cross-school signal: a company appears only at or above the
-- threshold, and only its band is kept, never an exact count.
CREATE TABLE company_signals (
  company_id   TEXT PRIMARY KEY REFERENCES companies(id),
  band         TEXT NOT NULL,                      -- "5-9", "10-19", "20+"
  computed_on  TEXT NOT NULL,                      -- the day of the run
  computed_at  {{INT}} NOT NULL
){{STRICT}};
