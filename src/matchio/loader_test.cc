#include "matchio/loader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "matchio/generator.h"
#include "matchio/round.h"

namespace matchio {
namespace {

namespace fs = std::filesystem;

class LoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("matchio_loader_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    files_ = {{"students.csv", "student_id,name\nanna,A\nbram,B\n\"c,3\",C\n"},
              {"positions.csv", "capacity,position_id,company_id\n1,p1,acme\n2,p2,acme\n1,p3,bolt\n"},
              {"preferences.csv", "student_id,position_id,rank\nanna,p1,1\nanna,p3,5\nbram,p1,2\n"
                                  "bram,p2,1\n\"c,3\",p1,1\n"},
              {"priorities.csv", "position_id,student_id,priority\np1,anna,1\np1,bram,0\n"}};
  }
  void TearDown() override { fs::remove_all(dir_); }

  common::StatusOr<NamedInstance> Load() {
    for (const auto& [name, content] : files_) std::ofstream(dir_ / name) << content;
    return LoadInstance(dir_.string());
  }
  // Loads and returns the error message with the directory prefix removed.
  std::string Error() {
    auto loaded = Load();
    if (loaded.ok()) return "ok";
    std::string message = loaded.status().message();
    std::string prefix = dir_.string() + "/";
    return message.rfind(prefix, 0) == 0 ? message.substr(prefix.size()) : message;
  }

  fs::path dir_;
  std::map<std::string, std::string> files_;
};

TEST_F(LoaderTest, LoadsColumnsInAnyOrderWithQuotedIds) {
  auto loaded = Load();
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  const matching::Instance& in = loaded->instance;
  EXPECT_EQ(in.num_students, 3);
  EXPECT_EQ(in.num_positions(), 3);
  EXPECT_EQ(in.num_companies, 2);
  EXPECT_EQ(loaded->students.Name(2), "c,3");
  EXPECT_EQ(in.pref_begin, (std::vector<int32_t>{0, 2, 4, 5}));
  // bram's list is sorted by rank: p2 (rank 1) before p1 (rank 2).
  EXPECT_EQ(in.pref_position, (std::vector<int32_t>{0, 2, 1, 0, 0}));
  EXPECT_EQ(in.pref_priority, (std::vector<int32_t>{1, 0, 0, 0, 0}));
  EXPECT_TRUE(matching::ValidateInstance(in).ok());
}

TEST_F(LoaderTest, RejectsBadInputWithFileAndLine) {
  files_["exclusions.csv"] = "company_id\nnobody\n";
  EXPECT_EQ(Error(), "exclusions.csv:2: unknown company_id 'nobody'");
  files_["exclusions.csv"] = "company_id\nbolt\nbolt\n";
  EXPECT_EQ(Error(), "exclusions.csv:3: duplicate company_id 'bolt'");
  files_.erase("exclusions.csv");
  fs::remove(dir_ / "exclusions.csv");

  files_["students.csv"] = "student_id\nanna\nanna\n";
  EXPECT_EQ(Error(), "students.csv:3: duplicate student_id 'anna' (first on line 2)");
  files_["students.csv"] = "id\nanna\n";
  EXPECT_EQ(Error(), "students.csv:1: missing column 'student_id'");
  files_["students.csv"] = "student_id\nanna\nbram\n\"c,3\"\n";
  files_["positions.csv"] = "position_id,company_id,capacity\np1,acme,-1\n";
  EXPECT_EQ(Error(), "positions.csv:2: capacity '-1' is negative");
  files_["positions.csv"] = "position_id,company_id,capacity\np1,acme,1.5\n";
  EXPECT_EQ(Error(), "positions.csv:2: capacity '1.5' is not an integer");
  files_["positions.csv"] = "position_id,company_id,capacity\np1,acme,1\np2,acme,2\np3,b,1\n";
  files_["preferences.csv"] = "student_id,position_id,rank\nanna,p1,1\nanna,p2,1\n";
  EXPECT_EQ(Error(), "preferences.csv:3: duplicate rank 1 for student_id 'anna' (also on line 2)");
  files_["preferences.csv"] = "student_id,position_id,rank\nanna,p1,1\nanna,p1,2\n";
  EXPECT_EQ(Error(),
            "preferences.csv:3: student_id 'anna' ranks position_id 'p1' twice (also on line 2)");
  files_["preferences.csv"] = "student_id,position_id,rank\nanna,p9,1\n";
  EXPECT_EQ(Error(), "preferences.csv:2: unknown position_id 'p9'");
  files_["preferences.csv"] = "student_id,position_id,rank\nanna,p1,x\n";
  EXPECT_EQ(Error(), "preferences.csv:2: rank 'x' is not an integer");
  files_["preferences.csv"] = "student_id,position_id,rank\nanna,p1,1\n";
  files_["priorities.csv"] = "position_id,student_id,priority\np1,anna,1\np1,anna,2\n";
  EXPECT_EQ(Error(), "priorities.csv:3: duplicate priority for position_id 'p1' and "
                     "student_id 'anna' (first on line 2)");
  fs::remove(dir_ / "priorities.csv");
  files_.erase("priorities.csv");
  fs::remove(dir_ / "students.csv");
  files_.erase("students.csv");
  EXPECT_NE(Error().find("students.csv:0: cannot open file"), std::string::npos);
}

TEST(GeneratorRoundTripTest, WrittenFilesLoadBackToTheSameInstance) {
  GeneratorOptions options;
  options.students = 2000;
  options.companies = 400;
  options.choices = 6;
  options.excluded_companies = 5;
  fs::path dir = fs::temp_directory_path() / ("matchio_gen_" + std::to_string(::getpid()));
  ASSERT_TRUE(WriteGeneratedInstance(dir.string(), options).ok());
  matching::Instance expected = GenerateInstance(options);
  auto loaded = LoadInstance(dir.string());
  fs::remove_all(dir);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  const matching::Instance& in = loaded->instance;
  // Ids are written in number order, so the numbering survives the trip.
  EXPECT_EQ(in.position_capacity, expected.position_capacity);
  EXPECT_EQ(in.pref_begin, expected.pref_begin);
  EXPECT_EQ(in.pref_position, expected.pref_position);
  EXPECT_EQ(in.pref_priority, expected.pref_priority);
  EXPECT_EQ(in.company_excluded.size(), expected.company_excluded.size());

  RoundOptions round_options;
  round_options.explain = true;
  auto result = RunRound(*loaded, round_options);
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_EQ(result->blocking_pairs, 0);
  round_options.algorithm = Algorithm::kOptimal;
  auto optimal = RunRound(*loaded, round_options);
  ASSERT_TRUE(optimal.ok()) << optimal.status().message();
  EXPECT_GE(optimal->assigned, result->assigned);
}

}  // namespace
}  // namespace matchio
