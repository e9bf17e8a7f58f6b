// The monitor (issue 6, "Performance"): with 1,000,000 reports and 2,000,000
// placements across 60 schools, the school dashboard renders in under 1 s on
// SQLite and on PostgreSQL, and the deployment-wide yearly report in under 3 s.
//
//   build-mon-bench/bench/monitor_bench --db sqlite:/tmp/mon/bench.db [--samples S]
//   scripts/pg-test-cluster sh -c 'build-mon-bench/bench/monitor_bench
//       --db "postgresql:///$PGDATABASE?host=$PGHOST&port=$PGPORT&user=$PGUSER"'  (one line)
//   options: --reports N (1000000) --placements M (2000000) --samples S (5)
//
// Seeds once per database (skipped when the reports are already there): the
// demo data (schools 99DM and 98DM with their logins), 58 more schools, then
// in ONE write transaction, with set-based SQL (a recursive counter joined to
// small helper tables; nothing goes through the services): N reports spread
// over five school years (2021-2026) with phase, grounds, status, programme,
// deadlines, outcomes and survey scores, referrals for 5% and nazorg for 10%;
// 300 published rounds (one per school and year), 400,000 students and M
// placements with ranks, unplaced students, refusals and breakdowns, and
// excluded companies. Then it logs in through app::App::Dispatch like a
// browser and times, after one warm-up, S renders each of
//   GET /monitor?periode=2024-2025         (management of 99DM: one school year)
//   GET /monitor?periode=2025-Q1           (a quarter)
//   GET /admin/monitor?jaar=2024-2025      (system admin: all 60 schools, two years each)
// printing min / median / max in ms.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "app/app.h"
#include "app/demo.h"
#include "crypto/totp.h"
#include "db/database.h"
#include "db/migrate.h"
#include "domain/calendar.h"

