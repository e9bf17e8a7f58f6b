// The handler inbox with many cases (issue 4, "Performance": the inbox loads
// in under 50 ms with 10,000 cases).
//
//   build-bench/bench/inbox_bench [--cases N] [--samples S] [--dir DIR] [--seed-only]
//                                 [--seed-threads T] [--closed-percent P]
//                                 [--try-index | --try-partial-index]
//
// Builds the app in-process on SQLite (a file on disk under DIR, default a new
// directory in $TMPDIR or /tmp), runs the migrations and the demo seed, then
// submits N reports to school 99DM through meldpunt::Meldpunt::Submit (each
// validated, encrypted and committed like a real report; the clock is moved
// so they arrive over the past year). A quarter is then assigned to the lead
// and the statuses spread over received/intake/in behandeling with plain
// UPDATEs, so the page shows a realistic mix; by default all N stay open, the
// inbox's worst case for sorting. --closed-percent P closes the oldest P% at
// seeding time (a school some years in: most cases closed, which the inbox
// then skips). With --dir and an existing database holding the cases,
// seeding is skipped (rerun without waiting).
//
// It then logs in as the demo lead handler meldpunt@99dm.demo through
// app::App::Dispatch (password, TOTP, the `sp_key` cookie, like a browser) and
// times, S rounds after a warm-up (round-robin, so all see the same noise from
// other work on the machine), the service calls and the whole
// `GET /meldpunt` page (routing, session, StaffFor, Inbox, RetentionWarnings,
// rendering, headers), printing min / median / p90 / p99 / max in ms.
//
// --try-index adds, to this benchmark's database only, the index proposed in
// docs/performance.md ("Meldpunt") for the inbox's ORDER BY, to show what a
// migration adding it would give. It is not part of the schema.
// --try-partial-index: the same over open cases only (WHERE status <> 'closed').
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "app/app.h"
#include "app/demo.h"
#include "crypto/totp.h"
#include "db/database.h"
#include "db/migrate.h"

namespace {

using Clock = std::chrono::steady_clock;
constexpr int64_t kDayMs = 24LL * 60 * 60 * 1000;

[[noreturn]] void Die(const std::string& what, const common::Status& s) {
  std::cerr << "inbox_bench: " << what << ": " << s.ToString() << "\n";
  std::exit(1);
}

struct Stats {
  double min, median, p90, p99, max, mean;
};

Stats Summarize(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  auto at = [&](double q) {
    size_t i = static_cast<size_t>(q * static_cast<double>(v.size() - 1) + 0.5);
    return v[std::min(i, v.size() - 1)];
  };
  double sum = 0;
  for (double x : v) sum += x;
  return {v.front(), at(0.5), at(0.9), at(0.99), v.back(), sum / static_cast<double>(v.size())};
}

// Timed calls, run round-robin (one call of each per round, after a warm-up
// round or more) so that all of them see the same noise from other work on
// the machine; then min / median / p90 / p99 / max per call.
struct Target {
  std::string label;
  std::function<void()> fn;
  std::vector<double> ms;
};

void RunInterleaved(std::vector<Target>& targets, int samples) {
  for (int i = 0; i < std::max(3, samples / 20); ++i)
    for (auto& t : targets) t.fn();
  for (int i = 0; i < samples; ++i) {
    for (auto& t : targets) {
      auto t0 = Clock::now();
      t.fn();
      t.ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    }
  }
  std::printf("%-58s %8s %8s %8s %8s %8s\n", "ms per call", "min", "median", "p90", "p99", "max");
  for (auto& t : targets) {
    Stats s = Summarize(t.ms);
    std::printf("%-58s %8.3f %8.3f %8.3f %8.3f %8.3f   (n=%d)\n", t.label.c_str(), s.min, s.median,
                s.p90, s.p99, s.max, samples);
  }
  std::fflush(stdout);
}

// A cookie jar and a request builder for App::Dispatch.
class Browser {
 public:
  explicit Browser(app::App& app) : app_(app) {}

  web::Response Get(const std::string& target) { return Send(web::Method::kGet, target, ""); }
  web::Response PostForm(const std::string& target, const std::string& body) {
    return Send(web::Method::kPost, target, body);
  }
  const std::string& csrf() const { return csrf_; }
  std::string CookieHeader() const {
    std::string all;
    for (const auto& [k, v] : cookies_) all += (all.empty() ? "" : "; ") + k + "=" + v;
    return all;
  }
  bool HasCookie(const std::string& name) const { return cookies_.count(name) != 0; }

