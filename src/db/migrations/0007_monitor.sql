-- Monitor (issue 6): the dashboard and the yearly report read one school's
-- reports received in a fixed period. The existing indexes put status (or
-- "open only") between school and date, so without this one a school's whole
-- history is scanned for every period.
CREATE INDEX cases_school_received ON cases(school_id, received_at);
