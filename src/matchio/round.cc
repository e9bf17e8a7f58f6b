#include "matchio/round.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <chrono>
#include <memory>

#include "common/csv.h"
#include "matching/verify.h"
#include "matchio/atomic_file.h"

namespace matchio {
namespace {

using common::Status;
using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void FillStatistics(const matching::Instance& in, RoundResult* result) {
  result->assigned = result->assignment.NumAssigned();
  result->sum_of_ranks = matching::SumOfRanks(in, result->assignment);
  int32_t max_rank = 0;
  for (int32_t e : result->assignment.edge_of_student) {
    if (e >= 0) max_rank = std::max(max_rank, in.pref_rank[e]);
  }
  result->rank_histogram.assign(max_rank, 0);
  for (int32_t e : result->assignment.edge_of_student) {
    // Rank 0 is legal input; it is counted with rank 1 to keep index 0 = best.
    if (e >= 0) ++result->rank_histogram[std::max(in.pref_rank[e], 1) - 1];
  }
}

}  // namespace

const char* AlgorithmName(Algorithm algorithm) {
  return algorithm == Algorithm::kOptimal ? "optimal" : "da";
}

common::StatusOr<RoundResult> RunRound(const NamedInstance& round, const RoundOptions& options) {
  const matching::Instance& in = round.instance;
  RoundResult result;
  result.algorithm = options.algorithm;
  result.seed = options.seed;
  Clock::time_point start = Clock::now();
  if (options.algorithm == Algorithm::kDeferredAcceptance) {
    result.da = matching::RunDeferredAcceptance(in, options.seed);
    result.assignment = std::move(result.da.assignment);
    result.algorithm_seconds = SecondsSince(start);
    start = Clock::now();
    SP_RETURN_IF_ERROR(matching::CheckFeasible(in, result.assignment));
    matching::StabilityReport stability =
        matching::CheckStability(in, result.assignment, result.da.lottery);
    result.blocking_pairs = stability.blocking_pairs;
    if (stability.blocking_pairs > 0) {
      return Status::Internal(fmt::format("DA result has {} blocking pairs (first: student {})",
                                          stability.blocking_pairs,
                                          round.students.Name(stability.first_student)));
    }
    result.verify_seconds = SecondsSince(start);
    if (options.explain) {
      // ExplainDeferredAcceptance reads the assignment from the DaResult.
      result.da.assignment = result.assignment;
      result.explanations = matching::ExplainDeferredAcceptance(in, result.da);
      result.da.assignment = {};
    }
  } else {
    result.optimal = matching::RunOptimal(in, options.flow_solver);
    result.assignment = std::move(result.optimal.assignment);
    result.algorithm_seconds = SecondsSince(start);
    start = Clock::now();
    SP_RETURN_IF_ERROR(
        matching::CheckOptimalCertificate(in, result.assignment, result.optimal.certificate));
    result.verify_seconds = SecondsSince(start);
    if (options.explain) {
      result.explanations =
          matching::ExplainOptimal(in, result.assignment, result.optimal.certificate);
    }
  }
  FillStatistics(in, &result);
  return result;
}

// The output files follow matching-io.md: ids are written exactly as the
// input spelled them (common::AppendCsvExact: quoted, never given a formula
// guard, so "-7" stays the student "-7" of students.csv), and integers with
// fmt, which can only write a number.
Status WriteAssignmentCsv(const std::string& path, const NamedInstance& round,
                          const RoundResult& result) {
  SP_ASSIGN_OR_RETURN(std::unique_ptr<AtomicFile> file, AtomicFile::Create(path));
  const matching::Instance& in = round.instance;
  std::string& buf = file->buffer();
  buf.append("student_id,position_id,rank\n");
  for (int32_t s = 0; s < in.num_students; ++s) {
    common::AppendCsvExact(round.students.Name(s), &buf);
    int32_t e = result.assignment.edge_of_student[s];
    buf.push_back(',');
    if (e >= 0) {
      common::AppendCsvExact(round.positions.Name(in.pref_position[e]), &buf);
      fmt::format_to(std::back_inserter(buf), ",{}\n", in.pref_rank[e]);
    } else {
      buf.append(",\n");
    }
    file->MaybeFlush();
  }
  return file->Commit();
}

Status WriteExplanationCsv(const std::string& path, const NamedInstance& round,
                           const RoundResult& result) {
  SP_ASSIGN_OR_RETURN(std::unique_ptr<AtomicFile> file, AtomicFile::Create(path));
  const matching::Instance& in = round.instance;
  const bool da = result.algorithm == Algorithm::kDeferredAcceptance;
  std::string& buf = file->buffer();
  buf.append(
      "student_id,assigned_position_id,assigned_rank,missed_position_id,missed_rank,"
      "company_id,reason,cutoff_priority,cutoff_lottery,student_priority,student_lottery,"
      "price\n");
  auto out = std::back_inserter(buf);
  for (const matching::Explanation& why : result.explanations) {
    const int32_t s = why.student;
    const int32_t got = result.assignment.edge_of_student[s];
    const int32_t p = in.pref_position[why.edge];
    common::AppendCsvExact(round.students.Name(s), &buf);
    buf.push_back(',');
    if (got >= 0) {
      common::AppendCsvExact(round.positions.Name(in.pref_position[got]), &buf);
      fmt::format_to(out, ",{},", in.pref_rank[got]);
    } else {
      buf.append(",,");
    }
    common::AppendCsvExact(round.positions.Name(p), &buf);
    fmt::format_to(out, ",{},", in.pref_rank[why.edge]);
    common::AppendCsvExact(round.companies.Name(in.position_company[p]), &buf);
    fmt::format_to(out, ",{},", matching::RejectionReasonName(why.reason));
    if (why.reason == matching::RejectionReason::kFullWithBetterPriority) {
      fmt::format_to(out, "{},{},", matching::KeyPriority(why.cutoff_key),
                     matching::KeyLottery(why.cutoff_key));
    } else {
      buf.append(",,");
    }
    if (da) {
      fmt::format_to(out, "{},{},", in.pref_priority[why.edge], result.da.lottery[s]);
    } else {
      buf.append(",,");
    }
    if (why.reason == matching::RejectionReason::kFullAtHigherPrice) {
      fmt::format_to(out, "{}", why.price);
    }
    buf.push_back('\n');
    file->MaybeFlush();
  }
  return file->Commit();
}

std::string JsonSummary(const NamedInstance& round, const RoundResult& result, double seconds) {
  std::string json = fmt::format(
      "{{\"students\":{},\"assigned\":{},\"unassigned\":{},\"rank_histogram\":[{}],"
      "\"sum_of_ranks\":{},\"algorithm\":\"{}\",\"seed\":{},\"seconds\":{:.6f},"
      "\"algorithm_seconds\":{:.6f},\"verify_seconds\":{:.6f},\"feasible\":true",
      round.instance.num_students, result.assigned,
      round.instance.num_students - result.assigned, fmt::join(result.rank_histogram, ","),
      result.sum_of_ranks, AlgorithmName(result.algorithm), result.seed, seconds,
      result.algorithm_seconds, result.verify_seconds);
  if (result.algorithm == Algorithm::kDeferredAcceptance) {
    json += fmt::format(",\"stable\":{},\"blocking_pairs\":{},\"proposals\":{}",
                        result.blocking_pairs == 0, result.blocking_pairs, result.da.proposals);
  } else {
    json += fmt::format(",\"optimality_certificate\":\"verified\",\"solver_phases\":{}",
                        result.optimal.phases);
  }
  json += '}';
  return json;
}

}  // namespace matchio