  web::Request MakeRequest(web::Method method, const std::string& target,
                           const std::string& body) const {
    web::Request req;
    req.method = method;
    req.target = target;
    size_t q = target.find('?');
    req.path = target.substr(0, q);
    req.query = q == std::string::npos ? "" : target.substr(q + 1);
    req.remote_ip = "127.0.0.1";
    req.headers.emplace_back("host", "127.0.0.1");
    if (!cookies_.empty()) req.headers.emplace_back("cookie", CookieHeader());
    if (method == web::Method::kPost) {
      req.headers.emplace_back("content-type", "application/x-www-form-urlencoded");
      req.headers.emplace_back("origin", "http://127.0.0.1");
      req.body = body;
    }
    return req;
  }

 private:
  web::Response Send(web::Method method, const std::string& target, const std::string& body) {
    web::Request req = MakeRequest(method, target, body);
    web::Response res = app_.Dispatch(req);
    for (const auto& [name, value] : res.headers) {
      if (name != "Set-Cookie" && name != "set-cookie") continue;
      size_t eq = value.find('=');
      size_t semi = value.find(';');
      std::string k = value.substr(0, eq);
      std::string v = value.substr(eq + 1, semi == std::string::npos ? semi : semi - eq - 1);
      if (value.find("Max-Age=0") != std::string::npos) {
        cookies_.erase(k);
      } else {
        cookies_[k] = v;
      }
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
  char buf[4];
  for (unsigned char ch : s) {
    if (std::isalnum(ch) || ch == '-' || ch == '.' || ch == '_') {
      out += static_cast<char>(ch);
    } else {
      std::snprintf(buf, sizeof buf, "%%%02X", ch);
      out += buf;
    }
  }
  return out;
}

int64_t ClosedCount(int cases, int percent) {
  return static_cast<int64_t>(cases) * percent / 100;
}

int64_t CountCases(db::Database& db, const std::string& school_id) {
  int64_t n = 0;
  auto s = db.Read([&](db::Connection& c) -> common::Status {
    SP_ASSIGN_OR_RETURN(db::Row r,
                        c.QueryOne("SELECT COUNT(*) FROM cases WHERE school_id = $1", {school_id}));
    n = r.Int(0);
    return common::Status::Ok();
  });
  if (!s.ok()) Die("count cases", s);
  return n;
}

const char* kSentences[] = {
    "Ik kreeg geen reactie op mijn sollicitatie, terwijl mijn klasgenoot wel werd uitgenodigd.",
    "Na het zien van mijn naam zei het bedrijf dat de plek al vergeven was.",
    "Tijdens het gesprek werd gevraagd of ik een hoofddoek zou blijven dragen.",
    "Op mijn stage kreeg ik andere taken dan de andere stagiairs.",
    "Collega's maakten opmerkingen over mijn afkomst tijdens de lunch.",
};

}  // namespace

int main(int argc, char** argv) {
  int cases = 10000;
  int samples = 200;
  int seed_threads = 2;
  std::string dir;
  bool seed_only = false;
  bool try_index = false;
  bool partial_index = false;
  int closed_percent = 0;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "missing value for " << a << "\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--cases") {
      cases = std::atoi(next().c_str());
    } else if (a == "--samples") {
      samples = std::max(1, std::atoi(next().c_str()));
    } else if (a == "--dir") {
      dir = next();
    } else if (a == "--seed-threads") {
      seed_threads = std::max(1, std::atoi(next().c_str()));
    } else if (a == "--seed-only") {
      seed_only = true;
    } else if (a == "--try-index") {
      try_index = true;
    } else if (a == "--try-partial-index") {
      try_index = partial_index = true;
    } else if (a == "--closed-percent") {
      closed_percent = std::clamp(std::atoi(next().c_str()), 0, 100);
    } else {
      std::cerr << "usage: inbox_bench [--cases N] [--samples S] [--dir DIR] [--seed-threads T] "
                   "[--seed-only] [--try-index | --try-partial-index] [--closed-percent P]\n";
      return 2;
    }
  }
  spdlog::set_level(spdlog::level::warn);  // Dispatch logs every request at info
  bool temp_dir = dir.empty();
  if (temp_dir) {
    const char* tmp = std::getenv("TMPDIR");
    std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/stagepunt-inbox-XXXXXX";
    if (!mkdtemp(tmpl.data())) {
      std::perror("mkdtemp");
      return 1;
    }
    dir = tmpl;
  }
  std::filesystem::create_directories(dir);
  std::string db_path = dir + "/inbox.db";
  bool existed = std::filesystem::exists(db_path);

