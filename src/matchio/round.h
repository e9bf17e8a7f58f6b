// File: matchio/round.h
//
// The library API for running one matching round end to end, used by both
// `stagepunt match` and the web app (which calls it directly, not through a
// subprocess):
//
//   SP_ASSIGN_OR_RETURN(NamedInstance round, LoadInstance(dir));      // loader.h
//   RoundOptions options;  options.algorithm = Algorithm::kDeferredAcceptance;
//   SP_ASSIGN_OR_RETURN(RoundResult result, RunRound(round, options));
//   SP_RETURN_IF_ERROR(WriteAssignmentCsv(out_path, round, result));
//
// RunRound always verifies its own result (feasibility, and stability for DA
// or the optimality certificate for the optimal mode) and returns Internal if
// that fails: a bug, never bad input. Write* functions are atomic.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "matching/deferred_acceptance.h"
#include "matching/explain.h"
#include "matching/optimal.h"
#include "matchio/loader.h"

namespace matchio {

enum class Algorithm { kDeferredAcceptance, kOptimal };

// "da" or "optimal".
const char* AlgorithmName(Algorithm algorithm);

struct RoundOptions {
  Algorithm algorithm = Algorithm::kDeferredAcceptance;
  uint64_t seed = 1;  // the lottery seed (DA only; recorded for both)
  bool explain = false;
  matching::FlowSolver flow_solver = matching::FlowSolver::kShortestPaths;
};

struct RoundResult {
  Algorithm algorithm = Algorithm::kDeferredAcceptance;
  uint64_t seed = 1;
  matching::Assignment assignment;
  matching::DaResult da;             // DA only
  matching::OptimalResult optimal;   // optimal only (its assignment is moved out)
  std::vector<matching::Explanation> explanations;  // when options.explain
  int64_t blocking_pairs = 0;        // DA: 0 after successful verification
  int32_t assigned = 0;
  int64_t sum_of_ranks = 0;
  // rank_histogram[r - 1] = students placed on rank r.
  std::vector<int64_t> rank_histogram;
  double algorithm_seconds = 0;      // the algorithm alone (no load, no verify)
  double verify_seconds = 0;
};

common::StatusOr<RoundResult> RunRound(const NamedInstance& round, const RoundOptions& options);

// student_id,position_id,rank; every student once, in students.csv order.
common::Status WriteAssignmentCsv(const std::string& path, const NamedInstance& round,
                                  const RoundResult& result);

// One row per position a student ranked above their placement, with the
// reason (see matching/explain.h). Requires options.explain.
common::Status WriteExplanationCsv(const std::string& path, const NamedInstance& round,
                                   const RoundResult& result);

// One line of JSON (no newline) with students, assigned, rank_histogram,
// algorithm, seed, seconds and verification details.
std::string JsonSummary(const NamedInstance& round, const RoundResult& result, double seconds);

}  // namespace matchio
