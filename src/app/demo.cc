#include "app/demo.h"

#include "crypto/password.h"

namespace app {

namespace {
using common::Status;

struct DemoSchool {
  const char* brin;
  const char* name;
};
constexpr DemoSchool kSchools[] = {{"99DM", "ROC Demo"}, {"98DM", "ROC Voorbeeld"}};

struct DemoPerson {
  domain::Role role;
  const char* name;
};
constexpr DemoPerson kPeople[] = {
    {domain::Role::kStudent, "Sanne de Vries (demo)"},
    {domain::Role::kMeldpuntHandler, "Mo Bakker (demo)"},
    {domain::Role::kCoordinator, "Priya Jansen (demo)"},
    {domain::Role::kTeacher, "Kees Visser (demo)"},
    {domain::Role::kManagement, "Fatima El Amrani (demo)"},
    {domain::Role::kCompanyContact, "Tom Smit (demo)"},
    {domain::Role::kSchoolAdmin, "Lotte Mulder (demo)"},
};
}  // namespace

common::StatusOr<std::vector<DemoLogin>> SeedDemo(auth::Accounts& accounts) {
  // One hash for all demo users keeps seeding fast; each still verifies alone.
  SP_ASSIGN_OR_RETURN(std::string hash, crypto::HashPassword(kDemoPassword));
  std::vector<DemoLogin> logins;
  auto ensure_user = [&](db::Connection& c, const std::string& school_id, const std::string& login,
                         const std::string& name, domain::Role role) -> Status {
    logins.push_back({login, std::string(domain::RoleName(role)), domain::RequiresSecondFactor(role)});
    SP_ASSIGN_OR_RETURN(db::Rows existing, c.Query("SELECT id FROM users WHERE login = $1", {login}));
    if (!existing.empty()) return Status::Ok();
    SP_ASSIGN_OR_RETURN(auth::User u, accounts.CreateUser(c, {school_id, login, name, role}));
    SP_RETURN_IF_ERROR(accounts.SetPasswordHash(c, u.id, hash));
    if (domain::RequiresSecondFactor(role)) SP_RETURN_IF_ERROR(accounts.SetTotp(c, u.id, kDemoTotpSecret));
    return Status::Ok();
  };
  SP_RETURN_IF_ERROR(accounts.db().Write([&](db::Connection& c) -> Status {
    for (const DemoSchool& s : kSchools) {
      SP_ASSIGN_OR_RETURN(db::Rows found, c.Query("SELECT id FROM schools WHERE brin = $1", {s.brin}));
      std::string school_id;
      if (found.empty()) {
        SP_ASSIGN_OR_RETURN(auth::School school, accounts.CreateSchool(c, s.brin, s.name));
        school_id = school.id;
      } else {
        school_id = found.rows[0].Text(0);
      }
      std::string brin_lower = s.brin;
      for (char& ch : brin_lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      for (const DemoPerson& p : kPeople) {
        std::string login = std::string(domain::RoleName(p.role)) + "@" + brin_lower + ".demo";
        SP_RETURN_IF_ERROR(ensure_user(c, school_id, login, p.name, p.role));
      }
    }
    return ensure_user(c, "", "sysadmin@demo", "Systeembeheer (demo)", domain::Role::kSystemAdmin);
  }));
  return logins;
}

}  // namespace app