  auto opened = db::Open("sqlite:" + db_path);
  if (!opened.ok()) Die("open", opened.status());
  db::Database& db = **opened;
  if (auto s = db::Migrate(db); !s.ok()) Die("migrate", s);

  const int64_t real_now = common::SystemClock::Instance().NowMillis();
  common::FakeClock clock(real_now);
  app::AppConfig config;
  config.data_dir = dir;
  config.report_rate_limit_per_minute = 0;
  config.report_client_limit_per_minute = 0;
  app::AppSecrets secrets{std::string(32, 'a'), {std::string(32, 'b'), std::string(32, 'c')}};
  app::App app(config, db, clock, secrets);
  app.LoadAssets(STAGEPUNT_BENCH_ASSETS);
  if (auto seeded = app::SeedDemo(app); !seeded.ok()) Die("demo seed", seeded.status());

  auto school = app.accounts().SchoolByBrin("99DM");
  if (!school.ok()) Die("school 99DM", school.status());
  auto lead = app.accounts().UserByLogin("meldpunt@99dm.demo");
  if (!lead.ok()) Die("lead handler", lead.status());

  int64_t have = CountCases(db, school->id);
  std::printf("# database %s (%s), %lld cases at 99DM before seeding\n", db_path.c_str(),
              existed ? "reused" : "new", static_cast<long long>(have));
  if (have < cases) {
    // Register entries of the school, so two thirds of the reports name a company in it.
    std::vector<std::string> register_ids;
    (void)db.Read([&](db::Connection& c) -> common::Status {
      SP_ASSIGN_OR_RETURN(db::Rows rows,
                          c.Query("SELECT co.leerbedrijf_id FROM companies co JOIN "
                                  "school_companies sc ON sc.company_id = co.id WHERE "
                                  "sc.school_id = $1 AND co.leerbedrijf_id <> ''",
                                  {school->id}));
      for (const db::Row& r : rows.rows) register_ids.push_back(r.Text(0));
      return common::Status::Ok();
    });
    int todo = static_cast<int>(cases - have);
    // Reports arrive evenly over the past 365 days, oldest first.
    const int64_t start = real_now - 365 * kDayMs;
    const int64_t step = 365 * kDayMs / std::max(todo, 1);
    std::atomic<int> next{0};
    std::atomic<bool> failed{false};
    auto t0 = Clock::now();
    auto worker = [&]() {
      for (int i = next++; i < todo && !failed; i = next++) {
        domain::ReportDraft d;
        d.mode = i % 3 == 0 ? domain::ReportMode::kConfidential : domain::ReportMode::kAnonymous;
        d.phase = i % 2 == 0 ? domain::Phase::kSearch : domain::Phase::kInternship;
        const auto& grounds = domain::AllGrounds();
        d.grounds = {grounds[static_cast<size_t>(i) % grounds.size()]};
        if (i % 4 == 0) d.grounds.push_back(grounds[static_cast<size_t>(i / 4) % grounds.size()]);
        d.narrative = "Melding " + std::to_string(i) + ": ";
        for (int k = 0; k < 3; ++k) d.narrative += std::string(kSentences[(i + k) % 5]) + " ";
        if (i % 3 != 2 && !register_ids.empty()) {
          d.company.leerbedrijf_id = register_ids[static_cast<size_t>(i) % register_ids.size()];
        } else {
          d.company.name = "Bedrijf " + std::to_string(i % 200) + " B.V.";
        }
        d.wishes = {domain::AllWishes()[static_cast<size_t>(i) % domain::AllWishes().size()]};
        if (d.mode == domain::ReportMode::kConfidential) {
          d.reporter = domain::ReporterIdentity{"Student " + std::to_string(i),
                                                std::to_string(100000 + i),
                                                "s" + std::to_string(i) + "@student.example"};
        }
        clock.Set(start + step * i);
        auto r = app.meldpunt().Submit(*school, d, std::nullopt);
        if (!r.ok()) {
          failed = true;
          Die("submit " + std::to_string(i), r.status());
        }
      }
    };
    std::vector<std::thread> pool;
    for (int t = 0; t < seed_threads; ++t) pool.emplace_back(worker);
    for (auto& t : pool) t.join();
    double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    // A realistic mix for the page: statuses and assignment (categorical only).
    auto s = db.Write([&](db::Connection& c) -> common::Status {
      SP_RETURN_IF_ERROR(
          c.Execute("UPDATE cases SET status = 'intake', first_contact_at = received_at + 86400000 "
                    "WHERE school_id = $1 AND abs(random()) % 3 = 1 AND status = 'received'",
                    {school->id})
              .status());
      SP_RETURN_IF_ERROR(
          c.Execute("UPDATE cases SET status = 'in_progress', first_contact_at = received_at + "
                    "86400000 WHERE school_id = $1 AND abs(random()) % 3 = 1 AND status = "
                    "'received'",
                    {school->id})
              .status());
      SP_RETURN_IF_ERROR(c.Execute("UPDATE cases SET assigned_to = $2 WHERE school_id = $1 AND "
                                   "abs(random()) % 4 = 0",
                                   {school->id, lead->id})
                             .status());
      if (closed_percent == 0) return common::Status::Ok();
      // The oldest P% closed a month after they came in, kept for 24 months.
      return c.Execute(
                  "UPDATE cases SET status = 'closed', outcome = 'resolved_with_company', "
                  "closed_at = received_at + 30 * 86400000, feedback_given_at = received_at + 30 * "
                  "86400000, first_contact_at = COALESCE(first_contact_at, received_at + "
                  "86400000), retention_due = date(received_at / 1000 + 30 * 86400, 'unixepoch', "
                  "'+24 months') WHERE id IN (SELECT id FROM cases WHERE school_id = $1 ORDER BY "
                  "received_at LIMIT $2)",
                  {school->id, static_cast<int64_t>(ClosedCount(cases, closed_percent))})
          .status();
    });
    if (!s.ok()) Die("status mix", s);
    std::printf("# seeded %d reports through Meldpunt::Submit in %.1f s (%.0f/s, %d threads)\n",
                todo, secs, todo / secs, seed_threads);
  }
  clock.Set(real_now);
  int64_t total = CountCases(db, school->id);
  std::printf("# %lld cases at 99DM", static_cast<long long>(total));
  (void)db.Read([&](db::Connection& c) -> common::Status {
    SP_ASSIGN_OR_RETURN(db::Rows rows,
                        c.Query("SELECT status, COUNT(*) FROM cases WHERE school_id = $1 GROUP BY "
                                "status ORDER BY status",
                                {school->id}));
    for (const db::Row& r : rows.rows)
      std::printf(", %s %lld", r.Text(0).c_str(), static_cast<long long>(r.Int(1)));
    return common::Status::Ok();
  });
  std::printf("\n");
  if (seed_only) return 0;
  {
    // Drop the trial index (a reused --dir may hold it), add it if asked. Then
    // fresh planner statistics either way, as `PRAGMA optimize` leaves them
    // when the server closes the database: without them SQLite's guesses
    // for the new index also change the plan of RetentionWarnings' query.
    std::string sql = "DROP INDEX IF EXISTS bench_cases_school_received; ";
    if (try_index) {
      sql += "CREATE INDEX bench_cases_school_received ON cases(school_id, received_at)";
      if (partial_index) sql += " WHERE status <> 'closed'";
      std::printf("# %s\n", sql.substr(sql.find("CREATE")).c_str());
      sql += "; ";
    }
    sql += "ANALYZE";
    auto s = db.Write([&](db::Connection& c) { return c.ExecuteScript(sql); });
    if (!s.ok()) Die("--try-index", s);
  }

