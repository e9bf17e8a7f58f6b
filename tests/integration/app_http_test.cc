// The whole stack over real HTTP, on SQLite and on PostgreSQL.
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <sstream>
#include <thread>
#include <vector>

#include "app/demo.h"
#include "crypto/totp.h"
#include "test_app.h"

namespace {

using testing_support::Browser;
using testing_support::TestApp;

class AppHttpTest : public ::testing::TestWithParam<db::Dialect> {
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
  // Moves to the next 30 s step so a fresh TOTP code is accepted.
  void NextTotpStep() { t_->clock().Advance(std::chrono::seconds(30)); }
  std::unique_ptr<TestApp> t_;
};

TEST_P(AppHttpTest, SecurityHeadersOnEveryResponse) {
  Browser b(t_->port());
  for (const char* path : {"/", "/login", "/nope", "/dashboard"}) {
    auto res = b.Get(path);
    std::string csp = res.Header("content-security-policy");
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << path;
    EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << path;
    EXPECT_EQ(res.Header("x-content-type-options"), "nosniff") << path;
    EXPECT_EQ(res.Header("referrer-policy"), "no-referrer") << path;
    EXPECT_EQ(res.Header("cache-control"), "no-store") << path;
    EXPECT_EQ(res.Header("strict-transport-security"), "") << "no HSTS without TLS";
  }
}

TEST_P(AppHttpTest, StaticAssetsAreHashedAndCachedLong) {
  Browser b(t_->port());
  std::string html = b.Get("/").body;
  size_t at = html.find("/assets/app.");
  ASSERT_NE(at, std::string::npos);
  std::string href = html.substr(at, html.find('"', at) - at);
  auto res = b.Get(href);
  EXPECT_EQ(res.status, 200);
  EXPECT_NE(res.Header("cache-control").find("immutable"), std::string::npos);
  EXPECT_EQ(b.Get("/assets/../../etc/passwd").status, 404);
}

TEST_P(AppHttpTest, StudentLogsInAndOut) {
  Browser b(t_->port());
  auto res = b.Login("student@99dm.demo", app::kDemoPassword);
  ASSERT_EQ(res.status, 303);
  EXPECT_EQ(res.Header("location"), "/dashboard");
  std::string cookie = res.Header("set-cookie");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  std::string sid = b.cookies()["sid"];
  EXPECT_GE(sid.size(), 43u);  // 256 bits

  auto dash = b.Get("/dashboard");
  EXPECT_EQ(dash.status, 200);
  EXPECT_NE(dash.body.find("ROC Demo"), std::string::npos);

  EXPECT_EQ(b.Post("/logout", "").status, 303);
  EXPECT_EQ(b.Get("/dashboard").status, 303);  // back to /login
  // The old session id is dead even when replayed.
  Browser replay(t_->port());
  replay.cookies()["sid"] = sid;
  EXPECT_EQ(replay.Get("/dashboard").status, 303);
}

TEST_P(AppHttpTest, LoginRenewsTheSessionId) {
  Browser b(t_->port());
  b.Login("student@99dm.demo", app::kDemoPassword);
  std::string first = b.cookies()["sid"];
  b.Post("/logout", "");
  b.Login("student@99dm.demo", app::kDemoPassword);
  EXPECT_NE(first, b.cookies()["sid"]);
}

TEST_P(AppHttpTest, WrongPasswordIsRejectedWithAClearError) {
  Browser b(t_->port());
  auto res = b.Login("student@99dm.demo", "wrong password here");
  EXPECT_EQ(res.status, 401);
  EXPECT_NE(res.body.find("Er is een probleem"), std::string::npos);
  EXPECT_NE(res.body.find("value=\"student@99dm.demo\""), std::string::npos) << "keeps what was typed";
  auto unknown = b.Login("nobody@99dm.demo", "wrong password here");
  EXPECT_EQ(unknown.status, 401);
  auto empty = b.Post("/login", "login=&password=");
  EXPECT_EQ(empty.status, 400);
  EXPECT_NE(empty.body.find("href=\"#login\""), std::string::npos);
  EXPECT_NE(empty.body.find("href=\"#password\""), std::string::npos);
}

// Wrong passwords slow down that login from that client only, and the answer
// is held back, never refused: the right password still gets in.
TEST_P(AppHttpTest, LoginIsThrottledPerLoginAndClientButNeverRefused) {
  auth::LoginThrottle& throttle = t_->app().login_throttle();
  Browser attacker(t_->port());
  attacker.set_source_address("127.0.0.2");
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(attacker.Login("teacher@99dm.demo", "not the password " + std::to_string(i)).status,
              401);
  }
  std::string attacker_key = throttle.ClientKey("127.0.0.2");
  std::chrono::milliseconds delay = throttle.Delay("teacher@99dm.demo", attacker_key);
  EXPECT_EQ(delay, auth::LoginThrottle::kFirstDelay);
  // The real user at another address is not held back at all.
  EXPECT_EQ(throttle.Delay("teacher@99dm.demo", throttle.ClientKey("127.0.0.1")).count(), 0);
  Browser real(t_->port());
  EXPECT_EQ(real.Login("teacher@99dm.demo", app::kDemoPassword).status, 303);
  // Other accounts are unaffected, also from the attacker's address.
  Browser other(t_->port());
  other.set_source_address("127.0.0.2");
  EXPECT_EQ(other.Login("student@99dm.demo", app::kDemoPassword).status, 303);
  // From the attacker's address the right password gets in after the delay.
  Browser same(t_->port());
  same.set_source_address("127.0.0.2");
  same.Get("/login");
  auto start = std::chrono::steady_clock::now();
  auto res = same.Post("/login",
                       "login=teacher%4099dm.demo&password=" + web::UrlEncode(app::kDemoPassword));
  EXPECT_EQ(res.status, 303) << "held back, not refused";
  EXPECT_GE(std::chrono::steady_clock::now() - start, delay);
  // Failures decay: after a few minutes no delay is left.
  for (int i = 0; i < 6; ++i) throttle.RecordFailure("teacher@99dm.demo", attacker_key);
  EXPECT_GT(throttle.Delay("teacher@99dm.demo", attacker_key).count(), 0);
  t_->clock().Advance(std::chrono::minutes(2));
  EXPECT_EQ(throttle.Delay("teacher@99dm.demo", attacker_key).count(), 0);
}

