#include "app/demo.h"
#include "app/demo_norm.h"
#include "app/demo_placement.h"

#include "crypto/hash.h"
#include "crypto/password.h"
#include "crypto/random.h"

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
  const char* login_prefix;  // "" = the role's name
};
constexpr DemoPerson kPeople[] = {
    {domain::Role::kStudent, "Sanne de Vries (demo)", ""},
    {domain::Role::kMeldpuntHandler, "Mo Bakker (demo)", ""},
    {domain::Role::kMeldpuntHandler, "Noor Hendriks (demo)", "meldpunt2"},
    {domain::Role::kCoordinator, "Priya Jansen (demo)", ""},
    {domain::Role::kTeacher, "Kees Visser (demo)", ""},
    {domain::Role::kManagement, "Fatima El Amrani (demo)", ""},
    {domain::Role::kCompanyContact, "Tom Smit (demo)", ""},
    {domain::Role::kSchoolAdmin, "Lotte Mulder (demo)", ""},
};

struct DemoCompany {
  const char* leerbedrijf_id;
  const char* kvk;
  const char* name;
  const char* city;
  const char* sector;
};
constexpr DemoCompany kCompanies[] = {
    {"100001", "90000001", "Bakkerij De Korenschoof (demo)", "Utrecht", "food"},
    {"100002", "90000002", "Autobedrijf Van Dijk (demo)", "Amersfoort", "mobility"},
    {"100003", "90000003", "Zorgcentrum De Linde (demo)", "Utrecht", "care"},
    {"100004", "90000004", "ICT Huis Midden (demo)", "Nieuwegein", "ict"},
    {"100005", "90000005", "Hotel Stadszicht (demo)", "Utrecht", "hospitality"},
    {"100006", "90000006", "Installatietechniek Oost (demo)", "Zeist", "technology"},
    {"100007", "90000007", "Kinderopvang Zonnestraal (demo)", "Houten", "care"},
    {"100008", "90000008", "Logistiek Centrum A12 (demo)", "Bunnik", "logistics"},
};

struct DemoReport {
  domain::Phase phase;
  std::vector<domain::Ground> grounds;
  const char* narrative;
  const char* leerbedrijf_id;
  domain::ReportMode mode;
  domain::CaseStatus status;
  std::vector<domain::Actor> actors;  // who did it
};

std::vector<DemoReport> Reports() {
  using G = domain::Ground;
  using A = domain::Actor;
  return {
      {domain::Phase::kSearch,
       {G::kOrigin},
       "Ik belde over een stageplek. Toen ik mijn naam zei, was de plek ineens vol. Mijn "
       "klasgenoot belde een uur later en mocht op gesprek komen.",
       "100001",
       domain::ReportMode::kAnonymous,
       domain::CaseStatus::kReceived,
       {A::kCompany}},
      {domain::Phase::kInternship,
       {G::kReligion},
       "Mijn begeleider maakt opmerkingen over mijn hoofddoek en ik krijg alleen schoonmaakwerk.",
       "100005",
       domain::ReportMode::kConfidential,
       domain::CaseStatus::kInProgress,
       {A::kCompany}},
      {domain::Phase::kSearch,
       {G::kDisability},
       "Bij het gesprek vroegen ze naar mijn beperking en daarna hoorde ik niets meer.",
       "100004",
       domain::ReportMode::kAnonymous,
       domain::CaseStatus::kIntake,
       {A::kCompany}},
      {domain::Phase::kInternship,
       {G::kSkinColour, G::kOrigin},
       "Collega's maakten grappen over mijn huidskleur. De stage is gestopt en ik heb een nieuwe "
       "plek.",
       "100005",
       domain::ReportMode::kNamed,
       domain::CaseStatus::kClosed,
       {A::kColleague}},
  };
}

