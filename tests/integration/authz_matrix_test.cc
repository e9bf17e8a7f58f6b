// The authorization matrix (issue 7 item 3; promises P8, P6, P15), over real
// HTTP on both databases, generated from the router's own route table:
//
//   every route × every role (anonymous, student, teacher, coordinator,
//   meldpunt handler, meldpunt lead, management, school admin, company
//   contact, system admin) × the object in the path (one of the caller's own
//   school, one of another school, a random id).
//
// The expectation comes from kPolicy below, a table keyed by method and
// pattern that says who may call each route. A route without an entry fails
// the test: a new route needs a decided policy before it can ship. The table
// is also checked against the Access each route was registered with, so a
// silently widened route fails too.
//
// What is checked:
// - a denied role gets 403 (anonymous: a redirect to /login, or 401 on the
//   API), and the denial does not depend on whether the object exists;
// - an allowed role gets past access control on its own school's object, and
//   another school's object answers byte for byte like a missing one (status,
//   body, headers apart from Date; the id itself is masked);
// - every POST is made with the session's valid CSRF token (so a deny is an
//   authorization deny), and separately every POST without a token is
//   refused, by every role;
// - record ids in the database and in every link the pages show are 128-bit
//   random ids (crypto::RandomId), never sequential numbers.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "app/demo.h"
#include "app/demo_placement.h"
#include "authz_policy.h"
#include "crypto/random.h"
#include "crypto/totp.h"
#include "test_app.h"

namespace {

using nlohmann::json;
using testing_support::Browser;
using testing_support::TestApp;

using namespace authz_policy;  // NOLINT(google-build-using-namespace): the test's vocabulary

const Policy* PolicyFor(const web::Route& r) {
  for (const Policy& p : kPolicy) {
    if (p.method == r.method && r.pattern == p.pattern) return &p;
  }
  return nullptr;
}

bool IsApi(const web::Route& r) { return r.pattern.rfind("/api/", 0) == 0; }

bool IsRandomId(std::string_view s) {
  return s.size() == 26 &&
         s.find_first_not_of("abcdefghijklmnopqrstuvwxyz234567") == std::string_view::npos;
}

void ReplaceAll(std::string& s, const std::string& from, const std::string& to) {
  if (from.empty()) return;
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
}

// A response with the object id masked and Date left out, for "looks the
// same" comparisons.
std::string Fingerprint(const web::ClientResponse& res, const std::string& id) {
  std::string out = std::to_string(res.status) + "\n";
  for (const auto& [name, value] : res.headers) {
    if (name == "date") continue;
    out += name + ": " + value + "\n";
  }
  out += "\n" + res.body;
  ReplaceAll(out, id, "{ID}");
  return out;
}

// "" when equal, else the first differing line of each.
std::string Difference(const std::string& a, const std::string& b) {
  if (a == b) return "";
  size_t at = 0;
  while (at < a.size() && at < b.size() && a[at] == b[at]) ++at;
  size_t start = a.rfind('\n', at == 0 ? 0 : at - 1);
  start = start == std::string::npos ? 0 : start + 1;
  return "differs at: [" + a.substr(start, a.find('\n', at) - start) + "] vs [" +
         b.substr(start, b.find('\n', at) - start) + "]";
}

enum Variant { kOwn = 0, kOther = 1, kMissing = 2 };
const char* const kVariantName[] = {"own school", "other school", "missing"};

// One server per backend, shared by the tests of that backend: logins are
// the slow part (Argon2id), so every caller logs in once.
struct Env {
  std::unique_ptr<TestApp> t;
  std::map<unsigned, std::unique_ptr<Browser>> browsers;  // by Who
  std::map<unsigned, std::string> csrf;                   // the session's token
  std::map<Obj, std::array<std::string, 3>> objects;      // own, other, missing
  std::string receipt;                                    // a reporter code at 99DM
  std::set<std::string> seen_links;                       // paths linked from pages
  std::map<std::string, std::string> secondary;           // fixed random later params
};

class AuthzMatrixTest : public ::testing::TestWithParam<db::Dialect> {
 protected:
  static std::map<db::Dialect, std::unique_ptr<Env>>& envs() {
    static std::map<db::Dialect, std::unique_ptr<Env>> m;
    return m;
  }
  static void TearDownTestSuite() { envs().clear(); }