// Fifty wrong passwords for the meldpunt lead from one address: the lead at
// another address logs in at once; at the attacker's address the right
// password is let through after the (capped) delay.
TEST_P(AppHttpTest, GuessingFromOneAddressNeverLocksTheRealUserOut) {
  auth::LoginThrottle& throttle = t_->app().login_throttle();
  const std::string lead = "meldpunt@99dm.demo";
  Browser attacker(t_->port());
  attacker.set_source_address("127.0.0.2");
  for (int i = 0; i < 6; ++i) attacker.Login(lead, "guess number " + std::to_string(i));
  // The other 44 guesses as the throttle sees them, without waiting for each
  // delayed answer (each would take up to the cap).
  std::string attacker_key = throttle.ClientKey("127.0.0.2");
  for (int i = 6; i < 50; ++i) throttle.RecordFailure(lead, attacker_key);
  std::chrono::milliseconds delay = throttle.Delay(lead, attacker_key);
  EXPECT_EQ(delay, auth::LoginThrottle::kMaxDelay);

  Browser real(t_->port());
  auto res = real.Login(lead, app::kDemoPassword);
  EXPECT_EQ(res.status, 303);
  EXPECT_EQ(res.Header("location"), "/login/totp") << "password accepted at once";
  EXPECT_EQ(throttle.Delay(lead, throttle.ClientKey("127.0.0.1")).count(), 0);

  Browser patient(t_->port());
  patient.set_source_address("127.0.0.2");
  patient.Get("/login");
  auto start = std::chrono::steady_clock::now();
  res = patient.Post("/login",
                     "login=meldpunt%4099dm.demo&password=" + web::UrlEncode(app::kDemoPassword));
  EXPECT_EQ(res.status, 303) << "the right password is never refused";
  EXPECT_EQ(res.Header("location"), "/login/totp");
  EXPECT_GE(std::chrono::steady_clock::now() - start, delay);
}

