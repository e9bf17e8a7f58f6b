// Referrals that arrive, over real HTTP on SQLite and PostgreSQL
// (docs/referrals.md): the school's outside routes without logging in, the
// hand-over summary with only what the student agreed to share (a canary
// left out appears in no page, PDF, outbox row or .eml), the student's
// agreement before sending, the link-only mail whose token opens the summary
// once received and expires, school isolation, and the follow-up reminder
// that fires once. Last, the whole path at a school without demo data.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <regex>

#include "app/demo.h"
#include "app/referral_ui.h"
#include "crypto/totp.h"
#include "test_app.h"
#include "web/http.h"

namespace {

using nlohmann::json;
using testing_support::Browser;
using testing_support::TestApp;

const char kCanary[] = "CANARY-5e19b7-niet-delen";
const char kCompany[] = "Garage Gedeeld Zichtbaar";
constexpr char kPassword[] = "een lang en goed wachtwoord";

std::string Match(const std::string& text, const std::string& pattern) {
  std::smatch m;
  if (!std::regex_search(text, m, std::regex(pattern))) return "";
  return m[1].str();
}

// The text of a PDF as pdftotext reads it (poppler-utils, scripts/install-deps).
std::string PdfText(const std::string& bytes) {
  auto dir = std::filesystem::temp_directory_path();
  std::string in = (dir / ("sp-ref-" + std::to_string(::getpid()) + ".pdf")).string();
  std::ofstream(in, std::ios::binary) << bytes;
  std::string out = in + ".txt";
  EXPECT_EQ(std::system(("pdftotext -enc UTF-8 " + in + " " + out).c_str()), 0)
      << "pdftotext is missing: run scripts/install-deps";
  std::ifstream f(out);
  std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  std::filesystem::remove(in);
  std::filesystem::remove(out);
  return text;
}

class ReferralHttpTest : public ::testing::TestWithParam<db::Dialect> {
 protected:
  void SetUp() override {
    std::string reason;
    t_ = TestApp::Start(GetParam(), &reason);
    ASSERT_TRUE(t_ || reason.rfind("FAIL: ", 0) != 0) << reason;
    if (!t_) GTEST_SKIP() << reason;
  }
  std::string Totp(const std::string& secret = app::kDemoTotpSecret) {
    return *crypto::TotpCode(secret, t_->clock().NowMillis() / 1000);
  }
  void LoginDemo(Browser& b, const std::string& login) {
    t_->clock().Advance(std::chrono::seconds(31));  // a fresh TOTP step
    auto res = b.Login(login, app::kDemoPassword, Totp());
    ASSERT_EQ(res.Header("location"), "/dashboard") << login << " " << res.status;
  }
  // A named report: the narrative and the name hold the canary, the company does not.
  json Submit(const std::string& brin = "99DM") {
    json report = {{"mode", "named"},
                   {"phase", "internship"},
                   {"grounds", {"origin"}},
                   {"narrative", std::string("Wat er gebeurde: ") + kCanary},
                   {"wishes", {"referral"}},
                   {"company", {{"name", kCompany}}},
                   {"reporter", {{"name", std::string("Naam ") + kCanary}}}};
    web::TestClient c("127.0.0.1", t_->port());
    auto res = c.PostJson("/api/v1/schools/" + brin + "/reports", report.dump());
    EXPECT_EQ(res.status, 201) << res.body;
    return json::parse(res.body, nullptr, false);
  }
  std::string Query(const std::string& sql, const db::Params& params = {}) {
    std::string out;
    common::Status s = t_->db().Read([&](db::Connection& c) -> common::Status {
      SP_ASSIGN_OR_RETURN(db::Rows rows, c.Query(sql, params));
      if (!rows.empty()) out = rows.rows[0].IsNull(0) ? "" : rows.rows[0].Text(0);
      return common::Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString() << " " << sql;
    return out;
  }
  int64_t Count(const std::string& sql, const db::Params& params = {}) {
    int64_t out = -1;
    common::Status s = t_->db().Read([&](db::Connection& c) -> common::Status {
      SP_ASSIGN_OR_RETURN(db::Row r, c.QueryOne(sql, params));
      out = r.Int(0);
      return common::Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString() << " " << sql;
    return out;
  }
  std::string CaseId(const std::string& number) {
    return Query("SELECT id FROM cases WHERE case_number = $1", {number});
  }
  // The reporter's browser, in with the code.
  void EnterCode(Browser& b, const std::string& code) {
    b.Get("/melding");
    ASSERT_EQ(b.Post("/melding", "receipt=" + code).status, 303);
  }
  // Composes a summary of `parts` (urlencoded "parts=a&parts=b"); returns its id.
  std::string Compose(Browser& lead, const std::string& case_id, const std::string& parts,
                      const std::string& destination = "adv") {
    std::string base = "/meldpunt/zaken/" + case_id + "/doorverwijzingen";
    auto page = lead.Get(base);
    EXPECT_EQ(page.status, 200) << page.body.substr(0, 400);
    auto res = lead.Post(base, "destination=" + destination + "&" + parts +
                                   "&request=Graag+contact+opnemen&follow_up_days=7");
    EXPECT_EQ(res.status, 303) << res.body.substr(0, 600);
    return Match(res.Header("location"), "/doorverwijzingen/([A-Za-z0-9]+)");
  }
  // Every .eml the sender wrote.
  std::vector<std::string> Emls() {
    std::vector<std::string> out;
    std::string dir = t_->data_dir() + "/outbox";
    if (!std::filesystem::exists(dir)) return out;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
      if (e.path().extension() != ".eml") continue;
      std::ifstream in(e.path());
      out.emplace_back((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    }
    return out;
  }
  std::unique_ptr<TestApp> t_;
};

TEST_P(ReferralHttpTest, OutsideRoutesAreShownWithoutLoggingIn) {
  Browser anon(t_->port());
  for (const std::string path : {"/s/99DM/melden", "/s/99DM/norm"}) {
    auto page = anon.Get(path);
    ASSERT_EQ(page.status, 200) << path;
    EXPECT_NE(page.body.find("Waar kun je nog meer terecht?"), std::string::npos) << path;
    EXPECT_NE(page.body.find("https://www.discriminatie.nl"), std::string::npos) << path;
    EXPECT_NE(page.body.find("0900-111 3 111"), std::string::npos) << path;
    EXPECT_NE(page.body.find("College voor de Rechten van de Mens"), std::string::npos) << path;
    EXPECT_NE(page.body.find("aangifte"), std::string::npos) << path;
    EXPECT_NE(page.body.find("De keuze blijft van jou"), std::string::npos) << path;
  }
  // The school admin sets the regional ADV; from then on students see it by name.
  Browser admin(t_->port());
  LoginDemo(admin, "admin@99dm.demo");
  ASSERT_EQ(admin.Get("/admin/doorverwijzing").status, 200);
  auto bad = admin.Post("/admin/doorverwijzing", "adv_name=ADV+Regio&adv_email=geen-adres");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("geen geldig e-mailadres"), std::string::npos);
  EXPECT_NE(bad.body.find("value=\"ADV Regio\""), std::string::npos);  // nothing typed is lost
  auto ok = admin.Post("/admin/doorverwijzing",
                       "adv_name=Discriminatie.nl+Regio+Midden&adv_phone=030-1234567&adv_email="
                       "meldingen%40adv-midden.test&adv_website=https%3A%2F%2Fadv-midden.test");
  ASSERT_EQ(ok.status, 303) << ok.body.substr(0, 400);
  auto form = anon.Get("/s/99DM/melden");
  EXPECT_NE(form.body.find("Discriminatie.nl Regio Midden"), std::string::npos);
  EXPECT_NE(form.body.find("030-1234567"), std::string::npos);
  // Unticked: the vertrouwensinspecteur is no longer shown.
  EXPECT_EQ(form.body.find("0900-111 3 111"), std::string::npos);
  anon.Get("/lang/en?next=/s/99DM/norm");
  auto en = anon.Get("/s/99DM/norm");
  EXPECT_NE(en.body.find("Where else can you go?"), std::string::npos);
  EXPECT_NE(en.body.find("The choice stays yours"), std::string::npos);
}

TEST_P(ReferralHttpTest, SummaryHoldsOnlyWhatTheStudentAgreedToShare) {
  Browser admin(t_->port());
  LoginDemo(admin, "admin@99dm.demo");
  ASSERT_EQ(admin
                .Post("/admin/doorverwijzing",
                      "adv_name=ADV+Regio&adv_email=meldingen%40adv-regio.test&show_inspectie=1")
                .status,
            303);
  json receipt = Submit();
  std::string code = receipt["receipt"], number = receipt["case_number"];
  std::string case_id = CaseId(number);
  Browser lead(t_->port());
  LoginDemo(lead, "meldpunt@99dm.demo");
  // The compose form shows every part; the student shares company, grounds
  // and dates, not what happened nor their name.
  auto form = lead.Get("/meldpunt/zaken/" + case_id + "/doorverwijzingen");
  ASSERT_EQ(form.status, 200);
  EXPECT_NE(form.body.find("value=\"what\""), std::string::npos);
  auto none = lead.Post("/meldpunt/zaken/" + case_id + "/doorverwijzingen",
                        "destination=adv&follow_up_days=7");
  EXPECT_EQ(none.status, 400);
  EXPECT_NE(none.body.find("Kies wat de student wil delen"), std::string::npos);
  std::string ref = Compose(lead, case_id, "parts=company&parts=grounds&parts=dates");
  ASSERT_FALSE(ref.empty());
  std::string detail = "/meldpunt/zaken/" + case_id + "/doorverwijzingen/" + ref;

  // Not before the student agreed.
  lead.Get(detail);
  auto early = lead.Post(detail + "/versturen", "delivery=mail");
  EXPECT_EQ(early.status, 409);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM mail_outbox WHERE kind = 'referral'"), 0);

  // The student reads exactly what would go, and agrees.
  Browser student(t_->port());
  ASSERT_NO_FATAL_FAILURE(EnterCode(student, code));
  auto mine = student.Get("/melding/doorverwijzingen");
  ASSERT_EQ(mine.status, 200);
  EXPECT_NE(mine.body.find(kCompany), std::string::npos);
  EXPECT_NE(mine.body.find("Graag contact opnemen"), std::string::npos);
  EXPECT_EQ(mine.body.find(kCanary), std::string::npos);
  auto agreed = student.Post("/melding/doorverwijzingen/" + ref, "decision=agree");
  ASSERT_EQ(agreed.status, 303);
  EXPECT_EQ(student.Post("/melding/doorverwijzingen/" + ref, "decision=decline").status, 409);

  // The printable page and the PDF hold the company and not the canary.
  auto page = lead.Get(detail);
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find(kCompany), std::string::npos);
  EXPECT_EQ(page.body.find(kCanary), std::string::npos);
  auto pdf = lead.Get(detail + "/pdf");
  ASSERT_EQ(pdf.status, 200);
  EXPECT_EQ(pdf.Header("content-type"), "application/pdf");
  ASSERT_EQ(pdf.body.rfind("%PDF-", 0), 0u);
  EXPECT_EQ(pdf.body.find(kCanary), std::string::npos);
  std::string text = PdfText(pdf.body);
  EXPECT_NE(text.find(kCompany), std::string::npos) << text;
  EXPECT_NE(text.find("Afkomst"), std::string::npos) << text;
  EXPECT_EQ(text.find(kCanary), std::string::npos);
  EXPECT_EQ(text.find("Wat er gebeurde:"), std::string::npos);

  // Sent by mail: the mail is a link, nothing of the report.
  auto sent = lead.Post(detail + "/versturen", "delivery=mail");
  ASSERT_EQ(sent.status, 303) << sent.body.substr(0, 600);
  std::string body =
      Query("SELECT body FROM mail_outbox WHERE kind = 'referral' AND to_address = $1",
            {std::string("meldingen@adv-regio.test")});
  std::string token = Match(body, "/doorverwijzing/([A-Za-z0-9_-]+)");
  ASSERT_FALSE(token.empty()) << body;
  EXPECT_EQ(body.find(kCanary), std::string::npos);
  EXPECT_EQ(body.find(kCompany), std::string::npos);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM referrals WHERE token_hash = $1", {token}), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM case_actions WHERE case_id = $1 AND kind = "
                  "'referral_adv'",
                  {case_id}),
            1);
  ASSERT_TRUE(t_->app().SendQueuedMail().ok());
  auto emls = Emls();
  ASSERT_FALSE(emls.empty());
  for (const std::string& m : emls) {
    EXPECT_EQ(m.find(kCanary), std::string::npos);
    EXPECT_EQ(m.find(kCompany), std::string::npos);
  }
  // No stored row holds the canary in the clear (the summary is sealed).
  EXPECT_EQ(Count("SELECT COUNT(*) FROM referrals WHERE parts LIKE '%what%'"), 0);

  // The destination opens the link without an account: received.
  Browser adv(t_->port());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM referrals WHERE id = $1 AND received_at IS NULL", {ref}),
            1);
  auto link = adv.Get("/doorverwijzing/" + token);
  ASSERT_EQ(link.status, 200);
  EXPECT_NE(link.body.find(kCompany), std::string::npos);
  EXPECT_EQ(link.body.find(kCanary), std::string::npos);
  EXPECT_EQ(
      Count("SELECT COUNT(*) FROM referrals WHERE id = $1 AND received_at IS NOT NULL", {ref}), 1);
  auto link_pdf = adv.Get("/doorverwijzing/" + token + "/pdf");
  ASSERT_EQ(link_pdf.status, 200);
  EXPECT_EQ(PdfText(link_pdf.body).find(kCanary), std::string::npos);
  EXPECT_EQ(adv.Get("/doorverwijzing/" + token + "x").status, 404);