namespace {

using Clock = std::chrono::steady_clock;
using common::Status;
constexpr int64_t kDayMs = 24LL * 60 * 60 * 1000;
constexpr int kSchools = 60;
constexpr int kYears = 5;    // school years 2021-2022 .. 2025-2026
constexpr int kDays = 1826;  // 1 Aug 2021 .. 31 Jul 2026
constexpr int kStudents = 400000;

[[noreturn]] void Die(const std::string& what, const Status& s) {
  std::cerr << "monitor_bench: " << what << ": " << s.ToString() << "\n";
  std::exit(1);
}

double Seconds(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Small helper tables the set-based inserts join to.
Status Helpers(db::Connection& c, const std::vector<std::string>& school_ids) {
  SP_RETURN_IF_ERROR(c.ExecuteScript(
      "CREATE TABLE bench_schools (i BIGINT PRIMARY KEY, id TEXT NOT NULL);"
      "CREATE TABLE bench_days (i BIGINT PRIMARY KEY, ms BIGINT NOT NULL, due3 TEXT NOT NULL, "
      "due90 TEXT NOT NULL);"
      "CREATE TABLE bench_years (y BIGINT PRIMARY KEY, deadline TEXT NOT NULL, start_date TEXT "
      "NOT NULL, end_date TEXT NOT NULL, published_ms BIGINT NOT NULL);"
      "CREATE TABLE bench_companies (i BIGINT PRIMARY KEY, id TEXT NOT NULL);"));
  for (size_t i = 0; i < school_ids.size(); ++i) {
    SP_RETURN_IF_ERROR(c.Execute("INSERT INTO bench_schools (i, id) VALUES ($1, $2)",
                                 {static_cast<int64_t>(i), school_ids[i]})
                           .status());
  }
  domain::Date first = domain::MakeDate(2021, 8, 1);
  for (int i = 0; i < kDays; i += 200) {
    std::string sql = "INSERT INTO bench_days (i, ms, due3, due90) VALUES ";
    db::Params p;
    for (int j = i; j < std::min(i + 200, kDays); ++j) {
      domain::Date d = domain::AddDays(first, j);
      size_t k = p.size();
      sql += (j > i ? ", (" : "(") + ("$" + std::to_string(k + 1)) + ", $" + std::to_string(k + 2) +
             ", $" + std::to_string(k + 3) + ", $" + std::to_string(k + 4) + ")";
      p.insert(p.end(), {db::Param(static_cast<int64_t>(j)), db::Param(domain::StartOfDayMillis(d)),
                         db::Param(domain::FormatDate(domain::AddDays(d, 3))),
                         db::Param(domain::FormatDate(domain::AddDays(d, 90)))});
    }
    SP_RETURN_IF_ERROR(c.Execute(sql, p).status());
  }
  for (int y = 0; y < kYears; ++y) {
    int year = 2021 + y;
    SP_RETURN_IF_ERROR(
        c.Execute("INSERT INTO bench_years (y, deadline, start_date, end_date, published_ms) "
                  "VALUES ($1, $2, $3, $4, $5)",
                  {int64_t{y}, domain::FormatDate(domain::MakeDate(year, 8, 20)),
                   domain::FormatDate(domain::MakeDate(year, 9, 1)),
                   domain::FormatDate(domain::MakeDate(year + 1, 1, 31)),
                   domain::StartOfDayMillis(domain::MakeDate(year, 8, 27))})
            .status());
  }
  SP_ASSIGN_OR_RETURN(db::Rows companies, c.Query("SELECT id FROM companies ORDER BY id"));
  for (size_t i = 0; i < companies.rows.size(); ++i) {
    SP_RETURN_IF_ERROR(c.Execute("INSERT INTO bench_companies (i, id) VALUES ($1, $2)",
                                 {static_cast<int64_t>(i), companies.rows[i].Text(0)})
                           .status());
  }
  return Status::Ok();
}

// A counter 0..$1-1 that works in SQLite and PostgreSQL alike.
std::string Seq() {
  return "WITH RECURSIVE seq(n) AS (SELECT CAST(0 AS BIGINT) UNION ALL SELECT n + 1 FROM seq WHERE "
         "n + 1 < $1) ";
}

Status InsertCases(db::Connection& c, int64_t reports, int64_t companies) {
  SP_RETURN_IF_ERROR(
      c.Execute(Seq() +
                    "INSERT INTO cases (id, school_id, case_number, mode, channel, phase, grounds, "
                    "wishes, consents, status, company_id, received_at, first_contact_at, "
                    "first_contact_due, feedback_due, feedback_given_at, closed_at, outcome, "
                    "content_sha256, survey_heard, survey_believed, survey_know_outcome, crebo, "
                    "pathway, level, location) "
                    "SELECT 'bc' || n, s.id, 'B-' || n, 'anonymous', 'self', "
                    "CASE WHEN n % 3 = 0 THEN 'internship' ELSE 'search' END, "
                    "CASE n % 9 WHEN 0 THEN 'origin' WHEN 1 THEN 'origin,religion' WHEN 2 THEN "
                    "'religion' WHEN 3 THEN 'gender' WHEN 4 THEN 'disability' WHEN 5 THEN 'age' "
                    "WHEN 6 THEN 'skin_colour,origin' WHEN 7 THEN 'sexual_orientation' ELSE "
                    "'other' END, '', '', "
                    "CASE WHEN n % 5 < 3 THEN 'closed' WHEN n % 5 = 3 THEN 'in_progress' ELSE "
                    "'aftercare' END, "
                    "CASE WHEN n % 3 = 0 THEN bc.id END, "
                    "d.ms + (n % 7) * 3600000, "
                    "CASE WHEN n % 10 <> 0 THEN d.ms + (n % 7) * 3600000 + (n % 5 + 1) * " +
                    std::to_string(kDayMs) +
                    " END, d.due3, d.due90, "
                    "CASE WHEN n % 5 < 3 THEN d.ms + (n % 80 + 5) * " +
                    std::to_string(kDayMs) +
                    " END, "
                    "CASE WHEN n % 5 < 3 THEN d.ms + (n % 80 + 10) * " +
                    std::to_string(kDayMs) +
                    " END, "
                    "CASE WHEN n % 5 < 3 THEN CASE n % 4 WHEN 0 THEN 'resolved_with_company' "
                    "WHEN 1 THEN 'new_placement' WHEN 2 THEN 'referred' ELSE 'no_further_action' "
                    "END END, 'x', "
                    "CASE WHEN n % 4 = 0 THEN n % 5 + 1 END, CASE WHEN n % 4 = 0 THEN (n / 5) % 5 "
                    "+ 1 END, CASE WHEN n % 4 = 0 THEN (n / 7) % 5 + 1 END, "
                    "'2' || (5000 + n % 40), CASE WHEN n % 4 = 0 THEN 'BBL' ELSE 'BOL' END, "
                    "n % 4 + 1, CASE n % 3 WHEN 0 THEN 'Noord' WHEN 1 THEN 'Zuid' ELSE 'Centrum' "
                    "END "
                    "FROM seq JOIN bench_schools s ON s.i = n % 60 "
                    "JOIN bench_days d ON d.i = (n / 60) % " +
                    std::to_string(kDays) + " LEFT JOIN bench_companies bc ON bc.i = n % $2",
                {reports, std::max<int64_t>(companies, 1)})
          .status());
  SP_RETURN_IF_ERROR(
      c.Execute(Seq() + "INSERT INTO case_actions (id, case_id, at, kind, actor) SELECT 'ba' || n, "
                        "'bc' || (n * 20), 0, CASE WHEN n % 3 = 0 THEN 'referral_adv' ELSE "
                        "'referral_sbb' END, 'bench' FROM seq",
                {reports / 20})
          .status());
  return c
      .Execute(Seq() +
                   "INSERT INTO aftercare_tasks (id, case_id, due_on, done_at) SELECT 'bt' || n, "
                   "'bc' || (n * 10 + 1), '2026-01-01', CASE WHEN n % 3 <> 0 THEN 1 END FROM seq",
               {reports / 10})
      .status();
}

Status InsertMatching(db::Connection& c, int64_t placements) {
  SP_RETURN_IF_ERROR(
      c.Execute(Seq() + "INSERT INTO rounds (id, school_id, name, cohort, period, crebos, status, "
                        "leerwens_deadline, start_date, end_date, hours, publish_lead_days, seed, "
                        "created_by, created_at, published_at) SELECT 'br' || n, s.id, 'bench-' || "
                        "n, 'bench', 'bench-' || y.y, 'B', 'published', y.deadline, y.start_date, "
                        "y.end_date, 0, 0, 0, 'bench', 0, y.published_ms FROM seq "
                        "JOIN bench_schools s ON s.i = n % 60 JOIN bench_years y ON y.y = n / 60",
                {int64_t{kSchools * kYears}})
          .status());
  SP_RETURN_IF_ERROR(
      c.Execute(Seq() +
                    "INSERT INTO leerplaatsen (id, school_id, company_id, crebo, period, capacity, "
                    "created_at, updated_at) SELECT 'bl' || n, s.id, (SELECT id FROM "
                    "bench_companies WHERE i = 0), 'B', 'bench-' || (n / 60), 100000, 0, 0 FROM "
                    "seq JOIN bench_schools s ON s.i = n % 60",
                {int64_t{kSchools * kYears}})
          .status());
  SP_RETURN_IF_ERROR(
      c.Execute(Seq() +
                    "INSERT INTO students (id, school_id, student_number, name, crebo, level, "
                    "pathway, cohort, created_at, updated_at) SELECT 'bs' || n, s.id, 'S' || n, "
                    "'Student', 'B', 2, 'BOL', 'bench', 0, 0 FROM seq "
                    "JOIN bench_schools s ON s.i = n % 60",
                {int64_t{kStudents}})
          .status());
  // Placement n: student n / 5 in the round of its school in year n % 5.
  SP_RETURN_IF_ERROR(
      c.Execute(Seq() +
                    "INSERT INTO placements (id, school_id, round_id, student_id, leerplaats_id, "
                    "rank, lottery, choices, ended_kind) SELECT 'bp' || n, s.id, "
                    "'br' || ((n % 5) * 60 + (n / 5) % 60), 'bs' || (n / 5), "
                    "CASE WHEN n % 17 <> 0 THEN 'bl' || ((n % 5) * 60 + (n / 5) % 60) END, "
                    "CASE WHEN n % 17 = 0 THEN NULL WHEN n % 10 < 6 THEN 1 WHEN n % 10 < 8 "
                    "THEN 2 WHEN n % 10 < 9 THEN 3 WHEN n % 23 = 0 THEN NULL ELSE 4 END, 0, 5, "
                    "CASE WHEN n % 17 = 0 THEN NULL WHEN n % 50 = 1 THEN 'refusal' WHEN n % 77 "
                    "= 2 THEN 'breakdown' END FROM seq JOIN bench_schools s ON s.i = (n / 5) % 60",
                {placements})
          .status());
  return c
      .Execute(
          "INSERT INTO round_exclusions (round_id, company_id, reason) SELECT r.id, bc.id, "
          "CASE WHEN bc.i % 2 = 0 THEN 'norm_not_accepted' ELSE 'paused' END FROM rounds r "
          "CROSS JOIN bench_companies bc WHERE r.created_by = $1",
          {"bench"})
      .status();
}

void Seed(app::App& app, db::Database& db, int64_t reports, int64_t placements) {
  std::vector<std::string> ids;
  for (const char* brin : {"99DM", "98DM"}) {
    auto s = app.accounts().SchoolByBrin(brin);
    if (!s.ok()) Die("demo school", s.status());
    ids.push_back(s->id);
  }
  auto t0 = Clock::now();
  Status s = db.Write([&](db::Connection& c) -> Status {
    // The server's statement timeout guards requests, not a bulk load.
    if (c.dialect() == db::Dialect::kPostgres) {
      SP_RETURN_IF_ERROR(c.ExecuteScript("SET LOCAL statement_timeout = 0"));
    }
    for (int i = 2; i < kSchools; ++i) {
      char brin[8];
      std::snprintf(brin, sizeof brin, "%02dBM", i);
      SP_ASSIGN_OR_RETURN(auth::School school,
                          app.accounts().CreateSchool(c, brin, std::string("Bench ") + brin));
      ids.push_back(school.id);
    }
    SP_RETURN_IF_ERROR(Helpers(c, ids));
    SP_ASSIGN_OR_RETURN(db::Row n, c.QueryOne("SELECT COUNT(*) FROM bench_companies"));
    SP_RETURN_IF_ERROR(InsertCases(c, reports, n.Int(0)));
    SP_RETURN_IF_ERROR(InsertMatching(c, placements));
    return c.ExecuteScript(
        "DROP TABLE bench_schools; DROP TABLE bench_days; DROP TABLE bench_years; "
        "DROP TABLE bench_companies;");
  });
  if (!s.ok()) Die("seed", s);
  std::printf(
      "# seeded %lld reports and %lld placements across %d schools in one transaction: "
      "%.1f s\n",
      static_cast<long long>(reports), static_cast<long long>(placements), kSchools, Seconds(t0));
  t0 = Clock::now();
  s = db.Write([](db::Connection& c) { return c.ExecuteScript("ANALYZE"); });
  if (!s.ok()) Die("analyze", s);
  std::printf("# ANALYZE: %.1f s\n", Seconds(t0));
}

int64_t Count(db::Database& db, const std::string& sql) {
  int64_t n = 0;
  Status s = db.Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(db::Row r, c.QueryOne(sql));
    n = r.Int(0);
    return Status::Ok();
  });
  if (!s.ok()) Die(sql, s);
  return n;
}

