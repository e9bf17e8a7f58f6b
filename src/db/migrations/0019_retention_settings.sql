-- Retention per school (src/retention/settings.h, rules in domain/retention.h).
-- Tokens: {{INT}} 64-bit integer, {{STRICT}} SQLite STRICT.

-- A school's chosen period per retention key; a key without a row uses the
-- catalogue's default. Values are checked against the catalogue's bounds
-- before they are written.
CREATE TABLE school_retention (
  school_id   TEXT NOT NULL REFERENCES schools(id),
  period_key  TEXT NOT NULL,
  value       {{INT}} NOT NULL,
  updated_at  {{INT}} NOT NULL,
  updated_by  TEXT,
  PRIMARY KEY (school_id, period_key)
){{STRICT}};

-- A closed report's period moves here from school_settings.retention_months,
-- where schools may have changed it from the default.
INSERT INTO school_retention (school_id, period_key, value, updated_at, updated_by)
  SELECT school_id, 'cases', retention_months, updated_at, NULL FROM school_settings
  WHERE retention_months <> 24;

-- The day a student left the school (from the students import or the
-- coordinator); their record's retention starts then. NULL: still enrolled.
ALTER TABLE students ADD COLUMN left_on TEXT;

-- When a pulse answer was given, so the link between student and placement
-- can be dropped after its own period. 0 marks a link older than this
-- column: the retention job dates it to the run that first sees it.
ALTER TABLE pulse_done ADD COLUMN done_at {{INT}} NOT NULL DEFAULT 0;
