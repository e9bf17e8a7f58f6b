// The BPV agreements import (internships no round made): a good file, a bad
// line named in both languages, an idempotent re-import that also updates,
// another school's student and an unknown leerbedrijf refused, a semicolon
// file explained, and the student seeing the internship.
#include "placement/placement_test_util.h"

namespace placement::testing {
namespace {

class BpvImportTest : public PlacementTest {};
PL_INSTANTIATE(BpvImportTest);

constexpr char kBpvCsv[] =
    "studentnummer,leerbedrijf_id,crebo,startdatum,einddatum,leerweg\n"
    "S003,200002,25480,2026-02-02,2026-06-26,BBL\n"
    "S005,200001,25480,01-09-2026,31-01-2027,\n"
    "S101,200003,25998,2026-09-01,2027-01-31,BOL\n";

const ImportError* ErrorOn(const ImportReport& r, int64_t line) {
  for (const ImportError& e : r.errors)
    if (e.line == line) return &e;
  return nullptr;
}

TEST_P(BpvImportTest, GoodFileIsAppliedAndReimportChangesNothing) {
  ImportAll();
  ImportReport r = Import(ImportKind::kBpv, kBpvCsv);
  ASSERT_TRUE(r.applied) << Errors(r);
  EXPECT_EQ(r.rows, 3);
  EXPECT_EQ(r.inserted, 3);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM bpv_agreements WHERE school_id = $1", {school_.id}), 3);
  // DD-MM-YYYY is read as a date; an empty leerweg is stored as unknown.
  EXPECT_EQ(Text("SELECT start_date || ' ' || end_date FROM bpv_agreements WHERE student_id = $1",
                 {StudentId("S005")}),
            "2026-09-01 2027-01-31");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM bpv_agreements WHERE student_id = $1 AND pathway IS NULL",
                  {StudentId("S005")}),
            1);
  EXPECT_EQ(AuditCount("placement.import"), 4);

  ImportReport again = Import(ImportKind::kBpv, kBpvCsv);
  ASSERT_TRUE(again.applied) << Errors(again);
  EXPECT_EQ(again.inserted, 0);
  EXPECT_EQ(again.updated, 0);
  EXPECT_EQ(again.unchanged, 3);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM bpv_agreements"), 3);

  // The key is student, company and start: a new end day updates the row.
  ImportReport changed = Import(ImportKind::kBpv,
                                "student_number,leerbedrijf_id,crebo,start_date,end_date\n"
                                "S003,200002,25480,2026-02-02,2026-07-03\n");
  ASSERT_TRUE(changed.applied) << Errors(changed);
  EXPECT_EQ(changed.updated, 1);
  EXPECT_EQ(Text("SELECT end_date FROM bpv_agreements WHERE student_id = $1", {StudentId("S003")}),
            "2026-07-03");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM bpv_agreements"), 3);

  // The student sees it on their own page, with the company as the school knows it.
  auto home = sm_->StudentView(Student("S003"));
  PL_ASSERT_OK(home);
  ASSERT_EQ(home->bpv.size(), 1u);
  EXPECT_EQ(home->bpv[0].company_name, "Zorg Zuid");
  EXPECT_EQ(home->bpv[0].end, domain::MakeDate(2026, 7, 3));
  ASSERT_TRUE(home->bpv[0].pathway);
  EXPECT_EQ(*home->bpv[0].pathway, domain::Pathway::kBbl);
}

