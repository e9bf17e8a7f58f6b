#include "monitor/export.h"

#include <unistd.h>
#include <xlsxwriter.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "common/csv.h"

namespace monitor {

namespace {

bool IsNumber(const std::string& v, double* out) {
  if (v.empty() || v.size() > 30) return false;
  char* end = nullptr;
  *out = std::strtod(v.c_str(), &end);
  return end == v.c_str() + v.size() && v.find_first_not_of("-0123456789.") == std::string::npos;
}

}  // namespace

std::string ToCsv(const ExportSheet& sheet) {
  std::string out = "\xEF\xBB\xBF";
  for (const auto& row : sheet.rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      if (i > 0) out.push_back(',');
      // A cell the XLSX writes as a number is a number in the CSV too; any
      // other cell is text, guarded against formulas.
      double number = 0;
      if (IsNumber(row[i], &number)) {
        common::AppendCsvNumber(row[i], &out);
      } else {
        common::AppendCsvText(row[i], &out);
      }
    }
    out += "\r\n";
  }
  return out;
}

common::StatusOr<std::string> ToXlsx(const std::vector<ExportSheet>& sheets) {
  const char* tmp = std::getenv("TMPDIR");
  std::string path = std::string(tmp && *tmp ? tmp : "/tmp") + "/stagepunt-xlsx-XXXXXX";
  int fd = mkstemp(path.data());
  if (fd < 0) return common::Status::Internal("cannot create a temporary file");
  close(fd);
  lxw_workbook* wb = workbook_new(path.c_str());
  if (!wb) {
    unlink(path.c_str());
    return common::Status::Internal("cannot start the workbook");
  }
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  for (const ExportSheet& sheet : sheets) {
    lxw_worksheet* ws = workbook_add_worksheet(wb, sheet.name.substr(0, 31).c_str());
    for (size_t r = 0; r < sheet.rows.size(); ++r) {
      for (size_t c = 0; c < sheet.rows[r].size(); ++c) {
        const std::string& v = sheet.rows[r][c];
        double number = 0;
        auto row = static_cast<lxw_row_t>(r);
        auto col = static_cast<lxw_col_t>(c);
        if (r > 0 && IsNumber(v, &number)) {
          worksheet_write_number(ws, row, col, number, nullptr);
        } else {
          worksheet_write_string(ws, row, col, v.c_str(), r == 0 ? bold : nullptr);
        }
      }
    }
    worksheet_set_column(ws, 0, 0, 48, nullptr);
    worksheet_set_column(ws, 1, 8, 14, nullptr);
  }
  lxw_error err = workbook_close(wb);
  std::string bytes;
  if (err == LXW_NO_ERROR) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream buf;
    buf << in.rdbuf();
    bytes = buf.str();
  }
  unlink(path.c_str());
  if (err != LXW_NO_ERROR || bytes.empty())
    return common::Status::Internal("cannot write the workbook");
  return bytes;
}

}  // namespace monitor
