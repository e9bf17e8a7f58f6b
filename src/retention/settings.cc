#include "retention/settings.h"

#include <cassert>
#include <string>

#include "domain/calendar.h"

namespace retention {

using common::Status;
using common::StatusOr;

int Periods::Value(std::string_view key) const {
  const domain::RetentionPeriod* period = domain::FindRetentionPeriod(key);
  assert(period != nullptr);
  if (period == nullptr) return 0;
  auto it = chosen_.find(key);
  return it == chosen_.end() ? period->default_value : it->second;
}

bool Periods::IsChosen(std::string_view key) const { return chosen_.contains(key); }

StatusOr<Periods> LoadPeriods(db::Connection& c, std::string_view school_id) {
  SP_ASSIGN_OR_RETURN(
      db::Rows rows,
      c.Query("SELECT period_key, value FROM school_retention WHERE school_id = $1", {school_id}));
  Periods out;
  for (const db::Row& r : rows.rows) {
    const domain::RetentionPeriod* period = domain::FindRetentionPeriod(r.Text(0));
    // A value outside today's bounds (a catalogue that tightened) is not
    // used; the default applies until the admin chooses again.
    if (period == nullptr || !domain::RetentionValueAllowed(*period, static_cast<int>(r.Int(1)))) {
      continue;
    }
    out.chosen_[r.Text(0)] = static_cast<int>(r.Int(1));
  }
  return out;
}

Status SetPeriod(db::Connection& c, std::string_view school_id, std::string_view key, int value,
                 std::string_view updated_by, common::UnixMillis now) {
  const domain::RetentionPeriod* period = domain::FindRetentionPeriod(key);
  if (period == nullptr)
    return Status::InvalidArgument("unknown retention period", std::string(key));
  if (!domain::RetentionValueAllowed(*period, value)) {
    return Status::InvalidArgument("must be between " + std::to_string(period->min_value) +
                                       " and " + std::to_string(period->max_value),
                                   std::string(key));
  }
  return c
      .Execute(
          "INSERT INTO school_retention (school_id, period_key, value, updated_at, updated_by) "
          "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (school_id, period_key) DO UPDATE SET "
          "value = excluded.value, updated_at = excluded.updated_at, updated_by = "
          "excluded.updated_by",
          {school_id, key, static_cast<int64_t>(value), now, updated_by})
      .status();
}

Status SetStudentLeftOn(db::Connection& c, std::string_view school_id, std::string_view student_id,
                        std::string_view left_on) {
  if (!left_on.empty() && !domain::ParseDate(left_on)) {
    return Status::InvalidArgument("not a date (YYYY-MM-DD)", "left_on");
  }
  SP_ASSIGN_OR_RETURN(int64_t n,
                      c.Execute("UPDATE students SET left_on = $1 WHERE id = $2 AND school_id = $3",
                                {left_on.empty() ? db::Param(std::nullopt) : db::Param(left_on),
                                 student_id, school_id}));
  if (n != 1) return Status::NotFound("student");
  return Status::Ok();
}

StatusOr<std::string> StudentLeftOn(db::Connection& c, std::string_view school_id,
                                    std::string_view student_id) {
  SP_ASSIGN_OR_RETURN(db::Rows rows,
                      c.Query("SELECT COALESCE(left_on, '') FROM students WHERE id = $1 AND "
                              "school_id = $2",
                              {student_id, school_id}));
  if (rows.empty()) return Status::NotFound("student");
  return rows.rows[0].Text(0);
}

}  // namespace retention
