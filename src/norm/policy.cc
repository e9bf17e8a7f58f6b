// The norm as the school's versioned policy page, and students reading it.
#include <algorithm>
#include <cctype>

#include "common/utf8.h"
#include "domain/roles.h"
#include "norm/service.h"

namespace norm {

using common::Status;
using common::StatusOr;

namespace {

constexpr size_t kMaxSectionChars = 20000;

constexpr char kPolicySelect[] =
    "SELECT version, definition_nl, definition_en, text_nl, text_en, report_nl, report_en, "
    "next_nl, next_en, published_at FROM norm_versions WHERE school_id = $1 ";

Policy PolicyFromRow(const db::Row& r) {
  return Policy{static_cast<int>(r.Int(0)),
                PolicyText{r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Text(5), r.Text(6),
                           r.Text(7), r.Text(8)},
                r.Int(9)};
}

}  // namespace

Status RequirePermission(const auth::User& actor, domain::Permission p) {
  if (actor.school_id.empty() || !domain::HasPermission(actor.role, p)) {
    return Status::PermissionDenied("not allowed for this role");
  }
  return Status::Ok();
}

Status CheckText(std::string_view text, std::string_view field, size_t max_chars, bool required) {
  if (!common::IsValidUtf8(text)) {
    return Status::InvalidArgument("is not valid text", std::string(field));
  }
  size_t chars = 0;
  for (unsigned char c : text) chars += (c & 0xC0) != 0x80;
  bool blank = std::all_of(text.begin(), text.end(),
                           [](char c) { return std::isspace(static_cast<unsigned char>(c)); });
  if (required && blank) return Status::InvalidArgument("is required", std::string(field));
  if (chars > max_chars) {
    return Status::InvalidArgument("is longer than " + std::to_string(max_chars) + " characters",
                                   std::string(field));
  }
  return Status::Ok();
}

Status NormService::Audit(db::Connection& c, const auth::User& actor, std::string action,
                          std::string object_type, std::string_view object_id) const {
  return audit_.Append(c, audit::Entry{actor.school_id, actor.id, std::move(action),
                                       std::move(object_type), std::string(object_id), "ok"});
}

StatusOr<int> NormService::PublishPolicy(const auth::User& actor, const PolicyText& t) {
  SP_RETURN_IF_ERROR(RequirePermission(actor, domain::Permission::kManageNorm));
  const std::pair<const std::string*, const char*> fields[] = {{&t.definition_nl, "definition_nl"},
                                                               {&t.definition_en, "definition_en"},
                                                               {&t.norm_nl, "norm_nl"},
                                                               {&t.norm_en, "norm_en"},
                                                               {&t.report_nl, "report_nl"},
                                                               {&t.report_en, "report_en"},
                                                               {&t.next_nl, "next_nl"},
                                                               {&t.next_en, "next_en"}};
  for (const auto& [text, field] : fields) {
    bool required = std::string_view(field).starts_with("norm_");
    SP_RETURN_IF_ERROR(CheckText(*text, field, kMaxSectionChars, required));
  }
  int version = 0;
  Status s = db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(db::Row last,
                        c.QueryOne("SELECT COALESCE(MAX(version), 0) FROM norm_versions WHERE "
                                   "school_id = $1",
                                   {actor.school_id}));
    version = static_cast<int>(last.Int(0)) + 1;
    SP_RETURN_IF_ERROR(
        c.Execute(
             "INSERT INTO norm_versions(school_id, version, text_nl, text_en, published_at, "
             "published_by, definition_nl, definition_en, report_nl, report_en, next_nl, "
             "next_en) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
             {actor.school_id, version, t.norm_nl, t.norm_en, clock_.NowMillis(), actor.id,
              t.definition_nl, t.definition_en, t.report_nl, t.report_en, t.next_nl, t.next_en})
            .status());
    return Audit(c, actor, "norm.publish", "norm", std::to_string(version));
  });
  if (!s.ok()) return s;
  return version;
}

