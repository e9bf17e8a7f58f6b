// The fast loading path must give exactly the exact loader's result, and on
// any error bail out so that LoadInstance reports the exact loader's message.
#include "matchio/fast_loader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "matchio/generator.h"

namespace matchio {
namespace {

namespace fs = std::filesystem;

void ExpectSameTable(const IdTable& a, const IdTable& b) {
  ASSERT_EQ(a.size(), b.size());
  for (int32_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(a.Name(i), b.Name(i));
    ASSERT_EQ(b.Find(a.Name(i)), i);
  }
}

void ExpectSame(const NamedInstance& a, const NamedInstance& b) {
  const matching::Instance &x = a.instance, &y = b.instance;
  EXPECT_EQ(x.num_students, y.num_students);
  EXPECT_EQ(x.num_companies, y.num_companies);
  EXPECT_EQ(x.position_capacity, y.position_capacity);
  EXPECT_EQ(x.position_company, y.position_company);
  EXPECT_EQ(x.company_excluded, y.company_excluded);
  EXPECT_EQ(x.pref_begin, y.pref_begin);
  EXPECT_EQ(x.pref_position, y.pref_position);
  EXPECT_EQ(x.pref_rank, y.pref_rank);
  EXPECT_EQ(x.pref_priority, y.pref_priority);
  ExpectSameTable(a.students, b.students);
  ExpectSameTable(a.positions, b.positions);
  ExpectSameTable(a.companies, b.companies);
}

class FastLoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("matchio_fast_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Write(const std::string& name, const std::string& content) {
    std::ofstream(dir_ / name, std::ios::binary) << content;
  }
  std::string Read(const std::string& name) {
    std::ifstream in(dir_ / name, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  std::string Path(const std::string& name) { return (dir_ / name).string(); }

  // True when every fast step succeeds (exclusions are never fast).
  bool FastPathTaken() {
    NamedInstance named;
    return fast::LoadStudents(Path("students.csv"), &named) &&
           fast::LoadPositions(Path("positions.csv"), &named) &&
           fast::LoadPreferences(Path("preferences.csv"), &named) &&
           (!fs::exists(Path("priorities.csv")) ||
            fast::LoadPriorities(Path("priorities.csv"), &named));
  }
  // Loads both ways and expects identical results.
  void ExpectFastEqualsExact() {
    auto fast = LoadInstance(dir_.string());
    auto exact = LoadInstanceExact(dir_.string());
    ASSERT_TRUE(exact.ok()) << exact.status().message();
    ASSERT_TRUE(fast.ok()) << fast.status().message();
    ExpectSame(*fast, *exact);
  }
  // The error of LoadInstance (directory prefix removed); it must equal the
  // exact loader's.
  std::string Error() {
    auto fast = LoadInstance(dir_.string());
    auto exact = LoadInstanceExact(dir_.string());
    if (fast.ok() || exact.ok()) return "ok";
    EXPECT_EQ(fast.status().message(), exact.status().message());
    std::string message = fast.status().message();
    std::string prefix = dir_.string() + "/";
    return message.rfind(prefix, 0) == 0 ? message.substr(prefix.size()) : message;
  }
  void WriteSmall() {
    Write("students.csv", "student_id\nS0\nS1\nS2\n");
    Write("positions.csv", "position_id,company_id,capacity\nP0,C0,1\nP1,C0,2\nP2,C1,1\n");
    Write("preferences.csv",
          "student_id,position_id,rank\nS0,P0,1\nS0,P2,2\nS1,P1,1\nS2,P0,3\nS2,P1,1\n");
  }

  fs::path dir_;
};

TEST_F(FastLoaderTest, GeneratedInstanceLoadsIdentically) {
  GeneratorOptions options;
  options.students = 3000;
  options.companies = 400;
  options.excluded_companies = 5;
  ASSERT_TRUE(WriteGeneratedInstance(dir_.string(), options).ok());
  EXPECT_TRUE(FastPathTaken());
  ExpectFastEqualsExact();
}

TEST_F(FastLoaderTest, CrlfBlankLinesExtraColumnsAndNoFinalNewline) {
  Write("students.csv", "name,student_id\r\nA,S0\r\n\r\nB,S1\r\n\nC,S2");
  Write("positions.csv", "capacity,extra,company_id,position_id\n1,x,C0,P0\r\n2,,C0,P1\n1,y,C1,P2");
  Write("preferences.csv",
        "rank,position_id,student_id,note\r\n1,P0,S0,\r\n2,P2,S0,a b\r\n\r\n1,P1,S1,z\r\n"
        "3,P0,S2,\r\n1,P1,S2,q");
  Write("priorities.csv", "priority,student_id,position_id\r\n4,S2,P0\r\n0,S0,P0\r\n7,S9,P9x\r");
  // The last priority names unknown ids: an error for both loaders.
  EXPECT_EQ(Error(), "priorities.csv:4: unknown position_id 'P9x'");
  Write("priorities.csv", "priority,student_id,position_id\r\n4,S2,P0\r\n0,S0,P0\r\n");
  EXPECT_TRUE(FastPathTaken());
  ExpectFastEqualsExact();
}

TEST_F(FastLoaderTest, UnsortedFilesAndHashedIds) {
  // Ids that do not all fit PREFIX + number (leading zero, other prefix)
  // use the hash table; lists out of order are sorted.
  Write("students.csv", "student_id\nanna\nS01\nbram\n");
  Write("positions.csv", "position_id,company_id,capacity\nP7,C0,1\nP3,C0,2\nQ1,C1,1\n");
  Write("preferences.csv",
        "student_id,position_id,rank\nbram,P3,5\nanna,Q1,2\nS01,P3,1\nanna,P7,1\nbram,P7,2\n");
  EXPECT_TRUE(FastPathTaken());
  ExpectFastEqualsExact();
  // Numeric but not in file order: the numeric index maps numbers.
  Write("students.csv", "student_id\nS2\nS0\nS1\n");
  Write("positions.csv", "position_id,company_id,capacity\nP7,C0,1\nP3,C0,2\nP1,C1,1\n");
  Write("preferences.csv",
        "student_id,position_id,rank\nS1,P3,5\nS0,P1,2\nS2,P3,1\nS0,P7,1\nS1,P7,2\n");
  EXPECT_TRUE(FastPathTaken());
  ExpectFastEqualsExact();
  auto loaded = LoadInstance(dir_.string());
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->students.Find("S00"), IdTable::kNotFound);
  EXPECT_EQ(loaded->positions.Find("P3"), 1);
}

TEST_F(FastLoaderTest, QuotesAndUtf8FallBackOrPass) {
  WriteSmall();
  Write("students.csv", "student_id\n\"S0\"\nS1\nS2\n");  // quotes: exact loader only
  EXPECT_FALSE(FastPathTaken());
  ExpectFastEqualsExact();
  Write("students.csv", "student_id\nS0\nS1\nS2\nZo\xC3\xAB\n");  // valid UTF-8: fast
  EXPECT_TRUE(FastPathTaken());
  ExpectFastEqualsExact();
  Write("students.csv", "student_id\nS0\nS1\nS2\nbad\xC3\n");
  EXPECT_FALSE(FastPathTaken());
  EXPECT_EQ(Error(), "students.csv:5: student_id is not valid UTF-8");
}

TEST_F(FastLoaderTest, ErrorsFoundByTheFastPathKeepExactMessages) {
  WriteSmall();
  Write("students.csv", "student_id\nS0\nS1\nS0\n");
  EXPECT_EQ(Error(), "students.csv:4: duplicate student_id 'S0' (first on line 2)");
  WriteSmall();
  Write("positions.csv", "position_id,company_id,capacity\nP0,C0,1\nP1,C0,x\nP2,C1,1\n");
  EXPECT_EQ(Error(), "positions.csv:3: capacity 'x' is not an integer");
  Write("positions.csv", "position_id,company_id,capacity\nP0,C0,1\nP1,C0,1\nP1,C1,1\n");
  EXPECT_EQ(Error(), "positions.csv:4: duplicate position_id 'P1' (first on line 3)");
  WriteSmall();
  Write("preferences.csv", "student_id,position_id,rank\nS0,P0,1\nS0,P2,1\n");
  EXPECT_EQ(Error(), "preferences.csv:3: duplicate rank 1 for student_id 'S0' (also on line 2)");
  Write("preferences.csv", "student_id,position_id,rank\nS0,P0,1\nS1,P1,1\nS0,P0,2\n");
  EXPECT_EQ(Error(),
            "preferences.csv:4: student_id 'S0' ranks position_id 'P0' twice (also on line 2)");
  Write("preferences.csv", "student_id,position_id,rank\nS0,P0,1\nS7,P1,1\n");
  EXPECT_EQ(Error(), "preferences.csv:3: unknown student_id 'S7'");
  Write("preferences.csv", "student_id,position_id,rank\nS0,P0\n");
  EXPECT_EQ(Error(), "preferences.csv:2: expected at least 3 fields, found 2");
  Write("preferences.csv", "student_id,position_id,rank\nS0,P0,99999999999\n");
  EXPECT_EQ(Error(), "preferences.csv:2: rank '99999999999' is too large (max 2147483647)");
  WriteSmall();
  Write("priorities.csv", "position_id,student_id,priority\nP0,S0,1\nP0,S0,2\n");
  EXPECT_EQ(Error(),
            "priorities.csv:3: duplicate priority for position_id 'P0' and student_id 'S0' "
            "(first on line 2)");
}

TEST_F(FastLoaderTest, ErrorInTheSecondThreadsHalfHasTheRightLine) {
  GeneratorOptions options;
  options.students = 2000;
  options.companies = 300;
  options.priorities = false;
  ASSERT_TRUE(WriteGeneratedInstance(dir_.string(), options).ok());
  std::string prefs = Read("preferences.csv");
  int64_t lines = std::count(prefs.begin(), prefs.end(), '\n');
  // Replace the position of the second-to-last row with an unknown id.
  size_t last = prefs.rfind('\n', prefs.size() - 2);
  size_t row = prefs.rfind('\n', last - 1) + 1;
  size_t comma = prefs.find(',', row);
  size_t comma2 = prefs.find(',', comma + 1);
  prefs.replace(comma + 1, comma2 - comma - 1, "NOPE");
  Write("preferences.csv", prefs);
  EXPECT_FALSE(FastPathTaken());
  EXPECT_EQ(Error(),
            "preferences.csv:" + std::to_string(lines - 1) + ": unknown position_id 'NOPE'");
}

}  // namespace
}  // namespace matchio
