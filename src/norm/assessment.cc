// Self-assessment against the Inspectie's recommendations and the Toolbox tasks.
#include "norm/service.h"

namespace norm {

using common::Status;
using common::StatusOr;

namespace {

constexpr size_t kMaxEvidenceChars = 4000;

// Meldpunt handlers take part as leads only: a plain handler sees cases
// assigned to them and has no say in the school's policy.
Status RequireAssessor(db::Connection& c, const auth::User& actor) {
  SP_RETURN_IF_ERROR(RequirePermission(actor, domain::Permission::kManageSelfAssessment));
  if (actor.role != domain::Role::kMeldpuntHandler) return Status::Ok();
  SP_ASSIGN_OR_RETURN(db::Row lead,
                      c.QueryOne("SELECT meldpunt_lead FROM users WHERE id = $1", {actor.id}));
  if (lead.Int(0) == 0) return Status::PermissionDenied("only meldpunt leads may do this");
  return Status::Ok();
}

}  // namespace

StatusOr<std::vector<AssessmentItemStatus>> NormService::Assessment(const auth::User& actor,
                                                                    std::string_view school_year) {
  SP_RETURN_IF_ERROR(CheckSchoolYear(school_year, "year"));
  std::vector<AssessmentItemStatus> out;
  Status s = db_.Read([&](db::Connection& c) -> Status {
    SP_RETURN_IF_ERROR(RequireAssessor(c, actor));
    SP_ASSIGN_OR_RETURN(out, AssessmentFor(c, actor.school_id, school_year));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

StatusOr<std::vector<AssessmentScore>> NormService::AssessmentHistory(const auth::User& actor) {
  std::vector<AssessmentScore> out;
  Status s = db_.Read([&](db::Connection& c) -> Status {
    SP_RETURN_IF_ERROR(RequireAssessor(c, actor));
    SP_ASSIGN_OR_RETURN(out, AssessmentScores(c, actor.school_id));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Status NormService::SaveAssessmentItem(const auth::User& actor, std::string_view school_year,
                                       std::string_view item_id, std::string_view status,
                                       std::string_view evidence, std::string_view dated) {
  SP_RETURN_IF_ERROR(CheckSchoolYear(school_year, "year"));
  if (FindAssessmentItem(item_id) == nullptr) return Status::NotFound("no such item");
  if (!ParseItemStatus(status)) {
    return Status::InvalidArgument("choose not started, in progress or done", "status");
  }
  SP_RETURN_IF_ERROR(CheckText(evidence, "evidence", kMaxEvidenceChars, false));
  std::optional<domain::Date> day = domain::ParseDate(dated);
  if (!day) return Status::InvalidArgument("is not a date (YYYY-MM-DD)", "date");
  if (Today() < *day) return Status::InvalidArgument("lies in the future", "date");
  return db_.Write([&](db::Connection& c) -> Status {
    SP_RETURN_IF_ERROR(RequireAssessor(c, actor));
    SP_RETURN_IF_ERROR(
        c.Execute("INSERT INTO assessment_items(school_id, school_year, item_id, status, "
                  "evidence, dated, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, "
                  "$8) ON CONFLICT (school_id, school_year, item_id) DO UPDATE SET status = "
                  "excluded.status, evidence = excluded.evidence, dated = excluded.dated, "
                  "updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                  {actor.school_id, school_year, item_id, status, evidence,
                   domain::FormatDate(*day), clock_.NowMillis(), actor.id})
            .status());
    return Audit(c, actor, "assessment.save", "assessment_item",
                 std::string(school_year) + "/" + std::string(item_id));
  });
}

}  // namespace norm
