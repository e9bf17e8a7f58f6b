// A school's single sign-on settings (table school_sso) and its client
// secret, which is a file under DATA_DIR/keys and never a database column: a
// copy of the database must not be enough to act as the school's client.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "crypto/random.h"
#include "oidc/relying_party.h"

namespace oidc {

using common::Status;

std::optional<std::pair<std::string, std::string>> SplitStaffClaim(std::string_view claim) {
  size_t eq = claim.find('=');
  if (eq == std::string_view::npos || eq == 0 || eq + 1 == claim.size()) return std::nullopt;
  return std::make_pair(std::string(claim.substr(0, eq)), std::string(claim.substr(eq + 1)));
}

Status ValidateSchoolSso(const SchoolSso& sso) {
  if (!AllowedProviderUrl(sso.issuer) || sso.issuer.size() > 500) {
    return Status::InvalidArgument("issuer must be an https URL", "issuer");
  }
  if (sso.client_id.empty() || sso.client_id.size() > 255) {
    return Status::InvalidArgument("client id is required", "client_id");
  }
  auto claim_name_ok = [](std::string_view name) {
    if (name.empty() || name.size() > 255) return false;
    for (char ch : name) {
      if (std::isspace(static_cast<unsigned char>(ch)) || ch == '=') return false;
    }
    return true;
  };
  if (!claim_name_ok(sso.student_number_claim)) {
    return Status::InvalidArgument("student number claim is a claim name", "student_number_claim");
  }
  auto staff = SplitStaffClaim(sso.staff_claim);
  if (!staff || !claim_name_ok(staff->first) || staff->second.size() > 255) {
    return Status::InvalidArgument("staff claim is NAME=VALUE", "staff_claim");
  }
  if (sso.mfa_acr.size() > 255) return Status::InvalidArgument("acr too long", "mfa_acr");
  return Status::Ok();
}

common::StatusOr<SchoolSso> LoadSchoolSso(db::Connection& c, std::string_view school_id) {
  SP_ASSIGN_OR_RETURN(
      db::Row r,
      c.QueryOne("SELECT school_id, issuer, client_id, student_number_claim, staff_claim, "
                 "idp_enforces_mfa, mfa_acr, enabled FROM school_sso WHERE school_id = $1",
                 {school_id}));
  SchoolSso s;
  s.school_id = r.Text(0);
  s.issuer = r.Text(1);
  s.client_id = r.Text(2);
  s.student_number_claim = r.Text(3);
  s.staff_claim = r.Text(4);
  s.idp_enforces_mfa = r.Int(5) != 0;
  s.mfa_acr = r.Text(6);
  s.enabled = r.Int(7) != 0;
  return s;
}

Status SaveSchoolSso(db::Connection& c, const SchoolSso& sso, common::UnixMillis now) {
  SP_RETURN_IF_ERROR(ValidateSchoolSso(sso));
  SP_RETURN_IF_ERROR(
      c.Execute("DELETE FROM school_sso WHERE school_id = $1", {sso.school_id}).status());
  return c
      .Execute(
          "INSERT INTO school_sso (school_id, issuer, client_id, student_number_claim, "
          "staff_claim, idp_enforces_mfa, mfa_acr, enabled, updated_at) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
          {sso.school_id, sso.issuer, sso.client_id, sso.student_number_claim, sso.staff_claim,
           sso.idp_enforces_mfa, sso.mfa_acr, sso.enabled, now})
      .status();
}

std::string SecretPath(const std::string& data_dir, std::string_view brin) {
  return data_dir + "/keys/oidc-" + std::string(brin) + ".secret";
}

Status WriteSecret(const std::string& data_dir, std::string_view brin, std::string_view secret) {
  if (secret.empty() || secret.size() > 4096 ||
      secret.find_first_of("\r\n") != std::string_view::npos) {
    return Status::InvalidArgument("client secret is one line of text", "client_secret");
  }
  std::string dir = data_dir + "/keys";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || ::chmod(dir.c_str(), 0700) != 0) return Status::Unavailable("cannot create " + dir);
  std::string path = SecretPath(data_dir, brin);
  std::string tmp = path + ".tmp-" + crypto::RandomId();
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Status::Unavailable("cannot write the client secret file");
  size_t done = 0;
  while (done < secret.size()) {
    ssize_t n = ::write(fd, secret.data() + done, secret.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  bool ok = done == secret.size() && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return Status::Unavailable("cannot write the client secret file");
  }
  return Status::Ok();
}

common::StatusOr<std::string> ReadSecret(const std::string& data_dir, std::string_view brin) {
  std::ifstream in(SecretPath(data_dir, brin), std::ios::binary);
  if (!in) return Status::NotFound("no client secret for the school");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string secret = ss.str();
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
  if (secret.empty()) return Status::NotFound("empty client secret file");
  return secret;
}

}  // namespace oidc
