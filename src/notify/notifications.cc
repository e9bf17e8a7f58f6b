#include "notify/notifications.h"

#include "crypto/random.h"

namespace notify {

using common::Status;
using common::StatusOr;

StatusOr<bool> Add(db::Connection& c, const NewNotification& n, common::UnixMillis now) {
  SP_ASSIGN_OR_RETURN(
      int64_t inserted,
      c.Execute("INSERT INTO notifications(id, school_id, user_id, kind, subject, link, object_id, "
                "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
                "ON CONFLICT (user_id, kind, object_id) DO NOTHING",
                {crypto::RandomId(), n.school_id, n.user_id, n.kind, n.subject, n.link,
                 n.object_id, now}));
  return inserted == 1;
}

Status RemoveFor(db::Connection& c, std::string_view object_id) {
  return c.Execute("DELETE FROM notifications WHERE object_id = $1", {std::string(object_id)})
      .status();
}

StatusOr<std::vector<Notification>> Notifications::Unread(std::string_view user_id, int limit) {
  std::vector<Notification> out;
  Status s = db_.Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(
        db::Rows rows,
        c.Query("SELECT id, kind, subject, link, created_at FROM notifications "
                "WHERE user_id = $1 AND read_at IS NULL ORDER BY created_at DESC, id LIMIT $2",
                {std::string(user_id), static_cast<int64_t>(limit)}));
    for (const db::Row& r : rows.rows)
      out.push_back({r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Int(4)});
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Status Notifications::MarkRead(std::string_view user_id, std::string_view id) {
  common::UnixMillis now = clock_.NowMillis();
  return db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(int64_t n,
                        c.Execute("UPDATE notifications SET read_at = $1 WHERE id = $2 AND "
                                  "user_id = $3 AND read_at IS NULL",
                                  {now, std::string(id), std::string(user_id)}));
    if (n != 1) return Status::NotFound("no such notification");
    return Status::Ok();
  });
}

}  // namespace notify
