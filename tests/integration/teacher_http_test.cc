// The stagebegeleider's pages (docs/teacher.md), over real HTTP on SQLite
// and PostgreSQL: a teacher sees only the students they supervise at their
// own school (any other student answers 404); no teacher page ever shows
// case content, not even a canary from a case about their own student; a
// concern raised with the student's agreement opens a case the student sees
// in their own account, and the code reaches the student, never the teacher;
// the request to talk holds no student; the coordinator links by hand; and a
// school without demo data gets there from the students import.
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "app/demo.h"
#include "crypto/totp.h"
#include "test_app.h"

namespace {

using testing_support::Browser;
using testing_support::TestApp;

constexpr char kPassword[] = "paars konijn op de fiets";

class TeacherHttpTest : public ::testing::TestWithParam<db::Dialect> {
 protected:
  void SetUp() override {
    std::string reason;
    t_ = TestApp::Start(GetParam(), &reason);
    ASSERT_TRUE(t_ || reason.rfind("FAIL: ", 0) != 0) << reason;
    if (!t_) GTEST_SKIP() << reason;
  }
  std::string Totp() {
    return *crypto::TotpCode(app::kDemoTotpSecret, t_->clock().NowMillis() / 1000);
  }
  std::unique_ptr<Browser> LoggedIn(const std::string& login, const std::string& totp = "") {
    auto b = std::make_unique<Browser>(t_->port());
    auto res = b->Login(login, app::kDemoPassword, totp);
    EXPECT_EQ(res.Header("location"), "/dashboard") << login;
    return b;
  }
  std::vector<std::vector<std::string>> Rows(const std::string& sql, const db::Params& p = {}) {
    std::vector<std::vector<std::string>> out;
    EXPECT_TRUE(t_->db()
                    .Read([&](db::Connection& c) -> common::Status {
                      SP_ASSIGN_OR_RETURN(db::Rows rows, c.Query(sql, p));
                      for (const db::Row& r : rows.rows) {
                        std::vector<std::string> row;
                        for (size_t i = 0; i < r.size(); ++i) {
                          const db::Value& v = r.at(i);
                          if (const auto* n = std::get_if<int64_t>(&v))
                            row.push_back(std::to_string(*n));
                          else
                            row.push_back(r.IsNull(i) ? "" : r.BlobBytes(i));
                        }
                        out.push_back(row);
                      }
                      return common::Status::Ok();
                    })
                    .ok())
        << sql;
    return out;
  }
  std::string One(const std::string& sql, const db::Params& p = {}) {
    auto rows = Rows(sql, p);
    return rows.empty() ? "" : rows[0][0];
  }
  // The ids of the students the page links to.
  static std::set<std::string> Linked(const std::string& html) {
    std::set<std::string> out;
    std::regex re("href=\"/begeleiding/studenten/([A-Za-z0-9]+)\"");
    for (auto it = std::sregex_iterator(html.begin(), html.end(), re); it != std::sregex_iterator();
         ++it)
      out.insert((*it)[1]);
    return out;
  }
  std::string StudentId(const std::string& school_brin, const std::string& where) {
    return One(
        "SELECT s.id FROM students s JOIN schools k ON k.id = s.school_id WHERE k.brin = "
        "$1 AND " +
            where + " ORDER BY s.student_number LIMIT 1",
        {school_brin});
  }
  // The page's <main>: the header's language link names the path.
  static std::string Main(const std::string& html) {
    size_t from = html.find("<main"), to = html.find("</main>");
    return from == std::string::npos || to == std::string::npos ? html
                                                                : html.substr(from, to - from);
  }
  std::string Sanne() { return StudentId("99DM", "s.name = 'Sanne de Vries (demo)'"); }

