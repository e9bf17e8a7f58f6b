// The reporter withdraws their report with the code: the case is
// crypto-shredded at once (internal::ShredCase, kWithdrawal), the reporter's
// sessions end, and the handlers learn only that the report was withdrawn.
#include <algorithm>

#include "meldpunt/internal.h"
#include "meldpunt/service.h"
#include "notify/notifications.h"

namespace meldpunt {

namespace {
using common::Status;
}  // namespace

Status Meldpunt::WithdrawReport(std::string_view token) {
  common::UnixMillis now = clock_.NowMillis();
  std::vector<std::string> files;
  Status s = db_.Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(internal::ReporterCase ctx, internal::LoadReporterSession(c, token, now));
    SP_ASSIGN_OR_RETURN(db::Row r, c.QueryOne("SELECT case_number, assigned_to FROM cases WHERE "
                                              "id = $1",
                                              {ctx.case_id}));
    std::string case_number = r.Text(0);
    // Who hears of it: the assigned handler and the leads, who oversee every case.
    SP_ASSIGN_OR_RETURN(std::vector<std::string> to, internal::ActiveLeads(c, ctx.school_id));
    if (!r.IsNull(1) && !r.Text(1).empty() &&
        std::find(to.begin(), to.end(), r.Text(1)) == to.end()) {
      to.push_back(r.Text(1));
    }
    SP_RETURN_IF_ERROR(
        internal::ShredCase(c, ctx.case_id, internal::ShredScope::kWithdrawal, now, files));
    // Earlier alerts (deadlines, messages) are about content that is gone.
    SP_RETURN_IF_ERROR(notify::RemoveFor(c, ctx.case_id));
    for (const std::string& user : to) {
      SP_RETURN_IF_ERROR(notify::Add(c,
                                     {.school_id = ctx.school_id,
                                      .user_id = user,
                                      .kind = "case_withdrawn",
                                      .subject = case_number,
                                      .link = "/meldpunt/zaken/" + ctx.case_id,
                                      .object_id = ctx.case_id},
                                     now)
                             .status());
    }
    // Day only and no actor, like everything else done with the code.
    return audit_.Append(c, internal::ReporterAudit(ctx.school_id, "case.withdraw", ctx.case_id));
  });
  if (!s.ok()) return s;
  internal::RemoveShreddedFiles(files_dir_, files);
  return Status::Ok();
}

}  // namespace meldpunt
