// Imports that provision logins (docs/accounts.md): the students import's
// email and begeleider_email, the companies import's contact, and the staff
// kind; errors name the line and the column; invitations are queued in the
// import's transaction.
#include "auth/sessions.h"
#include "placement/placement_test_util.h"

namespace placement::testing {
namespace {

class ProvisioningTest : public PlacementTest {
 protected:
  void SetUp() override {
    PlacementTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(db().Write([&](db::Connection& c) {
                      return accounts_->SetLoginDomains(c, school_.id, {"99dm.test"});
                    })
                    .ok());
    admin_ = MakeUser(school_, "admin", domain::Role::kSchoolAdmin);
  }
  ImportReport ImportWith(ImportKind kind, std::string_view csv, const auth::User& as,
                          ImportOptions options) {
    options.outbox = &outbox_;
    auto r = sm_->Import(as, kind, std::string(domain::Name(kind)) + ".csv", csv, options);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : ImportReport{};
  }
  int64_t Count(const std::string& sql, const db::Params& params = {}) {
    int64_t n = -1;
    EXPECT_TRUE(db().Read([&](db::Connection& c) -> common::Status {
                      SP_ASSIGN_OR_RETURN(db::Rows rows, c.Query(sql, params));
                      n = rows.rows[0].Int(0);
                      return common::Status::Ok();
                    })
                    .ok());
    return n;
  }
  static bool HasError(const ImportReport& r, int64_t line, const std::string& field) {
    for (const ImportError& e : r.errors)
      if (e.line == line && e.field == field) return true;
    return false;
  }

  mail::Outbox outbox_{clock_, "https://stagepunt.test"};
  auth::User admin_;
};
PL_INSTANTIATE(ProvisioningTest);

TEST_P(ProvisioningTest, StaffImportCreatesUpdatesAndInvites) {
  ImportReport r = ImportWith(ImportKind::kStaff,
                              "login,name,role,email\n"
                              "j.devries@99dm.test,Jan de Vries,coordinator,\n"
                              "m.bakker@99dm.test,Mila Bakker,meldpunt,mila@mail.example\n",
                              admin_, {});
  ASSERT_TRUE(r.applied) << Errors(r);
  EXPECT_EQ(r.inserted, 2);
  EXPECT_EQ(r.logins_created, 2);
  EXPECT_EQ(r.invitations, 2);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM mail_outbox WHERE kind = 'invitation' AND to_address = $1",
                  {std::string("mila@mail.example")}),
            1);
  // Again, with a new role: updated, and no second invitation for a login
  // whose invitation is still pending? It was never used, so it gets a fresh one.
  ImportReport again =
      ImportWith(ImportKind::kStaff,
                 "login,name,role\n"
                 "j.devries@99dm.test,Jan de Vries,teacher\n",
                 admin_, {.invite_students = false, .invite_staff = false, .outbox = nullptr});
  ASSERT_TRUE(again.applied) << Errors(again);
  EXPECT_EQ(again.updated, 1);
  EXPECT_EQ(again.invitations, 0);
  auto jan = accounts_->UserByLogin("j.devries@99dm.test");
  ASSERT_TRUE(jan.ok());
  EXPECT_EQ(jan->role, domain::Role::kTeacher);
}