// Each client has a budget of password checks; past it, 429 before any hash,
// with Retry-After and the typed login kept. Other clients are not affected.
TEST_P(AppHttpTest, LoginAttemptsAreLimitedPerClient) {
  Browser flood(t_->port());
  flood.set_source_address("127.0.0.2");
  EXPECT_EQ(flood.Login("nobody-0@99dm.demo", "some password").status, 401);
  EXPECT_EQ(flood.Login("nobody-1@99dm.demo", "some password").status, 401);
  // The rest of the budget as the throttle sees it (each attempt over HTTP
  // would cost a full Argon2id hash).
  std::string flood_key = t_->app().login_throttle().ClientKey("127.0.0.2");
  for (int i = 2; i < auth::LoginThrottle::kClientBurst; ++i) {
    EXPECT_TRUE(t_->app().login_throttle().AdmitAttempt(flood_key)) << i;
  }
  int refused_before = static_cast<int>(t_->app().password_gate().refused());
  auto limited = flood.Login("nobody-else@99dm.demo", "some password");
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.Header("retry-after"),
            std::to_string(auth::LoginThrottle::kClientRetryAfterSeconds));
  EXPECT_NE(limited.body.find("value=\"nobody-else@99dm.demo\""), std::string::npos);
  EXPECT_NE(limited.body.find("Te veel pogingen"), std::string::npos);
  EXPECT_EQ(t_->app().password_gate().refused(), refused_before) << "never reached the gate";
  // Another client is not limited, and a right password is not limited.
  Browser other(t_->port());
  EXPECT_EQ(other.Login("nobody@99dm.demo", "some password").status, 401);
  EXPECT_EQ(other.Login("student@99dm.demo", app::kDemoPassword).status, 303);
  // The budget refills.
  t_->clock().Advance(std::chrono::seconds(auth::LoginThrottle::kClientRetryAfterSeconds));
  EXPECT_EQ(flood.Login("nobody-else@99dm.demo", "some password").status, 401);
}

// 64 logins at once for made-up accounts, each from its own address (so the
// per-client limit does not apply): never more hashes at once than the gate
// allows, the excess gets 503 with Retry-After, and the report form is served
// meanwhile.
TEST_P(AppHttpTest, PasswordHashingIsBoundedUnderAFlood) {
  auth::PasswordGate& gate = t_->app().password_gate();
  constexpr int kClients = 64;
  std::vector<std::thread> threads;
  std::vector<web::ClientResponse> answers(kClients);
  std::atomic<int> started{0};
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&, i] {
      Browser b(t_->port());
      b.set_source_address("127.0.1." + std::to_string(i + 1));
      b.Get("/login");
      ++started;
      answers[i] = b.Post("/login", "login=nobody-" + std::to_string(i) +
                                        "%4099dm.demo&password=some+password+here");
    });
  }
  while (started.load() < kClients / 2) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  web::TestClient reporter("127.0.0.1", t_->port());
  reporter.set_source_address("127.0.2.1");
  auto form = reporter.Get("/s/99DM/melden");
  for (auto& t : threads) t.join();
  EXPECT_EQ(form.status, 200) << "the report form is served during the flood";

  int denied = 0, busy = 0;
  for (const auto& a : answers) {
    if (a.status == 401) ++denied;
    if (a.status == 503) {
      ++busy;
      EXPECT_EQ(a.Header("retry-after"), std::to_string(auth::PasswordGate::kRetryAfterSeconds));
      EXPECT_NE(a.body.find("erg vaak ingelogd"), std::string::npos);
      EXPECT_NE(a.body.find("value=\"nobody-"), std::string::npos) << "keeps the typed login";
    }
  }
  EXPECT_EQ(denied + busy, kClients) << "only 401 or 503";
  EXPECT_GT(busy, 0) << "the excess is turned away instead of queued";
  EXPECT_GT(denied, 0);
  EXPECT_LE(gate.max_running_seen(), gate.concurrent());
  EXPECT_EQ(gate.refused(), busy);
}

TEST_P(AppHttpTest, FormsWithoutValidCsrfAreRefused) {
  Browser b(t_->port());
  b.Get("/login");
  auto res = b.PostWithCsrf("/login", "login=student%4099dm.demo&password=x", "forged");
  EXPECT_EQ(res.status, 403);
  b.Login("student@99dm.demo", app::kDemoPassword);
  EXPECT_EQ(b.PostWithCsrf("/logout", "", "forged").status, 403);
  EXPECT_EQ(b.Get("/dashboard").status, 200) << "still logged in";
}

