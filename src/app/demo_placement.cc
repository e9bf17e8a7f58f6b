#include "app/demo_placement.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "common/csv.h"
#include "placement/service.h"

namespace app {

namespace {

using common::Status;

constexpr char kPeriodDone[] = "BPV-periode A (demo)";
constexpr char kPeriodOpen[] = "BPV-periode B (demo)";
constexpr char kRoundDone[] = "Demo-ronde A (gepubliceerd)";
constexpr char kRoundOpen[] = "Demo-ronde B (leerwens open)";
constexpr char kCohortDone[] = "2024";
constexpr char kCohortOpen[] = "2025";
constexpr int kStudents = 40;
constexpr common::UnixMillis kDay = 24LL * 60 * 60 * 1000;

// The demo companies of demo.cc, with an address, coordinates and the one
// crebo each is recognised for here (codes are synthetic examples).
struct DemoCompany {
  const char* leerbedrijf_id;
  const char* kvk;
  const char* name;
  const char* address;
  const char* postcode;
  const char* city;
  double lat, lon;
  const char* crebo;
  const char* description;
};
constexpr DemoCompany kCompanies[] = {
    {"100001", "90000001", "Bakkerij De Korenschoof (demo)", "Oudegracht 10", "3511 AA", "Utrecht",
     52.0937, 5.1180, "25655", "Meewerken in de bakkerij en de winkel"},
    {"100002", "90000002", "Autobedrijf Van Dijk (demo)", "Kapelweg 2", "3818 BA", "Amersfoort",
     52.1550, 5.3850, "25320", "Onderhoud en APK in de werkplaats"},
    {"100003", "90000003", "Zorgcentrum De Linde (demo)", "Lindelaan 5", "3532 AB", "Utrecht",
     52.0850, 5.1300, "25480", "Verzorging op een woongroep voor ouderen"},
    {"100004", "90000004", "ICT Huis Midden (demo)", "Hoofdweg 40", "3431 AC", "Nieuwegein",
     52.0300, 5.0850, "25998", "Meebouwen aan webapplicaties in een klein team"},
    {"100005", "90000005", "Hotel Stadszicht (demo)", "Stationsplein 7", "3511 ED", "Utrecht",
     52.0890, 5.1100, "25655", "Keuken en bediening"},
    {"100006", "90000006", "Installatietechniek Oost (demo)", "Industrieweg 3", "3704 AD", "Zeist",
     52.0880, 5.2300, "25320", "Installaties aanleggen en onderhouden"},
    {"100007", "90000007", "Kinderopvang Zonnestraal (demo)", "Zonnelaan 1", "3991 AE", "Houten",
     52.0300, 5.1650, "25480", "Begeleiden van groepen kinderen"},
    {"100008", "90000008", "Logistiek Centrum A12 (demo)", "Transportweg 9", "3981 AF", "Bunnik",
     52.0650, 5.1950, "25998", "Software voor voorraadbeheer"},
};
// 100008 has not accepted the norm: it is excluded from every round.
constexpr char kNotAccepting[] = "100008";
// The demo student and company contact.
constexpr int kDemoStudentIndex = 20;  // cohort 2025, care
constexpr char kDemoContactCompany[] = "100003";

constexpr const char* kCrebos[] = {"25480", "25998", "25655", "25320"};
constexpr const char* kFirstNames[] = {"Sanne", "Mohamed", "Lotte",  "Daan",  "Aylin", "Jesse",
                                       "Noa",   "Kofi",    "Iris",   "Milan", "Yara",  "Bram",
                                       "Fleur", "Omar",    "Sophie", "Luuk",  "Amira", "Thijs",
                                       "Zoë",   "Rayan"};
constexpr const char* kLastNames[] = {"de Vries", "Yilmaz",  "Jansen", "Bakker", "El Idrissi",
                                      "Visser",   "Mensah",  "Smit",   "de Jong", "Pinas"};
struct City {
  const char* name;
  double lat, lon;
};
constexpr City kCities[] = {{"Utrecht", 52.0907, 5.1214},   {"Amersfoort", 52.1561, 5.3878},
                            {"Nieuwegein", 52.0297, 5.0831}, {"Zeist", 52.0894, 5.2330},
                            {"Houten", 52.0285, 5.1681},     {"Bunnik", 52.0667, 5.1986}};

constexpr char kNormNl[] =
    "Norm stagediscriminatie van onze school\n\n"
    "1. Wij en onze leerbedrijven selecteren stagiairs nooit op afkomst, huidskleur, religie, "
    "geslacht, seksuele oriëntatie, beperking, leeftijd of naam.\n"
    "2. Bij stagematching kiest de school de student op basis van de leerwens. Het leerbedrijf "
    "neemt de geplaatste student aan zonder selectiegesprek (klikgesprek); het "
    "kennismakingsgesprek is geen selectie.\n"
    "3. Het leerbedrijf weigert een geplaatste student niet. Als het toch misgaat, meldt het "
    "leerbedrijf dit met een reden bij de stagecoördinator.\n"
    "4. Studenten kunnen discriminatie altijd melden bij het meldpunt van de school, ook "
    "anoniem. De school neemt elke melding serieus en neemt binnen drie werkdagen contact op.\n"
    "5. Een leerbedrijf dat deze afspraken niet nakomt, kan worden gepauzeerd en krijgt dan geen "
    "stagiairs.";
constexpr char kNormEn[] =
    "Our school's norm on internship discrimination\n\n"
    "1. We and our learning companies never select interns on origin, skin colour, religion, "
    "gender, sexual orientation, disability, age or name.\n"
    "2. In internship matching the school places the student on their learning wish. The "
    "company takes the placed student without a selection interview; the introductory talk is "
    "not a selection.\n"
    "3. The company does not refuse a placed student. If things still go wrong, the company "
    "tells the placement coordinator, with a reason.\n"
    "4. Students can always report discrimination to the school's reporting point, also "
    "anonymously. The school takes every report seriously and responds within three working "
    "days.\n"
    "5. A company that does not keep to these agreements can be paused and then gets no "
    "interns.";

// One line of an import file, each field exactly as the importer should
// read it (common/csv.h: quoted where needed; no formula guard, because the
// importer would keep the apostrophe).
void AppendRow(std::string* csv, std::initializer_list<std::string_view> fields) {
  bool first = true;
  for (std::string_view f : fields) {
    if (!first) csv->push_back(',');
    common::AppendCsvExact(f, csv);
    first = false;
  }
  csv->push_back('\n');
}

std::string CompaniesCsv() {
  std::string csv = "leerbedrijf_id,kvk,name,address,postcode,city,lat,lon,crebos\n";
  for (const DemoCompany& c : kCompanies) {
    AppendRow(&csv, {c.leerbedrijf_id, c.kvk, c.name, c.address, c.postcode, c.city,
                     fmt::format("{:.4f}", c.lat), fmt::format("{:.4f}", c.lon), c.crebo});
  }
  return csv;
}

std::string PlacesCsv() {
  std::string csv = "leerbedrijf_id,crebo,capacity,period,description\n";
  for (const char* period : {kPeriodDone, kPeriodOpen}) {
    for (const DemoCompany& c : kCompanies) {
      AppendRow(&csv, {c.leerbedrijf_id, c.crebo, "3", period, c.description});
    }
  }
  return csv;
}

std::string StudentNumber(const auth::School& school, int i) {
  return fmt::format("{}{:04d}", school.brin.substr(0, 2), i + 1);
}

std::string StudentsCsv(const auth::School& school) {
  std::string csv =
      "student_number,name,crebo,level,pathway,cohort,location,lat,lon,begeleider_email\n";
  // The demo teacher supervises every fourth student and the demo student.
  std::string brin_lower = school.brin;
  for (char& ch : brin_lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  const std::string teacher = "teacher@" + brin_lower + ".demo";
  for (int i = 0; i < kStudents; ++i) {
    const City& city = kCities[i % 6];
    double lat = city.lat + ((i * 37) % 11 - 5) * 0.003;
    double lon = city.lon + ((i * 53) % 13 - 6) * 0.004;
    // The demo student's record carries the demo login's name.
    std::string name = i == kDemoStudentIndex
                           ? std::string("Sanne de Vries")
                           : fmt::format("{} {}", kFirstNames[i % 20], kLastNames[(i * 7 + 3) % 10]);
    AppendRow(&csv, {StudentNumber(school, i), name + " (demo)", kCrebos[i % 4],
                     std::to_string(2 + i % 3), i % 5 == 4 ? "BBL" : "BOL",
                     i < kStudents / 2 ? kCohortDone : kCohortOpen, city.name,
                     fmt::format("{:.4f}", lat), fmt::format("{:.4f}", lon),
                     i % 4 == 0 || i == kDemoStudentIndex ? teacher : ""});
  }
  return csv;
}

Status Imported(const common::StatusOr<placement::ImportReport>& report) {
  if (!report.ok()) return report.status();
  if (!report->applied) {
    return Status::Internal("demo import failed: " +
                            report->errors.front().ToString(report->file_name));
  }
  return Status::Ok();
}

struct People {
  auth::User coordinator, student, contact;
};

common::StatusOr<std::string> StudentIdOf(placement::Stagematching& sm, const auth::User& coordinator,
                                          const std::string& number) {
  placement::StudentFilter filter;
  filter.limit = 5000;
  SP_ASSIGN_OR_RETURN(std::vector<placement::Student> students, sm.Students(coordinator, filter));
  for (const placement::Student& s : students)
    if (s.student_number == number) return s.id;
  return Status::NotFound("demo student " + number + " missing");
}

// The register, the norm and its acceptances, and the demo logins' links.
Status SeedRegister(placement::Stagematching& sm, const auth::School& school, const People& p) {
  // The imports are idempotent, but each one is audited: import only once.
  placement::StudentFilter any;
  any.limit = 1;
  SP_ASSIGN_OR_RETURN(std::vector<placement::Student> existing, sm.Students(p.coordinator, any));
  if (existing.empty()) {
    SP_RETURN_IF_ERROR(Imported(
        sm.Import(p.coordinator, domain::ImportKind::kCompanies, "companies.csv", CompaniesCsv())));
    SP_RETURN_IF_ERROR(
        Imported(sm.Import(p.coordinator, domain::ImportKind::kPlaces, "places.csv", PlacesCsv())));
    SP_RETURN_IF_ERROR(Imported(sm.Import(p.coordinator, domain::ImportKind::kStudents,
                                          "students.csv", StudentsCsv(school))));
  }
  auto norm = sm.CurrentNorm(school.id);
  if (!norm.ok()) {
    if (norm.status().code() != common::StatusCode::kNotFound) return norm.status();
    SP_RETURN_IF_ERROR(sm.PublishNorm(p.coordinator, kNormNl, kNormEn).status());
    norm = sm.CurrentNorm(school.id);
    if (!norm.ok()) return norm.status();
  }
  SP_ASSIGN_OR_RETURN(std::vector<placement::Company> companies, sm.Companies(p.coordinator));
  if (!sm.CompanyView(p.contact).ok()) {
    for (const placement::Company& co : companies) {
      if (co.leerbedrijf_id == kDemoContactCompany)
        SP_RETURN_IF_ERROR(sm.LinkCompanyContact(p.coordinator, p.contact.id, co.id));
    }
  }
  for (const placement::Company& co : companies) {
    if (co.leerbedrijf_id == kNotAccepting || co.norm_accepted_version == norm->version) continue;
    if (co.leerbedrijf_id == kDemoContactCompany) {
      SP_RETURN_IF_ERROR(sm.AcceptNorm(p.contact, norm->version));
    } else {
      SP_RETURN_IF_ERROR(sm.RecordNormAcceptance(p.coordinator, co.id, norm->version));
    }
  }
  if (!sm.StudentView(p.student).ok()) {
    SP_ASSIGN_OR_RETURN(std::string id, StudentIdOf(sm, p.coordinator,
                                                    StudentNumber(school, kDemoStudentIndex)));
    SP_RETURN_IF_ERROR(sm.LinkStudentUser(p.coordinator, id, p.student.id));
  }
  return Status::Ok();
}

// Fills in a leerwens with the student: up to three fitting places, in an
// order that differs per student so the round has some competition.
Status WishFor(placement::Stagematching& sm, const auth::User& coordinator,
               const std::string& round_id, const placement::Student& student, int i) {
  SP_ASSIGN_OR_RETURN(std::vector<placement::PlaceOption> fitting,
                      sm.FittingPlacesFor(coordinator, round_id, student.id,
                                          domain::Transport::kPublicTransport, 90));
  placement::Leerwens w;
  w.what_to_learn = "Ervaring opdoen in het vak (demo)";
  w.transport = domain::Transport::kPublicTransport;
  w.max_travel_minutes = 90;
  if (!fitting.empty()) {
    auto shift = static_cast<std::ptrdiff_t>(static_cast<size_t>(i) % fitting.size());
    std::rotate(fitting.begin(), fitting.begin() + shift, fitting.end());
  }
  for (const placement::PlaceOption& o : fitting) {
    if (w.choices.size() == 3) break;
    w.choices.push_back(o.place.id);
  }
  return sm.SaveLeerwensFor(coordinator, round_id, student.id, w);
}

common::StatusOr<std::vector<placement::Student>> Cohort(placement::Stagematching& sm,
                                                         const auth::User& coordinator,
                                                         const char* cohort) {
  placement::StudentFilter filter;
  filter.cohort = cohort;
  filter.limit = 5000;
  return sm.Students(coordinator, filter);
}

bool HasRound(const std::vector<placement::Round>& rounds, const char* name) {
  return std::any_of(rounds.begin(), rounds.end(),
                     [&](const placement::Round& r) { return r.name == name; });
}

// A round that ran and was published months ago, through a service whose
// clock stands at that time; one refusal is flagged to the coordinator.
Status SeedPublishedRound(App& app, const auth::User& coordinator, common::UnixMillis t0) {
  common::FakeClock past(t0);
  placement::Stagematching sm(app.db(), past, app.audit());
  domain::Date day0 = domain::DateFromMillis(t0);
  placement::RoundSpec spec;
  spec.name = kRoundDone;
  spec.cohort = kCohortDone;
  spec.period = kPeriodDone;
  spec.crebos = {std::begin(kCrebos), std::end(kCrebos)};
  spec.leerwens_deadline = domain::AddDays(day0, 10);
  spec.start = domain::AddDays(day0, 40);
  spec.end_planned = domain::AddDays(day0, 140);
  spec.hours = 480;
  spec.publish_lead_days = 14;
  spec.seed = 20240901;
  SP_ASSIGN_OR_RETURN(placement::Round round, sm.CreateRound(coordinator, spec));
  SP_RETURN_IF_ERROR(sm.OpenRound(coordinator, round.id).status());
  past.Set(t0 + kDay);
  SP_ASSIGN_OR_RETURN(std::vector<placement::Student> students, Cohort(sm, coordinator, kCohortDone));
  for (size_t i = 0; i < students.size(); ++i) {
    SP_RETURN_IF_ERROR(WishFor(sm, coordinator, round.id, students[i], static_cast<int>(i)));
  }
  past.Set(t0 + 11 * kDay);
  SP_RETURN_IF_ERROR(sm.CloseRound(coordinator, round.id));
  SP_RETURN_IF_ERROR(sm.Run(coordinator, round.id).status());
  past.Set(t0 + 12 * kDay);
  SP_RETURN_IF_ERROR(sm.Publish(coordinator, round.id).status());
  SP_ASSIGN_OR_RETURN(placement::Review review, sm.GetReview(coordinator, round.id));
  for (const placement::ProposalRow& row : review.rows) {
    if (!row.place || row.place->leerbedrijf_id != "100005") continue;
    std::string placement_id;
    SP_RETURN_IF_ERROR(app.db().Read([&](db::Connection& c) -> Status {
      SP_ASSIGN_OR_RETURN(db::Row r, c.QueryOne("SELECT id FROM placements WHERE round_id = $1 "
                                                "AND student_id = $2",
                                                {round.id, row.student_id}));
      placement_id = r.Text(0);
      return Status::Ok();
    }));
    past.Set(t0 + 41 * kDay);
    return sm.RecordEnd(coordinator, placement_id, placement::EndKind::kRefusal,
                        "Het hotel wilde de student eerst zien in een selectiegesprek en zei "
                        "daarna af (demo).")
        .status();
  }
  return Status::Ok();
}

// The round for the current cohort, open for leerwens entry; half of the
// students (never the demo student) have entered theirs.
Status SeedOpenRound(App& app, const auth::User& coordinator, const std::string& demo_number) {
  placement::Stagematching sm(app.db(), app.clock(), app.audit());
  domain::Date today = domain::DateFromMillis(app.clock().NowMillis());
  placement::RoundSpec spec;
  spec.name = kRoundOpen;
  spec.cohort = kCohortOpen;
  spec.period = kPeriodOpen;
  spec.crebos = {std::begin(kCrebos), std::end(kCrebos)};
  spec.leerwens_deadline = domain::AddDays(today, 21);
  spec.start = domain::AddDays(today, 56);
  spec.end_planned = domain::AddDays(today, 176);
  spec.hours = 480;
  spec.publish_lead_days = 14;
  SP_ASSIGN_OR_RETURN(placement::Round round, sm.CreateRound(coordinator, spec));
  SP_RETURN_IF_ERROR(sm.OpenRound(coordinator, round.id).status());
  SP_ASSIGN_OR_RETURN(std::vector<placement::Student> students, Cohort(sm, coordinator, kCohortOpen));
  for (size_t i = 0; i < students.size(); i += 2) {
    if (students[i].student_number == demo_number) continue;
    SP_RETURN_IF_ERROR(WishFor(sm, coordinator, round.id, students[i], static_cast<int>(i)));
  }
  return Status::Ok();
}

Status SeedSchool(App& app, const auth::School& school) {
  std::string brin_lower = school.brin;
  for (char& ch : brin_lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  People p;
  SP_ASSIGN_OR_RETURN(p.coordinator, app.accounts().UserByLogin("coordinator@" + brin_lower + ".demo"));
  SP_ASSIGN_OR_RETURN(p.student, app.accounts().UserByLogin("student@" + brin_lower + ".demo"));
  SP_ASSIGN_OR_RETURN(p.contact, app.accounts().UserByLogin("company@" + brin_lower + ".demo"));
  // The register and the published round are dated some months back.
  const common::UnixMillis t0 = app.clock().NowMillis() - 120 * kDay;
  common::FakeClock past(t0);
  placement::Stagematching sm(app.db(), past, app.audit());
  SP_RETURN_IF_ERROR(SeedRegister(sm, school, p));
  SP_ASSIGN_OR_RETURN(std::vector<placement::Round> rounds, sm.Rounds(p.coordinator));
  if (!HasRound(rounds, kRoundDone)) SP_RETURN_IF_ERROR(SeedPublishedRound(app, p.coordinator, t0));
  if (!HasRound(rounds, kRoundOpen)) {
    SP_RETURN_IF_ERROR(SeedOpenRound(app, p.coordinator, StudentNumber(school, kDemoStudentIndex)));
  }
  return Status::Ok();
}

}  // namespace

Status SeedPlacementDemo(App& app) {
  for (const char* brin : {"99DM", "98DM"}) {
    auto school = app.accounts().SchoolByBrin(brin);
    if (!school.ok()) {
      return Status::FailedPrecondition(std::string("demo school ") + brin +
                                        " is missing: run SeedDemo first");
    }
    SP_RETURN_IF_ERROR(SeedSchool(app, *school));
  }
  return Status::Ok();
}

}  // namespace app