  std::unique_ptr<TestApp> t_;
};

TEST_P(TeacherHttpTest, SeesOnlyOwnStudentsOfOwnSchool) {
  auto teacher = LoggedIn("teacher@99dm.demo");
  auto home = teacher->Get("/begeleiding");
  ASSERT_EQ(home.status, 200);
  std::set<std::string> expected;
  for (const auto& r : Rows("SELECT s.id FROM students s JOIN schools k ON k.id = s.school_id "
                            "WHERE k.brin = '99DM' AND s.begeleider_email = 'teacher@99dm.demo'"))
    expected.insert(r[0]);
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(Linked(home.body), expected);
  EXPECT_NE(home.body.find("Sanne de Vries (demo)"), std::string::npos);
  EXPECT_EQ(teacher->Get("/begeleiding/studenten/" + Sanne()).status, 200);

  // Not supervised, another school's, or missing: all the same 404.
  const std::string other = StudentId("99DM", "COALESCE(s.begeleider_email, '') = ''");
  const std::string foreign = StudentId("98DM", "1 = 1");
  ASSERT_FALSE(other.empty());
  ASSERT_FALSE(foreign.empty());
  auto a = teacher->Get("/begeleiding/studenten/" + other);
  auto b = teacher->Get("/begeleiding/studenten/" + foreign);
  auto c = teacher->Get("/begeleiding/studenten/AAAAAAAAAAAAAAAAAAAAAAAAAA");
  EXPECT_EQ(a.status, 404);
  EXPECT_EQ(b.status, 404);
  EXPECT_EQ(c.status, 404);
  EXPECT_EQ(Main(a.body), Main(b.body));
  EXPECT_EQ(teacher->Post("/begeleiding/studenten/" + foreign + "/zorg", "agreed=1").status, 404);
  // Another school's teacher does not see this school's students.
  auto other_teacher = LoggedIn("teacher@98dm.demo");
  EXPECT_EQ(other_teacher->Get("/begeleiding/studenten/" + Sanne()).status, 404);
  EXPECT_EQ(Linked(other_teacher->Get("/begeleiding").body).count(Sanne()), 0u);
  // Other roles: 403.
  auto student = LoggedIn("student@99dm.demo");
  EXPECT_EQ(student->Get("/begeleiding").status, 403);
  EXPECT_EQ(student->Get("/begeleiding/gesprek").status, 403);
}

TEST_P(TeacherHttpTest, ConcernWithAgreementReachesTheStudentNotTheTeacher) {
  const std::string sanne = Sanne();
  ASSERT_FALSE(sanne.empty());
  // The student reports on her own: its content must never reach the teacher.
  const std::string kCanary = "KANARIE-teacher-7f3a";
  auto student = LoggedIn("student@99dm.demo");
  student->Get("/s/99DM/melden");
  auto own = student->Post(
      "/s/99DM/melden",
      "mode=confidential&phase=internship&grounds=religion&narrative=" + std::string(kCanary) +
          "&reporter_name=Sanne+de+Vries&reporter_email=student%4099dm.demo");
  ASSERT_EQ(own.status, 201) << own.body.substr(0, 500);
  const std::string own_number =
      One("SELECT case_number FROM cases ORDER BY received_at DESC, id LIMIT 1");

  auto teacher = LoggedIn("teacher@99dm.demo");
  const std::string page = "/begeleiding/studenten/" + sanne;
  ASSERT_EQ(teacher->Get(page).status, 200);
  // Without the agreement: refused, naming the checkbox, nothing typed lost.
  auto refused = teacher->Post(
      page + "/zorg", "phase=internship&grounds=religion&narrative=Zorg+van+de+begeleider");
  EXPECT_EQ(refused.status, 400);
  EXPECT_NE(refused.body.find("href=\"#agreed\""), std::string::npos);
  EXPECT_NE(refused.body.find("Zorg van de begeleider"), std::string::npos);
  const std::string kTeacherCanary = "BEGELEIDER-kanarie-91c2";
  auto sent = teacher->Post(page + "/zorg",
                            "agreed=1&phase=internship&grounds=religion"
                            "&narrative=" +
                                kTeacherCanary + "&company_name=Zorg+BV");
  ASSERT_EQ(sent.status, 201) << sent.body.substr(0, 1500);
  auto link = Rows(
      "SELECT k.case_id, c.case_number, c.channel, c.mode FROM student_case_links k "
      "JOIN cases c ON c.id = k.case_id WHERE k.student_id = $1",
      {sanne});
  ASSERT_EQ(link.size(), 1u);
  EXPECT_EQ(link[0][2], "mentor");
  EXPECT_EQ(link[0][3], "confidential");
  const std::string case_id = link[0][0];
  // The student hears of it by mail, naming only a reference and a link.
  EXPECT_EQ(One("SELECT COUNT(*) FROM mail_outbox m JOIN users u ON u.id = m.user_id WHERE "
                "u.login = 'student@99dm.demo' AND m.kind = 'message_for_student'"),
            "1");

  // The student sees the case in her account and collects the code once.
  auto mine = student->Get("/mijn-meldingen");
  ASSERT_EQ(mine.status, 200);
  EXPECT_NE(mine.body.find(link[0][1]), std::string::npos);
  EXPECT_NE(mine.body.find("/mijn-meldingen/" + case_id + "/code"), std::string::npos);
  auto shown = student->Post("/mijn-meldingen/" + case_id + "/code", "");
  ASSERT_EQ(shown.status, 200);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(shown.body, m, std::regex("id=\"receipt-code\">([^<]+)<")));
  const std::string code = m[1];
  EXPECT_EQ(student->Post("/mijn-meldingen/" + case_id + "/code", "").status, 404);
  EXPECT_EQ(One("SELECT COUNT(*) FROM student_case_links WHERE code_sealed IS NOT NULL"), "0");
  // The code opens the case on the reporter's pages.
  Browser reporter(t_->port());
  reporter.Get("/melding");
  auto opened = reporter.Post("/melding", "receipt=" + code);
  EXPECT_EQ(opened.Header("location"), "/melding/zaak") << opened.body.substr(0, 300);
  EXPECT_NE(reporter.Get("/melding/zaak").body.find(kTeacherCanary), std::string::npos);

