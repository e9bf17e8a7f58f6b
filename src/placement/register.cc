// The school's register for coordinators: students, companies, places, and
// the links from logins to student records and companies.
#include <algorithm>
#include <map>

#include "auth/sessions.h"
#include "placement/internal.h"

namespace placement {

using common::Status;
using common::StatusOr;

StatusOr<std::vector<Student>> Stagematching::Students(const auth::User& actor,
                                                       const StudentFilter& filter) {
  SP_RETURN_IF_ERROR(internal::RequireCoordinator(actor));
  std::vector<Student> out;
  Status s = db_.Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(
        db::Rows rows,
        c.Query(std::string("SELECT ") + internal::kStudentColumns +
                    " FROM students s WHERE s.school_id = $1 AND ($2 = '' OR s.cohort = $2) AND "
                    "($3 = '' OR s.crebo = $3) ORDER BY s.student_number LIMIT $4 OFFSET $5",
                {actor.school_id, filter.cohort, filter.crebo,
                 static_cast<int64_t>(std::clamp(filter.limit, 1, 5000)),
                 static_cast<int64_t>(std::max(filter.offset, 0))}));
    for (const db::Row& r : rows.rows) out.push_back(internal::StudentFromRow(r));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

StatusOr<std::vector<Company>> Stagematching::Companies(const auth::User& actor) {
  SP_RETURN_IF_ERROR(internal::RequireCoordinator(actor));
  std::vector<Company> out;
  Status s = db_.Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(
        db::Rows rows,
        c.Query("SELECT co.id, co.leerbedrijf_id, co.kvk, co.name, co.address, co.postcode, "
                "co.city, co.lat, co.lon, co.sbb_recognised, "
                "(SELECT MAX(a.version) FROM norm_acceptances a WHERE a.school_id = $1 AND "
                "a.company_id = co.id), "
                "(SELECT MAX(a.accepted_at) FROM norm_acceptances a WHERE a.school_id = $1 AND "
                "a.company_id = co.id) "
                "FROM school_company_view co WHERE co.school_id = $1 ORDER BY co.name, co.id",
                {actor.school_id}));
    std::map<std::string, size_t> index;
    for (const db::Row& r : rows.rows) {
      Company co;
      co.id = r.Text(0);
      co.leerbedrijf_id = r.Text(1);
      co.kvk = r.Text(2);
      co.name = r.Text(3);
      co.address = r.Text(4);
      co.postcode = r.Text(5);
      co.city = r.Text(6);
      if (!r.IsNull(7) && !r.IsNull(8))
        co.coordinates = domain::Coordinates{r.Double(7), r.Double(8)};
      co.sbb_recognised = r.Int(9) != 0;
      if (std::optional<int64_t> v = r.OptInt(10)) co.norm_accepted_version = static_cast<int>(*v);
      co.norm_accepted_at = r.OptInt(11);
      index[co.id] = out.size();
      out.push_back(std::move(co));
    }
    SP_ASSIGN_OR_RETURN(db::Rows crebos,
                        c.Query("SELECT company_id, crebo FROM company_crebos WHERE school_id = $1 "
                                "ORDER BY crebo",
                                {actor.school_id}));
    for (const db::Row& r : crebos.rows) {
      auto it = index.find(r.Text(0));
      if (it != index.end()) out[it->second].crebos.push_back(r.Text(1));
    }
    SP_ASSIGN_OR_RETURN(db::Rows pauses,
                        c.Query("SELECT company_id, until_date, reason_code FROM company_pauses "
                                "WHERE school_id = $1 AND state = 'active' AND until_date >= $2 "
                                "ORDER BY company_id, until_date",
                                {actor.school_id,
                                 domain::FormatDate(domain::DateFromMillis(clock_.NowMillis()))}));
    for (const db::Row& r : pauses.rows) {  // the latest end date wins
      auto it = index.find(r.Text(0));
      if (it == index.end()) continue;
      out[it->second].paused_until = domain::ParseDate(r.Text(1));
      out[it->second].pause_reason =
          domain::ParsePauseReason(r.Text(2)).value_or(domain::PauseReason::kAwaitingTalks);
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

StatusOr<std::vector<Place>> Stagematching::Places(const auth::User& actor,
                                                   std::string_view period) {
  SP_RETURN_IF_ERROR(internal::RequireCoordinator(actor));
  std::vector<Place> out;
  Status s = db_.Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(
        db::Rows rows,
        c.Query(std::string("SELECT ") + internal::kPlaceColumns +
                    " FROM leerplaatsen l JOIN school_company_view co ON co.id = l.company_id AND "
                    "co.school_id = l.school_id WHERE "
                    "l.school_id = $1 AND ($2 = '' OR l.period = $2) ORDER BY l.period, co.name, "
                    "l.crebo, l.id",
                {actor.school_id, period}));
    for (const db::Row& r : rows.rows) out.push_back(internal::PlaceFromRow(r));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Status Stagematching::LinkStudentUser(const auth::User& actor, std::string_view student_id,
                                      std::string_view user_id) {
  SP_RETURN_IF_ERROR(internal::RequireCoordinator(actor));
  return db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(db::Rows student,
                        c.Query("SELECT 1 FROM students WHERE id = $1 AND school_id = $2",
                                {student_id, actor.school_id}));
    if (student.empty()) return Status::NotFound("no such student");
    SP_ASSIGN_OR_RETURN(db::Rows user,
                        c.Query("SELECT role FROM users WHERE id = $1 AND school_id = $2",
                                {user_id, actor.school_id}));
    if (user.empty()) return Status::NotFound("no such user");
    if (user.rows[0].Text(0) != domain::RoleName(domain::Role::kStudent)) {
      return Status::InvalidArgument("is not a student login", "user_id");
    }
    // A login belongs to at most one student record.
    SP_RETURN_IF_ERROR(c.Execute("UPDATE students SET user_id = NULL WHERE user_id = $1 AND id <> $2",
                                 {user_id, student_id})
                           .status());
    SP_RETURN_IF_ERROR(
        c.Execute("UPDATE students SET user_id = $1 WHERE id = $2", {user_id, student_id}).status());
    return internal::Audit(c, audit_, actor, "user.link", "student", student_id);
  });
}

Status Stagematching::LinkCompanyContact(const auth::User& actor, std::string_view user_id,
                                         std::string_view company_id) {
  SP_RETURN_IF_ERROR(internal::RequireCoordinator(actor));
  return db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(db::Rows company,
                        c.Query("SELECT 1 FROM school_companies WHERE school_id = $1 AND "
                                "company_id = $2",
                                {actor.school_id, company_id}));
    if (company.empty()) return Status::NotFound("no such company in the school's register");
    SP_ASSIGN_OR_RETURN(db::Rows user,
                        c.Query("SELECT role FROM users WHERE id = $1 AND school_id = $2",
                                {user_id, actor.school_id}));
    if (user.empty()) return Status::NotFound("no such user");
    if (user.rows[0].Text(0) != domain::RoleName(domain::Role::kCompanyContact)) {
      return Status::InvalidArgument("is not a company-contact login", "user_id");
    }
    SP_RETURN_IF_ERROR(
        c.Execute("INSERT INTO company_contacts(user_id, company_id, created_at) VALUES ($1, $2, "
                  "$3) ON CONFLICT (user_id) DO UPDATE SET company_id = excluded.company_id",
                  {user_id, company_id, clock_.NowMillis()})
            .status());
    return internal::Audit(c, audit_, actor, "user.link", "company", company_id);
  });
}

Status Stagematching::UnlinkCompanyContact(const auth::User& actor, std::string_view user_id,
                                           std::string_view company_id) {
  SP_RETURN_IF_ERROR(internal::RequireCoordinator(actor));
  return db_.Write([&](db::Connection& c) -> Status {
    // Only a contact of the school's own register, and a login of the school.
    SP_ASSIGN_OR_RETURN(
        int64_t removed,
        c.Execute("DELETE FROM company_contacts WHERE user_id = $1 AND company_id = $2 AND "
                  "EXISTS (SELECT 1 FROM users u WHERE u.id = $1 AND u.school_id = $3) AND "
                  "EXISTS (SELECT 1 FROM school_companies sc WHERE sc.school_id = $3 AND "
                  "sc.company_id = $2)",
                  {user_id, company_id, actor.school_id}));
    if (removed != 1) return Status::NotFound("no such contact");
    return internal::Audit(c, audit_, actor, "user.unlink", "company", company_id);
  });
}

StatusOr<std::vector<Stagematching::Contact>> Stagematching::CompanyContacts(
    const auth::User& actor, std::string_view company_id) {
  SP_RETURN_IF_ERROR(internal::RequireCoordinator(actor));
  std::vector<Contact> out;
  Status s = db_.Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(db::Rows company,
                        c.Query("SELECT 1 FROM school_companies WHERE school_id = $1 AND "
                                "company_id = $2",
                                {actor.school_id, company_id}));
    if (company.empty()) return Status::NotFound("no such company in the school's register");
    SP_ASSIGN_OR_RETURN(
        db::Rows rows,
        c.Query("SELECT u.id, u.display_name, u.login, "
                "CASE WHEN u.password_hash IS NULL THEN 0 ELSE 1 END, u.disabled "
                "FROM company_contacts cc JOIN users u ON u.id = cc.user_id "
                "WHERE cc.company_id = $1 AND u.school_id = $2 ORDER BY u.display_name, u.login",
                {company_id, actor.school_id}));
    for (const db::Row& r : rows.rows)
      out.push_back({r.Text(0), r.Text(1), r.Text(2), r.Int(3) != 0, r.Int(4) != 0});
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace placement

namespace placement {

namespace {

// A login made by a coordinator: a student's or a company contact's, in the
// school's login domains (auth::Accounts::CreateUserInSchoolDomains), with
// its invitation queued in the same transaction. A login error is reported
// on field "email" (the form's field).
StatusOr<std::pair<std::string, auth::SentInvitation>> MakeInvitedLogin(
    db::Connection& c, const common::Clock& clock, db::Database& db, const audit::AuditLog& log,
    const auth::User& actor, std::string_view email, std::string_view name, domain::Role role,
    const mail::Outbox& outbox) {
  auth::Accounts accounts(db, clock);
  auto user = accounts.CreateUserInSchoolDomains(
      c, {actor.school_id, std::string(email), std::string(name), role});
  if (!user.ok()) {
    const Status& st = user.status();
    if (st.field() == "login") return Status(st.code(), st.message(), "email");
    return st;
  }
  SP_RETURN_IF_ERROR(internal::Audit(c, log, actor, "user.create", "user", user->id));
  SP_ASSIGN_OR_RETURN(auth::SentInvitation sent, auth::SendInvitation(c, clock, outbox, user->id));
  SP_RETURN_IF_ERROR(internal::Audit(c, log, actor, "user.invite", "user", user->id));
  return std::make_pair(user->id, sent);
}

}  // namespace

StatusOr<auth::SentInvitation> Stagematching::AddCompanyContact(const auth::User& actor,
                                                                std::string_view company_id,
                                                                std::string_view name,
                                                                std::string_view email,
                                                                const mail::Outbox& outbox) {
  SP_RETURN_IF_ERROR(internal::RequireCoordinator(actor));
  auth::SentInvitation sent;
  Status s = db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(db::Rows company,
                        c.Query("SELECT 1 FROM school_companies WHERE school_id = $1 AND "
                                "company_id = $2",
                                {actor.school_id, company_id}));
    if (company.empty()) return Status::NotFound("no such company in the school's register");
    SP_ASSIGN_OR_RETURN(auto made, MakeInvitedLogin(c, clock_, db_, audit_, actor, email, name,
                                                    domain::Role::kCompanyContact, outbox));
    sent = made.second;
    SP_RETURN_IF_ERROR(c.Execute("INSERT INTO company_contacts(user_id, company_id, created_at) "
                                 "VALUES ($1, $2, $3)",
                                 {made.first, company_id, clock_.NowMillis()})
                           .status());
    return internal::Audit(c, audit_, actor, "user.link", "company", company_id);
  });
  if (!s.ok()) return s;
  return sent;
}

StatusOr<auth::SentInvitation> Stagematching::ReinviteCompanyContact(const auth::User& actor,
                                                                     std::string_view company_id,
                                                                     std::string_view user_id,
                                                                     const mail::Outbox& outbox) {
  SP_RETURN_IF_ERROR(internal::RequireCoordinator(actor));
  auth::SentInvitation sent;
  Status s = db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(db::Rows rows,
                        c.Query("SELECT 1 FROM company_contacts cc "
                                "JOIN users u ON u.id = cc.user_id JOIN school_companies sc ON "
                                "sc.company_id = cc.company_id AND sc.school_id = u.school_id "
                                "WHERE cc.user_id = $1 AND cc.company_id = $2 AND u.school_id = $3",
                                {user_id, company_id, actor.school_id}));
    if (rows.empty()) return Status::NotFound("no such contact");
    SP_ASSIGN_OR_RETURN(auth::User u, auth::Accounts(db_, clock_).UserById(c, user_id));
    // Only a login that was never used: an active contact resets their own password.
    if (!u.password_hash.empty() || u.disabled)
      return Status::FailedPrecondition("the contact is active or disabled");
    SP_ASSIGN_OR_RETURN(sent, auth::SendInvitation(c, clock_, outbox, user_id));
    return internal::Audit(c, audit_, actor, "user.invite", "user", user_id);
  });
  if (!s.ok()) return s;
  return sent;
}

