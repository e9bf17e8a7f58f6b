-- Who did it, on a report: comma-separated ids like grounds (company,
-- colleague, client, school, other; domain/meldpunt.h). Categorical and in
-- plaintext like phase and grounds, for the handler's overview and the
-- monitor's breakdown by who did it. Empty: not given (the question is
-- optional, and reports made before it existed have no answer).
ALTER TABLE cases ADD COLUMN actors TEXT NOT NULL DEFAULT '';
