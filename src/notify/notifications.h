// File: notify/notifications.h
//
// Alerts and reminders addressed to one staff member, shown on their
// dashboard until they mark them read: a case whose first contact is late, a
// training that expires, a placement that broke down. A notification names
// its subject (a case number, a round) and links to where to act; it never
// carries report content, so it is safe to show and to keep.
//
// Producers add notifications inside their own transaction, so an alert
// exists exactly when the change that caused it was committed:
//
//   SP_RETURN_IF_ERROR(notify::Add(conn, {.school_id = s, .user_id = u,
//       .kind = "first_contact_overdue", .subject = "M-2026-0042",
//       .link = "/meldpunt/zaken/" + id, .object_id = id}, now));
//
// Adding the same (user, kind, object) twice is a no-op, so a job that runs
// every hour raises each alert once.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "db/database.h"

namespace notify {

struct NewNotification {
  std::string school_id;
  std::string user_id;
  std::string kind;       // stable id; pages translate "notify_<kind>"
  std::string subject;    // shown as is: a case number or a name, never content
  std::string link;       // a path inside the app
  std::string object_id;  // what it is about; with kind and user, the dedupe key
};

// Adds one notification in the caller's transaction. Returns true when it is
// new, false when the user already had it.
common::StatusOr<bool> Add(db::Connection& c, const NewNotification& n, common::UnixMillis now);

// Removes every notification about `object_id` (its subject was shredded).
common::Status RemoveFor(db::Connection& c, std::string_view object_id);

struct Notification {
  std::string id;
  std::string kind;
  std::string subject;
  std::string link;
  common::UnixMillis created_at = 0;
};

class Notifications {
 public:
  Notifications(db::Database& db, const common::Clock& clock) : db_(db), clock_(clock) {}

  // The user's unread notifications, newest first (at most `limit`).
  common::StatusOr<std::vector<Notification>> Unread(std::string_view user_id, int limit = 50);
  // Marks one read; NotFound when it is not the user's (another user's id
  // looks the same as a missing one).
  common::Status MarkRead(std::string_view user_id, std::string_view id);

 private:
  db::Database& db_;
  const common::Clock& clock_;
};

}  // namespace notify
