#include "domain/privacy_notice.h"

#include <algorithm>
#include <array>

namespace domain {

namespace {

using DS = DataSubject;
using P = Permission;

constexpr std::array kSections{DS::kStudent, DS::kReporter, DS::kCompanyContact, DS::kStaff};

// Who can see what, per purpose. The meldpunt: its handlers (a lead every
// case of the school, other handlers only those assigned to them). The
// stagematching: the coordinators, the student their own, the company its
// own placements after publication. Accounts and mail: the school admin and
// the deployment's system admin. The monitor: figures only (from 5 up).
// Permissions to one's own data only (kEnterLeerwens, kSubmitOwnReport,
// kAnswerPulse) are "yourself", which the page says already: listing
// "Student" would read as if other students could see it.
constexpr std::array kMeldpunt{P::kHandleCases};
constexpr std::array kStagematching{P::kManagePlacements, P::kManageOwnCompany};
constexpr std::array kAccounts{P::kManageSchoolUsers, P::kManageSchools};
constexpr std::array kMonitor{P::kViewAggregates};
constexpr std::array kNorm{P::kManageNorm, P::kManageTraining};
constexpr std::array kAccountability{P::kViewAuditLog};
constexpr std::array kMail{P::kManageSchoolUsers, P::kManageSchools};

}  // namespace

std::span<const DataSubject> NoticeSections() { return kSections; }

bool NoticeShowsTable(const RetentionRule& rule, DataSubject section) {
  if (rule.subject == DS::kNone) return false;
  if (rule.subject == section) return true;
  return rule.subject == DS::kAnyUser && section != DS::kReporter;
}

std::vector<const RetentionRule*> NoticeTables(DataSubject section) {
  std::vector<const RetentionRule*> out;
  for (const RetentionRule& r : RetentionRules()) {
    if (NoticeShowsTable(r, section)) out.push_back(&r);
  }
  return out;
}

std::vector<Purpose> NoticePurposes(DataSubject section) {
  std::vector<Purpose> out;
  for (const RetentionRule* r : NoticeTables(section)) {
    if (std::find(out.begin(), out.end(), r->purpose) == out.end()) out.push_back(r->purpose);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::span<const Permission> PurposePermissions(Purpose purpose) {
  switch (purpose) {
    case Purpose::kMeldpunt:
      return kMeldpunt;
    case Purpose::kStagematching:
      return kStagematching;
    case Purpose::kAccounts:
      return kAccounts;
    case Purpose::kMonitor:
      return kMonitor;
    case Purpose::kNorm:
      return kNorm;
    case Purpose::kAccountability:
      return kAccountability;
    case Purpose::kMail:
      return kMail;
  }
  return {};
}

std::vector<Role> RolesWhoSee(Purpose purpose) {
  std::vector<Role> out;
  for (Role role : AllRoles()) {
    for (Permission p : PurposePermissions(purpose)) {
      if (HasPermission(role, p)) {
        out.push_back(role);
        break;
      }
    }
  }
  return out;
}

const RetentionRule& GoverningRule(const RetentionRule& rule) {
  const RetentionRule* r = &rule;
  // The catalogue's parent chains are short and end in a rule with a period
  // or kWhileInUse; the bound guards against a cycle added by mistake.
  for (int depth = 0; depth < 8 && r->start == RetentionStart::kWithParent; ++depth) {
    const RetentionRule* parent = FindRetentionRule(r->parent);
    if (parent == nullptr) break;
    r = parent;
  }
  return *r;
}

std::string NoticeTableKey(std::string_view table) { return "privacy_table_" + std::string(table); }
std::string NoticeSectionKey(DataSubject subject) {
  return "privacy_section_" + std::string(DataSubjectName(subject));
}
std::string NoticePurposeKey(Purpose purpose) {
  return "privacy_purpose_" + std::string(PurposeName(purpose));
}
std::string NoticeBasisKey(Purpose purpose) {
  return "privacy_basis_" + std::string(PurposeName(purpose));
}
std::string NoticeStartKey(RetentionStart start) {
  return "privacy_start_" + std::string(RetentionStartName(start));
}
std::string NoticeUnitKey(RetentionUnit unit, int value) {
  return "privacy_unit_" + std::string(RetentionUnitName(unit)) + (value == 1 ? "_one" : "");
}

std::vector<std::string> NoticeMessageKeys() {
  std::vector<std::string> keys;
  auto add = [&](std::string k) {
    if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(std::move(k));
  };
  for (DataSubject section : NoticeSections()) {
    add(NoticeSectionKey(section));
    for (const RetentionRule* r : NoticeTables(section)) {
      add(NoticeTableKey(r->table));
      const RetentionRule& g = GoverningRule(*r);
      add(NoticeStartKey(g.start));
    }
    for (Purpose p : NoticePurposes(section)) {
      add(NoticePurposeKey(p));
      add(NoticeBasisKey(p));
    }
  }
  for (const RetentionPeriod& p : RetentionPeriods()) {
    add(NoticeUnitKey(p.unit, 1));
    add(NoticeUnitKey(p.unit, 2));
  }
  for (Role role : AllRoles()) add("role_" + std::string(RoleName(role)));
  return keys;
}

}  // namespace domain
