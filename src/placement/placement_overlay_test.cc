// The company register shared by the schools of a deployment: a school's
// imports change only what that school sees (its overlay), the system
// admin's register import changes what every school sees, and a school's
// own value still wins at that school.
#include <sstream>

#include "placement/placement_test_util.h"

namespace placement::testing {
namespace {

// School B's file: every field of 200001 changed, markup in the name, SBB
// recognition withdrawn, other crebos; and a company only B knows.
constexpr char kOtherSchoolCompaniesCsv[] =
    "leerbedrijf_id,kvk,name,address,postcode,city,lat,lon,crebos,sbb_recognised\n"
    "200001,99999999,<script>alert(1)</script> Nep BV,Nepstraat 9,9999ZZ,Nergens,53.0,6.0,"
    "25998,nee\n"
    "200009,88888888,Alleen Bij B,Bweg 1,1234AB,Ede,52.04,5.66,25480,\n";

class OverlayTest : public PlacementTest {
 protected:
  auth::User Sysadmin() {
    auth::User u;
    u.id = "sysadmin";
    u.role = domain::Role::kSystemAdmin;
    u.display_name = "Beheer";
    return u;
  }
  ImportReport Register(std::string_view csv) {
    auto r = sm_->ImportRegister(Sysadmin(), "register.csv", csv);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : ImportReport{};
  }

