// Requests and answers on both databases: validation naming the field, the
// one-month deadline, the order of the admin's list, one answer per request,
// and another school's request looking like a missing one.
#include "privacy/requests.h"

#include <gtest/gtest.h>

#include "db/backend_test.h"
#include "domain/calendar.h"

namespace privacy {
namespace {

using common::Status;
using common::StatusCode;

common::UnixMillis Day(int y, unsigned m, unsigned d) {
  return domain::StartOfDayMillis(domain::MakeDate(y, m, d)) + 10 * 3600 * 1000;
}

TEST(DueOnTest, OneCalendarMonthClampedToTheMonthsEnd) {
  EXPECT_EQ(DueOn(Day(2026, 12, 7)), "2027-01-07");
  EXPECT_EQ(DueOn(Day(2027, 1, 31)), "2027-02-28");
}

TEST(RightsTest, StudentsAndCompanyContactsOnly) {
  EXPECT_TRUE(HasAccountRights(domain::Role::kStudent));
  EXPECT_TRUE(HasAccountRights(domain::Role::kCompanyContact));
  EXPECT_FALSE(HasAccountRights(domain::Role::kSchoolAdmin));
  EXPECT_FALSE(HasAccountRights(domain::Role::kMeldpuntHandler));
}

class RequestsTest : public db::testing::BackendTest {
 protected:
  void SetUp() override {
    SetUpDatabase(/*migrated=*/true);
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(db().Write([](db::Connection& c) {
                      return c
                          .Execute(
                              "INSERT INTO schools(id, brin, name, created_at) VALUES "
                              "('s1', '99XX', 'School', 0), ('s2', '98XX', 'Other', 0)")
                          .status();
                    })
                    .ok());
  }
  common::StatusOr<Request> Make(RequestKind kind, std::string text, common::UnixMillis at,
                                 std::string school = "s1") {
    common::StatusOr<Request> r = Status::Internal("unset");
    (void)db().Write([&](db::Connection& c) -> Status {
      r = Create(c, school, "u1", kind, text, at);
      return r.status();
    });
    return r;
  }
  Status AnswerIt(const std::string& school, const std::string& id, RequestState state,
                  const std::string& reason) {
    return db().Write([&](db::Connection& c) {
      return Answer(c, school, id, state, reason, "admin", Day(2026, 12, 10));
    });
  }
};

TEST_P(RequestsTest, ACorrectionNeedsItsTextAndAnErasureDoesNot) {
  auto empty = Make(RequestKind::kCorrection, "   ", Day(2026, 12, 7));
  EXPECT_EQ(empty.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(empty.status().field(), "text");
  EXPECT_EQ(Make(RequestKind::kObjection, "", Day(2026, 12, 7)).status().field(), "text");
  EXPECT_EQ(Make(RequestKind::kCorrection, std::string(kMaxTextBytes + 1, 'x'), Day(2026, 12, 7))
                .status()
                .field(),
            "text");
  auto erasure = Make(RequestKind::kErasure, "", Day(2026, 12, 7));
  ASSERT_TRUE(erasure.ok()) << erasure.status().ToString();
  EXPECT_EQ(erasure->due_on, "2027-01-07");
  EXPECT_EQ(erasure->state, RequestState::kOpen);
}

TEST_P(RequestsTest, OpenListByDeadlineAndOneAnswerEach) {
  auto later = Make(RequestKind::kCorrection, "Naam fout", Day(2026, 12, 7));
  auto sooner = Make(RequestKind::kObjection, "Geen foto", Day(2026, 11, 20));
  auto other = Make(RequestKind::kErasure, "", Day(2026, 11, 1), "s2");
  ASSERT_TRUE(later.ok() && sooner.ok() && other.ok());
  ASSERT_TRUE(db().Read([&](db::Connection& c) -> Status {
                    SP_ASSIGN_OR_RETURN(std::vector<Request> open, ListOpen(c, "s1"));
                    EXPECT_EQ(open.size(), 2u);
                    if (open.size() == 2) {
                      EXPECT_EQ(open[0].id, sooner->id);
                      EXPECT_EQ(open[1].id, later->id);
                    }
                    return Status::Ok();
                  })
                  .ok());
  // A refusal needs its reason, named as the field.
  Status no_reason = AnswerIt("s1", later->id, RequestState::kRefused, " ");
  EXPECT_EQ(no_reason.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(no_reason.field(), "reason");
  // Another school's request is missing.
  EXPECT_EQ(AnswerIt("s1", other->id, RequestState::kRefused, "Nee").code(), StatusCode::kNotFound);
  EXPECT_TRUE(AnswerIt("s1", later->id, RequestState::kRefused, "Klopt al").ok());
  EXPECT_EQ(AnswerIt("s1", later->id, RequestState::kDone, "Toch").code(),
            StatusCode::kFailedPrecondition);
  ASSERT_TRUE(db().Write([&](db::Connection& c) -> Status {
                    SP_ASSIGN_OR_RETURN(Request r, Get(c, "s1", later->id));
                    EXPECT_EQ(r.state, RequestState::kRefused);
                    EXPECT_EQ(r.reason, "Klopt al");
                    EXPECT_EQ(r.answered_by, "admin");
                    SP_RETURN_IF_ERROR(WipeRequesterText(c, "s1", "u1"));
                    SP_ASSIGN_OR_RETURN(std::vector<Request> mine, ForUser(c, "s1", "u1"));
                    EXPECT_EQ(mine.size(), 2u);
                    for (const Request& m : mine) EXPECT_EQ(m.text, "");
                    return Status::Ok();
                  })
                  .ok());
}

INSTANTIATE_TEST_SUITE_P(Backends, RequestsTest, db::testing::kBothBackends,
                         db::testing::DialectName<::testing::TestParamInfo<db::Dialect>>);

}  // namespace
}  // namespace privacy
