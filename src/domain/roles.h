// File: domain/roles.h
//
// Who may do what. Pure rules, no I/O: the web layer asks these functions and
// never compares role names itself, so least privilege is decided in one place.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace domain {

enum class Role {
  kStudent,
  kMeldpuntHandler,  // handles reports (cases) at one school
  kCoordinator,      // placement coordinator (stagematching)
  kTeacher,          // stagebegeleider
  kManagement,       // sees aggregates only, never case content
  kCompanyContact,   // contact person at a learning company
  kSchoolAdmin,      // manages users of one school
  kSystemAdmin,      // manages schools on the deployment; no school of its own
};

std::string_view RoleName(Role role);  // stable id used in the database
std::optional<Role> ParseRole(std::string_view name);
const std::vector<Role>& AllRoles();

// Second factor (TOTP) is mandatory for roles that can reach case content or
// manage accounts.
bool RequiresSecondFactor(Role role);

enum class Permission {
  kViewOwnDashboard,
  kManageSchoolUsers,
  kManageSchools,
  kHandleCases,
  kViewAggregates,
  kManagePlacements,
  kViewAuditLog,
  kReportOnBehalf,       // register a report for a student (mentor, coordinator)
  kManageCompanyPauses,  // the signal register and pauses (meldpunt leads only)
  kRecoverCaseKeys,      // use the school's recovery key (school admin)
  kSubmitOwnReport,      // the report form with the student's details filled in
  kEnterLeerwens,        // a student's own leerwens and placement (stagematching)
  kManageOwnCompany,     // a company contact's places, norm acceptance, placements
  kManageNorm,           // publish the school's norm page (sections, versions)
  kManageSelfAssessment, // the self-assessment (meldpunt handlers only as lead)
  kManageTraining,       // the staff training register
  kAnswerPulse,          // the student's own norm reading and pulse survey
};

bool HasPermission(Role role, Permission permission);

// Who may see the school's monitor figures: its dashboard, yearly report and
// exports, and the statistics API alike. kViewAggregates admits management
// and meldpunt handlers to the routes; of the handlers only the leads, who
// oversee the meldpunt as a whole, see the figures (app::monui::MaySee).
bool MaySeeMonitor(Role role, bool meldpunt_lead);

// A school's BRIN code: four characters, two digits then two letters or
// digits ("99DM", "25LP"). Returned upper case.
common::StatusOr<std::string> NormalizeBrin(std::string_view brin);

// Logins are case-insensitive e-mail-like names ("student@99dm.demo").
common::StatusOr<std::string> NormalizeLogin(std::string_view login);

// Login domains: the part after '@' of a normalised login. A school's list of
// login domains ("99dm.demo") is what its school admin may create logins in,
// so login names are per school and one school cannot probe another's.
// A domain is 1 to 253 characters of a-z, 0-9, '-' and '.', with a '.' that
// is neither first nor last. Returned lower case.
common::StatusOr<std::string> NormalizeLoginDomain(std::string_view domain);
// The domain of a login from NormalizeLogin ("99dm.demo" for "a@99dm.demo").
std::string_view LoginDomainOf(std::string_view normalized_login);

}  // namespace domain