  // The teacher saw neither the code nor any content, on any page.
  EXPECT_EQ(sent.body.find(code), std::string::npos);
  for (const std::string& path : {std::string("/begeleiding"), page,
                                  std::string("/begeleiding/gesprek"), std::string("/dashboard")}) {
    auto res = teacher->Get(path);
    EXPECT_EQ(res.status, 200) << path;
    EXPECT_EQ(res.body.find(kCanary), std::string::npos) << path;
    EXPECT_EQ(res.body.find(kTeacherCanary), std::string::npos) << path;
    EXPECT_EQ(res.body.find(own_number), std::string::npos) << path;
    EXPECT_EQ(res.body.find(code), std::string::npos) << path;
  }
  // Another student does not see it, and cannot take the code.
  EXPECT_EQ(student->Post("/mijn-meldingen/AAAAAAAAAAAAAAAAAAAAAAAAAA/code", "").status, 404);
}

TEST_P(TeacherHttpTest, ConsultationHoldsNoStudent) {
  auto teacher = LoggedIn("teacher@99dm.demo");
  teacher->Get("/begeleiding");
  auto asked = teacher->Post("/begeleiding/overleg", "student=" + Sanne());
  ASSERT_EQ(asked.status, 303);
  auto rows = Rows("SELECT * FROM teacher_consultations");
  ASSERT_EQ(rows.size(), 1u);
  const std::string teacher_id = One("SELECT id FROM users WHERE login = 'teacher@99dm.demo'");
  for (const std::string& cell : rows[0]) {
    EXPECT_EQ(cell.find(Sanne()), std::string::npos);
    EXPECT_EQ(cell.find("Sanne"), std::string::npos);
  }
  EXPECT_EQ(One("SELECT teacher_id FROM teacher_consultations"), teacher_id);
  EXPECT_EQ(One("SELECT COUNT(*) FROM notifications WHERE kind = 'teacher_consultation'") == "0",
            false);

  auto lead = LoggedIn("meldpunt@99dm.demo", Totp());
  auto list = lead->Get("/meldpunt/overleg");
  ASSERT_EQ(list.status, 200);
  EXPECT_NE(list.body.find("Kees Visser (demo)"), std::string::npos);
  EXPECT_EQ(list.body.find("Sanne"), std::string::npos);
  EXPECT_NE(lead->Get("/dashboard").body.find("/meldpunt/overleg"), std::string::npos);
  const std::string id = rows[0][0];
  EXPECT_EQ(lead->Post("/meldpunt/overleg/" + id + "/afgehandeld", "").status, 303);
  EXPECT_EQ(One("SELECT COUNT(*) FROM teacher_consultations WHERE answered_at IS NOT NULL"), "1");
  EXPECT_EQ(lead->Post("/meldpunt/overleg/" + id + "/afgehandeld", "").status, 404);
}

TEST_P(TeacherHttpTest, CoordinatorLinksByHand) {
  const std::string other = StudentId("99DM", "COALESCE(s.begeleider_email, '') = ''");
  const std::string number = One("SELECT student_number FROM students WHERE id = $1", {other});
  const std::string teacher_id = One("SELECT id FROM users WHERE login = 'teacher@99dm.demo'");
  auto coord = LoggedIn("coordinator@99dm.demo");
  ASSERT_EQ(coord->Get("/stagematching/begeleiders").status, 200);
  auto bad =
      coord->Post("/stagematching/begeleiders", "teacher=" + teacher_id + "&student_number=XX9999");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("href=\"#student_number\""), std::string::npos);
  EXPECT_NE(bad.body.find("XX9999"), std::string::npos);
  auto ok = coord->Post("/stagematching/begeleiders",
                        "teacher=" + teacher_id + "&student_number=" + number);
  EXPECT_EQ(ok.status, 200) << ok.body.substr(0, 500);
  auto teacher = LoggedIn("teacher@99dm.demo");
  EXPECT_EQ(teacher->Get("/begeleiding/studenten/" + other).status, 200);
  // Another school's coordinator cannot link this school's teacher.
  auto coord98 = LoggedIn("coordinator@98dm.demo");
  coord98->Get("/stagematching/begeleiders");
  EXPECT_EQ(coord98
                ->Post("/stagematching/begeleiders",
                       "teacher=" + teacher_id + "&student_number=" + number)
                .status,
            400);
  coord->Get("/stagematching/begeleiders");
  EXPECT_EQ(coord
                ->Post("/stagematching/begeleiders/ontkoppelen",
                       "teacher=" + teacher_id + "&student=" + other)
                .status,
            200);
  EXPECT_EQ(teacher->Get("/begeleiding/studenten/" + other).status, 404);
}