Status Stagematching::LinkCompanyContactByLogin(const auth::User& actor,
                                                std::string_view company_id,
                                                std::string_view login) {
  SP_RETURN_IF_ERROR(internal::RequireCoordinator(actor));
  std::optional<std::string> user_id;
  SP_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    auto u = auth::Accounts(db_, clock_).SchoolUserByLoginOrEmail(c, actor.school_id, login);
    if (u.ok()) user_id = u->id;
    return u.status().code() == common::StatusCode::kNotFound ? Status::Ok() : u.status();
  }));
  if (!user_id)
    return Status(common::StatusCode::kNotFound, "no such login at the school", "login");
  Status s = LinkCompanyContact(actor, *user_id, company_id);
  if (s.code() == common::StatusCode::kInvalidArgument)
    return Status::InvalidArgument(s.message(), "login");
  if (s.code() == common::StatusCode::kNotFound && s.message() == "no such user")
    return Status(common::StatusCode::kNotFound, "no such login at the school", "login");
  return s;
}

StatusOr<auth::SentInvitation> Stagematching::CreateStudentLogin(const auth::User& actor,
                                                                 std::string_view student_id,
                                                                 std::string_view email,
                                                                 const mail::Outbox& outbox) {
  SP_RETURN_IF_ERROR(internal::RequireCoordinator(actor));
  auth::SentInvitation sent;
  Status s = db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(db::Rows student,
                        c.Query("SELECT name, user_id FROM students WHERE id = $1 AND "
                                "school_id = $2",
                                {student_id, actor.school_id}));
    if (student.empty()) return Status::NotFound("no such student");
    if (!student.rows[0].IsNull(1))
      return Status::FailedPrecondition("the student has a login", "email");
    SP_ASSIGN_OR_RETURN(
        auto made, MakeInvitedLogin(c, clock_, db_, audit_, actor, email, student.rows[0].Text(0),
                                    domain::Role::kStudent, outbox));
    sent = made.second;
    SP_RETURN_IF_ERROR(
        c.Execute("UPDATE students SET user_id = $1 WHERE id = $2", {made.first, student_id})
            .status());
    return internal::Audit(c, audit_, actor, "user.link", "student", student_id);
  });
  if (!s.ok()) return s;
  return sent;
}