TEST_P(AppHttpTest, HandlerNeedsTotpAndCodesCannotBeReplayed) {
  Browser b(t_->port());
  auto res = b.Login("meldpunt@99dm.demo", app::kDemoPassword);
  EXPECT_EQ(res.Header("location"), "/login/totp");
  // Without the second factor the dashboard is out of reach.
  EXPECT_EQ(b.Get("/dashboard").Header("location"), "/login/totp");
  b.Get("/login/totp");
  EXPECT_EQ(b.Post("/login/totp", "code=000000").status, 401);
  std::string code = Totp();
  res = b.Post("/login/totp", "code=" + code);
  EXPECT_EQ(res.status, 303);
  EXPECT_EQ(b.Get("/dashboard").status, 200);

  Browser replay(t_->port());
  replay.Login("meldpunt@99dm.demo", app::kDemoPassword);
  EXPECT_EQ(replay.Post("/login/totp", "code=" + code).status, 401) << "same code, same step";
  NextTotpStep();
  EXPECT_EQ(replay.Post("/login/totp", "code=" + Totp()).status, 303);
}

TEST_P(AppHttpTest, RolesGetOnlyTheirPages) {
  Browser student(t_->port());
  student.Login("student@99dm.demo", app::kDemoPassword);
  EXPECT_EQ(student.Get("/admin/users").status, 403);
  EXPECT_EQ(student.Get("/admin/schools").status, 403);
  EXPECT_EQ(student.Get("/admin/audit").status, 403);

  Browser admin(t_->port());
  admin.Login("admin@99dm.demo", app::kDemoPassword, Totp());
  EXPECT_EQ(admin.Get("/admin/users").status, 200);
  EXPECT_EQ(admin.Get("/admin/schools").status, 403) << "school admin is not system admin";
  EXPECT_EQ(admin.Get("/admin/audit").status, 200);

  NextTotpStep();
  Browser sys(t_->port());
  sys.Login("sysadmin@demo", app::kDemoPassword, Totp());
  EXPECT_EQ(sys.Get("/admin/schools").status, 200);
  EXPECT_EQ(sys.Get("/admin/users").status, 403);
}

TEST_P(AppHttpTest, AdminCreatesUserWhoSetsPasswordThroughInvitation) {
  Browser admin(t_->port());
  admin.Login("admin@99dm.demo", app::kDemoPassword, Totp());
  admin.Get("/admin/users");
  auto bad = admin.Post("/admin/users", "display_name=&login=nope&role=student");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("value=\"nope\""), std::string::npos) << "keeps what was typed";
  auto dup = admin.Post("/admin/users", "display_name=X&login=student%4099dm.demo&role=student");
  EXPECT_EQ(dup.status, 409);
  auto made = admin.Post("/admin/users", "display_name=Nieuwe+Student&login=nieuw%4099dm.demo&role=student");
  ASSERT_EQ(made.status, 201);
  // The page never shows the token: the link comes by mail (docs/accounts.md).
  EXPECT_EQ(made.body.find("/invite/"), std::string::npos);
  std::string link;
  ASSERT_TRUE(t_->db().Read([&](db::Connection& c) -> common::Status {
                     SP_ASSIGN_OR_RETURN(
                         db::Rows rows,
                         c.Query("SELECT m.body FROM mail_outbox m JOIN users u ON u.id = "
                                 "m.user_id WHERE u.login = 'nieuw@99dm.demo' AND m.kind = "
                                 "'invitation'"));
                     if (rows.empty()) return common::Status::NotFound("no invitation mail");
                     std::string mail = rows.rows[0].Text(0);
                     size_t at = mail.find("/invite/");
                     if (at == std::string::npos) return common::Status::NotFound("no link");
                     link = mail.substr(at, mail.find('\n', at) - at);
                     return common::Status::Ok();
                   }).ok());

  Browser newbie(t_->port());
  EXPECT_EQ(newbie.Get(link).status, 200);
  auto weak = newbie.Post(link, "password=welkom123");
  EXPECT_EQ(weak.status, 400);
  EXPECT_EQ(newbie.Post(link, "password=drie+rode+fietsen+in+de+regen").status, 200);
  EXPECT_EQ(newbie.Get(link).status, 404) << "one time only";
  EXPECT_EQ(newbie.Login("nieuw@99dm.demo", "drie rode fietsen in de regen").status, 303);
}

