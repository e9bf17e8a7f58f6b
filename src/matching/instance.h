// File: matching/instance.h
//
// The input of one matching round, in a dense form the algorithms can walk
// quickly: students, positions and companies are numbered 0..n-1 and each
// student's ranked list is one slice of flat arrays (compressed sparse rows).
// Names (the ids in the CSV files) live outside this library; see
// matchio/loader.h, which builds an Instance from files.
//
//   Instance inst;
//   inst.num_students = 2; inst.num_companies = 1;
//   inst.position_capacity = {1}; inst.position_company = {0};
//   inst.company_excluded = {0};
//   inst.pref_begin = {0, 1, 2};          // student s ranks edges [begin[s], begin[s+1])
//   inst.pref_position = {0, 0};
//   inst.pref_rank = {1, 1};
//   inst.pref_priority = {0, 0};
//   assert(ValidateInstance(inst).ok());
//
// An "edge" is one (student, position) line of a ranked list; its index into
// the pref_* arrays is how results refer to it.
#pragma once

#include <cstdint>
#include <vector>

#include "common/status.h"

namespace matching {

// Largest value accepted for a rank, priority or capacity. Priorities are
// packed with a 32-bit lottery number into one 64-bit key, hence the bound.
inline constexpr int64_t kMaxValue = 2147483647;

struct Instance {
  int32_t num_students = 0;
  int32_t num_companies = 0;

  // Per position (index = position number).
  std::vector<int32_t> position_capacity;  // >= 0
  std::vector<int32_t> position_company;   // in [0, num_companies)

  // Per company: 1 if the company takes no students this round.
  std::vector<uint8_t> company_excluded;

  // Ranked lists. Student s owns edges [pref_begin[s], pref_begin[s + 1]),
  // ordered from most to least wanted (strictly increasing pref_rank).
  std::vector<int32_t> pref_begin;     // size num_students + 1
  std::vector<int32_t> pref_position;  // per edge
  std::vector<int32_t> pref_rank;      // per edge, >= 0, as given in the input
  std::vector<int32_t> pref_priority;  // per edge: the position's priority for
                                       // this student, >= 0, lower is better

  int32_t num_positions() const { return static_cast<int32_t>(position_capacity.size()); }
  int32_t num_edges() const { return static_cast<int32_t>(pref_position.size()); }

  // True when the position can take anyone: capacity > 0 and company not excluded.
  bool PositionOpen(int32_t position) const {
    return position_capacity[position] > 0 &&
           company_excluded[position_company[position]] == 0;
  }
};

// Checks the structural invariants documented above (array sizes, index
// ranges, strictly increasing ranks per student, no position twice in one
// list, non-negative numbers). Returns InvalidArgument naming the first
// violation. The algorithms assume a valid instance.
common::Status ValidateInstance(const Instance& instance);

// The result of any algorithm: for each student the edge they are placed on,
// or kUnassigned.
struct Assignment {
  static constexpr int32_t kUnassigned = -1;
  std::vector<int32_t> edge_of_student;

  int32_t NumAssigned() const;
};

// Position of `student` in `assignment`, or -1 when unplaced.
inline int32_t AssignedPosition(const Instance& instance, const Assignment& assignment,
                                int32_t student) {
  int32_t edge = assignment.edge_of_student[student];
  return edge < 0 ? -1 : instance.pref_position[edge];
}

// Sum of pref_rank over placed students.
int64_t SumOfRanks(const Instance& instance, const Assignment& assignment);

}  // namespace matching