TEST_P(ProvisioningTest, StaffImportErrorsNameLineAndColumnAndWriteNothing) {
  ImportReport r = ImportWith(ImportKind::kStaff,
                              "login,name,role\n"
                              "ok@99dm.test,Goed,teacher\n"
                              "x@elders.test,Buiten,teacher\n"
                              "y@99dm.test,Y,student\n"
                              "ok@99dm.test,Dubbel,teacher\n"
                              "geen-login,Z,teacher\n",
                              admin_, {});
  EXPECT_FALSE(r.applied);
  EXPECT_TRUE(HasError(r, 3, "login")) << Errors(r);
  EXPECT_TRUE(HasError(r, 4, "role")) << Errors(r);
  EXPECT_TRUE(HasError(r, 5, "login")) << Errors(r);
  EXPECT_TRUE(HasError(r, 6, "login")) << Errors(r);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM users WHERE login = 'ok@99dm.test'"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM mail_outbox"), 0);
  // Only the school admin imports staff.
  auto denied = sm_->Import(coordinator_, ImportKind::kStaff, "staff.csv",
                            "login,name,role\nok@99dm.test,Goed,teacher\n", {});
  EXPECT_EQ(denied.status().code(), common::StatusCode::kPermissionDenied);
  // Demoting the only admin is refused.
  ImportReport demote = ImportWith(ImportKind::kStaff,
                                   "login,name,role\nadmin@99dm.test,Admin,teacher\n", admin_, {});
  EXPECT_FALSE(demote.applied);
  EXPECT_TRUE(HasError(demote, 2, "role")) << Errors(demote);
}

TEST_P(ProvisioningTest, StudentsImportLinksCreatesAndKeepsTheBegeleider) {
  auth::User existing = MakeUser(school_, "anna", domain::Role::kStudent);  // anna@99dm.test
  ImportReport r =
      ImportWith(ImportKind::kStudents,
                 "student_number,name,crebo,level,pathway,cohort,email,begeleider_email\n"
                 "S001,Anna Test,25480,3,BOL,2025,ANNA@99dm.test,b.jansen@99dm.test\n"
                 "S002,Bram Test,25480,3,BOL,2025,bram@99dm.test,\n"
                 "S003,Cas Test,25480,2,BBL,2025,,\n",
                 coordinator_, {});
  ASSERT_TRUE(r.applied) << Errors(r);
  EXPECT_EQ(r.logins_linked, 1);  // Anna; Bram has no login and --invite was not given
  EXPECT_EQ(r.logins_created, 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM students WHERE user_id = $1", {existing.id}), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM students WHERE begeleider_email = 'b.jansen@99dm.test'"),
            1);
  ImportReport invite = ImportWith(ImportKind::kStudents,
                                   "student_number,name,crebo,level,pathway,cohort,email\n"
                                   "S002,Bram Test,25480,3,BOL,2025,bram@99dm.test\n",
                                   coordinator_, {.invite_students = true});
  ASSERT_TRUE(invite.applied) << Errors(invite);
  EXPECT_EQ(invite.logins_created, 1);
  EXPECT_EQ(invite.logins_linked, 1);
  EXPECT_EQ(invite.invitations, 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM mail_outbox WHERE kind = 'invitation' AND "
                  "to_address = 'bram@99dm.test'"),
            1);
  // Without the column, the begeleider stays.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM students WHERE begeleider_email IS NOT NULL"), 1);
}

TEST_P(ProvisioningTest, StudentsImportEmailErrorsNameLineAndColumn) {
  MakeUser(school_, "teach", domain::Role::kTeacher);
  ImportReport r =
      ImportWith(ImportKind::kStudents,
                 "student_number,name,crebo,level,pathway,cohort,email,begeleider_email\n"
                 "S001,Anna Test,25480,3,BOL,2025,geen adres,\n"
                 "S002,Bram Test,25480,3,BOL,2025,teach@99dm.test,\n"
                 "S003,Cas Test,25480,2,BBL,2025,cas@elders.test,\n"
                 "S004,Dewi Test,25480,3,BOL,2025,,niet@\n",
                 coordinator_, {.invite_students = true});
  EXPECT_FALSE(r.applied);
  EXPECT_TRUE(HasError(r, 2, "email")) << Errors(r);
  EXPECT_TRUE(HasError(r, 3, "email")) << Errors(r);
  EXPECT_TRUE(HasError(r, 4, "email")) << Errors(r);
  EXPECT_TRUE(HasError(r, 5, "begeleider_email")) << Errors(r);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM students"), 0);
}

