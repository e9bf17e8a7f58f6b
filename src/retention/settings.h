// File: retention/settings.h
//
// A school's retention periods: the catalogue's default (domain/retention.h)
// unless the school admin chose another value within the catalogue's bounds.
// Owner of the `school_retention` table. The retention job, the admin's
// retention page and the privacy page all read periods here.
//
//   SP_ASSIGN_OR_RETURN(retention::Periods periods, retention::LoadPeriods(conn, school_id));
//   int months = periods.Value("students");
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"
#include "db/database.h"
#include "domain/retention.h"

namespace retention {

// The periods in force at one school, one value per catalogue key.
class Periods {
 public:
  // The value of `key` (a domain::RetentionPeriods() key) in the period's
  // unit. A key outside the catalogue is a programming error (asserts).
  int Value(std::string_view key) const;
  // Whether the school chose this value (false: the catalogue's default).
  bool IsChosen(std::string_view key) const;

 private:
  friend common::StatusOr<Periods> LoadPeriods(db::Connection& c, std::string_view school_id);
  std::map<std::string, int, std::less<>> chosen_;
};

common::StatusOr<Periods> LoadPeriods(db::Connection& c, std::string_view school_id);

// Sets one period in the caller's transaction. InvalidArgument with the key
// as field for an unknown key or a value outside the bounds. The caller
// audits the change.
common::Status SetPeriod(db::Connection& c, std::string_view school_id, std::string_view key,
                         int value, std::string_view updated_by, common::UnixMillis now);

// The day a student left the school (YYYY-MM-DD), which starts their
// record's retention ("students"); "" clears it (still enrolled). In the
// caller's transaction; InvalidArgument with field "left_on" for a date that
// is not a real YYYY-MM-DD, NotFound for a student of another school. The
// caller audits the change.
common::Status SetStudentLeftOn(db::Connection& c, std::string_view school_id,
                                std::string_view student_id, std::string_view left_on);
// The stored day, or "".
common::StatusOr<std::string> StudentLeftOn(db::Connection& c, std::string_view school_id,
                                            std::string_view student_id);

}  // namespace retention
