#include "notify/notifications.h"

#include <gtest/gtest.h>

#include <memory>

#include "db/backend_test.h"

namespace notify {
namespace {

class NotificationsTest : public db::testing::BackendTest {
 protected:
  void SetUp() override {
    SetUpDatabase(/*migrated=*/true);
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(db().Write([](db::Connection& c) -> common::Status {
                      SP_RETURN_IF_ERROR(c.Execute("INSERT INTO schools(id, brin, name, created_at) "
                                                   "VALUES ('s1', '99XX', 'School', 0)")
                                             .status());
                      for (const char* u : {"u1", "u2"}) {
                        SP_RETURN_IF_ERROR(
                            c.Execute("INSERT INTO users(id, school_id, login, display_name, role, "
                                      "created_at) VALUES ($1, 's1', $1, $1, 'meldpunt_handler', 0)",
                                      {std::string(u)})
                                .status());
                      }
                      return common::Status::Ok();
                    })
                    .ok());
    notifications_ = std::make_unique<Notifications>(db(), clock_);
  }
  bool AddFor(const std::string& user, const std::string& object) {
    bool added = false;
    EXPECT_TRUE(db().Write([&](db::Connection& c) -> common::Status {
                      SP_ASSIGN_OR_RETURN(added, Add(c,
                                                     {"s1", user, "first_contact_overdue",
                                                      "M-2026-0001", "/meldpunt/zaken/" + object,
                                                      object},
                                                     clock_.NowMillis()));
                      return common::Status::Ok();
                    })
                    .ok());
    return added;
  }

  common::FakeClock clock_{1'700'000'000'000};
  Notifications& notifications() { return *notifications_; }
  std::unique_ptr<Notifications> notifications_;
};

TEST_P(NotificationsTest, EachAlertOncePerUser) {
  EXPECT_TRUE(AddFor("u1", "c1"));
  EXPECT_FALSE(AddFor("u1", "c1"));
  EXPECT_TRUE(AddFor("u2", "c1"));
  EXPECT_TRUE(AddFor("u1", "c2"));
  auto unread = notifications().Unread("u1");
  ASSERT_TRUE(unread.ok());
  ASSERT_EQ(unread->size(), 2u);
  EXPECT_EQ((*unread)[0].subject, "M-2026-0001");
  EXPECT_EQ((*unread)[0].kind, "first_contact_overdue");
}

TEST_P(NotificationsTest, OnlyTheOwnerMarksRead) {
  ASSERT_TRUE(AddFor("u1", "c1"));
  std::string id = (*notifications().Unread("u1"))[0].id;
  EXPECT_EQ(notifications().MarkRead("u2", id).code(), common::StatusCode::kNotFound);
  EXPECT_TRUE(notifications().MarkRead("u1", id).ok());
  EXPECT_TRUE(notifications().Unread("u1")->empty());
  EXPECT_EQ(notifications().MarkRead("u1", id).code(), common::StatusCode::kNotFound);
  // Read stays read: raising it again does not bring it back.
  EXPECT_FALSE(AddFor("u1", "c1"));
  EXPECT_TRUE(notifications().Unread("u1")->empty());
}

TEST_P(NotificationsTest, RemovedWithTheirSubject) {
  ASSERT_TRUE(AddFor("u1", "c1"));
  ASSERT_TRUE(AddFor("u2", "c1"));
  ASSERT_TRUE(AddFor("u1", "c2"));
  ASSERT_TRUE(db().Write([](db::Connection& c) { return RemoveFor(c, "c1"); }).ok());
  EXPECT_EQ(notifications().Unread("u1")->size(), 1u);
  EXPECT_TRUE(notifications().Unread("u2")->empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, NotificationsTest, db::testing::kBothBackends,
                         db::testing::DialectName<::testing::TestParamInfo<db::Dialect>>);

}  // namespace
}  // namespace notify
