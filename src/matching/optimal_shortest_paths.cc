// The specialised min-cost max-flow solver (primal-dual successive shortest
// paths). Why it fits: every augmenting path starts at an unplaced student,
// student and position arcs carry unit flow, and costs are small integers, so
//  - one Dijkstra from all unplaced students at once, with a bucket queue,
//    finds the cheapest augmentation cost d_T of the phase, and
//  - after the potential update, all augmenting paths of that cost use only
//    zero-reduced-cost arcs and are found by cheap depth-first searches.
// Stored potentials are shifted by -d_T each phase so that only the nodes the
// Dijkstra settled need updating.
#include <algorithm>
#include <cassert>
#include <limits>
#include <queue>
#include <utility>
#include <vector>

#include "matching/optimal.h"

namespace matching {
namespace {

constexpr int64_t kInfinity = std::numeric_limits<int64_t>::max() / 4;

// Monotone integer priority queue: buckets for small distances, a binary heap
// for the rare large ones (ranks far apart).
class BucketQueue {
 public:
  static constexpr int64_t kBuckets = 1 << 12;
  BucketQueue() : buckets_(kBuckets) {}

  void Push(int64_t dist, int32_t node) {
    if (dist < kBuckets) {
      buckets_[dist].push_back(node);
      highest_used_ = std::max(highest_used_, dist);
    } else {
      overflow_.emplace(dist, node);
    }
  }
  // Pops a node with the smallest distance; false when empty.
  bool Pop(int64_t* dist, int32_t* node) {
    for (; cursor_ <= highest_used_; ++cursor_) {
      if (!buckets_[cursor_].empty()) {
        *dist = cursor_;
        *node = buckets_[cursor_].back();
        buckets_[cursor_].pop_back();
        return true;
      }
    }
    if (overflow_.empty()) return false;
    *dist = overflow_.top().first;
    *node = overflow_.top().second;
    overflow_.pop();
    return true;
  }
  void Clear() {
    for (int64_t d = 0; d <= highest_used_; ++d) buckets_[d].clear();
    highest_used_ = -1;
    cursor_ = 0;
    overflow_ = {};
  }

 private:
  using Entry = std::pair<int64_t, int32_t>;
  std::vector<std::vector<int32_t>> buckets_;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> overflow_;
  int64_t highest_used_ = -1;
  int64_t cursor_ = 0;
};

class ShortestPathSolver {
 public:
  explicit ShortestPathSolver(const Instance& in)
      : in_(in),
        num_students_(in.num_students),
        num_positions_(in.num_positions()),
        sink_(num_students_ + num_positions_),
        potential_(static_cast<size_t>(sink_) + 1, 0),
        dist_(potential_.size(), 0),
        dist_phase_(potential_.size(), 0),
        visit_phase_(potential_.size(), 0),
        edge_of_student_(num_students_, Assignment::kUnassigned),
        slot_of_student_(num_students_, -1) {
    std::vector<int32_t> listed(num_positions_, 0);
    for (int32_t p : in.pref_position) ++listed[p];
    slot_begin_.resize(num_positions_ + 1);
    slot_begin_[0] = 0;
    for (int32_t p = 0; p < num_positions_; ++p) {
      int32_t seats = in.PositionOpen(p) ? std::min(in.position_capacity[p], listed[p]) : 0;
      slot_begin_[p + 1] = slot_begin_[p] + seats;
    }
    load_.assign(num_positions_, 0);
    slot_student_.resize(slot_begin_[num_positions_]);
    held_key_.resize(slot_begin_[num_positions_]);
  }

  OptimalResult Solve() {
    OptimalResult result;
    if (StartAtCheapestEdge()) {
      ++result.phases;
      AugmentAlongZeroCostPaths();
    }
    while (FindShortestDistances()) {
      ++result.phases;
      AugmentAlongZeroCostPaths();
    }
    result.assignment.edge_of_student = edge_of_student_;
    result.assigned = result.assignment.NumAssigned();
    result.sum_of_ranks = SumOfRanks(in_, result.assignment);
    OptimalCertificate& cert = result.certificate;
    cert.student_potential.assign(potential_.begin(), potential_.begin() + num_students_);
    cert.position_potential.assign(potential_.begin() + num_students_, potential_.begin() + sink_);
    cert.sink_potential = potential_[sink_];
    cert.source_potential = source_potential_;
    return result;
  }

 private:
  int32_t PositionNode(int32_t p) const { return num_students_ + p; }
  int64_t Pi(int32_t node) const { return potential_[node]; }
  bool HasFreeSeat(int32_t p) const { return load_[p] < slot_begin_[p + 1] - slot_begin_[p]; }

  void Relax(int32_t node, int64_t dist) {
    if (dist_phase_[node] == phase_ && dist_[node] <= dist) return;
    dist_phase_[node] = phase_;
    dist_[node] = dist;
    queue_.Push(dist, node);
  }

