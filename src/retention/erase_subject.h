// File: retention/erase_subject.h
//
// Erasing one person: every row about them goes, in the caller's write
// transaction. Used by the retention runner (a student after leaving, a
// company contact after their company's last placement, a disabled staff
// account) and by an erasure request (AVG art. 17).
//
// Driven by the catalogue (domain/retention.h), so a new table with a subject
// column is covered without new code:
//   - a rule whose `subject_column` holds the person's users.id (kUserId) or
//     students.id (kStudentId) has those rows deleted, children first (the
//     catalogue is in schema order, so it is walked backwards);
//   - a kWithParent rule with a `parent_column` loses the rows that hang on
//     the person's parent rows (a placement's flags, a placement's norm
//     reads); children the schema removes by ON DELETE CASCADE go that way;
//   - a rule with ErasePolicy::kKeep keeps its rows: the audit log (its hash
//     chain covers the actor, and accountability outlives the person), a
//     company's acceptance of the norm (norm_acceptances.accepted_by), and the
//     privacy requests (proof that the school answered). Their id stays, but
//     names nobody once the users row is gone or scrubbed.
//   - identifiers held as text rather than as an id: the login throttle by
//     login, and queued or sent mail to the person's address (mail_outbox
//     rows with their user_id or their address).
//
// A student: their `students` row, leerwensen and choices, placements (with
// flags, norm reads and pulse links), round memberships and placement misses
// go. What stays about a student is only what holds no link to them: the
// anonymous pulse answers, the round's aggregate run figures, and the
// leerplaatsen (a company's offer, not the student's).
//
// The users row: deleted when nothing that must stay still points at it with
// a foreign key; otherwise (a case still assigned to the staff member, a
// reveal they requested) it is scrubbed in place: login, name, e-mail,
// password and second factor replaced, account disabled. Either way no text
// that identified the person remains.
//
// The SQLite database runs with `secure_delete`, so deleted rows are zeroed
// on disk at the next checkpoint. Files are outside the transaction: after a
// successful commit the caller removes the `.eml` copies of the mails listed
// in `outbox_ids` with RemoveOutboxFiles (written only without SMTP).
//
//   SP_ASSIGN_OR_RETURN(retention::ErasureCounts n,
//                       retention::EraseSubject(c, {school_id, user_id, student_id}, now));
//   ... commit ...
//   retention::RemoveOutboxFiles(config.eml_dir, n.outbox_ids);
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "db/database.h"

namespace retention {

// The person to erase. Either id may be empty; a student linked to an account
// has both (given only the student id, the account is found from
// students.user_id). Both must belong to `school_id`, or NotFound.
struct Subject {
  std::string school_id;
  std::string user_id;
  std::string student_id;
};

struct ErasureCounts {
  // Rows removed per table (no content).
  std::map<std::string, int64_t, std::less<>> deleted;
  // Rows kept per table because others need them (ErasePolicy::kKeep).
  std::map<std::string, int64_t, std::less<>> kept;
  // Whether the users row was deleted (false: scrubbed in place, or none).
  bool user_deleted = false;
  bool user_scrubbed = false;
  // mail_outbox ids removed: their `.eml` files, if any, are DATA_DIR/outbox/<id>.eml.
  std::vector<std::string> outbox_ids;
  int64_t Total() const;
};

common::StatusOr<ErasureCounts> EraseSubject(db::Connection& c, const Subject& s,
                                             common::UnixMillis now);

// Removes `<eml_dir>/<id>.eml` for every id; a missing file is fine. Returns
// how many files were removed. Call after the erasing transaction committed.
int RemoveOutboxFiles(const std::string& eml_dir, std::span<const std::string> outbox_ids);

}  // namespace retention
