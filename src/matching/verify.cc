#include "matching/verify.h"

#include <fmt/format.h>

#include "matching/deferred_acceptance.h"

namespace matching {
namespace {

std::vector<int32_t> CountPlaced(const Instance& in, const Assignment& a) {
  std::vector<int32_t> placed(in.num_positions(), 0);
  for (int32_t e : a.edge_of_student) {
    if (e >= 0) ++placed[in.pref_position[e]];
  }
  return placed;
}

}  // namespace

common::Status CheckFeasible(const Instance& in, const Assignment& a) {
  using common::Status;
  if (a.edge_of_student.size() != static_cast<size_t>(in.num_students)) {
    return Status::Internal("assignment size differs from the number of students");
  }
  for (int32_t s = 0; s < in.num_students; ++s) {
    int32_t e = a.edge_of_student[s];
    if (e == Assignment::kUnassigned) continue;
    if (e < in.pref_begin[s] || e >= in.pref_begin[s + 1]) {
      return Status::Internal(fmt::format("student {} placed on a position not on their list", s));
    }
    if (!in.PositionOpen(in.pref_position[e])) {
      return Status::Internal(fmt::format("student {} placed at a closed position", s));
    }
  }
  std::vector<int32_t> placed = CountPlaced(in, a);
  for (int32_t p = 0; p < in.num_positions(); ++p) {
    if (placed[p] > in.position_capacity[p]) {
      return Status::Internal(fmt::format("position {} holds {} students, capacity {}", p,
                                          placed[p], in.position_capacity[p]));
    }
  }
  return Status::Ok();
}

StabilityReport CheckStability(const Instance& in, const Assignment& a,
                               const std::vector<uint32_t>& lottery) {
  const int32_t num_positions = in.num_positions();
  std::vector<int32_t> placed(num_positions, 0);
  std::vector<uint64_t> worst_key(num_positions, 0);
  for (int32_t s = 0; s < in.num_students; ++s) {
    int32_t e = a.edge_of_student[s];
    if (e < 0) continue;
    int32_t p = in.pref_position[e];
    ++placed[p];
    worst_key[p] = std::max(worst_key[p], AdmissionKey(in.pref_priority[e], lottery[s]));
  }
  StabilityReport report;
  for (int32_t s = 0; s < in.num_students; ++s) {
    int32_t stop = a.edge_of_student[s] >= 0 ? a.edge_of_student[s] : in.pref_begin[s + 1];
    for (int32_t e = in.pref_begin[s]; e < stop; ++e) {
      int32_t p = in.pref_position[e];
      if (!in.PositionOpen(p)) continue;
      bool wants_me = placed[p] < in.position_capacity[p] ||
                      AdmissionKey(in.pref_priority[e], lottery[s]) < worst_key[p];
      if (!wants_me) continue;
      if (report.blocking_pairs++ == 0) {
        report.first_student = s;
        report.first_edge = e;
      }
    }
  }
  return report;
}

bool HasAugmentingPath(const Instance& in, const Assignment& a) {
  // Alternating BFS from all unplaced students: student -> any open listed
  // position; a position with a free seat ends a path, a full one leads on to
  // the students it holds.
  const int32_t num_positions = in.num_positions();
  std::vector<int32_t> placed = CountPlaced(in, a);
  std::vector<int32_t> holder_begin(num_positions + 1, 0);
  for (int32_t p = 0; p < num_positions; ++p) holder_begin[p + 1] = holder_begin[p] + placed[p];
  std::vector<int32_t> holders(static_cast<size_t>(holder_begin[num_positions]));
  std::vector<int32_t> fill(holder_begin.begin(), holder_begin.end() - 1);
  for (int32_t s = 0; s < in.num_students; ++s) {
    if (a.edge_of_student[s] >= 0) holders[fill[in.pref_position[a.edge_of_student[s]]]++] = s;
  }
  std::vector<uint8_t> seen_student(in.num_students, 0), seen_position(num_positions, 0);
  std::vector<int32_t> queue;
  for (int32_t s = 0; s < in.num_students; ++s) {
    if (a.edge_of_student[s] < 0) {
      seen_student[s] = 1;
      queue.push_back(s);
    }
  }
  for (size_t head = 0; head < queue.size(); ++head) {
    int32_t s = queue[head];
    for (int32_t e = in.pref_begin[s]; e < in.pref_begin[s + 1]; ++e) {
      int32_t p = in.pref_position[e];
      if (seen_position[p] || !in.PositionOpen(p) || e == a.edge_of_student[s]) continue;
      seen_position[p] = 1;
      if (placed[p] < in.position_capacity[p]) return true;
      for (int32_t i = holder_begin[p]; i < holder_begin[p + 1]; ++i) {
        if (!seen_student[holders[i]]) {
          seen_student[holders[i]] = 1;
          queue.push_back(holders[i]);
        }
      }
    }
  }
  return false;
}

common::Status CheckOptimalCertificate(const Instance& in, const Assignment& a,
                                       const OptimalCertificate& cert) {
  using common::Status;
  SP_RETURN_IF_ERROR(CheckFeasible(in, a));
  if (HasAugmentingPath(in, a)) {
    return Status::Internal("more students could be placed (augmenting path exists)");
  }
  if (cert.student_potential.size() != static_cast<size_t>(in.num_students) ||
      cert.position_potential.size() != static_cast<size_t>(in.num_positions())) {
    return Status::Internal("certificate sizes differ from the instance");
  }
  const auto& pi_s = cert.student_potential;
  const auto& pi_p = cert.position_potential;
  for (int32_t s = 0; s < in.num_students; ++s) {
    const int32_t placed_edge = a.edge_of_student[s];
    // source -> s is usable when s is free; s -> source when s is placed.
    bool source_ok = placed_edge < 0 ? cert.source_potential - pi_s[s] >= 0
                                     : pi_s[s] - cert.source_potential >= 0;
    if (!source_ok) return Status::Internal(fmt::format("source arc of student {} violated", s));
    for (int32_t e = in.pref_begin[s]; e < in.pref_begin[s + 1]; ++e) {
      int32_t p = in.pref_position[e];
      if (!in.PositionOpen(p)) continue;
      int64_t reduced = in.pref_rank[e] + pi_s[s] - pi_p[p];
      // Placed edge: only the backward arc is usable, its reduced cost is -reduced.
      if (e == placed_edge ? reduced > 0 : reduced < 0) {
        return Status::Internal(fmt::format("edge {} of student {} has wrong reduced cost", e, s));
      }
    }
  }
  std::vector<int32_t> placed = CountPlaced(in, a);
  for (int32_t p = 0; p < in.num_positions(); ++p) {
    if (!in.PositionOpen(p)) continue;
    if (placed[p] < in.position_capacity[p] && pi_p[p] - cert.sink_potential < 0) {
      return Status::Internal(fmt::format("position {} has a free seat but a price", p));
    }
    if (placed[p] > 0 && cert.sink_potential - pi_p[p] < 0) {
      return Status::Internal(fmt::format("position {} has a negative price", p));
    }
  }
  return Status::Ok();
}

}  // namespace matching