  // Everything the coordinator `as` and the contact of 200001 see about the
  // companies of their school, as text.
  std::string Seen(const auth::User& as, const std::string& round_id) {
    std::ostringstream out;
    auto companies = sm_->Companies(as);
    EXPECT_TRUE(companies.ok());
    for (const Company& c : companies.ok() ? *companies : std::vector<Company>{}) {
      out << "company " << c.leerbedrijf_id << "|" << c.kvk << "|" << c.name << "|" << c.address
          << "|" << c.postcode << "|" << c.city << "|"
          << (c.coordinates
                  ? std::to_string(c.coordinates->lat) + "," + std::to_string(c.coordinates->lon)
                  : "-")
          << "|" << c.sbb_recognised << "|";
      for (const std::string& crebo : c.crebos) out << crebo << ";";
      out << "\n";
    }
    auto places = sm_->Places(as);
    EXPECT_TRUE(places.ok());
    for (const Place& p : places.ok() ? *places : std::vector<Place>{}) {
      out << "place " << p.leerbedrijf_id << "|" << p.company_name << "|" << p.city << "|"
          << p.crebo << "|" << p.capacity << "\n";
    }
    auto excluded = sm_->Exclusions(as, round_id);
    EXPECT_TRUE(excluded.ok()) << excluded.status().ToString();
    for (const Exclusion& e : excluded.ok() ? *excluded : std::vector<Exclusion>{}) {
      out << "excluded " << e.leerbedrijf_id << "|" << e.company_name << "|";
      for (ExclusionReason r : e.reasons) out << Name(r) << ";";
      out << "\n";
    }
    return out.str();
  }
  std::string ContactSees(const auth::User& contact) {
    auto home = sm_->CompanyView(contact);
    EXPECT_TRUE(home.ok()) << home.status().ToString();
    if (!home.ok()) return "";
    std::string out = home->company.name + "|" + home->company.city + "|" +
                      (home->company.sbb_recognised ? "1" : "0");
    for (const Place& p : home->places) out += "|" + p.company_name;
    return out;
  }
  static std::vector<ExclusionReason> ReasonsFor(const std::vector<Exclusion>& list,
                                                 std::string_view leerbedrijf_id) {
    for (const Exclusion& e : list)
      if (e.leerbedrijf_id == leerbedrijf_id) return e.reasons;
    return {};
  }
  static bool Has(const std::vector<ExclusionReason>& reasons, ExclusionReason r) {
    return std::find(reasons.begin(), reasons.end(), r) != reasons.end();
  }
};
PL_INSTANTIATE(OverlayTest);

TEST_P(OverlayTest, AnotherSchoolsImportsChangeNothingThisSchoolSees) {
  ImportAll();                        // school A (99DM)
  ImportAll(&other_coordinator_);     // school B (98DM) shares the four companies
  Round round = OpenedRound(Spec());  // A's open round
  ASSERT_FALSE(round.id.empty());
  const auth::User& contact = Contact("200001");
  const std::string before = Seen(coordinator_, round.id);
  const std::string contact_before = ContactSees(contact);
  ASSERT_NE(before.find("company 200001|11111111|Zorg Noord|"), std::string::npos) << before;
  EXPECT_EQ(contact_before, "Zorg Noord|Utrecht|1|Zorg Noord");

  // School B runs every import kind, with changed companies.
  ImportReport c = Import(ImportKind::kCompanies, kOtherSchoolCompaniesCsv, &other_coordinator_);
  ASSERT_TRUE(c.applied) << Errors(c);
  EXPECT_EQ(c.updated, 1);
  EXPECT_EQ(c.inserted, 1);
  ImportReport p = Import(ImportKind::kPlaces,
                          "leerbedrijf_id,crebo,capacity,period\n200001,25998,5,2026 P1\n"
                          "200009,25480,2,2026 P1\n",
                          &other_coordinator_);
  ASSERT_TRUE(p.applied) << Errors(p);
  ImportReport s = Import(ImportKind::kStudents,
                          "student_number,name,crebo,level,pathway,cohort\n"
                          "S001,Ander Iemand,25998,2,BBL,2025\n",
                          &other_coordinator_);
  ASSERT_TRUE(s.applied) << Errors(s);

  // A sees exactly what it saw: names, addresses, recognitions, places,
  // the round's exclusions, and its company contact's page.
  EXPECT_EQ(Seen(coordinator_, round.id), before);
  EXPECT_EQ(ContactSees(contact), contact_before);
  auto a_excluded = sm_->Exclusions(coordinator_, round.id);
  PL_ASSERT_OK(a_excluded);
  EXPECT_FALSE(Has(ReasonsFor(*a_excluded, "200001"), ExclusionReason::kSbbWithdrawn));
  // The company only B knows is not in A's register.
  EXPECT_EQ(before.find("200009"), std::string::npos);

  // B sees its own values, the markup kept as data.
  auto theirs = sm_->Companies(other_coordinator_);
  PL_ASSERT_OK(theirs);
  bool found = false;
  for (const Company& co : *theirs) {
    if (co.leerbedrijf_id != "200001") continue;
    found = true;
    EXPECT_EQ(co.name, "<script>alert(1)</script> Nep BV");
    EXPECT_EQ(co.kvk, "99999999");
    EXPECT_EQ(co.city, "Nergens");
    EXPECT_FALSE(co.sbb_recognised);
    EXPECT_EQ(co.crebos, std::vector<std::string>{"25998"});
  }
  EXPECT_TRUE(found);
  Round other_round = [&] {
    auto r = sm_->CreateRound(other_coordinator_, Spec());
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : Round{};
  }();
  auto b_excluded = sm_->Exclusions(other_coordinator_, other_round.id);
  PL_ASSERT_OK(b_excluded);
  EXPECT_TRUE(Has(ReasonsFor(*b_excluded, "200001"), ExclusionReason::kSbbWithdrawn));

  // The shared row still holds only what the register said (nothing yet).
  EXPECT_EQ(Text("SELECT name FROM companies WHERE leerbedrijf_id = '200001'"), "");
  EXPECT_EQ(Count("SELECT sbb_recognised FROM companies WHERE leerbedrijf_id = '200001'"), 1);
  EXPECT_EQ(Text("SELECT name FROM companies WHERE leerbedrijf_id = '200009'"), "");

  // B says "ja" again: only B's own withdrawal is lifted.
  ImportReport again =
      Import(ImportKind::kCompanies, "leerbedrijf_id,name,sbb_recognised\n200001,Nep BV,ja\n",
             &other_coordinator_);
  ASSERT_TRUE(again.applied) << Errors(again);
  b_excluded = sm_->Exclusions(other_coordinator_, other_round.id);
  PL_ASSERT_OK(b_excluded);
  EXPECT_FALSE(Has(ReasonsFor(*b_excluded, "200001"), ExclusionReason::kSbbWithdrawn));
  EXPECT_EQ(Seen(coordinator_, round.id), before);
}

TEST_P(OverlayTest, RegisterImportChangesWhatEverySchoolSeesButTheSchoolsOwnValueWins) {
  // The register knows 200001 and 200002 before any school.
  ImportReport r = Register(
      "leerbedrijf_id,kvk,name,address,postcode,city,lat,lon\n"
      "200001,11111111,Zorg Noord BV,Noordstraat 1,3511AA,Utrecht,52.0907,5.1214\n"
      "200002,22222222,Zorg Zuid BV,Zuidweg 2,3991AB,Houten,52.0285,5.1681\n");
  ASSERT_TRUE(r.applied) << Errors(r);
  EXPECT_EQ(r.inserted, 2);
  EXPECT_EQ(AuditCount("register.import"), 1);
  // It adds no company to any school's register.
  auto none = sm_->Companies(coordinator_);
  PL_ASSERT_OK(none);
  EXPECT_TRUE(none->empty());

  // A names 200001 itself; B only lists both (name is required, so B gives
  // the register's name for 200002 and its own for 200001).
  ImportReport a = Import(ImportKind::kCompanies,
                          "leerbedrijf_id,name,crebos\n200001,Zorg Noord (eigen naam),25480\n");
  ASSERT_TRUE(a.applied) << Errors(a);
  EXPECT_EQ(a.updated, 1);  // known to the deployment, new to A's register
  ImportReport b = Import(ImportKind::kCompanies,
                          "leerbedrijf_id,name,crebos\n200001,Zorg Noord,25480\n"
                          "200002,Zorg Zuid BV,25480\n",
                          &other_coordinator_);
  ASSERT_TRUE(b.applied) << Errors(b);

  auto company = [&](const auth::User& as, std::string_view id) {
    auto list = sm_->Companies(as);
    EXPECT_TRUE(list.ok());
    for (const Company& c : list.ok() ? *list : std::vector<Company>{})
      if (c.leerbedrijf_id == id) return c;
    ADD_FAILURE() << "no company " << id;
    return Company{};
  };
  // The register fills in what the school did not say.
  Company a1 = company(coordinator_, "200001");
  EXPECT_EQ(a1.name, "Zorg Noord (eigen naam)");
  EXPECT_EQ(a1.city, "Utrecht");
  EXPECT_EQ(a1.kvk, "11111111");
  ASSERT_TRUE(a1.coordinates);
  EXPECT_TRUE(a1.sbb_recognised);
  EXPECT_EQ(company(other_coordinator_, "200001").name, "Zorg Noord");

  // The register changes: both schools see the new facts and the
  // withdrawal; A's own name still wins at A.
  r = Register(
      "leerbedrijf_id,name,city,sbb_recognised\n"
      "200001,Zorg Noord Holding,Nieuwegein,nee\n");
  ASSERT_TRUE(r.applied) << Errors(r);
  EXPECT_EQ(r.updated, 1);
  a1 = company(coordinator_, "200001");
  Company b1 = company(other_coordinator_, "200001");
  EXPECT_EQ(a1.name, "Zorg Noord (eigen naam)");
  EXPECT_EQ(b1.name, "Zorg Noord");
  EXPECT_EQ(a1.city, "Nieuwegein");
  EXPECT_EQ(b1.city, "Nieuwegein");
  EXPECT_FALSE(a1.sbb_recognised);
  EXPECT_FALSE(b1.sbb_recognised);
  // A school cannot un-withdraw what the register withdrew.
  ImportReport ja =
      Import(ImportKind::kCompanies,
             "leerbedrijf_id,name,sbb_recognised\n200001,Zorg Noord (eigen naam),ja\n");
  ASSERT_TRUE(ja.applied) << Errors(ja);
  EXPECT_FALSE(company(coordinator_, "200001").sbb_recognised);
  Round round = OpenedRound(Spec());
  auto excluded = sm_->Exclusions(coordinator_, round.id);
  PL_ASSERT_OK(excluded);
  EXPECT_TRUE(Has(ReasonsFor(*excluded, "200001"), ExclusionReason::kSbbWithdrawn));
  EXPECT_EQ(AuditCount("register.import"), 2);
}

TEST_P(OverlayTest, RegisterImportIsTheSystemAdminsAndWholeOrNothing) {
  EXPECT_EQ(
      sm_->ImportRegister(coordinator_, "r.csv", "leerbedrijf_id,name\n200001,X\n").status().code(),
      StatusCode::kPermissionDenied);
  ImportReport ok = Register("leerbedrijf_id,name\n200001,Zorg Noord\n");
  ASSERT_TRUE(ok.applied) << Errors(ok);
  // Line 2 is fine, line 3 has a bad kvk, line 4 crebos (per school only).
  auto bad = sm_->ImportRegister(Sysadmin(), "r.csv",
                                 "leerbedrijf_id,name,kvk,crebos\n"
                                 "200001,Nieuwe Naam,,\n"
                                 "200002,Zorg Zuid,12,\n"
                                 "200003,ICT,,25998\n");
  PL_ASSERT_OK(bad);
  EXPECT_FALSE(bad->applied);
  ASSERT_EQ(bad->errors.size(), 2u) << Errors(*bad);
  EXPECT_EQ(bad->errors[0].line, 3);
  EXPECT_EQ(bad->errors[0].field, "kvk");
  EXPECT_EQ(bad->errors[1].line, 4);
  EXPECT_EQ(bad->errors[1].field, "crebos");
  EXPECT_EQ(Text("SELECT name FROM companies WHERE leerbedrijf_id = '200001'"), "Zorg Noord");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM companies"), 1);
  EXPECT_EQ(AuditCount("register.import"), 1);
}

}  // namespace
}  // namespace placement::testing
