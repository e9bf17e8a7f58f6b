// File: privacy/erase.h
//
// Carrying out an erasure request (AVG art. 17): the answer "done" and the
// erasure itself (retention::EraseSubject, driven by the retention
// catalogue) in the caller's one write transaction, so the requester is
// never told "erased" about data that is still there, and a failed erasure
// leaves the request open.
//
// What stays (retention/erase_subject.h): the audit log's records (the hash
// chain covers them; they hold ids, never content), a company's acceptance of
// the norm, and the request itself as the school's proof that it answered,
// with the requester's own words wiped.
//
//   SP_ASSIGN_OR_RETURN(retention::ErasureCounts n,
//                       privacy::CarryOutErasure(c, school_id, request_id, note, admin_id, now));
//   ... audit, commit ...
//   retention::RemoveOutboxFiles(eml_dir, n.outbox_ids);
#pragma once

#include <string_view>

#include "common/clock.h"
#include "common/status.h"
#include "db/database.h"
#include "retention/erase_subject.h"

namespace privacy {

// `note` is the admin's optional word to the requester. NotFound for another
// school's request; FailedPrecondition (field "state") when it is no open
// erasure request.
common::StatusOr<retention::ErasureCounts> CarryOutErasure(
    db::Connection& c, std::string_view school_id, std::string_view request_id,
    std::string_view note, std::string_view answered_by, common::UnixMillis now);

}  // namespace privacy
