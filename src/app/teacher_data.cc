#include "app/teacher_data.h"

#include <algorithm>
#include <cctype>

#include "crypto/random.h"
#include "keys/keystore.h"
#include "notify/notifications.h"

namespace app::teacher {

namespace {

using common::Status;
using common::StatusOr;

// The one rule for "supervises": the import's begeleider_email is the
// teacher's login or mail address (both stored lower case), or the
// coordinator linked the two. $1 school, $2 login, $3 mail, $4 teacher id.
constexpr char kSupervised[] =
    "s.school_id = $1 AND COALESCE(s.left_on, '') = '' AND "
    "((COALESCE(s.begeleider_email, '') <> '' AND (LOWER(s.begeleider_email) = $2 OR "
    "LOWER(s.begeleider_email) = $3)) OR EXISTS (SELECT 1 FROM teacher_students t WHERE "
    "t.student_id = s.id AND t.teacher_id = $4))";

db::Params SupervisedParams(const auth::User& t) {
  std::string login = t.login;
  std::string mail = t.email.empty() ? t.login : t.email;
  std::transform(login.begin(), login.end(), login.begin(), ::tolower);
  std::transform(mail.begin(), mail.end(), mail.begin(), ::tolower);
  return {t.school_id, login, mail, t.id};
}

// Stagematching facts only: the latest published placement and open flags.
Status FillPlacement(db::Connection& c, StudentRow& row) {
  SP_ASSIGN_OR_RETURN(
      db::Rows p,
      c.Query("SELECT COALESCE(v.name, ''), r.start_date, r.end_date, COALESCE(p.ended_kind, '') "
              "FROM placements p JOIN rounds r ON r.id = p.round_id LEFT JOIN leerplaatsen l ON "
              "l.id = p.leerplaats_id LEFT JOIN school_company_view v ON v.id = l.company_id AND "
              "v.school_id = r.school_id WHERE p.student_id = $1 AND r.status = 'published' AND "
              "p.leerplaats_id IS NOT NULL ORDER BY r.start_date DESC, r.id LIMIT 1",
              {row.id}));
  if (!p.empty()) {
    row.company = p.rows[0].Text(0);
    row.start_date = p.rows[0].Text(1);
    row.end_date = p.rows[0].Text(2);
    row.ended_kind = p.rows[0].Text(3);
  }
  SP_ASSIGN_OR_RETURN(db::Rows f,
                      c.Query("SELECT f.kind FROM placement_flags f JOIN placements p ON p.id = "
                              "f.placement_id WHERE p.student_id = $1 AND f.resolved_at IS NULL "
                              "ORDER BY f.at DESC",
                              {row.id}));
  row.flag_open = !f.empty();
  if (row.flag_open) row.flag_kind = f.rows[0].Text(0);
  return Status::Ok();
}

StatusOr<std::vector<StudentRow>> Read(db::Connection& c, const auth::User& t,
                                       std::string_view only) {
  std::string sql =
      "SELECT s.id, s.name, s.student_number, COALESCE(s.user_id, ''), "
      "COALESCE(s.begeleider_email, '') FROM students s WHERE " +
      std::string(kSupervised);
  db::Params params = SupervisedParams(t);
  if (!only.empty()) {
    sql += " AND s.id = $5";
    params.emplace_back(std::string(only));
  }
  SP_ASSIGN_OR_RETURN(db::Rows rows, c.Query(sql + " ORDER BY s.name, s.student_number", params));
  std::vector<StudentRow> out;
  const db::Params sp = SupervisedParams(t);
  for (const db::Row& r : rows.rows) {
    StudentRow row;
    row.id = r.Text(0);
    row.name = r.Text(1);
    row.student_number = r.Text(2);
    row.has_account = !r.Text(3).empty();
    std::string b = r.Text(4);
    std::transform(b.begin(), b.end(), b.begin(), ::tolower);
    row.via_import = !b.empty() && (b == std::get<std::string>(sp[1].value()) ||
                                    b == std::get<std::string>(sp[2].value()));
    SP_RETURN_IF_ERROR(FillPlacement(c, row));
    SP_ASSIGN_OR_RETURN(db::Rows k, c.Query("SELECT created_at FROM student_case_links WHERE "
                                            "raised_by = $1 AND student_id = $2 ORDER BY "
                                            "created_at",
                                            {t.id, row.id}));
    for (const db::Row& x : k.rows) row.concerns.push_back(x.Int(0));
    out.push_back(std::move(row));
  }
  return out;
}

audit::Entry Audit(const auth::User& by, std::string action, std::string type, std::string id) {
  return audit::Entry{.school_id = by.school_id,
                      .actor = by.id,
                      .action = std::move(action),
                      .object_type = std::move(type),
                      .object_id = std::move(id),
                      .result = "ok"};
}

}  // namespace

StatusOr<crypto::SecretKey> CodeKey(const std::string& data_dir) {
  SP_ASSIGN_OR_RETURN(keys::KeyStore store, keys::KeyStore::Open(data_dir));
  SP_ASSIGN_OR_RETURN(std::string raw, store.GetOrCreate("student_code"));
  return crypto::SecretKey::FromBytes(raw);
}

std::string CodeAd(std::string_view case_id) {
  return "student_case_links:" + std::string(case_id) + "/code";
}

StatusOr<std::vector<StudentRow>> StudentsOf(db::Database& db, const auth::User& teacher) {
  std::vector<StudentRow> out;
  SP_RETURN_IF_ERROR(db.Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(out, Read(c, teacher, ""));
    return Status::Ok();
  }));
  return out;
}

