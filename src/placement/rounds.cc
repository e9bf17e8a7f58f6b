// Rounds: creating, opening (enrolment), closing, listing, exclusions.
#include <algorithm>
#include <set>

#include "crypto/random.h"
#include "placement/internal.h"

namespace placement {

using common::Status;
using common::StatusOr;

std::string_view Name(ExclusionReason r) {
  switch (r) {
    case ExclusionReason::kPaused:
      return "paused";
    case ExclusionReason::kSbbWithdrawn:
      return "sbb_withdrawn";
    case ExclusionReason::kNormNotAccepted:
      return "norm_not_accepted";
  }
  return "paused";
}

namespace {

constexpr char kInARound[] = "('draft', 'open', 'closed', 'proposed')";

uint64_t RandomSeed() {
  std::string bytes = crypto::RandomBytes(4);
  uint32_t v = 0;
  for (char b : bytes) v = (v << 8) | static_cast<unsigned char>(b);
  return (v & 0x7fffffffu) | 1u;  // 1 .. 2^31-1: easy to type for `stagepunt match --seed`
}

// Validates `spec` (after a second round's defaults are filled in).
Status CheckSpec(const RoundSpec& spec, domain::Date today) {
  SP_RETURN_IF_ERROR(internal::CheckText(spec.name, "name", 100, true));
  SP_RETURN_IF_ERROR(internal::CheckText(spec.cohort, "cohort", 20, true));
  SP_RETURN_IF_ERROR(internal::CheckText(spec.period, "period", 50, true));
  if (spec.crebos.empty()) return Status::InvalidArgument("name at least one crebo", "crebos");
  for (const std::string& crebo : spec.crebos) {
    if (!domain::IsCrebo(crebo))
      return Status::InvalidArgument("\"" + crebo + "\" is not a 5-digit crebo code", "crebos");
  }
  if (spec.leerwens_deadline < today)
    return Status::InvalidArgument("lies in the past", "leerwens_deadline");
  if (!(spec.leerwens_deadline < spec.start))
    return Status::InvalidArgument("must come after the leerwens deadline", "start");
  if (!(spec.start < spec.end_planned))
    return Status::InvalidArgument("must come after the start", "end_planned");
  if (spec.hours < 1 || spec.hours > 3000)
    return Status::InvalidArgument("must be 1 to 3000 hours", "hours");
  if (spec.publish_lead_days < 0 || spec.publish_lead_days > 120)
    return Status::InvalidArgument("must be 0 to 120 days", "publish_lead_days");
  if (spec.seed && (*spec.seed == 0 || *spec.seed > static_cast<uint64_t>(INT64_MAX)))
    return Status::InvalidArgument("must be 1 or more", "seed");
  return Status::Ok();
}

// The students a round enrols when it opens.
StatusOr<std::vector<std::string>> EligibleStudents(db::Connection& c, const std::string& school_id,
                                                    const Round& round) {
  std::vector<std::string> out;
  const std::string not_elsewhere =
      std::string(" AND NOT EXISTS (SELECT 1 FROM round_students o JOIN rounds orr ON orr.id = "
                  "o.round_id WHERE o.student_id = s.id AND orr.id <> $2 AND orr.status IN ") +
      kInARound + ")";
  if (!round.previous_round_id.empty()) {
    // Unplaced and refused students of the previous round.
    SP_ASSIGN_OR_RETURN(
        db::Rows rows,
        c.Query("SELECT s.id FROM students s JOIN placements p ON p.student_id = s.id AND "
                "p.round_id = $3 WHERE s.school_id = $1 AND (p.leerplaats_id IS NULL OR "
                "p.ended_kind IS NOT NULL)" +
                    not_elsewhere + " ORDER BY s.id",
                {school_id, round.id, round.previous_round_id}));
    for (const db::Row& r : rows.rows) out.push_back(r.Text(0));
    return out;
  }
  // The cohort's students of the round's crebos, unless already placed (and
  // not refused) for this period by a published round.
  SP_ASSIGN_OR_RETURN(
      db::Rows rows,
      c.Query("SELECT s.id, s.crebo FROM students s WHERE s.school_id = $1 AND s.cohort = $3" +
                  not_elsewhere +
                  " AND NOT EXISTS (SELECT 1 FROM placements p JOIN rounds pr ON pr.id = "
                  "p.round_id WHERE p.student_id = s.id AND pr.status = 'published' AND "
                  "pr.period = $4 AND p.leerplaats_id IS NOT NULL AND p.ended_kind IS NULL) "
                  "ORDER BY s.id",
              {school_id, round.id, round.cohort, round.period}));
  for (const db::Row& r : rows.rows) {
    if (std::find(round.crebos.begin(), round.crebos.end(), r.Text(1)) != round.crebos.end())
      out.push_back(r.Text(0));
  }
  return out;
}

}  // namespace

StatusOr<Round> Stagematching::CreateRound(const auth::User& actor, const RoundSpec& input) {
  SP_RETURN_IF_ERROR(internal::RequireCoordinator(actor));
  RoundSpec spec = input;
  std::sort(spec.crebos.begin(), spec.crebos.end());
  spec.crebos.erase(std::unique(spec.crebos.begin(), spec.crebos.end()), spec.crebos.end());
  std::string id = crypto::RandomId();
  Round created;
  Status s = db_.Write([&](db::Connection& c) -> Status {
    if (!spec.previous_round_id.empty()) {
      auto previous = internal::LoadRound(c, actor.school_id, spec.previous_round_id);
      if (!previous.ok()) return Status::InvalidArgument("no such round", "previous_round_id");
      if (previous->status != domain::RoundStatus::kPublished) {
        return Status::FailedPrecondition("a second round follows a published round",
                                          "previous_round_id");
      }
      if (spec.cohort.empty()) spec.cohort = previous->cohort;
      if (spec.period.empty()) spec.period = previous->period;
      if (spec.crebos.empty()) spec.crebos = previous->crebos;
    }
    SP_RETURN_IF_ERROR(CheckSpec(spec, internal::Today(clock_)));
    SP_ASSIGN_OR_RETURN(db::Rows taken,
                        c.Query("SELECT 1 FROM rounds WHERE school_id = $1 AND name = $2",
                                {actor.school_id, spec.name}));
    if (!taken.empty()) return Status::AlreadyExists("a round with this name exists", "name");
    uint64_t seed = spec.seed.value_or(RandomSeed());
    SP_RETURN_IF_ERROR(
        c.Execute("INSERT INTO rounds(id, school_id, name, cohort, period, crebos, status, "
                  "leerwens_deadline, start_date, end_date, hours, publish_lead_days, seed, "
                  "previous_round_id, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, "
                  "'draft', $7, $8, $9, $10, $11, $12, $13, $14, $15)",
                  {id, actor.school_id, spec.name, spec.cohort, spec.period,
                   internal::JoinCrebos(spec.crebos), domain::FormatDate(spec.leerwens_deadline),
                   domain::FormatDate(spec.start), domain::FormatDate(spec.end_planned), spec.hours,
                   spec.publish_lead_days, static_cast<int64_t>(seed),
                   spec.previous_round_id.empty() ? std::nullopt
                                                  : std::optional<std::string>(spec.previous_round_id),
                   actor.id, clock_.NowMillis()})
            .status());
    SP_RETURN_IF_ERROR(internal::Audit(c, audit_, actor, "round.create", "round", id));
    SP_ASSIGN_OR_RETURN(created, internal::LoadRound(c, actor.school_id, id));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return created;
}

StatusOr<std::vector<Round>> Stagematching::Rounds(const auth::User& actor) {
  SP_RETURN_IF_ERROR(internal::RequireCoordinator(actor));
  std::vector<Round> out;
  Status s = db_.Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(db::Rows rows,
                        c.Query(std::string("SELECT ") + internal::kRoundColumns +
                                    " FROM rounds r WHERE r.school_id = $1 ORDER BY r.created_at "
                                    "DESC, r.id",
                                {actor.school_id}));
    for (const db::Row& r : rows.rows) {
      out.push_back(internal::RoundFromRow(r));
      SP_RETURN_IF_ERROR(internal::CountRound(c, &out.back()));
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

StatusOr<Round> Stagematching::GetRound(const auth::User& actor, std::string_view round_id) {
  SP_RETURN_IF_ERROR(internal::RequireCoordinator(actor));
  Round out;
  Status s = db_.Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(out, internal::LoadRound(c, actor.school_id, round_id));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

StatusOr<int> Stagematching::OpenRound(const auth::User& actor, std::string_view round_id) {
  SP_RETURN_IF_ERROR(internal::RequireCoordinator(actor));
  int enrolled = 0;
  Status s = db_.Write([&](db::Connection& c) -> Status {
    SP_RETURN_IF_ERROR(internal::LockRound(c, actor.school_id, round_id));
    SP_ASSIGN_OR_RETURN(Round round, internal::LoadRound(c, actor.school_id, round_id));
    if (!domain::MayTransition(round.status, domain::RoundStatus::kOpen)) {
      return Status::FailedPrecondition("only a draft round can be opened", "status");
    }
    if (round.leerwens_deadline < internal::Today(clock_)) {
      return Status::FailedPrecondition("the leerwens deadline has passed", "leerwens_deadline");
    }
    SP_ASSIGN_OR_RETURN(std::vector<std::string> students,
                        EligibleStudents(c, actor.school_id, round));
    internal::BatchInsert enrol(c, "INSERT INTO round_students(round_id, student_id) VALUES", 2,
                                "ON CONFLICT DO NOTHING");
    for (const std::string& student : students) SP_RETURN_IF_ERROR(enrol.Add({round.id, student}));
    SP_RETURN_IF_ERROR(enrol.Flush());
    SP_RETURN_IF_ERROR(
        c.Execute("UPDATE rounds SET status = 'open' WHERE id = $1", {round.id}).status());
    SP_RETURN_IF_ERROR(internal::CountRound(c, &round));
    enrolled = round.students;
    return internal::Audit(c, audit_, actor, "round.open", "round", round.id);
  });
  if (!s.ok()) return s;
  return enrolled;
}

Status Stagematching::CloseRound(const auth::User& actor, std::string_view round_id) {
  SP_RETURN_IF_ERROR(internal::RequireCoordinator(actor));
  return db_.Write([&](db::Connection& c) -> Status {
    SP_RETURN_IF_ERROR(internal::LockRound(c, actor.school_id, round_id));
    SP_ASSIGN_OR_RETURN(Round round, internal::LoadRound(c, actor.school_id, round_id));
    if (!domain::MayTransition(round.status, domain::RoundStatus::kClosed)) {
      return Status::FailedPrecondition("only an open round can be closed", "status");
    }
    SP_RETURN_IF_ERROR(
        c.Execute("UPDATE rounds SET status = 'closed' WHERE id = $1", {round.id}).status());
    return internal::Audit(c, audit_, actor, "round.close", "round", round.id);
  });
}

StatusOr<std::vector<Exclusion>> Stagematching::Exclusions(const auth::User& actor,
                                                           std::string_view round_id) {
  SP_RETURN_IF_ERROR(internal::RequireCoordinator(actor));
  std::vector<Exclusion> out;
  Status s = db_.Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(Round round, internal::LoadRound(c, actor.school_id, round_id));
    if (round.run_at) {
      SP_ASSIGN_OR_RETURN(out, internal::StoredExclusions(c, round.id));
    } else {
      SP_ASSIGN_OR_RETURN(out,
                          internal::ComputeExclusions(c, actor.school_id, internal::Today(clock_)));
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace placement
