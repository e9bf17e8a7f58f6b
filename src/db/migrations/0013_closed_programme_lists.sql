-- A report's programme location and crebo come from closed lists, the
-- school's register: the locations of its students, and the crebos of its
-- students and leerplaatsen (app/report_input.h). Before, the location was
-- free text stored in plaintext, and a typed "Amsterdam Klas 3B <name>" on a
-- confidential report reached the monitor verbatim. Values that are not on
-- their school's lists are cleared ("not given"), so free text that is
-- already stored disappears; listed values are kept.
UPDATE cases SET location = NULL
 WHERE location IS NOT NULL
   AND location NOT IN (SELECT s.location FROM students s
                         WHERE s.school_id = cases.school_id AND s.location <> '');
UPDATE cases SET crebo = NULL
 WHERE crebo IS NOT NULL
   AND crebo NOT IN (SELECT s.crebo FROM students s WHERE s.school_id = cases.school_id
                     UNION
                     SELECT l.crebo FROM leerplaatsen l WHERE l.school_id = cases.school_id);

-- The monitor leaves out cases closed as "not a report" (outcome
-- 'not_a_report'); with the outcome in the index, its counts still come from
-- the index alone (see 0007).
DROP INDEX cases_school_received;
CREATE INDEX cases_school_received ON cases(school_id, received_at, phase, status, outcome, id);
