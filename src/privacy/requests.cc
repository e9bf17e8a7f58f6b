#include "privacy/requests.h"

#include "common/utf8.h"
#include "crypto/random.h"
#include "domain/calendar.h"

namespace privacy {

namespace {

using common::Status;
using common::StatusOr;

constexpr char kColumns[] =
    "r.id, r.school_id, r.user_id, r.kind, r.text, r.created_at, r.due_on, r.state, "
    "r.answered_by, r.answered_at, r.reason";

Request FromRow(const db::Row& row) {
  Request r;
  r.id = row.Text(0);
  r.school_id = row.Text(1);
  r.user_id = row.Text(2);
  r.kind = ParseRequestKind(row.Text(3)).value_or(RequestKind::kCorrection);
  r.text = row.Text(4);
  r.created_at = row.Int(5);
  r.due_on = row.Text(6);
  r.state = ParseRequestState(row.Text(7)).value_or(RequestState::kOpen);
  r.answered_by = row.Text(8);
  r.answered_at = row.Int(9);
  r.reason = row.Text(10);
  return r;
}

// Text typed by a person: valid UTF-8, bounded, trimmed of surrounding space.
StatusOr<std::string> CleanText(std::string_view text, std::string_view field) {
  if (!common::IsValidUtf8(text)) return Status::InvalidArgument("not UTF-8", std::string(field));
  if (text.size() > kMaxTextBytes) return Status::InvalidArgument("too long", std::string(field));
  size_t b = text.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return std::string();
  size_t e = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(b, e - b + 1));
}

}  // namespace

bool HasAccountRights(domain::Role role) {
  return role == domain::Role::kStudent || role == domain::Role::kCompanyContact;
}

std::string_view RequestKindName(RequestKind kind) {
  switch (kind) {
    case RequestKind::kCorrection:
      return "correction";
    case RequestKind::kErasure:
      return "erasure";
    case RequestKind::kObjection:
      return "objection";
  }
  return "";
}

std::optional<RequestKind> ParseRequestKind(std::string_view name) {
  for (RequestKind k : {RequestKind::kCorrection, RequestKind::kErasure, RequestKind::kObjection}) {
    if (RequestKindName(k) == name) return k;
  }
  return std::nullopt;
}

std::string_view RequestStateName(RequestState state) {
  switch (state) {
    case RequestState::kOpen:
      return "open";
    case RequestState::kDone:
      return "done";
    case RequestState::kRefused:
      return "refused";
  }
  return "";
}

std::optional<RequestState> ParseRequestState(std::string_view name) {
  for (RequestState s : {RequestState::kOpen, RequestState::kDone, RequestState::kRefused}) {
    if (RequestStateName(s) == name) return s;
  }
  return std::nullopt;
}

std::string DueOn(common::UnixMillis now) {
  return domain::FormatDate(domain::AddMonths(domain::DateFromMillis(now), 1));
}

StatusOr<Request> Create(db::Connection& c, std::string_view school_id, std::string_view user_id,
                         RequestKind kind, std::string_view text, common::UnixMillis now) {
  SP_ASSIGN_OR_RETURN(std::string clean, CleanText(text, "text"));
  if (clean.empty() && kind != RequestKind::kErasure) {
    return Status::InvalidArgument("required", "text");
  }
  Request r;
  r.id = crypto::RandomId();
  r.school_id = std::string(school_id);
  r.user_id = std::string(user_id);
  r.kind = kind;
  r.text = std::move(clean);
  r.created_at = now;
  r.due_on = DueOn(now);
  SP_RETURN_IF_ERROR(
      c.Execute("INSERT INTO privacy_requests(id, school_id, user_id, kind, text, created_at, "
                "due_on, state) VALUES ($1, $2, $3, $4, $5, $6, $7, 'open')",
                {r.id, r.school_id, r.user_id, RequestKindName(kind), r.text, now, r.due_on})
          .status());
  return r;
}

StatusOr<std::vector<Request>> ForUser(db::Connection& c, std::string_view school_id,
                                       std::string_view user_id) {
  SP_ASSIGN_OR_RETURN(db::Rows rows,
                      c.Query(std::string("SELECT ") + kColumns +
                                  " FROM privacy_requests r WHERE r.school_id = $1 AND "
                                  "r.user_id = $2 ORDER BY r.created_at DESC, r.id",
                              {school_id, user_id}));
  std::vector<Request> out;
  for (const db::Row& row : rows.rows) out.push_back(FromRow(row));
  return out;
}

StatusOr<std::vector<Request>> ListOpen(db::Connection& c, std::string_view school_id) {
  SP_ASSIGN_OR_RETURN(
      db::Rows rows,
      c.Query(std::string("SELECT ") + kColumns +
                  ", u.display_name, u.login FROM privacy_requests r LEFT JOIN users u ON "
                  "u.id = r.user_id AND u.school_id = r.school_id WHERE r.school_id = $1 AND "
                  "r.state = 'open' ORDER BY r.due_on, r.created_at, r.id",
              {school_id}));
  std::vector<Request> out;
  for (const db::Row& row : rows.rows) {
    Request r = FromRow(row);
    r.display_name = row.Text(11);
    r.login = row.Text(12);
    out.push_back(std::move(r));
  }
  return out;
}

StatusOr<Request> Get(db::Connection& c, std::string_view school_id, std::string_view id) {
  SP_ASSIGN_OR_RETURN(db::Rows rows,
                      c.Query(std::string("SELECT ") + kColumns +
                                  " FROM privacy_requests r WHERE r.school_id = $1 AND r.id = $2",
                              {school_id, id}));
  if (rows.empty()) return Status::NotFound("privacy request");
  return FromRow(rows.rows[0]);
}

Status Answer(db::Connection& c, std::string_view school_id, std::string_view id,
              RequestState state, std::string_view reason, std::string_view answered_by,
              common::UnixMillis now) {
  SP_ASSIGN_OR_RETURN(Request r, Get(c, school_id, id));
  if (state == RequestState::kOpen) return Status::InvalidArgument("not an answer", "state");
  SP_ASSIGN_OR_RETURN(std::string clean, CleanText(reason, "reason"));
  bool erased = r.kind == RequestKind::kErasure && state == RequestState::kDone;
  if (clean.empty() && !erased) return Status::InvalidArgument("required", "reason");
  // The state in the WHERE makes a second answer racing this one lose.
  SP_ASSIGN_OR_RETURN(
      int64_t n, c.Execute("UPDATE privacy_requests SET state = $1, reason = $2, answered_by = $3, "
                           "answered_at = $4 WHERE school_id = $5 AND id = $6 AND state = 'open'",
                           {RequestStateName(state), clean, answered_by, now, school_id, id}));
  if (n != 1) return Status::FailedPrecondition("already answered", "state");
  return Status::Ok();
}

Status WipeRequesterText(db::Connection& c, std::string_view school_id, std::string_view user_id) {
  return c
      .Execute("UPDATE privacy_requests SET text = '' WHERE school_id = $1 AND user_id = $2",
               {school_id, user_id})
      .status();
}

}  // namespace privacy
