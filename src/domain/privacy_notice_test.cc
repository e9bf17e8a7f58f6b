// The privacy page's facts (domain/privacy_notice.h) against the retention
// catalogue, the permissions and the `privacy` message catalogues: a table,
// purpose or period added without its words fails here.
#include "domain/privacy_notice.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "views/render.h"

namespace domain {
namespace {

TEST(PrivacyNoticeTest, EveryTableWithASubjectIsInASectionAndOnlyThere) {
  for (const RetentionRule& r : RetentionRules()) {
    int sections = 0;
    for (DataSubject s : NoticeSections()) sections += NoticeShowsTable(r, s) ? 1 : 0;
    if (r.subject == DataSubject::kNone) {
      EXPECT_EQ(sections, 0) << r.table;
    } else if (r.subject == DataSubject::kAnyUser) {
      EXPECT_EQ(sections, 3) << r.table;  // student, company contact, staff
    } else {
      EXPECT_EQ(sections, 1) << r.table;
    }
  }
  // The reporter's section holds the report and nothing of an account.
  for (const RetentionRule* r : NoticeTables(DataSubject::kReporter)) {
    EXPECT_EQ(r->subject, DataSubject::kReporter) << r->table;
  }
  auto student = NoticeTables(DataSubject::kStudent);
  EXPECT_TRUE(std::any_of(student.begin(), student.end(),
                          [](const RetentionRule* r) { return r->table == "leerwensen"; }));
}

TEST(PrivacyNoticeTest, EveryRowHasAPeriodOrIsKeptWhileInUse) {
  for (DataSubject s : NoticeSections()) {
    for (const RetentionRule* r : NoticeTables(s)) {
      const RetentionRule& g = GoverningRule(*r);
      EXPECT_NE(g.start, RetentionStart::kWithParent) << r->table << ": a parent chain that ends";
      if (g.start != RetentionStart::kWhileInUse) {
        EXPECT_NE(FindRetentionPeriod(g.period), nullptr) << r->table;
      }
    }
  }
  EXPECT_EQ(GoverningRule(*FindRetentionRule("case_messages")).table, "cases");
  EXPECT_EQ(GoverningRule(*FindRetentionRule("leerwens_choices")).table, "leerwensen");
}

TEST(PrivacyNoticeTest, WhoCanSeeComesFromThePermissions) {
  auto meldpunt = RolesWhoSee(Purpose::kMeldpunt);
  EXPECT_EQ(meldpunt, std::vector<Role>{Role::kMeldpuntHandler});
  // Management sees figures, never a report; teachers never a report.
  for (Role r : {Role::kManagement, Role::kTeacher, Role::kCoordinator}) {
    EXPECT_EQ(std::count(meldpunt.begin(), meldpunt.end(), r), 0);
  }
  // A student's own access is "yourself", never "Student" (other students).
  for (Purpose p : {Purpose::kStagematching, Purpose::kNorm, Purpose::kMeldpunt}) {
    auto roles = RolesWhoSee(p);
    EXPECT_EQ(std::count(roles.begin(), roles.end(), Role::kStudent), 0) << PurposeName(p);
  }
  for (Purpose p : {Purpose::kMeldpunt, Purpose::kStagematching, Purpose::kAccounts,
                    Purpose::kMonitor, Purpose::kNorm, Purpose::kAccountability, Purpose::kMail}) {
    EXPECT_FALSE(PurposePermissions(p).empty()) << PurposeName(p);
    for (Role role : RolesWhoSee(p)) {
      bool granted = false;
      for (Permission perm : PurposePermissions(p)) granted |= HasPermission(role, perm);
      EXPECT_TRUE(granted);
    }
  }
}

TEST(PrivacyNoticeTest, EveryTextThePageUsesIsInBothLanguages) {
  std::vector<std::string> keys = NoticeMessageKeys();
  // Every table with a subject has its own text.
  for (const RetentionRule& r : RetentionRules()) {
    if (r.subject == DataSubject::kNone) continue;
    EXPECT_NE(std::find(keys.begin(), keys.end(), NoticeTableKey(r.table)), keys.end()) << r.table;
  }
  for (views::Locale locale : {views::Locale::kNl, views::Locale::kEn}) {
    for (const std::string& key : keys) {
      EXPECT_NE(views::Translate(locale, key), key)
          << "missing text " << key << " in " << views::LocaleCode(locale);
    }
  }
  EXPECT_EQ(NoticeUnitKey(RetentionUnit::kMonths, 1), "privacy_unit_months_one");
  EXPECT_EQ(NoticeUnitKey(RetentionUnit::kMonths, 24), "privacy_unit_months");
}

}  // namespace
}  // namespace domain
