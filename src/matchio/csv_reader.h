// File: matchio/csv_reader.h
//
// Streaming reader for RFC 4180 CSV: comma separated, fields optionally in
// double quotes (a quote inside is doubled, and quoted fields may span lines),
// CRLF or LF line ends, an optional UTF-8 byte order mark. Memory use is one
// buffer of about a megabyte (more only for a single huge record), so inputs
// of any size stream through.
//
//   SP_ASSIGN_OR_RETURN(std::unique_ptr<CsvReader> csv, CsvReader::Open(path));
//   std::vector<std::string_view> fields;
//   common::Status status;
//   while (csv->Next(&fields, &status)) { ... csv->line() ... }
//   SP_RETURN_IF_ERROR(status);
//
// Completely blank lines are skipped. Errors are InvalidArgument with the
// message "PATH:LINE: what is wrong".
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/utf8.h"

namespace matchio {

class CsvReader {
 public:
  // Fails (InvalidArgument, line 0) when the file cannot be opened.
  static common::StatusOr<std::unique_ptr<CsvReader>> Open(const std::string& path);
  ~CsvReader();
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  // Reads the next record. The views stay valid until the next call. Returns
  // false at the end of the file, or on error with *status set.
  bool Next(std::vector<std::string_view>* fields, common::Status* status);

  // 1-based line on which the last record returned started.
  int64_t line() const { return record_line_; }
  const std::string& path() const { return path_; }

  // "PATH:LINE: message" for the last record, as InvalidArgument.
  common::Status ErrorAtLine(std::string_view message) const;

 private:
  CsvReader(std::string path, std::FILE* file);
  // Moves the unread tail to the front, grows the buffer if it is full, and
  // reads more. False when nothing more could be read.
  bool Refill();
  // Finds the end (index of '\n', or end of data at EOF) of the record that
  // starts at pos_; -1 if more data is needed. Counts the newlines inside.
  int64_t FindRecordEnd(bool* has_quote, int64_t* newlines) const;
  bool SplitQuoted(int64_t end, std::vector<std::string_view>* fields, common::Status* status);

  std::string path_;
  std::FILE* file_;
  std::vector<char> buffer_;
  int64_t pos_ = 0;  // start of unread data
  int64_t end_ = 0;  // end of valid data
  bool eof_ = false;
  bool at_start_ = true;
  int64_t next_line_ = 1;
  int64_t record_line_ = 0;
};

// Ids and text fields must be well-formed UTF-8 (one definition, in common/).
using common::IsValidUtf8;

}  // namespace matchio