StatusOr<std::optional<Policy>> NormService::CurrentPolicy(std::string_view school_id) {
  std::optional<Policy> out;
  Status s = db_.Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(
        db::Rows rows,
        c.Query(std::string(kPolicySelect) + "ORDER BY version DESC LIMIT 1", {school_id}));
    if (!rows.empty()) out = PolicyFromRow(rows.rows[0]);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

StatusOr<std::vector<Policy>> NormService::PolicyHistory(std::string_view school_id) {
  std::vector<Policy> out;
  Status s = db_.Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(db::Rows rows,
                        c.Query(std::string(kPolicySelect) + "ORDER BY version DESC", {school_id}));
    for (const db::Row& r : rows.rows) out.push_back(PolicyFromRow(r));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

namespace {

// The student's internships that are visible and still running (or about to
// start): the moment to read the norm. Both kinds count the same: placements
// of a published round, and the school's BPV agreements (internships no
// round made), named by the leerbedrijf as the school's register shows it.
// Columns: id, name, start day; callers add "WHERE i.id = $4" or an order.
constexpr char kRunningPlacements[] =
    "SELECT i.id, i.name, i.start_date FROM (SELECT p.id AS id, r.name AS name, r.start_date AS "
    "start_date FROM placements p JOIN rounds r ON r.id = p.round_id "
    "JOIN students s ON s.id = p.student_id WHERE s.user_id = $1 AND p.school_id = $2 AND "
    "r.status = 'published' AND r.visible_from <= $3 AND r.end_date >= $3 AND "
    "p.leerplaats_id IS NOT NULL AND p.ended_kind IS NULL "
    "UNION ALL SELECT b.id, co.name, b.start_date FROM bpv_agreements b JOIN students s ON "
    "s.id = b.student_id JOIN school_company_view co ON co.id = b.company_id AND co.school_id = "
    "b.school_id WHERE s.user_id = $1 AND b.school_id = $2 AND b.end_date >= $3) i ";

}  // namespace

StatusOr<std::vector<NormToRead>> NormService::NormsToRead(const auth::User& student) {
  SP_RETURN_IF_ERROR(RequirePermission(student, domain::Permission::kAnswerPulse));
  std::vector<NormToRead> out;
  Status s = db_.Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(
        db::Rows current,
        c.Query(std::string(kPolicySelect) + "ORDER BY version DESC LIMIT 1", {student.school_id}));
    if (current.empty()) return Status::Ok();
    Policy policy = PolicyFromRow(current.rows[0]);
    SP_ASSIGN_OR_RETURN(db::Rows rows,
                        c.Query(std::string(kRunningPlacements) + "ORDER BY i.start_date, i.id",
                                {student.id, student.school_id, domain::FormatDate(Today())}));
    for (const db::Row& r : rows.rows) {
      NormToRead n{r.Text(0), r.Text(1), domain::ParseDate(r.Text(2)).value_or(Today()), policy,
                   std::nullopt};
      SP_ASSIGN_OR_RETURN(db::Rows read,
                          c.Query("SELECT read_at FROM norm_reads WHERE user_id = $1 AND "
                                  "placement_id = $2 AND version = $3",
                                  {student.id, n.placement_id, policy.version}));
      if (!read.empty()) n.read_at = read.rows[0].Int(0);
      out.push_back(std::move(n));
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Status NormService::MarkNormRead(const auth::User& student, std::string_view placement_id,
                                 int version) {
  SP_RETURN_IF_ERROR(RequirePermission(student, domain::Permission::kAnswerPulse));
  return db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(db::Rows mine, c.Query(std::string(kRunningPlacements) + "WHERE i.id = $4",
                                               {student.id, student.school_id,
                                                domain::FormatDate(Today()), placement_id}));
    if (mine.empty()) return Status::NotFound("no such placement");
    SP_ASSIGN_OR_RETURN(db::Row current,
                        c.QueryOne("SELECT COALESCE(MAX(version), 0) FROM norm_versions WHERE "
                                   "school_id = $1",
                                   {student.school_id}));
    if (current.Int(0) != version) {
      return Status::FailedPrecondition("is not the current version; read the current text",
                                        "version");
    }
    SP_RETURN_IF_ERROR(
        c.Execute("INSERT INTO norm_reads(school_id, user_id, placement_id, "
                  "version, read_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO "
                  "NOTHING",
                  {student.school_id, student.id, placement_id, version, clock_.NowMillis()})
            .status());
    return Audit(c, student, "norm.read", "placement", placement_id);
  });
}

}  // namespace norm
