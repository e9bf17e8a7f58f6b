// Single sign-on against a real OpenID provider (tests/oidc/provider.mjs on
// oidc-provider, started here with node), over real HTTP on SQLite and
// PostgreSQL: a student logs in through the whole code flow and sees their
// own "Mijn stage"; every kind of bad token, a replayed state and a student
// number outside the register get a clear page and an audit record.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "app/demo.h"
#include "crypto/totp.h"
#include "oidc/linking.h"
#include "test_app.h"

namespace {

using testing_support::Browser;
using testing_support::TestApp;

constexpr char kClientId[] = "stagepunt-test";
constexpr char kClientSecret[] = "test-secret-with-:-and-%";
constexpr char kRedirectUri[] = "http://127.0.0.1:8080/auth/oidc/callback";

// provider.mjs as a child process; its issuer URL is the first line it prints.
class ProviderProcess {
 public:
  bool Start() {
    int out[2];
    if (pipe(out) != 0) return false;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], STDOUT_FILENO);
      close(out[0]);
      close(out[1]);
      if (chdir(STAGEPUNT_SOURCE_DIR) != 0) _exit(127);
      execlp("node", "node", "tests/oidc/provider.mjs", kClientId, kClientSecret, kRedirectUri,
             "http://127.0.0.1:8080/", static_cast<char*>(nullptr));
      _exit(127);
    }
    close(out[1]);
    std::string line;
    pollfd p{out[0], POLLIN, 0};
    while (line.find('\n') == std::string::npos && poll(&p, 1, 15000) > 0) {
      char buf[256];
      ssize_t n = read(out[0], buf, sizeof buf);
      if (n <= 0) break;
      line.append(buf, static_cast<size_t>(n));
    }
    close(out[0]);
    if (line.find('\n') == std::string::npos) return false;
    issuer_ = line.substr(0, line.find('\n'));
    port_ = static_cast<uint16_t>(std::stoi(issuer_.substr(issuer_.rfind(':') + 1)));
    return true;
  }
  ~ProviderProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
  }
  const std::string& issuer() const { return issuer_; }
  uint16_t port() const { return port_; }

 private:
  pid_t pid_ = -1;
  std::string issuer_;
  uint16_t port_ = 0;
};

ProviderProcess* g_provider = nullptr;

// "http://127.0.0.1:1234/a?b" -> "/a?b"; a path stays as it is.
std::string PathOf(const std::string& url) {
  if (url.rfind("http", 0) != 0) return url;
  size_t slash = url.find('/', url.find("//") + 2);
  return slash == std::string::npos ? "/" : url.substr(slash);
}

class SsoHttpTest : public ::testing::TestWithParam<db::Dialect> {
 protected:
  static void SetUpTestSuite() {
    g_provider = new ProviderProcess();
    if (!g_provider->Start()) {
      delete g_provider;
      g_provider = nullptr;
    }
  }
  static void TearDownTestSuite() {
    delete g_provider;
    g_provider = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(g_provider, nullptr) << "tests/oidc/provider.mjs did not start (node, node_modules?)";
    std::string reason;
    t_ = TestApp::Start(GetParam(), &reason);
    ASSERT_TRUE(t_ || reason.rfind("FAIL: ", 0) != 0) << reason;
    if (!t_) GTEST_SKIP() << reason;
    school_ = *t_->app().accounts().SchoolByBrin("99DM");
    oidc::SchoolSso sso;
    sso.school_id = school_.id;
    sso.issuer = g_provider->issuer();
    sso.client_id = kClientId;
    ASSERT_TRUE(oidc::WriteSecret(t_->data_dir(), "99DM", kClientSecret).ok());
    ASSERT_TRUE(t_->db()
                    .Write([&](db::Connection& c) {
                      return oidc::SaveSchoolSso(c, sso, t_->clock().NowMillis());
                    })
                    .ok());
  }

