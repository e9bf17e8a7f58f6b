#include "retention/runner.h"

#include <algorithm>
#include <functional>
#include <set>
#include <vector>

#include "domain/calendar.h"
#include "domain/retention.h"
#include "retention/erase_subject.h"
#include "retention/schema.h"
#include "retention/settings.h"
#include "retention/sweeps.h"

namespace retention {

using common::Status;
using common::StatusOr;

int64_t RunCounts::Total() const {
  int64_t n = 0;
  for (const auto& [t, c] : removed) n += c;
  for (const auto& [t, c] : erased) n += c;
  return n;
}

void RunCounts::Merge(const RunCounts& other) {
  for (const auto& [t, c] : other.removed) removed[t] += c;
  for (const auto& [t, c] : other.erased) erased[t] += c;
  failed += other.failed;
}

std::string RunCounts::Summary() const {
  std::string out;
  for (const auto& [t, c] : removed) {
    if (c > 0) out += (out.empty() ? "" : " ") + t + "=" + std::to_string(c);
  }
  for (const auto& [t, c] : erased) {
    if (c > 0) out += (out.empty() ? "" : " ") + t + "(erased)=" + std::to_string(c);
  }
  if (failed > 0)
    out += (out.empty() ? "" : " ") + std::string("failed_passes=") + std::to_string(failed);
  return out.empty() ? "nothing" : out;
}

Runner::Runner(db::Database& db, const audit::AuditLog& audit, const common::Clock& clock,
               Options options)
    : db_(db), audit_(audit), clock_(clock), options_(std::move(options)) {}

// ---- Pass -------------------------------------------------------------------

Pass::Pass(db::Database& db, const audit::AuditLog& audit, std::string school_id,
           common::UnixMillis now, db::Connection* preview)
    : db_(db), audit_(audit), school_id_(std::move(school_id)), now_(now), preview_(preview) {}

Status Pass::Begin() {
  return Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(tables_, ExistingTables(c));
    if (!deployment()) {
      SP_ASSIGN_OR_RETURN(periods_, LoadPeriods(c, school_id_));
    }
    return Status::Ok();
  });
}

Status Pass::Batch(const std::function<Status(db::Connection&)>& fn) {
  if (preview_ != nullptr) return fn(*preview_);
  return db_.Write(fn);
}

Status Pass::Read(const std::function<Status(db::Connection&)>& fn) {
  if (preview_ != nullptr) return fn(*preview_);
  return db_.Read(fn);
}

int Pass::Period(std::string_view key) const { return periods_.Value(key); }

common::UnixMillis Pass::CutoffMillis(std::string_view key) const {
  const domain::RetentionPeriod& p = *domain::FindRetentionPeriod(key);
  return domain::RetentionCutoffMillis(now_, p.unit, Period(key));
}

std::string Pass::CutoffDate(std::string_view key) const {
  const domain::RetentionPeriod& p = *domain::FindRetentionPeriod(key);
  return domain::FormatDate(domain::RetentionCutoff(today(), p.unit, Period(key)));
}

domain::Date Pass::today() const { return domain::DateFromMillis(now_); }

Status Pass::Sweep(std::string_view table, std::string_view key, const std::string& where,
                   const db::Params& params) {
  if (!tables_.contains(table)) return Status::Ok();
  const std::string t(table);
  if (key.empty()) {
    return Batch([&](db::Connection& c) -> Status {
      SP_ASSIGN_OR_RETURN(int64_t n, c.Execute("DELETE FROM " + t + " WHERE " + where, params));
      counts_.removed[t] += n;
      return Status::Ok();
    });
  }
  const std::string k(key);
  const std::string sql = "DELETE FROM " + t + " WHERE " + k + " IN (SELECT " + k + " FROM " + t +
                          " WHERE " + where + " LIMIT " + std::to_string(kBatchRows) + ")";
  for (;;) {
    int64_t n = 0;
    SP_RETURN_IF_ERROR(Batch([&](db::Connection& c) -> Status {
      SP_ASSIGN_OR_RETURN(n, c.Execute(sql, params));
      return Status::Ok();
    }));
    counts_.removed[t] += n;
    if (n < kBatchRows) return Status::Ok();
  }
}

