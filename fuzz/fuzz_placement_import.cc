// Fuzz target: a CSV import file as uploaded to /stagematching/import or read
// by `stagepunt import` (students, companies or places).
//
// Input: the first byte picks the kind, the rest is the file. Runs what
// Stagematching::Import does before it touches the database: placement's
// in-memory CSV reader (placement/csv_text.cc), the header mapping and the
// field checks of every line (domain/placement.h). Checks: line numbers only
// grow, and a line that parses has the required fields filled.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "common/utf8.h"
#include "domain/placement.h"
#include "placement/csv_text.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

std::vector<std::string_view> Views(const std::vector<std::string>& fields) {
  return std::vector<std::string_view>(fields.begin(), fields.end());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const domain::ImportKind kind = static_cast<domain::ImportKind>(data[0] % 3);
  std::string_view content(reinterpret_cast<const char*>(data) + 1, size - 1);

  placement::CsvText csv(content);
  std::vector<std::string> fields;
  std::string error;
  if (!csv.Next(&fields, &error)) return 0;
  std::vector<domain::FieldIssue> issues;
  domain::ColumnMap columns = domain::MapColumns(kind, Views(fields), &issues);
  Check(columns.index.size() == columns.names.size());
  int64_t last_line = csv.line();
  int rows = 0;
  while (csv.Next(&fields, &error) && ++rows < 2000) {
    Check(csv.line() > last_line);
    last_line = csv.line();
    if (!issues.empty()) continue;  // the import stops at a bad header
    std::vector<std::string_view> record = Views(fields);
    // Stagematching::Import rejects a file with a non-UTF-8 line first; on
    // UTF-8 input every message (shown in a page or a terminal) stays UTF-8.
    bool utf8 = true;
    for (std::string_view f : record) utf8 = utf8 && common::IsValidUtf8(f);
    if (!utf8) continue;
    std::vector<domain::FieldIssue> line_issues;
    switch (kind) {
      case domain::ImportKind::kStudents: {
        domain::StudentRow row;
        line_issues = domain::ParseStudentRow(columns, record, &row);
        if (line_issues.empty()) {
          Check(!row.student_number.empty() && !row.name.empty());
          Check(domain::IsCrebo(row.crebo));
        }
        break;
      }
      case domain::ImportKind::kCompanies: {
        domain::CompanyRow row;
        line_issues = domain::ParseCompanyRow(columns, record, &row);
        if (line_issues.empty()) {
          Check(!row.leerbedrijf_id.empty() && !row.name.empty());
          if (row.coordinates) Check(domain::ValidCoordinates(row.coordinates->lat, row.coordinates->lon));
        }
        break;
      }
      case domain::ImportKind::kPlaces: {
        domain::PlaceRow row;
        line_issues = domain::ParsePlaceRow(columns, record, &row);
        if (line_issues.empty()) {
          Check(!row.leerbedrijf_id.empty() && domain::IsCrebo(row.crebo));
          Check(row.capacity >= 0 && row.capacity <= 1000);
        }
        break;
      }
    }
    for (const auto& issue : line_issues) Check(common::IsValidUtf8(issue.message));
  }
  return 0;
}