  // The whole flow in a browser without JavaScript: our start route, the
  // provider's login form (the account typed in), back to our callback.
  // Returns our callback's answer; `callback` gets its path.
  web::ClientResponse SsoLogin(Browser& app, const std::string& account,
                               std::string* callback = nullptr) {
    auto start = app.Get("/s/99DM/login/sso");
    EXPECT_EQ(start.status, 303) << start.body.substr(0, 300);
    Browser idp(g_provider->port());
    auto r = idp.Get(PathOf(start.Header("location")));
    EXPECT_EQ(r.status, 303) << r.body;
    std::string interaction = PathOf(r.Header("location"));
    auto form = idp.Get(interaction);
    EXPECT_NE(form.body.find("name=\"account\""), std::string::npos) << form.body;
    r = idp.PostWithCsrf(interaction + "/login", "account=" + web::UrlEncode(account), "-");
    EXPECT_EQ(r.status, 303) << r.body;
    r = idp.Get(PathOf(r.Header("location")));
    EXPECT_EQ(r.status, 303) << r.body;
    std::string back = PathOf(r.Header("location"));
    EXPECT_EQ(back.rfind("/auth/oidc/callback?", 0), 0u) << back;
    if (callback) *callback = back;
    return app.Get(back);
  }

  void NextTokenDefect(const std::string& defect) {
    web::TestClient client("127.0.0.1", g_provider->port());
    auto r = client.PostForm("/__test/next-token?defect=" + defect, "");
    ASSERT_EQ(r.status, 200) << r.body;
  }

  // How many audit records of this action and result the school has.
  int64_t Audited(const std::string& action, const std::string& result) {
    int64_t n = 0;
    EXPECT_TRUE(t_->db()
                    .Read([&](db::Connection& c) -> common::Status {
                      SP_ASSIGN_OR_RETURN(
                          db::Row r, c.QueryOne("SELECT COUNT(*) FROM audit_log WHERE action = $1 "
                                                "AND result = $2 AND school_id = $3",
                                                {action, result, school_.id}));
                      n = r.Int(0);
                      return common::Status::Ok();
                    })
                    .ok());
    return n;
  }

  std::unique_ptr<TestApp> t_;
  auth::School school_;
};

TEST_P(SsoHttpTest, StudentLogsInThroughTheProviderAndSeesMijnStage) {
  Browser b(t_->port());
  auto login = b.Get("/s/99DM/login");
  ASSERT_EQ(login.status, 200);
  EXPECT_NE(login.body.find("Inloggen met je schoolaccount"), std::string::npos);
  EXPECT_LT(login.body.find("/s/99DM/login/sso"), login.body.find("name=\"password\""));
  auto general = b.Get("/login");
  EXPECT_NE(general.body.find("href=\"/s/99DM/login/sso\""), std::string::npos);

  // 990002: in the register, no login yet.
  auto res = SsoLogin(b, "s990002");
  ASSERT_EQ(res.status, 303) << res.body.substr(0, 500);
  EXPECT_EQ(res.Header("location"), "/dashboard");
  auto stage = b.Get("/stage");
  ASSERT_EQ(stage.status, 200);
  EXPECT_NE(stage.body.find("Mijn stage"), std::string::npos);
  auto user = t_->app().accounts().UserByLogin("s990002@99dm.demo");
  ASSERT_TRUE(user.ok());
  EXPECT_EQ(user->role, domain::Role::kStudent);
  EXPECT_EQ(Audited("login.sso", "linked"), 1);

  // A second login uses the link: the same user, no new account.
  Browser again(t_->port());
  ASSERT_EQ(SsoLogin(again, "s990002").status, 303);
  EXPECT_EQ(Audited("login.sso", "ok"), 1);
  EXPECT_EQ(Audited("user.create_sso", "ok"), 1);

  // Logout ends the session and goes to the provider's end_session_endpoint.
  b.Get("/dashboard");
  auto out = b.Post("/logout", "");
  ASSERT_EQ(out.status, 303);
  std::string to = out.Header("location");
  EXPECT_EQ(to.rfind(g_provider->issuer() + "/session/end?id_token_hint=", 0), 0u) << to;
  EXPECT_NE(to.find("post_logout_redirect_uri=http%3A%2F%2F127.0.0.1%3A8080%2F"),
            std::string::npos);
  EXPECT_EQ(b.Get("/stage").status, 303);
}

