// File: privacy/requests.h
//
// Requests to use a right of the AVG and the school's answers: correction
// (art. 16), erasure (art. 17) and objection (art. 21) by a student or a
// company contact. Owner of the `privacy_requests` table. A download
// (art. 15) needs no request: it is answered at once (privacy/export.h).
//
// The school answers within one month (art. 12(3)): `due_on` is the day a
// month after the request (domain/calendar.h). A refusal, and every answer
// to a correction or an objection, says why: the requester reads the reason.
// An erasure that is carried out is answered in the transaction that erases
// (retention::EraseSubject), so "done" never stands without the erasure.
//
// Callers audit: "privacy.request" and "privacy.answer" with the request's
// id only, never its text.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "db/database.h"
#include "domain/roles.h"

namespace privacy {

enum class RequestKind { kCorrection, kErasure, kObjection };
enum class RequestState { kOpen, kDone, kRefused };

std::string_view RequestKindName(RequestKind kind);  // "correction", "erasure", "objection"
std::optional<RequestKind> ParseRequestKind(std::string_view name);
std::string_view RequestStateName(RequestState state);  // "open", "done", "refused"
std::optional<RequestState> ParseRequestState(std::string_view name);

// Who uses these rights through their account: students and company
// contacts, the people the school holds data about without employing them.
// (Staff exercise theirs with the school as employer; reporters reach their
// report with its code.)
bool HasAccountRights(domain::Role role);

// The longest text a requester or an admin may write.
inline constexpr size_t kMaxTextBytes = 4000;

struct Request {
  std::string id;
  std::string school_id;
  std::string user_id;
  RequestKind kind = RequestKind::kCorrection;
  std::string text;  // the requester's words ("" after their erasure)
  common::UnixMillis created_at = 0;
  std::string due_on;  // yyyy-mm-dd
  RequestState state = RequestState::kOpen;
  std::string answered_by;
  common::UnixMillis answered_at = 0;
  std::string reason;  // the answer (a refusal's reason, a correction's note)
  // Set by ListOpen only: who asked, for the admin ("" once erased).
  std::string display_name;
  std::string login;
};

// The deadline of a request made at `now`: the same day one month later.
std::string DueOn(common::UnixMillis now);

// Records a request in the caller's transaction. A correction and an
// objection need a text (InvalidArgument on field "text"); an erasure may
// give one. Text over kMaxTextBytes or not UTF-8: InvalidArgument on "text".
common::StatusOr<Request> Create(db::Connection& c, std::string_view school_id,
                                 std::string_view user_id, RequestKind kind, std::string_view text,
                                 common::UnixMillis now);

// The user's own requests, newest first.
common::StatusOr<std::vector<Request>> ForUser(db::Connection& c, std::string_view school_id,
                                               std::string_view user_id);

// The school's open requests, the nearest deadline first.
common::StatusOr<std::vector<Request>> ListOpen(db::Connection& c, std::string_view school_id);

// One request of the school; NotFound for another school's (or none).
common::StatusOr<Request> Get(db::Connection& c, std::string_view school_id, std::string_view id);

// Answers an open request in the caller's transaction: kDone or kRefused,
// with `reason` (InvalidArgument on field "reason" when it is empty, except
// for an erasure carried out). FailedPrecondition when it was answered
// already; NotFound for another school's. An erasure answered kDone must be
// carried out by the caller in the same transaction (privacy/erase.h does both).
common::Status Answer(db::Connection& c, std::string_view school_id, std::string_view id,
                      RequestState state, std::string_view reason, std::string_view answered_by,
                      common::UnixMillis now);

// After an erasure: the requester's own words leave every request of theirs;
// kind, dates, state and answer stay as the school's proof.
common::Status WipeRequesterText(db::Connection& c, std::string_view school_id,
                                 std::string_view user_id);

}  // namespace privacy