// The day a student left (uitschrijfdatum) starts their record's retention:
// set by the import, kept when the column is absent, refused with the line.
TEST_P(ProvisioningTest, StudentsImportSetsTheDayOfLeaving) {
  ImportReport bad = ImportWith(ImportKind::kStudents,
                                "student_number,name,crebo,level,pathway,cohort,uitschrijfdatum\n"
                                "S001,Anna Test,25480,3,BOL,2025,2026-07-31\n"
                                "S002,Bram Test,25480,3,BOL,2025,31-07-2026\n",
                                coordinator_, {});
  EXPECT_FALSE(bad.applied);
  EXPECT_TRUE(HasError(bad, 3, "left_on")) << Errors(bad);
  ImportReport r = ImportWith(ImportKind::kStudents,
                              "student_number,name,crebo,level,pathway,cohort,uitschrijfdatum\n"
                              "S001,Anna Test,25480,3,BOL,2025,2026-07-31\n"
                              "S002,Bram Test,25480,3,BOL,2025,\n",
                              coordinator_, {});
  ASSERT_TRUE(r.applied) << Errors(r);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM students WHERE left_on = '2026-07-31'"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM students WHERE left_on IS NULL"), 1);
  ImportReport again = ImportWith(ImportKind::kStudents,
                                  "student_number,name,crebo,level,pathway,cohort\n"
                                  "S001,Anna Test,25480,3,BOL,2025\n",
                                  coordinator_, {});
  ASSERT_TRUE(again.applied) << Errors(again);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM students WHERE left_on = '2026-07-31'"), 1);
}

TEST_P(ProvisioningTest, CompaniesImportCreatesAndLinksContacts) {
  ImportReport r = ImportWith(ImportKind::kCompanies,
                              "leerbedrijf_id,name,contact_name,contact_email\n"
                              "200001,Zorg Noord,Tom Smit,tom@99dm.test\n"
                              "200002,Zorg Zuid,,\n",
                              coordinator_, {});
  ASSERT_TRUE(r.applied) << Errors(r);
  EXPECT_EQ(r.logins_created, 1);
  EXPECT_EQ(r.logins_linked, 1);
  EXPECT_EQ(r.invitations, 1);
  auto tom = accounts_->UserByLogin("tom@99dm.test");
  ASSERT_TRUE(tom.ok());
  EXPECT_EQ(tom->role, domain::Role::kCompanyContact);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM company_contacts WHERE user_id = $1", {tom->id}), 1);
  // Idempotent: the same file again makes no second login or invitation.
  ImportReport again = ImportWith(ImportKind::kCompanies,
                                  "leerbedrijf_id,name,contact_name,contact_email\n"
                                  "200001,Zorg Noord,Tom Smit,tom@99dm.test\n",
                                  coordinator_, {});
  ASSERT_TRUE(again.applied) << Errors(again);
  EXPECT_EQ(again.logins_created, 0);
  EXPECT_EQ(again.invitations, 0);

  ImportReport bad = ImportWith(ImportKind::kCompanies,
                                "leerbedrijf_id,name,contact_name,contact_email\n"
                                "200003,ICT Centrum,Alleen Naam,\n"
                                "200004,Zorg Oost,Coordinator,coordinator@99dm.test\n"
                                "200005,Ver Weg,Iemand,iemand@elders.test\n",
                                coordinator_, {});
  EXPECT_FALSE(bad.applied);
  EXPECT_TRUE(HasError(bad, 2, "contact_email")) << Errors(bad);
  EXPECT_TRUE(HasError(bad, 3, "contact_email")) << Errors(bad);
  // A contact may have the company's own address (a domain no school claims:
  // auth::Accounts::CheckLoginForSchool), so line 4 is fine; the file as a
  // whole is still refused.
  EXPECT_FALSE(HasError(bad, 4, "contact_email")) << Errors(bad);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM companies WHERE leerbedrijf_id = '200003'"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM users WHERE login = 'iemand@elders.test'"), 0);
}

}  // namespace
}  // namespace placement::testing
