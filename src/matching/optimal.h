// File: matching/optimal.h
//
// Welfare mode: place the largest possible number of students and, among all
// such assignments, take one with the smallest sum of ranks (pref_rank as
// given). Priorities and the lottery play no role. This is a min-cost maximum
// flow; the result carries dual potentials that prove its optimality (see
// OptimalCertificate in verify.h).
//
//   OptimalResult best = RunOptimal(instance);
//   assert(CheckOptimalCertificate(instance, best.assignment, best.certificate).ok());
//
// Two solvers give the same objective (number placed, sum of ranks); the
// assignments themselves may differ where several are optimal.
#pragma once

#include <cstdint>

#include "matching/instance.h"
#include "matching/verify.h"

namespace matching {

enum class FlowSolver {
  // Primal-dual successive shortest paths specialised for this network: one
  // Dijkstra with a bucket queue per phase (costs are small integers), then
  // a blocking set of zero-reduced-cost augmenting paths. The default.
  kShortestPaths,
  // LEMON's NetworkSimplex on the generic network, with a source -> sink
  // bypass arc priced above any augmenting path. The reference solver.
  kLemonNetworkSimplex,
};

struct OptimalResult {
  Assignment assignment;
  int32_t assigned = 0;
  int64_t sum_of_ranks = 0;
  OptimalCertificate certificate;
  int64_t phases = 0;  // solver iterations, for benchmarks
};

OptimalResult RunOptimal(const Instance& instance,
                         FlowSolver solver = FlowSolver::kShortestPaths);

// The two solvers, also callable directly.
OptimalResult SolveWithShortestPaths(const Instance& instance);
OptimalResult SolveWithLemon(const Instance& instance);

}  // namespace matching
