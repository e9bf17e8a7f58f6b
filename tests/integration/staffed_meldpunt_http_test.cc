// A staffed meldpunt and passwords that can be reset, over real HTTP, on
// SQLite and PostgreSQL, at a school made WITHOUT the demo: created the way
// `stagepunt school create` does (recovery key shown once), its admin through
// an invitation, its handlers through the admin's user page.
//
// The first handler becomes lead and receives the report; they assign it to
// a second handler, who opens it. The second handler resets their password:
// the same page answers for known and unknown addresses, the link works once
// and for 30 minutes; after the reset they open nothing until a lead's
// request grants their case again. A lead who is taken back opens nothing.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "crypto/totp.h"
#include "test_app.h"
#include "web/http.h"

namespace {

using testing_support::Browser;
using testing_support::TestApp;

constexpr char kPassword[] = "een lang en goed wachtwoord";
constexpr char kNarrative[] = "De stagebegeleider maakte opmerkingen over mijn hoofddoek.";

bool Has(const std::string& body, const std::string& s) {
  return body.find(s) != std::string::npos;
}

std::string Masked(const std::string& body) {
  return std::regex_replace(body, std::regex("name=\"csrf\" value=\"[^\"]*\""), "csrf");
}

std::string Match(const std::string& text, const std::string& pattern) {
  std::smatch m;
  if (!std::regex_search(text, m, std::regex(pattern))) return "";
  return m[1].str();
}

class StaffedMeldpuntHttpTest : public ::testing::TestWithParam<db::Dialect> {
 protected:
  void SetUp() override {
    std::string reason;
    t_ = TestApp::Start(GetParam(), &reason);
    ASSERT_TRUE(t_ || reason.rfind("FAIL: ", 0) != 0) << reason;
    if (!t_) GTEST_SKIP() << reason;
    // What `stagepunt school create --brin 97ZZ --login-domain 97zz.test` does,
    // and `stagepunt user create --role admin`.
    app::App& app = t_->app();
    common::Status s = t_->db().Write([&](db::Connection& c) -> common::Status {
      SP_ASSIGN_OR_RETURN(auth::School school,
                          app.accounts().CreateSchool(c, "97ZZ", "ROC Zonder Demo"));
      school_id_ = school.id;
      SP_RETURN_IF_ERROR(app.accounts().SetLoginDomains(c, school.id, {"97zz.test"}));
      SP_ASSIGN_OR_RETURN(recovery_code_, app.keyring().CreateRecoveryKey(c, school.id));
      SP_ASSIGN_OR_RETURN(auth::User admin,
                          app.accounts().CreateUser(c, {school.id, "admin@97zz.test", "Beheer",
                                                        domain::Role::kSchoolAdmin}));
      SP_ASSIGN_OR_RETURN(admin_invite_, app.invitations().Create(c, admin.id));
      return common::Status::Ok();
    });
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  std::string Query(const std::string& sql, const db::Params& params = {}) {
    std::string out;
    common::Status s = t_->db().Read([&](db::Connection& c) -> common::Status {
      SP_ASSIGN_OR_RETURN(db::Row r, c.QueryOne(sql, params));
      out = r.IsNull(0) ? "" : r.Text(0);
      return common::Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString() << " " << sql;
    return out;
  }
  std::string UserId(const std::string& login) {
    return Query("SELECT id FROM users WHERE login = $1", {login});
  }

  // Redeems the invitation, logs in and sets up TOTP, as a person would.
  void Activate(Browser& b, const std::string& invite, const std::string& login) {
    b.Get("/invite/" + invite);
    auto set = b.Post("/invite/" + invite, "password=" + web::UrlEncode(kPassword));
    ASSERT_EQ(set.status, 200) << set.body.substr(0, 400);
    auto res = b.Login(login, kPassword);
    ASSERT_EQ(res.Header("location"), "/account/security") << login;
    auto page = b.Get("/account/security");
    std::string secret = Match(page.body, "name=\"secret\" value=\"([A-Z2-7]+)\"");
    ASSERT_FALSE(secret.empty());
    secrets_[login] = secret;
    auto done = b.Post("/account/security", "secret=" + secret + "&code=" + Code(secret));
    ASSERT_EQ(done.status, 303) << done.body.substr(0, 400);
    ASSERT_EQ(done.Header("location"), "/dashboard");
  }
  std::string Code(const std::string& secret) {
    return *crypto::TotpCode(secret, t_->clock().NowMillis() / 1000);
  }
  // A fresh login with password and TOTP (the clock moves past the last code).
  void LogIn(Browser& b, const std::string& login, const std::string& password) {
    t_->clock().Advance(std::chrono::seconds(31));
    auto res = b.Login(login, password, Code(secrets_[login]));
    ASSERT_EQ(res.Header("location"), "/dashboard") << login << " " << res.status;
  }

  // The admin makes a handler on the user page; returns their invitation.
  std::string NewHandler(Browser& admin, const std::string& name, const std::string& login) {
    admin.Get("/admin/users");
    auto res = admin.Post("/admin/users", "display_name=" + name +
                                              "&login=" + web::UrlEncode(login) + "&role=meldpunt");
    EXPECT_EQ(res.status, 201) << res.body.substr(0, 400);
    return InvitationFromOutbox(login);
  }

  // The token of the newest invitation mail queued for `login` (pages never
  // show the link; it goes out by mail).
  std::string InvitationFromOutbox(const std::string& login) {
    std::string token;
    EXPECT_TRUE(t_->db()
                    .Read([&](db::Connection& c) -> common::Status {
                      SP_ASSIGN_OR_RETURN(
                          db::Rows rows,
                          c.Query("SELECT m.body FROM mail_outbox m JOIN users u ON u.id = "
                                  "m.user_id WHERE u.login = $1 AND m.kind = 'invitation' "
                                  "ORDER BY m.created_at DESC",
                                  {login}));
                      if (rows.empty()) return common::Status::NotFound("no invitation mail");
                      token = Match(rows.rows[0].Text(0), "/invite/([A-Za-z0-9_-]+)");
                      return common::Status::Ok();
                    })
                    .ok())
        << login;
    return token;
  }

  std::string Submit() {
    nlohmann::json body = {
        {"mode", "anonymous"},     {"phase", "internship"},
        {"grounds", {"religion"}}, {"narrative", kNarrative},
        {"wishes", {"talk"}},      {"company", {{"name", "Garage Zonder Register"}}}};
    web::TestClient c("127.0.0.1", t_->port());
    auto res = c.PostJson("/api/v1/schools/97ZZ/reports", body.dump(), {});
    EXPECT_EQ(res.status, 201) << res.body;
    std::string number = nlohmann::json::parse(res.body, nullptr, false).value("case_number", "");
    return Query("SELECT id FROM cases WHERE case_number = $1", {number});
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
  std::string ResetToken(const std::string& user_id) {
    std::string body = Query(
        "SELECT body FROM mail_outbox WHERE kind = 'password_reset' AND user_id = $1 ORDER BY "
        "created_at DESC, id LIMIT 1",
        {user_id});
    return Match(body, "/wachtwoord-herstellen/([A-Za-z0-9_-]+)");
  }

  std::unique_ptr<TestApp> t_;
  std::string school_id_, recovery_code_, admin_invite_;
  std::map<std::string, std::string> secrets_;
};

TEST_P(StaffedMeldpuntHttpTest, LeadsKeysAndPasswordResetAtASchoolWithoutDemo) {
  ASSERT_EQ(recovery_code_.size(), 52u);  // shown once at creation
  Browser admin(t_->port());
  ASSERT_NO_FATAL_FAILURE(Activate(admin, admin_invite_, "admin@97zz.test"));
  std::string lotte_invite = NewHandler(admin, "Lotte", "lotte@97zz.test");
  t_->clock().Advance(std::chrono::seconds(1));  // Lotte is the first handler
  std::string bas_invite = NewHandler(admin, "Bas", "bas@97zz.test");
  ASSERT_FALSE(lotte_invite.empty());
  ASSERT_FALSE(bas_invite.empty());
  const std::string lotte = UserId("lotte@97zz.test"), bas = UserId("bas@97zz.test");

  // The first handler is lead; neither has a key pair before logging in.
  auto leads = admin.Get("/admin/meldpunt/leiding");
  ASSERT_EQ(leads.status, 200);
  EXPECT_EQ(Count("SELECT meldpunt_lead FROM users WHERE id = $1", {lotte}), 1);
  EXPECT_EQ(Count("SELECT meldpunt_lead FROM users WHERE id = $1", {bas}), 0);
  EXPECT_TRUE(Has(leads.body, "Nog niet: na de eerste keer inloggen"));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'meldpunt.lead_add' AND "
                  "object_id = $1 AND result = 'auto'",
                  {lotte}),
            1);

  Browser l(t_->port()), b(t_->port());
  ASSERT_NO_FATAL_FAILURE(Activate(l, lotte_invite, "lotte@97zz.test"));
  ASSERT_NO_FATAL_FAILURE(Activate(b, bas_invite, "bas@97zz.test"));

  // A report comes in: the lead sees and opens it, assigns it to Bas.
  std::string case_id = Submit();
  ASSERT_FALSE(case_id.empty());
  auto inbox = l.Get("/meldpunt");
  ASSERT_EQ(inbox.status, 200);
  EXPECT_TRUE(Has(inbox.body, "/meldpunt/zaken/" + case_id));
  EXPECT_TRUE(Has(l.Get("/meldpunt/zaken/" + case_id).body, kNarrative));
  EXPECT_EQ(b.Get("/meldpunt/zaken/" + case_id).status, 404);  // not assigned yet
  auto assigned = l.Post("/meldpunt/zaken/" + case_id + "/toewijzen", "assignee=" + bas);
  ASSERT_LT(assigned.status, 400) << assigned.body.substr(0, 400);
  auto bas_view = b.Get("/meldpunt/zaken/" + case_id);
  ASSERT_EQ(bas_view.status, 200);
  EXPECT_TRUE(Has(bas_view.body, kNarrative));

  // ---- Password forgotten: the same page for unknown and known addresses ----
  Browser anon(t_->port());
  anon.Get("/login");
  EXPECT_TRUE(Has(anon.Get("/login").body, "/wachtwoord-vergeten"));
  anon.Get("/wachtwoord-vergeten");
  auto unknown = anon.Post("/wachtwoord-vergeten", "login=" + web::UrlEncode("niemand@97zz.test"));
  auto known = anon.Post("/wachtwoord-vergeten", "login=" + web::UrlEncode("BAS@97zz.test"));
  ASSERT_EQ(unknown.status, 200);
  ASSERT_EQ(known.status, 200);
  EXPECT_EQ(Masked(unknown.body), Masked(known.body));
  EXPECT_TRUE(Has(known.body, "Als dit adres bij ons bekend is, krijg je een e-mail."));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM mail_outbox WHERE kind = 'password_reset'"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM mail_outbox WHERE kind = 'password_reset' AND user_id = $1",
                  {bas}),
            1);
  std::string token = ResetToken(bas);
  ASSERT_FALSE(token.empty());
  // Only the token's hash is stored.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM password_resets WHERE token_hash = $1", {token}), 0);

