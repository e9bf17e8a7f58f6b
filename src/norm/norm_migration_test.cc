// Migration 0008 (norm module) keeps the norm versions that stagematching
// stored as one text: the text becomes the "norm" section, the new sections
// start empty, companies' acceptances still refer to the same version, and
// the placement service's insert (without the new columns) keeps working.
#include <gtest/gtest.h>

#include "db/backend_test.h"

namespace norm {
namespace {

using common::Status;

class NormMigrationTest : public db::testing::BackendTest {
 protected:
  void SetUp() override { SetUpDatabase(/*migrated=*/false); }
};

TEST_P(NormMigrationTest, NormVersionsFrom0006SurviveWithEmptySections) {
  Status s = db::testing::CheckMigrationKeepsData(
      db(), 6,
      [](db::Connection& c) -> Status {
        SP_RETURN_IF_ERROR(c.Execute("INSERT INTO schools (id, brin, name, created_at) VALUES "
                                     "('s1', '00AA', 'ROC Test', 1000)")
                               .status());
        SP_RETURN_IF_ERROR(c.Execute("INSERT INTO companies (id, leerbedrijf_id, name, created_at) "
                                     "VALUES ('c1', '100001', 'Bakkerij', 1000)")
                               .status());
        SP_RETURN_IF_ERROR(c.Execute("INSERT INTO norm_versions (school_id, version, text_nl, "
                                     "text_en, published_at, published_by) VALUES ('s1', 1, "
                                     "'Wij discrimineren niet', 'We do not discriminate', 2000, "
                                     "'u1')")
                               .status());
        return c
            .Execute("INSERT INTO norm_acceptances (school_id, company_id, version, accepted_at, "
                     "accepted_by) VALUES ('s1', 'c1', 1, 3000, 'u2')")
            .status();
      },
      [](db::Connection& c) -> Status {
        SP_ASSIGN_OR_RETURN(db::Row r,
                            c.QueryOne("SELECT text_nl, text_en, definition_nl, definition_en, "
                                       "report_nl, next_en FROM norm_versions WHERE school_id = "
                                       "'s1' AND version = 1"));
        EXPECT_EQ(r.Text(0), "Wij discrimineren niet");
        EXPECT_EQ(r.Text(1), "We do not discriminate");
        for (size_t i = 2; i < 6; ++i) EXPECT_EQ(r.Text(i), "") << i;
        SP_ASSIGN_OR_RETURN(db::Row a, c.QueryOne("SELECT COUNT(*) FROM norm_acceptances n JOIN "
                                                  "norm_versions v ON v.school_id = n.school_id "
                                                  "AND v.version = n.version"));
        EXPECT_EQ(a.Int(0), 1);
        return Status::Ok();
      },
      8);
  ASSERT_TRUE(s.ok()) << s.ToString();
  // The stagematching service's insert, which names only the old columns.
  s = db().Write([](db::Connection& c) {
    return c
        .Execute("INSERT INTO norm_versions(school_id, version, text_nl, text_en, published_at, "
                 "published_by) VALUES ('s1', 2, 'Norm', 'Norm', 4000, 'u1')")
        .status();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
}

INSTANTIATE_TEST_SUITE_P(Backends, NormMigrationTest, db::testing::kBothBackends,
                         db::testing::DialectName<::testing::TestParamInfo<db::Dialect>>);

}  // namespace
}  // namespace norm
