// File: monitor/export.h
//
// The yearly report as files for the board, the Inspectie and the Stagepact
// monitor: CSV (UTF-8 with BOM so spreadsheets read accents; fields written
// by common/csv.h: RFC 4180 quoting, text guarded against formulas) and XLSX
// (libxlsxwriter). Cells are text; a cell that is a plain number becomes a
// number in XLSX and is written as a number (unguarded) in the CSV. Suppressed numbers arrive as "<5" or a word, never as a
// value.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace monitor {

struct ExportSheet {
  std::string name;                            // at most 31 characters (an XLSX limit)
  std::vector<std::vector<std::string>> rows;  // the first row is the header
};

std::string ToCsv(const ExportSheet& sheet);
// Writes through a private temporary file (libxlsxwriter 1.1.4 has no memory
// output), returns its bytes and removes it.
common::StatusOr<std::string> ToXlsx(const std::vector<ExportSheet>& sheets);

}  // namespace monitor