// A cookie jar for App::Dispatch: logs in through the forms like a browser.
class Browser {
 public:
  explicit Browser(app::App& app) : app_(app) {}
  web::Response Get(const std::string& target) { return Send(web::Method::kGet, target, ""); }
  web::Response Post(const std::string& target, const std::string& body) {
    return Send(web::Method::kPost, target, body);
  }
  const std::string& csrf() const { return csrf_; }

 private:
  web::Response Send(web::Method method, const std::string& target, const std::string& body) {
    web::Request req;
    req.method = method;
    req.target = target;
    size_t q = target.find('?');
    req.path = target.substr(0, q);
    req.query = q == std::string::npos ? "" : target.substr(q + 1);
    req.remote_ip = "127.0.0.1";
    req.headers.emplace_back("host", "127.0.0.1");
    std::string cookies;
    for (const auto& [k, v] : cookies_) cookies += (cookies.empty() ? "" : "; ") + k + "=" + v;
    if (!cookies.empty()) req.headers.emplace_back("cookie", cookies);
    if (method == web::Method::kPost) {
      req.headers.emplace_back("content-type", "application/x-www-form-urlencoded");
      req.headers.emplace_back("origin", "http://127.0.0.1");
      req.body = body;
    }
    web::Response res = app_.Dispatch(req);
    for (const auto& [name, value] : res.headers) {
      if (name != "Set-Cookie" && name != "set-cookie") continue;
      size_t eq = value.find('=');
      size_t semi = value.find(';');
      cookies_[value.substr(0, eq)] =
          value.substr(eq + 1, semi == std::string::npos ? semi : semi - eq - 1);
    }
    const std::string marker = "name=\"csrf\" value=\"";
    size_t at = res.body.find(marker);
    if (at != std::string::npos) {
      at += marker.size();
      csrf_ = res.body.substr(at, res.body.find('"', at) - at);
    }
    return res;
  }
  app::App& app_;
  std::map<std::string, std::string> cookies_;
  std::string csrf_;
};

