-- The stagebegeleider's pages (docs/teacher.md). Tokens: {{INT}} 64-bit
-- integer, {{STRICT}} SQLite STRICT.

-- A teacher and a student linked by the coordinator by hand, beside the link
-- the students import makes through students.begeleider_email. Goes with the
-- student record or the teacher's account (ON DELETE CASCADE).
CREATE TABLE teacher_students (
  school_id   TEXT NOT NULL REFERENCES schools(id),
  teacher_id  TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  student_id  TEXT NOT NULL REFERENCES students(id) ON DELETE CASCADE,
  linked_by   TEXT NOT NULL,
  linked_at   {{INT}} NOT NULL,
  PRIMARY KEY (teacher_id, student_id)
){{STRICT}};
CREATE INDEX teacher_students_student ON teacher_students(student_id);

-- A report made for a student by staff, with the student's agreement: the
-- case shows in the student's own account, and the receipt code waits there
-- for the student, sealed with a server key (DATA_DIR/keys, never in the
-- database), until the student collects it once; then code_sealed is NULL.
-- The staff member never sees the code. Removed when the case is shredded.
CREATE TABLE student_case_links (
  case_id            TEXT PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
  school_id          TEXT NOT NULL REFERENCES schools(id),
  student_id         TEXT NOT NULL REFERENCES students(id) ON DELETE CASCADE,
  raised_by          TEXT NOT NULL,        -- the staff member's users.id
  agreed             TEXT NOT NULL,        -- what the student agreed to (a catalogue key)
  created_at         {{INT}} NOT NULL,
  code_sealed        {{BLOB}},
  code_collected_at  {{INT}}
){{STRICT}};
CREATE INDEX student_case_links_student ON student_case_links(student_id);
CREATE INDEX student_case_links_raised ON student_case_links(raised_by, student_id);

-- "Ik wil overleggen": a teacher asks the meldpunt for a talk, before the
-- student agrees to a report. Holds no student and no text: only who asks.
CREATE TABLE teacher_consultations (
  id           TEXT PRIMARY KEY,
  school_id    TEXT NOT NULL REFERENCES schools(id),
  teacher_id   TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at   {{INT}} NOT NULL,
  answered_by  TEXT,
  answered_at  {{INT}}
){{STRICT}};
CREATE INDEX teacher_consultations_school ON teacher_consultations(school_id, answered_at);
