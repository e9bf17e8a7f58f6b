// File: placement/internal.h
//
// Helpers shared by the service's .cc files: who may act, loading rows into
// the value types of service.h, exclusions, and batched inserts. Not part of
// the public API.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "placement/service.h"

namespace placement::internal {

using common::Status;
using common::StatusOr;

// PermissionDenied unless the actor belongs to a school and has the role or
// permission.
Status RequireCoordinator(const auth::User& actor);
Status RequireRole(const auth::User& actor, domain::Role role);

domain::Date Today(const common::Clock& clock);

// 1..max_chars characters of valid UTF-8 (0 allowed when !required);
// InvalidArgument naming `field` otherwise.
Status CheckText(std::string_view text, std::string_view field, size_t max_chars, bool required);

std::string JoinCrebos(const std::vector<std::string>& crebos);
std::vector<std::string> SplitCrebos(std::string_view joined);

// ---- Rows -> values ----

// Column lists for the loaders below (table aliases: r = rounds,
// s = students, l = leerplaatsen, co = companies).
extern const char kRoundColumns[];
Round RoundFromRow(const db::Row& row);
extern const char kStudentColumns[];
Student StudentFromRow(const db::Row& row);
// Needs "FROM leerplaatsen l JOIN school_company_view co ON co.id =
// l.company_id AND co.school_id = l.school_id": the company as the school sees it.
extern const char kPlaceColumns[];
Place PlaceFromRow(const db::Row& row);

// The round of the actor's school, or NotFound.
StatusOr<Round> LoadRound(db::Connection& c, std::string_view school_id,
                          std::string_view round_id);
// Takes the round's row lock for the rest of the write transaction
// (PostgreSQL; SQLite serialises writers anyway), so runs, overrides,
// publication and late leerwens changes of one round never interleave.
Status LockRound(db::Connection& c, std::string_view school_id, std::string_view round_id);
// Fills Round::students and Round::with_leerwens.
Status CountRound(db::Connection& c, Round* round);
// The student record linked to a student login, or NotFound.
StatusOr<Student> StudentOfUser(db::Connection& c, const auth::User& actor);
// The company a company-contact login speaks for (in the actor's school's
// register), or NotFound.
StatusOr<std::string> CompanyOfContact(db::Connection& c, const auth::User& actor);
std::optional<int> CurrentNormVersion(db::Connection& c, std::string_view school_id);

// The companies of the school's register that take no students `today`.
StatusOr<std::vector<Exclusion>> ComputeExclusions(db::Connection& c, std::string_view school_id,
                                                   domain::Date today);
// The exclusions stored with a round's last run.
StatusOr<std::vector<Exclusion>> StoredExclusions(db::Connection& c, std::string_view round_id);

// Appends an audit record for the actor within the transaction.
Status Audit(db::Connection& c, const audit::AuditLog& log, const auth::User& actor,
             std::string action, std::string object_type, std::string_view object_id);

// Multi-row INSERTs: `prefix` is "INSERT INTO t(a, b, c) VALUES" with
// `columns` columns, `suffix` e.g. "ON CONFLICT DO NOTHING"; rows are sent
// `per_statement` at a time, so large writes cost few round trips on
// PostgreSQL. Placeholders only. Call Flush() at the end.
class BatchInsert {
 public:
  BatchInsert(db::Connection& c, std::string prefix, size_t columns, std::string suffix = {},
              size_t per_statement = 200);
  Status Add(db::Params row);
  Status Flush();

 private:
  db::Connection& c_;
  std::string prefix_;
  size_t columns_;
  std::string suffix_;
  size_t per_statement_;
  db::Params pending_;
};

}  // namespace placement::internal