  void SetUp() override {
    auto& slot = envs()[GetParam()];
    if (!slot) {
      auto env = std::make_unique<Env>();
      std::string reason;
      env->t = TestApp::Start(GetParam(), &reason);
      ASSERT_TRUE(env->t || reason.rfind("FAIL: ", 0) != 0) << reason;
      if (!env->t) GTEST_SKIP() << reason;
      ASSERT_TRUE(app::SeedPlacementDemo(env->t->app()).ok());
      env_ = env.get();
      ASSERT_NO_FATAL_FAILURE(Prepare());
      slot = std::move(env);
    }
    env_ = slot.get();
  }

  TestApp& t() { return *env_->t; }

  std::string Query(const std::string& sql, const db::Params& params) {
    std::string out;
    EXPECT_TRUE(t().db()
                    .Read([&](db::Connection& c) -> common::Status {
                      SP_ASSIGN_OR_RETURN(db::Rows rows, c.Query(sql, params));
                      if (!rows.empty()) out = rows.rows[0].Text(0);
                      return common::Status::Ok();
                    })
                    .ok())
        << sql;
    return out;
  }

  // A new anonymous report; returns (case id, receipt code).
  std::pair<std::string, std::string> NewCase(const std::string& brin) {
    web::TestClient c("127.0.0.1", t().port());
    json report = {{"mode", "anonymous"},     {"phase", "internship"},
                   {"grounds", {"religion"}}, {"narrative", "Opmerkingen over mijn hoofddoek."},
                   {"wishes", {"talk"}},      {"consent", json::object()}};
    auto res = c.PostJson("/api/v1/schools/" + brin + "/reports", report.dump());
    EXPECT_EQ(res.status, 201) << res.body;
    json body = json::parse(res.body);
    std::string id = Query(
        "SELECT c.id FROM cases c JOIN schools s ON s.id = c.school_id "
        "WHERE c.case_number = $1 AND s.brin = $2",
        {body["case_number"].get<std::string>(), brin});
    return {id, body["receipt"].get<std::string>()};
  }

  std::string NewUser(const std::string& brin) {
    std::string login = "victim-" + crypto::RandomId() + "@" + brin + ".demo";
    std::string id;
    EXPECT_TRUE(t().db()
                    .Write([&](db::Connection& c) -> common::Status {
                      SP_ASSIGN_OR_RETURN(
                          db::Row school,
                          c.QueryOne("SELECT id FROM schools WHERE brin = $1", {brin}));
                      auth::Accounts::NewUser u;
                      u.school_id = school.Text(0);
                      u.login = login;
                      u.display_name = "Doelwit";
                      u.role = domain::Role::kTeacher;
                      SP_ASSIGN_OR_RETURN(auth::User user, t().app().accounts().CreateUser(c, u));
                      id = user.id;
                      return common::Status::Ok();
                    })
                    .ok());
    return id;
  }

  // A company linked to `brin` only.
  std::string CompanyOnlyAt(const std::string& brin) {
    std::string id = crypto::RandomId();
    EXPECT_TRUE(t().db()
                    .Write([&](db::Connection& c) -> common::Status {
                      SP_RETURN_IF_ERROR(
                          c.Execute("INSERT INTO companies(id, leerbedrijf_id, name, created_at) "
                                    "VALUES ($1, $2, 'Alleen elders BV', 0)",
                                    {id, "9" + id.substr(0, 8)})
                              .status());
                      return c
                          .Execute(
                              "INSERT INTO school_companies(school_id, company_id) "
                              "SELECT id, $1 FROM schools WHERE brin = $2",
                              {id, brin})
                          .status();
                    })
                    .ok());
    return id;
  }

