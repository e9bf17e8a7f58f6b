// File: matching/verify.h
//
// Independent O(E) checks of a result, cheap enough to run after every
// matching round so that the app (and an auditor rerunning a round from the
// files) can show the outcome is what the algorithm promises.
//
//   common::Status feasible = CheckFeasible(instance, result.assignment);
//   StabilityReport stability = CheckStability(instance, result.assignment, result.lottery);
//   if (!feasible.ok() || stability.blocking_pairs > 0) ... a bug, not bad input
#pragma once

#include <cstdint>
#include <vector>

#include "common/status.h"
#include "matching/instance.h"

namespace matching {

// Every placed student sits on an edge of their own list, at an open position
// (capacity > 0, company not excluded), and no position holds more students
// than its capacity. Returns Internal describing the first violation.
common::Status CheckFeasible(const Instance& instance, const Assignment& assignment);

struct StabilityReport {
  int64_t blocking_pairs = 0;
  // The first blocking pair found (student, edge), or -1 when stable.
  int32_t first_student = -1;
  int32_t first_edge = -1;
};

// Counts blocking pairs for the admission keys (priority, lottery): a student
// and an open position they rank above their placement that either has a free
// seat or holds someone with a worse key. `lottery` has one entry per student.
// The assignment must be feasible.
StabilityReport CheckStability(const Instance& instance, const Assignment& assignment,
                               const std::vector<uint32_t>& lottery);

// Returns true if some unplaced student can be placed by moving others along
// their lists (an augmenting path), i.e. the assignment does not place the
// largest possible number of students. O(E) breadth-first search.
bool HasAugmentingPath(const Instance& instance, const Assignment& assignment);

// Node potentials that prove an assignment of the optimal mode is optimal:
// maximum number placed and, among those, minimum sum of ranks.
//
// They are the dual of the min-cost flow  source -> student (cap 1, cost 0)
// -> position (cap 1, cost rank) -> sink (cap capacity, cost 0). For every
// arc u->v still usable in the residual network, cost + pi(u) - pi(v) >= 0;
// then no cheaper assignment with the same number placed exists. Together
// with "no augmenting path" that is the whole optimality certificate.
struct OptimalCertificate {
  std::vector<int64_t> student_potential;
  std::vector<int64_t> position_potential;
  int64_t source_potential = 0;
  int64_t sink_potential = 0;

  // A position's price: how much rank a student must give up to take a seat
  // there; 0 for a position with a free seat.
  int64_t PositionPrice(int32_t position) const {
    return sink_potential - position_potential[position];
  }
};

// Checks feasibility, maximality and every reduced cost. Returns Ok, or
// Internal naming the first violated condition.
common::Status CheckOptimalCertificate(const Instance& instance, const Assignment& assignment,
                                       const OptimalCertificate& certificate);

}  // namespace matching
