-- The student's programme on a report, for the monitor's breakdowns (issue 6:
-- reports by crebo or sector, BOL/BBL, level and location). Categorical and in
-- plaintext like phase and grounds; all optional, because an anonymous
-- reporter may leave them out, and filled from the student register when a
-- logged-in student reports.
ALTER TABLE cases ADD COLUMN crebo TEXT;
ALTER TABLE cases ADD COLUMN pathway TEXT;      -- 'BOL' or 'BBL'
ALTER TABLE cases ADD COLUMN level {{INT}};     -- mbo niveau 1..4
ALTER TABLE cases ADD COLUMN location TEXT;

-- Every new report inserts into each index on cases inside the single SQLite
-- writer's transaction. Most new reports have no handler, no retention date
-- and often no register company yet, so partial indexes keep those rows out of
-- three of them: less work per report, and the same plans for the queries
-- that use them (they all ask for a value, never for NULL).
DROP INDEX cases_assigned;
CREATE INDEX cases_assigned ON cases(assigned_to) WHERE assigned_to IS NOT NULL;
DROP INDEX cases_retention;
CREATE INDEX cases_retention ON cases(retention_due) WHERE retention_due IS NOT NULL;
DROP INDEX cases_company;
CREATE INDEX cases_company ON cases(company_id, received_at) WHERE company_id IS NOT NULL;