  // Bas sets a new password: every session ends, the leads are told.
  const std::string new_password = "een heel ander nieuw wachtwoord";
  auto form = anon.Get("/wachtwoord-herstellen/" + token);
  ASSERT_EQ(form.status, 200);
  auto mismatch = anon.Post("/wachtwoord-herstellen/" + token,
                            "password=" + web::UrlEncode(new_password) + "&password_repeat=x");
  EXPECT_EQ(mismatch.status, 400);
  EXPECT_TRUE(Has(mismatch.body, "href=\"#password_repeat\""));
  auto reset = anon.Post("/wachtwoord-herstellen/" + token,
                         "password=" + web::UrlEncode(new_password) +
                             "&password_repeat=" + web::UrlEncode(new_password));
  ASSERT_EQ(reset.status, 200) << reset.body.substr(0, 400);
  EXPECT_TRUE(Has(reset.body,
                  "je kunt meldingen pas weer openen als een leidinggevende of de "
                  "beheerder je weer toegang geeft"));
  // The link works once.
  EXPECT_EQ(anon.Get("/wachtwoord-herstellen/" + token).status, 404);
  EXPECT_EQ(anon.Post("/wachtwoord-herstellen/" + token,
                      "password=" + web::UrlEncode(new_password) +
                          "&password_repeat=" + web::UrlEncode(new_password))
                .status,
            404);
  EXPECT_EQ(b.Get("/meldpunt").status, 303);  // the old session ended
  EXPECT_EQ(Count("SELECT COUNT(*) FROM mail_outbox WHERE kind = 'handler_needs_keys' AND "
                  "user_id = $1",
                  {lotte}),
            1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM notifications WHERE kind = 'handler_needs_keys' AND "
                  "user_id = $1",
                  {lotte}),
            1);

