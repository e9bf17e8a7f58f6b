// The coordinator's stagematching pages over real HTTP, on SQLite and
// PostgreSQL: imports through the upload form (whole or nothing, errors per
// line), a round from creation to publication (open, close, run, review with
// explanations, overrides that need a reason), the BPVO and matching-io
// downloads, refusals and flags, another school's coordinator (404) and the
// roles that may not use these pages (403).
#include <gtest/gtest.h>

#include <algorithm>

#include "app/demo.h"
#include "app/demo_placement.h"
#include "domain/calendar.h"
#include "test_app.h"

namespace {

using testing_support::Browser;
using testing_support::TestApp;

constexpr char kPeriod[] = "Testperiode 2030";
constexpr char kCohort[] = "2030";

// Four students of cohort 2030 near Utrecht: three compete for two places
// (crebo 25655), one has crebo 25998.
constexpr char kStudentsCsv[] =
    "studentnummer,naam,crebo,niveau,leerweg,cohort,locatie,lat,lon\n"
    "T0001,Test Een,25655,2,BOL,2030,Utrecht,52.0910,5.1200\n"
    "T0002,Test Twee,25655,3,BOL,2030,Utrecht,52.0950,5.1250\n"
    "T0003,Test Drie,25655,2,BBL,2030,Zeist,52.0890,5.2300\n"
    "T0004,Test Vier,25998,4,BOL,2030,Nieuwegein,52.0300,5.0850\n";

// Places at the demo companies (their recognitions come from the demo
// register); 100008 has not accepted the norm and is excluded.
std::string PlacesCsv() {
  return std::string("leerbedrijf_id,crebo,capacity,period,description\n") +
         "100001,25655,1," + kPeriod + ",Bakkerij\n" + "100005,25655,1," + kPeriod + ",Hotel\n" +
         "100004,25998,1," + kPeriod + ",ICT\n" + "100008,25998,2," + kPeriod + ",Logistiek\n";
}

class PlacementHttpTest : public ::testing::TestWithParam<db::Dialect> {
 protected:
  void SetUp() override {
    std::string reason;
    t_ = TestApp::Start(GetParam(), &reason);
    ASSERT_TRUE(t_ || reason.rfind("FAIL: ", 0) != 0) << reason;
    if (!t_) GTEST_SKIP() << reason;
    // Idempotent: also fine once `stagepunt demo` seeds it itself.
    auto seeded = app::SeedPlacementDemo(t_->app());
    ASSERT_TRUE(seeded.ok()) << seeded.ToString();
  }

  void Login(Browser& b, const std::string& login) {
    auto res = b.Login(login, app::kDemoPassword);
    ASSERT_EQ(res.status, 303) << login;
    ASSERT_EQ(res.Header("location"), "/dashboard") << login;
  }

  // Posts the import form as multipart/form-data, like a browser.
  web::ClientResponse Upload(Browser& b, const std::string& kind, const std::string& csv) {
    b.Get("/stagematching/import");
    const std::string boundary = "----stagepunt-test-7d1f";
    std::string body;
    auto part = [&](const std::string& name, const std::string& value) {
      body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name +
              "\"\r\n\r\n" + value + "\r\n";
    };
    part("csrf", b.last_csrf());
    part("kind", kind);
    body += "--" + boundary +
            "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"export.csv\"\r\n"
            "Content-Type: text/csv\r\n\r\n" +
            csv + "\r\n--" + boundary + "--\r\n";
    std::string cookies;
    for (const auto& [k, v] : b.cookies()) cookies += (cookies.empty() ? "" : "; ") + k + "=" + v;
    web::TestClient c("127.0.0.1", t_->port());
    return c.Send("POST", "/stagematching/import",
                  {{"Cookie", cookies},
                   {"Content-Type", "multipart/form-data; boundary=" + boundary}},
                  body);
  }

  std::string Day(int offset) {
    return domain::FormatDate(
        domain::AddDays(domain::DateFromMillis(t_->clock().NowMillis()), offset));
  }

