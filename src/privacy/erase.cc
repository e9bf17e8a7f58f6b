#include "privacy/erase.h"

#include "privacy/export.h"
#include "privacy/requests.h"

namespace privacy {

common::StatusOr<retention::ErasureCounts> CarryOutErasure(
    db::Connection& c, std::string_view school_id, std::string_view request_id,
    std::string_view note, std::string_view answered_by, common::UnixMillis now) {
  SP_ASSIGN_OR_RETURN(Request r, Get(c, school_id, request_id));
  if (r.kind != RequestKind::kErasure || r.state != RequestState::kOpen) {
    return common::Status::FailedPrecondition("not an open erasure request", "state");
  }
  // The account may be gone already (erased by the retention job): then
  // there is nothing left to erase, and the request can only be refused.
  auto person = FindPerson(c, school_id, r.user_id);
  if (!person.ok()) return common::Status::FailedPrecondition("no such account", "state");
  SP_RETURN_IF_ERROR(Answer(c, school_id, request_id, RequestState::kDone, note, answered_by, now));
  SP_ASSIGN_OR_RETURN(
      retention::ErasureCounts counts,
      retention::EraseSubject(c, {person->school_id, person->user_id, person->student_id}, now));
  SP_RETURN_IF_ERROR(WipeRequesterText(c, school_id, r.user_id));
  return counts;
}

}  // namespace privacy
