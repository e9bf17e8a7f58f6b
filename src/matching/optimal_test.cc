#include "matching/optimal.h"

#include <gtest/gtest.h>

#include "matching/deferred_acceptance.h"
#include "matching/explain.h"
#include "matching/test_instances.h"

namespace matching {
namespace {

using testing::MakeInstance;

struct Objective {
  int32_t assigned = -1;
  int64_t sum_of_ranks = 0;
  bool operator==(const Objective&) const = default;
};

void PrintTo(const Objective& o, std::ostream* os) {
  *os << "{assigned " << o.assigned << ", ranks " << o.sum_of_ranks << "}";
}

Objective BruteForce(const Instance& in) {
  Objective best;
  testing::ForEachFeasibleAssignment(in, [&](const Assignment& a) {
    Objective here{a.NumAssigned(), SumOfRanks(in, a)};
    if (here.assigned > best.assigned ||
        (here.assigned == best.assigned && here.sum_of_ranks < best.sum_of_ranks)) {
      best = here;
    }
  });
  return best;
}

Objective Of(const OptimalResult& r) { return {r.assigned, r.sum_of_ranks}; }

TEST(OptimalTest, PlacesMoreStudentsThanDeferredAcceptance) {
  // s1 has priority at p0, so DA leaves s0 out; the optimum moves s1 to p1.
  Instance in = MakeInstance({1, 1}, {{{0, 1}}, {{0, 0}, {1, 0}}});
  EXPECT_EQ(RunDeferredAcceptance(in, 1).assignment.NumAssigned(), 1);
  for (FlowSolver solver : {FlowSolver::kShortestPaths, FlowSolver::kLemonNetworkSimplex}) {
    OptimalResult r = RunOptimal(in, solver);
    EXPECT_EQ(r.assignment.edge_of_student, (std::vector<int32_t>{0, 2}));
    EXPECT_EQ(Of(r), (Objective{2, 3}));
    EXPECT_TRUE(CheckOptimalCertificate(in, r.assignment, r.certificate).ok());
  }
}

TEST(OptimalTest, PrefersFewerRanksAmongMaximumAssignments) {
  // Both want p0 first; either way one gets rank 2. Sum must be 3, not 4.
  Instance in = MakeInstance({1, 1}, {{{0}, {1}}, {{0}, {1}}});
  EXPECT_EQ(Of(RunOptimal(in)), (Objective{2, 3}));
}

TEST(OptimalTest, CertificateRejectsASuboptimalAssignment) {
  Instance in = MakeInstance({1, 1}, {{{0}, {1}}, {{1}, {0}}});
  OptimalResult r = RunOptimal(in);
  EXPECT_EQ(Of(r), (Objective{2, 2}));
  Assignment swapped{{1, 3}};  // both on their second choice
  EXPECT_FALSE(CheckOptimalCertificate(in, swapped, r.certificate).ok());
  Assignment one_short{{0, Assignment::kUnassigned}};
  EXPECT_FALSE(CheckOptimalCertificate(in, one_short, r.certificate).ok());
}

TEST(OptimalTest, ExplainsWithPrices) {
  Instance in = MakeInstance({1, 1}, {{{0}, {1}}, {{0}, {1}}}, {}, {});
  OptimalResult r = RunOptimal(in);
  std::vector<Explanation> why = ExplainOptimal(in, r.assignment, r.certificate);
  ASSERT_EQ(why.size(), 1u);
  EXPECT_EQ(why[0].reason, RejectionReason::kFullAtHigherPrice);
  EXPECT_GE(why[0].price, 1);
}

TEST(OptimalPropertyTest, SolversAgreeWithBruteForceOnTinyInstances) {
  SplitMix64 rng(7);
  for (int iteration = 0; iteration < 10000; ++iteration) {
    Instance in = testing::RandomTinyInstance(rng, 6, 4);
    Objective expected = BruteForce(in);
    OptimalResult fast = SolveWithShortestPaths(in);
    OptimalResult lemon = SolveWithLemon(in);
    ASSERT_EQ(Of(fast), expected) << "iteration " << iteration;
    ASSERT_EQ(Of(lemon), expected) << "iteration " << iteration;
    ASSERT_TRUE(CheckOptimalCertificate(in, fast.assignment, fast.certificate).ok())
        << CheckOptimalCertificate(in, fast.assignment, fast.certificate).message();
    ASSERT_TRUE(CheckOptimalCertificate(in, lemon.assignment, lemon.certificate).ok())
        << CheckOptimalCertificate(in, lemon.assignment, lemon.certificate).message();
  }
}

TEST(OptimalPropertyTest, SolversAgreeOnMediumInstances) {
  SplitMix64 rng(11);
  for (int iteration = 0; iteration < 60; ++iteration) {
    const int32_t positions = 80;
    std::vector<int32_t> capacity(positions);
    for (auto& c : capacity) c = static_cast<int32_t>(rng.Below(4));
    std::vector<std::vector<testing::Pick>> lists(300);
    for (auto& list : lists) {
      auto length = static_cast<int32_t>(1 + rng.Below(10));
      std::vector<uint8_t> used(positions, 0);
      while (static_cast<int32_t>(list.size()) < length) {
        // Popular positions: square the uniform draw to skew towards low ids.
        uint64_t u = rng.Below(positions);
        auto p = static_cast<int32_t>(u * u / positions);
        if (used[p]) continue;
        used[p] = 1;
        list.push_back({p});
      }
    }
    Instance in = MakeInstance(capacity, lists);
    OptimalResult fast = SolveWithShortestPaths(in);
    OptimalResult lemon = SolveWithLemon(in);
    ASSERT_EQ(Of(fast), Of(lemon)) << "iteration " << iteration;
    ASSERT_TRUE(CheckOptimalCertificate(in, fast.assignment, fast.certificate).ok());
    ASSERT_TRUE(CheckOptimalCertificate(in, lemon.assignment, lemon.certificate).ok());
  }
}

TEST(OptimalPropertyTest, SolversAgreeOnLargerInstancesWithSpreadRanks) {
  // Many searches per phase, seats > 1, and ranks that neither start at 1 nor
  // are consecutive: exercises the lookahead, the unmarking of successful
  // paths and the start at the cheapest edge.
  SplitMix64 rng(23);
  for (int iteration = 0; iteration < 12; ++iteration) {
    const int32_t positions = 400;
    std::vector<int32_t> capacity(positions);
    for (auto& c : capacity) c = static_cast<int32_t>(rng.Below(6));
    std::vector<std::vector<testing::Pick>> lists(2000);
    for (auto& list : lists) {
      auto length = static_cast<int32_t>(rng.Below(13));
      std::vector<uint8_t> used(positions, 0);
      while (static_cast<int32_t>(list.size()) < length) {
        uint64_t u = rng.Below(positions);
        auto p = static_cast<int32_t>(u * u / positions);
        if (used[p]) continue;
        used[p] = 1;
        list.push_back({p});
      }
    }
    Instance in = MakeInstance(capacity, lists);
    const auto offset = static_cast<int32_t>(rng.Below(3));  // smallest rank 0, 1 or 2
    for (int32_t s = 0; s < in.num_students; ++s) {
      int32_t rank = offset;
      for (int32_t e = in.pref_begin[s]; e < in.pref_begin[s + 1]; ++e) {
        in.pref_rank[e] = rank;
        rank += 1 + static_cast<int32_t>(rng.Below(iteration % 2 == 0 ? 1 : 4));
      }
    }
    OptimalResult fast = SolveWithShortestPaths(in);
    OptimalResult lemon = SolveWithLemon(in);
    ASSERT_EQ(Of(fast), Of(lemon)) << "iteration " << iteration;
    ASSERT_TRUE(CheckOptimalCertificate(in, fast.assignment, fast.certificate).ok())
        << CheckOptimalCertificate(in, fast.assignment, fast.certificate).message();
  }
}

}  // namespace
}  // namespace matching
