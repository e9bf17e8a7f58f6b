-- Random case references and the two-person identity reveal (src/meldpunt/).
-- Tokens: {{INT}} 64-bit integer, {{BLOB}} bytes, {{STRICT}} SQLite STRICT.
-- Times are Unix milliseconds UTC.

-- Case references are drawn at random now (crypto::NewCaseReference, unique
-- per school by cases' UNIQUE (school_id, case_number)); nothing reads the
-- per-year counters any more. References already issued stay in cases.
DROP TABLE case_counters;

-- P9: a confidential reporter's identity is shown to a lead only after a
-- second person agreed. One row per request; the reason is sealed with the
-- case key, so the meldpunt and the reporter (with their code) can read it.
CREATE TABLE identity_reveals (
  id            TEXT PRIMARY KEY,                        -- random
  case_id       TEXT NOT NULL REFERENCES cases(id),
  school_id     TEXT NOT NULL REFERENCES schools(id),
  requested_by  TEXT NOT NULL REFERENCES users(id),      -- a meldpunt lead
  requested_at  {{INT}} NOT NULL,
  expires_at    {{INT}} NOT NULL,                        -- undecided after this: expired
  reason        {{BLOB}} NOT NULL,
  decision      TEXT,                                    -- NULL, 'approved' or 'refused'
  decided_by    TEXT,                                    -- the second lead or the school admin
  decided_role  TEXT,                                    -- 'lead' or 'recovery'
  decided_at    {{INT}}
){{STRICT}};
CREATE INDEX identity_reveals_case ON identity_reveals(case_id, requested_at);