  // After the reset Bas opens nothing until a lead's request grants it again.
  Browser b2(t_->port());
  ASSERT_NO_FATAL_FAILURE(LogIn(b2, "bas@97zz.test", new_password));
  auto locked = b2.Get("/meldpunt/zaken/" + case_id);
  ASSERT_EQ(locked.status, 200);
  EXPECT_FALSE(Has(locked.body, kNarrative));
  ASSERT_EQ(l.Get("/dashboard").status, 200);  // any request of the lead with her key
  EXPECT_TRUE(Has(b2.Get("/meldpunt/zaken/" + case_id).body, kNarrative));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM meldpunt_key_grants"), 0);

  // ---- Leads: Bas becomes lead, Lotte is taken back ----
  admin.Get("/admin/meldpunt/leiding");
  auto last = admin.Post("/admin/meldpunt/leiding/" + lotte + "/terug", "");
  EXPECT_EQ(last.status, 409);  // the last lead stays
  EXPECT_TRUE(Has(last.body, "href=\"#leads\""));
  ASSERT_EQ(admin.Post("/admin/meldpunt/leiding/" + bas + "/maak", "").status, 303);
  ASSERT_EQ(l.Get("/meldpunt").status, 200);  // Lotte's request grants Bas every case key
  auto overview = admin.Get("/admin/meldpunt/leiding");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM meldpunt_key_grants"), 0);
  ASSERT_EQ(admin.Post("/admin/meldpunt/leiding/" + lotte + "/terug", "").status, 303);
  EXPECT_EQ(Count("SELECT meldpunt_lead FROM users WHERE id = $1", {lotte}), 0);
  EXPECT_EQ(l.Get("/meldpunt/zaken/" + case_id).status, 404);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM case_keys WHERE holder = $1", {lotte}), 0);
  EXPECT_TRUE(Has(b2.Get("/meldpunt/zaken/" + case_id).body, kNarrative));
  for (const char* action : {"meldpunt.lead_add", "meldpunt.lead_remove", "meldpunt.keys_grant",
                             "meldpunt.keys_lost", "password.reset", "password.reset_request"}) {
    EXPECT_GE(Count("SELECT COUNT(*) FROM audit_log WHERE action = $1", {action}), 1) << action;
  }
  // Another school's admin page knows nothing of these users.
  EXPECT_EQ(
      admin.Post("/admin/meldpunt/leiding/" + UserId("meldpunt@99dm.demo") + "/maak", "").status,
      404);

