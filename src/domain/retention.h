// File: domain/retention.h
//
// How long every kind of record is kept, and why. Pure rules, no I/O.
//
// This is the one catalogue of retention: the daily retention job deletes by
// it, the admin's retention page sets its periods within its bounds, and the
// school's privacy page is generated from it, so what the school promises and
// what the code does cannot drift apart. Every table of the schema has exactly
// one entry here; a test fails on a table without one.
//
// A rule has a start ("from when") and a period ("how long after"). Periods are
// per school, chosen within legal bounds; some rows have no period of their own
// and go with the row they belong to (a case's messages go with the case).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "domain/calendar.h"

namespace domain {

// What starts the retention period of a row.
enum class RetentionStart {
  kCaseClosed,        // the case (report) is closed; then crypto-shredded
  kStudentLeft,       // the student left the school (students.left_on)
  kSchoolYearEnded,   // the school year of the round ended (31 July)
  kLastPlacementEnd,  // the end of the last placement at the contact's company
  kAccountDisabled,   // a staff account was disabled
  kExpired,           // the row's own expiry (tokens, sessions, links)
  kWritten,           // the row was written (logs, messages, answers)
  kWithParent,        // no period of its own: removed with its parent row
  kWhileInUse,        // configuration, kept while the school uses Stagepunt
};

// The unit a period is set in.
enum class RetentionUnit { kDays, kMonths, kYears };

// A period a school may set, within bounds. `key` is stable: it names the
// setting in the database and the catalogue messages ("retention_<key>").
struct RetentionPeriod {
  std::string_view key;
  RetentionUnit unit;
  int default_value;
  int min_value;
  int max_value;
};

// The people a row is about. The privacy page has a section per subject,
// and a download or erasure of a person covers the tables marked with theirs.
enum class DataSubject {
  kNone,            // no personal data (configuration, counters, aggregates)
  kStudent,         // a student (their record, leerwens, placement, account)
  kReporter,        // whoever made a report (often a student; may be anonymous)
  kStaff,           // school staff (handlers, coordinators, teachers, admins)
  kCompanyContact,  // a contact person at a learning company
  kAnyUser,         // every account holder (sessions, keys, mail)
};

// Why a row is processed. Each purpose has one legal basis (AVG art. 6, and
// art. 9 for special categories), named in the catalogue messages as
// "purpose_<key>" and "basis_<key>".
enum class Purpose {
  kMeldpunt,        // receiving and handling reports of discrimination
  kStagematching,   // placing students by their leerwens
  kAccounts,        // accounts, logins and security of the service
  kMonitor,         // the yearly monitor (aggregates only)
  kNorm,            // the norm, its reading and acceptance, training, pulse survey
  kAccountability,  // the audit log: who did what, for accountability
  kMail,            // transactional mail to account holders
};

// What a subject column holds.
enum class SubjectKey { kNone, kUserId, kStudentId };

// What erasing a person (retention::EraseSubject) does with a row whose
// subject column names them.
enum class ErasePolicy {
  kDelete,  // the row is about the person only: it goes
  // The row must stay for others (the audit chain, a company's acceptance of
  // the norm, proof that a request was answered). The id stays as it is: once
  // the person's users row is gone or scrubbed it names nobody, and rewriting
  // it would break the audit chain's hashes.
  kKeep,
};

struct RetentionRule {
  std::string_view table;
  DataSubject subject;
  Purpose purpose;
  RetentionStart start;
  // The period's key (one of RetentionPeriods()), or empty for kWithParent
  // and kWhileInUse.
  std::string_view period;
  // For kWithParent: the table whose rows take these along.
  std::string_view parent;
  // The column that names the data subject, or empty; `subject_key` says
  // whether it holds a users.id or a students.id. A person's download and
  // erasure follow it.
  std::string_view subject_column;
  SubjectKey subject_key = SubjectKey::kNone;
  ErasePolicy erase = ErasePolicy::kDelete;
  // For kWithParent: the column here that holds the parent's `id`, when the
  // rows are removed by an explicit delete; empty when the schema's ON DELETE
  // CASCADE removes them (or the parent has no single `id`).
  std::string_view parent_column = {};
};

// Every period a school may set.
std::span<const RetentionPeriod> RetentionPeriods();
const RetentionPeriod* FindRetentionPeriod(std::string_view key);

// Every table of the schema, in schema order.
std::span<const RetentionRule> RetentionRules();
const RetentionRule* FindRetentionRule(std::string_view table);

// Whether `value` lies within the period's bounds.
bool RetentionValueAllowed(const RetentionPeriod& period, int value);

// Where a period ends, counted back from today. A row whose start lies
// before the cutoff is past its period and goes; a row that started on the
// cutoff day (or at the cutoff instant) stays one more day. Months are
// calendar months, clamped to the month's last day (domain/calendar.h).
Date RetentionCutoff(Date today, RetentionUnit unit, int value);
common::UnixMillis RetentionCutoffMillis(common::UnixMillis now, RetentionUnit unit, int value);

// The mbo school year runs 1 August to 31 July. The latest 31 July whose
// school year has been over for longer than `years` on `today`: rows of a
// school year that ended on or before it go (a round whose last day is on or
// before it belongs to such a school year).
Date LastSchoolYearEndPast(Date today, int years);
// "2025-2026": the label of the school year that ends on `end` (a 31 July).
std::string SchoolYearLabelEnding(Date end);

// Stable names, for settings, messages and the JSON of a download.
std::string_view RetentionStartName(RetentionStart start);
std::string_view RetentionUnitName(RetentionUnit unit);
std::string_view DataSubjectName(DataSubject subject);
std::string_view PurposeName(Purpose purpose);

}  // namespace domain
