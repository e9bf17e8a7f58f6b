// The anonymous pulse survey after an internship.
//
// Anonymity by separation: pulse_done records only that a student answered
// for a placement (to allow one answer each), with no time and no answer.
// pulse_answers holds the answer with a random id, the school and the month
// only: no user, session, placement or exact time, so no query can join an
// answer to a student. The audit record names the student and the placement
// but never the answer. See docs/security.md for what remains (row order).
#include "crypto/random.h"
#include "norm/service.h"

namespace norm {

using common::Status;
using common::StatusOr;

namespace {

// Internships that ended (planned end passed, or ended early) and that the
// student has not answered for: visible placements of a published round, and
// the school's BPV agreements that ended since $4 (an import of past years
// does not invite a survey about an internship long ago). Columns: id, name,
// end day; callers add "WHERE i.id = $5" or an order.
constexpr char kEndedPlacements[] =
    "SELECT i.id, i.name, i.end_date FROM (SELECT p.id AS id, r.name AS name, r.end_date AS "
    "end_date FROM placements p JOIN rounds r ON r.id = p.round_id JOIN "
    "students s ON s.id = p.student_id WHERE s.user_id = $1 AND p.school_id = $2 AND "
    "r.status = 'published' AND r.visible_from <= $3 AND p.leerplaats_id IS NOT NULL AND "
    "(r.end_date < $3 OR p.ended_kind IS NOT NULL) AND NOT EXISTS (SELECT 1 FROM pulse_done d "
    "WHERE d.user_id = $1 AND d.placement_id = p.id) "
    "UNION ALL SELECT b.id, co.name, b.end_date FROM bpv_agreements b JOIN students s ON "
    "s.id = b.student_id JOIN school_company_view co ON co.id = b.company_id AND co.school_id = "
    "b.school_id WHERE s.user_id = $1 AND b.school_id = $2 AND b.end_date < $3 AND "
    "b.end_date >= $4 AND NOT EXISTS (SELECT 1 FROM pulse_done d WHERE d.user_id = $1 AND "
    "d.placement_id = b.id)) i ";

// How long after a BPV agreement ended its survey is still offered.
constexpr int kBpvPulseDays = 180;

std::string JoinReasons(const std::vector<std::string>& reasons) {
  std::string out;
  for (const std::string& r : reasons) out += (out.empty() ? "" : ",") + r;
  return out;
}

}  // namespace

StatusOr<std::vector<PulseInvite>> NormService::PulseInvites(const auth::User& student) {
  SP_RETURN_IF_ERROR(RequirePermission(student, domain::Permission::kAnswerPulse));
  std::vector<PulseInvite> out;
  Status s = db_.Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(db::Rows rows,
                        c.Query(std::string(kEndedPlacements) + "ORDER BY i.end_date DESC, i.id",
                                {student.id, student.school_id, domain::FormatDate(Today()),
                                 domain::FormatDate(domain::AddDays(Today(), -kBpvPulseDays))}));
    for (const db::Row& r : rows.rows) {
      out.push_back({r.Text(0), r.Text(1), domain::ParseDate(r.Text(2)).value_or(Today())});
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Status NormService::AnswerPulse(const auth::User& student, std::string_view placement_id,
                                const PulseAnswer& answer) {
  SP_RETURN_IF_ERROR(RequirePermission(student, domain::Permission::kAnswerPulse));
  return db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(
        db::Rows open,
        c.Query(std::string(kEndedPlacements) + "WHERE i.id = $5",
                {student.id, student.school_id, domain::FormatDate(Today()),
                 domain::FormatDate(domain::AddDays(Today(), -kBpvPulseDays)), placement_id}));
    if (open.empty()) {
      SP_ASSIGN_OR_RETURN(db::Rows done, c.Query("SELECT 1 FROM pulse_done WHERE user_id = $1 AND "
                                                 "placement_id = $2",
                                                 {student.id, placement_id}));
      if (!done.empty()) return Status::AlreadyExists("you have already answered", "placement");
      return Status::NotFound("no such placement");
    }
    SP_RETURN_IF_ERROR(c.Execute("INSERT INTO pulse_done(user_id, placement_id) VALUES ($1, $2)",
                                 {student.id, placement_id})
                           .status());
    SP_RETURN_IF_ERROR(
        c.Execute("INSERT INTO pulse_answers(id, school_id, month, experienced, reported, "
                  "reasons) VALUES ($1, $2, $3, $4, $5, $6)",
                  {crypto::RandomId(), student.school_id, MonthOf(Today()), answer.experienced,
                   answer.experienced && answer.reported,
                   answer.experienced && !answer.reported ? JoinReasons(answer.reasons) : ""})
            .status());
    return Audit(c, student, "pulse.answer", "placement", placement_id);
  });
}

}  // namespace norm