std::string Enc(const std::string& s) {
  std::string out;
  for (unsigned char ch : s) {
    if (std::isalnum(ch) || ch == '-' || ch == '.' || ch == '_') {
      out += static_cast<char>(ch);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", ch);
      out += buf;
    }
  }
  return out;
}

void Login(app::App& app, Browser& b, const std::string& login, bool totp) {
  b.Get("/login");
  auto res = b.Post("/login", "csrf=" + Enc(b.csrf()) + "&login=" + Enc(login) +
                                  "&password=" + Enc(app::kDemoPassword));
  if (res.status != 303) Die("login " + login, Status::Internal(std::to_string(res.status)));
  if (!totp) return;
  b.Get("/login/totp");
  auto code = crypto::TotpCode(app::kDemoTotpSecret, app.clock().NowMillis() / 1000);
  if (!code.ok()) Die("totp", code.status());
  res = b.Post("/login/totp", "csrf=" + Enc(b.csrf()) + "&code=" + *code);
  if (res.status != 303) Die("totp " + login, Status::Internal(std::to_string(res.status)));
}

void Time(const std::string& label, int samples, const std::function<web::Response()>& fn) {
  web::Response first = fn();  // warm-up, and a check that it works
  if (first.status != 200) Die(label, Status::Internal("status " + std::to_string(first.status)));
  std::vector<double> ms;
  for (int i = 0; i < samples; ++i) {
    auto t0 = Clock::now();
    web::Response r = fn();
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    if (r.status != 200) Die(label, Status::Internal("status " + std::to_string(r.status)));
  }
  std::sort(ms.begin(), ms.end());
  std::printf("%-44s min %8.1f  median %8.1f  max %8.1f ms  (n=%d, %zu bytes)\n", label.c_str(),
              ms.front(), ms[ms.size() / 2], ms.back(), samples, first.body.size());
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  std::string url;
  int64_t reports = 1000000, placements = 2000000;
  int samples = 5;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "missing value for " << a << "\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--db") {
      url = next();
    } else if (a == "--reports") {
      reports = std::atoll(next().c_str());
    } else if (a == "--placements") {
      placements = std::atoll(next().c_str());
    } else if (a == "--samples") {
      samples = std::max(1, std::atoi(next().c_str()));
    } else {
      std::cerr << "usage: monitor_bench --db URL [--reports N] [--placements M] [--samples S]\n";
      return 2;
    }
  }
  if (url.empty()) {
    std::cerr << "monitor_bench: --db sqlite:PATH or a postgresql:// URL is required\n";
    return 2;
  }
  if (placements > int64_t{kStudents} * kYears) {
    std::cerr << "monitor_bench: at most " << kStudents * kYears << " placements\n";
    return 2;
  }
  spdlog::set_level(spdlog::level::warn);
  auto opened = db::Open(url);
  if (!opened.ok()) Die("open", opened.status());
  db::Database& db = **opened;
  if (auto s = db::Migrate(db); !s.ok()) Die("migrate", s);
  // The real time (a TOTP code is accepted once per step, so a rerun needs a
  // new step); the seeded school years 2021-2026 lie in the past.
  common::FakeClock clock(common::SystemClock::Instance().NowMillis());
  app::AppConfig config;
  config.data_dir = std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp";
  app::AppSecrets secrets{std::string(32, 'a'), {std::string(32, 'b'), std::string(32, 'c')}};
  app::App app(config, db, clock, secrets);
  if (auto seeded = app::SeedDemo(app); !seeded.ok()) Die("demo seed", seeded.status());
  if (Count(db, "SELECT COUNT(*) FROM cases") < reports) Seed(app, db, reports, placements);
  std::printf("# %lld reports, %lld placements, %lld schools in the database (%s)\n",
              static_cast<long long>(Count(db, "SELECT COUNT(*) FROM cases")),
              static_cast<long long>(Count(db, "SELECT COUNT(*) FROM placements")),
              static_cast<long long>(Count(db, "SELECT COUNT(*) FROM schools")),
              db.dialect() == db::Dialect::kSqlite ? "SQLite" : "PostgreSQL");
  Browser management(app);
  Login(app, management, "management@99dm.demo", false);
  Browser admin(app);
  Login(app, admin, "sysadmin@demo", true);
  Time("GET /monitor?periode=2024-2025 (one school)", samples,
       [&] { return management.Get("/monitor?periode=2024-2025"); });
  Time("GET /monitor?periode=2025-Q1", samples,
       [&] { return management.Get("/monitor?periode=2025-Q1"); });
  Time("GET /monitor/rapport?jaar=2024-2025", samples,
       [&] { return management.Get("/monitor/rapport?jaar=2024-2025"); });
  Time("GET /admin/monitor?jaar=2024-2025 (60 schools)", samples,
       [&] { return admin.Get("/admin/monitor?jaar=2024-2025"); });
  return 0;
}
