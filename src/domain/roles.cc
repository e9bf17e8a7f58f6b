#include "domain/roles.h"

#include <array>
#include <cctype>

namespace domain {

namespace {
struct RoleInfo {
  Role role;
  std::string_view name;
};
constexpr std::array<RoleInfo, 8> kRoles{{
    {Role::kStudent, "student"},
    {Role::kMeldpuntHandler, "meldpunt"},
    {Role::kCoordinator, "coordinator"},
    {Role::kTeacher, "teacher"},
    {Role::kManagement, "management"},
    {Role::kCompanyContact, "company"},
    {Role::kSchoolAdmin, "admin"},
    {Role::kSystemAdmin, "sysadmin"},
}};
}  // namespace

std::string_view RoleName(Role role) {
  for (const auto& info : kRoles) {
    if (info.role == role) return info.name;
  }
  return "unknown";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (const auto& info : kRoles) {
    if (info.name == name) return info.role;
  }
  return std::nullopt;
}

const std::vector<Role>& AllRoles() {
  static const std::vector<Role> roles = [] {
    std::vector<Role> out;
    out.reserve(kRoles.size());
    for (const auto& info : kRoles) out.push_back(info.role);
    return out;
  }();
  return roles;
}

bool RequiresSecondFactor(Role role) {
  return role == Role::kMeldpuntHandler || role == Role::kSchoolAdmin || role == Role::kSystemAdmin;
}

bool HasPermission(Role role, Permission permission) {
  switch (permission) {
    case Permission::kViewOwnDashboard:
      return true;
    case Permission::kManageSchoolUsers:
      return role == Role::kSchoolAdmin;
    case Permission::kManageSchools:
      return role == Role::kSystemAdmin;
    case Permission::kHandleCases:
      return role == Role::kMeldpuntHandler;
    case Permission::kViewAggregates:
      return role == Role::kManagement || role == Role::kMeldpuntHandler;
    case Permission::kManagePlacements:
      return role == Role::kCoordinator;
    case Permission::kViewAuditLog:
      return role == Role::kSchoolAdmin || role == Role::kSystemAdmin;
    case Permission::kReportOnBehalf:
      return role == Role::kTeacher || role == Role::kCoordinator || role == Role::kMeldpuntHandler;
    case Permission::kManageCompanyPauses:
      // The meldpunt's leads (checked by the service): coordinators know who
      // is placed where, so they see a pause and its neutral reason, never
      // the signal register (P19).
      return role == Role::kMeldpuntHandler;
    case Permission::kRecoverCaseKeys:
      return role == Role::kSchoolAdmin;
    case Permission::kSubmitOwnReport:
    case Permission::kEnterLeerwens:
      return role == Role::kStudent;
    case Permission::kManageOwnCompany:
      return role == Role::kCompanyContact;
    case Permission::kManageNorm:
      return role == Role::kCoordinator || role == Role::kManagement;
    case Permission::kManageSelfAssessment:
      return role == Role::kManagement || role == Role::kMeldpuntHandler ||
             role == Role::kSchoolAdmin;
    case Permission::kManageTraining:
      return role == Role::kManagement || role == Role::kSchoolAdmin;
    case Permission::kAnswerPulse:
      return role == Role::kStudent;
  }
  return false;
}

bool MaySeeMonitor(Role role, bool meldpunt_lead) {
  if (!HasPermission(role, Permission::kViewAggregates)) return false;
  return role == Role::kManagement || (role == Role::kMeldpuntHandler && meldpunt_lead);
}

common::StatusOr<std::string> NormalizeBrin(std::string_view brin) {
  std::string out;
  for (char c : brin) out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  bool ok = out.size() == 4 && std::isdigit(static_cast<unsigned char>(out[0])) &&
            std::isdigit(static_cast<unsigned char>(out[1])) &&
            std::isalnum(static_cast<unsigned char>(out[2])) &&
            std::isalnum(static_cast<unsigned char>(out[3]));
  if (!ok)
    return common::Status::InvalidArgument("BRIN must be 2 digits and 2 letters or digits", "brin");
  return out;
}

common::StatusOr<std::string> NormalizeLogin(std::string_view login) {
  std::string out;
  for (char c : login) {
    if (c == ' ' || c == '\t') continue;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  size_t at = out.find('@');
  if (out.size() < 3 || out.size() > 254 || at == std::string::npos || at == 0 ||
      at == out.size() - 1 || out.find('@', at + 1) != std::string::npos) {
    return common::Status::InvalidArgument("login must look like name@domain", "login");
  }
  for (char c : out) {
    if (static_cast<unsigned char>(c) < 0x21 || c == '<' || c == '>' || c == '"') {
      return common::Status::InvalidArgument("login contains characters that are not allowed",
                                             "login");
    }
  }
  return out;
}

common::StatusOr<std::string> NormalizeLoginDomain(std::string_view domain) {
  std::string out;
  for (char c : domain) {
    if (c == ' ' || c == '\t') continue;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  size_t dot = out.find('.');
  bool shape = !out.empty() && out.size() <= 253 && dot != std::string::npos &&
               out.front() != '.' && out.back() != '.' && out.find("..") == std::string::npos;
  for (char c : out) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) shape = false;
  }
  if (!shape)
    return common::Status::InvalidArgument("a login domain looks like school.nl", "domains");
  return out;
}

std::string_view LoginDomainOf(std::string_view normalized_login) {
  size_t at = normalized_login.rfind('@');
  return at == std::string_view::npos ? std::string_view() : normalized_login.substr(at + 1);
}

}  // namespace domain
