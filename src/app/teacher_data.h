// File: app/teacher_data.h
//
// The stagebegeleider's records (docs/teacher.md), each read scoped to the
// caller's school and, for a teacher, to the students they supervise:
//   - who a teacher supervises: students whose begeleider_email (students
//     import) is the teacher's login or mail address, and students the
//     coordinator linked by hand (teacher_students);
//   - per student, only stagematching facts: the latest published placement
//     (company, period), and whether a refusal or breakdown flag is open.
//     Never anything of the meldpunt, except the concerns this teacher raised;
//   - a report made for a student (student_case_links): the case shows in the
//     student's account, and its receipt code waits there sealed with a server
//     key until the student collects it once. Staff never see the code;
//   - a request to talk ("ik wil overleggen", teacher_consultations), which
//     holds the teacher and nothing about the student.
// Every change is audited in its transaction. A student of another school, or
// one the teacher does not supervise, is kNotFound like a missing one.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "auth/accounts.h"
#include "common/clock.h"
#include "crypto/box.h"
#include "db/database.h"
#include "mail/outbox.h"

namespace app::teacher {

struct StudentRow {
  std::string id;  // students.id
  std::string name;
  std::string student_number;
  std::string company;  // of the latest published placement, or ""
  std::string start_date, end_date;
  std::string ended_kind;  // "", "refusal" or "breakdown"
  bool flag_open = false;  // a refusal or breakdown flag not yet resolved
  std::string flag_kind;
  std::vector<common::UnixMillis> concerns;  // when this teacher raised one
  bool has_account = false;                  // the student can log in
  bool via_import = false;                   // begeleider_email (else linked by hand)
};

// The students `teacher` supervises, by name.
common::StatusOr<std::vector<StudentRow>> StudentsOf(db::Database& db, const auth::User& teacher);
// One of them; kNotFound when the teacher does not supervise them.
common::StatusOr<StudentRow> StudentOf(db::Database& db, const auth::User& teacher,
                                       std::string_view student_id);

// The identity a report for the student carries (confidential mode).
struct StudentIdentity {
  std::string name, student_number, login, user_id;
};
common::StatusOr<StudentIdentity> IdentityOf(db::Database& db, std::string_view school_id,
                                             std::string_view student_id);

// ---- The coordinator's links ----
struct Link {
  std::string teacher_id, teacher_name, student_id, student_name, student_number;
};
common::StatusOr<std::vector<Link>> Links(db::Database& db, std::string_view school_id);
// kInvalidArgument "teacher" / "student_number" when they are not of the school.
common::Status AddLink(db::Database& db, const audit::AuditLog& audit, common::UnixMillis now,
                       const auth::User& by, std::string_view teacher_id,
                       std::string_view student_number);
common::Status RemoveLink(db::Database& db, const audit::AuditLog& audit, const auth::User& by,
                          std::string_view teacher_id, std::string_view student_id);

// ---- A report for a student ----
// The server key that seals a waiting receipt code (DATA_DIR/keys), and the
// associated data that binds a sealed code to its case.
common::StatusOr<crypto::SecretKey> CodeKey(const std::string& data_dir);
std::string CodeAd(std::string_view case_id);

// Records the link and the sealed code in `c` (the case is already stored),
// and queues a mail to the student's account naming only the case reference.
struct NewCaseLink {
  std::string case_id, case_number, student_id, student_user_id, agreed;
  std::string code_sealed;
};
common::Status RecordCaseLink(db::Connection& c, const audit::AuditLog& audit,
                              const mail::Outbox& outbox, common::UnixMillis now,
                              const auth::User& by, const NewCaseLink& link);

struct OwnCase {
  std::string case_id, case_number, status;
  common::UnixMillis created_at = 0;
  bool code_waiting = false;
};
// The reports made for the logged-in student, newest first.
common::StatusOr<std::vector<OwnCase>> CasesForStudent(db::Database& db, const auth::User& student);
// Takes the sealed code of one of them once (the column is cleared in the
// same transaction); kNotFound when it is not theirs or was collected.
common::StatusOr<std::string> TakeSealedCode(db::Database& db, const audit::AuditLog& audit,
                                             common::UnixMillis now, const auth::User& student,
                                             std::string_view case_id);

// ---- Requests to talk ----
struct Consultation {
  std::string id, teacher_name, teacher_login;
  common::UnixMillis created_at = 0;
  bool answered = false;
};
// Stores the request and notifies the school's meldpunt leads (and every
// handler when there is no lead).
common::Status RequestConsultation(db::Database& db, const audit::AuditLog& audit,
                                   common::UnixMillis now, const auth::User& teacher);
common::StatusOr<std::vector<Consultation>> Consultations(db::Database& db,
                                                          std::string_view school_id);
common::Status AnswerConsultation(db::Database& db, const audit::AuditLog& audit,
                                  common::UnixMillis now, const auth::User& handler,
                                  std::string_view id);

}  // namespace app::teacher
