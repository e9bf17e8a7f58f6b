// File: common/csv.h
//
// The one CSV writer. Every CSV file Stagepunt writes (the BPVO export, the
// monitor's CSV, the placements and matching-io files of a round, the
// `match` command's output) builds its fields with these functions, so the
// quoting rule and the formula guard live here and nowhere else. Readers are
// elsewhere (matchio's loaders, placement's imports).
//
//   std::string line;
//   common::AppendCsvText(student_number, &line);   // text: guarded, quoted
//   line.push_back(',');
//   common::AppendCsvNumber(hours, &line);          // a number stays a number
//   line.push_back('\n');                           // the caller ends the line
//
// Quoting (RFC 4180): a field that contains a comma, a double quote, CR or LF
// is written between double quotes, with every double quote doubled; any
// other field is written as it is.
//
// Formula guard (OWASP, CSV injection): a spreadsheet that opens a CSV may run
// a cell that starts with = + - @ as a formula (=HYPERLINK, DDE, ...), and
// some skip a leading TAB or CR before looking. So a text field that starts
// with = + - @ TAB or CR gets a leading apostrophe, which spreadsheets take
// as "this is text" and do not show; then the quoting rule applies.
//
// Three kinds of field, chosen by the caller per column:
//   AppendCsvText    text that came from anyone (names, ids, codes, labels):
//                    guarded and quoted. The default.
//   AppendCsvNumber  a number. An integer, or a string that is a plain decimal
//                    (an optional '-', digits, optionally '.' and digits) is
//                    written as it is, so -1 stays the number -1; any other
//                    string passed as a number is written as text (guarded),
//                    so this path cannot carry a formula.
//   AppendCsvExact   quoted but not guarded, for machine formats whose spec
//                    says a field is read back byte for byte: the matching-io
//                    files (shared spec matching-io.md: ids are any non-empty
//                    string and must be the same in every file, so an added
//                    apostrophe would make "-7" a different student). Never for
//                    a file meant to be opened in a spreadsheet.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace common {

// True when a spreadsheet could read `field` as a formula: it starts with
// = + - @ TAB or CR.
bool CsvLooksLikeFormula(std::string_view field);

// True when `field` is a plain decimal: -?[0-9]+(\.[0-9]+)?
bool CsvIsPlainNumber(std::string_view field);

void AppendCsvText(std::string_view text, std::string* out);
void AppendCsvNumber(int64_t number, std::string* out);
void AppendCsvNumber(std::string_view number, std::string* out);
void AppendCsvExact(std::string_view field, std::string* out);

}  // namespace common