// A school without demo data: the admin imports a teacher and students with
// begeleider_email; the invited teacher logs in and sees the student.
TEST_P(TeacherHttpTest, SchoolWithoutDemoDataFromTheImport) {
  Browser sys(t_->port());
  ASSERT_EQ(sys.Login("sysadmin@demo", app::kDemoPassword, Totp()).Header("location"),
            "/dashboard");
  sys.Get("/admin/schools");
  ASSERT_EQ(sys.Post("/admin/schools", "brin=97PV&name=ROC+Proef&domains=97pv.test").status, 201);
  ASSERT_EQ(sys.Post("/admin/schools/admin",
                     "admin_brin=97PV&admin_login=beheer%4097pv.test&admin_name=Bea+Beheer")
                .status,
            201);
  auto activate = [&](Browser& b, const std::string& login) {
    std::string body =
        One("SELECT m.body FROM mail_outbox m JOIN users u ON u.id = m.user_id "
            "WHERE u.login = $1 AND m.kind = 'invitation' ORDER BY m.created_at "
            "DESC LIMIT 1",
            {login});
    size_t at = body.find("/invite/");
    ASSERT_NE(at, std::string::npos) << login;
    std::string token = body.substr(at + 8, body.find_first_of("\n ", at) - at - 8);
    b.Get("/invite/" + token);
    auto set = b.Post("/invite/" + token, "password=" + web::UrlEncode(kPassword) +
                                              "&password2=" + web::UrlEncode(kPassword) +
                                              "&password_confirm=" + web::UrlEncode(kPassword));
    ASSERT_LT(set.status, 400) << login;
  };
  Browser admin(t_->port());
  activate(admin, "beheer@97pv.test");
  admin.Login("beheer@97pv.test", kPassword);
  admin.Get("/account/security");
  ASSERT_LT(admin
                .Post("/account/security",
                      std::string("secret=") + app::kDemoTotpSecret + "&code=" + Totp())
                .status,
            400);
  auto upload = [&](const std::string& kind, const std::string& csv, bool invite) {
    admin.Get("/admin/import");
    const std::string boundary = "----stagepunt-teacher-1";
    std::string body;
    auto part = [&](const std::string& name, const std::string& value) {
      body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name +
              "\"\r\n\r\n" + value + "\r\n";
    };
    part("csrf", admin.last_csrf());
    part("kind", kind);
    if (invite) part("invite", "1");
    body += "--" + boundary +
            "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.csv\"\r\n"
            "Content-Type: text/csv\r\n\r\n" +
            csv + "\r\n--" + boundary + "--\r\n";
    std::string cookies;
    for (const auto& [k, v] : admin.cookies())
      cookies += (cookies.empty() ? "" : "; ") + k + "=" + v;
    web::TestClient c("127.0.0.1", t_->port());
    return c.Send(
        "POST", "/admin/import",
        {{"Cookie", cookies}, {"Content-Type", "multipart/form-data; boundary=" + boundary}}, body);
  };
  ASSERT_EQ(
      upload("staff", "login,name,role,email\nbo@97pv.test,Bo Begeleider,teacher,\n", false).status,
      200);
  ASSERT_EQ(upload("students",
                   "student_number,name,crebo,level,pathway,cohort,email,begeleider_email\n"
                   "S001,Sara Student,25480,3,BOL,2026,sara@97pv.test,bo@97pv.test\n"
                   "S002,Sem Ander,25480,3,BOL,2026,sem@97pv.test,\n",
                   true)
                .status,
            200);
  Browser bo(t_->port());
  activate(bo, "bo@97pv.test");
  ASSERT_EQ(bo.Login("bo@97pv.test", kPassword).Header("location"), "/dashboard");
  EXPECT_NE(bo.Get("/dashboard").body.find("href=\"/begeleiding\""), std::string::npos);
  auto home = bo.Get("/begeleiding");
  ASSERT_EQ(home.status, 200);
  EXPECT_NE(home.body.find("Sara Student"), std::string::npos);
  EXPECT_EQ(home.body.find("Sem Ander"), std::string::npos);
  EXPECT_EQ(Linked(home.body).size(), 1u);
}

