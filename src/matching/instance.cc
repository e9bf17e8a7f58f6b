#include "matching/instance.h"

#include <fmt/format.h>

namespace matching {

common::Status ValidateInstance(const Instance& in) {
  using common::Status;
  const size_t num_positions = in.position_capacity.size();
  if (in.num_students < 0 || in.num_companies < 0) {
    return Status::InvalidArgument("negative count");
  }
  if (in.position_company.size() != num_positions) {
    return Status::InvalidArgument("position_company size differs from position_capacity");
  }
  if (in.company_excluded.size() != static_cast<size_t>(in.num_companies)) {
    return Status::InvalidArgument("company_excluded size differs from num_companies");
  }
  for (size_t p = 0; p < num_positions; ++p) {
    if (in.position_capacity[p] < 0) {
      return Status::InvalidArgument(fmt::format("position {} has negative capacity", p));
    }
    if (in.position_company[p] < 0 || in.position_company[p] >= in.num_companies) {
      return Status::InvalidArgument(fmt::format("position {} has no valid company", p));
    }
  }
  if (in.pref_begin.size() != static_cast<size_t>(in.num_students) + 1 ||
      in.pref_begin.front() != 0) {
    return Status::InvalidArgument("pref_begin must have num_students + 1 entries from 0");
  }
  const size_t num_edges = in.pref_position.size();
  if (static_cast<size_t>(in.pref_begin.back()) != num_edges ||
      in.pref_rank.size() != num_edges || in.pref_priority.size() != num_edges) {
    return Status::InvalidArgument("preference arrays disagree in size");
  }
  // Marks which positions the current student listed, to catch repeats in O(E).
  std::vector<int32_t> listed_by(num_positions, -1);
  for (int32_t s = 0; s < in.num_students; ++s) {
    if (in.pref_begin[s] > in.pref_begin[s + 1]) {
      return Status::InvalidArgument(fmt::format("pref_begin decreases at student {}", s));
    }
    for (int32_t e = in.pref_begin[s]; e < in.pref_begin[s + 1]; ++e) {
      int32_t p = in.pref_position[e];
      if (p < 0 || static_cast<size_t>(p) >= num_positions) {
        return Status::InvalidArgument(fmt::format("edge {} names no valid position", e));
      }
      if (listed_by[p] == s) {
        return Status::InvalidArgument(fmt::format("student {} lists position {} twice", s, p));
      }
      listed_by[p] = s;
      if (in.pref_rank[e] < 0 || in.pref_priority[e] < 0) {
        return Status::InvalidArgument(fmt::format("edge {} has a negative number", e));
      }
      if (e > in.pref_begin[s] && in.pref_rank[e] <= in.pref_rank[e - 1]) {
        return Status::InvalidArgument(
            fmt::format("ranks of student {} are not strictly increasing", s));
      }
    }
  }
  return Status::Ok();
}

int32_t Assignment::NumAssigned() const {
  int32_t n = 0;
  for (int32_t e : edge_of_student) n += e >= 0 ? 1 : 0;
  return n;
}

int64_t SumOfRanks(const Instance& instance, const Assignment& assignment) {
  int64_t sum = 0;
  for (int32_t e : assignment.edge_of_student) {
    if (e >= 0) sum += instance.pref_rank[e];
  }
  return sum;
}

}  // namespace matching