TEST_P(SsoHttpTest, TheDemoStudentsRecordKeepsItsLogin) {
  // 990021 is the demo student's record, linked to student@99dm.demo.
  Browser b(t_->port());
  ASSERT_EQ(SsoLogin(b, "s990021").status, 303);
  auto stage = b.Get("/stage");
  ASSERT_EQ(stage.status, 200);
  EXPECT_NE(stage.body.find("Sanne de Vries"), std::string::npos);
}

TEST_P(SsoHttpTest, RefusesBadTokensWithAClearPageAndAnAuditRecord) {
  const std::pair<const char*, const char*> cases[] = {
      {"wrong_audience", oidc::kRefusalWrongAudience},
      {"wrong_nonce", oidc::kRefusalBadNonce},
      {"expired", oidc::kRefusalExpired},
      {"unknown_kid", oidc::kRefusalUnknownKid},
      {"tampered_signature", oidc::kRefusalBadSignature},
  };
  for (const auto& [defect, reason] : cases) {
    SCOPED_TRACE(defect);
    NextTokenDefect(defect);
    Browser b(t_->port());
    auto res = SsoLogin(b, "s990003");
    EXPECT_EQ(res.status, 403);
    EXPECT_NE(res.body.find("Inloggen is niet gelukt"), std::string::npos);
    EXPECT_NE(res.body.find("data-reason=\"" + std::string(reason) + "\""), std::string::npos);
    EXPECT_EQ(Audited("login.sso_refused", reason), 1);
    EXPECT_EQ(b.Get("/stage").status, 303);  // not logged in
  }
  EXPECT_FALSE(t_->app().accounts().UserByLogin("s990003@99dm.demo").ok());
}

TEST_P(SsoHttpTest, RefusesAReplayedStateAndAStudentOutsideTheRegister) {
  Browser b(t_->port());
  std::string callback;
  ASSERT_EQ(SsoLogin(b, "s990004", &callback).status, 303);
  auto replay = b.Get(callback);
  EXPECT_EQ(replay.status, 400);
  EXPECT_NE(replay.body.find("al gebruikt"), std::string::npos);
  EXPECT_EQ(Audited("login.sso_refused", oidc::kRefusalReplayedState), 1);

  Browser stranger(t_->port());
  auto res = SsoLogin(stranger, "s999999");
  EXPECT_EQ(res.status, 403);
  EXPECT_NE(res.body.find("Je staat nog niet in de studentenlijst van je school"),
            std::string::npos);
  EXPECT_EQ(Audited("login.sso_refused", oidc::kRefusalNotInRegister), 1);

  // Another browser cannot finish a login it did not start.
  Browser other(t_->port());
  auto start = b.Get("/s/99DM/login/sso");
  std::string state = start.Header("location");
  state = state.substr(state.find("state=") + 6);
  state = state.substr(0, state.find('&'));
  EXPECT_EQ(other.Get("/auth/oidc/callback?code=x&state=" + state).status, 400);
}

TEST_P(SsoHttpTest, RefusedCallbacksTakeFromTheClientsLoginBudget) {
  Browser b(t_->port());
  int status = 0;
  int refused = 0;
  for (int i = 0; i < 40 && status != 429; ++i) {
    auto res = b.Get("/auth/oidc/callback?code=x&state=made-up-" + std::to_string(i));
    status = res.status;
    if (status == 400) ++refused;
    if (status == 429) {
      EXPECT_NE(res.Header("retry-after"), "");
    }
  }
  EXPECT_EQ(status, 429);
  EXPECT_EQ(refused, static_cast<int>(auth::LoginThrottle::kClientBurst));
  EXPECT_EQ(Audited("login.sso_refused", oidc::kRefusalBadState), 0);  // no school: none here
}

