// File: placement/imports_internal.h
//
// The three import kinds behind Stagematching::Import. Each validates every
// line (fields, duplicates within the file, references into the database)
// and writes only when no line has a problem, all within the caller's write
// transaction.
#pragma once

#include <string>
#include <vector>

#include "domain/placement.h"
#include "placement/service.h"

namespace placement::internal {

struct ParsedLine {
  int64_t line = 0;
  std::vector<std::string> fields;
  std::vector<std::string_view> Views() const {
    return std::vector<std::string_view>(fields.begin(), fields.end());
  }
};

struct ImportContext {
  const auth::User& actor;
  common::UnixMillis now = 0;
  domain::Date today;
  ImportReport* report = nullptr;
  // For the kinds that make logins (students, companies' contacts, staff).
  const ImportOptions* options = nullptr;
  auth::Accounts* accounts = nullptr;
  const audit::AuditLog* audit = nullptr;
  const common::Clock* clock = nullptr;
  void Error(int64_t line, std::string field, std::string message);
  // An error worded in English and Dutch (the page shows its own language).
  void Error(int64_t line, std::string field, std::string message, std::string message_nl);
  bool failed() const { return !report->errors.empty(); }
};

common::Status ImportStudents(db::Connection& c, const domain::ColumnMap& columns,
                              const std::vector<ParsedLine>& lines, ImportContext* ctx);
common::Status ImportCompanies(db::Connection& c, const domain::ColumnMap& columns,
                               const std::vector<ParsedLine>& lines, ImportContext* ctx);
common::Status ImportPlaces(db::Connection& c, const domain::ColumnMap& columns,
                            const std::vector<ParsedLine>& lines, ImportContext* ctx);
common::Status ImportStaff(db::Connection& c, const domain::ColumnMap& columns,
                           const std::vector<ParsedLine>& lines, ImportContext* ctx);
// BPV agreements: internships no round made (import_bpv.cc).
common::Status ImportBpv(db::Connection& c, const domain::ColumnMap& columns,
                         const std::vector<ParsedLine>& lines, ImportContext* ctx);
// The companies import plus its contact columns (contact_name, contact_email).
common::Status ImportCompaniesAndContacts(db::Connection& c, const domain::ColumnMap& columns,
                                          const std::vector<ParsedLine>& lines, ImportContext* ctx);

// ---- Logins in imports (imports.cc) ----
struct SchoolLogin {
  std::string id;
  domain::Role role = domain::Role::kStudent;
  bool active = false;  // a password was set
};
// The school's user whose login or e-mail is `email` (normalised).
common::StatusOr<std::optional<SchoolLogin>> FindSchoolLogin(db::Connection& c,
                                                             std::string_view school_id,
                                                             std::string_view email);
// "" when `login` may be created in the school (its login domains), else the
// problem as an import message.
common::StatusOr<std::string> LoginDomainProblem(db::Connection& c, ImportContext* ctx,
                                                 std::string_view login, domain::Role role);
// Creates a login in the school's domains, audits "user.create", and queues
// its invitation when `invite` (and an outbox is given). Returns its id.
common::StatusOr<std::string> CreateImportedLogin(db::Connection& c, ImportContext* ctx,
                                                  std::string_view login, std::string_view name,
                                                  domain::Role role, bool invite);

// The deployment's register (the companies' shared facts), from the same
// columns as a school's companies import (import_register.cc).
common::Status ImportRegister(db::Connection& c, const domain::ColumnMap& columns,
                              const std::vector<ParsedLine>& lines, ImportContext* ctx);

}  // namespace placement::internal
