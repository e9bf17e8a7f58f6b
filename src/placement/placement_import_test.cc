// Imports: good files, idempotent re-imports, bad lines with a per-line
// report, and atomicity (nothing half-imported).
#include "placement/csv_text.h"
#include "placement/placement_test_util.h"

namespace placement::testing {
namespace {

class ImportTest : public PlacementTest {};
PL_INSTANTIATE(ImportTest);

TEST_P(ImportTest, AppliesAllThreeAndCounts) {
  ImportReport c = Import(ImportKind::kCompanies, kCompaniesCsv);
  EXPECT_TRUE(c.applied) << Errors(c);
  EXPECT_EQ(c.inserted, 4);
  ImportReport p = Import(ImportKind::kPlaces, kPlacesCsv);
  EXPECT_TRUE(p.applied) << Errors(p);
  EXPECT_EQ(p.inserted, 4);
  ImportReport s = Import(ImportKind::kStudents, kStudentsCsv);
  EXPECT_TRUE(s.applied) << Errors(s);
  EXPECT_EQ(s.rows, 7);
  EXPECT_EQ(s.inserted, 7);

  auto students = sm_->Students(coordinator_, {});
  PL_ASSERT_OK(students);
  ASSERT_EQ(students->size(), 7u);
  EXPECT_EQ((*students)[0].student_number, "S001");
  EXPECT_EQ((*students)[0].name, "Anna Test");
  ASSERT_TRUE((*students)[0].coordinates);
  EXPECT_FALSE((*students)[4].coordinates);  // S005 has none
  EXPECT_EQ((*students)[2].pathway, domain::Pathway::kBbl);

  auto companies = sm_->Companies(coordinator_);
  PL_ASSERT_OK(companies);
  ASSERT_EQ(companies->size(), 4u);
  EXPECT_EQ((*companies)[0].name, "ICT Centrum");
  EXPECT_EQ((*companies)[2].name, "Zorg Oost");
  EXPECT_EQ((*companies)[2].crebos, (std::vector<std::string>{"25480", "25998"}));
  auto places = sm_->Places(coordinator_, "2026 P1");
  PL_ASSERT_OK(places);
  EXPECT_EQ(places->size(), 4u);
  EXPECT_EQ(AuditCount("placement.import"), 3);
}

TEST_P(ImportTest, SecondImportChangesNothing) {
  ImportAll();
  ImportReport c = Import(ImportKind::kCompanies, kCompaniesCsv);
  ImportReport p = Import(ImportKind::kPlaces, kPlacesCsv);
  ImportReport s = Import(ImportKind::kStudents, kStudentsCsv);
  for (const ImportReport* r : {&c, &p, &s}) {
    EXPECT_TRUE(r->applied) << Errors(*r);
    EXPECT_EQ(r->inserted, 0);
    EXPECT_EQ(r->updated, 0);
    EXPECT_EQ(r->unchanged, r->rows);
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM students"), 7);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM companies"), 4);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM leerplaatsen"), 4);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM company_crebos"), 5);
}

TEST_P(ImportTest, UpsertUpdatesChangedLinesOnly) {
  ImportAll();
  ImportReport s = Import(ImportKind::kStudents,
                          "studentnummer,naam,crebo,niveau,leerweg,cohort\n"
                          "S001,Anna Test,25480,4,BOL,2025\n"   // level and place changed
                          "S007,Hana Nieuw,25480,2,BOLDT,2025\n");
  ASSERT_TRUE(s.applied) << Errors(s);
  EXPECT_EQ(s.inserted, 1);
  EXPECT_EQ(s.updated, 1);
  EXPECT_EQ(Count("SELECT level FROM students WHERE student_number = 'S001'"), 4);

  // A new capacity resets the company's confirmation.
  Exec("UPDATE leerplaatsen SET confirmed_at = 1 WHERE id = $1", {PlaceId("200001")});
  ImportReport p = Import(ImportKind::kPlaces,
                          "leerbedrijf_id,crebo,capacity,period,description\n"
                          "200001,25480,3,2026 P1,Verzorging op de afdeling\n");
  ASSERT_TRUE(p.applied) << Errors(p);
  EXPECT_EQ(p.updated, 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM leerplaatsen WHERE confirmed_at IS NULL AND id = $1",
                  {PlaceId("200001")}),
            1);

  // The school learns the SBB withdrew a recognition: withdrawn at this
  // school (its overlay), the shared register untouched.
  ImportReport c = Import(ImportKind::kCompanies,
                          "leerbedrijf_id,name,sbb_recognised\n200002,Zorg Zuid,nee\n");
  ASSERT_TRUE(c.applied) << Errors(c);
  EXPECT_EQ(c.updated, 1);
  EXPECT_EQ(Count("SELECT sbb_recognised FROM school_company_view WHERE leerbedrijf_id = "
                  "'200002' AND school_id = $1",
                  {school_.id}),
            0);
  EXPECT_EQ(Count("SELECT sbb_recognised FROM companies WHERE leerbedrijf_id = '200002'"), 1);
  // Without a crebos column the recognitions stay.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM company_crebos WHERE company_id = $1",
                  {CompanyId("200002")}),
            1);
}

