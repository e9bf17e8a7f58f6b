#include "matching/deferred_acceptance.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "matching/explain.h"
#include "matching/test_instances.h"
#include "matching/verify.h"

namespace matching {
namespace {

using testing::MakeInstance;

std::vector<int32_t> Positions(const Instance& in, const Assignment& a) {
  std::vector<int32_t> out;
  for (int32_t s = 0; s < in.num_students; ++s) out.push_back(AssignedPosition(in, a, s));
  return out;
}

TEST(DrawLotteryTest, IsADeterministicPermutation) {
  std::vector<uint32_t> a = DrawLottery(1000, 7), b = DrawLottery(1000, 7);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, DrawLottery(1000, 8));
  std::sort(a.begin(), a.end());
  for (uint32_t i = 0; i < 1000; ++i) EXPECT_EQ(a[i], i);
}

TEST(DrawLotteryTest, IsPinnedAcrossPlatforms) {
  // A published seed must reproduce the same lottery forever.
  EXPECT_EQ(DrawLottery(6, 1), (std::vector<uint32_t>{2, 0, 1, 4, 5, 3}));
}

// Three students, three single-seat positions, with a rejection chain:
// s2 evicts s0 at p0, s0 evicts s1 at p1, s1 evicts s2 at p0, s2 ends at p2.
TEST(DeferredAcceptanceTest, GaleShapleyRejectionChain) {
  Instance in = MakeInstance({1, 1, 1}, {{{0, 2}, {1, 0}, {2}},
                                          {{1, 2}, {0, 0}, {2}},
                                          {{0, 1}, {1, 1}, {2}}});
  DaResult r = RunDeferredAcceptance(in, 1);
  EXPECT_EQ(Positions(in, r.assignment), (std::vector<int32_t>{1, 0, 2}));
  EXPECT_EQ(CheckStability(in, r.assignment, r.lottery).blocking_pairs, 0);

  std::vector<Explanation> why = ExplainDeferredAcceptance(in, r);
  // s0 missed p0 (cutoff: s1 with priority 0), s1 missed p1 (cutoff: s0),
  // s2 missed both.
  ASSERT_EQ(why.size(), 4u);
  EXPECT_EQ(why[0].student, 0);
  EXPECT_EQ(why[0].reason, RejectionReason::kFullWithBetterPriority);
  EXPECT_EQ(why[0].cutoff_key, AdmissionKey(0, r.lottery[1]));
  EXPECT_EQ(why[1].student, 1);
  EXPECT_EQ(why[1].cutoff_key, AdmissionKey(0, r.lottery[0]));
  EXPECT_EQ(why[2].student, 2);
  EXPECT_EQ(why[3].student, 2);
  EXPECT_EQ(why[3].cutoff_key, AdmissionKey(0, r.lottery[0]));
}

// Two students who each come first at the other's favourite: the
// student-optimal and company-optimal stable matchings differ, and DA (student
// proposing) must return the student-optimal one.
TEST(DeferredAcceptanceTest, StudentOptimalDiffersFromCompanyOptimal) {
  Instance in = MakeInstance({1, 1}, {{{0, 1}, {1, 0}}, {{1, 1}, {0, 0}}});
  DaResult r = RunDeferredAcceptance(in, 3);
  EXPECT_EQ(Positions(in, r.assignment), (std::vector<int32_t>{0, 1}));
  Assignment company_optimal{{1, 3}};  // s0 -> p1, s1 -> p0
  EXPECT_EQ(CheckStability(in, company_optimal, r.lottery).blocking_pairs, 0);
  EXPECT_EQ(CheckStability(in, r.assignment, r.lottery).blocking_pairs, 0);
}

// Hospital–resident with capacities: two positions with two seats each, five
// students with the same list and strict priorities 0..4.
TEST(DeferredAcceptanceTest, HospitalResidentWithCapacities) {
  std::vector<std::vector<testing::Pick>> lists;
  for (int32_t s = 0; s < 5; ++s) lists.push_back({{0, s}, {1, s}});
  Instance in = MakeInstance({2, 2}, lists);
  DaResult r = RunDeferredAcceptance(in, 42);
  EXPECT_EQ(Positions(in, r.assignment), (std::vector<int32_t>{0, 0, 1, 1, -1}));
  EXPECT_TRUE(r.cutoff[0].full);
  EXPECT_EQ(KeyPriority(r.cutoff[0].cutoff_key), 1);
  EXPECT_EQ(KeyPriority(r.cutoff[1].cutoff_key), 3);
  EXPECT_EQ(r.assignment.NumAssigned(), 4);
}

TEST(DeferredAcceptanceTest, LotteryBreaksTiesInOneDirectionEverywhere) {
  // Everyone ties: the two best lottery numbers get p0, the next gets p1.
  std::vector<std::vector<testing::Pick>> lists(4, {{0}, {1}});
  Instance in = MakeInstance({2, 1}, lists);
  std::vector<uint32_t> lottery = {3, 0, 2, 1};
  DaResult r = RunDeferredAcceptanceWithLottery(in, lottery);
  EXPECT_EQ(Positions(in, r.assignment), (std::vector<int32_t>{-1, 0, 1, 0}));
}

TEST(DeferredAcceptanceTest, ExcludedCompanyAndZeroCapacityAreSkippedAndExplained) {
  // p0 and p1 belong to company 0 (excluded); p2 has no seats; p3 is open.
  Instance in = MakeInstance({5, 5, 0, 1}, {{{0}, {2}, {1}, {3}}}, {0, 0, 1, 2}, {1, 0, 0});
  DaResult r = RunDeferredAcceptance(in, 1);
  EXPECT_EQ(Positions(in, r.assignment), (std::vector<int32_t>{3}));
  std::vector<Explanation> why = ExplainDeferredAcceptance(in, r);
  ASSERT_EQ(why.size(), 3u);
  EXPECT_EQ(why[0].reason, RejectionReason::kCompanyExcluded);
  EXPECT_EQ(why[1].reason, RejectionReason::kNoCapacity);
  EXPECT_EQ(why[2].reason, RejectionReason::kCompanyExcluded);
  EXPECT_TRUE(CheckFeasible(in, r.assignment).ok());
}

TEST(DeferredAcceptanceTest, EmptyInstance) {
  Instance in = MakeInstance({}, {});
  EXPECT_TRUE(ValidateInstance(in).ok());
  DaResult r = RunDeferredAcceptance(in, 1);
  EXPECT_TRUE(r.assignment.edge_of_student.empty());
}

TEST(VerifyTest, StabilityCheckFindsABlockingPair) {
  Instance in = MakeInstance({1, 1}, {{{0}, {1}}, {{0}, {1}}});
  Assignment both_worse{{1, Assignment::kUnassigned}};  // p0 left empty
  StabilityReport report = CheckStability(in, both_worse, {0, 1});
  EXPECT_EQ(report.blocking_pairs, 2);
  EXPECT_EQ(report.first_student, 0);
  EXPECT_EQ(report.first_edge, 0);
  Assignment over_capacity{{0, 2}};
  EXPECT_FALSE(CheckFeasible(in, over_capacity).ok());
}

TEST(ValidateInstanceTest, RejectsBrokenInstances) {
  Instance in = MakeInstance({1}, {{{0}}});
  in.pref_rank[0] = -1;
  EXPECT_FALSE(ValidateInstance(in).ok());
  Instance repeated = MakeInstance({1}, {{{0}, {0}}});
  EXPECT_FALSE(ValidateInstance(repeated).ok());
}

// DA is stable and every student does at least as well as in any stable
// matching (student-optimality), checked by brute force on tiny instances.
TEST(DeferredAcceptancePropertyTest, StudentOptimalStableVersusBruteForce) {
  SplitMix64 rng(2024);
  for (int iteration = 0; iteration < 10000; ++iteration) {
    Instance in = testing::RandomTinyInstance(rng, 6, 4);
    ASSERT_TRUE(ValidateInstance(in).ok());
    DaResult r = RunDeferredAcceptance(in, rng.Next());
    ASSERT_TRUE(CheckFeasible(in, r.assignment).ok());
    ASSERT_EQ(CheckStability(in, r.assignment, r.lottery).blocking_pairs, 0);
    int stable_count = 0;
    testing::ForEachFeasibleAssignment(in, [&](const Assignment& other) {
      if (CheckStability(in, other, r.lottery).blocking_pairs > 0) return;
      ++stable_count;
      for (int32_t s = 0; s < in.num_students; ++s) {
        int32_t mine = r.assignment.edge_of_student[s], theirs = other.edge_of_student[s];
        // Lower edge index = higher on the list; unassigned is worst.
        bool at_least_as_good = theirs < 0 || (mine >= 0 && mine <= theirs);
        ASSERT_TRUE(at_least_as_good) << "iteration " << iteration << " student " << s;
      }
    });
    ASSERT_GE(stable_count, 1);
  }
}

TEST(DeferredAcceptancePropertyTest, IndependentOfProposalOrder) {
  SplitMix64 rng(99);
  for (int iteration = 0; iteration < 200; ++iteration) {
    // Medium random instance: 200 students, 60 positions, lists of 1..8.
    std::vector<int32_t> capacity(60);
    for (auto& c : capacity) c = static_cast<int32_t>(rng.Below(5));
    std::vector<std::vector<testing::Pick>> lists(200);
    for (auto& list : lists) {
      std::vector<int32_t> order(60);
      std::iota(order.begin(), order.end(), 0);
      for (int32_t i = 59; i > 0; --i) std::swap(order[i], order[rng.Below(i + 1)]);
      auto length = static_cast<int32_t>(1 + rng.Below(8));
      for (int32_t k = 0; k < length; ++k) {
        list.push_back({order[k], static_cast<int32_t>(rng.Below(4))});
      }
    }
    Instance in = MakeInstance(capacity, lists);
    std::vector<uint32_t> lottery = DrawLottery(in.num_students, iteration);
    DaResult base = RunDeferredAcceptanceWithLottery(in, lottery);
    ASSERT_EQ(CheckStability(in, base.assignment, lottery).blocking_pairs, 0);
    std::vector<int32_t> order(in.num_students);
    std::iota(order.begin(), order.end(), 0);
    for (int shuffle = 0; shuffle < 5; ++shuffle) {
      for (int32_t i = in.num_students - 1; i > 0; --i) {
        std::swap(order[i], order[rng.Below(i + 1)]);
      }
      DaResult other = RunDeferredAcceptanceWithLottery(in, lottery, order);
      ASSERT_EQ(other.assignment.edge_of_student, base.assignment.edge_of_student);
    }
  }
}

}  // namespace
}  // namespace matching
