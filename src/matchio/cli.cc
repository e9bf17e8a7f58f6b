#include "matchio/cli.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include "matchio/generator.h"
#include "matchio/loader.h"
#include "matchio/round.h"

namespace matchio {
namespace {

struct MatchFlags {
  std::string in_dir;
  std::string out_file;
  std::string algorithm = "da";
  uint64_t seed = 1;
  std::string explain_file;
  bool json = false;
  std::string solver = "auto";
};

// Maps a Status to the exit-code contract: 2 for bad input, 1 otherwise.
int Fail(const common::Status& status) {
  (void)std::fprintf(stderr, "%s\n", status.message().c_str());
  return status.code() == common::StatusCode::kInvalidArgument ? 2 : 1;
}

int RunMatch(const MatchFlags& flags) {
  auto start = std::chrono::steady_clock::now();
  common::StatusOr<NamedInstance> round = LoadInstance(flags.in_dir);
  if (!round.ok()) return Fail(round.status());
  common::Status valid = matching::ValidateInstance(round->instance);
  if (!valid.ok()) return Fail(common::Status::Internal(valid.message()));

  RoundOptions options;
  options.algorithm = flags.algorithm == "optimal" ? Algorithm::kOptimal
                                                   : Algorithm::kDeferredAcceptance;
  options.seed = flags.seed;
  options.explain = !flags.explain_file.empty();
  if (flags.solver == "lemon") options.flow_solver = matching::FlowSolver::kLemonNetworkSimplex;
  common::StatusOr<RoundResult> result = RunRound(*round, options);
  if (!result.ok()) {
    // A failed self-check is a bug, whatever code the check used.
    return Fail(common::Status::Internal(result.status().message()));
  }
  common::Status written = WriteAssignmentCsv(flags.out_file, *round, *result);
  if (written.ok() && options.explain) {
    written = WriteExplanationCsv(flags.explain_file, *round, *result);
  }
  if (!written.ok()) return Fail(written);
  if (flags.json) {
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%s\n", JsonSummary(*round, *result, seconds).c_str());
  }
  return 0;
}

void AddMatch(CLI::App& app, int& exit_code) {
  auto flags = std::make_shared<MatchFlags>();
  CLI::App* cmd = app.add_subcommand("match", "Place students at positions (files in, file out)");
  cmd->add_option("--in", flags->in_dir, "Directory with students.csv, positions.csv, ...")
      ->required();
  cmd->add_option("--out", flags->out_file, "Output CSV: student_id,position_id,rank")
      ->required();
  cmd->add_option("--algorithm", flags->algorithm, "da (default) or optimal")
      ->check(CLI::IsMember({"da", "optimal"}));
  cmd->add_option("--seed", flags->seed, "Lottery seed (default 1)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--explain", flags->explain_file, "Write per-student reasons to this CSV");
  cmd->add_flag("--json", flags->json, "Print a one-line JSON summary on stdout");
  cmd->add_option("--solver", flags->solver, "Optimal mode solver: auto or lemon")
      ->check(CLI::IsMember({"auto", "lemon"}));
  cmd->callback([flags, &exit_code] { exit_code = RunMatch(*flags); });
}

void AddGenInstance(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<GeneratorOptions>();
  auto dir = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("gen-instance", "Write a synthetic matching round");
  cmd->add_option("--out", *dir, "Directory to create or overwrite files in")->required();
  cmd->add_option("--students", options->students, "Number of students (default 1500)");
  cmd->add_option("--companies", options->companies, "Number of companies (default 300)");
  cmd->add_option("--choices", options->choices, "Mean list length (default 10)");
  cmd->add_option("--seed", options->seed, "Generator seed (default 1)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--places-per-student", options->places_per_student,
                  "Total capacity / students (default 1.1)");
  cmd->add_option("--regions", options->regions, "Regions (default: companies / 1000)");
  cmd->add_option("--excluded", options->excluded_companies,
                  "Companies to list in exclusions.csv (default 0)");
  auto no_priorities = std::make_shared<bool>(false);
  cmd->add_flag("--no-priorities", *no_priorities, "Do not write priorities.csv");
  cmd->callback([options, dir, no_priorities, &exit_code] {
    options->priorities = !*no_priorities;
    common::Status status = WriteGeneratedInstance(*dir, *options);
    exit_code = status.ok() ? 0 : Fail(status);
  });
}

}  // namespace

void RegisterCommands(CLI::App& app, int& exit_code) {
  AddMatch(app, exit_code);
  AddGenInstance(app, exit_code);
}

}  // namespace matchio
