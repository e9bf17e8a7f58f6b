// Matching engine benchmarks on generated instances (see docs/perf/matching.md).
//
//   build-match/bench/matching_bench --benchmark_filter=National
//
// Instances are generated in memory once per size (not timed), so the
// figures are the algorithms alone; bench/match-e2e.sh times the whole CLI.
#include <benchmark/benchmark.h>

#include <map>
#include <tuple>

#include "matching/deferred_acceptance.h"
#include "matching/optimal.h"
#include "matching/verify.h"
#include "matchio/generator.h"

namespace {

const matching::Instance& CachedInstance(int32_t students, int32_t companies, int32_t choices) {
  static std::map<std::tuple<int32_t, int32_t, int32_t>, matching::Instance> cache;
  auto key = std::make_tuple(students, companies, choices);
  auto it = cache.find(key);
  if (it == cache.end()) {
    matchio::GeneratorOptions options;
    options.students = students;
    options.companies = companies;
    options.choices = choices;
    it = cache.emplace(key, matchio::GenerateInstance(options)).first;
  }
  return it->second;
}

// Args: students, companies, choices.
void BM_DeferredAcceptance(benchmark::State& state) {
  const matching::Instance& in = CachedInstance(static_cast<int32_t>(state.range(0)),
                                                static_cast<int32_t>(state.range(1)),
                                                static_cast<int32_t>(state.range(2)));
  int64_t proposals = 0;
  for (auto _ : state) {
    matching::DaResult result = matching::RunDeferredAcceptance(in, 1);
    proposals = result.proposals;
    benchmark::DoNotOptimize(result.assignment.edge_of_student.data());
  }
  state.counters["proposals"] = static_cast<double>(proposals);
  state.counters["edges"] = in.num_edges();
}

void BM_StabilityCheck(benchmark::State& state) {
  const matching::Instance& in = CachedInstance(static_cast<int32_t>(state.range(0)),
                                                static_cast<int32_t>(state.range(1)),
                                                static_cast<int32_t>(state.range(2)));
  matching::DaResult result = matching::RunDeferredAcceptance(in, 1);
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        matching::CheckStability(in, result.assignment, result.lottery).blocking_pairs);
  }
}

void BM_OptimalShortestPaths(benchmark::State& state) {
  const matching::Instance& in = CachedInstance(static_cast<int32_t>(state.range(0)),
                                                static_cast<int32_t>(state.range(1)),
                                                static_cast<int32_t>(state.range(2)));
  for (auto _ : state) {
    matching::OptimalResult result = matching::SolveWithShortestPaths(in);
    state.counters["assigned"] = result.assigned;
    state.counters["sum_of_ranks"] = static_cast<double>(result.sum_of_ranks);
    state.counters["phases"] = static_cast<double>(result.phases);
  }
}

void BM_OptimalLemon(benchmark::State& state) {
  const matching::Instance& in = CachedInstance(static_cast<int32_t>(state.range(0)),
                                                static_cast<int32_t>(state.range(1)),
                                                static_cast<int32_t>(state.range(2)));
  for (auto _ : state) {
    matching::OptimalResult result = matching::SolveWithLemon(in);
    state.counters["assigned"] = result.assigned;
    state.counters["sum_of_ranks"] = static_cast<double>(result.sum_of_ranks);
  }
}

// 1,500 students (one school), the national round, and 1M x 20.
BENCHMARK(BM_DeferredAcceptance)
    ->Name("DA/School")->Args({1500, 300, 10})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DeferredAcceptance)
    ->Name("DA/National")->Args({200000, 40000, 10})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DeferredAcceptance)
    ->Name("DA/Million")->Args({1000000, 200000, 20})->Unit(benchmark::kMillisecond)
    ->Iterations(3);
BENCHMARK(BM_StabilityCheck)
    ->Name("Stability/National")->Args({200000, 40000, 10})->Unit(benchmark::kMillisecond);
BENCHMARK(BM_OptimalShortestPaths)
    ->Name("Optimal/ShortestPaths/National")->Args({200000, 40000, 10})
    ->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK(BM_OptimalLemon)
    ->Name("Optimal/Lemon/National")->Args({200000, 40000, 10})
    ->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