  // The student sees that it was sent, and what was in it.
  auto after = student.Get("/melding/doorverwijzingen");
  EXPECT_NE(after.body.find("Verstuurd op"), std::string::npos);
  EXPECT_NE(after.body.find("Aangekomen op"), std::string::npos);
  EXPECT_NE(after.body.find(kCompany), std::string::npos);

  // The follow-up reminder fires once, after the follow-up days, unless answered.
  auto referrals = app::ReferralsOf(t_->app());
  EXPECT_EQ(*referrals.RunFollowUpReminders(), 0);
  t_->clock().Advance(std::chrono::hours(24 * 8));
  EXPECT_EQ(*referrals.RunFollowUpReminders(), 1);
  EXPECT_EQ(*referrals.RunFollowUpReminders(), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM notifications WHERE kind = 'referral_follow_up' AND "
                  "object_id = $1",
                  {ref}),
            1);
  // The handler records the answer.
  LoginDemo(lead, "meldpunt@99dm.demo");
  lead.Get(detail);
  auto answered = lead.Post(detail + "/antwoord", "answer=De+ADV+belt+de+student&outcome=taken_up");
  ASSERT_EQ(answered.status, 303) << answered.body.substr(0, 400);
  EXPECT_NE(lead.Get(detail).body.find("De ADV belt de student"), std::string::npos);

