#include "app/demo_norm.h"

#include "crypto/random.h"
#include "norm/service.h"

namespace app {
namespace {

using common::Status;

constexpr common::UnixMillis kDay = 24LL * 60 * 60 * 1000;

constexpr char kDefinitionNl[] =
    "Stagediscriminatie is elke keer dat je bij het zoeken naar een stage of tijdens je stage "
    "geweigerd of slechter behandeld wordt vanwege wie je bent: je afkomst, huidskleur, geloof, "
    "geslacht, seksuele oriëntatie, leeftijd, een beperking of je opleidingsniveau. Dat kan "
    "iedereen doen die met je stage te maken heeft: iemand van het bedrijf, een collega, een klant "
    "of patiënt, of iemand van school, bijvoorbeeld als je van een bedrijf wordt afgeraden vanwege "
    "wie je bent. Geen reactie op je brief, een afwijzing na een 'klikgesprek', andere taken dan "
    "je collega's of opmerkingen over je achtergrond horen daar ook bij. Weet je niet zeker of het "
    "discriminatie was? Meld het toch.";
constexpr char kDefinitionEn[] =
    "Internship discrimination is any time you are refused or treated worse while looking for an "
    "internship or during it because of who you are: your origin, skin colour, religion, gender, "
    "sexual orientation, age, a disability or your level of education. Anyone involved in your "
    "internship can do it: someone at the company, a colleague, a client or patient, or someone at "
    "school, for example when you are advised against a company because of who you are. No reply "
    "to your letter, a rejection after a 'click interview', other tasks than your colleagues or "
    "remarks about your background count too. Not sure whether it was discrimination? Report it "
    "anyway.";
constexpr char kReportNl[] =
    "Meld het bij het meldpunt van de school via Stagepunt (/melden), ook anoniem. Je kunt ook "
    "naar je stagebegeleider, het SBB-meldpunt of discriminatie.nl.";
constexpr char kReportEn[] =
    "Report it to the school's meldpunt through Stagepunt (/melden), also anonymously. You can "
    "also go to your internship supervisor, the SBB meldpunt or discriminatie.nl.";
constexpr char kNextNl[] =
    "Je krijgt meteen een bevestiging. Binnen 3 werkdagen neemt het meldpunt contact met je op. "
    "Je beslist zelf of we het leerbedrijf of SBB benaderen. Je loopt geen studievertraging op: "
    "zo nodig zoeken we samen een andere stageplek.";
constexpr char kNextEn[] =
    "You get a confirmation at once. The meldpunt contacts you within 3 working days. You decide "
    "whether we approach the company or SBB. You will not fall behind in your studies: if needed "
    "we find another internship together.";

Status EnsureSections(db::Connection& c, const std::string& school_id) {
  // The demo's existing version gains its sections in place (the norm text
  // companies accepted stays the same), so no company has to accept again.
  return c
      .Execute(
          "UPDATE norm_versions SET definition_nl = $2, definition_en = $3, report_nl = $4, "
          "report_en = $5, next_nl = $6, next_en = $7 WHERE school_id = $1 AND "
          "definition_nl = ''",
          {school_id, kDefinitionNl, kDefinitionEn, kReportNl, kReportEn, kNextNl, kNextEn})
      .status();
}

Status SeedAssessment(App& app, const auth::User& management) {
  std::string year = norm::SchoolYearOf(domain::DateFromMillis(app.clock().NowMillis()));
  std::string last = norm::PreviousSchoolYear(year);
  auto done = app.norm().AssessmentHistory(management);
  if (!done.ok()) return done.status();
  if (!done->empty()) return Status::Ok();
  struct Item {
    const std::string* year;
    const char* id;
    const char* status;
    const char* evidence;
    int days_ago;
  };
  const Item items[] = {
      {&last, "insp_1", "in_progress", "Conceptdefinitie besproken in het CvB (demo).", 300},
      {&last, "task_1", "in_progress", "Norm in concept (demo).", 290},
      {&last, "task_4", "done", "Eén onderwijsteam zorg matcht sinds september (demo).", 280},
      {&last, "task_6", "done", "Meldpunt in Stagepunt ingericht (demo).", 250},
      {&year, "insp_1", "done", "Definitie vastgesteld en gepubliceerd op de normpagina (demo).",
       60},
      {&year, "insp_2", "done", "Leerbedrijven accepteren de norm in Stagepunt (demo).", 50},
      {&year, "insp_3", "in_progress", "Trainingen voor docenten gepland (demo).", 40},
      {&year, "task_1", "done", "Norm gepubliceerd, versie 1 (demo).", 60},
      {&year, "task_2", "in_progress", "Studentenraad denkt mee (demo).", 30},
      {&year, "task_4", "done", "Twee rondes stagematching (demo).", 20},
      {&year, "task_6", "done", "Meldpunt en terugkoppeling binnen 3 werkdagen (demo).", 20},
      {&year, "task_7", "in_progress",
       "Eerste training afgerond door een deel van het team (demo).", 10},
  };
  for (const Item& i : items) {
    domain::Date day =
        domain::AddDays(domain::DateFromMillis(app.clock().NowMillis()), -i.days_ago);
    SP_RETURN_IF_ERROR(app.norm().SaveAssessmentItem(management, *i.year, i.id, i.status,
                                                     i.evidence, domain::FormatDate(day)));
  }
  return Status::Ok();
}

Status SeedTraining(App& app, const auth::User& admin, const std::string& brin_lower) {
  auto records = app.norm().TrainingRegister(admin);
  if (!records.ok()) return records.status();
  if (!records->empty()) return Status::Ok();
  domain::Date today = domain::DateFromMillis(app.clock().NowMillis());
  struct Record {
    const char* login_prefix;
    int completed_days_ago;
    int expires_in_days;
  };
  // The teacher's training expires in 20 days: a reminder on their dashboard.
  const Record list[] = {{"teacher", 710, 20}, {"meldpunt", 90, 640}, {"management", 200, 530}};
  for (const Record& r : list) {
    SP_ASSIGN_OR_RETURN(auth::User u, app.accounts().UserByLogin(std::string(r.login_prefix) + "@" +
                                                                 brin_lower + ".demo"));
    SP_RETURN_IF_ERROR(
        app.norm()
            .RecordTraining(admin, u.id, "Stagediscriminatie herkennen en aanpakken",
                            domain::FormatDate(domain::AddDays(today, -r.completed_days_ago)),
                            domain::FormatDate(domain::AddDays(today, r.expires_in_days)))
            .status());
  }
  return app.norm().SendTrainingReminders().status();
}

// Anonymous answers over the last months: the same shape as real ones.
Status SeedPulseAnswers(db::Connection& c, const std::string& school_id, domain::Date today) {
  SP_ASSIGN_OR_RETURN(
      db::Row n,
      c.QueryOne("SELECT COUNT(*) FROM pulse_answers WHERE school_id = $1", {school_id}));
  if (n.Int(0) > 0) return Status::Ok();
  struct Answer {
    int months_ago;
    bool experienced;
    bool reported;
    const char* reasons;
  };
  const Answer answers[] = {{1, false, false, ""},
                            {1, false, false, ""},
                            {1, true, false, "no_trust,fear_consequences"},
                            {1, false, false, ""},
                            {2, true, true, ""},
                            {2, false, false, ""},
                            {2, true, false, "not_serious"},
                            {2, false, false, ""},
                            {3, false, false, ""},
                            {3, true, false, "did_not_know_where"},
                            {3, false, false, ""},
                            {4, false, false, ""},
                            {4, true, false, "fear_consequences,no_proof"},
                            {4, false, false, ""}};
  for (const Answer& a : answers) {
    SP_RETURN_IF_ERROR(
        c.Execute(
             "INSERT INTO pulse_answers(id, school_id, month, experienced, reported, "
             "reasons) VALUES ($1, $2, $3, $4, $5, $6)",
             {crypto::RandomId(), school_id, norm::MonthOf(domain::AddMonths(today, -a.months_ago)),
              a.experienced, a.reported, a.reasons})
            .status());
  }
  return Status::Ok();
}

// One internship that ended and one that runs now for the demo student, each
// in a small published round of its own, so /stage shows the pulse survey and
// the norm to read.
Status SeedStudentInternships(db::Connection& c, const std::string& school_id,
                              const std::string& student_user_id, domain::Date today,
                              common::UnixMillis now) {
  SP_ASSIGN_OR_RETURN(
      db::Rows student,
      c.Query("SELECT id, cohort, crebo FROM students WHERE user_id = $1", {student_user_id}));
  SP_ASSIGN_OR_RETURN(
      db::Rows place,
      // Ids are random, so order by the register's leerbedrijf-ID for the same
      // place on every seeding; and not at a company with a demo contact login,
      // whose page the stagematching walkthrough shows empty before publication.
      c.Query("SELECT l.id FROM leerplaatsen l JOIN school_company_view co ON co.id = l.company_id "
              "AND co.school_id = l.school_id "
              "WHERE l.school_id = $1 AND l.crebo = $2 AND NOT EXISTS (SELECT 1 FROM "
              "company_contacts cc WHERE cc.company_id = l.company_id) "
              "ORDER BY co.leerbedrijf_id LIMIT 1",
              {school_id, student.empty() ? std::string() : student.rows[0].Text(2)}));
  if (student.empty() || place.empty()) return Status::Ok();
  struct Internship {
    const char* name;
    int start_offset;
    int end_offset;
  };
  const Internship list[] = {{"Demo-snuffelstage (afgelopen)", -70, -7},
                             {"Demo-stage (loopt)", -3, 90}};
  for (const Internship& i : list) {
    SP_ASSIGN_OR_RETURN(
        db::Rows exists,
        c.Query("SELECT 1 FROM rounds WHERE school_id = $1 AND name = $2", {school_id, i.name}));
    if (!exists.empty()) continue;
    std::string round = crypto::RandomId();
    domain::Date start = domain::AddDays(today, i.start_offset);
    SP_RETURN_IF_ERROR(
        c.Execute("INSERT INTO rounds(id, school_id, name, cohort, period, crebos, status, "
                  "leerwens_deadline, start_date, end_date, hours, publish_lead_days, seed, "
                  "created_by, created_at, run_at, published_at, visible_from) VALUES ($1, $2, "
                  "$3, $4, $3, $5, 'published', $6, $7, $8, 80, 14, 1, 'demo', $9, $9, $9, $6)",
                  {round, school_id, i.name, student.rows[0].Text(1), student.rows[0].Text(2),
                   domain::FormatDate(domain::AddDays(start, -14)), domain::FormatDate(start),
                   domain::FormatDate(domain::AddDays(today, i.end_offset)), now})
            .status());
    SP_RETURN_IF_ERROR(c.Execute("INSERT INTO round_students(round_id, student_id) VALUES ($1, $2)",
                                 {round, student.rows[0].Text(0)})
                           .status());
    SP_RETURN_IF_ERROR(
        c.Execute(
             "INSERT INTO placements(id, school_id, round_id, student_id, leerplaats_id, "
             "rank, lottery, choices) VALUES ($1, $2, $3, $4, $5, 1, 1, 1)",
             {crypto::RandomId(), school_id, round, student.rows[0].Text(0), place.rows[0].Text(0)})
            .status());
  }
  return Status::Ok();
}

}  // namespace

Status SeedNormDemo(App& app) {
  for (const char* brin : {"99DM", "98DM"}) {
    SP_ASSIGN_OR_RETURN(auth::School school, app.accounts().SchoolByBrin(brin));
    std::string lower = brin;
    for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    SP_ASSIGN_OR_RETURN(auth::User management,
                        app.accounts().UserByLogin("management@" + lower + ".demo"));
    SP_ASSIGN_OR_RETURN(auth::User admin, app.accounts().UserByLogin("admin@" + lower + ".demo"));
    SP_ASSIGN_OR_RETURN(auth::User student,
                        app.accounts().UserByLogin("student@" + lower + ".demo"));
    common::UnixMillis now = app.clock().NowMillis();
    domain::Date today = domain::DateFromMillis(now);
    SP_RETURN_IF_ERROR(app.db().Write([&](db::Connection& c) -> Status {
      SP_RETURN_IF_ERROR(EnsureSections(c, school.id));
      SP_RETURN_IF_ERROR(SeedPulseAnswers(c, school.id, today));
      if (std::string(brin) != "99DM") return Status::Ok();
      return SeedStudentInternships(c, school.id, student.id, today, now - 80 * kDay);
    }));
    SP_RETURN_IF_ERROR(SeedAssessment(app, management));
    SP_RETURN_IF_ERROR(SeedTraining(app, admin, lower));
  }
  return Status::Ok();
}

}  // namespace app
