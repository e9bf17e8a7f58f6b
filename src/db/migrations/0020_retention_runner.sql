-- The retention job (src/retention/runner.h) and the audit anchor
-- (src/audit/audit_log.h). Tokens: {{INT}} 64-bit integer, {{STRICT}} SQLite STRICT.

-- Where the kept part of the audit chain starts once older records are
-- removed: the seq and hash of the last removed record, when, and how many
-- went. One row per pruning; Verify() starts from the row with the highest
-- seq. `mac` is an HMAC with the audit key over the other fields, so someone
-- holding only the database cannot cut the chain's head and write an anchor
-- that hides it.
CREATE TABLE audit_anchor (
  seq        {{INT}} PRIMARY KEY,
  hash       TEXT NOT NULL,
  pruned_at  {{INT}} NOT NULL,
  removed    {{INT}} NOT NULL,
  mac        TEXT NOT NULL
){{STRICT}};

-- When a staff account was disabled; its retention starts then. NULL on an
-- enabled account, and on one disabled before this column: the retention job
-- dates those to the run that first sees them.
ALTER TABLE users ADD COLUMN disabled_at {{INT}};

-- The last day of the last round with a placement at the contact's company
-- (YYYY-MM-DD), kept by the retention job so that a contact's period still
-- counts from it after the rounds themselves were removed.
ALTER TABLE company_contacts ADD COLUMN last_placement_on TEXT;