  // Dijkstra on reduced costs from every unplaced student, stopped when the
  // sink is reached. Updates potentials; false when no augmenting path exists.
  bool FindShortestDistances() {
    ++phase_;
    settled_.clear();
    queue_.Clear();
    for (int32_t s = 0; s < num_students_; ++s) {
      if (edge_of_student_[s] < 0) Relax(s, 0);
    }
    int64_t sink_dist = kInfinity;
    int64_t d = 0;
    int32_t u = 0;
    while (queue_.Pop(&d, &u)) {
      if (dist_[u] != d || visit_phase_[u] == phase_) continue;  // stale entry
      if (u == sink_) {
        sink_dist = d;
        break;
      }
      visit_phase_[u] = phase_;
      settled_.push_back(u);
      if (u < num_students_) {
        RelaxFromStudent(u, d);
      } else {
        RelaxFromPosition(u - num_students_, d);
      }
      // No label below d is left, so a sink label of d is final: stop
      // without settling the rest of this distance's bucket.
      if (dist_phase_[sink_] == phase_ && dist_[sink_] == d) {
        sink_dist = d;
        break;
      }
    }
    if (sink_dist == kInfinity) return false;
    // pi'(v) = pi(v) + min(d(v), d_T) - d_T keeps every reduced cost >= 0 and
    // touches only settled nodes.
    for (int32_t v : settled_) {
      const int64_t drop = sink_dist - dist_[v];
      potential_[v] -= drop;
      if (v < num_students_ && slot_of_student_[v] >= 0) held_key_[slot_of_student_[v]] -= drop;
    }
    source_potential_ -= sink_dist;
    return true;
  }

  // The first phase without a Dijkstra: with no one placed, the cheapest
  // augmenting path costs the smallest rank r of any usable edge, and the
  // potentials the Dijkstra would leave are -r for every student (and the
  // source), 0 elsewhere. False when no edge is usable.
  bool StartAtCheapestEdge() {
    int64_t cheapest = kInfinity;
    for (int32_t e = 0; e < in_.num_edges(); ++e) {
      const int32_t p = in_.pref_position[e];
      if (slot_begin_[p + 1] > slot_begin_[p])
        cheapest = std::min<int64_t>(cheapest, in_.pref_rank[e]);
    }
    if (cheapest == kInfinity) return false;
    std::fill(potential_.begin(), potential_.begin() + num_students_, -cheapest);
    source_potential_ = -cheapest;
    return true;
  }

  void RelaxFromStudent(int32_t s, int64_t d) {
    const int64_t base = d + Pi(s);
    for (int32_t e = in_.pref_begin[s]; e < in_.pref_begin[s + 1]; ++e) {
      int32_t p = in_.pref_position[e];
      if (e == edge_of_student_[s] || slot_begin_[p + 1] == slot_begin_[p]) continue;
      int32_t node = PositionNode(p);
      if (visit_phase_[node] == phase_) continue;
      Relax(node, base + in_.pref_rank[e] - Pi(node));
    }
  }

  void RelaxFromPosition(int32_t p, int64_t d) {
    const int64_t base = d + Pi(PositionNode(p));
    if (HasFreeSeat(p)) Relax(sink_, base - Pi(sink_));
    for (int32_t slot = slot_begin_[p]; slot < slot_begin_[p] + load_[p]; ++slot) {
      int32_t s = slot_student_[slot];
      if (visit_phase_[s] == phase_) continue;
      Relax(s, base - held_key_[slot]);
    }
  }

  // Depth-first search over zero-reduced-cost arcs from every unplaced
  // student; each node is entered at most once per search. Nodes a search
  // gave up on stay marked for the rest of the phase (retrying them is what
  // made sweeps slow; a path they miss is found by the next phase, at the
  // same cost); nodes of a successful path are unmarked again, since
  // the augmentation changed their arcs and later searches may pass through
  // them. Without that, a phase finds few paths and the next phase repeats the
  // same cost (93 phases instead of 30 on the national instance).
  void AugmentAlongZeroCostPaths() {
    ++phase_;
    for (int32_t s = 0; s < num_students_; ++s) {
      if (edge_of_student_[s] < 0 && visit_phase_[s] != phase_) SearchFrom(s);
    }
  }

  struct Frame {
    int32_t node;
    int32_t next;  // next edge (student) or slot (position) to try
  };

  // A tight edge of s to a free seat priced at the sink's level, or -1.
  int32_t FindFreeSeatEdge(int32_t s) const {
    const int32_t end = in_.pref_begin[s + 1];
    for (int32_t e = in_.pref_begin[s]; e < end; ++e) {
      const int32_t p = in_.pref_position[e];
      const int64_t pi_p = Pi(PositionNode(p));
      if (in_.pref_rank[e] + Pi(s) == pi_p && pi_p == Pi(sink_) && HasFreeSeat(p) &&
          e != edge_of_student_[s]) {
        return e;
      }
    }
    return -1;
  }