TEST_P(ImportTest, BadLinesAreReportedAndNothingIsWritten) {
  ImportAll();
  ImportReport s = Import(ImportKind::kStudents,
                          "student_number,name,crebo,level,pathway,cohort\n"
                          "S201,Goed Eén,25480,3,BOL,2025\n"
                          "S202,Kort,12,3,BOL,2025\n"
                          "S203,Dubbel,25480,3,BOL,2025\n"
                          "S203,Dubbel Twee,25480,3,BOL,2025\n"
                          "S204,Niveau,25480,7,EX,2025\n"
                          "S202,Kort Twee,25480,3,BOL,2025\n");
  EXPECT_FALSE(s.applied);
  ASSERT_EQ(s.errors.size(), 5u) << Errors(s);
  EXPECT_EQ(s.errors[0].ToString("students.csv"),
            "students.csv:3: crebo \"12\" is not a 5-digit crebo code");
  EXPECT_EQ(s.errors[0].field, "crebo");
  EXPECT_EQ(s.errors[1].ToString("students.csv"),
            "students.csv:5: student_number \"S203\" appears twice (also on line 4)");
  EXPECT_EQ(s.errors[2].line, 6);
  EXPECT_EQ(s.errors[3].line, 6);
  // A duplicate of a line that has other problems is still a duplicate.
  EXPECT_EQ(s.errors[4].ToString("students.csv"),
            "students.csv:7: student_number \"S202\" appears twice (also on line 3)");
  EXPECT_EQ(s.inserted, 0);
  // Not even the good first line was applied.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM students WHERE student_number = 'S201'"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM students"), 7);
}

TEST_P(ImportTest, PlacesNeedAKnownRecognisedCompanyAndCapacity) {
  ImportAll();
  ImportReport p = Import(ImportKind::kPlaces,
                          "leerbedrijf_id,crebo,capacity,period,description\n"
                          "200001,25480,2,2026 P2,Nieuw en goed\n"
                          "999999,25480,1,2026 P2,Onbekend bedrijf\n"
                          "200001,25998,1,2026 P2,Niet erkend voor deze crebo\n"
                          "200002,25480,-1,2026 P2,Negatief\n"
                          "200002,25480,1,2026 P2,\n"
                          "200002,25480,1,2026 P2,Dubbel\n");
  EXPECT_FALSE(p.applied);
  ASSERT_EQ(p.errors.size(), 4u) << Errors(p);
  EXPECT_EQ(p.errors[0].line, 3);
  EXPECT_EQ(p.errors[0].message,
            "leerbedrijf_id \"999999\" is not in the school's register (import the leerbedrijven "
            "first)");
  EXPECT_EQ(p.errors[1].message, "crebo \"25998\" is not a crebo leerbedrijf 200001 is recognised for");
  EXPECT_EQ(p.errors[2].message, "capacity \"-1\" is below 0");
  EXPECT_EQ(p.errors[3].line, 7);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM leerplaatsen WHERE period = '2026 P2'"), 0);
}