StatusOr<StudentRow> StudentOf(db::Database& db, const auth::User& teacher,
                               std::string_view student_id) {
  if (student_id.empty()) return Status::NotFound("student not found");
  std::vector<StudentRow> out;
  SP_RETURN_IF_ERROR(db.Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(out, Read(c, teacher, student_id));
    return Status::Ok();
  }));
  if (out.empty()) return Status::NotFound("student not found");
  return out.front();
}

StatusOr<StudentIdentity> IdentityOf(db::Database& db, std::string_view school_id,
                                     std::string_view student_id) {
  StudentIdentity id;
  SP_RETURN_IF_ERROR(db.Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(
        db::Row r, c.QueryOne("SELECT s.name, s.student_number, COALESCE(u.login, ''), "
                              "COALESCE(u.id, '') FROM students s LEFT JOIN users u ON u.id = "
                              "s.user_id AND u.disabled = 0 WHERE s.id = $1 AND s.school_id = $2",
                              {std::string(student_id), std::string(school_id)}));
    id = {r.Text(0), r.Text(1), r.Text(2), r.Text(3)};
    return Status::Ok();
  }));
  return id;
}

StatusOr<std::vector<Link>> Links(db::Database& db, std::string_view school_id) {
  std::vector<Link> out;
  SP_RETURN_IF_ERROR(db.Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(
        db::Rows rows,
        c.Query("SELECT t.teacher_id, u.display_name, s.id, s.name, s.student_number FROM "
                "teacher_students t JOIN users u ON u.id = t.teacher_id JOIN students s ON s.id = "
                "t.student_id WHERE t.school_id = $1 ORDER BY u.display_name, s.name",
                {std::string(school_id)}));
    for (const db::Row& r : rows.rows)
      out.push_back({r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4)});
    return Status::Ok();
  }));
  return out;
}