  std::string RoundForm(const std::string& name, int deadline_offset) {
    return "name=" + web::UrlEncode(name) + "&cohort=" + kCohort +
           "&period=" + web::UrlEncode(kPeriod) + "&crebos=" + web::UrlEncode("25655, 25998") +
           "&leerwens_deadline=" + Day(deadline_offset) + "&start=" + Day(30) +
           "&end_planned=" + Day(120) + "&hours=400&publish_lead_days=14&seed=42"
           "&previous_round_id=";
  }

  auth::User User(const std::string& login) {
    auto u = t_->app().accounts().UserByLogin(login);
    EXPECT_TRUE(u.ok()) << login;
    return u.ok() ? *u : auth::User{};
  }

  // Every student of the round enters up to two fitting places, through the
  // service (the student's own pages are not the coordinator's).
  void EnterWishes(const std::string& round_id) {
    placement::Stagematching& sm = t_->app().stagematching();
    auth::User coordinator = User("coordinator@99dm.demo");
    placement::StudentFilter filter;
    filter.cohort = kCohort;
    auto students = sm.Students(coordinator, filter);
    ASSERT_TRUE(students.ok());
    ASSERT_EQ(students->size(), 4u);
    for (const placement::Student& s : *students) {
      auto fitting = sm.FittingPlacesFor(coordinator, round_id, s.id,
                                         domain::Transport::kPublicTransport, 120);
      ASSERT_TRUE(fitting.ok()) << fitting.status().ToString();
      placement::Leerwens w;
      w.what_to_learn = "Test";
      w.max_travel_minutes = 120;
      for (const auto& o : *fitting) {
        if (w.choices.size() < 2) w.choices.push_back(o.place.id);
      }
      ASSERT_FALSE(w.choices.empty()) << s.student_number;
      ASSERT_TRUE(sm.SaveLeerwensFor(coordinator, round_id, s.id, w).ok());
    }
  }

  static std::string IdFromLocation(const std::string& location) {
    const std::string prefix = "/stagematching/rondes/";
    if (location.rfind(prefix, 0) != 0) return "";
    std::string rest = location.substr(prefix.size());
    return rest.substr(0, rest.find_first_of("?/"));
  }

  // The first link to a student of the round on a review page.
  static std::string FirstStudentHref(const std::string& html, const std::string& round_id) {
    std::string marker = "href=\"/stagematching/rondes/" + round_id + "/studenten/";
    size_t at = html.find(marker);
    if (at == std::string::npos) return "";
    at += 6;
    return html.substr(at, html.find('"', at) - at);
  }

  // The rows of the proposal table on a review page.
  static std::vector<std::string> ProposalRows(const std::string& html) {
    std::vector<std::string> rows;
    const std::string tr = "<tr class=\"utrecht-table__row\">";
    size_t at = html.find(tr, html.find("<tbody", html.find("id=\"proposal\"")));
    while (at != std::string::npos) {
      size_t end = html.find("</tr>", at);
      rows.push_back(html.substr(at, end - at));
      at = html.find(tr, end);
    }
    return rows;
  }

  // The value of the first real option (after "no place") of the place select.
  static std::string FirstPlaceOption(const std::string& html) {
    const std::string option = "<option value=\"";
    size_t at = html.find(option, html.find("id=\"place_id\""));
    if (at == std::string::npos) return "";
    at = html.find(option, at + 1);
    if (at == std::string::npos || at > html.find("</select>", html.find("id=\"place_id\"")))
      return "";
    at += option.size();
    return html.substr(at, html.find('"', at) - at);
  }

  static int CountLines(const std::string& text) {
    return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
  }

  std::unique_ptr<TestApp> t_;
};

TEST_P(PlacementHttpTest, ImportsApplyWholeOrNothingThroughTheUploadForm) {
  Browser b(t_->port());
  Login(b, "coordinator@99dm.demo");
  auto page = b.Get("/stagematching/import");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("enctype=\"multipart/form-data\""), std::string::npos);
  EXPECT_NE(page.body.find("<code>student_number</code>"), std::string::npos);
  EXPECT_NE(page.body.find("<code>leerbedrijf_id</code>"), std::string::npos);