  // 30 days after sending the link no longer opens.
  t_->clock().Advance(std::chrono::hours(24 * 23));
  EXPECT_EQ(adv.Get("/doorverwijzing/" + token).status, 410);
  EXPECT_EQ(adv.Get("/doorverwijzing/" + token + "/pdf").status, 410);
}

TEST_P(ReferralHttpTest, AnotherSchoolsReferralIsMissing) {
  json receipt = Submit();
  std::string case_id = CaseId(receipt["case_number"]);
  Browser lead(t_->port());
  LoginDemo(lead, "meldpunt@99dm.demo");
  std::string ref = Compose(lead, case_id, "parts=company");
  ASSERT_FALSE(ref.empty());
  Browser other(t_->port());
  LoginDemo(other, "meldpunt@98dm.demo");
  std::string base = "/meldpunt/zaken/" + case_id + "/doorverwijzingen";
  EXPECT_EQ(other.Get(base).status, 404);
  EXPECT_EQ(other.Get(base + "/" + ref).status, 404);
  EXPECT_EQ(other.Get(base + "/" + ref + "/pdf").status, 404);
  other.Get("/meldpunt");
  EXPECT_EQ(other.Post(base + "/" + ref + "/versturen", "delivery=in_person").status, 404);
  // A referral id under another case of the own school is missing too.
  json second = Submit();
  std::string other_case = CaseId(second["case_number"]);
  EXPECT_EQ(lead.Get("/meldpunt/zaken/" + other_case + "/doorverwijzingen/" + ref).status, 404);
  // A student with another report's code sees nothing of it.
  Browser student(t_->port());
  ASSERT_NO_FATAL_FAILURE(EnterCode(student, second["receipt"]));
  EXPECT_EQ(student.Get("/melding/doorverwijzingen").body.find(kCompany), std::string::npos);
  EXPECT_EQ(student.Post("/melding/doorverwijzingen/" + ref, "decision=agree").status, 404);
}

