// File: audit/audit_log.h
//
// The append-only, hash-chained audit log (P10). Each record states who did
// what to which object, when (UTC) and with what result; it never holds report
// content, reporter identity or IP addresses.
//
// Each record's hash is HMAC-SHA256(audit key, previous hash | fields). The key
// lives in DATA_DIR/keys, outside the database, so someone holding only the
// database cannot rewrite a record and recompute the chain. Verify() names the
// first record that was altered, removed or reordered.
//
// Append() runs inside the caller's write transaction, so an action and its
// audit record commit together or not at all.
//
// Old records are removed only from the head of the chain (Prune), never from
// its middle: the seq and hash of the last removed record are kept as an
// anchor (table audit_anchor, with an HMAC of its own), and Verify() starts
// there, so the kept part stays verifiable and a record removed by hand is
// still found.
#pragma once

#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "db/database.h"

namespace audit {

struct Entry {
  std::string school_id;    // "" for deployment-wide actions
  std::string actor;        // user id, "anonymous", "system", or "" (none: see below)
  std::string action;       // e.g. "login", "case.read", "user.disable"
  std::string object_type;  // e.g. "user", "case", "session"
  std::string object_id;
  std::string result;  // "ok", "denied", "failed"
  // Stores the time only to the day (00:00 UTC). With no actor, this is how
  // the reporter's side of the meldpunt is audited (meldpunt/internal.h): a
  // record to the millisecond could be matched with the same student's login
  // record and undo an anonymous report. The stored time is what the chain
  // hashes, so Verify() needs nothing extra.
  bool day_only = false;
};

// Which records belong to the meldpunt: every action on a case ("case.*").
// They are shown only to the school's meldpunt leads, never in the school
// admin's or the system admin's audit view. The one place this is decided.
bool IsMeldpuntAction(std::string_view action);

// Which records an audit view lists.
enum class View {
  kAdmin,     // everything except the meldpunt's records
  kMeldpunt,  // only the meldpunt's records
};

struct Record {
  int64_t seq = 0;
  common::UnixMillis at = 0;
  Entry entry;
  std::string prev_hash;
  std::string hash;
};

class AuditLog {
 public:
  AuditLog(std::string key, const common::Clock& clock) : key_(std::move(key)), clock_(clock) {}

  // Appends within the open write transaction `conn`.
  common::Status Append(db::Connection& conn, const Entry& entry) const;
  // Convenience: its own write transaction.
  common::Status Append(db::Database& db, const Entry& entry) const;

  struct Problem {
    int64_t seq;
    std::string what;
  };
  // Removes the records with seq <= `last_seq` within the open write
  // transaction, writes the anchor (the last removed record's seq and hash,
  // when, how many) and appends "retention.audit_pruned" as "system". Returns
  // how many records were removed. NotFound when `last_seq` is not a record.
  common::StatusOr<int64_t> Prune(db::Connection& conn, int64_t last_seq) const;

  // Checks the chain from its anchor (or its first record when nothing was
  // ever pruned). An empty result means the log is intact.
  common::StatusOr<std::vector<Problem>> Verify(db::Database& db) const;

  // Latest records of one school (or all when school_id is empty) that
  // belong in `view`, newest first.
  common::StatusOr<std::vector<Record>> Recent(db::Database& db, const std::string& school_id,
                                               View view, int limit) const;

 private:
  std::string Hash(const std::string& prev_hash, int64_t seq, common::UnixMillis at,
                   const Entry& e) const;
  std::string AnchorMac(int64_t seq, const std::string& hash, common::UnixMillis pruned_at,
                        int64_t removed) const;

  std::string key_;
  const common::Clock& clock_;
};

}  // namespace audit