  auto res = Upload(b, "students", kStudentsCsv);
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_NE(res.body.find("id=\"import-inserted\">4<"), std::string::npos) << res.body;
  // The same file again changes nothing.
  res = Upload(b, "students", kStudentsCsv);
  ASSERT_EQ(res.status, 200);
  EXPECT_NE(res.body.find("id=\"import-unchanged\">4<"), std::string::npos);
  res = Upload(b, "places", PlacesCsv());
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_NE(res.body.find("id=\"import-inserted\">4<"), std::string::npos);

  // A bad file: a good new student on line 2, a bad crebo on line 3, a
  // duplicate on line 4. Nothing is applied; the page names the lines.
  std::string bad =
      "student_number,name,crebo,level,pathway,cohort\n"
      "T0099,Nieuw Goed,25655,2,BOL,2030\n"
      "T0098,Fout Crebo,12,2,BOL,2030\n"
      "T0099,Dubbel,25655,2,BOL,2030\n";
  res = Upload(b, "students", bad);
  ASSERT_EQ(res.status, 400);
  EXPECT_NE(res.body.find("Er is niets ingelezen"), std::string::npos);
  EXPECT_NE(res.body.find("href=\"#import-errors\""), std::string::npos);
  EXPECT_NE(res.body.find("scope=\"row\">3</th>"), std::string::npos);
  EXPECT_NE(res.body.find("scope=\"row\">4</th>"), std::string::npos);
  EXPECT_NE(res.body.find("<code>crebo</code>"), std::string::npos);
  EXPECT_EQ(res.body.find("scope=\"row\">2</th>"), std::string::npos);
  auto list = b.Get("/stagematching/studenten?cohort=2030");
  ASSERT_EQ(list.status, 200);
  EXPECT_NE(list.body.find("T0001"), std::string::npos);
  EXPECT_EQ(list.body.find("T0099"), std::string::npos) << "half imported";

  // No file, and no kind: the form names the field.
  res = Upload(b, "", kStudentsCsv);
  EXPECT_EQ(res.status, 400);
  EXPECT_NE(res.body.find("href=\"#kind\""), std::string::npos);
  res = Upload(b, "places", "");
  EXPECT_EQ(res.status, 400);
  EXPECT_NE(res.body.find("href=\"#file\""), std::string::npos);
}

