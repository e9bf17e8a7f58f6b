// File: matching/deferred_acceptance.h
//
// Student-proposing deferred acceptance (Gale–Shapley, many-to-one) with
// native capacities and single tie-breaking (STB).
//
// Each position ranks the students who list it by the key
// (priority, lottery): a lower priority is served first and the lottery
// number breaks ties. There is one lottery number per student, used at every
// position, so the keys are strict and the result is the unique
// student-optimal stable matching for them: it does not depend on the order in
// which proposals are processed.
//
//   DaResult result = RunDeferredAcceptance(instance, /*seed=*/1);
//   int32_t placed = result.assignment.NumAssigned();
//
// Positions whose company is excluded, or with capacity 0, reject everyone.
// All functions here are pure and deterministic; the instance must satisfy
// ValidateInstance.
#pragma once

#include <cstdint>
#include <vector>

#include "matching/instance.h"

namespace matching {

// Deterministic pseudo-random generator (splitmix64). Its output is fixed by
// this code, not by the standard library, so a published seed reproduces the
// same lottery on any platform.
class SplitMix64 {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, bound) for 0 < bound <= 2^32 (Lemire's multiply-shift on
  // the high 32 bits; the bias, below bound / 2^32, is irrelevant here).
  uint64_t Below(uint64_t bound) { return ((Next() >> 32) * bound) >> 32; }

 private:
  uint64_t state_;
};

// One lottery number per student: a uniformly random permutation of
// 0..num_students-1 drawn from `seed`. Distinct numbers make every key strict.
// Lower numbers win ties.
std::vector<uint32_t> DrawLottery(int32_t num_students, uint64_t seed);

// The packed admission key of a student at a position; lower is better.
inline uint64_t AdmissionKey(int32_t priority, uint32_t lottery) {
  return (static_cast<uint64_t>(priority) << 32) | lottery;
}
inline int32_t KeyPriority(uint64_t key) { return static_cast<int32_t>(key >> 32); }
inline uint32_t KeyLottery(uint64_t key) { return static_cast<uint32_t>(key); }

// What a coordinator needs to explain a position's outcome.
struct PositionCutoff {
  int32_t admitted = 0;  // students placed here
  bool full = false;     // admitted == capacity (and capacity > 0)
  // When full: the key of the last admitted (worst) student. A student with a
  // better key who listed this position above their placement would have got
  // it, so the cutoff is the whole explanation.
  uint64_t cutoff_key = 0;
};

struct DaResult {
  Assignment assignment;
  std::vector<uint32_t> lottery;       // per student, as used
  std::vector<PositionCutoff> cutoff;  // per position
  int64_t proposals = 0;               // work done, for benchmarks
};

// Runs DA with the lottery drawn from `seed`.
DaResult RunDeferredAcceptance(const Instance& instance, uint64_t seed);

// Runs DA with a given lottery (must be a permutation of 0..n-1).
// `proposal_order`, if not empty, is the order in which students first enter
// the queue (a permutation of students); it exists so tests can show that the
// result does not depend on it.
DaResult RunDeferredAcceptanceWithLottery(const Instance& instance,
                                          std::vector<uint32_t> lottery,
                                          const std::vector<int32_t>& proposal_order = {});

}  // namespace matching
