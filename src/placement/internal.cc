#include "placement/internal.h"

#include <algorithm>
#include <map>

#include "common/utf8.h"

namespace placement::internal {

Status RequireCoordinator(const auth::User& actor) {
  if (actor.school_id.empty() ||
      !domain::HasPermission(actor.role, domain::Permission::kManagePlacements)) {
    return Status::PermissionDenied("only the placement coordinator may do this");
  }
  return Status::Ok();
}

Status RequireRole(const auth::User& actor, domain::Role role) {
  if (actor.school_id.empty() || actor.role != role) {
    return Status::PermissionDenied("not allowed for this role");
  }
  return Status::Ok();
}

domain::Date Today(const common::Clock& clock) {
  return domain::DateFromMillis(clock.NowMillis());
}

Status CheckText(std::string_view text, std::string_view field, size_t max_chars, bool required) {
  if (!common::IsValidUtf8(text)) return Status::InvalidArgument("is not valid text", std::string(field));
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

std::string JoinCrebos(const std::vector<std::string>& crebos) {
  std::string out;
  for (const std::string& c : crebos) {
    if (!out.empty()) out.push_back(',');
    out.append(c);
  }
  return out;
}

std::vector<std::string> SplitCrebos(std::string_view joined) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < joined.size()) {
    size_t comma = joined.find(',', start);
    if (comma == std::string_view::npos) comma = joined.size();
    if (comma > start) out.emplace_back(joined.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

const char kRoundColumns[] =
    "r.id, r.name, r.cohort, r.period, r.crebos, r.status, r.leerwens_deadline, r.start_date, "
    "r.end_date, r.hours, r.publish_lead_days, r.seed, r.previous_round_id, r.created_at, "
    "r.run_at, r.published_at, r.visible_from";

namespace {
domain::Date DateOrZero(const std::string& text) {
  return domain::ParseDate(text).value_or(domain::Date{});
}
}  // namespace

Round RoundFromRow(const db::Row& row) {
  Round r;
  r.id = row.Text(0);
  r.name = row.Text(1);
  r.cohort = row.Text(2);
  r.period = row.Text(3);
  r.crebos = SplitCrebos(row.Text(4));
  r.status = domain::ParseRoundStatus(row.Text(5)).value_or(domain::RoundStatus::kDraft);
  r.leerwens_deadline = DateOrZero(row.Text(6));
  r.start = DateOrZero(row.Text(7));
  r.end_planned = DateOrZero(row.Text(8));
  r.hours = static_cast<int>(row.Int(9));
  r.publish_lead_days = static_cast<int>(row.Int(10));
  r.seed = static_cast<uint64_t>(row.Int(11));
  r.previous_round_id = row.Text(12);
  r.created_at = row.Int(13);
  r.run_at = row.OptInt(14);
  r.published_at = row.OptInt(15);
  if (std::optional<std::string> v = row.OptText(16)) r.visible_from = domain::ParseDate(*v);
  return r;
}

const char kStudentColumns[] =
    "s.id, s.student_number, s.name, s.crebo, s.level, s.pathway, s.cohort, s.location, s.lat, "
    "s.lon, s.user_id";

Student StudentFromRow(const db::Row& row) {
  Student s;
  s.id = row.Text(0);
  s.student_number = row.Text(1);
  s.name = row.Text(2);
  s.crebo = row.Text(3);
  s.level = static_cast<int>(row.Int(4));
  s.pathway = domain::ParsePathway(row.Text(5)).value_or(domain::Pathway::kBol);
  s.cohort = row.Text(6);
  s.location = row.Text(7);
  if (!row.IsNull(8) && !row.IsNull(9))
    s.coordinates = domain::Coordinates{row.Double(8), row.Double(9)};
  s.linked_to_user = !row.IsNull(10);
  return s;
}

const char kPlaceColumns[] =
    "l.id, l.company_id, co.name, co.leerbedrijf_id, co.city, l.crebo, l.period, l.capacity, "
    "(SELECT COUNT(*) FROM placements p JOIN rounds pr ON pr.id = p.round_id WHERE "
    "p.leerplaats_id = l.id AND pr.status = 'published' AND p.ended_kind IS NULL), "
    "l.description, l.confirmed_at";

Place PlaceFromRow(const db::Row& row) {
  Place p;
  p.id = row.Text(0);
  p.company_id = row.Text(1);
  p.company_name = row.Text(2);
  p.leerbedrijf_id = row.Text(3);
  p.city = row.Text(4);
  p.crebo = row.Text(5);
  p.period = row.Text(6);
  p.capacity = static_cast<int>(row.Int(7));
  p.taken = static_cast<int>(row.Int(8));
  p.description = row.Text(9);
  p.confirmed_at = row.OptInt(10);
  return p;
}

StatusOr<Round> LoadRound(db::Connection& c, std::string_view school_id,
                          std::string_view round_id) {
  SP_ASSIGN_OR_RETURN(db::Rows rows,
                      c.Query(std::string("SELECT ") + kRoundColumns +
                                  " FROM rounds r WHERE r.id = $1 AND r.school_id = $2",
                              {round_id, school_id}));
  if (rows.empty()) return Status::NotFound("no such round");
  Round r = RoundFromRow(rows.rows[0]);
  SP_RETURN_IF_ERROR(CountRound(c, &r));
  return r;
}

Status LockRound(db::Connection& c, std::string_view school_id, std::string_view round_id) {
  return c.Execute("UPDATE rounds SET status = status WHERE id = $1 AND school_id = $2",
                   {round_id, school_id})
      .status();
}

Status CountRound(db::Connection& c, Round* round) {
  SP_ASSIGN_OR_RETURN(
      db::Row n,
      c.QueryOne("SELECT (SELECT COUNT(*) FROM round_students WHERE round_id = $1), "
                 "(SELECT COUNT(DISTINCT student_id) FROM leerwens_choices WHERE round_id = $1)",
                 {round->id}));
  round->students = static_cast<int32_t>(n.Int(0));
  round->with_leerwens = static_cast<int32_t>(n.Int(1));
  return Status::Ok();
}

StatusOr<Student> StudentOfUser(db::Connection& c, const auth::User& actor) {
  SP_RETURN_IF_ERROR(RequireRole(actor, domain::Role::kStudent));
  SP_ASSIGN_OR_RETURN(db::Rows rows,
                      c.Query(std::string("SELECT ") + kStudentColumns +
                                  " FROM students s WHERE s.user_id = $1 AND s.school_id = $2",
                              {actor.id, actor.school_id}));
  if (rows.empty()) return Status::NotFound("no student record is linked to this login");
  return StudentFromRow(rows.rows[0]);
}

StatusOr<std::string> CompanyOfContact(db::Connection& c, const auth::User& actor) {
  SP_RETURN_IF_ERROR(RequireRole(actor, domain::Role::kCompanyContact));
  SP_ASSIGN_OR_RETURN(
      db::Rows rows,
      c.Query("SELECT cc.company_id FROM company_contacts cc JOIN school_companies sc ON "
              "sc.company_id = cc.company_id AND sc.school_id = $2 WHERE cc.user_id = $1",
              {actor.id, actor.school_id}));
  if (rows.empty()) return Status::NotFound("no company is linked to this login");
  return rows.rows[0].Text(0);
}

std::optional<int> CurrentNormVersion(db::Connection& c, std::string_view school_id) {
  auto row = c.QueryOne("SELECT MAX(version) FROM norm_versions WHERE school_id = $1", {school_id});
  if (!row.ok() || row->IsNull(0)) return std::nullopt;
  return static_cast<int>(row->Int(0));
}

StatusOr<std::vector<Exclusion>> ComputeExclusions(db::Connection& c, std::string_view school_id,
                                                   domain::Date today) {
  std::optional<int> norm = CurrentNormVersion(c, school_id);
  SP_ASSIGN_OR_RETURN(
      db::Rows rows,
      c.Query("SELECT co.id, co.leerbedrijf_id, co.name, co.sbb_recognised, "
              // Only an active pause excludes: a proposal waits for the
              // company's response (hoor en wederhoor, domain/company_pause.h).
              "EXISTS (SELECT 1 FROM company_pauses p WHERE p.school_id = $1 AND p.company_id = "
              "co.id AND p.state = 'active' AND p.until_date >= $2), "
              "EXISTS (SELECT 1 FROM norm_acceptances a WHERE a.school_id = $1 AND a.company_id = "
              "co.id AND a.version = $3) "
              "FROM school_company_view co WHERE co.school_id = $1 ORDER BY co.name, co.id",
              {school_id, domain::FormatDate(today), static_cast<int64_t>(norm.value_or(-1))}));
  std::vector<Exclusion> out;
  for (const db::Row& r : rows.rows) {
    Exclusion e{r.Text(0), r.Text(1), r.Text(2), {}};
    // EXISTS: a boolean on PostgreSQL, read as 0/1 like SQLite's integer.
    auto truthy = [&](size_t i) { return r.Int(i) != 0; };
    if (truthy(4)) e.reasons.push_back(ExclusionReason::kPaused);
    if (r.Int(3) == 0) e.reasons.push_back(ExclusionReason::kSbbWithdrawn);
    if (!truthy(5)) e.reasons.push_back(ExclusionReason::kNormNotAccepted);
    if (!e.reasons.empty()) out.push_back(std::move(e));
  }
  return out;
}

StatusOr<std::vector<Exclusion>> StoredExclusions(db::Connection& c, std::string_view round_id) {
  SP_ASSIGN_OR_RETURN(
      db::Rows rows,
      c.Query("SELECT co.id, co.leerbedrijf_id, co.name, x.reason FROM round_exclusions x JOIN "
              "rounds r ON r.id = x.round_id JOIN school_company_view co ON co.id = x.company_id "
              "AND co.school_id = r.school_id WHERE x.round_id = $1 ORDER BY co.name, co.id, "
              "x.reason",
              {round_id}));
  std::vector<Exclusion> out;
  for (const db::Row& r : rows.rows) {
    if (out.empty() || out.back().company_id != r.Text(0)) {
      out.push_back({r.Text(0), r.Text(1), r.Text(2), {}});
    }
    std::string reason = r.Text(3);
    for (ExclusionReason x : {ExclusionReason::kPaused, ExclusionReason::kSbbWithdrawn,
                              ExclusionReason::kNormNotAccepted}) {
      if (Name(x) == reason) out.back().reasons.push_back(x);
    }
  }
  return out;
}

Status Audit(db::Connection& c, const audit::AuditLog& log, const auth::User& actor,
             std::string action, std::string object_type, std::string_view object_id) {
  return log.Append(c, audit::Entry{actor.school_id, actor.id, std::move(action),
                                    std::move(object_type), std::string(object_id), "ok"});
}

BatchInsert::BatchInsert(db::Connection& c, std::string prefix, size_t columns,
                         std::string suffix, size_t per_statement)
    : c_(c),
      prefix_(std::move(prefix)),
      columns_(columns),
      suffix_(std::move(suffix)),
      per_statement_(per_statement) {}

Status BatchInsert::Add(db::Params row) {
  for (db::Param& p : row) pending_.push_back(std::move(p));
  if (pending_.size() >= columns_ * per_statement_) return Flush();
  return Status::Ok();
}

Status BatchInsert::Flush() {
  if (pending_.empty()) return Status::Ok();
  // The text holds only placeholders: its shape depends on counts, never on values.
  std::string sql = prefix_;
  size_t rows = pending_.size() / columns_;
  size_t n = 1;
  for (size_t r = 0; r < rows; ++r) {
    sql.append(r == 0 ? " (" : ", (");
    for (size_t k = 0; k < columns_; ++k) {
      if (k > 0) sql.append(", ");
      sql.push_back('$');
      sql.append(std::to_string(n++));
    }
    sql.push_back(')');
  }
  if (!suffix_.empty()) {
    sql.push_back(' ');
    sql.append(suffix_);
  }
  db::Params params;
  params.swap(pending_);
  return c_.Execute(sql, params).status();
}

}  // namespace placement::internal