TEST_P(PlacementHttpTest, RegisterPagesAndNorm) {
  Browser b(t_->port());
  Login(b, "coordinator@99dm.demo");
  auto overview = b.Get("/stagematching");
  ASSERT_EQ(overview.status, 200);
  EXPECT_NE(overview.body.find("Demo-ronde A (gepubliceerd)"), std::string::npos);
  EXPECT_NE(overview.body.find("href=\"/stagematching/signalen\""), std::string::npos);
  EXPECT_NE(overview.body.find("<caption"), std::string::npos);

  // 40 demo students and 20 more: two pages of 50.
  std::string more = "student_number,name,crebo,level,pathway,cohort\n";
  for (int i = 10; i < 30; ++i)
    more += "P00" + std::to_string(i) + ",Extra " + std::to_string(i) + ",25998,2,BOL,2031\n";
  ASSERT_EQ(Upload(b, "students", more).status, 200);
  auto students = b.Get("/stagematching/studenten");
  ASSERT_EQ(students.status, 200);
  EXPECT_NE(students.body.find("rel=\"next\""), std::string::npos);
  auto filtered = b.Get("/stagematching/studenten?cohort=2031&crebo=25998");
  EXPECT_NE(filtered.body.find("P0010"), std::string::npos);
  EXPECT_EQ(filtered.body.find("rel=\"next\""), std::string::npos);
  auto page2 = b.Get("/stagematching/studenten?pagina=2");
  ASSERT_EQ(page2.status, 200);
  EXPECT_NE(page2.body.find("rel=\"prev\""), std::string::npos);
  auto places = b.Get("/stagematching/plaatsen?periode=" + web::UrlEncode("BPV-periode A (demo)"));
  ASSERT_EQ(places.status, 200);
  EXPECT_NE(places.body.find("Bakkerij De Korenschoof (demo)"), std::string::npos);

  auto companies = b.Get("/stagematching/bedrijven");
  ASSERT_EQ(companies.status, 200);
  EXPECT_NE(companies.body.find("Logistiek Centrum A12 (demo)"), std::string::npos);
  // 100008 has not accepted: it has the paper-acceptance form.
  const std::string action = "action=\"/stagematching/bedrijven/";
  size_t at = companies.body.find(action);
  ASSERT_NE(at, std::string::npos);
  at += std::string("action=\"").size();
  std::string path = companies.body.substr(at, companies.body.find('"', at) - at);
  auto stale = b.Post(path, "version=999");
  EXPECT_EQ(stale.status, 409);
  EXPECT_NE(stale.body.find("nieuwere versie"), std::string::npos);
  auto norm = b.Get("/stagematching/norm");
  ASSERT_EQ(norm.status, 200);
  EXPECT_NE(norm.body.find("id=\"norm-version\">1<"), std::string::npos);
  auto recorded = b.Post(path, "version=1");
  ASSERT_EQ(recorded.status, 303);
  EXPECT_EQ(recorded.Header("location"), "/stagematching/bedrijven?ok=norm_recorded");
  companies = b.Get("/stagematching/bedrijven?ok=norm_recorded");
  EXPECT_NE(companies.body.find("Het akkoord is vastgelegd"), std::string::npos);
  EXPECT_EQ(companies.body.find(action), std::string::npos);  // every company accepted

  // A new norm version: both texts are required, named by field.
  auto empty = b.Post("/stagematching/norm", "text_nl=Tekst&text_en=");
  EXPECT_EQ(empty.status, 400);
  EXPECT_NE(empty.body.find("href=\"#text_en\""), std::string::npos);
  auto published = b.Post("/stagematching/norm", "text_nl=" + web::UrlEncode("Nieuwe norm") +
                                                     "&text_en=" + web::UrlEncode("New norm"));
  ASSERT_EQ(published.status, 303);
  norm = b.Get("/stagematching/norm");
  EXPECT_NE(norm.body.find("id=\"norm-version\">2<"), std::string::npos);
  EXPECT_NE(norm.body.find("Nieuwe norm"), std::string::npos);
}

