// Imports: students, leerbedrijven and leerplaatsen from CSV, validated whole
// and applied in one transaction, or not at all.
#include <algorithm>
#include <map>
#include <set>

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
  report->errors.push_back({line, std::move(field), std::move(message)});
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
    ctx->Error(error.empty() ? 1 : csv.line(), "", error.empty() ? "the file is empty" : error);
    return false;
  }
  std::vector<std::string_view> header(fields.begin(), fields.end());
  std::vector<domain::FieldIssue> issues;
  *columns = domain::MapColumns(kind, header, &issues);
  for (auto& issue : issues) ctx->Error(csv.line(), issue.field, issue.message);
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
  if (lines->empty()) ctx->Error(1, "", "the file has a header but no data lines");
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
                                 std::string_view content, std::string_view action, ApplyFn apply) {
  ImportReport report;
  report.file_name = std::string(file_name);
  ImportContext ctx{actor, clock.NowMillis(), internal::Today(clock), &report};
  if (content.size() > kMaxImportBytes) {
    ctx.Error(0, "", "the file is larger than 64 MB");
    return report;
  }
  if (int64_t bad = FirstBadUtf8Line(content); bad > 0) {
    ctx.Error(bad, "", "the text is not UTF-8 (save the file as CSV UTF-8)");
    return report;
  }
  domain::ColumnMap columns;
  std::vector<ParsedLine> lines;
  if (!ReadLines(content, kind, &ctx, &columns, &lines)) return report;
  report.rows = static_cast<int64_t>(lines.size());

  Status s = db.Write([&](db::Connection& c) -> Status {
    // Counts and errors are rebuilt if the transaction is retried.
    report.inserted = report.updated = report.unchanged = 0;
    report.errors.clear();
    SP_RETURN_IF_ERROR(apply(c, columns, lines, &ctx));
    if (!report.errors.empty()) {
      // Nothing was written: the kinds validate every line before applying.
      report.inserted = report.updated = report.unchanged = 0;
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
    report.errors.push_back({last, "", "... and " + std::to_string(more) + " more problems"});
  }
  return report;
}

}  // namespace

StatusOr<ImportReport> Stagematching::Import(const auth::User& actor, domain::ImportKind kind,
                                             std::string_view file_name, std::string_view content) {
  SP_RETURN_IF_ERROR(internal::RequireCoordinator(actor));
  ApplyFn apply = internal::ImportStudents;
  switch (kind) {
    case domain::ImportKind::kStudents:
      apply = internal::ImportStudents;
      break;
    case domain::ImportKind::kCompanies:
      apply = internal::ImportCompanies;
      break;
    case domain::ImportKind::kPlaces:
      apply = internal::ImportPlaces;
      break;
  }
  return RunImport(db_, clock_, audit_, actor, kind, file_name, content, "placement.import", apply);
}

StatusOr<ImportReport> Stagematching::ImportRegister(const auth::User& actor,
                                                     std::string_view file_name,
                                                     std::string_view content) {
  if (!domain::HasPermission(actor.role, domain::Permission::kManageSchools))
    return Status::PermissionDenied("only the system admin imports the register");
  return RunImport(db_, clock_, audit_, actor, domain::ImportKind::kCompanies, file_name, content,
                   "register.import", internal::ImportRegister);
}

}  // namespace placement