Status AddLink(db::Database& db, const audit::AuditLog& audit, common::UnixMillis now,
               const auth::User& by, std::string_view teacher_id, std::string_view student_number) {
  return db.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(db::Rows t,
                        c.Query("SELECT id FROM users WHERE id = $1 AND school_id = $2 AND role = "
                                "'teacher' AND disabled = 0",
                                {std::string(teacher_id), by.school_id}));
    if (t.empty()) return Status::InvalidArgument("not a teacher of the school", "teacher");
    SP_ASSIGN_OR_RETURN(db::Rows s, c.Query("SELECT id FROM students WHERE school_id = $1 AND "
                                            "student_number = $2",
                                            {by.school_id, std::string(student_number)}));
    if (s.empty()) return Status::InvalidArgument("no such student number", "student_number");
    const std::string student_id = s.rows[0].Text(0);
    SP_ASSIGN_OR_RETURN(int64_t n,
                        c.Execute("INSERT INTO teacher_students(school_id, teacher_id, "
                                  "student_id, linked_by, linked_at) SELECT $1, $2, $3, $4, $5 "
                                  "WHERE NOT EXISTS (SELECT 1 FROM teacher_students WHERE "
                                  "teacher_id = $2 AND student_id = $3)",
                                  {by.school_id, std::string(teacher_id), student_id, by.id, now}));
    if (n == 0) return Status::Ok();
    return audit.Append(c, Audit(by, "teacher.link", "student", student_id));
  });
}

Status RemoveLink(db::Database& db, const audit::AuditLog& audit, const auth::User& by,
                  std::string_view teacher_id, std::string_view student_id) {
  return db.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(
        int64_t n, c.Execute("DELETE FROM teacher_students WHERE school_id = $1 "
                             "AND teacher_id = $2 AND student_id = $3",
                             {by.school_id, std::string(teacher_id), std::string(student_id)}));
    if (n == 0) return Status::NotFound("link not found");
    return audit.Append(c, Audit(by, "teacher.unlink", "student", std::string(student_id)));
  });
}

Status RecordCaseLink(db::Connection& c, const audit::AuditLog& audit, const mail::Outbox& outbox,
                      common::UnixMillis now, const auth::User& by, const NewCaseLink& link) {
  SP_RETURN_IF_ERROR(
      c.Execute("INSERT INTO student_case_links(case_id, school_id, student_id, raised_by, agreed, "
                "created_at, code_sealed) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                {link.case_id, by.school_id, link.student_id, by.id, link.agreed, now,
                 db::Blob{link.code_sealed}})
          .status());
  if (!link.student_user_id.empty()) {
    // A reference and a link to the student's own list; never the code.
    mail::Params params;
    params.link = "/mijn-meldingen";
    params.case_reference = link.case_number;
    SP_RETURN_IF_ERROR(
        outbox.EnqueueForUser(c, mail::Kind::kMessageForStudent, link.student_user_id, params)
            .status());
  }
  return audit.Append(c, Audit(by, "teacher.concern", "student", link.student_id));
}

StatusOr<std::vector<OwnCase>> CasesForStudent(db::Database& db, const auth::User& student) {
  std::vector<OwnCase> out;
  SP_RETURN_IF_ERROR(db.Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(
        db::Rows rows,
        c.Query("SELECT k.case_id, c.case_number, c.status, k.created_at, "
                "CASE WHEN k.code_sealed IS NULL THEN 0 ELSE 1 END FROM student_case_links k "
                "JOIN students s ON s.id = k.student_id JOIN cases c ON c.id = k.case_id WHERE "
                "s.user_id = $1 AND s.school_id = $2 ORDER BY k.created_at DESC",
                {student.id, student.school_id}));
    for (const db::Row& r : rows.rows)
      out.push_back({r.Text(0), r.Text(1), r.Text(2), r.Int(3), r.Int(4) != 0});
    return Status::Ok();
  }));
  return out;
}

