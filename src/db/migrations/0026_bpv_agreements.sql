-- Internships that no stagematching round made: the BPV agreements (the
-- beroepspraktijkvormingsovereenkomsten) a school already registers for
-- self-found internships, BBL and years 2 to 4, read in by the "bpv" import
-- (src/placement/import_bpv.cc). They get the same norm reading and pulse
-- survey as placements, and the monitor counts both.
-- Tokens: {{INT}} 64-bit integer, {{STRICT}} SQLite STRICT.
-- Days are YYYY-MM-DD, times Unix milliseconds UTC.

-- One internship: a student at a leerbedrijf from a start day. Keyed by
-- (school, student, company, start) so a re-import changes nothing.
CREATE TABLE bpv_agreements (
  id           TEXT PRIMARY KEY,
  school_id    TEXT NOT NULL REFERENCES schools(id),
  student_id   TEXT NOT NULL REFERENCES students(id),
  company_id   TEXT NOT NULL REFERENCES companies(id),
  crebo        TEXT NOT NULL,
  start_date   TEXT NOT NULL,
  end_date     TEXT NOT NULL,
  pathway      TEXT,                               -- BOL or BBL; NULL when not given
  created_at   {{INT}} NOT NULL,
  updated_at   {{INT}} NOT NULL,
  UNIQUE (school_id, student_id, company_id, start_date)
){{STRICT}};
CREATE INDEX bpv_agreements_student ON bpv_agreements(student_id);
CREATE INDEX bpv_agreements_school_end ON bpv_agreements(school_id, end_date);

-- norm_reads and pulse_done named a placement by a foreign key. They now name
-- an internship: a placements.id or a bpv_agreements.id (random ids from one
-- space), so the key goes. Rebuilt, because SQLite cannot drop a constraint.
CREATE TABLE norm_reads_v2 (
  school_id     TEXT NOT NULL REFERENCES schools(id),
  user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  placement_id  TEXT NOT NULL,                     -- placements.id or bpv_agreements.id
  version       {{INT}} NOT NULL,
  read_at       {{INT}} NOT NULL,
  PRIMARY KEY (user_id, placement_id, version)
){{STRICT}};
INSERT INTO norm_reads_v2(school_id, user_id, placement_id, version, read_at)
  SELECT school_id, user_id, placement_id, version, read_at FROM norm_reads;
DROP TABLE norm_reads;
ALTER TABLE norm_reads_v2 RENAME TO norm_reads;
CREATE INDEX norm_reads_placement ON norm_reads(placement_id);

CREATE TABLE pulse_done_v2 (
  user_id       TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  placement_id  TEXT NOT NULL,                     -- placements.id or bpv_agreements.id
  done_at       {{INT}} NOT NULL DEFAULT 0,
  PRIMARY KEY (user_id, placement_id)
){{STRICT}};
INSERT INTO pulse_done_v2(user_id, placement_id, done_at)
  SELECT user_id, placement_id, done_at FROM pulse_done;
DROP TABLE pulse_done;
ALTER TABLE pulse_done_v2 RENAME TO pulse_done;
CREATE INDEX pulse_done_placement ON pulse_done(placement_id);