Status Pass::EraseEach(std::string_view rule_table, const std::string& select_ids,
                       const db::Params& params, bool student_ids) {
  std::vector<std::string> ids;
  SP_RETURN_IF_ERROR(Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(db::Rows rows, c.Query(select_ids, params));
    for (const db::Row& r : rows.rows) ids.push_back(r.Text(0));
    return Status::Ok();
  }));
  for (size_t i = 0; i < ids.size(); i += kBatchSubjects) {
    size_t end = std::min(ids.size(), i + kBatchSubjects);
    std::vector<std::string> files;
    SP_RETURN_IF_ERROR(Batch([&](db::Connection& c) -> Status {
      files.clear();
      for (size_t j = i; j < end; ++j) {
        Subject s{school_id_, student_ids ? "" : ids[j], student_ids ? ids[j] : ""};
        SP_ASSIGN_OR_RETURN(ErasureCounts n, EraseSubject(c, s, now_));
        files.insert(files.end(), n.outbox_ids.begin(), n.outbox_ids.end());
      }
      return Status::Ok();
    }));
    counts_.erased[std::string(rule_table)] += static_cast<int64_t>(end - i);
    outbox_ids_.insert(outbox_ids_.end(), files.begin(), files.end());
  }
  return Status::Ok();
}

// ---- Runner -----------------------------------------------------------------

StatusOr<RunCounts> Runner::Run(std::string_view school_id, bool dry_run) {
  const common::UnixMillis now = clock_.NowMillis();
  if (!dry_run) {
    Pass pass(db_, audit_, std::string(school_id), now, nullptr);
    SP_RETURN_IF_ERROR(pass.Begin());
    SP_RETURN_IF_ERROR(pass.RunAllSteps());
    if (!options_.eml_dir.empty()) RemoveOutboxFiles(options_.eml_dir, pass.outbox_ids());
    return pass.counts();
  }
  // The preview is the run itself in one transaction that is rolled back.
  RunCounts counts;
  bool done = false;
  Status s = db_.Write([&](db::Connection& c) -> Status {
    Pass pass(db_, audit_, std::string(school_id), now, &c);
    SP_RETURN_IF_ERROR(pass.Begin());
    SP_RETURN_IF_ERROR(pass.RunAllSteps());
    counts = pass.counts();
    done = true;
    return Status::FailedPrecondition("preview: rolled back");
  });
  if (!done) return s;
  return counts;
}

StatusOr<RunCounts> Runner::RunSchool(std::string_view school_id) {
  if (school_id.empty()) return Status::InvalidArgument("school");
  return Run(school_id, false);
}

StatusOr<RunCounts> Runner::Preview(std::string_view school_id) {
  if (school_id.empty()) return Status::InvalidArgument("school");
  return Run(school_id, true);
}

StatusOr<RunCounts> Runner::RunAll() {
  std::vector<std::string> schools;
  SP_RETURN_IF_ERROR(db_.Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(db::Rows rows, c.Query("SELECT id FROM schools ORDER BY id"));
    for (const db::Row& r : rows.rows) schools.push_back(r.Text(0));
    return Status::Ok();
  }));
  // One school that fails (a database error mid-run) does not stop the
  // others; what it committed before stays, and the next run goes on.
  RunCounts total;
  for (const std::string& id : schools) {
    StatusOr<RunCounts> n = Run(id, false);
    if (n.ok()) {
      total.Merge(*n);
    } else {
      ++total.failed;
    }
  }
  StatusOr<RunCounts> deployment = Run("", false);
  if (deployment.ok()) {
    total.Merge(*deployment);
  } else {
    ++total.failed;
  }
  return total;
}

}  // namespace retention