TEST_P(BpvImportTest, BadLinesAreNamedAndNothingIsWritten) {
  ImportAll();
  ImportReport r = Import(ImportKind::kBpv,
                          "student_number,leerbedrijf_id,crebo,start_date,end_date,pathway\n"
                          "S001,200001,25480,2026-02-02,2026-06-26,BOL\n"
                          "S002,200001,2548,2026-02-02,2026-06-26,\n"
                          "S003,200002,25480,2026-06-26,2026-02-02,\n"
                          "S004,200004,25480,2026-02-31,2026-06-26,DUAAL\n"
                          "S001,200001,25480,2026-02-02,2026-05-01,\n");
  EXPECT_FALSE(r.applied);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM bpv_agreements"), 0);
  const ImportError* crebo = ErrorOn(r, 3);
  ASSERT_NE(crebo, nullptr) << Errors(r);
  EXPECT_EQ(crebo->field, "crebo");
  EXPECT_EQ(crebo->message, "crebo \"2548\" is not a 5-digit crebo code");
  EXPECT_EQ(crebo->message_nl, "crebo \"2548\" is geen crebocode van 5 cijfers");
  const ImportError* order = ErrorOn(r, 4);
  ASSERT_NE(order, nullptr);
  EXPECT_EQ(order->field, "end_date");
  EXPECT_EQ(order->message_nl, "einddatum ligt voor de startdatum");
  int on_line_5 = 0;
  for (const ImportError& e : r.errors) on_line_5 += e.line == 5;
  EXPECT_EQ(on_line_5, 2) << Errors(r);  // the date and the leerweg
  const ImportError* twice = ErrorOn(r, 6);
  ASSERT_NE(twice, nullptr);
  EXPECT_NE(twice->message.find("also on line 2"), std::string::npos) << twice->message;
  EXPECT_NE(twice->message_nl.find("ook op regel 2"), std::string::npos) << twice->message_nl;

  ImportReport missing = Import(ImportKind::kBpv,
                                "student_number,crebo,start_date,end_date\nS001,"
                                "25480,2026-02-02,2026-06-26\n");
  EXPECT_FALSE(missing.applied);
  ASSERT_EQ(missing.errors.size(), 1u);
  EXPECT_EQ(missing.errors[0].line, 1);
  EXPECT_EQ(missing.errors[0].message_nl, "kolom leerbedrijf_id ontbreekt");
}

TEST_P(BpvImportTest, AnotherSchoolsStudentAndUnknownCompaniesAreRefused) {
  ImportAll();
  // The other school has its own student S900 and its own company 300001.
  ImportReport theirs = Import(ImportKind::kStudents,
                               "student_number,name,crebo,level,pathway,cohort\n"
                               "S900,Ander Kind,25480,3,BOL,2025\n",
                               &other_coordinator_);
  ASSERT_TRUE(theirs.applied) << Errors(theirs);
  ImportReport company =
      Import(ImportKind::kCompanies, "leerbedrijf_id,name,crebos\n300001,Alleen Ander,25480\n",
             &other_coordinator_);
  ASSERT_TRUE(company.applied) << Errors(company);

  ImportReport r = Import(ImportKind::kBpv,
                          "student_number,leerbedrijf_id,crebo,start_date,end_date\n"
                          "S900,200001,25480,2026-02-02,2026-06-26\n"
                          "S001,300001,25480,2026-02-02,2026-06-26\n"
                          "S001,999999,25480,2026-02-02,2026-06-26\n");
  EXPECT_FALSE(r.applied);
  ASSERT_NE(ErrorOn(r, 2), nullptr) << Errors(r);
  EXPECT_EQ(ErrorOn(r, 2)->field, "student_number");
  EXPECT_EQ(ErrorOn(r, 2)->message,
            "student S900 is not among the school's students (import the students first)");
  ASSERT_NE(ErrorOn(r, 3), nullptr);
  EXPECT_EQ(ErrorOn(r, 3)->field, "leerbedrijf_id");
  EXPECT_NE(ErrorOn(r, 3)->message.find("not in the school's register yet"), std::string::npos);
  ASSERT_NE(ErrorOn(r, 4), nullptr);
  EXPECT_NE(ErrorOn(r, 4)->message.find("999999 is unknown"), std::string::npos);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM bpv_agreements"), 0);

  // The other school cannot import for this school's students either; and a
  // teacher may not import at all.
  ImportReport cross = Import(ImportKind::kBpv,
                              "student_number,leerbedrijf_id,crebo,start_date,end_date\n"
                              "S001,300001,25480,2026-02-02,2026-06-26\n",
                              &other_coordinator_);
  EXPECT_FALSE(cross.applied);
  auto denied = sm_->Import(teacher_, ImportKind::kBpv, "bpv.csv", kBpvCsv);
  EXPECT_EQ(denied.status().code(), StatusCode::kPermissionDenied);
}

TEST_P(BpvImportTest, SemicolonFileGetsAClearHint) {
  ImportAll();
  ImportReport r = Import(ImportKind::kBpv,
                          "studentnummer;leerbedrijf_id;crebo;startdatum;einddatum\n"
                          "S001;200001;25480;2026-02-02;2026-06-26\n");
  EXPECT_FALSE(r.applied);
  ASSERT_EQ(r.errors.size(), 1u) << Errors(r);
  EXPECT_EQ(r.errors[0].line, 1);
  EXPECT_NE(r.errors[0].message.find("semicolons"), std::string::npos) << r.errors[0].message;
  EXPECT_NE(r.errors[0].message_nl.find("puntkomma"), std::string::npos);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM bpv_agreements"), 0);
}

}  // namespace
}  // namespace placement::testing