TEST_P(AppHttpTest, DisablingAUserEndsTheirSessionsAndSchoolsAreIsolated) {
  Browser teacher(t_->port());
  teacher.Login("teacher@98dm.demo", app::kDemoPassword);
  ASSERT_EQ(teacher.Get("/dashboard").status, 200);
  auto target = t_->app().accounts().UserByLogin("teacher@98dm.demo");
  ASSERT_TRUE(target.ok());

  Browser admin99(t_->port());
  admin99.Login("admin@99dm.demo", app::kDemoPassword, Totp());
  admin99.Get("/admin/users");
  auto other_school = admin99.Post("/admin/users/" + target->id + "/disable", "");
  auto missing = admin99.Post("/admin/users/doesnotexist/disable", "");
  EXPECT_EQ(other_school.status, 404);
  EXPECT_EQ(missing.status, 404);
  auto main_part = [](const std::string& html) {
    return html.substr(html.find("<main"), html.find("</main>") - html.find("<main"));
  };
  EXPECT_EQ(main_part(other_school.body), main_part(missing.body)) << "another school's user looks missing";
  EXPECT_EQ(admin99.Get("/admin/users").body.find("98dm"), std::string::npos);

  NextTotpStep();
  Browser admin98(t_->port());
  admin98.Login("admin@98dm.demo", app::kDemoPassword, Totp());
  admin98.Get("/admin/users");
  EXPECT_EQ(admin98.Post("/admin/users/" + target->id + "/disable", "").status, 303);
  EXPECT_EQ(teacher.Get("/dashboard").status, 303) << "session ended";
  EXPECT_EQ(teacher.Login("teacher@98dm.demo", app::kDemoPassword).status, 401);
}

// A school admin creates logins only in their school's login domains: another
// school's domain is a 400 on the login field (never 201, never a 409 that
// tells whether the login exists), and nothing is created.
TEST_P(AppHttpTest, SchoolAdminCreatesLoginsOnlyInTheSchoolsDomains) {
  Browser admin98(t_->port());
  admin98.Login("admin@98dm.demo", app::kDemoPassword, Totp());
  admin98.Get("/admin/users");
  auto foreign =
      admin98.Post("/admin/users", "display_name=X&login=nobody-here%4099dm.demo&role=student");
  EXPECT_EQ(foreign.status, 400);
  EXPECT_NE(foreign.body.find("valt niet onder de domeinen van je school"), std::string::npos);
  EXPECT_NE(foreign.body.find("href=\"#login\""), std::string::npos) << "names the field";
  EXPECT_NE(foreign.body.find("value=\"nobody-here@99dm.demo\""), std::string::npos);
  EXPECT_EQ(t_->app().accounts().UserByLogin("nobody-here@99dm.demo").status().code(),
            common::StatusCode::kNotFound);
  auto existing =
      admin98.Post("/admin/users", "display_name=X&login=student%4099dm.demo&role=student");
  EXPECT_EQ(existing.status, 400) << "same answer as for a login that does not exist";
  auto own =
      admin98.Post("/admin/users", "display_name=Nieuw&login=nieuw%4098dm.demo&role=student");
  EXPECT_EQ(own.status, 201);
  EXPECT_EQ(
      admin98.Post("/admin/users", "display_name=X&login=nieuw%4098dm.demo&role=student").status,
      409)
      << "already exists: only about the school's own domain";

  // Enabling, like disabling, reaches only the own school's users.
  auto target = t_->app().accounts().UserByLogin("teacher@99dm.demo");
  ASSERT_TRUE(target.ok());
  EXPECT_EQ(admin98.Post("/admin/users/" + target->id + "/enable", "").status, 404);
  EXPECT_EQ(admin98.Post("/admin/users/" + target->id + "/disable", "").status, 404);
  EXPECT_FALSE(t_->app().accounts().UserByLogin("teacher@99dm.demo")->disabled);

  // The system admin sets the domains; a domain belongs to one school.
  NextTotpStep();
  Browser sys(t_->port());
  sys.Login("sysadmin@demo", app::kDemoPassword, Totp());
  auto page = sys.Get("/admin/schools");
  EXPECT_NE(page.body.find("98dm.demo"), std::string::npos);
  EXPECT_EQ(sys.Post("/admin/schools/domains", "set_brin=98DM&set_domains=99dm.demo").status, 409);
  auto bad = sys.Post("/admin/schools/domains", "set_brin=98DM&set_domains=not+a+domain%40x");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("value=\"not a domain@x\""), std::string::npos) << "keeps the input";
  EXPECT_EQ(sys.Post("/admin/schools/domains", "set_brin=98DM&set_domains=").status, 200);
  // Without a list the school admin creates nothing, and is told why.
  auto none = admin98.Post("/admin/users", "display_name=Y&login=ander%4098dm.demo&role=student");
  EXPECT_EQ(none.status, 400);
  EXPECT_NE(none.body.find("nog geen inlogdomeinen"), std::string::npos);
  EXPECT_EQ(
      sys.Post("/admin/schools/domains", "set_brin=98DM&set_domains=98dm.demo%2C+roc-voorbeeld.nl")
          .status,
      200);
  EXPECT_EQ(
      admin98.Post("/admin/users", "display_name=Z&login=z%40roc-voorbeeld.nl&role=teacher").status,
      201);
}