TEST_P(PlacementHttpTest, RoundFromCreationToPublicationAndExports) {
  Browser b(t_->port());
  Login(b, "coordinator@99dm.demo");
  ASSERT_EQ(Upload(b, "students", kStudentsCsv).status, 200);
  ASSERT_EQ(Upload(b, "places", PlacesCsv()).status, 200);

  // Create: a deadline in the past is named on its field.
  ASSERT_EQ(b.Get("/stagematching/rondes/nieuw").status, 200);
  auto bad = b.Post("/stagematching/rondes/nieuw", RoundForm("Testronde", -1));
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("href=\"#leerwens_deadline\""), std::string::npos);
  EXPECT_NE(bad.body.find("mag niet in het verleden liggen"), std::string::npos);
  auto no_date = b.Post("/stagematching/rondes/nieuw", "name=X&start=morgen");
  EXPECT_EQ(no_date.status, 400);
  EXPECT_NE(no_date.body.find("href=\"#start\""), std::string::npos);
  auto created = b.Post("/stagematching/rondes/nieuw", RoundForm("Testronde", 7));
  ASSERT_EQ(created.status, 303) << created.body;
  std::string id = IdFromLocation(created.Header("location"));
  ASSERT_FALSE(id.empty());
  const std::string base = "/stagematching/rondes/" + id;
  auto dup = b.Post("/stagematching/rondes/nieuw", RoundForm("Testronde", 7));
  EXPECT_EQ(dup.status, 409);
  EXPECT_NE(dup.body.find("href=\"#name\""), std::string::npos);

  // A draft cannot run: the page says why.
  auto early = b.Post(base + "/draaien", "algorithm=da");
  EXPECT_EQ(early.status, 409);
  EXPECT_NE(early.body.find("href=\"#actions\""), std::string::npos);

  ASSERT_EQ(b.Post(base + "/openen", "").status, 303);
  auto round = b.Get(base + "?ok=round_opened");
  ASSERT_EQ(round.status, 200);
  EXPECT_NE(round.body.find("id=\"round-students\">4<"), std::string::npos);
  EXPECT_NE(round.body.find("Studenten kunnen hun leerwens invullen"), std::string::npos);
  EnterWishes(id);
  round = b.Get(base);
  EXPECT_NE(round.body.find("id=\"round-with-leerwens\">4<"), std::string::npos);
  auto again = b.Post(base + "/openen", "");
  EXPECT_EQ(again.status, 409);
  EXPECT_NE(again.body.find("Alleen een ronde in concept"), std::string::npos);

  ASSERT_EQ(b.Post(base + "/sluiten", "").status, 303);
  round = b.Get(base);
  // Exclusions with the reason, for the coordinator.
  EXPECT_NE(round.body.find("Logistiek Centrum A12 (demo)"), std::string::npos);
  EXPECT_NE(round.body.find("heeft de huidige norm niet geaccepteerd"), std::string::npos);
  EXPECT_EQ(b.Get(base + "/bpvo.csv").status, 409);  // before publication

  auto run = b.Post(base + "/draaien", "algorithm=da");
  ASSERT_EQ(run.status, 303);
  EXPECT_EQ(run.Header("location"), base + "/voorstel?ok=round_run");
  auto review = b.Get(base + "/voorstel");
  ASSERT_EQ(review.status, 200);
  EXPECT_NE(review.body.find("DA (uitgesteld accepteren) (voorstel)"), std::string::npos);
  EXPECT_NE(review.body.find("Optimaal"), std::string::npos);
  EXPECT_NE(review.body.find("id=\"distribution\""), std::string::npos);
  EXPECT_NE(review.body.find("<svg"), std::string::npos);
  EXPECT_NE(review.body.find("keus gekregen"), std::string::npos);  // explanations (nl)
  EXPECT_NE(review.body.find("id=\"review-students\">4<"), std::string::npos);
  // Three students want two places: one is unplaced and told why.
  EXPECT_NE(review.body.find("id=\"review-unplaced\">1<"), std::string::npos);
  EXPECT_NE(review.body.find("Je bent in deze ronde niet geplaatst"), std::string::npos);
  // In English, the English explanation.
  b.Get("/lang/en?next=/dashboard");
  auto review_en = b.Get(base + "/voorstel");
  EXPECT_NE(review_en.body.find("choice"), std::string::npos);
  EXPECT_EQ(review_en.body.find("keus gekregen"), std::string::npos);
  b.Get("/lang/nl?next=/dashboard");

  // Override: the reason is required and named. A placed 25655 student is
  // taken off their place by hand; the unplaced one then gets that place.
  std::string unplaced = FirstStudentHref(review.body, id);  // the unplaced list comes first
  std::string moved;
  for (const std::string& row : ProposalRows(review.body)) {
    if (row.find("Geen plek") == std::string::npos && row.find("25655") != std::string::npos) {
      moved = FirstStudentHref(row, id);
      break;
    }
  }
  ASSERT_FALSE(unplaced.empty());
  ASSERT_FALSE(moved.empty());
  auto student_page = b.Get(moved);
  ASSERT_EQ(student_page.status, 200);
  EXPECT_NE(student_page.body.find("id=\"place_id\""), std::string::npos);
  auto no_reason = b.Post(moved + "/wijzigen", "place_id=&reason=");
  EXPECT_EQ(no_reason.status, 400);
  EXPECT_NE(no_reason.body.find("href=\"#reason\""), std::string::npos);
  EXPECT_NE(no_reason.body.find("Schrijf een reden op"), std::string::npos);
  auto off = b.Post(moved + "/wijzigen",
                    "place_id=&reason=" + web::UrlEncode("Afgesproken met de student"));
  ASSERT_EQ(off.status, 303);
  EXPECT_EQ(off.Header("location"), base + "/voorstel?ok=override_saved");
  std::string freed = FirstPlaceOption(b.Get(unplaced).body);
  ASSERT_FALSE(freed.empty());
  auto placed = b.Post(unplaced + "/wijzigen",
                       "place_id=" + freed + "&reason=" + web::UrlEncode("Vrijgekomen plek"));
  EXPECT_EQ(placed.status, 303);
  auto full = b.Post(moved + "/wijzigen", "place_id=" + freed + "&reason=vol");
  EXPECT_EQ(full.status, 409);
  EXPECT_NE(full.body.find("href=\"#place_id\""), std::string::npos);
  EXPECT_NE(full.body.find("Deze plek is vol"), std::string::npos);
  review = b.Get(base + "/voorstel?ok=override_saved");
  EXPECT_NE(review.body.find("De wijziging is opgeslagen"), std::string::npos);
  EXPECT_NE(review.body.find("Afgesproken met de student"), std::string::npos);
  EXPECT_NE(review.body.find("id=\"review-overridden\">2<"), std::string::npos);
  EXPECT_NE(review.body.find("id=\"review-unplaced\">1<"), std::string::npos);

  ASSERT_EQ(b.Post(base + "/publiceren", "").status, 303);
  round = b.Get(base);
  EXPECT_NE(round.body.find("Gepubliceerd"), std::string::npos);
  EXPECT_NE(round.body.find(base + "/bpvo.csv"), std::string::npos);
  EXPECT_EQ(b.Post(base + "/draaien", "algorithm=optimal").status, 409);

  auto bpvo = b.Get(base + "/bpvo.csv");
  ASSERT_EQ(bpvo.status, 200);
  EXPECT_EQ(bpvo.Header("content-type"), "text/csv; charset=utf-8");
  EXPECT_NE(bpvo.Header("content-disposition").find("attachment"), std::string::npos);
  EXPECT_EQ(bpvo.body.rfind(
                "Studentnummer,BRIN,Volgnummer,LeerbedrijfID,Opleidingcode,DatumBegin,"
                "DatumEindGepland,Omvang\n",
                0),
            0u);
  review = b.Get(base + "/voorstel");
  std::string placed_count;
  {
    const std::string m = "id=\"review-placed\">";
    size_t p = review.body.find(m) + m.size();
    placed_count = review.body.substr(p, review.body.find('<', p) - p);
  }
  EXPECT_EQ(std::to_string(CountLines(bpvo.body) - 1), placed_count) << bpvo.body;
  EXPECT_NE(bpvo.body.find(",99DM,1,"), std::string::npos);
  EXPECT_NE(bpvo.body.find("," + Day(30) + "," + Day(120) + ",400\n"), std::string::npos);

  for (const char* file : {"students.csv", "positions.csv", "preferences.csv", "priorities.csv",
                           "exclusions.csv", "assignment.csv", "placements.csv", "round.json"}) {
    auto f = b.Get(base + "/export/" + file);
    ASSERT_EQ(f.status, 200) << file;
    EXPECT_FALSE(f.body.empty()) << file;
    EXPECT_NE(f.Header("content-disposition").find(file), std::string::npos);
  }
  EXPECT_EQ(b.Get(base + "/export/students.csv").body.rfind("student_id", 0), 0u);
  EXPECT_NE(b.Get(base + "/export/round.json").body.find("42"), std::string::npos);
  EXPECT_NE(b.Get(base + "/export/assignment.csv").body.find("student_id,position_id,rank"),
            std::string::npos);
  EXPECT_EQ(b.Get(base + "/export/..%2Fetc%2Fpasswd").status, 404);
  EXPECT_EQ(b.Get(base + "/export/other.csv").status, 404);

  // A refusal of a placed student, then the flag and its resolution.
  std::string placed_student;
  for (const std::string& row : ProposalRows(review.body)) {
    if (row.find("Geen plek") == std::string::npos) {
      placed_student = FirstStudentHref(row, id);
      break;
    }
  }
  ASSERT_FALSE(placed_student.empty());
  auto end_page = b.Get(placed_student);
  ASSERT_EQ(end_page.status, 200);
  EXPECT_NE(end_page.body.find(placed_student + "/einde"), std::string::npos);
  auto no_end_reason = b.Post(placed_student + "/einde", "kind=refusal&reason=");
  EXPECT_EQ(no_end_reason.status, 400);
  EXPECT_NE(no_end_reason.body.find("href=\"#end_reason\""), std::string::npos);
  auto ended = b.Post(placed_student + "/einde",
                      "kind=refusal&reason=" + web::UrlEncode("Wilde eerst een klikgesprek"));
  ASSERT_EQ(ended.status, 303);
  EXPECT_EQ(ended.Header("location"), "/stagematching/signalen?ok=end_recorded");
  EXPECT_EQ(b.Post(placed_student + "/einde", "kind=refusal&reason=nogmaals").status, 409);
  auto flags = b.Get("/stagematching/signalen");
  ASSERT_EQ(flags.status, 200);
  EXPECT_NE(flags.body.find("Wilde eerst een klikgesprek"), std::string::npos);
  EXPECT_NE(flags.body.find("/s/99DM/melden?vlag="), std::string::npos);
  EXPECT_NE(flags.body.find("Melding starten namens de student"), std::string::npos);
  const std::string resolve = "action=\"/stagematching/signalen/";
  size_t r = flags.body.find(resolve);
  ASSERT_NE(r, std::string::npos);
  r += std::string("action=\"").size();
  std::string resolve_path = flags.body.substr(r, flags.body.find('"', r) - r);
  auto no_text = b.Post(resolve_path, "resolution=");
  EXPECT_EQ(no_text.status, 400);
  EXPECT_NE(no_text.body.find("href=\"#resolution-"), std::string::npos);
  ASSERT_EQ(b.Post(resolve_path, "resolution=" + web::UrlEncode("Nieuwe plek gezocht")).status,
            303);
  EXPECT_EQ(b.Get("/stagematching/signalen").body.find("Wilde eerst een klikgesprek"),
            std::string::npos);
  auto all = b.Get("/stagematching/signalen?alle=1");
  EXPECT_NE(all.body.find("Nieuwe plek gezocht"), std::string::npos);

  // Another school's coordinator finds nothing here: the same 404 as a missing round.
  Browser other(t_->port());
  Login(other, "coordinator@98dm.demo");
  for (const std::string& path :
       {base, base + "/voorstel", base + "/bpvo.csv", base + "/export/round.json",
        placed_student}) {
    EXPECT_EQ(other.Get(path).status, 404) << path;
  }
  EXPECT_EQ(other.Post(base + "/openen", "").status, 404);
  EXPECT_EQ(other.Post(placed_student + "/wijzigen", "place_id=&reason=x").status, 404);
  EXPECT_EQ(other.Get("/stagematching/rondes/nietbestaand").status, 404);
  EXPECT_EQ(other.Get("/stagematching").body.find("Testronde"), std::string::npos);
}

