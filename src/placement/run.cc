// Running a round: exclusions, both engines (through matchio::RunRound, as a
// library), and storing the proposal with its explanations and files.
#include <chrono>

#include "crypto/random.h"
#include "placement/round_input.h"

namespace placement {

using common::Status;
using common::StatusOr;

namespace {

using SteadyClock = std::chrono::steady_clock;

RunStats StatsOf(const matchio::RoundResult& r, int32_t students, bool chosen) {
  RunStats s;
  s.algorithm = matchio::AlgorithmName(r.algorithm);
  s.students = students;
  s.assigned = r.assigned;
  s.sum_of_ranks = r.sum_of_ranks;
  s.rank_histogram = r.rank_histogram;
  s.seconds = r.algorithm_seconds + r.verify_seconds;
  s.chosen = chosen;
  return s;
}

std::string JoinHistogram(const std::vector<int64_t>& histogram) {
  std::string out;
  for (size_t i = 0; i < histogram.size(); ++i) {
    if (i > 0) out.push_back(',');
    out.append(std::to_string(histogram[i]));
  }
  return out;
}

// The student-facing reason for one matching::Explanation.
domain::MissReason MissReasonOf(const matching::Explanation& why, int32_t own_priority) {
  switch (why.reason) {
    case matching::RejectionReason::kCompanyExcluded:
      return domain::MissReason::kNotTakingPart;
    case matching::RejectionReason::kNoCapacity:
    case matching::RejectionReason::kUnexplained:
      return domain::MissReason::kNoPlaces;
    case matching::RejectionReason::kFullWithBetterPriority:
      return matching::KeyPriority(why.cutoff_key) < own_priority
                 ? domain::MissReason::kFullCloser
                 : domain::MissReason::kFullLottery;
    case matching::RejectionReason::kFullAtHigherPrice:
      return domain::MissReason::kFullOptimal;
  }
  return domain::MissReason::kNoPlaces;
}

// How to rerun: `stagepunt match --in DIR --algorithm A --seed S`.
std::string RoundJson(const Round& round, const std::string& algorithm) {
  std::string out = "{\"algorithm\": \"" + algorithm + "\", \"seed\": " +
                    std::to_string(round.seed) + ", \"crebos\": [";
  for (size_t i = 0; i < round.crebos.size(); ++i) {
    out += (i > 0 ? ", \"" : "\"") + round.crebos[i] + "\"";  // 5 digits: nothing to escape
  }
  out += "], \"start\": \"" + domain::FormatDate(round.start) + "\", \"end_planned\": \"" +
         domain::FormatDate(round.end_planned) + "\", \"rerun\": \"stagepunt match --in DIR --out "
         "assignment.csv --algorithm " + algorithm + " --seed " + std::to_string(round.seed) +
         "\"}\n";
  return out;
}

Status ClearProposal(db::Connection& c, const std::string& round_id) {
  for (const char* sql : {"DELETE FROM placement_misses WHERE round_id = $1",
                          "DELETE FROM placements WHERE round_id = $1",
                          "DELETE FROM round_exclusions WHERE round_id = $1",
                          "DELETE FROM round_runs WHERE round_id = $1",
                          "DELETE FROM round_files WHERE round_id = $1"}) {
    SP_RETURN_IF_ERROR(c.Execute(sql, {round_id}).status());
  }
  return Status::Ok();
}

Status StoreProposal(db::Connection& c, const std::string& school_id, const Round& round,
                     const internal::RoundInput& input, const matchio::RoundResult& chosen,
                     const std::vector<uint32_t>& lottery) {
  const matching::Instance& in = input.named.instance;
  internal::BatchInsert placements(
      c,
      "INSERT INTO placements(id, school_id, round_id, student_id, leerplaats_id, rank, band, "
      "engine_leerplaats_id, engine_rank, lottery, choices) VALUES",
      11);
  for (int32_t s = 0; s < in.num_students; ++s) {
    const size_t si = static_cast<size_t>(s);
    int32_t e = chosen.assignment.edge_of_student[si];
    std::optional<std::string> place;
    std::optional<int64_t> rank, band;
    if (e >= 0) {
      place = std::string(input.named.positions.Name(in.pref_position[static_cast<size_t>(e)]));
      rank = in.pref_rank[static_cast<size_t>(e)];
      band = in.pref_priority[static_cast<size_t>(e)];
    }
    SP_RETURN_IF_ERROR(placements.Add({crypto::RandomId(), school_id, round.id,
                                       input.named.students.Name(s), place, rank, band, place, rank,
                                       static_cast<int64_t>(lottery[si]), input.choices[si]}));
  }
  SP_RETURN_IF_ERROR(placements.Flush());

  internal::BatchInsert misses(c,
                               "INSERT INTO placement_misses(round_id, student_id, rank, "
                               "leerplaats_id, reason, own_band, cutoff_band) VALUES",
                               7);
  for (const matching::Explanation& why : chosen.explanations) {
    const size_t e = static_cast<size_t>(why.edge);
    int32_t own = in.pref_priority[e];
    int32_t cutoff = why.reason == matching::RejectionReason::kFullWithBetterPriority
                         ? matching::KeyPriority(why.cutoff_key)
                         : own;
    SP_RETURN_IF_ERROR(misses.Add({round.id, input.named.students.Name(why.student),
                                   in.pref_rank[e], input.named.positions.Name(in.pref_position[e]),
                                   domain::Name(MissReasonOf(why, own)), own, cutoff}));
  }
  return misses.Flush();
}

Status StoreRunRecords(db::Connection& c, const Round& round, const RunResult& result,
                       const std::vector<Exclusion>& exclusions,
                       const std::map<std::string, std::string>& files, common::UnixMillis now) {
  for (const Exclusion& x : exclusions) {
    for (ExclusionReason reason : x.reasons) {
      SP_RETURN_IF_ERROR(c.Execute("INSERT INTO round_exclusions(round_id, company_id, reason) "
                                   "VALUES ($1, $2, $3)",
                                   {round.id, x.company_id, Name(reason)})
                             .status());
    }
  }
  for (const RunStats* stats : {&result.proposal, &result.comparison}) {
    SP_RETURN_IF_ERROR(
        c.Execute("INSERT INTO round_runs(round_id, algorithm, students, assigned, sum_of_ranks, "
                  "histogram, seconds, chosen, ran_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                  {round.id, stats->algorithm, stats->students, stats->assigned,
                   stats->sum_of_ranks, JoinHistogram(stats->rank_histogram), stats->seconds,
                   stats->chosen, now})
            .status());
  }
  for (const auto& [name, content] : files) {
    SP_RETURN_IF_ERROR(
        c.Execute("INSERT INTO round_files(round_id, name, content) VALUES ($1, $2, $3)",
                  {round.id, name, content})
            .status());
  }
  return Status::Ok();
}

// closed or proposed, or open with the deadline passed (it closes on its
// own); and a published norm, without which every company is excluded.
Status CheckRunnable(db::Connection& c, const Round& round, std::string_view school_id,
                     domain::Date today) {
  bool deadline_passed =
      round.status == domain::RoundStatus::kOpen && round.leerwens_deadline < today;
  if (!deadline_passed && !domain::MayTransition(round.status, domain::RoundStatus::kProposed)) {
    return Status::FailedPrecondition(
        "close the round first (or wait for its deadline); a published round cannot run again",
        "status");
  }
  if (!internal::CurrentNormVersion(c, school_id)) {
    return Status::FailedPrecondition(
        "publish the school's norm first: companies that have not accepted it get no placements",
        "norm");
  }
  return Status::Ok();
}

struct Engines {
  matchio::RoundResult da;
  matchio::RoundResult optimal;
};

// Both engines on the same input, each verified by matchio::RunRound; the
// chosen one explains its result. DA always runs: its lottery is stored.
StatusOr<Engines> RunEngines(const internal::RoundInput& input, uint64_t seed,
                             matchio::Algorithm chosen) {
  Engines out;
  matchio::RoundOptions options;
  options.seed = seed;
  options.algorithm = matchio::Algorithm::kDeferredAcceptance;
  options.explain = chosen == matchio::Algorithm::kDeferredAcceptance;
  SP_ASSIGN_OR_RETURN(out.da, matchio::RunRound(input.named, options));
  options.algorithm = matchio::Algorithm::kOptimal;
  options.explain = chosen == matchio::Algorithm::kOptimal;
  SP_ASSIGN_OR_RETURN(out.optimal, matchio::RunRound(input.named, options));
  return out;
}

}  // namespace