TEST_P(ImportTest, MalformedCsvIsRejectedWithItsLine) {
  ImportReport s = Import(ImportKind::kStudents,
                          "student_number,name,crebo,level,pathway,cohort\n"
                          "S301,\"Naam, met komma\",25480,3,BOL,2025\n"
                          "S302,\"Open quote,25480,3,BOL,2025\n");
  EXPECT_FALSE(s.applied);
  ASSERT_EQ(s.errors.size(), 1u);
  EXPECT_EQ(s.errors[0].ToString("students.csv"), "students.csv:3: unterminated quoted field");

  ImportReport q = Import(ImportKind::kStudents,
                          "student_number,name,crebo,level,pathway,cohort\n"
                          "S303,Na\"am,25480,3,BOL,2025\n");
  ASSERT_EQ(q.errors.size(), 1u);
  EXPECT_EQ(q.errors[0].line, 2);

  ImportReport header = Import(ImportKind::kStudents, "student_number,naam\nS1,X\n");
  EXPECT_FALSE(header.applied);
  ASSERT_EQ(header.errors.size(), 4u);
  EXPECT_EQ(header.errors[0].message, "missing column crebo");

  ImportReport latin1 = Import(ImportKind::kStudents,
                               "student_number,name,crebo,level,pathway,cohort\n"
                               "S304,Jos\xe9,25480,3,BOL,2025\n");
  ASSERT_EQ(latin1.errors.size(), 1u);
  EXPECT_EQ(latin1.errors[0].line, 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM students"), 0);

  ImportReport empty = Import(ImportKind::kCompanies, "");
  ASSERT_EQ(empty.errors.size(), 1u);
  EXPECT_EQ(empty.errors[0].message, "the file is empty");
}

TEST_P(ImportTest, QuotedFieldsSpanLinesAndKeepLineNumbers) {
  ImportAll();
  ImportReport p = Import(ImportKind::kPlaces,
                          "leerbedrijf_id,crebo,capacity,period,description\r\n"
                          "200001,25480,1,2026 P3,\"Twee\r\nregels, met \"\"quote\"\"\"\r\n"
                          "\r\n"
                          "200002,25480,x,2026 P3,Slecht\r\n");
  ASSERT_EQ(p.errors.size(), 1u) << Errors(p);
  EXPECT_EQ(p.errors[0].line, 5);
  ImportReport ok = Import(ImportKind::kPlaces,
                           "leerbedrijf_id,crebo,capacity,period,description\n"
                           "200001,25480,1,2026 P3,\"Twee\nregels, met \"\"quote\"\"\"\n");
  ASSERT_TRUE(ok.applied) << Errors(ok);
  EXPECT_EQ(Text("SELECT description FROM leerplaatsen WHERE period = '2026 P3'"),
            "Twee\nregels, met \"quote\"");
}

TEST_P(ImportTest, AStudentIsInOneRoundAtATime) {
  ImportAll();
  PublishNormAcceptedBy({});
  Round first = OpenedRound(Spec("Ronde A"));
  RoundSpec other = Spec("Ronde B");
  other.cohort = "2099";  // enrols nobody by itself
  auto second = sm_->CreateRound(coordinator_, other);
  PL_ASSERT_OK(second);
  ImportReport s = Import(ImportKind::kStudents,
                          "student_number,name,crebo,level,pathway,cohort,round\n"
                          "S001,Anna Test,25480,3,BOL,2025,Ronde B\n"
                          "S002,Bram Test,25480,3,BOL,2025,Onbekend\n"
                          "S003,Cas Test,25998,2,BBL,2025,\n");
  EXPECT_FALSE(s.applied);
  ASSERT_EQ(s.errors.size(), 3u) << Errors(s);
  EXPECT_EQ(s.errors[0].ToString("students.csv"),
            "students.csv:2: student S001 is already in round \"Ronde A\" (open); a student "
            "takes part in one round at a time");
  EXPECT_EQ(s.errors[1].message, "round \"Onbekend\" does not exist at this school");
  EXPECT_EQ(s.errors[2].field, "crebo");  // S003 may not change crebo while in Ronde A

  // A student not yet in a round can be enrolled explicitly.
  ImportReport ok = Import(ImportKind::kStudents,
                           "student_number,name,crebo,level,pathway,cohort,round\n"
                           "S900,Ivo Test,25480,3,BOL,2099,Ronde B\n");
  ASSERT_TRUE(ok.applied) << Errors(ok);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM round_students WHERE round_id = $1", {second->id}), 1);
  (void)first;
}

TEST_P(ImportTest, OnlyCoordinatorsImportAndSchoolsStayApart) {
  auth::User student = MakeUser(school_, "leerling", domain::Role::kStudent);
  EXPECT_EQ(sm_->Import(student, ImportKind::kStudents, "s.csv", kStudentsCsv).status().code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(sm_->Import(teacher_, ImportKind::kStudents, "s.csv", kStudentsCsv).status().code(),
            StatusCode::kPermissionDenied);
  ImportAll();
  // The other school imports the same student numbers: separate records.
  ImportAll(&other_coordinator_);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM students"), 14);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM companies"), 4);  // the register is shared
  EXPECT_EQ(Count("SELECT COUNT(*) FROM school_companies"), 8);
  auto theirs = sm_->Students(other_coordinator_, {});
  PL_ASSERT_OK(theirs);
  for (const placement::Student& s : *theirs) EXPECT_NE(s.id, StudentId(s.student_number));
  // Places reference only the importing school's register.
  ImportReport p = Import(ImportKind::kPlaces,
                          "leerbedrijf_id,crebo,capacity,period\n200001,25480,1,X\n",
                          &other_coordinator_);
  EXPECT_TRUE(p.applied) << Errors(p);
  auto mine = sm_->Places(coordinator_, "X");
  PL_ASSERT_OK(mine);
  EXPECT_TRUE(mine->empty());
}

TEST(CsvTextTest, Dialect) {
  CsvText csv("\xEF\xBB\xBF" "a,b\r\n\n\"x,1\",\"\"\"q\"\"\"\n,\nlast");
  std::vector<std::string> f;
  std::string error;
  ASSERT_TRUE(csv.Next(&f, &error));
  EXPECT_EQ(f, (std::vector<std::string>{"a", "b"}));
  ASSERT_TRUE(csv.Next(&f, &error));
  EXPECT_EQ(csv.line(), 3);
  EXPECT_EQ(f, (std::vector<std::string>{"x,1", "\"q\""}));
  ASSERT_TRUE(csv.Next(&f, &error));
  EXPECT_EQ(f, (std::vector<std::string>{"", ""}));
  ASSERT_TRUE(csv.Next(&f, &error));
  EXPECT_EQ(f, (std::vector<std::string>{"last"}));
  EXPECT_FALSE(csv.Next(&f, &error));
  EXPECT_TRUE(error.empty());

  CsvText bad("\"a\"b\n");
  EXPECT_FALSE(bad.Next(&f, &error));
  EXPECT_FALSE(error.empty());
}

}  // namespace
}  // namespace placement::testing
