#include "app/exit_codes.h"
#include "app/import_command.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include "audit/audit_log.h"
#include "auth/accounts.h"
#include "db/migrate.h"
#include "keys/keystore.h"
#include "mail/outbox.h"
#include "matchio/atomic_file.h"
#include "placement/service.h"

namespace app {

namespace {


struct Options {
  std::string db_url = "sqlite:var/stagepunt.db";
  std::string data_dir = "var";
  std::string brin;
  std::string file;
  std::string round_id;
  std::string out_dir;
  bool invite = false;     // students: make logins for records without one, and invite
  bool no_invite = false;  // staff: no invitations (the school's staff log in by SSO)
  std::string public_url = "http://127.0.0.1:8080";
};

// The database, the audit log and the service, acting as the school's
// system user, or without --school as the system admin (audited as "system").
struct Runtime {
  std::unique_ptr<db::Database> db;
  std::unique_ptr<audit::AuditLog> audit;
  std::unique_ptr<placement::Stagematching> service;
  auth::User actor;
};

common::StatusOr<Runtime> Open(const Options& o) {
  Runtime rt;
  auto db = db::Open(o.db_url);
  if (!db.ok()) return db.status();
  rt.db = std::move(*db);
  common::Status migrated = db::Migrate(*rt.db);
  if (!migrated.ok()) return common::Status::Unavailable("migration failed: " + migrated.ToString());
  SP_ASSIGN_OR_RETURN(keys::KeyStore keys, keys::KeyStore::Open(o.data_dir));
  SP_ASSIGN_OR_RETURN(std::string audit_key, keys.GetOrCreate("audit"));
  const common::Clock& clock = common::SystemClock::Instance();
  rt.audit = std::make_unique<audit::AuditLog>(std::move(audit_key), clock);
  rt.service = std::make_unique<placement::Stagematching>(*rt.db, clock, *rt.audit);
  rt.actor.id = "system";
  rt.actor.display_name = "stagepunt";
  if (o.brin.empty()) {
    rt.actor.role = domain::Role::kSystemAdmin;
    return rt;
  }
  auto brin = domain::NormalizeBrin(o.brin);
  if (!brin.ok()) return common::Status::InvalidArgument("--school: " + brin.status().message());
  auth::Accounts accounts(*rt.db, clock);
  auto school = accounts.SchoolByBrin(*brin);
  if (!school.ok()) return common::Status::InvalidArgument("--school: no school " + *brin);
  rt.actor.school_id = school->id;
  rt.actor.role = domain::Role::kCoordinator;
  return rt;
}

// A school's import of `kind`, or without a kind the deployment's register.
int Import(std::optional<domain::ImportKind> kind, const Options& o) {
  std::ifstream in(o.file, std::ios::binary);
  if (!in) {
    std::cerr << o.file << ":0: cannot open file\n";
    return kBadInput;
  }
  std::stringstream content;
  content << in.rdbuf();
  auto rt = Open(o);
  if (!rt.ok()) return Fail(rt.status());
  // Staff logins are the school admin's; the command acts as that role.
  if (kind == domain::ImportKind::kStaff) rt->actor.role = domain::Role::kSchoolAdmin;
  mail::Outbox outbox(common::SystemClock::Instance(), o.public_url);
  placement::ImportOptions options;
  options.invite_students = o.invite;
  options.invite_staff = !o.no_invite;
  options.outbox = &outbox;
  auto report = kind ? rt->service->Import(rt->actor, *kind, o.file, content.str(), options)
                     : rt->service->ImportRegister(rt->actor, o.file, content.str());
  if (!report.ok()) return Fail(report.status());
  if (!report->applied) {
    for (const placement::ImportError& e : report->errors) {
      std::cerr << e.ToString(o.file) << "\n";
    }
    std::cerr << "stagepunt: nothing was imported (" << report->errors.size()
              << " problems)\n";
    return kBadInput;
  }
  std::cout << o.file << ": " << report->rows << " rows: " << report->inserted << " inserted, "
            << report->updated << " updated, " << report->unchanged << " unchanged\n";
  if (report->logins_created + report->logins_linked + report->invitations > 0) {
    std::cout << o.file << ": logins: " << report->logins_created << " created, "
              << report->logins_linked << " linked, " << report->invitations
              << " invitations queued\n";
  }
  return kOk;
}

int ExportRound(const Options& o) {
  auto rt = Open(o);
  if (!rt.ok()) return Fail(rt.status());
  common::Status written = rt->service->WriteMatchingIo(rt->actor, o.round_id, o.out_dir);
  if (!written.ok()) return Fail(written);
  auto round = rt->service->GetRound(rt->actor, o.round_id);
  if (!round.ok()) return Fail(round.status());
  if (round->status == domain::RoundStatus::kPublished) {
    auto bpvo = rt->service->ExportBpvo(rt->actor, o.round_id);
    if (!bpvo.ok()) return Fail(bpvo.status());
    auto file = matchio::AtomicFile::Create((std::filesystem::path(o.out_dir) / "bpvo.csv").string());
    if (!file.ok()) return Fail(file.status());
    (*file)->Append(*bpvo);
    common::Status committed = (*file)->Commit();
    if (!committed.ok()) return Fail(committed);
  }
  std::cout << "wrote " << o.out_dir << " (seed " << round->seed
            << "; rerun: stagepunt match --in " << o.out_dir << " --out assignment.csv --seed "
            << round->seed << ")\n";
  return kOk;
}

void AddDatabase(CLI::App* cmd, Options& o) {
  cmd->add_option("--db", o.db_url, "sqlite:PATH or a postgresql:// URI")->capture_default_str();
  cmd->add_option("--data-dir", o.data_dir, "Directory for keys (the audit key)")
      ->capture_default_str();
}

void AddCommon(CLI::App* cmd, Options& o) {
  AddDatabase(cmd, o);
  cmd->add_option("--school", o.brin, "BRIN code of the school, e.g. 99DM")->required();
}

}  // namespace

void RegisterPlacementCommands(CLI::App& cli, int& exit_code) {
  static Options options;
  auto* import = cli.add_subcommand(
      "import", "Import students, leerbedrijven, leerplaatsen, staff or BPV agreements from CSV (all or "
      "nothing)");
  import->require_subcommand(1);
  struct Kind {
    const char* name;
    const char* help;
    domain::ImportKind kind;
  };
  static const Kind kinds[] = {
      {"students",
       "student_number,name,crebo,level,pathway,cohort[,location,lat,lon,round,email,"
       "begeleider_email]",
       domain::ImportKind::kStudents},
      {"companies",
       "leerbedrijf_id,name[,kvk,address,postcode,city,lat,lon,crebos,sbb_recognised,"
       "contact_name,contact_email]",
       domain::ImportKind::kCompanies},
      {"places", "leerbedrijf_id,crebo,capacity,period[,description]", domain::ImportKind::kPlaces},
      {"staff", "login,name,role[,email] (role: meldpunt, coordinator, teacher, management, admin)",
       domain::ImportKind::kStaff},
      {"bpv",
       "student_number,leerbedrijf_id,crebo,start_date,end_date[,pathway] (the school's BPV "
       "agreements: internships no round made; dates YYYY-MM-DD or DD-MM-YYYY)",
       domain::ImportKind::kBpv},
  };
  for (const Kind& k : kinds) {
    auto* cmd = import->add_subcommand(k.name, std::string("Columns: ") + k.help);
    AddCommon(cmd, options);
    cmd->add_option("--file", options.file, "CSV file (UTF-8, header row)")->required();
    if (k.kind == domain::ImportKind::kStudents) {
      cmd->add_flag("--invite", options.invite,
                    "Make a student login for each record with an email but no login, and "
                    "queue its invitation");
    }
    if (k.kind == domain::ImportKind::kStaff) {
      cmd->add_flag("--no-invite", options.no_invite,
                    "Queue no invitations (the school's staff log in by SSO)");
    }
    if (k.kind != domain::ImportKind::kPlaces && k.kind != domain::ImportKind::kBpv) {
      cmd->add_option("--public-url", options.public_url,
                      "The app's address, for the links in invitation mails")
          ->capture_default_str();
    }
    domain::ImportKind kind = k.kind;
    cmd->callback([&exit_code, kind] { exit_code = Import(kind, options); });
  }

  auto* reg = cli.add_subcommand("register",
                                 "The deployment's company register (the facts every school sees)");
  reg->require_subcommand(1);
  auto* reg_import = reg->add_subcommand(
      "import",
      "Import the register from CSV (all or nothing), as the system admin. Columns: "
      "leerbedrijf_id,name[,kvk,address,postcode,city,lat,lon,sbb_recognised]; crebos must be "
      "empty (recognitions are per school)");
  AddDatabase(reg_import, options);
  reg_import->add_option("--file", options.file, "CSV file (UTF-8, header row)")->required();
  reg_import->callback([&exit_code] {
    options.brin.clear();  // the register belongs to no school
    exit_code = Import(std::nullopt, options);
  });

  auto* round = cli.add_subcommand("round", "Matching rounds");
  round->require_subcommand(1);
  auto* export_cmd = round->add_subcommand(
      "export", "Write a round's matching-io files (and bpvo.csv once published) to a directory");
  AddCommon(export_cmd, options);
  export_cmd->add_option("--round", options.round_id, "Round id")->required();
  export_cmd->add_option("--out", options.out_dir, "Output directory")->required();
  export_cmd->callback([&exit_code] { exit_code = ExportRound(options); });
}

}  // namespace app