StatusOr<std::string> TakeSealedCode(db::Database& db, const audit::AuditLog& audit,
                                     common::UnixMillis now, const auth::User& student,
                                     std::string_view case_id) {
  std::string sealed;
  SP_RETURN_IF_ERROR(db.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(
        db::Rows rows,
        c.Query("SELECT k.code_sealed FROM student_case_links k JOIN students s ON s.id = "
                "k.student_id WHERE k.case_id = $1 AND s.user_id = $2 AND s.school_id = $3 AND "
                "k.code_sealed IS NOT NULL",
                {std::string(case_id), student.id, student.school_id}));
    if (rows.empty()) return Status::NotFound("no code waiting");
    sealed = rows.rows[0].BlobBytes(0);
    SP_RETURN_IF_ERROR(c.Execute("UPDATE student_case_links SET code_sealed = NULL, "
                                 "code_collected_at = $1 WHERE case_id = $2",
                                 {now, std::string(case_id)})
                           .status());
    // The student's own side of the meldpunt: audited by day, without actor.
    return audit.Append(c, audit::Entry{.school_id = student.school_id,
                                        .actor = "",
                                        .action = "case.code_collected",
                                        .object_type = "case",
                                        .object_id = std::string(case_id),
                                        .result = "ok",
                                        .day_only = true});
  }));
  return sealed;
}

Status RequestConsultation(db::Database& db, const audit::AuditLog& audit, common::UnixMillis now,
                           const auth::User& teacher) {
  return db.Write([&](db::Connection& c) -> Status {
    const std::string id = crypto::RandomId();
    SP_RETURN_IF_ERROR(c.Execute("INSERT INTO teacher_consultations(id, school_id, teacher_id, "
                                 "created_at) VALUES ($1, $2, $3, $4)",
                                 {id, teacher.school_id, teacher.id, now})
                           .status());
    // The leads hear of it; a meldpunt without leads: every handler.
    SP_ASSIGN_OR_RETURN(db::Rows to,
                        c.Query("SELECT id FROM users WHERE school_id = $1 AND role = 'meldpunt' "
                                "AND disabled = 0 AND meldpunt_lead = 1",
                                {teacher.school_id}));
    if (to.empty()) {
      SP_ASSIGN_OR_RETURN(to, c.Query("SELECT id FROM users WHERE school_id = $1 AND role = "
                                      "'meldpunt' AND disabled = 0",
                                      {teacher.school_id}));
    }
    for (const db::Row& r : to.rows) {
      SP_RETURN_IF_ERROR(notify::Add(c,
                                     {.school_id = teacher.school_id,
                                      .user_id = r.Text(0),
                                      .kind = "teacher_consultation",
                                      .subject = teacher.display_name,
                                      .link = "/meldpunt/overleg",
                                      .object_id = id},
                                     now)
                             .status());
    }
    return audit.Append(c, Audit(teacher, "teacher.consultation", "consultation", id));
  });
}

StatusOr<std::vector<Consultation>> Consultations(db::Database& db, std::string_view school_id) {
  std::vector<Consultation> out;
  SP_RETURN_IF_ERROR(db.Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(
        db::Rows rows,
        c.Query("SELECT k.id, u.display_name, u.login, k.created_at, CASE WHEN k.answered_at IS "
                "NULL THEN 0 ELSE 1 END FROM teacher_consultations k JOIN users u ON u.id = "
                "k.teacher_id WHERE k.school_id = $1 ORDER BY k.answered_at IS NOT NULL, "
                "k.created_at DESC LIMIT 200",
                {std::string(school_id)}));
    for (const db::Row& r : rows.rows)
      out.push_back({r.Text(0), r.Text(1), r.Text(2), r.Int(3), r.Int(4) != 0});
    return Status::Ok();
  }));
  return out;
}

Status AnswerConsultation(db::Database& db, const audit::AuditLog& audit, common::UnixMillis now,
                          const auth::User& handler, std::string_view id) {
  return db.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(int64_t n,
                        c.Execute("UPDATE teacher_consultations SET answered_by = $1, "
                                  "answered_at = $2 WHERE id = $3 AND school_id = $4 "
                                  "AND answered_at IS NULL",
                                  {handler.id, now, std::string(id), handler.school_id}));
    if (n == 0) return Status::NotFound("consultation not found");
    SP_RETURN_IF_ERROR(notify::RemoveFor(c, id));
    return audit.Append(
        c, Audit(handler, "teacher.consultation_answered", "consultation", std::string(id)));
  });
}

}  // namespace app::teacher
