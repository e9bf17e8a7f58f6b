// Migration 0010 (pauses with hoor en wederhoor, cross-school signal) keeps
// the pauses made before it: one in effect stays active (it excluded the
// company already), a lifted one stays lifted, and the free text typed then
// becomes the leads' internal note while everyone else gets the neutral
// reason. On SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include "db/backend_test.h"

namespace meldpunt {
namespace {

using common::Status;

class PauseMigrationTest : public db::testing::BackendTest {
 protected:
  void SetUp() override { SetUpDatabase(/*migrated=*/false); }
};

TEST_P(PauseMigrationTest, PausesFrom0008SurviveAsActiveOrLifted) {
  Status s = db::testing::CheckMigrationKeepsData(
      db(), 8,
      [](db::Connection& c) -> Status {
        SP_RETURN_IF_ERROR(c.Execute("INSERT INTO schools (id, brin, name, created_at) VALUES "
                                     "('s1', '00AA', 'ROC Test', 1000)")
                               .status());
        SP_RETURN_IF_ERROR(c.Execute("INSERT INTO companies (id, leerbedrijf_id, name, created_at) "
                                     "VALUES ('c1', '100001', 'Bakkerij', 1000)")
                               .status());
        SP_RETURN_IF_ERROR(c.Execute("INSERT INTO company_pauses (id, school_id, company_id, "
                                     "reason, until_date, created_by, created_at) VALUES ('p1', "
                                     "'s1', 'c1', 'Twee meldingen', '2099-12-31', 'u1', 2000)")
                               .status());
        return c
            .Execute(
                "INSERT INTO company_pauses (id, school_id, company_id, reason, until_date, "
                "created_by, created_at, lifted_at, lifted_by) VALUES ('p0', 's1', 'c1', "
                "'Oud', '2099-12-31', 'u1', 1500, 1600, 'u2')")
            .status();
      },
      [](db::Connection& c) -> Status {
        SP_ASSIGN_OR_RETURN(db::Rows rows,
                            c.Query("SELECT id, state, reason_code, reason, respond_by, "
                                    "urgent_reason FROM company_pauses ORDER BY id"));
        EXPECT_EQ(rows.rows.size(), 2u);
        if (rows.rows.size() != 2) return Status::Ok();
        EXPECT_EQ(rows.rows[0].Text(0), "p0");
        EXPECT_EQ(rows.rows[0].Text(1), "lifted");
        EXPECT_EQ(rows.rows[1].Text(1), "active");
        EXPECT_EQ(rows.rows[1].Text(2), "awaiting_talks");
        EXPECT_EQ(rows.rows[1].Text(3), "Twee meldingen");
        EXPECT_EQ(rows.rows[1].Text(4), "");
        EXPECT_TRUE(rows.rows[1].IsNull(5));
        SP_ASSIGN_OR_RETURN(db::Row n, c.QueryOne("SELECT COUNT(*) FROM company_signals"));
        EXPECT_EQ(n.Int(0), 0);
        return Status::Ok();
      },
      10);
  ASSERT_TRUE(s.ok()) << s.ToString();
}

INSTANTIATE_TEST_SUITE_P(Backends, PauseMigrationTest, db::testing::kBothBackends,
                         db::testing::DialectName<::testing::TestParamInfo<db::Dialect>>);

}  // namespace
}  // namespace meldpunt
