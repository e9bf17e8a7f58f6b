// The school's norm on stagediscriminatie: versions and acceptances.
#include "placement/internal.h"

namespace placement {

using common::Status;
using common::StatusOr;

namespace {

constexpr size_t kMaxNormChars = 20000;

NormVersion NormFromRow(const db::Row& r) {
  return NormVersion{static_cast<int>(r.Int(0)), r.Text(1), r.Text(2), r.Int(3), r.Text(4)};
}

constexpr char kNormSelect[] =
    "SELECT n.version, n.text_nl, n.text_en, n.published_at, COALESCE(u.display_name, '') FROM "
    "norm_versions n LEFT JOIN users u ON u.id = n.published_by WHERE n.school_id = $1 ";

}  // namespace

StatusOr<int> Stagematching::PublishNorm(const auth::User& actor, std::string_view text_nl,
                                         std::string_view text_en) {
  SP_RETURN_IF_ERROR(internal::RequireCoordinator(actor));
  SP_RETURN_IF_ERROR(internal::CheckText(text_nl, "text_nl", kMaxNormChars, true));
  SP_RETURN_IF_ERROR(internal::CheckText(text_en, "text_en", kMaxNormChars, true));
  int version = 0;
  Status s = db_.Write([&](db::Connection& c) -> Status {
    version = internal::CurrentNormVersion(c, actor.school_id).value_or(0) + 1;
    // This page edits the norm itself; the policy page's other sections
    // (definition, where to report, what happens next: src/norm/) carry over
    // from the previous version rather than going blank.
    SP_RETURN_IF_ERROR(
        c.Execute("INSERT INTO norm_versions(school_id, version, text_nl, text_en, published_at, "
                  "published_by, definition_nl, definition_en, report_nl, report_en, next_nl, "
                  "next_en) SELECT $1, $2, $3, $4, $5, $6, COALESCE(p.definition_nl, ''), "
                  "COALESCE(p.definition_en, ''), COALESCE(p.report_nl, ''), "
                  "COALESCE(p.report_en, ''), COALESCE(p.next_nl, ''), COALESCE(p.next_en, '') "
                  "FROM (SELECT 1 AS one) AS x LEFT JOIN norm_versions p ON p.school_id = $1 AND "
                  "p.version = $7",
                  {actor.school_id, version, text_nl, text_en, clock_.NowMillis(), actor.id,
                   version - 1})
            .status());
    return internal::Audit(c, audit_, actor, "norm.publish", "norm", std::to_string(version));
  });
  if (!s.ok()) return s;
  return version;
}

StatusOr<NormVersion> Stagematching::CurrentNorm(std::string_view school_id) {
  std::optional<NormVersion> out;
  Status s = db_.Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(db::Rows rows,
                        c.Query(std::string(kNormSelect) + "ORDER BY n.version DESC LIMIT 1",
                                {school_id}));
    if (!rows.empty()) out = NormFromRow(rows.rows[0]);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  if (!out) return Status::NotFound("the school has not published its norm yet");
  return *out;
}

StatusOr<std::vector<NormVersion>> Stagematching::NormHistory(const auth::User& actor) {
  SP_RETURN_IF_ERROR(internal::RequireCoordinator(actor));
  std::vector<NormVersion> out;
  Status s = db_.Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(db::Rows rows, c.Query(std::string(kNormSelect) + "ORDER BY n.version DESC",
                                               {actor.school_id}));
    for (const db::Row& r : rows.rows) out.push_back(NormFromRow(r));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

namespace {

Status Accept(db::Connection& c, const audit::AuditLog& log, const auth::User& actor,
              const std::string& company_id, int version, common::UnixMillis now) {
  std::optional<int> current = internal::CurrentNormVersion(c, actor.school_id);
  if (!current) return Status::NotFound("the school has not published its norm yet");
  if (version != *current) {
    return Status::FailedPrecondition(
        "version " + std::to_string(version) + " is not the current version (" +
            std::to_string(*current) + "); read the current text and accept that",
        "version");
  }
  SP_RETURN_IF_ERROR(
      c.Execute("INSERT INTO norm_acceptances(school_id, company_id, version, accepted_at, "
                "accepted_by) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                {actor.school_id, company_id, version, now, actor.id})
          .status());
  return internal::Audit(c, log, actor, "norm.accept", "company", company_id);
}

}  // namespace

Status Stagematching::AcceptNorm(const auth::User& actor, int version) {
  return db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(std::string company_id, internal::CompanyOfContact(c, actor));
    return Accept(c, audit_, actor, company_id, version, clock_.NowMillis());
  });
}

Status Stagematching::RecordNormAcceptance(const auth::User& actor, std::string_view company_id,
                                           int version) {
  SP_RETURN_IF_ERROR(internal::RequireCoordinator(actor));
  return db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(db::Rows known,
                        c.Query("SELECT 1 FROM school_companies WHERE school_id = $1 AND "
                                "company_id = $2",
                                {actor.school_id, company_id}));
    if (known.empty()) return Status::NotFound("no such company in the school's register");
    return Accept(c, audit_, actor, std::string(company_id), version, clock_.NowMillis());
  });
}

}  // namespace placement