  // One object of each kind at 99DM (own) and 98DM (other), plus a random id.
  void Prepare() {
    auto own = NewCase("99DM");
    auto other = NewCase("98DM");
    env_->receipt = own.second;
    auto& o = env_->objects;
    o[Obj::kCase] = {own.first, other.first, ""};
    o[Obj::kUser] = {NewUser("99DM"), NewUser("98DM"), ""};
    const std::string school_of = "(SELECT id FROM schools WHERE brin = $1)";
    auto pair = [&](const std::string& sql) -> std::array<std::string, 3> {
      return {Query(sql, {"99DM"}), Query(sql, {"98DM"}), ""};
    };
    // Demo companies serve both schools: the other school gets one of its own.
    o[Obj::kCompany] = {Query("SELECT company_id FROM school_companies WHERE school_id = " +
                                  school_of + " ORDER BY company_id",
                              {"99DM"}),
                        CompanyOnlyAt("98DM"), ""};
    // A round the school's demo student takes part in (the coordinator may
    // open any round of the school; the student only their own).
    o[Obj::kRound] = pair(
        "SELECT rs.round_id FROM round_students rs JOIN students s ON s.id = rs.student_id "
        "JOIN users u ON u.id = s.user_id WHERE s.school_id = " +
        school_of + " AND u.role = 'student' ORDER BY rs.round_id");
    o[Obj::kPlace] = pair("SELECT p.id FROM leerplaatsen p WHERE p.school_id = " + school_of +
                          " AND p.company_id IN (SELECT cc.company_id FROM company_contacts cc "
                          "JOIN users u ON u.id = cc.user_id WHERE u.school_id = p.school_id) "
                          "ORDER BY p.id");
    o[Obj::kPlacement] = pair(
        "SELECT p.id FROM placements p JOIN leerplaatsen l ON l.id = p.leerplaats_id "
        "WHERE p.school_id = " +
        school_of +
        " AND l.company_id IN (SELECT cc.company_id FROM company_contacts cc "
        "JOIN users u ON u.id = cc.user_id WHERE u.school_id = p.school_id) ORDER BY p.id");
    o[Obj::kOwnPlacement] = pair(
        "SELECT p.id FROM placements p JOIN students s ON s.id = p.student_id "
        "JOIN users u ON u.id = s.user_id WHERE p.school_id = " +
        school_of + " AND u.role = 'student' ORDER BY p.id");
    o[Obj::kFlag] =
        pair("SELECT id FROM placement_flags WHERE school_id = " + school_of + " ORDER BY id");
    o[Obj::kNotification] =
        pair("SELECT id FROM notifications WHERE school_id = " + school_of + " ORDER BY id");
    // Own notifications are per user: another user's counts as missing.
    o[Obj::kNotification][kOwn] = "";
    o[Obj::kBrin] = {"99DM", "98DM", "97ZZ"};
    for (auto& [kind, ids] : o) {
      if (kind != Obj::kBrin) ids[kMissing] = crypto::RandomId();
    }

    for (const Caller& c : kCallers) {
      auto b = std::make_unique<Browser>(t().port());
      if (c.login) {
        auto res =
            b->Login(c.login, app::kDemoPassword,
                     *crypto::TotpCode(app::kDemoTotpSecret, t().clock().NowMillis() / 1000));
        ASSERT_EQ(res.status, 303) << c.login;
        ASSERT_EQ(res.Header("location"), "/dashboard") << c.login;
      } else {
        b->Get("/login");  // the double-submit CSRF cookie
      }
      ASSERT_FALSE(b->last_csrf().empty()) << c.name;
      env_->csrf[c.who] = b->last_csrf();
      env_->browsers[c.who] = std::move(b);
    }
    // The lead assigns the handler nothing: the own case is the lead's only.
  }

