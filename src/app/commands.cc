#include "app/exit_codes.h"
#include "app/commands.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <sys/stat.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <thread>
#include <vector>

#include "app/app.h"
#include "app/demo.h"
#include "app/import_command.h"
#include "db/migrate.h"
#include "keys/keystore.h"

#ifndef STAGEPUNT_DEFAULT_ASSETS
#define STAGEPUNT_DEFAULT_ASSETS "frontend/dist"
#endif

namespace app {

namespace {


struct Common {
  std::string db_url = "sqlite:var/stagepunt.db";
  std::string data_dir = "var";
};

// Opens and migrates the database (migration is allowed for every command).
common::StatusOr<std::unique_ptr<db::Database>> OpenDb(const std::string& url) {
  auto db = db::Open(url);
  if (!db.ok()) return db.status();
  common::Status m = db::Migrate(**db);
  if (!m.ok()) {
    if (m.code() == common::StatusCode::kInvalidArgument) return m;
    return common::Status::Unavailable("migration failed: " + m.ToString());
  }
  return db;
}

struct Runtime {
  std::unique_ptr<db::Database> db;
  std::unique_ptr<App> app;
};

common::StatusOr<Runtime> MakeRuntime(const Common& c, AppConfig config) {
  Runtime rt;
  SP_ASSIGN_OR_RETURN(rt.db, OpenDb(c.db_url));
  SP_ASSIGN_OR_RETURN(keys::KeyStore keys, keys::KeyStore::Open(c.data_dir));
  AppSecrets secrets;
  SP_ASSIGN_OR_RETURN(secrets.audit_key, keys.GetOrCreate("audit"));
  SP_ASSIGN_OR_RETURN(secrets.meldpunt.receipt_pepper, keys.GetOrCreate("receipt-pepper"));
  SP_ASSIGN_OR_RETURN(secrets.meldpunt.reporter_kdf_key, keys.GetOrCreate("reporter-key"));
  config.data_dir = c.data_dir;
  rt.app = std::make_unique<App>(std::move(config), *rt.db, common::SystemClock::Instance(),
                                 std::move(secrets));
  return rt;
}

// Opens the database and services, runs `body`, and sets the exit code.
void WithRuntime(const Common& c, int& exit_code, const std::function<int(Runtime&)>& body) {
  auto rt = MakeRuntime(c, {});
  exit_code = rt.ok() ? body(*rt) : Fail(rt.status());
}

void AddCommon(CLI::App* cmd, Common& c, bool with_data_dir = true) {
  cmd->add_option("--db", c.db_url, "sqlite:PATH or a postgresql:// URI")->capture_default_str();
  if (with_data_dir)
    cmd->add_option("--data-dir", c.data_dir, "Directory for keys and files")
        ->capture_default_str();
}

// The server's defences against one client or many uploads (see web/server.h).
struct ServeLimits {
  std::vector<std::string> trusted_proxies;
  size_t max_connections_per_client = web::ServerOptions{}.max_connections_per_client;
  uint64_t max_body_mib_in_flight = web::ServerOptions{}.max_body_bytes_in_flight >> 20;
};

// How mail leaves (mail/sender.h); secrets only as file paths.
struct MailFlags {
  std::string smtp_url;       // smtp[s]://user@host:port; empty: DATA_DIR/outbox/<id>.eml
  std::string password_file;  // the SMTP password, in a file
  std::string mail_from = "stagepunt@localhost";
  std::string public_url;  // links in mails; empty: http://LISTEN
};

void AddMailFlags(CLI::App* cmd, MailFlags& m, bool with_public_url) {
  cmd->add_option("--smtp-url", m.smtp_url,
                  "smtp://user@host:587 (STARTTLS when offered; add ?tls=required to insist) or "
                  "smtps://user@host:465; without it mails are written to DATA_DIR/outbox/*.eml");
  cmd->add_option("--smtp-password-file", m.password_file,
                  "File holding the SMTP password (for the URL's user)");
  cmd->add_option("--mail-from", m.mail_from, "Sender address of mails (MAIL FROM and From:)")
      ->capture_default_str();
  if (with_public_url) {
    cmd->add_option("--public-url", m.public_url,
                    "The app's address as users reach it, for links in mails (default: "
                    "http://LISTEN)");
  }
}

// Fills the mail part of `config` from the flags; reads the password file.
common::Status ApplyMailFlags(const MailFlags& m, const std::string& listen, AppConfig& config) {
  config.public_url = m.public_url.empty() ? "http://" + listen : m.public_url;
  while (!config.public_url.empty() && config.public_url.back() == '/')
    config.public_url.pop_back();
  config.mail.smtp_url = m.smtp_url;
  config.mail.mail_from = m.mail_from;
  if (!m.password_file.empty()) {
    std::ifstream in(m.password_file);
    if (!in) return common::Status::InvalidArgument("cannot read the file", "--smtp-password-file");
    std::getline(in, config.mail.smtp_password);
    while (!config.mail.smtp_password.empty() && config.mail.smtp_password.back() == '\r')
      config.mail.smtp_password.pop_back();
  }
  return common::Status::Ok();
}

int Serve(const Common& c, const std::string& listen, const std::string& assets, bool tls,
          int report_rate_limit, int report_client_limit, int64_t reporter_upload_mb,
          int signal_threshold, const ServeLimits& limits, const MailFlags& mail_flags,
          const std::string& hosting_location) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos)
    return Fail(common::Status::InvalidArgument("use HOST:PORT", "--listen"));
  web::ServerOptions options;
  options.host = listen.substr(0, colon);
  try {
    int port = std::stoi(listen.substr(colon + 1));
    if (port < 0 || port > 65535) throw std::out_of_range("port");
    options.port = static_cast<uint16_t>(port);
  } catch (const std::exception&) {
    return Fail(common::Status::InvalidArgument("port must be 0..65535", "--listen"));
  }
  options.tls_in_front = tls;
  options.trusted_proxies = limits.trusted_proxies;
  options.max_connections_per_client = limits.max_connections_per_client;
  if (limits.max_body_mib_in_flight == 0 || limits.max_body_mib_in_flight > (1u << 20)) {
    return Fail(common::Status::InvalidArgument("use 1..1048576 (MiB)",
                                                "--max-body-in-flight-mib"));
  }
  options.max_body_bytes_in_flight = limits.max_body_mib_in_flight << 20;
  // Spool files are unnamed and encrypted; the directory only says where
  // their blocks live. Only we may look into it.
  options.spool_dir = c.data_dir + "/spool";
  std::error_code dir_error;
  std::filesystem::create_directories(options.spool_dir, dir_error);
  if (dir_error || ::chmod(options.spool_dir.c_str(), 0700) != 0) {
    return Fail(common::Status::Unavailable("cannot create " + options.spool_dir));
  }
  AppConfig config;
  config.tls = tls;
  config.assets_dir = assets;
  config.report_rate_limit_per_minute = report_rate_limit;
  config.report_client_limit_per_minute = report_client_limit;
  config.reporter_upload_mb_per_school_day = reporter_upload_mb;
  config.signal_alert_threshold = signal_threshold;
  config.hosting_location = hosting_location;
  if (auto m = ApplyMailFlags(mail_flags, listen, config); !m.ok()) return Fail(m);
  auto rt = MakeRuntime(c, config);
  if (!rt.ok()) return Fail(rt.status());
  if (!rt->app->LoadAssets(assets)) {
    return Fail(common::Status::InvalidArgument(
        "no built assets in " + assets + " (run `npm ci && npm run build`, or pass --assets)",
        "--assets"));
  }
  // Block the stop signals in every thread; this one waits for them below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  web::Server server(options, rt->app->Hooks());
  if (auto s = server.Start(); !s.ok()) return Fail(s);
  std::cout << "Stagepunt luistert op / listens on http://" << options.host << ":" << server.port()
            << "/" << std::endl;
  spdlog::info("serving on {}:{}", options.host, server.port());

