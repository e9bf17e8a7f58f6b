// Stagematching at the scale of a school (issue 5, "Performance"):
//
//   BM_RunToProposal  a round of 1,500 students and 3,000 leerplaatsen from
//                     "run" to a proposal ready for the review page: load from
//                     SQLite, exclusions, DA and the optimal mode beside it
//                     (both verified, with explanations), store the proposal,
//                     explanations and matching-io files, then build the
//                     review (ranks, unplaced, per-student explanations).
//                     Target: under 2 s.
//   BM_Import         importing 10,000 students and 5,000 companies (with
//                     their recognitions) into an empty database through the
//                     service, each file validated whole and applied in one
//                     transaction. Target: under 5 s.
//
//   cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DSTAGEPUNT_BENCH=ON
//   ninja -C build-bench placement_bench && build-bench/bench/placement_bench
//
// The database is a SQLite file in a new directory under $TMPDIR (or /tmp),
// as in production (WAL). The data are synthetic: random coordinates around
// Utrecht, ten crebo codes, 1,000 companies with three leerplaatsen each
// (capacity 1), five ranked choices per student of their own crebo; 5% of the
// companies have not accepted the norm and are excluded.
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "auth/accounts.h"
#include "crypto/random.h"
#include "db/database.h"
#include "db/migrate.h"
#include "placement/service.h"

namespace {

constexpr int kRoundStudents = 1500;
constexpr int kRoundCompanies = 1000;  // three places each: 3,000 leerplaatsen
constexpr int kImportStudents = 10000;
constexpr int kImportCompanies = 5000;
constexpr int kCrebos = 10;
constexpr int kChoices = 5;

[[noreturn]] void Die(const std::string& what, const common::Status& s) {
  std::cerr << "placement_bench: " << what << ": " << s.ToString() << "\n";
  std::exit(1);
}
void Check(const std::string& what, const common::Status& s) {
  if (!s.ok()) Die(what, s);
}
template <typename T>
T Check(const std::string& what, common::StatusOr<T> s) {
  if (!s.ok()) Die(what, s.status());
  return std::move(*s);
}

std::string Crebo(int k) { return std::to_string(25000 + k * 37); }

// A fresh, migrated SQLite database in its own directory with one school and
// its coordinator.
struct Env {
  std::string dir;
  std::unique_ptr<db::Database> db;
  std::unique_ptr<audit::AuditLog> audit;
  std::unique_ptr<placement::Stagematching> sm;
  auth::User coordinator;

  Env() {
    const char* tmp = std::getenv("TMPDIR");
    dir = (std::filesystem::path(tmp ? tmp : "/tmp") / ("placement-bench-" + crypto::RandomId()))
              .string();
    std::filesystem::create_directories(dir);
    db = Check("open", db::Open("sqlite:" + dir + "/bench.db"));
    Check("migrate", db::Migrate(*db));
    const common::Clock& clock = common::SystemClock::Instance();
    audit = std::make_unique<audit::AuditLog>(crypto::RandomBytes(32), clock);
    sm = std::make_unique<placement::Stagematching>(*db, clock, *audit);
    auth::Accounts accounts(*db, clock);
    Check("school", db->Write([&](db::Connection& c) -> common::Status {
      SP_ASSIGN_OR_RETURN(auth::School school, accounts.CreateSchool(c, "99DM", "ROC Bench"));
      SP_ASSIGN_OR_RETURN(coordinator, accounts.CreateUser(c, {school.id, "coordinator@bench.test",
                                                               "Coordinator",
                                                               domain::Role::kCoordinator}));
      return common::Status::Ok();
    }));
  }
  ~Env() {
    sm.reset();
    db.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  void Import(domain::ImportKind kind, const std::string& csv) {
    placement::ImportReport r = Check("import", sm->Import(coordinator, kind, "bench.csv", csv));
    if (!r.applied) Die("import", common::Status::Internal(r.errors.front().ToString("bench.csv")));
  }
};

std::string CompaniesCsv(int n, std::mt19937_64& rng, std::vector<std::vector<int>>* crebos_of) {
  std::uniform_real_distribution<double> lat(51.95, 52.25), lon(4.90, 5.45);
  std::uniform_int_distribution<int> crebo(0, kCrebos - 1);
  std::string csv = "leerbedrijf_id,kvk,name,address,postcode,city,lat,lon,crebos\n";
  for (int i = 0; i < n; ++i) {
    std::set<int> mine;
    while (mine.size() < 3) mine.insert(crebo(rng));
    if (crebos_of) crebos_of->emplace_back(mine.begin(), mine.end());
    csv += fmt::format("{},{},Leerbedrijf {},Straat {},3500 AA,Utrecht,{:.5f},{:.5f},{};{};{}\n",
                       300000 + i, 80000000 + i, i, i, lat(rng), lon(rng), Crebo(*mine.begin()),
                       Crebo(*std::next(mine.begin())), Crebo(*mine.rbegin()));
  }
  return csv;
}

std::string StudentsCsv(int n, const std::string& cohort, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> lat(51.95, 52.25), lon(4.90, 5.45);
  std::uniform_int_distribution<int> crebo(0, kCrebos - 1);
  std::string csv = "student_number,name,crebo,level,pathway,cohort,location,lat,lon\n";
  for (int i = 0; i < n; ++i) {
    csv += fmt::format("{},Student {},{},{},{},{},Utrecht,{:.5f},{:.5f}\n", 1000000 + i, i,
                       Crebo(crebo(rng)), 2 + i % 3, i % 5 == 4 ? "BBL" : "BOL", cohort, lat(rng),
                       lon(rng));
  }
  return csv;
}

// The round of BM_RunToProposal, built once: imported register, norm
// accepted by 95% of the companies, a closed round with every leerwens in.
struct RoundFixture {
  Env env;
  std::string round_id;

