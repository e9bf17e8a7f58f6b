// Migration 0003 (stagematching) keeps the data of 0002: the shared company
// register gains coordinates (empty for existing companies) and the new
// tables accept rows that refer to it.
#include <gtest/gtest.h>

#include "db/backend_test.h"

namespace placement::testing {
namespace {

using common::Status;

class PlacementMigrationTest : public db::testing::BackendTest {
 protected:
  void SetUp() override { SetUpDatabase(/*migrated=*/false); }
};

TEST_P(PlacementMigrationTest, DataFrom0002SurvivesLatest) {
  Status s = db::testing::CheckMigrationKeepsData(
      db(), 2,
      [](db::Connection& c) -> Status {
        SP_RETURN_IF_ERROR(c.Execute("INSERT INTO schools (id, brin, name, created_at) VALUES "
                                     "('s1', '00AA', 'ROC Test', 1000)")
                               .status());
        SP_RETURN_IF_ERROR(c.Execute("INSERT INTO companies (id, leerbedrijf_id, name, created_at) "
                                     "VALUES ('c1', '100001', 'Bakkerij', 1000)")
                               .status());
        return c.Execute("INSERT INTO school_companies (school_id, company_id) VALUES ('s1', 'c1')")
            .status();
      },
      [](db::Connection& c) -> Status {
        SP_ASSIGN_OR_RETURN(db::Row r, c.QueryOne("SELECT name, lat, lon, sbb_recognised FROM "
                                                  "companies WHERE leerbedrijf_id = '100001'"));
        EXPECT_EQ(r.Text(0), "Bakkerij");
        EXPECT_TRUE(r.IsNull(1));
        EXPECT_TRUE(r.IsNull(2));
        EXPECT_EQ(r.Int(3), 1);
        return Status::Ok();
      },
      3);
  ASSERT_TRUE(s.ok()) << s.ToString();
  // The new tables accept rows that refer to the old register.
  s = db().Write([](db::Connection& c) {
    return c.Execute("INSERT INTO leerplaatsen (id, school_id, company_id, crebo, period, "
                     "capacity, created_at, updated_at) VALUES ('l1', 's1', 'c1', '25480', 'P1', "
                     "2, 0, 0)")
        .status();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  // A negative capacity is refused by the schema itself.
  s = db().Write([](db::Connection& c) {
    return c.Execute("INSERT INTO leerplaatsen (id, school_id, company_id, crebo, period, "
                     "capacity, created_at, updated_at) VALUES ('l2', 's1', 'c1', '25480', 'P2', "
                     "-1, 0, 0)")
        .status();
  });
  EXPECT_FALSE(s.ok());
}

// Migration 0009 (the school's overlay on the register): every school that
// has a company keeps seeing what it saw, while the shared row keeps nothing a
// school wrote, so one school's earlier import no longer reaches another.
TEST_P(PlacementMigrationTest, DataFrom0008SurvivesAsEachSchoolsOverlay) {
  Status s = db::testing::CheckMigrationKeepsData(
      db(), 8,
      [](db::Connection& c) -> Status {
        SP_RETURN_IF_ERROR(c.Execute("INSERT INTO schools (id, brin, name, created_at) VALUES "
                                     "('s1', '00AA', 'ROC Een', 1000), "
                                     "('s2', '00BB', 'ROC Twee', 1000)")
                               .status());
        SP_RETURN_IF_ERROR(
            c.Execute("INSERT INTO companies (id, leerbedrijf_id, kvk, name, address, postcode, "
                      "city, sector, sbb_recognised, lat, lon, created_at) VALUES "
                      "('c1', '100001', '12345678', '<b>Bakkerij</b>', 'Dorpsstraat 1', "
                      "'3511AA', 'Utrecht', 'horeca', 0, 52.1, 5.1, 1000), "
                      "('c2', '100002', '', 'Los Bedrijf', '', '', 'Ede', 'zorg', 1, NULL, NULL, "
                      "1000)")
                .status());
        return c
            .Execute(
                "INSERT INTO school_companies (school_id, company_id) VALUES ('s1', 'c1'), "
                "('s2', 'c1')")
            .status();
      },
      [](db::Connection& c) -> Status {
        for (const char* school : {"s1", "s2"}) {
          SP_ASSIGN_OR_RETURN(
              db::Row r,
              c.QueryOne("SELECT name, kvk, address, postcode, city, lat, lon, sector, "
                         "sbb_recognised FROM school_company_view WHERE school_id = $1 AND "
                         "id = 'c1'",
                         {school}));
          EXPECT_EQ(r.Text(0), "<b>Bakkerij</b>") << school;
          EXPECT_EQ(r.Text(1), "12345678");
          EXPECT_EQ(r.Text(2), "Dorpsstraat 1");
          EXPECT_EQ(r.Text(3), "3511AA");
          EXPECT_EQ(r.Text(4), "Utrecht");
          EXPECT_DOUBLE_EQ(r.Double(5), 52.1);
          EXPECT_DOUBLE_EQ(r.Double(6), 5.1);
          EXPECT_EQ(r.Text(7), "horeca");
          EXPECT_EQ(r.Int(8), 0);
        }
        // The shared row: identity and sector kept, school-written facts gone.
        SP_ASSIGN_OR_RETURN(db::Row reg,
                            c.QueryOne("SELECT leerbedrijf_id, name, city, sector, "
                                       "sbb_recognised, lat FROM companies WHERE id = 'c1'"));
        EXPECT_EQ(reg.Text(0), "100001");
        EXPECT_EQ(reg.Text(1), "");
        EXPECT_EQ(reg.Text(2), "");
        EXPECT_EQ(reg.Text(3), "horeca");
        EXPECT_EQ(reg.Int(4), 1);
        EXPECT_TRUE(reg.IsNull(5));
        // A company no school links to keeps its facts.
        SP_ASSIGN_OR_RETURN(db::Row lone,
                            c.QueryOne("SELECT name, city FROM companies WHERE id = 'c2'"));
        EXPECT_EQ(lone.Text(0), "Los Bedrijf");
        EXPECT_EQ(lone.Text(1), "Ede");
        return Status::Ok();
      },
      9);
  ASSERT_TRUE(s.ok()) << s.ToString();
}

INSTANTIATE_TEST_SUITE_P(Backends, PlacementMigrationTest, db::testing::kBothBackends,
                         db::testing::DialectName<::testing::TestParamInfo<db::Dialect>>);

}  // namespace
}  // namespace placement::testing
