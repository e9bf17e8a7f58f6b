// `stagepunt meldpunt leads`: who leads a school's meldpunt, from the server's
// command line (the same service calls as /admin/meldpunt/leiding).
//
//   stagepunt meldpunt leads --brin B                       list the handlers
//   stagepunt meldpunt leads --brin B --add LOGIN           make a handler lead
//   stagepunt meldpunt leads --brin B --remove LOGIN        take it back
//   ... --recovery-code-file F                              grant waiting keys now
//
// Every change is audited with actor "system". The recovery code is read
// from a file (never from the command line, where `ps` and the shell history
// would keep it); it is not printed.
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/app.h"
#include "app/commands.h"
#include "app/exit_codes.h"
#include "db/migrate.h"
#include "keys/keystore.h"

namespace app {

namespace {

struct LeadOptions {
  std::string db_url = "sqlite:var/stagepunt.db";
  std::string data_dir = "var";
  std::string brin;
  std::string add;
  std::string remove;
  std::string recovery_code_file;
};

struct Runtime {
  std::unique_ptr<db::Database> db;
  std::unique_ptr<App> app;
};

common::StatusOr<Runtime> Open(const LeadOptions& o) {
  Runtime rt;
  SP_ASSIGN_OR_RETURN(rt.db, db::Open(o.db_url));
  common::Status migrated = db::Migrate(*rt.db);
  if (!migrated.ok())
    return common::Status::Unavailable("migration failed: " + migrated.ToString());
  SP_ASSIGN_OR_RETURN(keys::KeyStore keys, keys::KeyStore::Open(o.data_dir));
  AppSecrets secrets;
  SP_ASSIGN_OR_RETURN(secrets.audit_key, keys.GetOrCreate("audit"));
  SP_ASSIGN_OR_RETURN(secrets.meldpunt.receipt_pepper, keys.GetOrCreate("receipt-pepper"));
  SP_ASSIGN_OR_RETURN(secrets.meldpunt.reporter_kdf_key, keys.GetOrCreate("reporter-key"));
  AppConfig config;
  config.data_dir = o.data_dir;
  rt.app = std::make_unique<App>(std::move(config), *rt.db, common::SystemClock::Instance(),
                                 std::move(secrets));
  return rt;
}

// A user of the school by login; another school's user is "no such user".
common::StatusOr<std::string> UserOfSchool(App& app, const std::string& school_id,
                                           const std::string& login, const char* option) {
  auto user = app.accounts().UserByLogin(login);
  if (!user.ok() || user->school_id != school_id) {
    return common::Status::InvalidArgument("no such user at this school: " + login, option);
  }
  return user->id;
}

int Leads(const LeadOptions& o) {
  auto brin = domain::NormalizeBrin(o.brin);
  if (!brin.ok()) return Fail(common::Status::InvalidArgument("not a BRIN code", "--brin"));
  auto rt = Open(o);
  if (!rt.ok()) return Fail(rt.status());
  App& app = *rt->app;
  auto school = app.accounts().SchoolByBrin(*brin);
  if (!school.ok())
    return Fail(common::Status::InvalidArgument("unknown school: " + *brin, "--brin"));
  meldpunt::Meldpunt& mp = app.meldpunt();
  if (!o.add.empty()) {
    auto id = UserOfSchool(app, school->id, o.add, "--add");
    if (!id.ok()) return Fail(id.status());
    if (auto s = mp.AddLead(school->id, "system", *id); !s.ok()) return Fail(s);
  }
  if (!o.remove.empty()) {
    auto id = UserOfSchool(app, school->id, o.remove, "--remove");
    if (!id.ok()) return Fail(id.status());
    if (auto s = mp.RemoveLead(school->id, "system", *id); !s.ok()) return Fail(s);
  }
  // The rule that someone receives new cases holds for handlers made on any path.
  if (auto made = mp.EnsureLead(school->id, "system"); !made.ok()) return Fail(made.status());
  if (!o.recovery_code_file.empty()) {
    std::ifstream in(o.recovery_code_file);
    if (!in) {
      return Fail(common::Status::InvalidArgument("cannot read " + o.recovery_code_file,
                                                  "--recovery-code-file"));
    }
    std::stringstream code;
    code << in.rdbuf();
    auto granted = mp.GrantWithRecoveryCode(school->id, "system", code.str());
    if (!granted.ok()) return Fail(granted.status());
    std::cout << "sleutels gegeven / case keys granted: " << *granted << "\n";
  }
  auto overview = mp.LeadOverview(school->id);
  if (!overview.ok()) return Fail(overview.status());
  for (const auto& k : *overview) {
    std::string keys = !k.has_key_pair ? "waits-for-first-login"
                       : k.missing > 0 ? "missing-" + std::to_string(k.missing)
                                       : "all-keys";
    std::cout << k.login << "\t" << (k.lead ? "lead" : "handler") << "\t" << keys << "\n";
  }
  return kOk;
}

}  // namespace

void RegisterMeldpuntCommands(CLI::App& cli, int& exit_code) {
  static LeadOptions o;
  auto* meldpunt = cli.add_subcommand("meldpunt", "The meldpunt's staff");
  meldpunt->require_subcommand(1);
  auto* leads = meldpunt->add_subcommand(
      "leads", "List a school's meldpunt handlers, or make one lead (--add) or not (--remove)");
  leads->add_option("--db", o.db_url, "sqlite:PATH or a postgresql:// URI")->capture_default_str();
  leads->add_option("--data-dir", o.data_dir, "Directory for keys and files")
      ->capture_default_str();
  leads->add_option("--brin", o.brin, "BRIN code of the school")->required();
  leads->add_option("--add", o.add, "Login of a meldpunt handler to make lead");
  leads->add_option("--remove", o.remove, "Login of a lead to make handler again");
  leads->add_option("--recovery-code-file", o.recovery_code_file,
                    "File holding the school's recovery code: seals every waiting lead's and "
                    "handler's case keys now");
  leads->callback([&] { exit_code = Leads(o); });
}

}  // namespace app
