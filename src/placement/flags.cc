// Refusals and breakdowns: recorded with a reason and flagged to the
// coordinator; the student becomes eligible for a second round.
#include "crypto/random.h"
#include "notify/notifications.h"
#include "placement/flags_internal.h"

namespace placement {

using common::Status;
using common::StatusOr;

std::string_view Name(EndKind k) { return k == EndKind::kBreakdown ? "breakdown" : "refusal"; }

std::optional<EndKind> ParseEndKind(std::string_view s) {
  if (s == "refusal") return EndKind::kRefusal;
  if (s == "breakdown") return EndKind::kBreakdown;
  return std::nullopt;
}

namespace internal {

StatusOr<Flag> EndPlacement(db::Connection& c, const audit::AuditLog& log, const auth::User& actor,
                            std::string_view placement_id, EndKind kind, std::string_view reason,
                            const std::string& company_id, const common::Clock& clock) {
  domain::Date today = Today(clock);
  SP_ASSIGN_OR_RETURN(
      db::Rows rows,
      c.Query("SELECT p.id, p.ended_kind FROM placements p JOIN rounds r ON r.id = p.round_id JOIN "
              "leerplaatsen l ON l.id = p.leerplaats_id WHERE p.id = $1 AND r.school_id = $2 AND "
              "r.status = 'published' AND ($3 = '' OR (l.company_id = $3 AND r.visible_from <= "
              "$4))",
              {placement_id, actor.school_id, company_id, domain::FormatDate(today)}));
  if (rows.empty()) return Status::NotFound("no such placement");
  if (!rows.rows[0].IsNull(1)) {
    return Status::FailedPrecondition("this placement has already ended", "placement_id");
  }
  common::UnixMillis now = clock.NowMillis();
  SP_RETURN_IF_ERROR(
      c.Execute("UPDATE placements SET ended_kind = $1, ended_at = $2 WHERE id = $3",
                {Name(kind), now, placement_id})
          .status());
  std::string id = crypto::RandomId();
  SP_RETURN_IF_ERROR(
      c.Execute("INSERT INTO placement_flags(id, school_id, placement_id, kind, reason, at, "
                "recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                {id, actor.school_id, placement_id, Name(kind), reason, now, actor.id})
          .status());
  SP_RETURN_IF_ERROR(Audit(c, log, actor, std::string("placement.") + std::string(Name(kind)),
                           "placement", placement_id));
  SP_ASSIGN_OR_RETURN(std::vector<Flag> flags, LoadFlags(c, actor.school_id, id, true));
  if (flags.empty()) return Status::Internal("flag not found after insert");
  // The school's coordinators see it on their dashboard, not only when they
  // happen to open the flags page. Named by company, never by student.
  SP_ASSIGN_OR_RETURN(db::Rows coordinators,
                      c.Query("SELECT id FROM users WHERE school_id = $1 AND role = "
                              "'coordinator' AND disabled = 0 AND id <> $2",
                              {actor.school_id, actor.id}));
  for (const db::Row& r : coordinators.rows) {
    SP_RETURN_IF_ERROR(notify::Add(c,
                                   {actor.school_id, r.Text(0),
                                    std::string("placement_") + std::string(Name(kind)),
                                    flags.front().company_name, "/stagematching/signalen", id},
                                   now)
                           .status());
  }
  return flags.front();
}

StatusOr<std::vector<Flag>> LoadFlags(db::Connection& c, std::string_view school_id,
                                      std::string_view flag_id, bool include_resolved) {
  SP_ASSIGN_OR_RETURN(
      db::Rows rows,
      c.Query("SELECT f.id, f.kind, f.reason, f.at, COALESCE(u.display_name, ''), p.id, r.id, "
              "r.name, s.id, s.student_number, s.name, co.id, co.leerbedrijf_id, co.name, "
              "f.resolved_at, f.resolution, COALESCE(f.case_id, '') "
              "FROM placement_flags f JOIN placements p ON p.id = f.placement_id "
              "JOIN rounds r ON r.id = p.round_id JOIN students s ON s.id = p.student_id "
              "JOIN leerplaatsen l ON l.id = p.leerplaats_id JOIN school_company_view co ON "
              "co.id = l.company_id AND co.school_id = l.school_id LEFT JOIN users u ON u.id = "
              "f.recorded_by "
              "WHERE f.school_id = $1 AND ($2 = '' OR f.id = $2) AND ($3 = 1 OR f.resolved_at IS "
              "NULL) ORDER BY f.at DESC, f.id",
              {school_id, flag_id, include_resolved ? 1 : 0}));
  std::vector<Flag> out;
  for (const db::Row& r : rows.rows) {
    Flag f;
    f.id = r.Text(0);
    f.kind = ParseEndKind(r.Text(1)).value_or(EndKind::kRefusal);
    f.reason = r.Text(2);
    f.at = r.Int(3);
    f.recorded_by_name = r.Text(4);
    f.placement_id = r.Text(5);
    f.round_id = r.Text(6);
    f.round_name = r.Text(7);
    f.student_id = r.Text(8);
    f.student_number = r.Text(9);
    f.student_name = r.Text(10);
    f.company_id = r.Text(11);
    f.leerbedrijf_id = r.Text(12);
    f.company_name = r.Text(13);
    f.resolved_at = r.OptInt(14);
    f.resolution = r.Text(15);
    f.case_id = r.Text(16);
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace internal

StatusOr<Flag> Stagematching::RecordEnd(const auth::User& actor, std::string_view placement_id,
                                        EndKind kind, std::string_view reason) {
  SP_RETURN_IF_ERROR(internal::RequireCoordinator(actor));
  SP_RETURN_IF_ERROR(internal::CheckText(reason, "reason", 2000, true));
  Flag flag;
  Status s = db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(
        flag, internal::EndPlacement(c, audit_, actor, placement_id, kind, reason, "", clock_));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return flag;
}

StatusOr<std::vector<Flag>> Stagematching::Flags(const auth::User& actor, bool include_resolved) {
  SP_RETURN_IF_ERROR(internal::RequireCoordinator(actor));
  std::vector<Flag> out;
  Status s = db_.Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(out, internal::LoadFlags(c, actor.school_id, "", include_resolved));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Status Stagematching::ResolveFlag(const auth::User& actor, std::string_view flag_id,
                                  std::string_view resolution) {
  SP_RETURN_IF_ERROR(internal::RequireCoordinator(actor));
  SP_RETURN_IF_ERROR(internal::CheckText(resolution, "resolution", 2000, true));
  return db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(db::Rows rows,
                        c.Query("SELECT resolved_at FROM placement_flags WHERE id = $1 AND "
                                "school_id = $2",
                                {flag_id, actor.school_id}));
    if (rows.empty()) return Status::NotFound("no such flag");
    if (!rows.rows[0].IsNull(0))
      return Status::FailedPrecondition("this flag is already resolved", "flag_id");
    SP_RETURN_IF_ERROR(c.Execute("UPDATE placement_flags SET resolved_at = $1, resolved_by = $2, "
                                 "resolution = $3 WHERE id = $4",
                                 {clock_.NowMillis(), actor.id, resolution, flag_id})
                           .status());
    return internal::Audit(c, audit_, actor, "flag.resolve", "flag", flag_id);
  });
}

Status Stagematching::LinkFlagToCase(const auth::User& actor, std::string_view flag_id,
                                     std::string_view case_id) {
  SP_RETURN_IF_ERROR(internal::RequireCoordinator(actor));
  return db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(db::Rows flag,
                        c.Query("SELECT 1 FROM placement_flags WHERE id = $1 AND school_id = $2",
                                {flag_id, actor.school_id}));
    if (flag.empty()) return Status::NotFound("no such flag");
    SP_ASSIGN_OR_RETURN(db::Rows found,
                        c.Query("SELECT 1 FROM cases WHERE id = $1 AND school_id = $2",
                                {case_id, actor.school_id}));
    if (found.empty()) return Status::NotFound("no such case");
    SP_RETURN_IF_ERROR(c.Execute("UPDATE placement_flags SET case_id = $1 WHERE id = $2",
                                 {case_id, flag_id})
                           .status());
    return internal::Audit(c, audit_, actor, "flag.link_case", "flag", flag_id);
  });
}

}  // namespace placement
