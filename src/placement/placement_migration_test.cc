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

INSTANTIATE_TEST_SUITE_P(Backends, PlacementMigrationTest, db::testing::kBothBackends,
                         db::testing::DialectName<::testing::TestParamInfo<db::Dialect>>);

}  // namespace
}  // namespace placement::testing
