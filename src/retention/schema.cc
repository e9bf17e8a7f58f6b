#include "retention/schema.h"

namespace retention {

common::StatusOr<std::set<std::string, std::less<>>> ExistingTables(db::Connection& c) {
  SP_ASSIGN_OR_RETURN(db::Rows rows,
                      c.Query(c.dialect() == db::Dialect::kSqlite
                                  ? "SELECT name FROM sqlite_master WHERE type = 'table'"
                                  : "SELECT table_name FROM information_schema.tables WHERE "
                                    "table_schema = current_schema() AND table_type = "
                                    "'BASE TABLE'"));
  std::set<std::string, std::less<>> out;
  for (const db::Row& r : rows.rows) out.insert(r.Text(0));
  return out;
}

}  // namespace retention