  // Fills the path parameters. The first one names the object under test;
  // later ones ({task}, {file}, {student}) are random: they belong to no
  // school and so test the first one's scoping alone.
  std::string PathFor(const Policy& p, Variant v, std::string* id_used) {
    std::string path = p.pattern;
    std::string first;
    if (p.obj != Obj::kNone) {
      const auto& ids = env_->objects[p.obj];
      first = ids[v].empty() ? ids[kMissing] : ids[v];
    }
    *id_used = first;
    bool done_first = false;
    for (size_t open = path.find('{'); open != std::string::npos; open = path.find('{')) {
      size_t close = path.find('}', open);
      std::string name = path.substr(open + 1, close - open - 1);
      std::string value;
      if (!done_first && p.obj != Obj::kNone) {
        value = first;
      } else if (name == "brin") {
        value = "99DM";
      } else if (name == "code") {
        value = "en";
      } else if (name == "file" && path.rfind("/assets/", 0) == 0) {
        value = "missing.css";
      } else if (name == "file" && path.find("/export/") != std::string::npos) {
        value = "students.csv";
      } else {
        // Fixed per route and parameter, so responses compare byte for byte.
        std::string& fixed = env_->secondary[std::string(p.pattern) + "|" + name];
        if (fixed.empty()) fixed = crypto::RandomId();
        value = fixed;
      }
      done_first = true;
      path.replace(open, close - open + 1, value);
    }
    return path;
  }

  web::ClientResponse Call(const Caller& c, const web::Route& route, const Policy& p,
                           const std::string& path, bool with_token) {
    Browser& b = *env_->browsers[c.who];
    std::string body = p.body;
    ReplaceAll(body, "{receipt}", env_->receipt);
    if (IsApi(route)) {
      web::HeaderList headers;
      std::string cookies;
      for (const auto& [k, v] : b.cookies()) cookies += (cookies.empty() ? "" : "; ") + k + "=" + v;
      if (!cookies.empty()) headers.emplace_back("Cookie", cookies);
      web::TestClient client("127.0.0.1", t().port());
      if (route.method == Method::kGet) return client.Get(path, headers);
      if (!with_token) return client.PostForm(path, "x=1", headers);  // what a foreign form sends
      headers.emplace_back("X-CSRF-Token", env_->csrf[c.who]);
      return client.PostJson(path, body.empty() ? "{}" : body, headers);
    }
    if (route.method == Method::kGet) return b.Get(path);
    if (!with_token) return b.PostWithCsrf(path, body, "");
    return b.PostWithCsrf(path, body, env_->csrf[c.who]);
  }

