// Reviewing a proposal, overriding by hand with a reason, and publishing.
#include <algorithm>
#include <map>

#include "placement/explain_internal.h"
#include "placement/round_input.h"

namespace placement {

using common::Status;
using common::StatusOr;

namespace {

std::vector<int64_t> ParseHistogram(const std::string& text) {
  std::vector<int64_t> out;
  for (const std::string& part : internal::SplitCrebos(text)) out.push_back(std::stoll(part));
  return out;
}

StatusOr<std::vector<RunStats>> LoadRuns(db::Connection& c, const std::string& round_id) {
  SP_ASSIGN_OR_RETURN(db::Rows rows,
                      c.Query("SELECT algorithm, students, assigned, sum_of_ranks, histogram, "
                              "seconds, chosen FROM round_runs WHERE round_id = $1 ORDER BY "
                              "chosen DESC, algorithm",
                              {round_id}));
  std::vector<RunStats> out;
  for (const db::Row& r : rows.rows) {
    RunStats s;
    s.algorithm = r.Text(0);
    s.students = static_cast<int32_t>(r.Int(1));
    s.assigned = static_cast<int32_t>(r.Int(2));
    s.sum_of_ranks = r.Int(3);
    s.rank_histogram = ParseHistogram(r.Text(4));
    s.seconds = r.Double(5);
    s.chosen = r.Int(6) != 0;
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

StatusOr<Review> Stagematching::GetReview(const auth::User& actor, std::string_view round_id) {
  SP_RETURN_IF_ERROR(internal::RequireCoordinator(actor));
  Review review;
  Status s = db_.Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(review.round, internal::LoadRound(c, actor.school_id, round_id));
    if (!review.round.run_at) {
      return Status::FailedPrecondition("the round has not run yet", "status");
    }
    SP_ASSIGN_OR_RETURN(review.runs, LoadRuns(c, review.round.id));
    SP_ASSIGN_OR_RETURN(review.exclusions, internal::StoredExclusions(c, review.round.id));
    SP_ASSIGN_OR_RETURN(std::vector<internal::ProposalRecord> records,
                        internal::LoadProposal(c, review.round.id, "", /*with_names=*/true));
    for (internal::ProposalRecord& rec : records) {
      ProposalRow row = internal::ToProposalRow(std::move(rec));
      ++review.students;
      if (row.place) {
        ++review.placed;
        if (row.rank) {
          size_t r = static_cast<size_t>(std::max(*row.rank, 1));
          if (review.rank_histogram.size() < r) review.rank_histogram.resize(r, 0);
          ++review.rank_histogram[r - 1];
        }
      } else {
        review.unplaced.push_back(row.student_id);
      }
      if (row.overridden) ++review.overridden;
      review.rows.push_back(std::move(row));
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return review;
}

Status Stagematching::Override(const auth::User& actor, std::string_view round_id,
                               std::string_view student_id, std::string_view place_id,
                               std::string_view reason) {
  SP_RETURN_IF_ERROR(internal::RequireCoordinator(actor));
  SP_RETURN_IF_ERROR(internal::CheckText(reason, "reason", 1000, true));
  return db_.Write([&](db::Connection& c) -> Status {
    SP_RETURN_IF_ERROR(internal::LockRound(c, actor.school_id, round_id));
    SP_ASSIGN_OR_RETURN(Round round, internal::LoadRound(c, actor.school_id, round_id));
    if (round.status != domain::RoundStatus::kProposed) {
      return Status::FailedPrecondition("only a proposal that is not published can be changed",
                                        "status");
    }
    SP_ASSIGN_OR_RETURN(
        db::Rows student,
        c.Query("SELECT p.id, s.crebo, s.lat, s.lon, COALESCE(w.transport, 'public_transport') "
                "FROM placements p JOIN students s ON s.id = p.student_id LEFT JOIN leerwensen w "
                "ON w.round_id = p.round_id AND w.student_id = p.student_id WHERE p.round_id = $1 "
                "AND p.student_id = $2",
                {round.id, student_id}));
    if (student.empty()) return Status::NotFound("no such student in this round");
    const db::Row& st = student.rows[0];
    std::optional<std::string> place;
    std::optional<int64_t> rank, band;
    if (!place_id.empty()) {
      SP_ASSIGN_OR_RETURN(internal::PlaceCheck check,
                          internal::CheckPlaceForOverride(c, round, actor.school_id, student_id,
                                                          place_id, st.Text(1)));
      place = std::string(place_id);
      std::optional<domain::Coordinates> home;
      if (!st.IsNull(2) && !st.IsNull(3)) home = domain::Coordinates{st.Double(2), st.Double(3)};
      domain::Transport transport =
          domain::ParseTransport(st.Text(4)).value_or(domain::Transport::kPublicTransport);
      band = domain::BandPriority(internal::BandBetween(home, check.company_at, transport));
      SP_ASSIGN_OR_RETURN(db::Rows ranked,
                          c.Query("SELECT rank FROM leerwens_choices WHERE round_id = $1 AND "
                                  "student_id = $2 AND leerplaats_id = $3",
                                  {round.id, student_id, place_id}));
      if (!ranked.empty()) rank = ranked.rows[0].Int(0);
    }
    SP_RETURN_IF_ERROR(
        c.Execute("UPDATE placements SET leerplaats_id = $1, rank = $2, band = $3, "
                  "override_reason = $4, override_by = $5, override_at = $6 WHERE id = $7",
                  {place, rank, band, reason, actor.id, clock_.NowMillis(), st.Text(0)})
            .status());
    return internal::Audit(c, audit_, actor, "placement.override", "placement", st.Text(0));
  });
}

StatusOr<Round> Stagematching::Publish(const auth::User& actor, std::string_view round_id) {
  SP_RETURN_IF_ERROR(internal::RequireCoordinator(actor));
  Round published;
  Status s = db_.Write([&](db::Connection& c) -> Status {
    SP_RETURN_IF_ERROR(internal::LockRound(c, actor.school_id, round_id));
    SP_ASSIGN_OR_RETURN(Round round, internal::LoadRound(c, actor.school_id, round_id));
    if (!domain::MayTransition(round.status, domain::RoundStatus::kPublished)) {
      return Status::FailedPrecondition("only a proposed round can be published", "status");
    }
    // Another round may have filled places since this one ran. On PostgreSQL
    // two publications run side by side under READ COMMITTED, so lock the
    // places this round fills first (in id order, so two rounds sharing places
    // cannot deadlock): the check below then sees the other one's placements
    // once it has committed. SQLite runs one write transaction at a time.
    if (c.dialect() == db::Dialect::kPostgres) {
      SP_RETURN_IF_ERROR(
          c.Query("SELECT id FROM leerplaatsen WHERE id IN (SELECT leerplaats_id FROM placements "
                  "WHERE round_id = $1) ORDER BY id FOR UPDATE",
                  {round.id})
              .status());
    }
    SP_ASSIGN_OR_RETURN(
        db::Rows over,
        c.Query("SELECT l.id FROM leerplaatsen l WHERE l.id IN (SELECT leerplaats_id FROM "
                "placements WHERE round_id = $1) AND l.capacity < (SELECT COUNT(*) FROM "
                "placements p JOIN rounds pr ON pr.id = p.round_id WHERE p.leerplaats_id = l.id "
                "AND p.ended_kind IS NULL AND (pr.id = $1 OR pr.status = 'published'))",
                {round.id}));
    if (!over.empty()) {
      return Status::FailedPrecondition(
          std::to_string(over.rows.size()) +
              " places no longer have room (another round was published); run the round again",
          "capacity");
    }
    // The n-th BPV of each placed student, counting earlier ones that started.
    SP_RETURN_IF_ERROR(
        c.Execute("UPDATE placements SET volgnummer = 1 + (SELECT COUNT(*) FROM placements q JOIN "
                  "rounds qr ON qr.id = q.round_id WHERE q.student_id = placements.student_id AND "
                  "qr.status = 'published' AND q.leerplaats_id IS NOT NULL AND (q.ended_kind IS "
                  "NULL OR q.ended_kind = 'breakdown')) WHERE round_id = $1 AND leerplaats_id IS "
                  "NOT NULL",
                  {round.id})
            .status());
    domain::Date visible =
        domain::VisibleFrom(internal::Today(clock_), round.start, round.publish_lead_days);
    SP_RETURN_IF_ERROR(c.Execute("UPDATE rounds SET status = 'published', published_at = $1, "
                                 "visible_from = $2 WHERE id = $3",
                                 {clock_.NowMillis(), domain::FormatDate(visible), round.id})
                           .status());
    SP_RETURN_IF_ERROR(internal::Audit(c, audit_, actor, "round.publish", "round", round.id));
    SP_ASSIGN_OR_RETURN(published, internal::LoadRound(c, actor.school_id, round.id));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return published;
}

}  // namespace placement
