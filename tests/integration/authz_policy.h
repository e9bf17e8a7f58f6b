// The declared authorization policy of every route, for authz_matrix_test.cc:
// who may call it, what its first path parameter names, and the few
// statuses an allowed caller may get for a reason of state. A route missing
// here fails the matrix: decide its policy before it ships.
#pragma once

#include "domain/roles.h"
#include "web/http.h"

namespace authz_policy {

// The callers. "Lead" and "handler" are the same domain role; the lead sees
// every case of the school, a handler only the cases assigned to them.
enum Who : unsigned {
  kAnon = 1u << 0,
  kStudent = 1u << 1,
  kTeacher = 1u << 2,
  kCoordinator = 1u << 3,
  kHandler = 1u << 4,
  kLead = 1u << 5,
  kManagement = 1u << 6,
  kAdmin = 1u << 7,
  kCompany = 1u << 8,
  kSysadmin = 1u << 9,
};
constexpr unsigned kEveryone = (1u << 10) - 1;
constexpr unsigned kLoggedIn = kEveryone & ~kAnon;
constexpr unsigned kHandlers = kHandler | kLead;

struct Caller {
  Who who;
  const char* name;
  const char* login;  // nullptr: anonymous
  domain::Role role;
};
const Caller kCallers[] = {
    {kAnon, "anonymous", nullptr, domain::Role::kStudent},
    {kStudent, "student", "student@99dm.demo", domain::Role::kStudent},
    {kTeacher, "teacher", "teacher@99dm.demo", domain::Role::kTeacher},
    {kCoordinator, "coordinator", "coordinator@99dm.demo", domain::Role::kCoordinator},
    {kHandler, "handler", "meldpunt2@99dm.demo", domain::Role::kMeldpuntHandler},
    {kLead, "lead", "meldpunt@99dm.demo", domain::Role::kMeldpuntHandler},
    {kManagement, "management", "management@99dm.demo", domain::Role::kManagement},
    {kAdmin, "school admin", "admin@99dm.demo", domain::Role::kSchoolAdmin},
    {kCompany, "company contact", "company@99dm.demo", domain::Role::kCompanyContact},
    {kSysadmin, "system admin", "sysadmin@demo", domain::Role::kSystemAdmin},
};

// What the first path parameter names, so it can be filled with an object of
// the caller's school (99DM), of another school (98DM) or a random id.
enum class Obj {
  kNone,          // no parameter, or one that names no school's object
  kCase,          // cases.id (need-to-know: a handler sees only assigned cases)
  kUser,          // a user of the school (a throwaway one: it gets disabled)
  kCompany,       // a company linked to the school
  kRound,         // rounds.id
  kPlace,         // leerplaatsen.id
  kPlacement,     // placements.id
  kFlag,          // placement_flags.id
  kNotification,  // notifications.id (per user: any other one is "missing")
  kBrin,          // a school's BRIN code
  kOwnPlacement,  // the demo student's own placement (norm read, pulse survey)
};

struct Policy {
  web::Method method;
  const char* pattern;
  unsigned allowed;  // Who bits
  Obj obj = Obj::kNone;
  // A form body (or JSON for API routes); {receipt} is a valid reporter code
  // of the own school, so reporter routes do not count as code guessing.
  const char* body = "";
  // An allowed caller may still get this status for a reason of state, not
  // of access (e.g. TOTP set-up when TOTP is already on). 0: none.
  int state_status = 0;
  // Callers whose role holds the route's permission but whom the handler
  // itself refuses with 403 (e.g. monitor pages: meldpunt leads only, not
  // every handler). They are expected to be denied.
  unsigned narrowed = 0;
};

using web::Method;
constexpr Method G = Method::kGet, P = Method::kPost;

// The declared policy. Keep it in the order of the route files.
const Policy kPolicy[] = {
    // public_routes.cc
    {G, "/", kEveryone},
    {G, "/lang/{code}", kEveryone},
    {G, "/healthz", kEveryone},
    {G, "/dashboard", kLoggedIn},
    {P, "/dashboard/notificaties/{id}/gelezen", kLoggedIn, Obj::kNotification},
    {G, "/assets/{file}", kEveryone},
    // auth_routes.cc
    {G, "/login", kEveryone},
    {P, "/login", kEveryone},
    {G, "/login/totp", kLoggedIn},
    {P, "/login/totp", kLoggedIn, Obj::kNone, "", 401},  // 401: the (empty) code is wrong
    {G, "/account/security", kLoggedIn},
    {P, "/account/security", kLoggedIn, Obj::kNone, "", 403},
    {P, "/logout", kLoggedIn},
    {G, "/invite/{token}", kEveryone},
    {P, "/invite/{token}", kEveryone},
    // password_routes.cc
    {G, "/wachtwoord-vergeten", kEveryone},
    {P, "/wachtwoord-vergeten", kEveryone},
    {G, "/wachtwoord-herstellen/{token}", kEveryone},
    {P, "/wachtwoord-herstellen/{token}", kEveryone},
    {G, "/account/wachtwoord", kLoggedIn},
    {P, "/account/wachtwoord", kLoggedIn},
    // lead_routes.cc
    {G, "/admin/meldpunt/leiding", kAdmin},
    {P, "/admin/meldpunt/leiding/sleutels", kAdmin, Obj::kNone, "", 403},  // 403: wrong code
    {P, "/admin/meldpunt/leiding/{id}/maak", kAdmin, Obj::kUser},          // 400: not a handler
    {P, "/admin/meldpunt/leiding/{id}/terug", kAdmin, Obj::kUser},
    // admin_routes.cc
    {G, "/admin/users", kAdmin},
    {P, "/admin/users", kAdmin},
    {G, "/admin/users/{id}", kAdmin, Obj::kUser},
    {P, "/admin/users/{id}", kAdmin, Obj::kUser},
    // 409: the user already chose a password (or is disabled): nothing to re-invite.
    {P, "/admin/users/{id}/invite", kAdmin, Obj::kUser, "", 409},
    {P, "/admin/users/{id}/disable", kAdmin, Obj::kUser},
    {P, "/admin/users/{id}/enable", kAdmin, Obj::kUser},
    {G, "/admin/schools", kSysadmin},
    {P, "/admin/schools", kSysadmin},
    {P, "/admin/schools/domains", kSysadmin},
    {P, "/admin/schools/admin", kSysadmin},
    {G, "/admin/audit", kAdmin | kSysadmin},
    // import_routes.cc: the deployment's company register (its school imports are below)
    {G, "/admin/register", kSysadmin},
    {P, "/admin/register", kSysadmin},
    // mail_routes.cc: one's own alert mails; the system admin's mail list
    {G, "/account/mail", kLoggedIn},
    {P, "/account/mail", kLoggedIn},
    {G, "/admin/mail", kSysadmin},
    // import_routes.cc: the school admin's staff and students (logins)
    {G, "/admin/import", kAdmin},
    {P, "/admin/import", kAdmin},
    // The meldpunt's own log (leads only) and the recovery key's say in P9.
    {G, "/meldpunt/logboek", kLead, Obj::kNone, "", 0, kHandler},
    {G, "/admin/meldpunt/onthullingen", kAdmin},
    {P, "/admin/meldpunt/onthullingen/{id}", kAdmin},
    // report_routes.cc and reporter_routes.cc (the reporter has no account)
    {G, "/melden", kEveryone},
    {G, "/s/{brin}/melden", kEveryone},
    {P, "/s/{brin}/melden", kEveryone},
    {G, "/s/{brin}/bedrijven", kEveryone},
    {P, "/s/{brin}/melden/bewaard", kEveryone},
    {G, "/melding", kEveryone},
    {P, "/melding", kEveryone, Obj::kNone, "receipt={receipt}"},
    {G, "/melding/zaak", kEveryone},
    {P, "/melding/bericht", kEveryone},
    {P, "/melding/toestemming", kEveryone},
    {P, "/melding/openheid", kEveryone},
    {P, "/melding/enquete", kEveryone},
    {P, "/melding/bijlage", kEveryone},
    {G, "/melding/bijlagen/{id}", kEveryone},
    {P, "/melding/afmelden", kEveryone},
    // case_routes.cc
    {G, "/meldpunt", kHandlers},
    // Leads only; 400: no case chosen.
    {P, "/meldpunt/geen-melding", kLead, Obj::kNone, "", 400, kHandler},
    {G, "/meldpunt/zaken/{id}", kHandlers, Obj::kCase},
    {P, "/meldpunt/zaken/{id}/bericht", kHandlers, Obj::kCase},
    {P, "/meldpunt/zaken/{id}/status", kHandlers, Obj::kCase},
    {P, "/meldpunt/zaken/{id}/toewijzen", kHandlers, Obj::kCase},
    {P, "/meldpunt/zaken/{id}/actie", kHandlers, Obj::kCase},
    {P, "/meldpunt/zaken/{id}/verlengen", kHandlers, Obj::kCase},
    {P, "/meldpunt/zaken/{id}/nazorg/{task}", kHandlers, Obj::kCase},
    {P, "/meldpunt/zaken/{id}/bijlage", kHandlers, Obj::kCase},
    {G, "/meldpunt/zaken/{id}/bijlagen/{file}", kHandlers, Obj::kCase},
    // P9: a lead asks, another lead decides (identity.cc); the handler's
    // own role refuses a non-lead inside the service, after need-to-know.
    {P, "/meldpunt/zaken/{id}/identiteit", kHandlers, Obj::kCase},
    {P, "/meldpunt/zaken/{id}/identiteit/{reveal}/besluit", kHandlers, Obj::kCase},
    // signal_routes.cc
    // The signal register and pauses: meldpunt leads only (coordinators see a
    // pause's neutral reason on their companies page, never a count). The
    // lead proposes, records a response, confirms, and lifts; making the
    // (by then confirmed) pause urgent or withdrawing it answers 409.
    {G, "/meldpunt/signalen", kLead, Obj::kNone, "", 0, kHandler},
    {P, "/meldpunt/signalen/{id}/pauze", kLead, Obj::kCompany,
     "reason=awaiting_talks&until=2099-12-31&note=Matrixtest", 0, kHandler},
    {P, "/meldpunt/signalen/{id}/reactie", kLead, Obj::kCompany, "response=Matrixtest", 0,
     kHandler},
    {P, "/meldpunt/signalen/{id}/bevestigen", kLead, Obj::kCompany, "", 0, kHandler},
    {P, "/meldpunt/signalen/{id}/spoed", kLead, Obj::kCompany, "urgent_reason=Matrixtest", 409,
     kHandler},
    {P, "/meldpunt/signalen/{id}/intrekken", kLead, Obj::kCompany, "", 409, kHandler},
    {P, "/meldpunt/signalen/{id}/opheffen", kLead, Obj::kCompany, "", 0, kHandler},
    {G, "/admin/meldpunt", kAdmin},
    {P, "/admin/meldpunt", kAdmin},
    {P, "/admin/meldpunt/herstelsleutel", kAdmin},
    {P, "/admin/meldpunt/herstel", kAdmin, Obj::kNone, "", 403},  // 403: wrong recovery code
    // api_routes.cc
    {P, "/api/v1/schools/{brin}/reports", kEveryone},
    {P, "/api/v1/reporter/session", kEveryone, Obj::kNone, R"({"receipt":"{receipt}"})"},
    // The reporter API authenticates with the reporter's own token, not a
    // staff session: 401 without it, for everyone.
    {G, "/api/v1/reporter/case", kEveryone, Obj::kNone, "", 401},
    {P, "/api/v1/reporter/messages", kEveryone, Obj::kNone, "", 401},
    // The monitor's permission (monui::MaySee): a handler who is no lead gets 403.
    {G, "/api/v1/schools/{brin}/stats/reports", kLead | kManagement, Obj::kBrin, "", 0, kHandler},
    {G, "/api/v1/openapi.json", kEveryone},
    // placement_routes.cc, placement_round_routes.cc, placement_review_routes.cc
    {G, "/stagematching", kCoordinator},
    {G, "/stagematching/import", kCoordinator},
    {P, "/stagematching/import", kCoordinator},
    {G, "/stagematching/studenten", kCoordinator},
    {G, "/stagematching/bedrijven", kCoordinator},
    {P, "/stagematching/bedrijven/{id}/norm", kCoordinator, Obj::kCompany},
    // contact_routes.cc: company contacts and students' logins
    {G, "/stagematching/bedrijven/{id}/contactpersonen", kCoordinator, Obj::kCompany},
    {P, "/stagematching/bedrijven/{id}/contactpersonen", kCoordinator, Obj::kCompany},
    {P, "/stagematching/bedrijven/{id}/contactpersonen/koppelen", kCoordinator, Obj::kCompany},
    {P, "/stagematching/bedrijven/{id}/contactpersonen/{user}/uitnodigen", kCoordinator,
     Obj::kCompany},
    {P, "/stagematching/bedrijven/{id}/contactpersonen/{user}/ontkoppelen", kCoordinator,
     Obj::kCompany},
    {G, "/stagematching/studenten/{id}/login", kCoordinator},
    {P, "/stagematching/studenten/{id}/login/koppelen", kCoordinator},
    {P, "/stagematching/studenten/{id}/login/maken", kCoordinator},
    {G, "/stagematching/plaatsen", kCoordinator},
    {G, "/stagematching/norm", kCoordinator},
    {P, "/stagematching/norm", kCoordinator},
    {G, "/stagematching/signalen", kCoordinator},
    {P, "/stagematching/signalen/{id}/afhandelen", kCoordinator, Obj::kFlag},
    {G, "/stagematching/rondes/nieuw", kCoordinator},
    {P, "/stagematching/rondes/nieuw", kCoordinator},
    {G, "/stagematching/rondes/{id}", kCoordinator, Obj::kRound},
    {P, "/stagematching/rondes/{id}/openen", kCoordinator, Obj::kRound},
    {P, "/stagematching/rondes/{id}/sluiten", kCoordinator, Obj::kRound},
    {P, "/stagematching/rondes/{id}/draaien", kCoordinator, Obj::kRound},
    {P, "/stagematching/rondes/{id}/publiceren", kCoordinator, Obj::kRound},
    {G, "/stagematching/rondes/{id}/bpvo.csv", kCoordinator, Obj::kRound},
    {G, "/stagematching/rondes/{id}/export/{file}", kCoordinator, Obj::kRound},
    {G, "/stagematching/rondes/{id}/voorstel", kCoordinator, Obj::kRound},
    {G, "/stagematching/rondes/{id}/studenten/{student}", kCoordinator, Obj::kRound},
    {P, "/stagematching/rondes/{id}/studenten/{student}/wijzigen", kCoordinator, Obj::kRound},
    {P, "/stagematching/rondes/{id}/studenten/{student}/einde", kCoordinator, Obj::kRound},
    {P, "/stagematching/rondes/{id}/studenten/{student}/uitschrijving", kCoordinator, Obj::kRound},
    // student_placement_routes.cc
    {G, "/stage", kStudent},
    {G, "/stage/rondes/{id}", kStudent, Obj::kRound},
    {P, "/stage/rondes/{id}", kStudent, Obj::kRound},
    // company_routes.cc
    {G, "/bedrijf", kCompany},
    {P, "/bedrijf/norm", kCompany},
    {P, "/bedrijf/plaatsen/{id}", kCompany, Obj::kPlace},
    {P, "/bedrijf/plaatsingen/{id}/einde", kCompany, Obj::kPlacement},
    // 404: the matrix's pause (on another company) is lifted by then.
    {P, "/bedrijf/pauze/reactie", kCompany, Obj::kNone, "response=Matrixtest", 404},
    // monitor_routes.cc, monitor_report_routes.cc (aggregates only, P19)
    {G, "/monitor", kLead | kManagement, Obj::kNone, "", 0, kHandler},
    {G, "/monitor/rapport", kLead | kManagement, Obj::kNone, "", 0, kHandler},
    {G, "/monitor/rapport.csv", kLead | kManagement, Obj::kNone, "", 0, kHandler},
    {G, "/monitor/rapport.xlsx", kLead | kManagement, Obj::kNone, "", 0, kHandler},
    {G, "/admin/monitor", kSysadmin},
    {G, "/admin/monitor.csv", kSysadmin},
    {G, "/admin/monitor.xlsx", kSysadmin},
    // norm_routes.cc, assessment_routes.cc
    {G, "/s/{brin}/norm", kEveryone},
    // sso_routes.cc: the school's login page, single sign-on (99DM has no SSO
    // in the matrix: its start answers 404), and its settings.
    {G, "/s/{brin}/login", kEveryone},
    {G, "/s/{brin}/login/sso", kEveryone},
    {G, "/auth/oidc/callback", kEveryone, Obj::kNone, "", 400},  // 400: no state
    {G, "/admin/sso", kAdmin},
    {P, "/admin/sso", kAdmin, Obj::kNone, "", 400},  // 400: the empty form
    {G, "/beleid/norm", kCoordinator | kManagement},
    {P, "/beleid/norm", kCoordinator | kManagement},
    // 404 on the own placement too unless it is running (demo: it ended).
    {P, "/stage/norm/{id}", kStudent, Obj::kOwnPlacement, "agree=1&version=1", 404},
    // 404 on the own placement too while it runs: the survey opens after it.
    {G, "/stage/peiling/{id}", kStudent, Obj::kOwnPlacement, "", 404},
    {P, "/stage/peiling/{id}", kStudent, Obj::kOwnPlacement, "", 404},
    {G, "/zelfevaluatie", kLead | kManagement | kAdmin, Obj::kNone, "", 0, kHandler},
    {P, "/zelfevaluatie/{year}/{item}", kLead | kManagement | kAdmin, Obj::kNone, "", 0, kHandler},
    {G, "/trainingen", kManagement | kAdmin},
    {P, "/trainingen", kManagement | kAdmin},
    // The system admin belongs to no school, so has no training record.
    {G, "/mijn-training", kLoggedIn & ~kSysadmin, Obj::kNone, "", 0, kSysadmin},
    // rights_routes.cc: one's own data and privacy requests, for students and
    // company contacts only (other roles get 403); 400: the empty request form.
    {G, "/account/privacy", kStudent | kCompany, Obj::kNone, "", 0,
     kLoggedIn & ~(kStudent | kCompany)},
    {G, "/account/privacy/download.json", kStudent | kCompany, Obj::kNone, "", 0,
     kLoggedIn & ~(kStudent | kCompany)},
    {G, "/account/privacy/gegevens", kStudent | kCompany, Obj::kNone, "", 0,
     kLoggedIn & ~(kStudent | kCompany)},
    {P, "/account/privacy/verzoek", kStudent | kCompany, Obj::kNone, "", 400,
     kLoggedIn & ~(kStudent | kCompany)},
    // rights_admin_routes.cc: the school admin's answers (a random id: 404).
    {G, "/admin/privacy/verzoeken", kAdmin},
    {G, "/admin/privacy/verzoeken/{id}", kAdmin},
    {P, "/admin/privacy/verzoeken/{id}", kAdmin},
    // reporter_routes.cc: withdrawing a report with the code. 401: the code form, as
    // the matrix reaches these after /melding/afmelden ended the reporter's session.
    {G, "/melding/intrekken", kEveryone, Obj::kNone, "", 401},
    {P, "/melding/intrekken", kEveryone, Obj::kNone, "", 401},
    {G, "/melding/ingetrokken", kEveryone},
    // privacy_page_routes.cc: the public privacy pages; the FG details for the school admin.
    {G, "/s/{brin}/privacy", kEveryone},
    {G, "/privacy", kEveryone},
    {G, "/admin/privacy/verklaring", kAdmin},
    {P, "/admin/privacy/verklaring", kAdmin, Obj::kNone, "", 400},  // 400: the empty form
    // retention_routes.cc: the school admin's retention periods and preview.
    {G, "/admin/bewaartermijnen", kAdmin},
    {P, "/admin/bewaartermijnen", kAdmin, Obj::kNone, "", 400},  // 400: the empty form
    // teacher_routes.cc: the stagebegeleider's pages (other roles: 403 from the
    // handler); a student id of the matrix is random: 404. 303: the request to talk.
    {G, "/begeleiding", kTeacher, Obj::kNone, "", 0, kLoggedIn & ~kTeacher},
    {G, "/begeleiding/gesprek", kTeacher, Obj::kNone, "", 0, kLoggedIn & ~kTeacher},
    {P, "/begeleiding/overleg", kTeacher, Obj::kNone, "", 0, kLoggedIn & ~kTeacher},
    {G, "/begeleiding/studenten/{id}", kTeacher, Obj::kNone, "", 404, kLoggedIn & ~kTeacher},
    {P, "/begeleiding/studenten/{id}/zorg", kTeacher, Obj::kNone, "", 404, kLoggedIn & ~kTeacher},
    // teacher_admin_routes.cc: the coordinator's links (400: the empty form; 404:
    // no such link), the meldpunt's requests to talk (a random id: 404), and a
    // student's reports made for them (a random case: 404).
    {G, "/stagematching/begeleiders", kCoordinator},
    {P, "/stagematching/begeleiders", kCoordinator, Obj::kNone, "", 400},
    {P, "/stagematching/begeleiders/ontkoppelen", kCoordinator, Obj::kNone, "", 404},
    {G, "/meldpunt/overleg", kHandlers},
    {P, "/meldpunt/overleg/{id}/afgehandeld", kHandlers, Obj::kNone, "", 404},
    {G, "/mijn-meldingen", kStudent, Obj::kNone, "", 0, kLoggedIn & ~kStudent},
    {P, "/mijn-meldingen/{id}/code", kStudent, Obj::kNone, "", 404, kLoggedIn & ~kStudent},
    // referral_routes.cc: the school's outside contacts (the empty form saves "none set");
    // the handler's referrals of a case (a random referral id: 404); the student's
    // agreement with the code (without a reporter session: a redirect to /melding); the
    // destination's link (a random token: 404).
    {G, "/admin/doorverwijzing", kAdmin},
    {P, "/admin/doorverwijzing", kAdmin},
    {G, "/meldpunt/zaken/{id}/doorverwijzingen", kHandlers, Obj::kCase},
    {P, "/meldpunt/zaken/{id}/doorverwijzingen", kHandlers, Obj::kCase},
    {G, "/meldpunt/zaken/{id}/doorverwijzingen/{ref}", kHandlers, Obj::kCase},
    {G, "/meldpunt/zaken/{id}/doorverwijzingen/{ref}/pdf", kHandlers, Obj::kCase},
    {P, "/meldpunt/zaken/{id}/doorverwijzingen/{ref}/versturen", kHandlers, Obj::kCase},
    {P, "/meldpunt/zaken/{id}/doorverwijzingen/{ref}/antwoord", kHandlers, Obj::kCase},
    {G, "/melding/doorverwijzingen", kEveryone},
    {P, "/melding/doorverwijzingen/{ref}", kEveryone},
    {G, "/doorverwijzing/{token}", kEveryone},
    {G, "/doorverwijzing/{token}/pdf", kEveryone},
};

}  // namespace authz_policy