  // Log in as the lead handler like a browser: password, then TOTP. A code
  // is accepted once (replay protection): after an earlier run with this
  // --dir in the same 30 s step, the clock moves on to the next step.
  (void)db.Read([&](db::Connection& c) -> common::Status {
    SP_ASSIGN_OR_RETURN(db::Row r, c.QueryOne("SELECT COALESCE(totp_last_step, 0) FROM users "
                                              "WHERE id = $1",
                                              {lead->id}));
    int64_t last_step = r.Int(0);
    if (crypto::TotpStep(clock.NowMillis() / 1000) <= last_step)
      clock.Set((last_step + 1) * 30 * 1000 + 1000);
    return common::Status::Ok();
  });
  Browser b(app);
  b.Get("/login");
  auto res = b.PostForm("/login", "csrf=" + Enc(b.csrf()) + "&login=" + Enc(lead->login) +
                                      "&password=" + Enc(app::kDemoPassword));
  if (res.status != 303) {
    std::cerr << "login: status " << res.status << "\n";
    return 1;
  }
  b.Get("/login/totp");
  auto code = crypto::TotpCode(app::kDemoTotpSecret, clock.NowMillis() / 1000);
  if (!code.ok()) Die("totp", code.status());
  res = b.PostForm("/login/totp", "csrf=" + Enc(b.csrf()) + "&code=" + *code);
  if (res.status != 303 || !b.HasCookie("sid") || !b.HasCookie(app::kKeyCookie)) {
    std::cerr << "totp: status " << res.status << ", cookies: " << b.CookieHeader() << "\n";
    return 1;
  }