TEST_P(AppHttpTest, SystemAdminCreatesSchoolsWithValidation) {
  Browser sys(t_->port());
  sys.Login("sysadmin@demo", app::kDemoPassword, Totp());
  sys.Get("/admin/schools");
  EXPECT_EQ(sys.Post("/admin/schools", "brin=XX&name=Foo").status, 400);
  EXPECT_EQ(sys.Post("/admin/schools", "brin=99DM&name=Dubbel").status, 409);
  auto ok = sys.Post("/admin/schools", "brin=25lp&name=ROC+Nieuw");
  EXPECT_EQ(ok.status, 201);
  EXPECT_NE(ok.body.find("25LP"), std::string::npos);
}

TEST_P(AppHttpTest, BadInputGetsTheRightStatus) {
  Browser b(t_->port());
  EXPECT_EQ(b.Get("/no/such/page").status, 404);
  EXPECT_EQ(b.Get("/no/such/page").body.find("Pagina niet gevonden") != std::string::npos, true);
  web::TestClient raw("127.0.0.1", t_->port());
  EXPECT_EQ(raw.Send("DELETE", "/login").status, 405);
  b.Get("/login");
  auto bad_utf8 = b.Post("/login", "login=%FF%FE&password=x");
  EXPECT_EQ(bad_utf8.status, 400);
  auto huge = b.Post("/login", "login=" + std::string(100 * 1024, 'a'));
  EXPECT_EQ(huge.status, 413);
  web::TestClient json("127.0.0.1", t_->port());
  EXPECT_EQ(json.PostJson("/login", "{}").status, 400);
}

TEST_P(AppHttpTest, LanguageSwitchesToEnglishAndBack) {
  Browser b(t_->port());
  auto nl = b.Get("/");
  EXPECT_NE(nl.body.find("<html lang=\"nl\">"), std::string::npos);
  auto sw = b.Get("/lang/en?next=/login");
  EXPECT_EQ(sw.Header("location"), "/login");
  EXPECT_NE(b.Get("/login").body.find("<html lang=\"en\">"), std::string::npos);
  EXPECT_EQ(b.Get("/lang/nl?next=//evil.example").Header("location"), "/");
}

TEST_P(AppHttpTest, AuditChainCoversLoginsAndStaysIntact) {
  Browser b(t_->port());
  b.Login("student@99dm.demo", "wrong password here");
  b.Login("student@99dm.demo", app::kDemoPassword);
  b.Post("/logout", "");
  auto records = t_->app().audit().Recent(t_->db(), "", audit::View::kAdmin, 10);
  ASSERT_TRUE(records.ok());
  ASSERT_GE(records->size(), 3u);
  EXPECT_EQ((*records)[0].entry.action, "logout");
  auto problems = t_->app().audit().Verify(t_->db());
  ASSERT_TRUE(problems.ok());
  EXPECT_TRUE(problems->empty());
}

