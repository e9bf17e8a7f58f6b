// Training register: staff who completed training in recognising and
// handling stagediscriminatie, and reminders before it expires.
#include "crypto/random.h"
#include "norm/service.h"
#include "notify/notifications.h"

namespace norm {

using common::Status;
using common::StatusOr;

namespace {

constexpr size_t kMaxTrainingNameChars = 200;

constexpr char kStaffRoles[] = "('meldpunt', 'coordinator', 'teacher', 'management', 'admin')";

constexpr char kRecordSelect[] =
    "SELECT t.id, t.user_id, u.display_name, t.training_name, t.completed_on, t.expires_on FROM "
    "training_records t JOIN users u ON u.id = t.user_id WHERE t.school_id = $1 ";

TrainingRecord RecordFromRow(const db::Row& r, domain::Date today) {
  TrainingRecord t{r.Text(0),
                   r.Text(1),
                   r.Text(2),
                   r.Text(3),
                   domain::ParseDate(r.Text(4)).value_or(domain::Date{}),
                   domain::ParseDate(r.Text(5)).value_or(domain::Date{}),
                   TrainingState::kCurrent};
  t.state = TrainingStateOn(t.expires_on, today);
  return t;
}

}  // namespace

StatusOr<std::vector<TrainingRecord>> NormService::TrainingRegister(const auth::User& actor) {
  SP_RETURN_IF_ERROR(RequirePermission(actor, domain::Permission::kManageTraining));
  std::vector<TrainingRecord> out;
  Status s = db_.Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(db::Rows rows, c.Query(std::string(kRecordSelect) +
                                                   "ORDER BY t.expires_on, u.display_name, t.id",
                                               {actor.school_id}));
    for (const db::Row& r : rows.rows) out.push_back(RecordFromRow(r, Today()));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

StatusOr<std::vector<StaffMember>> NormService::Staff(const auth::User& actor) {
  SP_RETURN_IF_ERROR(RequirePermission(actor, domain::Permission::kManageTraining));
  std::vector<StaffMember> out;
  Status s = db_.Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(db::Rows rows,
                        c.Query(std::string("SELECT id, display_name FROM users WHERE school_id = "
                                            "$1 AND disabled = 0 AND role IN ") +
                                    kStaffRoles + " ORDER BY display_name, id",
                                {actor.school_id}));
    for (const db::Row& r : rows.rows) out.push_back({r.Text(0), r.Text(1)});
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

StatusOr<std::string> NormService::RecordTraining(const auth::User& actor, std::string_view user_id,
                                                  std::string_view training_name,
                                                  std::string_view completed_on,
                                                  std::string_view expires_on) {
  SP_RETURN_IF_ERROR(RequirePermission(actor, domain::Permission::kManageTraining));
  if (user_id.empty()) return Status::InvalidArgument("choose a staff member", "user");
  SP_RETURN_IF_ERROR(CheckText(training_name, "training", kMaxTrainingNameChars, true));
  std::optional<domain::Date> done = domain::ParseDate(completed_on);
  if (!done) return Status::InvalidArgument("is not a date (YYYY-MM-DD)", "completed_on");
  if (Today() < *done) return Status::InvalidArgument("lies in the future", "completed_on");
  std::optional<domain::Date> expires = domain::ParseDate(expires_on);
  if (!expires) return Status::InvalidArgument("is not a date (YYYY-MM-DD)", "expires_on");
  if (!(*done < *expires)) {
    return Status::InvalidArgument("must be after the completion date", "expires_on");
  }
  std::string id = crypto::RandomId();
  Status s = db_.Write([&](db::Connection& c) -> Status {
    // Another school's user, a student or a company contact: the same "no such".
    SP_ASSIGN_OR_RETURN(db::Rows staff,
                        c.Query(std::string("SELECT 1 FROM users WHERE id = $1 AND school_id = $2 "
                                            "AND disabled = 0 AND role IN ") +
                                    kStaffRoles,
                                {user_id, actor.school_id}));
    if (staff.empty())
      return Status::InvalidArgument("is not a staff member of the school", "user");
    SP_RETURN_IF_ERROR(
        c.Execute("INSERT INTO training_records(id, school_id, user_id, training_name, "
                  "completed_on, expires_on, recorded_at, recorded_by) VALUES ($1, $2, $3, $4, "
                  "$5, $6, $7, $8)",
                  {id, actor.school_id, user_id, training_name, domain::FormatDate(*done),
                   domain::FormatDate(*expires), clock_.NowMillis(), actor.id})
            .status());
    return Audit(c, actor, "training.record", "training", id);
  });
  if (!s.ok()) return s;
  return id;
}

StatusOr<std::vector<TrainingRecord>> NormService::MyTraining(const auth::User& user) {
  if (user.school_id.empty()) return Status::PermissionDenied("not allowed for this role");
  std::vector<TrainingRecord> out;
  Status s = db_.Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(
        db::Rows rows,
        c.Query(std::string(kRecordSelect) + "AND t.user_id = $2 ORDER BY t.expires_on DESC, t.id",
                {user.school_id, user.id}));
    for (const db::Row& r : rows.rows) out.push_back(RecordFromRow(r, Today()));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

StatusOr<int> NormService::SendTrainingReminders() {
  domain::Date today = Today();
  int added = 0;
  Status s = db_.Write([&](db::Connection& c) -> Status {
    // Only each person's latest training counts: a renewed one silences the
    // old. Expiries more than 30 days ago are not raised again after an outage.
    SP_ASSIGN_OR_RETURN(
        db::Rows rows,
        c.Query("SELECT t.id, t.school_id, t.user_id, t.training_name, t.expires_on FROM "
                "training_records t JOIN users u ON u.id = t.user_id WHERE u.disabled = 0 AND "
                "t.expires_on <= $1 AND t.expires_on >= $2 AND NOT EXISTS (SELECT 1 FROM "
                "training_records n WHERE n.user_id = t.user_id AND n.expires_on > t.expires_on) "
                "ORDER BY t.id",
                {domain::FormatDate(domain::AddDays(today, kTrainingReminderDays)),
                 domain::FormatDate(domain::AddDays(today, -kTrainingReminderDays))}));
    for (const db::Row& r : rows.rows) {
      std::optional<domain::Date> expires = domain::ParseDate(r.Text(4));
      std::optional<std::string_view> kind =
          expires ? TrainingReminderKind(*expires, today) : std::nullopt;
      if (!kind) continue;
      SP_ASSIGN_OR_RETURN(bool fresh, notify::Add(c,
                                                  {.school_id = r.Text(1),
                                                   .user_id = r.Text(2),
                                                   .kind = std::string(*kind),
                                                   .subject = r.Text(3) + " (" + r.Text(4) + ")",
                                                   .link = "/mijn-training",
                                                   .object_id = r.Text(0)},
                                                  clock_.NowMillis()));
      added += fresh ? 1 : 0;
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return added;
}

}  // namespace norm