// The demo companies are the deployment's register (their facts stand in for
// the system admin's register import), in every demo school's register.
Status EnsureCompanies(db::Connection& c, const std::string& school_id, common::UnixMillis now) {
  for (const DemoCompany& co : kCompanies) {
    SP_RETURN_IF_ERROR(
        c.Execute("INSERT INTO companies(id, leerbedrijf_id, kvk, name, city, sector, created_at) "
                  "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (leerbedrijf_id) DO NOTHING",
                  // Random like every record id (ids appear in URLs); the leerbedrijf
                  // number keeps the seed idempotent.
                  {crypto::RandomId(), co.leerbedrijf_id, co.kvk, co.name,
                   co.city, co.sector, now})
            .status());
    SP_RETURN_IF_ERROR(
        c.Execute(
             "INSERT INTO school_companies(school_id, company_id) SELECT $1, id FROM companies "
             "WHERE leerbedrijf_id = $2 ON CONFLICT DO NOTHING",
             {school_id, co.leerbedrijf_id})
            .status());
  }
  return Status::Ok();
}

// The demo recovery key (a fixed, documented code; never for real use).
Status EnsureRecoveryKey(db::Connection& c, const std::string& school_id, common::UnixMillis now) {
  auto raw = crypto::Base32Decode(kDemoRecoveryCode);
  if (!raw.ok()) return raw.status();
  SP_ASSIGN_OR_RETURN(crypto::KeyPair pair, crypto::KeyPair::FromSecretKey(*raw));
  return c
      .Execute(
          "INSERT INTO school_settings(school_id, recovery_public_key, updated_at) VALUES ($1, $2, "
          "$3) "
          "ON CONFLICT (school_id) DO NOTHING",
          {school_id, db::Blob{std::string(pair.public_key())}, now})
      .status();
}

// A few reports in different states, so every page has something to show.
Status SeedReports(App& app, const auth::School& school) {
  bool empty = false;
  SP_RETURN_IF_ERROR(app.db().Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(db::Row n,
                        c.QueryOne("SELECT COUNT(*) FROM cases WHERE school_id = $1", {school.id}));
    empty = n.Int(0) == 0;
    return Status::Ok();
  }));
  if (!empty) return Status::Ok();
  std::string brin_lower = school.brin;
  for (char& ch : brin_lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  SP_ASSIGN_OR_RETURN(auth::User lead,
                      app.accounts().UserByLogin("meldpunt@" + brin_lower + ".demo"));
  std::string cookie;
  SP_RETURN_IF_ERROR(app.db().Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(cookie, app.keyring().UnlockAtLogin(c, lead.id, school.id, kDemoPassword,
                                                            app.clock().NowMillis() + 60000));
    return Status::Ok();
  }));
  SP_ASSIGN_OR_RETURN(meldpunt::Staff staff, app.meldpunt().StaffFor(lead, cookie));
  for (const DemoReport& r : Reports()) {
    domain::ReportDraft d;
    d.mode = r.mode;
    d.phase = r.phase;
    d.grounds = r.grounds;
    d.actors = r.actors;
    d.narrative = r.narrative;
    d.company.leerbedrijf_id = r.leerbedrijf_id;
    d.wishes = {domain::Wish::kTalk};
    d.consents = {domain::Consent::kContactCompany};
    if (r.mode != domain::ReportMode::kAnonymous)
      d.reporter = domain::ReporterIdentity{"Demo Student", "D0000001", ""};
    SP_ASSIGN_OR_RETURN(meldpunt::Receipt receipt, app.meldpunt().Submit(school, d, std::nullopt));
    SP_RETURN_IF_ERROR(app.meldpunt().Assign(staff, receipt.case_id, lead.id));
    for (domain::CaseStatus st : {domain::CaseStatus::kIntake, domain::CaseStatus::kInProgress,
                                  domain::CaseStatus::kAftercare, domain::CaseStatus::kClosed}) {
      if (static_cast<int>(st) > static_cast<int>(r.status)) break;
      std::optional<domain::Outcome> outcome;
      if (st == domain::CaseStatus::kClosed) outcome = domain::Outcome::kNewPlacement;
      SP_RETURN_IF_ERROR(
          app.meldpunt().Transition(staff, receipt.case_id, st, outcome,
                                    outcome ? "Het bedrijf is gesproken en gepauzeerd." : ""));
      if (st == domain::CaseStatus::kIntake) {
        SP_RETURN_IF_ERROR(app.meldpunt().StaffMessage(
            staff, receipt.case_id,
            "Dank je voor je melding. We geloven je en nemen dit serieus."));
      }
    }
  }
  return app.db().Write([&](db::Connection& c) { return app.keyring().EndKeySession(c, cookie); });
}

}  // namespace

