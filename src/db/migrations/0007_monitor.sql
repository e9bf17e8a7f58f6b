-- Monitor (issue 6): the dashboard and the yearly report read one school's
-- reports received in a fixed period; the deployment-wide report counts every
-- school's reports per phase and status in one period. The existing indexes
-- put status (or "open only") between school and date, so without this one a
-- school's whole history is scanned; its trailing columns let the counts come
-- from the index alone (a skip-scan over the schools, no table reads).
CREATE INDEX cases_school_received ON cases(school_id, received_at, phase, status, id);
-- The matching per round (ranks, unplaced, refusals, breakdowns) from the
-- index alone, for the school's dashboard and for every school at once.
CREATE INDEX placements_round_outcome ON placements(round_id, leerplaats_id, rank, ended_kind);