StatusOr<Student> Stagematching::GetStudent(const auth::User& actor, std::string_view student_id) {
  SP_RETURN_IF_ERROR(internal::RequireCoordinator(actor));
  std::optional<Student> out;
  SP_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(db::Rows rows,
                        c.Query(std::string("SELECT ") + internal::kStudentColumns +
                                    " FROM students s WHERE s.id = $1 AND s.school_id = $2",
                                {student_id, actor.school_id}));
    if (!rows.empty()) out = internal::StudentFromRow(rows.rows[0]);
    return Status::Ok();
  }));
  if (!out) return Status::NotFound("no such student");
  return *out;
}

Status Stagematching::LinkStudentUserByLogin(const auth::User& actor, std::string_view student_id,
                                             std::string_view login) {
  SP_RETURN_IF_ERROR(internal::RequireCoordinator(actor));
  std::optional<std::string> user_id;
  SP_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    auto u = auth::Accounts(db_, clock_).SchoolUserByLoginOrEmail(c, actor.school_id, login);
    if (u.ok()) user_id = u->id;
    return u.status().code() == common::StatusCode::kNotFound ? Status::Ok() : u.status();
  }));
  if (!user_id)
    return Status(common::StatusCode::kNotFound, "no such login at the school", "login");
  Status s = LinkStudentUser(actor, student_id, *user_id);
  if (s.code() == common::StatusCode::kInvalidArgument)
    return Status::InvalidArgument(s.message(), "login");
  return s;
}

}  // namespace placement
