// File: matching/test_instances.h (tests only)
//
// Small instance builders and brute-force oracles for the unit tests.
#pragma once

#include <cstdint>
#include <algorithm>
#include <vector>

#include "matching/deferred_acceptance.h"
#include "matching/instance.h"
#include "matching/verify.h"

namespace matching::testing {

// One ranked list entry: position and priority; ranks are 1, 2, ... in order.
struct Pick {
  int32_t position;
  int32_t priority = 0;
};

// Builds an instance with one company per position unless `company` is given.
inline Instance MakeInstance(const std::vector<int32_t>& capacity,
                             const std::vector<std::vector<Pick>>& lists,
                             std::vector<int32_t> company = {},
                             std::vector<uint8_t> excluded = {}) {
  Instance in;
  in.num_students = static_cast<int32_t>(lists.size());
  in.position_capacity = capacity;
  if (company.empty()) {
    for (size_t p = 0; p < capacity.size(); ++p) company.push_back(static_cast<int32_t>(p));
  }
  int32_t num_companies = 0;
  for (int32_t c : company) num_companies = std::max(num_companies, c + 1);
  in.num_companies = num_companies;
  in.position_company = company;
  in.company_excluded = excluded.empty() ? std::vector<uint8_t>(num_companies, 0) : excluded;
  in.pref_begin.push_back(0);
  for (const auto& list : lists) {
    int32_t rank = 1;
    for (const Pick& pick : list) {
      in.pref_position.push_back(pick.position);
      in.pref_rank.push_back(rank++);
      in.pref_priority.push_back(pick.priority);
    }
    in.pref_begin.push_back(static_cast<int32_t>(in.pref_position.size()));
  }
  return in;
}

// Random tiny instance: up to `max_students` students, `max_positions`
// positions with capacity 0..2, lists of length 0..3, priorities 0..2,
// sometimes an excluded company.
inline Instance RandomTinyInstance(SplitMix64& rng, int32_t max_students, int32_t max_positions) {
  auto students = static_cast<int32_t>(1 + rng.Below(max_students));
  auto positions = static_cast<int32_t>(1 + rng.Below(max_positions));
  std::vector<int32_t> capacity(positions);
  for (auto& c : capacity) c = static_cast<int32_t>(rng.Below(3));
  std::vector<int32_t> company(positions);
  for (auto& c : company) c = static_cast<int32_t>(rng.Below(positions));
  std::vector<std::vector<Pick>> lists(students);
  for (auto& list : lists) {
    auto length = static_cast<int32_t>(rng.Below(std::min(positions, 3) + 1));
    std::vector<uint8_t> used(positions, 0);
    while (static_cast<int32_t>(list.size()) < length) {
      auto p = static_cast<int32_t>(rng.Below(positions));
      if (used[p]) continue;
      used[p] = 1;
      list.push_back({p, static_cast<int32_t>(rng.Below(3))});
    }
  }
  Instance in = MakeInstance(capacity, lists, company);
  if (rng.Below(4) == 0) in.company_excluded[rng.Below(in.num_companies)] = 1;
  // Ranks need not be consecutive: sometimes spread them out.
  if (rng.Below(3) == 0) {
    for (auto& r : in.pref_rank) r = r * 3 + static_cast<int32_t>(rng.Below(2));
  }
  return in;
}

// Calls `visit(assignment)` for every feasible assignment.
template <typename Visit>
void ForEachFeasibleAssignment(const Instance& in, Visit visit) {
  Assignment a;
  a.edge_of_student.assign(in.num_students, Assignment::kUnassigned);
  std::vector<int32_t> placed(in.num_positions(), 0);
  auto recurse = [&](auto& self, int32_t s) -> void {
    if (s == in.num_students) {
      visit(a);
      return;
    }
    a.edge_of_student[s] = Assignment::kUnassigned;
    self(self, s + 1);
    for (int32_t e = in.pref_begin[s]; e < in.pref_begin[s + 1]; ++e) {
      int32_t p = in.pref_position[e];
      if (!in.PositionOpen(p) || placed[p] >= in.position_capacity[p]) continue;
      ++placed[p];
      a.edge_of_student[s] = e;
      self(self, s + 1);
      --placed[p];
    }
    a.edge_of_student[s] = Assignment::kUnassigned;
  };
  recurse(recurse, 0);
}

}  // namespace matching::testing