  // The recovery code grants at once: a wrong one is refused on its field.
  auto wrong = admin.Post("/admin/meldpunt/leiding/sleutels", "recovery_code=AAAA");
  EXPECT_EQ(wrong.status, 403);
  EXPECT_TRUE(Has(wrong.body, "href=\"#recovery_code\""));
  ASSERT_EQ(admin.Post("/admin/meldpunt/leiding/" + lotte + "/maak", "").status, 303);
  auto granted = admin.Post("/admin/meldpunt/leiding/sleutels",
                            "recovery_code=" + web::UrlEncode(recovery_code_));
  EXPECT_EQ(granted.status, 200);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM case_keys WHERE holder = $1 AND purpose = 'case'", {lotte}),
            1);

  // ---- A link expires after 30 minutes ----
  anon.Get("/wachtwoord-vergeten");
  ASSERT_EQ(anon.Post("/wachtwoord-vergeten", "login=" + web::UrlEncode("lotte@97zz.test")).status,
            200);
  std::string late = ResetToken(lotte);
  ASSERT_FALSE(late.empty());
  t_->clock().Advance(std::chrono::minutes(29));
  EXPECT_EQ(anon.Get("/wachtwoord-herstellen/" + late).status, 200);
  t_->clock().Advance(std::chrono::minutes(2));
  EXPECT_EQ(anon.Get("/wachtwoord-herstellen/" + late).status, 404);
}

