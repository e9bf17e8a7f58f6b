// The student's side: their rounds, leerwens and ranked choices, and the
// placement once it is visible.
#include <algorithm>
#include <set>

#include "placement/explain_internal.h"
#include "placement/round_input.h"

namespace placement {

using common::Status;
using common::StatusOr;

namespace {

StatusOr<Leerwens> LoadLeerwens(db::Connection& c, const std::string& round_id,
                                const std::string& student_id) {
  Leerwens w;
  SP_ASSIGN_OR_RETURN(
      db::Rows rows,
      c.Query("SELECT what_to_learn, company_type, work_type, transport, max_travel_minutes, "
              "support_needs, share_support, updated_at FROM leerwensen WHERE round_id = $1 AND "
              "student_id = $2",
              {round_id, student_id}));
  if (!rows.empty()) {
    const db::Row& r = rows.rows[0];
    w.what_to_learn = r.Text(0);
    w.company_type = r.Text(1);
    w.work_type = r.Text(2);
    w.transport = domain::ParseTransport(r.Text(3)).value_or(domain::Transport::kPublicTransport);
    w.max_travel_minutes = static_cast<int>(r.Int(4));
    w.support_needs = r.Text(5);
    w.share_support = r.Int(6) != 0;
    w.updated_at = r.Int(7);
  }
  SP_ASSIGN_OR_RETURN(db::Rows choices,
                      c.Query("SELECT leerplaats_id FROM leerwens_choices WHERE round_id = $1 AND "
                              "student_id = $2 ORDER BY rank",
                              {round_id, student_id}));
  for (const db::Row& r : choices.rows) w.choices.push_back(r.Text(0));
  return w;
}

// The student's round, or NotFound when they do not take part in it.
StatusOr<Round> StudentRound(db::Connection& c, const auth::User& actor, const Student& student,
                             std::string_view round_id) {
  SP_ASSIGN_OR_RETURN(Round round, internal::LoadRound(c, actor.school_id, round_id));
  SP_ASSIGN_OR_RETURN(db::Rows in,
                      c.Query("SELECT 1 FROM round_students WHERE round_id = $1 AND student_id = $2",
                              {round.id, student.id}));
  if (in.empty()) return Status::NotFound("no such round");
  return round;
}

StatusOr<std::vector<PlaceOption>> Fitting(db::Connection& c, const std::string& school_id,
                                           const Round& round, const Student& student,
                                           domain::Transport transport, int max_minutes,
                                           domain::Date today) {
  std::vector<PlaceOption> out;
  if (std::find(round.crebos.begin(), round.crebos.end(), student.crebo) == round.crebos.end())
    return out;
  SP_ASSIGN_OR_RETURN(std::vector<Exclusion> exclusions,
                      internal::ComputeExclusions(c, school_id, today));
  std::set<std::string> excluded;
  for (const Exclusion& e : exclusions) excluded.insert(e.company_id);
  SP_ASSIGN_OR_RETURN(db::Rows rows,
                      c.Query(std::string("SELECT ") + internal::kPlaceColumns +
                                  ", co.lat, co.lon FROM leerplaatsen l JOIN school_company_view "
                                  "co ON co.id = l.company_id AND co.school_id = l.school_id "
                                  "WHERE l.school_id = $1 AND l.period = $2 AND l.crebo = $3",
                              {school_id, round.period, student.crebo}));
  for (const db::Row& r : rows.rows) {
    PlaceOption option;
    option.place = internal::PlaceFromRow(r);
    // Places taken by this round's own proposal are not "taken" yet.
    if (option.place.capacity - option.place.taken <= 0) continue;
    if (excluded.count(option.place.company_id)) continue;
    std::optional<domain::Coordinates> work;
    if (!r.IsNull(11) && !r.IsNull(12)) work = domain::Coordinates{r.Double(11), r.Double(12)};
    option.travel_minutes = domain::EstimateTravelMinutes(student.coordinates, work, transport);
    option.band = domain::BandFor(option.travel_minutes);
    if (option.travel_minutes && *option.travel_minutes > max_minutes) continue;
    out.push_back(std::move(option));
  }
  std::sort(out.begin(), out.end(), [](const PlaceOption& a, const PlaceOption& b) {
    int ta = a.travel_minutes.value_or(INT32_MAX), tb = b.travel_minutes.value_or(INT32_MAX);
    if (ta != tb) return ta < tb;
    if (a.place.company_name != b.place.company_name)
      return a.place.company_name < b.place.company_name;
    return a.place.id < b.place.id;
  });
  return out;
}

Status CheckLeerwens(const Leerwens& w) {
  SP_RETURN_IF_ERROR(internal::CheckText(w.what_to_learn, "what_to_learn",
                                         domain::kMaxLeerwensTextChars, false));
  SP_RETURN_IF_ERROR(internal::CheckText(w.company_type, "company_type", 200, false));
  SP_RETURN_IF_ERROR(internal::CheckText(w.work_type, "work_type", 500, false));
  SP_RETURN_IF_ERROR(internal::CheckText(w.support_needs, "support_needs",
                                         domain::kMaxLeerwensTextChars, false));
  if (w.max_travel_minutes < domain::kMinTravelMinutes ||
      w.max_travel_minutes > domain::kMaxTravelMinutes) {
    return Status::InvalidArgument("must be 5 to 180 minutes", "max_travel_minutes");
  }
  if (w.choices.size() > domain::kMaxChoices)
    return Status::InvalidArgument("choose at most 20 places", "choices");
  std::set<std::string> seen;
  for (const std::string& id : w.choices) {
    if (!seen.insert(id).second)
      return Status::InvalidArgument("a place is chosen twice", "choices");
  }
  return Status::Ok();
}

}  // namespace

StatusOr<StudentHome> Stagematching::StudentView(const auth::User& actor) {
  StudentHome home;
  domain::Date today = internal::Today(clock_);
  Status s = db_.Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(home.student, internal::StudentOfUser(c, actor));
    SP_ASSIGN_OR_RETURN(
        db::Rows rows,
        c.Query(std::string("SELECT ") + internal::kRoundColumns +
                    " FROM round_students rs JOIN rounds r ON r.id = rs.round_id WHERE "
                    "rs.student_id = $1 AND r.school_id = $2 ORDER BY r.created_at DESC, r.id",
                {home.student.id, actor.school_id}));
    for (const db::Row& r : rows.rows) {
      StudentRoundView view;
      view.round = internal::RoundFromRow(r);
      SP_RETURN_IF_ERROR(internal::CountRound(c, &view.round));
      view.can_edit = view.round.status == domain::RoundStatus::kOpen &&
                      !(view.round.leerwens_deadline < today);
      SP_ASSIGN_OR_RETURN(view.leerwens, LoadLeerwens(c, view.round.id, home.student.id));
      view.placement_visible = internal::Visible(view.round, today);
      if (view.placement_visible) {
        SP_ASSIGN_OR_RETURN(std::vector<internal::ProposalRecord> recs,
                            internal::LoadProposal(c, view.round.id, home.student.id, false));
        if (!recs.empty()) {
          internal::ProposalRecord& rec = recs.front();
          domain::StudentOutcome outcome = internal::OutcomeOf(rec);
          view.explanation_nl = domain::ExplainOutcome(outcome, false);
          view.explanation_en = domain::ExplainOutcome(outcome, true);
          if (rec.place) {
            view.placement = PlacementView{rec.placement_id, view.round.id, view.round.name,
                                           *rec.place, rec.company_address, rec.company_postcode,
                                           rec.rank, view.round.start, view.round.end_planned,
                                           view.explanation_nl, view.explanation_en, rec.ended};
          }
        }
      }
      home.rounds.push_back(std::move(view));
    }
    SP_ASSIGN_OR_RETURN(
        db::Rows bpv,
        c.Query("SELECT b.id, co.name, co.city, b.crebo, b.start_date, b.end_date, "
                "COALESCE(b.pathway, '') FROM bpv_agreements b JOIN school_company_view co ON "
                "co.id = b.company_id AND co.school_id = b.school_id WHERE b.student_id = $1 AND "
                "b.school_id = $2 ORDER BY b.start_date DESC, b.id",
                {home.student.id, actor.school_id}));
    for (const db::Row& r : bpv.rows) {
      home.bpv.push_back({r.Text(0), r.Text(1), r.Text(2), r.Text(3),
                          domain::ParseDate(r.Text(4)).value_or(today),
                          domain::ParseDate(r.Text(5)).value_or(today),
                          domain::ParsePathway(r.Text(6))});
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return home;
}

namespace {

StatusOr<Student> StudentById(db::Connection& c, const std::string& school_id,
                              std::string_view student_id) {
  SP_ASSIGN_OR_RETURN(db::Rows rows,
                      c.Query(std::string("SELECT ") + internal::kStudentColumns +
                                  " FROM students s WHERE s.id = $1 AND s.school_id = $2",
                              {student_id, school_id}));
  if (rows.empty()) return Status::NotFound("no such student");
  return internal::StudentFromRow(rows.rows[0]);
}

StatusOr<std::vector<PlaceOption>> FittingFor(db::Connection& c, const auth::User& actor,
                                              const Student& student, std::string_view round_id,
                                              std::optional<domain::Transport> transport,
                                              std::optional<int> max_travel_minutes,
                                              domain::Date today) {
  SP_ASSIGN_OR_RETURN(Round round, StudentRound(c, actor, student, round_id));
  SP_ASSIGN_OR_RETURN(Leerwens saved, LoadLeerwens(c, round.id, student.id));
  int max = std::clamp(max_travel_minutes.value_or(saved.max_travel_minutes),
                       domain::kMinTravelMinutes, domain::kMaxTravelMinutes);
  return Fitting(c, actor.school_id, round, student, transport.value_or(saved.transport), max,
                 today);
}

Status SaveFor(db::Connection& c, const audit::AuditLog& log, const auth::User& actor,
               const Student& student, std::string_view round_id, const Leerwens& leerwens,
               const common::Clock& clock) {
  domain::Date today = internal::Today(clock);
  SP_RETURN_IF_ERROR(internal::LockRound(c, actor.school_id, round_id));
  SP_ASSIGN_OR_RETURN(Round round, StudentRound(c, actor, student, round_id));
  if (round.status != domain::RoundStatus::kOpen || round.leerwens_deadline < today) {
    return Status::FailedPrecondition("the leerwens of this round can no longer be changed",
                                      "leerwens_deadline");
  }
  SP_ASSIGN_OR_RETURN(std::vector<PlaceOption> fitting,
                      Fitting(c, actor.school_id, round, student, leerwens.transport,
                              leerwens.max_travel_minutes, today));
  std::set<std::string> allowed;
  for (const PlaceOption& o : fitting) allowed.insert(o.place.id);
  for (const std::string& id : leerwens.choices) {
    if (!allowed.count(id)) {
      return Status::InvalidArgument(
          "a chosen place does not fit your crebo or travel time, or is no longer offered",
          "choices");
    }
  }
  common::UnixMillis now = clock.NowMillis();
  SP_RETURN_IF_ERROR(
      c.Execute("INSERT INTO leerwensen(round_id, student_id, what_to_learn, company_type, "
                "work_type, transport, max_travel_minutes, support_needs, share_support, "
                "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
                "ON CONFLICT (round_id, student_id) DO UPDATE SET what_to_learn = "
                "excluded.what_to_learn, company_type = excluded.company_type, work_type = "
                "excluded.work_type, transport = excluded.transport, max_travel_minutes = "
                "excluded.max_travel_minutes, support_needs = excluded.support_needs, "
                "share_support = excluded.share_support, updated_at = excluded.updated_at",
                {round.id, student.id, leerwens.what_to_learn, leerwens.company_type,
                 leerwens.work_type, domain::Name(leerwens.transport),
                 leerwens.max_travel_minutes, leerwens.support_needs, leerwens.share_support,
                 now})
          .status());
  SP_RETURN_IF_ERROR(c.Execute("DELETE FROM leerwens_choices WHERE round_id = $1 AND "
                               "student_id = $2",
                               {round.id, student.id})
                         .status());
  internal::BatchInsert insert(c,
                               "INSERT INTO leerwens_choices(round_id, student_id, rank, "
                               "leerplaats_id) VALUES",
                               4);
  for (size_t i = 0; i < leerwens.choices.size(); ++i) {
    SP_RETURN_IF_ERROR(
        insert.Add({round.id, student.id, static_cast<int64_t>(i + 1), leerwens.choices[i]}));
  }
  SP_RETURN_IF_ERROR(insert.Flush());
  return internal::Audit(c, log, actor, "leerwens.save", "round", round.id);
}

}  // namespace

StatusOr<std::vector<PlaceOption>> Stagematching::FittingPlaces(
    const auth::User& actor, std::string_view round_id, std::optional<domain::Transport> transport,
    std::optional<int> max_travel_minutes) {
  std::vector<PlaceOption> out;
  Status s = db_.Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(Student student, internal::StudentOfUser(c, actor));
    SP_ASSIGN_OR_RETURN(out, FittingFor(c, actor, student, round_id, transport,
                                        max_travel_minutes, internal::Today(clock_)));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

StatusOr<std::vector<PlaceOption>> Stagematching::FittingPlacesFor(
    const auth::User& actor, std::string_view round_id, std::string_view student_id,
    std::optional<domain::Transport> transport, std::optional<int> max_travel_minutes) {
  SP_RETURN_IF_ERROR(internal::RequireCoordinator(actor));
  std::vector<PlaceOption> out;
  Status s = db_.Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(Student student, StudentById(c, actor.school_id, student_id));
    SP_ASSIGN_OR_RETURN(out, FittingFor(c, actor, student, round_id, transport,
                                        max_travel_minutes, internal::Today(clock_)));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Status Stagematching::SaveLeerwens(const auth::User& actor, std::string_view round_id,
                                   const Leerwens& leerwens) {
  SP_RETURN_IF_ERROR(internal::RequireRole(actor, domain::Role::kStudent));
  SP_RETURN_IF_ERROR(CheckLeerwens(leerwens));
  return db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(Student student, internal::StudentOfUser(c, actor));
    return SaveFor(c, audit_, actor, student, round_id, leerwens, clock_);
  });
}

Status Stagematching::SaveLeerwensFor(const auth::User& actor, std::string_view round_id,
                                      std::string_view student_id, const Leerwens& leerwens) {
  SP_RETURN_IF_ERROR(internal::RequireCoordinator(actor));
  SP_RETURN_IF_ERROR(CheckLeerwens(leerwens));
  return db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(Student student, StudentById(c, actor.school_id, student_id));
    return SaveFor(c, audit_, actor, student, round_id, leerwens, clock_);
  });
}

}  // namespace placement