// The report form's on-behalf path, for any staff role: the student's
// agreement is required, never anonymous, and the code goes to the student.
TEST_P(TeacherHttpTest, OnBehalfFormHandsTheCodeToTheStudent) {
  const std::string number = One("SELECT student_number FROM students WHERE id = $1", {Sanne()});
  auto coord = LoggedIn("coordinator@99dm.demo");
  coord->Get("/s/99DM/melden");
  const std::string base =
      "phase=internship&grounds=age&narrative=Namens+de+student"
      "&reporter_name=Sanne+de+Vries&reporter_student_number=" +
      number;
  auto no_agreement = coord->Post("/s/99DM/melden", base + "&mode=confidential");
  EXPECT_EQ(no_agreement.status, 400);
  EXPECT_NE(no_agreement.body.find("href=\"#student_agrees\""), std::string::npos);
  auto anonymous = coord->Post("/s/99DM/melden", base + "&mode=anonymous&student_agrees=1");
  EXPECT_EQ(anonymous.status, 400);
  EXPECT_NE(anonymous.body.find("href=\"#mode\""), std::string::npos);
  auto unknown = coord->Post("/s/99DM/melden",
                             "phase=internship&grounds=age&narrative=Namens+de+student"
                             "&reporter_name=X&reporter_student_number=XX0000"
                             "&mode=confidential&student_agrees=1");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_NE(unknown.body.find("href=\"#reporter_student_number\""), std::string::npos);
  auto sent = coord->Post("/s/99DM/melden", base + "&mode=confidential&student_agrees=1");
  ASSERT_EQ(sent.status, 201) << sent.body.substr(0, 800);
  EXPECT_EQ(sent.body.find("receipt-code"), std::string::npos);
  const std::string case_id =
      One("SELECT case_id FROM student_case_links WHERE student_id = $1", {Sanne()});
  ASSERT_FALSE(case_id.empty());
  auto student = LoggedIn("student@99dm.demo");
  EXPECT_NE(student->Get("/mijn-meldingen").body.find("/mijn-meldingen/" + case_id + "/code"),
            std::string::npos);
  auto shown = student->Post("/mijn-meldingen/" + case_id + "/code", "");
  ASSERT_EQ(shown.status, 200);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(shown.body, m, std::regex("id=\"receipt-code\">([^<]+)<")));
  EXPECT_EQ(sent.body.find(m[1].str()), std::string::npos);
}

// Every new page, for the role that uses it, in Dutch and in English: no
// catalogue key left untranslated.
TEST_P(TeacherHttpTest, EveryPageInBothLanguages) {
  const std::regex raw(
      "\\b(teacher_|consult_|own_reports_|own_code_|nav_teacher|nav_consult|"
      "nav_own_|report_err_on_|report_on_behalf_|status_)[a-z_]*");
  struct Visit {
    std::string login, totp_needed;
    std::vector<std::string> paths;
  };
  const std::vector<Visit> visits = {
      {"teacher@99dm.demo",
       "",
       {"/begeleiding", "/begeleiding/gesprek", "/begeleiding/studenten/" + Sanne()}},
      {"coordinator@99dm.demo", "", {"/stagematching/begeleiders"}},
      {"meldpunt@99dm.demo", "yes", {"/meldpunt/overleg"}},
      {"student@99dm.demo", "", {"/mijn-meldingen"}},
  };
  for (const Visit& v : visits) {
    auto b = LoggedIn(v.login, v.totp_needed.empty() ? "" : Totp());
    for (const char* lang : {"nl", "en"}) {
      b->Get(std::string("/lang/") + lang);
      for (const std::string& path : v.paths) {
        auto res = b->Get(path);
        ASSERT_EQ(res.status, 200) << v.login << " " << path;
        EXPECT_NE(res.body.find(std::string("<html lang=\"") + lang), std::string::npos) << path;
        std::string text = Main(res.body);
        std::smatch m;
        EXPECT_FALSE(std::regex_search(text, m, raw)) << path << " " << lang << ": " << m.str();
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, TeacherHttpTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgres),
                         [](const ::testing::TestParamInfo<db::Dialect>& p) {
                           return std::string(p.param == db::Dialect::kSqlite ? "sqlite"
                                                                              : "postgres");
                         });

}  // namespace
