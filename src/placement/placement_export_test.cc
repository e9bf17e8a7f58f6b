// Exports: BPVO records with the BRON fields, and the matching-io files that
// the `stagepunt match` engine accepts and reproduces.
#include <filesystem>
#include <fstream>
#include <sstream>

#include "matchio/loader.h"
#include "matchio/round.h"
#include "placement/placement_test_util.h"

namespace placement::testing {
namespace {

class ExportTest : public PlacementTest {
 protected:
  void TearDown() override {
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }

  Round RunRound(const std::string& algorithm) {
    ImportAll();
    PublishNormAcceptedBy({"200001", "200002", "200003"});
    Round round = OpenedRound(Spec());
    Wish(round.id, "S001", {"200001", "200002"});
    Wish(round.id, "S002", {"200001", "200002"});
    Wish(round.id, "S003", {"200001", "200002"});
    Wish(round.id, "S004", {"200002", "200001"}, domain::Transport::kCar);
    Wish(round.id, "S005", {"200001"});
    Wish(round.id, "S101", {"200003"});
    EXPECT_TRUE(sm_->CloseRound(coordinator_, round.id).ok());
    auto run = sm_->Run(coordinator_, round.id, {algorithm});
    EXPECT_TRUE(run.ok()) << run.status().ToString();
    return round;
  }

  static std::string ReadFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  // Reruns the exported round with the engine's own loader and writer, as
  // `stagepunt match --in DIR --out OUT --algorithm A --seed S` does.
  void ExpectReproduces(const Round& round, matchio::Algorithm algorithm) {
    dir_ = (std::filesystem::temp_directory_path() / ("placement-export-" + crypto::RandomId()))
               .string();
    PL_ASSERT_OK(sm_->WriteMatchingIo(coordinator_, round.id, dir_));
    auto named = matchio::LoadInstance(dir_);
    PL_ASSERT_OK(named);
    matchio::RoundOptions options;
    options.algorithm = algorithm;
    options.seed = round.seed;
    auto result = matchio::RunRound(*named, options);
    PL_ASSERT_OK(result);
    std::string out = dir_ + "/rerun.csv";
    PL_ASSERT_OK(matchio::WriteAssignmentCsv(out, *named, *result));
    EXPECT_EQ(ReadFile(out), ReadFile(dir_ + "/assignment.csv"));
  }

  std::string dir_;
};
PL_INSTANTIATE(ExportTest);

TEST_P(ExportTest, MatchingIoFilesReproduceTheRun) {
  Round round = RunRound("da");
  auto files = sm_->ExportMatchingIo(coordinator_, round.id);
  PL_ASSERT_OK(files);
  for (const char* name : {"students.csv", "positions.csv", "preferences.csv", "priorities.csv",
                           "exclusions.csv", "assignment.csv", "placements.csv", "round.json"}) {
    EXPECT_EQ(files->count(name), 1u) << name;
  }
  EXPECT_EQ(files->at("exclusions.csv"), "company_id\n200004\n");
  EXPECT_NE(files->at("round.json").find("\"seed\": 7"), std::string::npos);
  // No names or student numbers: students are random ids.
  for (const auto& [name, content] : *files) {
    EXPECT_EQ(content.find("Test"), std::string::npos) << name;
    EXPECT_EQ(content.find("S001"), std::string::npos) << name;
  }
  EXPECT_NE(files->at("students.csv").find(StudentId("S001")), std::string::npos);
  EXPECT_EQ(AuditCount("round.export"), 1);
  ExpectReproduces(round, matchio::Algorithm::kDeferredAcceptance);
}

TEST_P(ExportTest, OptimalRunReproducesToo) {
  Round round = RunRound("optimal");
  ExpectReproduces(round, matchio::Algorithm::kOptimal);
}

TEST_P(ExportTest, NothingToExportBeforeARun) {
  ImportAll();
  Round round = OpenedRound(Spec());
  EXPECT_EQ(sm_->ExportMatchingIo(coordinator_, round.id).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(sm_->ExportBpvo(coordinator_, round.id).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(sm_->ExportBpvo(teacher_, round.id).status().code(), StatusCode::kPermissionDenied);
}

TEST_P(ExportTest, BpvoHasTheBronFieldsOfActivePlacements) {
  Round round = RunRound("da");
  EXPECT_EQ(sm_->ExportBpvo(coordinator_, round.id).status().code(),
            StatusCode::kFailedPrecondition);  // not published yet
  PL_ASSERT_OK(sm_->Publish(coordinator_, round.id));
  auto csv = sm_->ExportBpvo(coordinator_, round.id);
  PL_ASSERT_OK(csv);
  std::vector<std::string> lines;
  std::stringstream ss(*csv);
  for (std::string line; std::getline(ss, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 5u) << *csv;  // header + four placed students
  EXPECT_EQ(lines[0],
            "Studentnummer,BRIN,Volgnummer,LeerbedrijfID,Opleidingcode,DatumBegin,"
            "DatumEindGepland,Omvang");
  EXPECT_EQ(lines[4], "S101,99DM,1,200003,25998,2026-05-01,2026-07-01,400");
  for (size_t i = 1; i < lines.size(); ++i) {
    EXPECT_NE(lines[i].find(",99DM,1,"), std::string::npos) << lines[i];
    EXPECT_NE(lines[i].find(",2026-05-01,2026-07-01,400"), std::string::npos) << lines[i];
  }
  // No names in a BPVO export.
  EXPECT_EQ(csv->find("Test"), std::string::npos);

  // A refused placement never started: it leaves the export.
  std::string placement = Text("SELECT p.id FROM placements p JOIN students s ON s.id = "
                               "p.student_id WHERE s.student_number = 'S101'");
  PL_ASSERT_OK(sm_->RecordEnd(coordinator_, placement, EndKind::kRefusal, "Geweigerd"));
  csv = sm_->ExportBpvo(coordinator_, round.id);
  PL_ASSERT_OK(csv);
  EXPECT_EQ(csv->find("S101"), std::string::npos);
  EXPECT_EQ(AuditCount("round.export_bpvo"), 2);
}

}  // namespace
}  // namespace placement::testing