TEST_P(AppHttpTest, AccessLogKeepsTokensAndClientAddressesOut) {
  std::ostringstream captured;
  auto previous = spdlog::default_logger();
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(captured);
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("capture", sink));
  Browser b(t_->port());
  b.Get("/login");
  b.Get("/invite/secret-token-value");
  // The report form's company search and the language switch come just
  // before a report is posted: no route may log who is asking.
  b.Get("/s/99DM/bedrijven?q=bak");
  b.Get("/lang/en");
  b.Get("/melden");
  spdlog::set_default_logger(previous);
  std::string log = captured.str();
  EXPECT_NE(log.find("GET /login 200"), std::string::npos) << log;
  EXPECT_NE(log.find("GET /invite/{token} 404"), std::string::npos) << log;
  EXPECT_NE(log.find("GET /s/{brin}/bedrijven"), std::string::npos) << log;
  EXPECT_NE(log.find("GET /lang/{code}"), std::string::npos) << log;
  EXPECT_EQ(log.find("secret-token-value"), std::string::npos) << "raw paths are never logged";
  EXPECT_EQ(log.find("127.0.0.1"), std::string::npos) << "no client address on any route\n"
                                                       << log;
  EXPECT_EQ(log.find("ip="), std::string::npos) << log;
}

INSTANTIATE_TEST_SUITE_P(Backends, AppHttpTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgres),
                         db::testing::DialectName<::testing::TestParamInfo<db::Dialect>>);

}  // namespace

namespace {

class PostgresOutageTest : public ::testing::Test {};

// Behind a TLS proxy: the session cookie is __Host- prefixed and Secure, and HSTS is sent.
TEST(TlsInFrontTest, HostCookieSecureAndHsts) {
  std::string reason;
  auto t = testing_support::TestApp::Start(db::Dialect::kSqlite, &reason, /*tls_in_front=*/true);
  ASSERT_NE(t, nullptr) << reason;
  testing_support::Browser b(t->port());
  auto home = b.Get("/");
  EXPECT_NE(home.Header("strict-transport-security").find("max-age="), std::string::npos);
  b.Get("/login");
  auto res = b.Post("/login", "login=student%4099dm.demo&password=stagepunt-demo-wachtwoord");
  ASSERT_EQ(res.status, 303);
  std::string cookie = res.Header("set-cookie");
  EXPECT_EQ(cookie.rfind("__Host-sid=", 0), 0u) << cookie;
  EXPECT_NE(cookie.find("; Secure"), std::string::npos);
  EXPECT_NE(cookie.find("Path=/"), std::string::npos);
  EXPECT_EQ(cookie.find("Domain="), std::string::npos);
}

// The database goes away under a logged-in user: the app answers 503 with a
// clear page, never a stack trace, and recovers by itself when it is back.
TEST_F(PostgresOutageTest, AnswersServiceUnavailableAndReconnects) {
  std::string reason;
  auto t = testing_support::TestApp::Start(db::Dialect::kPostgres, &reason);
  ASSERT_TRUE(t || reason.rfind("FAIL: ", 0) != 0) << reason;
  if (!t) GTEST_SKIP() << reason;
  testing_support::Browser b(t->port());
  ASSERT_EQ(b.Login("student@99dm.demo", app::kDemoPassword).status, 303);
  ASSERT_EQ(b.Get("/dashboard").status, 200);

  const std::string name = t->test_db().name();
  ASSERT_TRUE(t->test_db().AdminExec("ALTER DATABASE " + name + " ALLOW_CONNECTIONS false").ok());
  ASSERT_TRUE(t->test_db()
                  .AdminExec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" +
                             name + "' AND pid <> pg_backend_pid()")
                  .ok());
  auto down = b.Get("/dashboard");
  EXPECT_EQ(down.status, 503);
  EXPECT_NE(down.body.find("Tijdelijk niet beschikbaar"), std::string::npos);
  EXPECT_EQ(down.body.find("FATAL"), std::string::npos);
  EXPECT_EQ(b.Get("/healthz").status, 503);

  ASSERT_TRUE(t->test_db().AdminExec("ALTER DATABASE " + name + " ALLOW_CONNECTIONS true").ok());
  int status = 0;
  for (int i = 0; i < 50 && status != 200; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    status = b.Get("/dashboard").status;
  }
  EXPECT_EQ(status, 200) << "reconnected without a restart";
}

}  // namespace