  std::atomic<bool> stop{false};
  // Every 10 s the mail sender; every 6th round (a minute) the other jobs.
  std::thread housekeeping([&] {
    for (int round = 0; !stop.load(); ++round) {
      if (round % 6 == 0) {
        auto purged = rt->app->sessions().Purge();
        if (purged.ok() && *purged > 0) spdlog::info("purged {} expired sessions", *purged);
        rt->app->RunScheduledJobs();
      }
      auto mail = rt->app->SendQueuedMail();
      if (!mail.ok()) {
        spdlog::warn("mail sender failed: {}", mail.status().ToString());
      } else if (mail->sent + mail->retried + mail->failed > 0) {
        spdlog::info("mail: {} sent, {} to retry, {} given up", mail->sent, mail->retried,
                     mail->failed);
      }
      for (int i = 0; i < 100 && !stop.load(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  int sig = 0;
  sigwait(&signals, &sig);
  spdlog::info("signal {}: stopping gracefully", sig);
  server.Stop();
  stop = true;
  housekeeping.join();
  return kOk;
}

void PrintDemoLogins(const std::vector<DemoLogin>& logins) {
  std::cout << "Demo-logins (wachtwoord / password: " << kDemoPassword << "):\n";
  for (const auto& l : logins) {
    std::cout << fmt::format("  {:<28} {:<12}{}\n", l.login, l.role, l.needs_totp ? " + TOTP" : "");
  }
  std::cout << "TOTP-sleutel / secret voor demo-accounts met TOTP: " << kDemoTotpSecret
            << " (oathtool --totp -b " << kDemoTotpSecret << ")\n";
}

}  // namespace

void RegisterCommands(CLI::App& cli, int& exit_code) {
  static Common common_opts;
  static std::string listen = "127.0.0.1:8080";
  static std::string assets = STAGEPUNT_DEFAULT_ASSETS;
  static bool tls = false;
  static int report_rate_limit = AppConfig{}.report_rate_limit_per_minute;
  static int report_client_limit = AppConfig{}.report_client_limit_per_minute;
  static int64_t reporter_upload_mb = AppConfig{}.reporter_upload_mb_per_school_day;
  static int signal_threshold = domain::kMinCrossSchoolThreshold;
  static ServeLimits limits;
  static MailFlags mail_flags;
  static std::string hosting_location;

  auto* serve = cli.add_subcommand("serve", "Run the web app and the JSON API");
  AddCommon(serve, common_opts);
  serve->add_option("--listen", listen, "HOST:PORT to listen on")->capture_default_str();
  serve->add_option("--assets", assets, "Built front-end assets (frontend/dist)")
      ->capture_default_str();
  serve->add_flag("--tls-in-front", tls, "TLS terminates at a proxy: Secure cookies and HSTS");
  // --report-rate-limit is the one throttle knob the API promises (0: off):
  // given alone it sets the per-client limit as well, so "0" or a high N
  // lifts every limit on anonymous reports for checks and load tests.
  CLI::Option* rate =
      serve
          ->add_option("--report-rate-limit", report_rate_limit,
                       "Ceiling of reports without an account per school per minute, over all "
                       "clients (0: no ceiling); alone, also the per-client limit")
          ->capture_default_str();
  CLI::Option* per_client =
      serve
          ->add_option("--report-client-limit", report_client_limit,
                       "Reports without an account per client per minute (0: no limit)")
          ->capture_default_str();
  serve
      ->add_option("--reporter-upload-quota-mb", reporter_upload_mb,
                   "MB of attachments reporters may add per school per day (0: no limit)")
      ->capture_default_str();
  serve
      ->add_option("--signal-threshold", signal_threshold,
                   "Cases across schools from which a company shows a signal to meldpunt leads "
                   "(at least 5)")
      ->check(CLI::Range(domain::kMinCrossSchoolThreshold, 1000))
      ->capture_default_str();
  serve
      ->add_option("--trusted-proxy", limits.trusted_proxies,
                   "Address of a reverse proxy in front (repeatable): its X-Real-IP names the "
                   "client, and it is exempt from the per-client connection limit")
      ->take_all();
  serve
      ->add_option("--max-connections-per-client", limits.max_connections_per_client,
                   "Open connections per client address (0: no limit)")
      ->capture_default_str();
  serve
      ->add_option("--max-body-in-flight-mib", limits.max_body_mib_in_flight,
                   "Request bodies being received or handled, all together (MiB); 503 past it")
      ->capture_default_str();
  AddMailFlags(serve, mail_flags, true);
  serve->add_option("--hosting-location", hosting_location,
                    "Where the servers and the database are, as the privacy page says it, e.g. "
                    "\"Nederland (EU)\" (default: de EU)");
  serve->callback([&, rate, per_client] {
    if (rate->count() > 0 && per_client->count() == 0) report_client_limit = report_rate_limit;
    exit_code = Serve(common_opts, listen, assets, tls, report_rate_limit, report_client_limit,
                      reporter_upload_mb, signal_threshold, limits, mail_flags, hosting_location);
  });

  auto* migrate = cli.add_subcommand("migrate", "Bring the schema up to date");
  AddCommon(migrate, common_opts, false);
  migrate->callback([&] {
    auto db = OpenDb(common_opts.db_url);
    if (!db.ok()) {
      exit_code = Fail(db.status());
      return;
    }
    auto v = db::SchemaVersion(**db);
    std::cout << "schema version " << (v.ok() ? *v : -1) << "\n";
    exit_code = kOk;
  });

  auto* demo = cli.add_subcommand("demo", "Seed the demo data (idempotent)");
  AddCommon(demo, common_opts);
  demo->callback([&] {
    WithRuntime(common_opts, exit_code, [&](Runtime& rt) -> int {
      auto logins = SeedDemo(*rt.app);
      if (!logins.ok()) {
        return Fail(logins.status());
      }
      PrintDemoLogins(*logins);
      return kOk;
    });
  });

  auto* token = cli.add_subcommand("token", "API tokens");
  token->require_subcommand(1);
  auto* token_create = token->add_subcommand("create", "Print a new API token for a user");
  static std::string token_user;
  static int token_days = 90;
  AddCommon(token_create, common_opts);
  token_create->add_option("--user", token_user, "Login of the user")->required();
  token_create->add_option("--days", token_days, "Days until it expires")->capture_default_str();
  token_create->callback([&] {
    WithRuntime(common_opts, exit_code, [&](Runtime& rt) -> int {
      auto user = rt.app->accounts().UserByLogin(token_user);
      if (!user.ok()) {
        return Fail(common::Status::InvalidArgument("no such user: " + token_user, "--user"));
      }
      auto t = rt.app->api_tokens().Create(user->id, token_days);
      if (!t.ok()) {
        return Fail(t.status());
      }
      (void)rt.app->audit().Append(
          *rt.db, {user->school_id, "system", "token.create", "user", user->id, "ok"});
      std::cout << *t << "\n";
      return kOk;
    });
  });

  // Retention (docs/retention.md): `run` shreds closed cases and removes every
  // record past its school's period (one school with --brin); `preview`
  // counts what the next run removes at one school. Counts only, never content.
  auto* retention = cli.add_subcommand("retention", "Retention: remove records past their period");
  retention->require_subcommand(1);
  static std::string retention_brin;
  auto print_counts = [](const retention::RunCounts& n) {
    for (const auto& [table, count] : n.removed) std::cout << table << " " << count << "\n";
    for (const auto& [table, count] : n.erased) {
      std::cout << table << " " << count << " (erased persons)\n";
    }
  };
  auto school_of = [](Runtime& rt) -> common::StatusOr<std::string> {
    auto sc = rt.app->accounts().SchoolByBrin(retention_brin);
    if (!sc.ok()) return common::Status::InvalidArgument("no such school: " + retention_brin, "--brin");
    return sc->id;
  };
  auto* retention_run = retention->add_subcommand(
      "run", "Shred closed cases, then remove every record past its school's retention period");
  AddCommon(retention_run, common_opts);
  retention_run->add_option("--brin", retention_brin, "Only this school (default: all)");
  retention_run->callback([&, print_counts, school_of] {
    WithRuntime(common_opts, exit_code, [&](Runtime& rt) -> int {
      retention::Runner runner = rt.app->RetentionRunner();
      common::StatusOr<retention::RunCounts> run = retention::RunCounts{};
      if (retention_brin.empty()) {
        auto result = rt.app->meldpunt().RunRetention();
        if (!result.ok()) return Fail(result.status());
        std::cout << "shredded " << result->shredded << " cases; " << result->warned
                  << " more due within 30 days\n";
        run = runner.RunAll();
      } else {
        auto id = school_of(rt);
        if (!id.ok()) return Fail(id.status());
        run = runner.RunSchool(*id);
      }
      if (!run.ok()) return Fail(run.status());
      print_counts(*run);
      if (run->failed > 0) {
        std::cerr << run->failed << " passes failed; the next run tries them again\n";
        return kInternal;
      }
      return kOk;
    });
  });
  auto* retention_preview =
      retention->add_subcommand("preview", "Count what the next run removes at one school");
  AddCommon(retention_preview, common_opts);
  retention_preview->add_option("--brin", retention_brin, "The school")->required();
  retention_preview->callback([&, print_counts, school_of] {
    WithRuntime(common_opts, exit_code, [&](Runtime& rt) -> int {
      auto id = school_of(rt);
      if (!id.ok()) return Fail(id.status());
      auto run = rt.app->RetentionRunner().Preview(*id);
      if (!run.ok()) return Fail(run.status());
      print_counts(*run);
      return kOk;
    });
  });

  auto* school = cli.add_subcommand("school", "School administration");
  school->require_subcommand(1);
  static std::string brin, school_name, set_domains;
  static std::vector<std::string> login_domains;
  auto* school_create = school->add_subcommand("create", "Add a school");
  AddCommon(school_create, common_opts);
  school_create->add_option("--brin", brin, "BRIN code, e.g. 25LP")->required();
  school_create->add_option("--name", school_name, "Name of the school")->required();
  school_create->add_option("--login-domain", login_domains,
                            "Login domain of the school (repeatable), e.g. roc-voorbeeld.nl: "
                            "its school admin creates logins only in these domains");
  school_create->callback([&] {
    WithRuntime(common_opts, exit_code, [&](Runtime& rt) -> int {
      common::Status s = rt.db->Write([&](db::Connection& c) -> common::Status {
        SP_ASSIGN_OR_RETURN(auth::School sc, rt.app->accounts().CreateSchool(c, brin, school_name));
        SP_RETURN_IF_ERROR(rt.app->accounts().SetLoginDomains(c, sc.id, login_domains));
        SP_ASSIGN_OR_RETURN(std::string recovery, rt.app->keyring().CreateRecoveryKey(c, sc.id));
        std::cout << sc.brin << " " << sc.name << "\n"
                  << "Herstelcode / recovery code (shown once; give it to the school admin, keep "
                     "it offline):\n"
                  << recovery << "\n";
        return rt.app->audit().Append(c, {sc.id, "system", "school.create", "school", sc.id, "ok"});
      });
      return s.ok() ? kOk : Fail(s);
    });
  });
  auto* school_domains = school->add_subcommand(
      "domains", "Show or replace a school's login domains (what its school admin may create)");
  AddCommon(school_domains, common_opts);
  school_domains->add_option("--brin", brin, "BRIN code of the school")->required();
  school_domains->add_option("--set", set_domains,
                             "The new list, comma-separated (replaces the old one)");
  school_domains->callback([&, school_domains] {
    WithRuntime(common_opts, exit_code, [&](Runtime& rt) -> int {
      auto sc = rt.app->accounts().SchoolByBrin(brin);
      if (!sc.ok())
        return Fail(common::Status::InvalidArgument("unknown school: " + brin, "--brin"));
      if (school_domains->count("--set") > 0) {
        common::Status s = rt.db->Write([&](db::Connection& c) -> common::Status {
          SP_RETURN_IF_ERROR(
              rt.app->accounts().SetLoginDomains(c, sc->id, auth::SplitDomainList(set_domains)));
          return rt.app->audit().Append(
              c, {sc->id, "system", "school.login_domains", "school", sc->id, "ok"});
        });
        if (!s.ok()) return Fail(s);
      }
      auto domains = rt.app->accounts().LoginDomains(sc->id);
      if (!domains.ok()) return Fail(domains.status());
      for (const std::string& d : *domains) std::cout << d << "\n";
      return kOk;
    });
  });
  RegisterSsoCommand(*school, exit_code);
  auto* school_list = school->add_subcommand("list", "List schools");
  AddCommon(school_list, common_opts);
  school_list->callback([&] {
    WithRuntime(common_opts, exit_code, [&](Runtime& rt) -> int {
      auto schools = rt.app->accounts().ListSchools();
      if (!schools.ok()) {
        return Fail(schools.status());
      }
      for (const auto& s : *schools) std::cout << s.brin << "\t" << s.name << "\n";
      return kOk;
    });
  });

  auto* user = cli.add_subcommand("user", "User administration");
  user->require_subcommand(1);
  static std::string user_login, user_name, user_role, user_brin, user_email;
  static std::string user_public_url = AppConfig{}.public_url;
  auto* user_create =
      user->add_subcommand("create", "Add a user and print a one-time invitation link");
  AddCommon(user_create, common_opts);
  user_create->add_option("--login", user_login, "Login (e-mail address)")->required();
  user_create->add_option("--name", user_name, "Display name")->required();
  user_create
      ->add_option(
          "--role", user_role,
          "student, meldpunt, coordinator, teacher, management, company, admin or sysadmin")
      ->required();
  user_create->add_option("--brin", user_brin, "School (not for sysadmin)");
  user_create->add_option("--email", user_email,
                          "Address for the invitation mail (default: the login, if an address)");
  user_create
      ->add_option("--public-url", user_public_url, "The app's address, for the invitation link")
      ->capture_default_str();
  user_create->callback([&] {
    auto role = domain::ParseRole(user_role);
    if (!role) {
      exit_code = Fail(common::Status::InvalidArgument("unknown role: " + user_role, "--role"));
      return;
    }
    AppConfig config;
    config.public_url = user_public_url;
    auto rt = MakeRuntime(common_opts, config);
    if (!rt.ok()) {
      exit_code = Fail(rt.status());
      return;
    }
    std::string school_id;
    if (*role != domain::Role::kSystemAdmin) {
      auto sc = rt->app->accounts().SchoolByBrin(user_brin);
      if (!sc.ok()) {
        exit_code = Fail(common::Status::InvalidArgument("unknown school: " + user_brin, "--brin"));
        return;
      }
      school_id = sc->id;
    }
    common::Status s = rt->db->Write([&](db::Connection& c) -> common::Status {
      SP_ASSIGN_OR_RETURN(auth::User u, rt->app->accounts().CreateUser(
                                            c, {school_id, user_login, user_name, *role}));
      if (!user_email.empty())
        SP_RETURN_IF_ERROR(rt->app->accounts().SetEmail(c, u.id, user_email));
      SP_RETURN_IF_ERROR(
          rt->app->audit().Append(c, {school_id, "system", "user.create", "user", u.id, "ok"}));
      // Queued as mail in the same transaction; the link is also printed for
      // the system admin who bootstraps a school by hand.
      SP_ASSIGN_OR_RETURN(auth::SentInvitation sent,
                          auth::SendInvitation(c, rt->app->clock(), rt->app->outbox(), u.id));
      std::cout << "uitnodiging: " << rt->app->outbox().public_url() << "/invite/" << sent.token
                << " (geldig tot " << common::FormatIso8601(sent.valid_until) << ")\n";
      std::cout << (sent.queued ? "uitnodiging per e-mail in de wachtrij\n"
                                : "geen e-mailadres: geef de link zelf door\n");
      SP_RETURN_IF_ERROR(
          rt->app->audit().Append(c, {school_id, "system", "user.invite", "user", u.id, "ok"}));
      // The first handler of a school receives new cases (meldpunt/service.h).
      if (u.role != domain::Role::kMeldpuntHandler) return common::Status::Ok();
      return rt->app->meldpunt().EnsureLead(c, school_id, "system").status();
    });
    exit_code = s.ok() ? kOk : Fail(s);
  });
  auto* user_disable = user->add_subcommand("disable", "Disable a user and end all their sessions");
  AddCommon(user_disable, common_opts);
  user_disable->add_option("--login", user_login, "Login")->required();
  user_disable->callback([&] {
    WithRuntime(common_opts, exit_code, [&](Runtime& rt) -> int {
      auto u = rt.app->accounts().UserByLogin(user_login);
      if (!u.ok()) {
        return Fail(common::Status::InvalidArgument("no such user: " + user_login, "--login"));
      }
      common::Status s = rt.db->Write([&](db::Connection& c) -> common::Status {
        SP_RETURN_IF_ERROR(rt.app->accounts().SetDisabled(c, u->id, true));
        return rt.app->audit().Append(
            c, {u->school_id, "system", "user.disable", "user", u->id, "ok"});
      });
      return s.ok() ? kOk : Fail(s);
    });
  });

  auto* audit_cmd = cli.add_subcommand("audit", "Audit log");
  audit_cmd->require_subcommand(1);
  auto* verify =
      audit_cmd->add_subcommand("verify", "Check the hash chain; names every broken record");
  AddCommon(verify, common_opts);
  verify->callback([&] {
    WithRuntime(common_opts, exit_code, [&](Runtime& rt) -> int {
      auto problems = rt.app->audit().Verify(*rt.db);
      if (!problems.ok()) {
        return Fail(problems.status());
      }
      for (const auto& p : *problems) std::cout << "record " << p.seq << ": " << p.what << "\n";
      if (problems->empty()) std::cout << "audit log intact\n";
      return problems->empty() ? kOk : kInternal;
    });
  });
  auto* mail_cmd = cli.add_subcommand("mail", "Mail that leaves the app");
  mail_cmd->require_subcommand(1);
  auto* send_queued = mail_cmd->add_subcommand(
      "send-queued", "Deliver the mails that are due once (as serve does every 10 s)");
  AddCommon(send_queued, common_opts);
  AddMailFlags(send_queued, mail_flags, true);
  send_queued->callback([&] {
    AppConfig config;
    if (auto m = ApplyMailFlags(mail_flags, listen, config); !m.ok()) {
      exit_code = Fail(m);
      return;
    }
    auto rt = MakeRuntime(common_opts, config);
    if (!rt.ok()) {
      exit_code = Fail(rt.status());
      return;
    }
    auto run = rt->app->SendQueuedMail();
    if (!run.ok()) {
      exit_code = Fail(run.status());
      return;
    }
    std::cout << "sent " << run->sent << ", to retry " << run->retried << ", given up "
              << run->failed << "\n";
    exit_code = kOk;
  });
  RegisterPlacementCommands(cli, exit_code);
  RegisterBackupCommands(cli, exit_code);
  RegisterMeldpuntCommands(cli, exit_code);
}

}  // namespace app