common::StatusOr<std::vector<DemoLogin>> SeedDemo(App& app) {
  auth::Accounts& accounts = app.accounts();
  // One hash for all demo users keeps seeding fast; each still verifies alone.
  SP_ASSIGN_OR_RETURN(std::string hash, crypto::HashPassword(kDemoPassword));
  std::vector<DemoLogin> logins;
  auto ensure_user = [&](db::Connection& c, const std::string& school_id, const std::string& login,
                         const std::string& name, domain::Role role) -> Status {
    logins.push_back(
        {login, std::string(domain::RoleName(role)), domain::RequiresSecondFactor(role)});
    SP_ASSIGN_OR_RETURN(db::Rows existing,
                        c.Query("SELECT id FROM users WHERE login = $1", {login}));
    if (!existing.empty()) return Status::Ok();
    SP_ASSIGN_OR_RETURN(auth::User u, accounts.CreateUser(c, {school_id, login, name, role}));
    SP_RETURN_IF_ERROR(accounts.SetPasswordHash(c, u.id, hash));
    if (domain::RequiresSecondFactor(role))
      SP_RETURN_IF_ERROR(accounts.SetTotp(c, u.id, kDemoTotpSecret));
    if (role == domain::Role::kMeldpuntHandler && login.rfind("meldpunt@", 0) == 0) {
      SP_RETURN_IF_ERROR(
          c.Execute("UPDATE users SET meldpunt_lead = 1 WHERE id = $1", {u.id}).status());
    }
    return Status::Ok();
  };
  std::vector<auth::School> schools;
  common::UnixMillis now = app.clock().NowMillis();
  SP_RETURN_IF_ERROR(accounts.db().Write([&](db::Connection& c) -> Status {
    for (const DemoSchool& s : kSchools) {
      SP_ASSIGN_OR_RETURN(db::Rows found,
                          c.Query("SELECT id FROM schools WHERE brin = $1", {s.brin}));
      auth::School school{"", s.brin, s.name};
      if (found.empty()) {
        SP_ASSIGN_OR_RETURN(school, accounts.CreateSchool(c, s.brin, s.name));
      } else {
        school.id = found.rows[0].Text(0);
      }
      schools.push_back(school);
      SP_RETURN_IF_ERROR(EnsureRecoveryKey(c, school.id, now));
      SP_RETURN_IF_ERROR(EnsureCompanies(c, school.id, now));
      std::string brin_lower = s.brin;
      for (char& ch : brin_lower)
        ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      // The school admin creates logins only in the school's own domain.
      SP_RETURN_IF_ERROR(accounts.SetLoginDomains(c, school.id, {brin_lower + ".demo"}));
      for (const DemoPerson& p : kPeople) {
        std::string prefix =
            *p.login_prefix ? p.login_prefix : std::string(domain::RoleName(p.role));
        prefix.append("@").append(brin_lower).append(".demo");  // the login
        SP_RETURN_IF_ERROR(ensure_user(c, school.id, prefix, p.name, p.role));
      }
    }
    return ensure_user(c, "", "sysadmin@demo", "Systeembeheer (demo)", domain::Role::kSystemAdmin);
  }));
  for (const auth::School& school : schools) SP_RETURN_IF_ERROR(SeedReports(app, school));
  SP_RETURN_IF_ERROR(SeedPlacementDemo(app));
  SP_RETURN_IF_ERROR(SeedNormDemo(app));
  return logins;
}

}  // namespace app