  // Enters student s. Looks ahead for a free seat first, so that paths stay
  // short and block fewer nodes for later searches; returns true when that
  // ended the search with an augmentation.
  bool EnterStudent(int32_t s) {
    visit_phase_[s] = phase_;
    path_.push_back({s, in_.pref_begin[s]});
    const int32_t e = FindFreeSeatEdge(s);
    if (e < 0) return false;
    AugmentPathEndingAt(in_.pref_position[e], e);
    for (const Frame& f : path_) visit_phase_[f.node] = 0;
    return true;
  }

  // Next edge from top.next on that leads to an unvisited full position
  // over a tight arc, or the end of s's list. Positions with a free seat are
  // skipped: the lookahead in EnterStudent already took any usable one.
  int32_t NextTightEdge(int32_t s, int32_t e) const {
    const int32_t end = in_.pref_begin[s + 1];
    for (; e < end; ++e) {
      const int32_t p = in_.pref_position[e];
      const int32_t node = PositionNode(p);
      // Tightness first: most edges fail it, and it needs one random read
      // where the other tests need three.
      if (in_.pref_rank[e] + Pi(s) == Pi(node) && e != edge_of_student_[s] &&
          visit_phase_[node] != phase_ && load_[p] > 0 && !HasFreeSeat(p)) {
        break;
      }
    }
    return e;
  }

  void SearchFrom(int32_t root) {
    path_.clear();
    if (EnterStudent(root)) return;
    while (!path_.empty()) {
      Frame& top = path_.back();
      if (top.node < num_students_) {
        const int32_t e = NextTightEdge(top.node, top.next);
        top.next = e + 1;
        if (e == in_.pref_begin[top.node + 1]) {
          path_.pop_back();
          continue;
        }
        const int32_t p = in_.pref_position[e];
        visit_phase_[PositionNode(p)] = phase_;
        path_.push_back({PositionNode(p), slot_begin_[p]});
      } else {
        const int32_t p = top.node - num_students_;
        const int32_t end = slot_begin_[p] + load_[p];
        int32_t slot = top.next;
        const int64_t pi_p = Pi(top.node);
        for (; slot < end; ++slot) {  // tight first: a sequential read
          if (held_key_[slot] == pi_p && visit_phase_[slot_student_[slot]] != phase_) break;
        }
        top.next = slot + 1;
        if (slot == end) {
          path_.pop_back();
          continue;
        }
        if (EnterStudent(slot_student_[slot])) return;
      }
    }
  }

  // path_ = s0, p1, s1, ..., s_k (students at even indices; s_i was held by
  // p_i); s_k moves to `last` via `last_edge`, and each s_{i-1} takes the
  // seat s_i leaves. Frame::next - 1 is the edge / slot each step used.
  void AugmentPathEndingAt(int32_t last, int32_t last_edge) {
    int32_t slot = slot_begin_[last] + load_[last]++;
    int32_t moving_edge = last_edge;
    for (size_t i = path_.size() - 1;; i -= 2) {
      int32_t s = path_[i].node;
      int32_t freed_slot = slot_of_student_[s];
      edge_of_student_[s] = moving_edge;
      slot_of_student_[s] = slot;
      slot_student_[slot] = s;
      held_key_[slot] = in_.pref_rank[moving_edge] + potential_[s];
      if (i == 0) break;
      slot = freed_slot;
      moving_edge = path_[i - 2].next - 1;
    }
  }

  const Instance& in_;
  const int32_t num_students_;
  const int32_t num_positions_;
  const int32_t sink_;
  std::vector<int64_t> potential_;
  int64_t source_potential_ = 0;
  std::vector<int64_t> dist_;
  std::vector<int32_t> dist_phase_;
  std::vector<int32_t> visit_phase_;
  int32_t phase_ = 0;
  std::vector<int32_t> settled_;
  BucketQueue queue_;
  std::vector<Frame> path_;

  std::vector<int32_t> edge_of_student_;
  std::vector<int32_t> slot_of_student_;
  std::vector<int32_t> slot_begin_;    // per position + 1: seats that can be used
  std::vector<int32_t> load_;          // per position: students held
  std::vector<int32_t> slot_student_;  // students held, by seat
  // By seat: pref_rank of the held student's edge + its potential. The arc
  // position -> held student is tight when this equals the position's
  // potential; caching it makes scanning a full position's seats one
  // sequential read instead of four dependent random ones per student.
  std::vector<int64_t> held_key_;
};

}  // namespace

OptimalResult SolveWithShortestPaths(const Instance& instance) {
  return ShortestPathSolver(instance).Solve();
}

}  // namespace matching
