// The school's register for coordinators: students, companies, places, and
// the links from logins to student records and companies.
#include <algorithm>
#include <map>

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
    return internal::Audit(c, audit_, actor, "placement.student_link", "student", student_id);
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
    return internal::Audit(c, audit_, actor, "placement.contact_link", "company", company_id);
  });
}

}  // namespace placement