  Env* env_ = nullptr;
};

// Every route has a decided policy, and it agrees with the Access the route
// was registered with (app::App::route_access, parallel to the routes).
TEST_P(AuthzMatrixTest, EveryRouteHasADeclaredPolicyThatMatchesItsRegistration) {
  const auto& routes = t().app().router().routes();
  const auto& access = t().app().route_access();
  ASSERT_EQ(routes.size(), access.size());
  for (size_t i = 0; i < routes.size(); ++i) {
    const web::Route& r = routes[i];
    const Policy* p = PolicyFor(r);
    if (!p) {
      ADD_FAILURE() << web::MethodName(r.method) << " " << r.pattern
                    << " has no entry in kPolicy (tests/integration/authz_policy.h): decide who may call "
                       "it before it ships";
      continue;
    }
    for (const Caller& c : kCallers) {
      bool declared = (p->allowed & c.who) != 0 || (p->narrowed & c.who) != 0;
      bool registered = false;
      switch (access[i].kind) {
        case app::Access::Kind::kPublic:
          registered = true;
          break;
        case app::Access::Kind::kLoggedIn:
          registered = c.login != nullptr;
          break;
        case app::Access::Kind::kPermission:
          registered = c.login != nullptr && domain::HasPermission(c.role, access[i].permission);
          break;
      }
      EXPECT_EQ(declared, registered)
          << web::MethodName(r.method) << " " << r.pattern << " for " << c.name
          << ": the declared policy and the route's registered Access disagree";
    }
  }
  for (const Policy& p : kPolicy) {
    bool exists = std::any_of(routes.begin(), routes.end(), [&](const web::Route& r) {
      return r.method == p.method && r.pattern == p.pattern;
    });
    EXPECT_TRUE(exists) << "kPolicy names a route that does not exist: " << p.pattern;
  }
}

// Every POST without a CSRF token is refused, by every caller, whatever the
// route: HTML forms with 403, the JSON API with 401/403 (session) or 415 (a
// form body, which is all a foreign page can send without CORS).
TEST_P(AuthzMatrixTest, EveryPostWithoutCsrfTokenIsRefused) {
  int checked = 0;
  for (const web::Route& route : t().app().router().routes()) {
    if (route.method != Method::kPost) continue;
    const Policy* p = PolicyFor(route);
    if (!p) continue;  // reported by the policy test
    for (const Caller& c : kCallers) {
      std::string id;
      std::string path = PathFor(*p, kOwn, &id);
      auto res = Call(c, route, *p, path, /*with_token=*/false);
      std::string where = std::string(c.name) + " POST " + route.pattern;
      if (IsApi(route)) {
        EXPECT_TRUE(res.status == 401 || res.status == 403 || res.status == 415)
            << where << " -> " << res.status << " " << res.body;
      } else {
        EXPECT_EQ(res.status, 403) << where;
        EXPECT_EQ(res.Header("location"), "") << where;
      }
      ++checked;
    }
  }
  EXPECT_GT(checked, 300);
}

TEST_P(AuthzMatrixTest, EveryRouteEveryRoleOwnSchoolOtherSchoolAndMissing) {
  // Logging out ends the session the rest of the matrix needs: do it last.
  std::vector<const web::Route*> routes;
  for (const web::Route& r : t().app().router().routes()) routes.push_back(&r);
  std::stable_partition(routes.begin(), routes.end(),
                        [](const web::Route* r) { return r->pattern != "/logout"; });
  std::map<std::string, int> tally;  // "allowed"/"denied" × variant, for the log
  for (const web::Route* route_ptr : routes) {
    const web::Route& route = *route_ptr;
    const Policy* p = PolicyFor(route);
    if (!p) continue;  // reported by the policy test
    std::string name = std::string(web::MethodName(route.method)) + " " + route.pattern;
    bool extra_random = std::count(route.pattern.begin(), route.pattern.end(), '{') >
                        (p->obj == Obj::kNone ? 0 : 1);
    for (const Caller& c : kCallers) {
      bool allowed = (p->allowed & c.who) != 0;
      std::array<std::string, 3> fingerprints;
      int variants = p->obj == Obj::kNone ? 1 : 3;
      for (int vi = 0; vi < variants; ++vi) {
        auto v = static_cast<Variant>(vi);
        std::string id;
        std::string path = PathFor(*p, v, &id);
        auto res = Call(c, route, *p, path, /*with_token=*/true);
        fingerprints[v] = Fingerprint(res, id);
        std::string where = std::string(c.name) + " " + name + " (" + kVariantName[v] + ": " +
                            path + ") -> " + std::to_string(res.status);
        ++tally[std::string(allowed ? "allowed " : "denied ") + kVariantName[v]];
        EXPECT_LT(res.status, 500) << where << "\n" << res.body.substr(0, 300);
        if (res.Header("content-type").rfind("text/html", 0) == 0) {
          for (size_t at = res.body.find("href=\"/"); at != std::string::npos;
               at = res.body.find("href=\"/", at + 1)) {
            size_t end = res.body.find('"', at + 6);
            env_->seen_links.insert(res.body.substr(at + 6, end - at - 6));
          }
        }
        if (!allowed) {
          if (!c.login && IsApi(route)) {
            EXPECT_EQ(res.status, 401) << where;
          } else if (!c.login && route.method == Method::kGet) {
            EXPECT_EQ(res.status, 303) << where;
            EXPECT_EQ(res.Header("location"), "/login") << where;
          } else {
            EXPECT_EQ(res.status, 403) << where;
          }
          continue;
        }
        bool state = p->state_status != 0 && res.status == p->state_status;
        if (!state) {
          EXPECT_NE(res.status, 401) << where;
          EXPECT_NE(res.status, 403) << where;
        }
        if (v == kOwn) {
          // Need-to-know (P8): a handler who is not assigned sees the
          // school's case as missing.
          bool need_to_know = p->obj == Obj::kCase && c.who == kHandler;
          bool own_exists = p->obj == Obj::kNone || !env_->objects[p->obj][kOwn].empty();
          if (need_to_know) {
            EXPECT_EQ(res.status, 404) << where;
          } else if (own_exists && !extra_random && !state) {
            EXPECT_NE(res.status, 404) << where;
          }
        } else {
          EXPECT_GE(res.status, 400) << where;
          if (route.method == Method::kGet) {
            EXPECT_EQ(res.status, 404) << where;
          }
        }
      }
      if (variants == 3) {
        std::string who = std::string(c.name) + " " + name;
        // Another school's object looks exactly like a missing one.
        EXPECT_EQ(Difference(fingerprints[kOther], fingerprints[kMissing]), "") << who;
        // A denial, and a need-to-know 404, never depend on existence.
        if (!allowed || (p->obj == Obj::kCase && c.who == kHandler)) {
          EXPECT_EQ(Difference(fingerprints[kOwn], fingerprints[kMissing]), "") << who;
        }
      }
    }
  }
  for (const auto& [k, n] : tally) std::cout << "[ matrix   ] " << k << ": " << n << "\n";
  for (const auto& [kind, ids] : env_->objects) {
    if (kind == Obj::kNotification) continue;
    if (kind == Obj::kOwnPlacement && !ids[kOwn].empty()) continue;  // other: random id
    EXPECT_FALSE(ids[kOwn].empty() || ids[kOther].empty())
        << "object kind " << static_cast<int>(kind) << " has no demo object at both schools";
  }
  // Every link a page showed names ids of the RandomId shape (checked here
  // because only this test has seen them).
  int ids_in_links = 0;
  for (const std::string& link : env_->seen_links) {
    std::string path = link.substr(0, link.find_first_of("?#"));
    web::Request req;
    auto match = t().app().router().Find(Method::kGet, path, &req);
    if (!match.route) match = t().app().router().Find(Method::kPost, path, &req);
    if (!match.route) continue;
    for (const auto& [param, value] : req.path_params) {
      // Not record ids: codes, names and the self-assessment's year and item.
      if (param == "brin" || param == "code" || param == "file" || param == "token" ||
          param == "year" || param == "item")
        continue;
      EXPECT_TRUE(IsRandomId(value)) << link;
      ++ids_in_links;
    }
  }
  std::cout << "[ matrix   ] " << env_->seen_links.size() << " distinct links, " << ids_in_links
            << " ids in them\n";
  envs().erase(GetParam());  // the sessions are gone
}

// Record ids are 128-bit random (crypto::RandomId: 26 base32 characters),
// never sequential: every id column of every table that ids in URLs come from.
TEST_P(AuthzMatrixTest, RecordIdsAreRandom) {
  const char* tables[] = {"schools",         "users",       "cases",           "companies",
                          "company_pauses",  "case_events", "case_messages",   "case_actions",
                          "aftercare_tasks", "attachments", "students",        "leerplaatsen",
                          "rounds",          "placements",  "placement_flags", "notifications",
                          "company_pause_responses"};
  int checked = 0;
  for (const char* table : tables) {
    std::set<std::string> ids;
    ASSERT_TRUE(t().db()
                    .Read([&](db::Connection& c) -> common::Status {
                      SP_ASSIGN_OR_RETURN(db::Rows rows,
                                          c.Query(std::string("SELECT id FROM ") + table, {}));
                      for (const auto& row : rows.rows) ids.insert(row.Text(0));
                      return common::Status::Ok();
                    })
                    .ok())
        << table;
    for (const std::string& id : ids) {
      EXPECT_TRUE(IsRandomId(id)) << table << ": " << id;
      ++checked;
    }
  }
  EXPECT_GT(checked, 100);
  // And the generator itself: 10,000 ids, no duplicates, all of the shape.
  std::set<std::string> fresh;
  for (int i = 0; i < 10000; ++i) fresh.insert(crypto::RandomId());
  EXPECT_EQ(fresh.size(), 10000u);
  EXPECT_TRUE(std::all_of(fresh.begin(), fresh.end(), IsRandomId));
}

INSTANTIATE_TEST_SUITE_P(Backends, AuthzMatrixTest,
                         ::testing::Values(db::Dialect::kSqlite, db::Dialect::kPostgres),
                         [](const ::testing::TestParamInfo<db::Dialect>& p) {
                           return p.param == db::Dialect::kSqlite ? "sqlite" : "postgres";
                         });

}  // namespace
