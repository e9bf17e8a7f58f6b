#include "domain/roles.h"

#include <gtest/gtest.h>

namespace domain {
namespace {

TEST(RolesTest, NamesRoundTrip) {
  for (Role r : AllRoles()) EXPECT_EQ(ParseRole(RoleName(r)), r);
  EXPECT_FALSE(ParseRole("root").has_value());
}

TEST(RolesTest, LeastPrivilege) {
  EXPECT_TRUE(HasPermission(Role::kMeldpuntHandler, Permission::kHandleCases));
  EXPECT_FALSE(HasPermission(Role::kManagement, Permission::kHandleCases));
  EXPECT_FALSE(HasPermission(Role::kTeacher, Permission::kHandleCases));
  EXPECT_FALSE(HasPermission(Role::kCoordinator, Permission::kHandleCases));
  // Coordinators know who is placed where: a count of reports about a company
  // could point at a reporter, so the signal register is the meldpunt's (P19).
  EXPECT_FALSE(HasPermission(Role::kCoordinator, Permission::kManageCompanyPauses));
  EXPECT_TRUE(HasPermission(Role::kMeldpuntHandler, Permission::kManageCompanyPauses));
  EXPECT_TRUE(HasPermission(Role::kManagement, Permission::kViewAggregates));
  EXPECT_FALSE(HasPermission(Role::kSchoolAdmin, Permission::kManageSchools));
  EXPECT_TRUE(HasPermission(Role::kSystemAdmin, Permission::kManageSchools));
  EXPECT_FALSE(HasPermission(Role::kSystemAdmin, Permission::kHandleCases));
}

TEST(RolesTest, TheMonitorIsForManagementAndMeldpuntLeads) {
  EXPECT_TRUE(MaySeeMonitor(Role::kManagement, false));
  EXPECT_TRUE(MaySeeMonitor(Role::kMeldpuntHandler, true));
  EXPECT_FALSE(MaySeeMonitor(Role::kMeldpuntHandler, false)) << "a handler who is no lead";
  for (Role r : AllRoles()) {
    if (r == Role::kManagement || r == Role::kMeldpuntHandler) continue;
    EXPECT_FALSE(MaySeeMonitor(r, true)) << RoleName(r);
  }
}

TEST(RolesTest, SecondFactorForSensitiveRoles) {
  EXPECT_TRUE(RequiresSecondFactor(Role::kMeldpuntHandler));
  EXPECT_TRUE(RequiresSecondFactor(Role::kSchoolAdmin));
  EXPECT_TRUE(RequiresSecondFactor(Role::kSystemAdmin));
  EXPECT_FALSE(RequiresSecondFactor(Role::kStudent));
}

TEST(RolesTest, NormalizesBrinAndLogin) {
  EXPECT_EQ(*NormalizeBrin("99dm"), "99DM");
  EXPECT_FALSE(NormalizeBrin("9DMX").ok());
  EXPECT_FALSE(NormalizeBrin("99D").ok());
  EXPECT_EQ(*NormalizeLogin(" Student@99DM.demo "), "student@99dm.demo");
  EXPECT_FALSE(NormalizeLogin("nobody").ok());
  EXPECT_FALSE(NormalizeLogin("a@b@c").ok());
  EXPECT_EQ(NormalizeLogin("<x>@y").status().field(), "login");
}

}  // namespace
}  // namespace domain
