// `stagepunt school sso`: connects a school to its OpenID Connect provider
// (docs/sso.md).
//
//   stagepunt school sso --brin B --issuer URL --client-id ID --client-secret-file F
//       [--student-number-claim C] [--staff-claim NAME=VALUE] [--idp-enforces-mfa]
//       [--mfa-acr V] [--disable] [--public-url URL] [--db URL] [--data-dir DIR]
//
// The provider's discovery document is fetched first (an error names
// --issuer); the secret is copied from F to DATA_DIR/keys/oidc-<BRIN>.secret
// (0600, atomically), never into the database. `--disable` alone turns SSO
// off for a school that has settings. Audited as "sso.settings" (ids only).
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/app.h"
#include "app/commands.h"
#include "app/exit_codes.h"
#include "audit/audit_log.h"
#include "auth/accounts.h"
#include "db/migrate.h"
#include "keys/keystore.h"
#include "oidc/relying_party.h"

namespace app {

namespace {

struct SsoOptions {
  std::string db_url = "sqlite:var/stagepunt.db";
  std::string data_dir = "var";
  std::string brin, issuer, client_id, secret_file, mfa_acr;
  std::string student_number_claim = oidc::SchoolSso{}.student_number_claim;
  std::string staff_claim = oidc::SchoolSso{}.staff_claim;
  std::string public_url = AppConfig{}.public_url;
  bool idp_enforces_mfa = false;
  bool disable = false;
};

// Names the flag the problem is about, then the one exit-code table.
int FailOn(const common::Status& s, std::string_view option = {}) {
  if (option.empty()) return Fail(s);
  std::cerr << "stagepunt: " << option << ": " << s.message() << "\n";
  return ExitCodeFor(s);
}

std::string OptionFor(const std::string& field) {
  if (field == "issuer") return "--issuer";
  if (field == "client_id") return "--client-id";
  if (field == "client_secret") return "--client-secret-file";
  if (field == "student_number_claim") return "--student-number-claim";
  if (field == "staff_claim") return "--staff-claim";
  if (field == "mfa_acr") return "--mfa-acr";
  return {};
}

int Run(const SsoOptions& o) {
  auto opened = db::Open(o.db_url);
  if (!opened.ok()) return FailOn(opened.status(), "--db");
  std::unique_ptr<db::Database> db = std::move(*opened);
  if (common::Status m = db::Migrate(*db); !m.ok()) return FailOn(m, "--db");
  auto store = keys::KeyStore::Open(o.data_dir);
  if (!store.ok()) return FailOn(store.status(), "--data-dir");
  auto audit_key = store->GetOrCreate("audit");
  if (!audit_key.ok()) return FailOn(audit_key.status(), "--data-dir");
  const common::Clock& clock = common::SystemClock::Instance();
  audit::AuditLog audit(*audit_key, clock);
  auth::Accounts accounts(*db, clock);
  auto brin = domain::NormalizeBrin(o.brin);
  auto school = brin.ok() ? accounts.SchoolByBrin(*brin) : brin.status();
  if (!school.ok()) return FailOn(common::Status::InvalidArgument("unknown school"), "--brin");

  oidc::SchoolSso sso;
  bool has_settings = false;
  (void)db->Read([&](db::Connection& c) -> common::Status {
    auto current = oidc::LoadSchoolSso(c, school->id);
    if (current.ok()) {
      sso = *current;
      has_settings = true;
    }
    return common::Status::Ok();
  });
  sso.school_id = school->id;
  bool only_disable = o.disable && o.issuer.empty() && o.client_id.empty();
  std::string secret;
  if (only_disable) {
    if (!has_settings) {
      return FailOn(common::Status::InvalidArgument("the school has no SSO settings"), "--disable");
    }
    sso.enabled = false;
  } else {
    if (o.issuer.empty()) return FailOn(common::Status::InvalidArgument("required"), "--issuer");
    if (o.client_id.empty())
      return FailOn(common::Status::InvalidArgument("required"), "--client-id");
    sso.issuer = o.issuer;
    sso.client_id = o.client_id;
    sso.student_number_claim = o.student_number_claim;
    sso.staff_claim = o.staff_claim;
    sso.idp_enforces_mfa = o.idp_enforces_mfa;
    sso.mfa_acr = o.mfa_acr;
    sso.enabled = !o.disable;
    if (common::Status v = oidc::ValidateSchoolSso(sso); !v.ok()) {
      return FailOn(v, OptionFor(v.field()));
    }
    if (!o.secret_file.empty()) {
      std::ifstream in(o.secret_file, std::ios::binary);
      if (!in) {
        return FailOn(common::Status::InvalidArgument("cannot read the file"),
                      "--client-secret-file");
      }
      std::stringstream ss;
      ss << in.rdbuf();
      secret = ss.str();
      while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
    } else if (!oidc::ReadSecret(o.data_dir, school->brin).ok()) {
      return FailOn(common::Status::InvalidArgument("required (no secret stored yet)"),
                    "--client-secret-file");
    }
    auto meta = oidc::Discover(sso.issuer);
    if (!meta.ok()) return FailOn(meta.status(), "--issuer");
    if (!secret.empty()) {
      common::Status w = oidc::WriteSecret(o.data_dir, school->brin, secret);
      if (!w.ok()) return FailOn(w, "--client-secret-file");
    }
  }
  common::Status s = db->Write([&](db::Connection& c) -> common::Status {
    SP_RETURN_IF_ERROR(oidc::SaveSchoolSso(c, sso, clock.NowMillis()));
    return audit.Append(
        c, {school->id, "system", secret.empty() ? "sso.settings" : "sso.settings_and_secret",
            "school", school->id, "ok"});
  });
  if (!s.ok()) return Fail(s);
  std::string base = o.public_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  std::cout << school->brin << ": SSO " << (sso.enabled ? "on" : "off") << ", issuer " << sso.issuer
            << "\n"
            << "Redirect URI to register: " << base << "/auth/oidc/callback\n";
  return kOk;
}

}  // namespace

void RegisterSsoCommand(CLI::App& school, int& exit_code) {
  static SsoOptions o;
  auto* cmd = school.add_subcommand(
      "sso", "Connect a school to its OpenID Connect provider (single sign-on)");
  cmd->add_option("--db", o.db_url, "sqlite:PATH or a postgresql:// URI")->capture_default_str();
  cmd->add_option("--data-dir", o.data_dir, "Directory for keys and files")->capture_default_str();
  cmd->add_option("--brin", o.brin, "BRIN code of the school")->required();
  cmd->add_option("--issuer", o.issuer, "The provider's issuer URL (https)");
  cmd->add_option("--client-id", o.client_id, "The client id registered at the provider");
  cmd->add_option("--client-secret-file", o.secret_file,
                  "File holding the client secret (copied to DATA_DIR/keys)");
  cmd->add_option("--student-number-claim", o.student_number_claim,
                  "Claim carrying the student number")
      ->capture_default_str();
  cmd->add_option("--staff-claim", o.staff_claim, "NAME=VALUE that marks staff")
      ->capture_default_str();
  cmd->add_flag("--idp-enforces-mfa", o.idp_enforces_mfa,
                "The provider enforces a second factor (amr mfa counts as TOTP)");
  cmd->add_option("--mfa-acr", o.mfa_acr, "An acr value that also proves a second factor");
  cmd->add_flag("--disable", o.disable, "Turn single sign-on off for the school");
  cmd->add_option("--public-url", o.public_url, "The app's public URL (for the redirect URI)")
      ->capture_default_str();
  cmd->callback([&exit_code] { exit_code = Run(o); });
}

}  // namespace app