TEST_P(StaffedMeldpuntHttpTest, PasswordChangeKeepsAHandlersKeys) {
  Browser admin(t_->port());
  ASSERT_NO_FATAL_FAILURE(Activate(admin, admin_invite_, "admin@97zz.test"));
  std::string invite = NewHandler(admin, "Lotte", "lotte@97zz.test");
  Browser l(t_->port());
  ASSERT_NO_FATAL_FAILURE(Activate(l, invite, "lotte@97zz.test"));
  std::string case_id = Submit();
  ASSERT_TRUE(Has(l.Get("/meldpunt/zaken/" + case_id).body, kNarrative));

  l.Get("/account/wachtwoord");
  auto wrong =
      l.Post("/account/wachtwoord", "current_password=fout&new_password=x&new_password_repeat=x");
  EXPECT_EQ(wrong.status, 400);
  const std::string next = "mijn nieuwe wachtwoord voor het meldpunt";
  auto bad_current = l.Post("/account/wachtwoord",
                            "current_password=nietgoed&new_password=" + web::UrlEncode(next) +
                                "&new_password_repeat=" + web::UrlEncode(next));
  EXPECT_EQ(bad_current.status, 400);
  EXPECT_TRUE(Has(bad_current.body, "href=\"#current_password\""));
  auto changed = l.Post("/account/wachtwoord", "current_password=" + web::UrlEncode(kPassword) +
                                                   "&new_password=" + web::UrlEncode(next) +
                                                   "&new_password_repeat=" + web::UrlEncode(next));
  ASSERT_EQ(changed.status, 303) << changed.body.substr(0, 400);
  // This browser goes on, and still opens the case (same key pair).
  EXPECT_TRUE(Has(l.Get("/meldpunt/zaken/" + case_id).body, kNarrative));
  Browser again(t_->port());
  ASSERT_NO_FATAL_FAILURE(LogIn(again, "lotte@97zz.test", next));
  EXPECT_TRUE(Has(again.Get("/meldpunt/zaken/" + case_id).body, kNarrative));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM audit_log WHERE action = 'password.change'"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM meldpunt_key_grants"), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, StaffedMeldpuntHttpTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgres),
                         [](const ::testing::TestParamInfo<db::Dialect>& p) {
                           return std::string(p.param == db::Dialect::kSqlite ? "sqlite"
                                                                              : "postgres");
                         });

}  // namespace
