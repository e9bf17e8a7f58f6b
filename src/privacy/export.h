// File: privacy/export.h
//
// Everything stored about one student or company contact (AVG art. 15 and
// 20), built from the retention catalogue (domain/retention.h): every table
// whose rule names a subject column, queried by the person's users.id or
// students.id, and the rows that hang on those rows (a rule "with parent"
// without a subject column, joined through the schema's foreign key). A new
// table with a rule is in the download without new code here.
//
// Secrets of the account never leave: WithheldColumns() names each with the
// reason, and any binary value (sealed boxes, keys) is withheld as well. The
// row itself is still shown ("a session exists, made on ..."), its secret is
// not.
//
// Reports (cases) are not linked to an account by design: the reporter is
// anonymous or confidential, and reaches the report with its code.
//
//   SP_ASSIGN_OR_RETURN(privacy::Person p, privacy::FindPerson(c, school_id, user_id));
//   SP_ASSIGN_OR_RETURN(std::vector<privacy::TableRows> data, privacy::Collect(c, p));
//   nlohmann::json j = privacy::ToJson(p, data, now);
#pragma once

#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "db/database.h"
#include "domain/retention.h"

namespace privacy {

// Whom a download is about: the account, and for a student their record.
struct Person {
  std::string school_id;
  std::string user_id;
  std::string student_id;  // "" when the account has no student record
};

// The person behind a user of the school: NotFound for another school's.
common::StatusOr<Person> FindPerson(db::Connection& c, std::string_view school_id,
                                    std::string_view user_id);

// A column that is never exported, and why (in English, for the JSON; the
// page shows "rights_withheld_<reason_key>").
struct Withheld {
  std::string_view table;
  std::string_view column;
  std::string_view reason_key;
  std::string_view reason;
};
std::span<const Withheld> WithheldColumns();
bool IsWithheld(std::string_view table, std::string_view column);

// One table's rows about the person. A withheld value (a listed column, or
// any binary value) is left out: NULL in `rows`, true in `withheld`.
struct TableRows {
  const domain::RetentionRule* rule = nullptr;
  std::vector<std::string> columns;
  std::vector<std::vector<db::Value>> rows;
  std::vector<std::vector<bool>> withheld;  // per cell
};

// Every catalogued table's rows about the person, in catalogue order
// (tables without rows included, with none).
common::StatusOr<std::vector<TableRows>> Collect(db::Connection& c, const Person& person);

// The download: {"format", "generated_at", "person", "tables": [{table,
// purpose, retention, rows: [{column: value}]}], "withheld", "reports"}.
nlohmann::json ToJson(const Person& person, const std::vector<TableRows>& data,
                      common::UnixMillis now);

}  // namespace privacy