  auto page = [&](const std::string& target) {
    web::Request req = b.MakeRequest(web::Method::kGet, target, "");
    web::Response r = app.Dispatch(req);
    if (r.status != 200) {
      std::cerr << target << ": status " << r.status << "\n";
      std::exit(1);
    }
    return r;
  };
  web::Response first = page("/meldpunt");
  size_t rows = 0;
  for (size_t at = first.body.find("/meldpunt/zaken/"); at != std::string::npos;
       at = first.body.find("/meldpunt/zaken/", at + 1))
    ++rows;
  std::printf("# GET /meldpunt: %zu bytes, %zu case links\n", first.body.size(), rows);

  auto staff = app.meldpunt().StaffFor(*lead, b.MakeRequest(web::Method::kGet, "/", "")
                                                  .Cookie(app::kKeyCookie)
                                                  .value_or(""));
  if (!staff.ok() || !staff->key || !staff->lead) {
    std::cerr << "StaffFor: no lead key\n";
    return 1;
  }
  meldpunt::InboxFilter page_filter;  // what GET /meldpunt asks for
  meldpunt::InboxFilter all_open;
  all_open.limit = 10000;
  size_t n_page = app.meldpunt().Inbox(*staff, page_filter)->size();
  size_t n_all = app.meldpunt().Inbox(*staff, all_open)->size();
  meldpunt::InboxFilter overdue;
  overdue.deadline = "overdue";
  size_t n_overdue = app.meldpunt().Inbox(*staff, overdue)->size();
  meldpunt::InboxFilter overdue_all = overdue;
  overdue_all.limit = 10000;
  size_t n_overdue_all = app.meldpunt().Inbox(*staff, overdue_all)->size();
  std::printf("# Inbox rows: default filter %zu, limit 10000 %zu; deadline=overdue %zu "
              "(with limit 10000: %zu)\n",
              n_page, n_all, n_overdue, n_overdue_all);

  // The plan SQLite picks for the inbox query (the SQL as cases.cc builds it).
  (void)db.Read([&](db::Connection& c) -> common::Status {
    SP_ASSIGN_OR_RETURN(
        db::Rows plan,
        c.Query("EXPLAIN QUERY PLAN SELECT c.id FROM cases c LEFT JOIN users u ON u.id = "
                "c.assigned_to LEFT JOIN companies co ON co.id = c.company_id WHERE c.school_id = "
                "$1 AND c.status <> 'closed' ORDER BY c.received_at DESC LIMIT 200",
                {school->id}));
    for (const db::Row& r : plan.rows) std::printf("# plan: %s\n", r.Text(3).c_str());
    return common::Status::Ok();
  });

  std::string key_cookie =
      b.MakeRequest(web::Method::kGet, "/", "").Cookie(app::kKeyCookie).value_or("");
  std::vector<Target> targets = {
      {"GET /meldpunt (App::Dispatch, lead with key)", [&] { page("/meldpunt"); }, {}},
      {"GET /meldpunt?deadline=overdue", [&] { page("/meldpunt?deadline=overdue"); }, {}},
      {"GET /meldpunt?ground=religion", [&] { page("/meldpunt?ground=religion"); }, {}},
      {"GET /meldpunt?phase=internship&status=intake",
       [&] { page("/meldpunt?phase=internship&status=intake"); }, {}},
      {"Meldpunt::StaffFor (lead flag, unwrap key)",
       [&] { (void)app.meldpunt().StaffFor(*lead, key_cookie); }, {}},
      {"Meldpunt::Inbox (page filter: open, newest 200)",
       [&] { (void)app.meldpunt().Inbox(*staff, page_filter); }, {}},
      {"Meldpunt::Inbox (all open cases, limit 10000)",
       [&] { (void)app.meldpunt().Inbox(*staff, all_open); }, {}},
      {"Meldpunt::RetentionWarnings",
       [&] { (void)app.meldpunt().RetentionWarnings(school->id); }, {}},
      {"GET /dashboard (same session, for comparison)", [&] { page("/dashboard"); }, {}},
  };
  RunInterleaved(targets, samples);

  if (temp_dir) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  return 0;
}