StatusOr<RunResult> Stagematching::Run(const auth::User& actor, std::string_view round_id,
                                       const RunOptions& options) {
  SP_RETURN_IF_ERROR(internal::RequireCoordinator(actor));
  matchio::Algorithm algorithm;
  if (options.algorithm == "da") {
    algorithm = matchio::Algorithm::kDeferredAcceptance;
  } else if (options.algorithm == "optimal") {
    algorithm = matchio::Algorithm::kOptimal;
  } else {
    return Status::InvalidArgument("must be da or optimal", "algorithm");
  }
  const SteadyClock::time_point start = SteadyClock::now();
  RunResult result;
  Status s = db_.Write([&](db::Connection& c) -> Status {
    domain::Date today = internal::Today(clock_);
    SP_RETURN_IF_ERROR(internal::LockRound(c, actor.school_id, round_id));
    SP_ASSIGN_OR_RETURN(Round round, internal::LoadRound(c, actor.school_id, round_id));
    SP_RETURN_IF_ERROR(CheckRunnable(c, round, actor.school_id, today));
    SP_ASSIGN_OR_RETURN(std::vector<Exclusion> exclusions,
                        internal::ComputeExclusions(c, actor.school_id, today));
    SP_ASSIGN_OR_RETURN(internal::RoundInput input,
                        internal::LoadRoundInput(c, round, actor.school_id, exclusions));
    SP_ASSIGN_OR_RETURN(Engines engines, RunEngines(input, round.seed, algorithm));
    const bool da_chosen = algorithm == matchio::Algorithm::kDeferredAcceptance;
    const matchio::RoundResult& chosen = da_chosen ? engines.da : engines.optimal;
    const int32_t n = input.named.instance.num_students;
    result.proposal = StatsOf(chosen, n, true);
    result.comparison = StatsOf(da_chosen ? engines.optimal : engines.da, n, false);
    result.excluded_companies = static_cast<int32_t>(exclusions.size());

    SP_RETURN_IF_ERROR(ClearProposal(c, round.id));
    SP_RETURN_IF_ERROR(
        StoreProposal(c, actor.school_id, round, input, chosen, engines.da.da.lottery));
    std::map<std::string, std::string> files = internal::MatchingIoFiles(input, chosen);
    files["round.json"] = RoundJson(round, result.proposal.algorithm);
    common::UnixMillis now = clock_.NowMillis();
    SP_RETURN_IF_ERROR(StoreRunRecords(c, round, result, exclusions, files, now));
    SP_RETURN_IF_ERROR(c.Execute("UPDATE rounds SET status = 'proposed', run_at = $1, algorithm = "
                                 "$2 WHERE id = $3",
                                 {now, result.proposal.algorithm, round.id})
                           .status());
    return internal::Audit(c, audit_, actor, "round.run", "round", round.id);
  });
  if (!s.ok()) return s;
  result.seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
  return result;
}

}  // namespace placement
