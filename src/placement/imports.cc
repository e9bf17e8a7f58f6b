// Imports: students, leerbedrijven and leerplaatsen from CSV, validated whole
// and applied in one transaction, or not at all.
#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "auth/sessions.h"
#include "common/utf8.h"
#include "crypto/random.h"
#include "placement/csv_text.h"
#include "placement/imports_internal.h"
#include "placement/internal.h"

namespace placement {

using common::Status;
using common::StatusOr;

std::string ImportError::ToString(std::string_view file_name) const {
  return std::string(file_name) + ":" + std::to_string(line) + ": " + message;
}

namespace internal {

void ImportContext::Error(int64_t line, std::string field, std::string message) {
  report->errors.push_back({line, std::move(field), std::move(message), ""});
}

void ImportContext::Error(int64_t line, std::string field, std::string message,
                          std::string message_nl) {
  report->errors.push_back({line, std::move(field), std::move(message), std::move(message_nl)});
}

StatusOr<std::optional<SchoolLogin>> FindSchoolLogin(db::Connection& c, std::string_view school_id,
                                                     std::string_view email) {
  SP_ASSIGN_OR_RETURN(db::Rows rows,
                      c.Query("SELECT id, role, password_hash FROM users WHERE school_id = $1 AND "
                              "(login = $2 OR email = $2) ORDER BY CASE WHEN login = $2 THEN 0 "
                              "ELSE 1 END LIMIT 1",
                              {school_id, email}));
  if (rows.empty()) return std::optional<SchoolLogin>();
  const db::Row& r = rows.rows[0];
  return std::optional<SchoolLogin>(SchoolLogin{
      r.Text(0), domain::ParseRole(r.Text(1)).value_or(domain::Role::kStudent), !r.IsNull(2)});
}

StatusOr<std::string> LoginDomainProblem(db::Connection& c, ImportContext* ctx,
                                         std::string_view login, domain::Role role) {
  // auth::Accounts::CheckLoginForSchool, checked before anything is written
  // so the file is validated whole.
  Status allowed = ctx->accounts->CheckLoginForSchool(c, ctx->actor.school_id, login, role);
  if (allowed.code() == common::StatusCode::kInvalidArgument) {
    if (allowed.message().rfind("no_domains", 0) == 0)
      return std::string("the school has no login domains yet (the system admin sets them)");
    SP_ASSIGN_OR_RETURN(std::vector<std::string> domains,
                        ctx->accounts->LoginDomains(c, ctx->actor.school_id));
    std::string list;
    for (const std::string& d : domains) list += (list.empty() ? "@" : ", @") + d;
    return "\"" + std::string(login) + "\" is not in the school's login domains (" + list + ")";
  }
  SP_RETURN_IF_ERROR(allowed);
  // Within the school's own domains: telling that it exists reveals nothing
  // of another school.
  SP_ASSIGN_OR_RETURN(db::Rows taken,
                      c.Query("SELECT school_id FROM users WHERE login = $1", {login}));
  if (!taken.empty() && taken.rows[0].OptText(0).value_or("") != ctx->actor.school_id)
    return "\"" + std::string(login) + "\" is already in use";
  return std::string();
}

StatusOr<std::string> CreateImportedLogin(db::Connection& c, ImportContext* ctx,
                                          std::string_view login, std::string_view name,
                                          domain::Role role, bool invite) {
  SP_ASSIGN_OR_RETURN(auth::User u,
                      ctx->accounts->CreateUserInSchoolDomains(
                          c, {ctx->actor.school_id, std::string(login), std::string(name), role}));
  ++ctx->report->logins_created;
  SP_RETURN_IF_ERROR(Audit(c, *ctx->audit, ctx->actor, "user.create", "user", u.id));
  if (invite && ctx->options->outbox != nullptr) {
    SP_ASSIGN_OR_RETURN(auth::SentInvitation sent,
                        auth::SendInvitation(c, *ctx->clock, *ctx->options->outbox, u.id));
    if (sent.queued) ++ctx->report->invitations;
    SP_RETURN_IF_ERROR(Audit(c, *ctx->audit, ctx->actor, "user.invite", "user", u.id));
  }
  return u.id;
}

namespace {

struct StaffLine {
  int64_t line = 0;
  domain::StaffRow row;
  std::optional<SchoolLogin> existing;
};

}  // namespace

// Staff: upsert keyed by login; the role and name follow the file. Students
// and company contacts are not staff and are left alone (an error names them).
Status ImportStaff(db::Connection& c, const domain::ColumnMap& columns,
                   const std::vector<ParsedLine>& lines, ImportContext* ctx) {
  const std::string& school_id = ctx->actor.school_id;
  std::vector<StaffLine> rows;
  std::map<std::string, int64_t> seen;
  for (const ParsedLine& line : lines) {
    StaffLine s{line.line, {}, std::nullopt};
    auto issues = domain::ParseStaffRow(columns, line.Views(), &s.row);
    for (auto& issue : issues) ctx->Error(line.line, issue.field, issue.message);
    bool duplicate = false;
    if (!s.row.login.empty()) {
      auto [it, inserted] = seen.emplace(s.row.login, line.line);
      duplicate = !inserted;
      if (duplicate)
        ctx->Error(line.line, "login",
                   "login \"" + s.row.login + "\" appears twice (also on line " +
                       std::to_string(it->second) + ")");
    }
    if (issues.empty() && !duplicate) rows.push_back(std::move(s));
  }
  // The database checks, still before any write.
  std::set<std::string> admins_in_file;
  for (StaffLine& s : rows) {
    SP_ASSIGN_OR_RETURN(std::string problem, LoginDomainProblem(c, ctx, s.row.login, s.row.role));
    if (!problem.empty()) {
      ctx->Error(s.line, "login", "login " + problem);
      continue;
    }
    SP_ASSIGN_OR_RETURN(db::Rows found,
                        c.Query("SELECT id, role, password_hash FROM users WHERE school_id = $1 "
                                "AND login = $2",
                                {school_id, s.row.login}));
    if (!found.empty()) {
      s.existing =
          SchoolLogin{found.rows[0].Text(0),
                      domain::ParseRole(found.rows[0].Text(1)).value_or(domain::Role::kStudent),
                      !found.rows[0].IsNull(2)};
      if (s.existing->role == domain::Role::kStudent ||
          s.existing->role == domain::Role::kCompanyContact) {
        ctx->Error(s.line, "role",
                   "login \"" + s.row.login + "\" is a " +
                       std::string(domain::RoleName(s.existing->role)) +
                       " login; the staff import does not change it");
      }
    }
    if (s.row.role == domain::Role::kSchoolAdmin) admins_in_file.insert(s.row.login);
  }
  // The school keeps an admin: demoting every admin in one file is refused.
  SP_ASSIGN_OR_RETURN(db::Rows admins,
                      c.Query("SELECT login FROM users WHERE school_id = $1 AND role = 'admin' AND "
                              "disabled = 0",
                              {school_id}));
  if (!admins.empty() && admins_in_file.empty()) {
    bool kept = false;
    for (const db::Row& r : admins.rows) kept = kept || seen.find(r.Text(0)) == seen.end();
    if (!kept) {
      for (const StaffLine& s : rows)
        if (s.existing && s.existing->role == domain::Role::kSchoolAdmin) {
          ctx->Error(s.line, "role", "this would leave the school without an admin");
          break;
        }
    }
  }
  if (ctx->failed()) return Status::Ok();

  const bool invite = ctx->options->invite_staff;
  for (const StaffLine& s : rows) {
    std::string id;
    if (!s.existing) {
      SP_ASSIGN_OR_RETURN(id, CreateImportedLogin(c, ctx, s.row.login, s.row.name, s.row.role,
                                                  /*invite=*/false));
      if (!s.row.email.empty()) {
        auth::Accounts::UserChange change;
        change.email = s.row.email;
        SP_RETURN_IF_ERROR(ctx->accounts->UpdateUser(c, school_id, id, change).status());
      }
      ++ctx->report->inserted;
    } else {
      id = s.existing->id;
      auth::Accounts::UserChange change;
      change.display_name = s.row.name;
      change.role = s.row.role;
      if (!s.row.email.empty()) change.email = s.row.email;
      SP_ASSIGN_OR_RETURN(std::vector<std::string> changed,
                          ctx->accounts->UpdateUser(c, school_id, id, change));
      if (changed.empty()) {
        ++ctx->report->unchanged;
      } else {
        ++ctx->report->updated;
        std::string fields;
        for (const std::string& f : changed) fields += (fields.empty() ? "" : ",") + f;
        // The changed fields' names, never their values.
        SP_RETURN_IF_ERROR(ctx->audit->Append(
            c, audit::Entry{school_id, ctx->actor.id, "user.update", "user", id, fields}));
      }
    }
    // New logins, and old ones never used, get a (fresh) invitation.
    if (invite && ctx->options->outbox != nullptr && (!s.existing || !s.existing->active)) {
      SP_ASSIGN_OR_RETURN(auth::SentInvitation sent,
                          auth::SendInvitation(c, *ctx->clock, *ctx->options->outbox, id));
      if (sent.queued) ++ctx->report->invitations;
      SP_RETURN_IF_ERROR(Audit(c, *ctx->audit, ctx->actor, "user.invite", "user", id));
    }
  }
  return Status::Ok();
}

Status ImportCompaniesAndContacts(db::Connection& c, const domain::ColumnMap& columns,
                                  const std::vector<ParsedLine>& lines, ImportContext* ctx) {
  const std::string& school_id = ctx->actor.school_id;
  struct ContactLine {
    int64_t line;
    domain::CompanyRow row;
    std::optional<SchoolLogin> existing;
  };
  std::vector<ContactLine> contacts;
  std::map<std::string, int64_t> seen;
  // Lines with field problems are reported by ImportCompanies; here only the
  // contact columns of good lines are checked, before anything is written.
  for (const ParsedLine& line : lines) {
    ContactLine l{line.line, {}, std::nullopt};
    if (!domain::ParseCompanyRow(columns, line.Views(), &l.row).empty()) continue;
    if (l.row.contact_email.empty()) continue;
    auto [it, inserted] = seen.emplace(l.row.contact_email, line.line);
    if (!inserted) {
      ctx->Error(line.line, "contact_email",
                 "contact_email \"" + l.row.contact_email + "\" appears twice (also on line " +
                     std::to_string(it->second) + "); a contact speaks for one company");
      continue;
    }
    SP_ASSIGN_OR_RETURN(l.existing, FindSchoolLogin(c, school_id, l.row.contact_email));
    if (l.existing) {
      if (l.existing->role != domain::Role::kCompanyContact)
        ctx->Error(line.line, "contact_email",
                   "contact_email \"" + l.row.contact_email +
                       "\" belongs to a login that is not a company contact");
    } else {
      SP_ASSIGN_OR_RETURN(std::string problem, LoginDomainProblem(c, ctx, l.row.contact_email,
                                                                  domain::Role::kCompanyContact));
      if (!problem.empty()) ctx->Error(line.line, "contact_email", "contact_email " + problem);
    }
    contacts.push_back(std::move(l));
  }
  // Reports the companies' own problems too, and writes nothing if any.
  SP_RETURN_IF_ERROR(ImportCompanies(c, columns, lines, ctx));
  if (ctx->failed()) return Status::Ok();
  for (const ContactLine& l : contacts) {
    SP_ASSIGN_OR_RETURN(
        db::Rows company,
        c.Query("SELECT id FROM companies WHERE leerbedrijf_id = $1", {l.row.leerbedrijf_id}));
    if (company.empty()) return Status::Internal("imported company missing");
    std::string company_id = company.rows[0].Text(0);
    std::string user_id;
    if (l.existing) {
      user_id = l.existing->id;
    } else {
      SP_ASSIGN_OR_RETURN(user_id,
                          CreateImportedLogin(c, ctx, l.row.contact_email, l.row.contact_name,
                                              domain::Role::kCompanyContact, /*invite=*/true));
    }
    SP_ASSIGN_OR_RETURN(
        db::Rows linked,
        c.Query("SELECT company_id FROM company_contacts WHERE user_id = $1", {user_id}));
    if (!linked.empty() && linked.rows[0].Text(0) == company_id) continue;
    SP_RETURN_IF_ERROR(
        c.Execute("INSERT INTO company_contacts(user_id, company_id, created_at) VALUES ($1, $2, "
                  "$3) ON CONFLICT (user_id) DO UPDATE SET company_id = excluded.company_id",
                  {user_id, company_id, ctx->now})
            .status());
    ++ctx->report->logins_linked;
    SP_RETURN_IF_ERROR(Audit(c, *ctx->audit, ctx->actor, "user.link", "company", company_id));
  }
  return Status::Ok();
}

}  // namespace internal

namespace {

using internal::ImportContext;
using internal::ParsedLine;

constexpr size_t kMaxImportBytes = 64u << 20;
constexpr size_t kMaxReportedErrors = 500;

// The 1-based line of the first byte that is not valid UTF-8.
int64_t FirstBadUtf8Line(std::string_view content) {
  int64_t line = 1;
  size_t start = 0;
  while (start < content.size()) {
    size_t nl = content.find('\n', start);
    if (nl == std::string_view::npos) nl = content.size();
    if (!common::IsValidUtf8(content.substr(start, nl - start))) return line;
    ++line;
    start = nl + 1;
  }
  return 0;
}

// Reads the header and every record; field problems go to the report.
bool ReadLines(std::string_view content, domain::ImportKind kind, ImportContext* ctx,
               domain::ColumnMap* columns, std::vector<ParsedLine>* lines) {
  CsvText csv(content);
  std::vector<std::string> fields;
  std::string error;
  if (!csv.Next(&fields, &error)) {
    if (error.empty()) {
      ctx->Error(1, "", "the file is empty", "het bestand is leeg");
    } else {
      ctx->Error(csv.line(), "", error);
    }
    return false;
  }
  // A spreadsheet saved as "CSV" with Dutch settings separates by
  // semicolons: the header is then one field with ';' in it. Say so, rather
  // than naming every column as missing.
  if (fields.size() == 1 && fields[0].find(';') != std::string::npos) {
    ctx->Error(csv.line(), "",
               "the file is separated by semicolons (;); save it as \"CSV UTF-8 (comma "
               "delimited)\" so that commas separate the columns",
               "het bestand is gescheiden door puntkomma's (;); sla het op als \"CSV UTF-8 "
               "(door komma's gescheiden)\", zodat komma's de kolommen scheiden");
    return false;
  }
  std::vector<std::string_view> header(fields.begin(), fields.end());
  std::vector<domain::FieldIssue> issues;
  *columns = domain::MapColumns(kind, header, &issues);
  for (auto& issue : issues) ctx->Error(csv.line(), issue.field, issue.message, issue.message_nl);
  if (!issues.empty()) return false;
  while (csv.Next(&fields, &error)) {
    ParsedLine line;
    line.line = csv.line();
    line.fields = std::move(fields);
    lines->push_back(std::move(line));
    fields = {};
  }
  if (!error.empty()) {
    ctx->Error(csv.line(), "", error);
    return false;
  }
  if (lines->empty())
    ctx->Error(1, "", "the file has a header but no data lines",
               "het bestand heeft een kopregel maar geen regels met gegevens");
  return true;
}

// Who may import, what one line means and how it is applied: the parts
// that differ between the import kinds.
using ApplyFn = Status (*)(db::Connection&, const domain::ColumnMap&,
                           const std::vector<ParsedLine>&, ImportContext*);

// Reads the whole file, validates it through `apply` and applies it in one
// write transaction (or nothing), audits `action` when applied.
StatusOr<ImportReport> RunImport(db::Database& db, const common::Clock& clock,
                                 const audit::AuditLog& audit, const auth::User& actor,
                                 domain::ImportKind kind, std::string_view file_name,
                                 std::string_view content, std::string_view action, ApplyFn apply,
                                 const ImportOptions& options) {
  ImportReport report;
  report.file_name = std::string(file_name);
  auth::Accounts accounts(db, clock);
  ImportContext ctx{
      actor, clock.NowMillis(), internal::Today(clock), &report, &options, &accounts, &audit,
      &clock};
  if (content.size() > kMaxImportBytes) {
    ctx.Error(0, "", "the file is larger than 64 MB");
    return report;
  }
  if (int64_t bad = FirstBadUtf8Line(content); bad > 0) {
    ctx.Error(bad, "", "the text is not UTF-8 (save the file as CSV UTF-8)",
              "de tekst is geen UTF-8 (sla het bestand op als CSV UTF-8)");
    return report;
  }
  domain::ColumnMap columns;
  std::vector<ParsedLine> lines;
  if (!ReadLines(content, kind, &ctx, &columns, &lines)) return report;
  report.rows = static_cast<int64_t>(lines.size());

  Status s = db.Write([&](db::Connection& c) -> Status {
    // Counts and errors are rebuilt if the transaction is retried.
    report.inserted = report.updated = report.unchanged = 0;
    report.logins_created = report.logins_linked = report.invitations = 0;
    report.errors.clear();
    SP_RETURN_IF_ERROR(apply(c, columns, lines, &ctx));
    if (!report.errors.empty()) {
      // Nothing was written: the kinds validate every line before applying.
      report.inserted = report.updated = report.unchanged = 0;
      report.logins_created = report.logins_linked = report.invitations = 0;
      return Status::Ok();
    }
    report.applied = true;
    return internal::Audit(c, audit, actor, std::string(action), "import", domain::Name(kind));
  });
  if (!s.ok()) return s;
  std::stable_sort(report.errors.begin(), report.errors.end(),
                   [](const ImportError& a, const ImportError& b) { return a.line < b.line; });
  if (report.errors.size() > kMaxReportedErrors) {
    size_t more = report.errors.size() - kMaxReportedErrors;
    int64_t last = report.errors[kMaxReportedErrors - 1].line;
    report.errors.resize(kMaxReportedErrors);
    report.errors.push_back({last, "", "... and " + std::to_string(more) + " more problems",
                             "... en nog " + std::to_string(more) + " problemen"});
  }
  return report;
}

}  // namespace

StatusOr<ImportReport> Stagematching::Import(const auth::User& actor, domain::ImportKind kind,
                                             std::string_view file_name, std::string_view content,
                                             const ImportOptions& options) {
  // Staff logins are the school admin's; so may students be (their logins).
  const bool admin = !actor.school_id.empty() &&
                     domain::HasPermission(actor.role, domain::Permission::kManageSchoolUsers);
  if (kind == domain::ImportKind::kStaff) {
    if (!admin) return Status::PermissionDenied("only the school admin imports staff");
  } else if (!(kind == domain::ImportKind::kStudents && admin)) {
    SP_RETURN_IF_ERROR(internal::RequireCoordinator(actor));
  }
  ApplyFn apply = internal::ImportStudents;
  switch (kind) {
    case domain::ImportKind::kStudents:
      apply = internal::ImportStudents;
      break;
    case domain::ImportKind::kCompanies:
      apply = internal::ImportCompaniesAndContacts;
      break;
    case domain::ImportKind::kPlaces:
      apply = internal::ImportPlaces;
      break;
    case domain::ImportKind::kStaff:
      apply = internal::ImportStaff;
      break;
    case domain::ImportKind::kBpv:
      apply = internal::ImportBpv;
      break;
  }
  return RunImport(db_, clock_, audit_, actor, kind, file_name, content,
                   kind == domain::ImportKind::kStaff ? "user.import" : "placement.import", apply,
                   options);
}

StatusOr<ImportReport> Stagematching::ImportRegister(const auth::User& actor,
                                                     std::string_view file_name,
                                                     std::string_view content) {
  if (!domain::HasPermission(actor.role, domain::Permission::kManageSchools))
    return Status::PermissionDenied("only the system admin imports the register");
  return RunImport(db_, clock_, audit_, actor, domain::ImportKind::kCompanies, file_name, content,
                   "register.import", internal::ImportRegister, ImportOptions{});
}

}  // namespace placement