  RoundFixture() {
    std::mt19937_64 rng(42);
    std::vector<std::vector<int>> crebos_of;
    env.Import(domain::ImportKind::kCompanies, CompaniesCsv(kRoundCompanies, rng, &crebos_of));
    std::string places = "leerbedrijf_id,crebo,capacity,period\n";
    for (int i = 0; i < kRoundCompanies; ++i) {
      for (int k : crebos_of[static_cast<size_t>(i)])
        places += fmt::format("{},{},1,2026 P1\n", 300000 + i, Crebo(k));
    }
    env.Import(domain::ImportKind::kPlaces, places);
    env.Import(domain::ImportKind::kStudents, StudentsCsv(kRoundStudents, "2025", rng));
    Check("norm", env.sm->PublishNorm(env.coordinator, "Norm", "Norm").status());
    Check("accept", env.db->Write([&](db::Connection& c) -> common::Status {
      return c
          .Execute("INSERT INTO norm_acceptances(school_id, company_id, version, accepted_at, "
                   "accepted_by) SELECT sc.school_id, sc.company_id, 1, 0, 'bench' FROM "
                   "school_companies sc JOIN companies co ON co.id = sc.company_id WHERE "
                   "CAST(co.leerbedrijf_id AS INTEGER) % 20 <> 0")
          .status();
    }));
    placement::RoundSpec spec;
    spec.name = "Bench";
    spec.cohort = "2025";
    spec.period = "2026 P1";
    for (int k = 0; k < kCrebos; ++k) spec.crebos.push_back(Crebo(k));
    domain::Date today = domain::DateFromMillis(common::SystemClock::Instance().NowMillis());
    spec.leerwens_deadline = domain::AddDays(today, 10);
    spec.start = domain::AddDays(today, 40);
    spec.end_planned = domain::AddDays(today, 140);
    spec.seed = 1;
    round_id = Check("round", env.sm->CreateRound(env.coordinator, spec)).id;
    Check("open", env.sm->OpenRound(env.coordinator, round_id).status());
    AddWishes(rng);
    Check("close", env.sm->CloseRound(env.coordinator, round_id));
  }

  // Five random places of the student's own crebo each (the leerwens pages
  // are not what is measured here).
  void AddWishes(std::mt19937_64& rng) {
    Check("wishes", env.db->Write([&](db::Connection& c) -> common::Status {
      SP_ASSIGN_OR_RETURN(db::Rows places, c.Query("SELECT id, crebo FROM leerplaatsen"));
      std::map<std::string, std::vector<std::string>> by_crebo;
      for (const db::Row& r : places.rows) by_crebo[r.Text(1)].push_back(r.Text(0));
      SP_ASSIGN_OR_RETURN(db::Rows students,
                          c.Query("SELECT s.id, s.crebo FROM round_students rs JOIN students s "
                                  "ON s.id = rs.student_id WHERE rs.round_id = $1",
                                  {round_id}));
      for (const db::Row& s : students.rows) {
        SP_RETURN_IF_ERROR(c.Execute("INSERT INTO leerwensen(round_id, student_id, transport, "
                                     "max_travel_minutes, updated_at) VALUES ($1, $2, $3, 90, 0)",
                                     {round_id, s.Text(0), "public_transport"})
                               .status());
        std::vector<std::string> pool = by_crebo[s.Text(1)];
        std::shuffle(pool.begin(), pool.end(), rng);
        for (int rank = 1; rank <= kChoices && rank <= static_cast<int>(pool.size()); ++rank) {
          SP_RETURN_IF_ERROR(c.Execute("INSERT INTO leerwens_choices(round_id, student_id, rank, "
                                       "leerplaats_id) VALUES ($1, $2, $3, $4)",
                                       {round_id, s.Text(0), rank,
                                        pool[static_cast<size_t>(rank - 1)]})
                                 .status());
        }
      }
      return common::Status::Ok();
    }));
  }
};

void BM_RunToProposal(benchmark::State& state) {
  static RoundFixture* fixture = new RoundFixture();  // built once, outside the timing
  placement::Stagematching& sm = *fixture->env.sm;
  placement::RunResult run;
  placement::Review review;
  for (auto _ : state) {
    run = Check("run", sm.Run(fixture->env.coordinator, fixture->round_id));
    review = Check("review", sm.GetReview(fixture->env.coordinator, fixture->round_id));
    benchmark::DoNotOptimize(review.rows.data());
  }
  state.counters["students"] = review.students;
  state.counters["leerplaatsen"] = kRoundCompanies * 3;
  state.counters["placed_da"] = run.proposal.assigned;
  state.counters["placed_optimal"] = run.comparison.assigned;
  state.counters["excluded"] = run.excluded_companies;
  state.counters["engines_s"] = run.proposal.seconds + run.comparison.seconds;
}
BENCHMARK(BM_RunToProposal)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(5.0);

void BM_Import(benchmark::State& state) {
  std::mt19937_64 rng(7);
  const std::string companies = CompaniesCsv(kImportCompanies, rng, nullptr);
  const std::string students = StudentsCsv(kImportStudents, "2025", rng);
  for (auto _ : state) {
    state.PauseTiming();
    auto env = std::make_unique<Env>();
    state.ResumeTiming();
    env->Import(domain::ImportKind::kCompanies, companies);
    env->Import(domain::ImportKind::kStudents, students);
    state.PauseTiming();
    env.reset();
    state.ResumeTiming();
  }
  state.counters["students"] = kImportStudents;
  state.counters["companies"] = kImportCompanies;
}
BENCHMARK(BM_Import)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
