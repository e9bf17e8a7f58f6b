#include "matching/deferred_acceptance.h"

#include <algorithm>
#include <cassert>
#include <numeric>
#include <utility>

namespace matching {
namespace {

// Held students of every position, as bounded max-heaps of admission keys laid
// out back to back in one array: position p owns [begin[p], begin[p] + slots[p]).
// A position never needs more slots than the number of students listing it,
// which bounds the array by the number of edges even for huge capacities.
struct HeldHeaps {
  std::vector<int32_t> begin;
  std::vector<int32_t> slots;
  std::vector<int32_t> size;
  std::vector<uint64_t> keys;

  explicit HeldHeaps(const Instance& in) {
    const int32_t num_positions = in.num_positions();
    std::vector<int32_t> listed(num_positions, 0);
    for (int32_t p : in.pref_position) ++listed[p];
    begin.resize(num_positions);
    slots.resize(num_positions);
    size.assign(num_positions, 0);
    int64_t total = 0;
    for (int32_t p = 0; p < num_positions; ++p) {
      begin[p] = static_cast<int32_t>(total);
      slots[p] = in.PositionOpen(p) ? std::min(in.position_capacity[p], listed[p]) : 0;
      total += slots[p];
    }
    keys.resize(static_cast<size_t>(total));
  }

  void Push(int32_t p, uint64_t key) {
    uint64_t* heap = keys.data() + begin[p];
    int32_t i = size[p]++;
    while (i > 0) {
      int32_t parent = (i - 1) / 2;
      if (heap[parent] >= key) break;
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = key;
  }

  // Replaces the worst (largest) key by `key` and returns the evicted key.
  uint64_t ReplaceTop(int32_t p, uint64_t key) {
    uint64_t* heap = keys.data() + begin[p];
    const int32_t n = size[p];
    const uint64_t evicted = heap[0];
    int32_t i = 0;
    for (;;) {
      int32_t child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && heap[child + 1] > heap[child]) ++child;
      if (heap[child] <= key) break;
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = key;
    return evicted;
  }
};

}  // namespace

std::vector<uint32_t> DrawLottery(int32_t num_students, uint64_t seed) {
  std::vector<uint32_t> lottery(static_cast<size_t>(num_students));
  std::iota(lottery.begin(), lottery.end(), 0u);
  SplitMix64 rng(seed);
  // Fisher–Yates with our own generator: std::shuffle's algorithm is not
  // specified, so it could change the published lottery between compilers.
  for (int32_t i = num_students - 1; i > 0; --i) {
    auto j = static_cast<int32_t>(rng.Below(static_cast<uint64_t>(i) + 1));
    std::swap(lottery[i], lottery[j]);
  }
  return lottery;
}

DaResult RunDeferredAcceptance(const Instance& instance, uint64_t seed) {
  return RunDeferredAcceptanceWithLottery(instance, DrawLottery(instance.num_students, seed));
}

DaResult RunDeferredAcceptanceWithLottery(const Instance& in, std::vector<uint32_t> lottery,
                                          const std::vector<int32_t>& proposal_order) {
  const int32_t num_students = in.num_students;
  assert(lottery.size() == static_cast<size_t>(num_students));
  DaResult result;
  HeldHeaps held(in);

  // The lottery is a permutation, so a key's low half identifies its student
  // and the heaps need to store nothing but keys.
  std::vector<int32_t> student_of_lottery(static_cast<size_t>(num_students));
  for (int32_t s = 0; s < num_students; ++s) student_of_lottery[lottery[s]] = s;

  // next_edge[s]: the next list entry s will propose to. When s is held, it
  // is one past the edge that holds s.
  std::vector<int32_t> next_edge(in.pref_begin.begin(), in.pref_begin.end() - 1);
  int64_t proposals = 0;
  auto propose_until_held_or_exhausted = [&](int32_t s) {
    // An evicted student continues at once: no queue round trip needed, and
    // the outcome is order-independent anyway.
    for (;;) {
      const int32_t end = in.pref_begin[s + 1];
      int32_t e = next_edge[s];
      int32_t p = 0;
      uint64_t key = 0;
      for (;; ++e) {
        if (e == end) {
          next_edge[s] = e;
          return;
        }
        p = in.pref_position[e];
        if (held.slots[p] == 0) continue;
        ++proposals;
        key = AdmissionKey(in.pref_priority[e], lottery[s]);
        if (held.size[p] < held.slots[p] || key < held.keys[held.begin[p]]) break;
      }
      next_edge[s] = e + 1;
      if (held.size[p] < held.slots[p]) {
        held.Push(p, key);
        return;
      }
      s = student_of_lottery[KeyLottery(held.ReplaceTop(p, key))];
    }
  };
  if (proposal_order.empty()) {
    for (int32_t s = 0; s < num_students; ++s) propose_until_held_or_exhausted(s);
  } else {
    for (int32_t s : proposal_order) propose_until_held_or_exhausted(s);
  }

  result.assignment.edge_of_student.assign(num_students, Assignment::kUnassigned);
  const int32_t num_positions = in.num_positions();
  result.cutoff.resize(num_positions);
  for (int32_t p = 0; p < num_positions; ++p) {
    PositionCutoff& cut = result.cutoff[p];
    cut.admitted = held.size[p];
    cut.full = cut.admitted > 0 && cut.admitted == in.position_capacity[p];
    if (cut.full) cut.cutoff_key = held.keys[held.begin[p]];
    for (int32_t i = 0; i < held.size[p]; ++i) {
      int32_t s = student_of_lottery[KeyLottery(held.keys[held.begin[p] + i])];
      result.assignment.edge_of_student[s] = next_edge[s] - 1;
    }
  }
  result.lottery = std::move(lottery);
  result.proposals = proposals;
  return result;
}

}  // namespace matching
