// File: placement/csv_text.h
//
// RFC 4180 CSV held in memory (an uploaded import file): comma separated,
// fields optionally in double quotes (a quote inside is doubled; quoted fields
// may span lines), CRLF or LF line ends, an optional UTF-8 byte order mark.
// The same dialect as matchio::CsvReader, which streams files from disk; an
// upload is already in memory, so this one works on a string_view instead.
//
//   CsvText csv(content);
//   std::vector<std::string> fields;
//   std::string error;
//   while (csv.Next(&fields, &error)) { ... csv.line() ... }
//   if (!error.empty()) { ... "line " << csv.line() << ": " << error ... }
//
// Completely blank lines are skipped.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace placement {

class CsvText {
 public:
  explicit CsvText(std::string_view content);

  // Reads the next record into `fields`. Returns false at the end, or on a
  // malformed record with `*error` set (reading stops there: after a broken
  // quote the rest of the file cannot be trusted).
  bool Next(std::vector<std::string>* fields, std::string* error);

  // 1-based line on which the last record returned (or the error) started.
  int64_t line() const { return record_line_; }

 private:
  // True at the end of the data or of a line (LF, CRLF, or a final CR).
  bool LineEnd(size_t i) const;
  // Reads a quoted field starting at the quote under pos_ into `field`.
  bool ReadQuoted(std::string* field, std::string* error);

  std::string_view data_;
  size_t pos_ = 0;
  int64_t next_line_ = 1;
  int64_t record_line_ = 0;
};

}  // namespace placement
