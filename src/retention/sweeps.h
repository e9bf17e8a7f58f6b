// File: retention/sweeps.h
//
// Internal to the retention runner (runner.h): one pass over one school (or,
// with an empty school id, over the deployment's own rows). The steps are the
// catalogue's rules in SQL; each runs in bounded write transactions, or, for a
// preview, on the one connection whose transaction is rolled back afterwards.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "audit/audit_log.h"
#include "domain/calendar.h"
#include "retention/runner.h"
#include "retention/settings.h"

namespace retention {

class Pass {
 public:
  // `preview`: run everything on this connection (no own transactions).
  Pass(db::Database& db, const audit::AuditLog& audit, std::string school_id,
       common::UnixMillis now, db::Connection* preview);

  common::Status Begin();
  // Every step, in an order where no later step depends on what an earlier
  // one removed: persons first (a contact's last placement is read before the
  // rounds go), then rows by their own period, then rounds, then what only
  // rounds used.
  common::Status RunAllSteps();

  const RunCounts& counts() const { return counts_; }
  const std::vector<std::string>& outbox_ids() const { return outbox_ids_; }

 private:
  bool deployment() const { return school_id_.empty(); }
  domain::Date today() const;
  int Period(std::string_view key) const;
  common::UnixMillis CutoffMillis(std::string_view key) const;
  std::string CutoffDate(std::string_view key) const;

  common::Status Batch(const std::function<common::Status(db::Connection&)>& fn);
  common::Status Read(const std::function<common::Status(db::Connection&)>& fn);
  // Deletes FROM `table` WHERE `where`, in batches of kBatchRows by `key`
  // (one statement when `key` is empty). Skipped when the table does not exist.
  common::Status Sweep(std::string_view table, std::string_view key, const std::string& where,
                       const db::Params& params);
  // EraseSubject for every id `select_ids` returns (users.id, or students.id
  // when `student_ids`), kBatchSubjects per transaction.
  common::Status EraseEach(std::string_view rule_table, const std::string& select_ids,
                           const db::Params& params, bool student_ids);

  common::Status Students();
  common::Status CompanyContacts();
  common::Status StaffAccounts();
  common::Status Tokens();
  common::Status Written();
  common::Status Rounds();
  common::Status BpvAgreements();
  common::Status Leerplaatsen();
  common::Status AuditHead();

  db::Database& db_;
  const audit::AuditLog& audit_;
  std::string school_id_;
  common::UnixMillis now_;
  db::Connection* preview_;
  std::set<std::string, std::less<>> tables_;
  Periods periods_;  // the catalogue's defaults for the deployment pass
  RunCounts counts_;
  std::vector<std::string> outbox_ids_;
};

}  // namespace retention
