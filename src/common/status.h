// File: common/status.h
//
// Status and StatusOr<T>: expected failures travel as values, in the style of
// LevelDB's Status and Abseil's StatusOr. Exceptions are reserved for bugs and
// for third-party code that throws; they are caught at the request boundary.
//
//   StatusOr<User> user = users.FindByLogin(school, login);
//   if (!user.ok()) return user.status();
//   Use(*user);
//
// A Status may name the input field it concerns (`field()`), so that forms and
// the JSON API can put the message beside the right input.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace common {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,    // bad input from a user or file: 400 / exit 2
  kNotFound,           // unknown or not visible to the caller: 404
  kAlreadyExists,      // unique constraint: 409
  kPermissionDenied,   // authenticated, but not allowed: 403
  kUnauthenticated,    // no or bad credentials: 401
  kResourceExhausted,  // throttled: 429
  kFailedPrecondition, // the state forbids it (e.g. missing consent): 409
  kUnavailable,        // database down, retry later: 503
  kDataLoss,           // tampered or corrupt data
  kInternal,           // a bug: 500
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message, std::string field = {})
      : code_(code), message_(std::move(message)), field_(std::move(field)) {}

  static Status Ok() { return {}; }
  static Status InvalidArgument(std::string msg, std::string field = {}) {
    return {StatusCode::kInvalidArgument, std::move(msg), std::move(field)};
  }
  static Status NotFound(std::string msg) { return {StatusCode::kNotFound, std::move(msg)}; }
  static Status AlreadyExists(std::string msg, std::string field = {}) {
    return {StatusCode::kAlreadyExists, std::move(msg), std::move(field)};
  }
  static Status PermissionDenied(std::string msg) {
    return {StatusCode::kPermissionDenied, std::move(msg)};
  }
  static Status Unauthenticated(std::string msg) {
    return {StatusCode::kUnauthenticated, std::move(msg)};
  }
  static Status ResourceExhausted(std::string msg) {
    return {StatusCode::kResourceExhausted, std::move(msg)};
  }
  static Status FailedPrecondition(std::string msg, std::string field = {}) {
    return {StatusCode::kFailedPrecondition, std::move(msg), std::move(field)};
  }
  static Status Unavailable(std::string msg) { return {StatusCode::kUnavailable, std::move(msg)}; }
  static Status DataLoss(std::string msg) { return {StatusCode::kDataLoss, std::move(msg)}; }
  static Status Internal(std::string msg) { return {StatusCode::kInternal, std::move(msg)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::string& field() const { return field_; }

  // "INVALID_ARGUMENT: narrative: too long" — for logs and CLI messages.
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::string field_;
};

// Holds either a T or a non-OK Status.
template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(T value) : value_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  StatusOr(Status status) : status_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!status_.ok() && "StatusOr built from an OK status");
    if (status_.ok()) status_ = Status::Internal("StatusOr built from OK status");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  T& value() & { assert(ok()); return *value_; }
  const T& value() const& { assert(ok()); return *value_; }
  T&& value() && { assert(ok()); return std::move(*value_); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace common

#define SP_CONCAT_INNER(a, b) a##b
#define SP_CONCAT(a, b) SP_CONCAT_INNER(a, b)

// `tmp` and `lhs` are a name and a declaration ("auto x"), which parentheses
// would break. NOLINTBEGIN(bugprone-macro-parentheses)
// Returns early from the enclosing function when `expr` yields a non-OK Status.
#define SP_RETURN_IF_ERROR(expr) SP_RETURN_IF_ERROR_IMPL(SP_CONCAT(sp_status_, __COUNTER__), expr)
#define SP_RETURN_IF_ERROR_IMPL(tmp, expr) \
  do {                                     \
    ::common::Status tmp = (expr);         \
    if (!tmp.ok()) return tmp;             \
  } while (false)

// Declares `lhs` from a StatusOr, or returns its Status.
#define SP_ASSIGN_OR_RETURN(lhs, expr) SP_ASSIGN_OR_RETURN_IMPL(SP_CONCAT(sp_or_, __COUNTER__), lhs, expr)
#define SP_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp.ok()) return tmp.status();            \
  lhs = std::move(*tmp)
// NOLINTEND(bugprone-macro-parentheses)
