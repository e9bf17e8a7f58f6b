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
  void Error(int64_t line, std::string field, std::string message);
  bool failed() const { return !report->errors.empty(); }
};

common::Status ImportStudents(db::Connection& c, const domain::ColumnMap& columns,
                              const std::vector<ParsedLine>& lines, ImportContext* ctx);
common::Status ImportCompanies(db::Connection& c, const domain::ColumnMap& columns,
                               const std::vector<ParsedLine>& lines, ImportContext* ctx);
common::Status ImportPlaces(db::Connection& c, const domain::ColumnMap& columns,
                            const std::vector<ParsedLine>& lines, ImportContext* ctx);
// The deployment's register (the companies' shared facts), from the same
// columns as a school's companies import (import_register.cc).
common::Status ImportRegister(db::Connection& c, const domain::ColumnMap& columns,
                              const std::vector<ParsedLine>& lines, ImportContext* ctx);

}  // namespace placement::internal