// Only the coordinator: every /stagematching route answers 403 to a
// teacher and a student, and sends an anonymous visitor to the login.
TEST_P(PlacementHttpTest, OtherRolesGetForbiddenOnEveryRoute) {
  std::vector<std::pair<web::Method, std::string>> routes;
  for (const web::Route& route : t_->app().router().routes()) {
    if (route.pattern.rfind("/stagematching", 0) != 0) continue;
    std::string path = route.pattern;
    for (const char* param : {"{id}", "{student}", "{file}"}) {
      size_t at = path.find(param);
      if (at != std::string::npos) path.replace(at, std::string(param).size(), "x1");
    }
    routes.emplace_back(route.method, path);
  }
  ASSERT_GE(routes.size(), 20u);
  for (const char* login : {"teacher@99dm.demo", "student@99dm.demo", "company@99dm.demo"}) {
    Browser b(t_->port());
    Login(b, login);
    for (const auto& [method, path] : routes) {
      int status = method == web::Method::kGet ? b.Get(path).status : b.Post(path, "").status;
      EXPECT_EQ(status, 403) << login << " " << path;
    }
  }
  Browser anonymous(t_->port());
  for (const auto& [method, path] : routes) {
    if (method != web::Method::kGet) continue;
    auto res = anonymous.Get(path);
    EXPECT_EQ(res.status, 303) << path;
    EXPECT_EQ(res.Header("location"), "/login") << path;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, PlacementHttpTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgres),
                         [](const ::testing::TestParamInfo<db::Dialect>& p) {
                           return std::string(p.param == db::Dialect::kSqlite ? "sqlite"
                                                                              : "postgres");
                         });

}  // namespace