// A school made from nothing: its admin sets the ADV, a handler (the lead)
// composes, the student agrees with the code, and the lead hands it over.
TEST_P(ReferralHttpTest, SchoolWithoutDemoDataSendsAReferralTheStudentAgreedTo) {
  app::App& app = t_->app();
  std::string admin_invite;
  common::Status s = t_->db().Write([&](db::Connection& c) -> common::Status {
    SP_ASSIGN_OR_RETURN(auth::School school,
                        app.accounts().CreateSchool(c, "97ZZ", "ROC Zonder Demo"));
    SP_RETURN_IF_ERROR(app.accounts().SetLoginDomains(c, school.id, {"97zz.test"}));
    SP_RETURN_IF_ERROR(app.keyring().CreateRecoveryKey(c, school.id).status());
    SP_ASSIGN_OR_RETURN(auth::User admin,
                        app.accounts().CreateUser(c, {school.id, "admin@97zz.test", "Beheer",
                                                      domain::Role::kSchoolAdmin}));
    SP_ASSIGN_OR_RETURN(admin_invite, app.invitations().Create(c, admin.id));
    return common::Status::Ok();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  std::map<std::string, std::string> secrets;
  auto activate = [&](Browser& b, const std::string& invite, const std::string& login) {
    b.Get("/invite/" + invite);
    ASSERT_EQ(b.Post("/invite/" + invite, "password=" + web::UrlEncode(kPassword)).status, 200);
    ASSERT_EQ(b.Login(login, kPassword).Header("location"), "/account/security");
    std::string secret =
        Match(b.Get("/account/security").body, "name=\"secret\" value=\"([A-Z2-7]+)\"");
    ASSERT_FALSE(secret.empty());
    secrets[login] = secret;
    ASSERT_EQ(b.Post("/account/security", "secret=" + secret + "&code=" + Totp(secret))
                  .Header("location"),
              "/dashboard");
  };
  Browser admin(t_->port());
  ASSERT_NO_FATAL_FAILURE(activate(admin, admin_invite, "admin@97zz.test"));
  ASSERT_EQ(admin.Get("/admin/doorverwijzing").status, 200);
  ASSERT_EQ(admin
                .Post("/admin/doorverwijzing",
                      "adv_name=ADV+Zuid&adv_email=info%40adv-zuid.test&show_inspectie=1")
                .status,
            303);
  admin.Get("/admin/users");
  ASSERT_EQ(
      admin.Post("/admin/users", "display_name=Lotte&login=lotte%4097zz.test&role=meldpunt").status,
      201);
  std::string invite = Match(Query("SELECT m.body FROM mail_outbox m JOIN users u ON u.id = "
                                   "m.user_id WHERE u.login = 'lotte@97zz.test' AND m.kind = "
                                   "'invitation'"),
                             "/invite/([A-Za-z0-9_-]+)");
  Browser lead(t_->port());
  ASSERT_NO_FATAL_FAILURE(activate(lead, invite, "lotte@97zz.test"));
  // Keys are sealed to the lead's key pair, made at her first login: report after it.
  json receipt = Submit("97ZZ");
  std::string case_id = CaseId(receipt["case_number"]);
  EXPECT_NE(Browser(t_->port()).Get("/s/97ZZ/melden").body.find("ADV Zuid"), std::string::npos);
  std::string ref = Compose(lead, case_id, "parts=company&parts=dates");
  ASSERT_FALSE(ref.empty());
  Browser student(t_->port());
  ASSERT_NO_FATAL_FAILURE(EnterCode(student, receipt["receipt"]));
  student.Get("/melding/doorverwijzingen");
  ASSERT_EQ(student.Post("/melding/doorverwijzingen/" + ref, "decision=agree").status, 303);
  std::string detail = "/meldpunt/zaken/" + case_id + "/doorverwijzingen/" + ref;
  lead.Get(detail);
  ASSERT_EQ(lead.Post(detail + "/versturen", "delivery=mail").status, 303);
  std::string body = Query("SELECT body FROM mail_outbox WHERE kind = 'referral'");
  EXPECT_NE(body.find("ROC Zonder Demo"), std::string::npos);
  EXPECT_EQ(body.find(kCanary), std::string::npos);
  std::string token = Match(body, "/doorverwijzing/([A-Za-z0-9_-]+)");
  auto link = Browser(t_->port()).Get("/doorverwijzing/" + token);
  EXPECT_EQ(link.status, 200);
  EXPECT_NE(link.body.find(kCompany), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, ReferralHttpTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgres),
                         [](const ::testing::TestParamInfo<db::Dialect>& p) {
                           return std::string(p.param == db::Dialect::kSqlite ? "sqlite"
                                                                              : "postgres");
                         });

}  // namespace
