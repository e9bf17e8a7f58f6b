// File: retention/runner.h
//
// The retention job: for every school, every catalogue rule with a period
// (domain/retention.h) removes the rows whose start plus the school's period
// (retention/settings.h) has passed. Counts per table come back; no content,
// no ids.
//
// What each start means here:
//   kExpired          tokens and sessions: expires_at; training: expires_on
//   kWritten          created_at (notifications, sent or failed mail,
//                     privacy requests that were answered, pauses that ended),
//                     done_at (pulse links), the month (pulse answers)
//   kSchoolYearEnded  rounds whose last day lies in a school year that ended
//                     (31 July) more than the period ago, with everything
//                     under them; the self-assessment by its school year;
//                     leerplaatsen no longer used by any kept row
//   kStudentLeft      students.left_on  -> retention::EraseSubject
//   kLastPlacementEnd the last day of the last round with a placement at the
//                     contact's company (kept in company_contacts.
//                     last_placement_on, so it outlives the rounds), or the
//                     contact's created_at without one -> EraseSubject
//   kAccountDisabled  users.disabled_at of an account that is not a student's
//                     or a contact's (those have their own rule) -> EraseSubject
//   audit             the head of the hash chain, up to the first record still
//                     inside its school's period (audit::AuditLog::Prune
//                     writes the anchor); the chain is one for the deployment,
//                     so a school with a longer period keeps later records of
//                     others a little longer, never shorter.
// Closed cases are not here: the meldpunt shreds them (Meldpunt::RunRetention,
// with the school's "cases" period).
//
// A run commits in bounded batches (at most kBatchRows rows, or one round, or
// kBatchSubjects persons per write transaction), so a large school never holds
// the write lock for long. Preview() runs exactly the same code in one write
// transaction and rolls it back: the counts are what the next run removes.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "audit/audit_log.h"
#include "common/clock.h"
#include "common/status.h"
#include "db/database.h"

namespace retention {

inline constexpr int kBatchRows = 1000;
inline constexpr int kBatchSubjects = 50;

struct RunCounts {
  // Rows removed per table.
  std::map<std::string, int64_t, std::less<>> removed;
  // Persons erased (retention::EraseSubject), per rule table: "students",
  // "company_contacts", "users".
  std::map<std::string, int64_t, std::less<>> erased;
  // RunAll: passes (a school, or the deployment's own rows) that failed and
  // are tried again by the next run. Never a reason: a database error can
  // quote a value.
  int failed = 0;
  int64_t Total() const;
  void Merge(const RunCounts& other);
  // "table=n table=n ..." for the log.
  std::string Summary() const;
};

class Runner {
 public:
  struct Options {
    // Where the mail sender writes .eml files without SMTP; removed mail's
    // files go too. Empty: none.
    std::string eml_dir;
  };
  Runner(db::Database& db, const audit::AuditLog& audit, const common::Clock& clock,
         Options options);

  // Every school, then the deployment's own rows (system admins' tokens, the
  // login throttle, the cross-school signal snapshot, the audit log). A pass
  // that fails is counted in `failed`; the others still run.
  common::StatusOr<RunCounts> RunAll();
  // One school only.
  common::StatusOr<RunCounts> RunSchool(std::string_view school_id);
  // What RunSchool would remove now, without removing it.
  common::StatusOr<RunCounts> Preview(std::string_view school_id);

 private:
  common::StatusOr<RunCounts> Run(std::string_view school_id, bool dry_run);

  db::Database& db_;
  const audit::AuditLog& audit_;
  const common::Clock& clock_;
  Options options_;
};

}  // namespace retention
