// File: retention/schema.h
//
// The tables that exist in the connected database. The catalogue names every
// table of the finished schema; while a migration that creates one of them
// has not run (an older database being upgraded, a branch without it), the
// retention code skips that rule instead of failing the transaction.
#pragma once

#include <set>
#include <string>

#include "common/status.h"
#include "db/database.h"

namespace retention {

common::StatusOr<std::set<std::string, std::less<>>> ExistingTables(db::Connection& c);

}  // namespace retention