TEST_P(SsoHttpTest, StaffNeedAnAccountAndGetNoRoleFromClaims) {
  Browser b(t_->port());
  auto res = SsoLogin(b, "staff:onbekend@99dm.demo");
  EXPECT_EQ(res.status, 403);
  EXPECT_NE(res.body.find("Je hebt nog geen account"), std::string::npos);
  EXPECT_EQ(Audited("login.sso_refused", oidc::kRefusalNoAccount), 1);

  // The coordinator's account by e-mail: linked, with the role it has.
  Browser staff(t_->port());
  res = SsoLogin(staff, "staff:coordinator@99dm.demo");
  ASSERT_EQ(res.status, 303);
  EXPECT_EQ(res.Header("location"), "/dashboard");
  auto dash = staff.Get("/dashboard");
  EXPECT_NE(dash.body.find("Stagecoördinator"), std::string::npos) << dash.body.substr(0, 3000);

  // A role that needs TOTP still goes to TOTP after SSO ...
  Browser lead(t_->port());
  res = SsoLogin(lead, "staff:meldpunt@99dm.demo");
  ASSERT_EQ(res.status, 303);
  EXPECT_EQ(res.Header("location"), "/login/totp");
  EXPECT_EQ(lead.Get("/meldpunt").status, 303);
}

TEST_P(SsoHttpTest, TheProvidersMfaCountsOnlyWhereTheSchoolDeclaredIt) {
  // amr "mfa", but the school did not declare that its provider enforces MFA.
  Browser first(t_->port());
  auto res = SsoLogin(first, "staff:meldpunt@99dm.demo+mfa");
  ASSERT_EQ(res.status, 303);
  EXPECT_EQ(res.Header("location"), "/login/totp");

  ASSERT_TRUE(t_->db()
                  .Write([&](db::Connection& c) {
                    return c.Execute("UPDATE school_sso SET idp_enforces_mfa = 1").status();
                  })
                  .ok());
  Browser with_mfa(t_->port());
  res = SsoLogin(with_mfa, "staff:meldpunt@99dm.demo+mfa");
  ASSERT_EQ(res.status, 303);
  EXPECT_EQ(res.Header("location"), "/dashboard");
  Browser without(t_->port());
  res = SsoLogin(without, "staff:meldpunt@99dm.demo");
  ASSERT_EQ(res.status, 303);
  EXPECT_EQ(res.Header("location"), "/login/totp");
}

TEST_P(SsoHttpTest, SchoolAdminSetsItUpOnAdminSso) {
  Browser admin(t_->port());
  admin.Login("admin@99dm.demo", app::kDemoPassword,
              *crypto::TotpCode(app::kDemoTotpSecret, t_->clock().NowMillis() / 1000));
  auto page = admin.Get("/admin/sso");
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("/auth/oidc/callback"), std::string::npos);
  EXPECT_EQ(page.body.find(kClientSecret), std::string::npos);

  auto bad = admin.Post("/admin/sso", "issuer=" + web::UrlEncode("http://example.invalid") +
                                          "&client_id=x&student_number_claim=s&staff_claim=a%3Db");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("href=\"#issuer\""), std::string::npos);
  EXPECT_NE(bad.body.find("value=\"x\""), std::string::npos);  // typed input kept

  auto ok =
      admin.Post("/admin/sso",
                 "issuer=" + web::UrlEncode(g_provider->issuer()) + "&client_id=" + kClientId +
                     "&client_secret=nieuw" + "&student_number_claim=schac_personal_unique_code" +
                     "&staff_claim=eduperson_affiliation%3Demployee" + "&enabled=yes");
  ASSERT_EQ(ok.status, 200) << ok.body.substr(0, 2000);
  EXPECT_NE(ok.body.find("opgeslagen"), std::string::npos);
  struct stat st {};
  ASSERT_EQ(stat(oidc::SecretPath(t_->data_dir(), "99DM").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(*oidc::ReadSecret(t_->data_dir(), "99DM"), "nieuw");
  EXPECT_EQ(Audited("sso.settings_and_secret", "ok"), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, SsoHttpTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgres),
                         [](const auto& param_info) {
                           return param_info.param == db::Dialect::kSqlite ? "Sqlite" : "Postgres";
                         });

}  // namespace
