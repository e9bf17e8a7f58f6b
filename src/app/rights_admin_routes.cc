// The school admin's side of the rights (AVG art. 12, 16, 17, 21):
// /admin/privacy/verzoeken lists the open requests, the nearest deadline
// first with the days left (overdue marked), and one request's page answers
// it. A correction is made by the admin through the existing pages and
// imports, then marked done with a note, or refused with a reason; an
// erasure is carried out (privacy::CarryOutErasure, in the transaction of
// the answer) or refused with a reason (a case under handling, a placement
// running now, a legal duty to keep); an objection is done or refused, with
// a reason either way. Another school's request answers 404 like a missing
// one. Answers are audited with the request's id only.
#include "app/app.h"
#include "app/rights_ui.h"
#include "privacy/erase.h"
#include "privacy/requests.h"

namespace app {

namespace {

using common::Status;
using privacy::RequestKind;
using privacy::RequestState;

web::Response ShowList(Ctx& ctx) {
  std::vector<privacy::Request> open;
  Status s = ctx.app.db().Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(open, privacy::ListOpen(c, ctx.user().school_id));
    return Status::Ok();
  });
  if (!s.ok()) return ctx.ErrorPage(HttpStatusFor(s));
  views::Data list{views::Data::type::list};
  for (const privacy::Request& r : open) {
    int left = rightsui::DaysLeft(ctx, r.due_on);
    views::Data d;
    d.set("id", r.id);
    d.set("kind", rightsui::KindLabel(ctx, r.kind));
    d.set("who", r.display_name.empty() ? ctx.T("rights_who_gone") : r.display_name);
    d.set("login", r.login);
    d.set("created", rightsui::LongDate(ctx, domain::DateFromMillis(r.created_at)));
    d.set("due", rightsui::LongDate(ctx, r.due_on));
    d.set("overdue", left < 0);
    d.set("left", left < 0 ? std::to_string(-left) + " " + ctx.T("rights_days_late")
                           : std::to_string(left) + " " + ctx.T("rights_days_left"));
    list.push_back(d);
  }
  views::Page page = ctx.MakePage(ctx.T("rights_admin_title"));
  views::Data body;
  body.set("empty", open.empty());
  body.set("requests", list);
  body.set("answered", ctx.req.QueryParam("beantwoord").has_value());
  return ctx.Render("rights_admin_list", page, body);
}

struct Typed {
  std::string decision;
  std::string reason;
  std::vector<views::FieldError> errors;
};

web::Response RequestPage(Ctx& ctx, const Typed& typed, int status) {
  privacy::Request r;
  std::string name, login;
  Status s = ctx.app.db().Read([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(r, privacy::Get(c, ctx.user().school_id, ctx.req.PathParam("id")));
    SP_ASSIGN_OR_RETURN(db::Rows u,
                        c.Query("SELECT display_name, login FROM users WHERE id = $1 AND "
                                "school_id = $2",
                                {r.user_id, r.school_id}));
    if (!u.empty()) {
      name = u.rows[0].Text(0);
      login = u.rows[0].Text(1);
    }
    return Status::Ok();
  });
  if (!s.ok()) return ctx.ErrorPage(HttpStatusFor(s));
  views::Page page = ctx.MakePage(ctx.T("rights_admin_request_title"));
  page.errors = typed.errors;
  views::Data body;
  body.set("csrf", ctx.session->csrf_token);
  body.set("id", r.id);
  body.set("kind", rightsui::KindLabel(ctx, r.kind));
  body.set("who", name.empty() ? ctx.T("rights_who_gone") : name);
  body.set("login", login);
  body.set("created", rightsui::LongTime(ctx, r.created_at));
  body.set("due", rightsui::LongDate(ctx, r.due_on));
  int left = rightsui::DaysLeft(ctx, r.due_on);
  body.set("overdue", left < 0);
  views::SetIfPresent(body, "text", r.text);
  body.set("state", rightsui::StateLabel(ctx, r.state));
  body.set("open", r.state == RequestState::kOpen);
  views::SetIfPresent(body, "answer", r.reason);
  body.set("is_erasure", r.kind == RequestKind::kErasure);
  body.set("is_correction", r.kind == RequestKind::kCorrection);
  body.set("done_checked", typed.decision == "done");
  body.set("refused_checked", typed.decision == "refused");
  body.set("reason_value", typed.reason);
  views::SetIfPresent(body, "decision_error", views::ErrorFor(typed.errors, "decision_done"));
  views::SetIfPresent(body, "reason_error", views::ErrorFor(typed.errors, "reason"));
  return ctx.Render("rights_admin_request", page, body, status);
}

web::Response ShowRequest(Ctx& ctx) { return RequestPage(ctx, {}, 200); }

// One answer in one transaction with its audit record; an erasure carried
// out erases in the same transaction.
Status SaveAnswer(Ctx& ctx, RequestState state, const std::string& reason,
                  std::vector<std::string>* outbox_ids) {
  std::string id(ctx.req.PathParam("id"));
  const std::string& school = ctx.user().school_id;
  common::UnixMillis now = ctx.app.clock().NowMillis();
  return ctx.app.db().Write([&](db::Connection& c) -> Status {
    SP_ASSIGN_OR_RETURN(privacy::Request r, privacy::Get(c, school, id));
    if (r.kind == RequestKind::kErasure && state == RequestState::kDone) {
      SP_ASSIGN_OR_RETURN(retention::ErasureCounts n,
                          privacy::CarryOutErasure(c, school, id, reason, ctx.user().id, now));
      *outbox_ids = n.outbox_ids;
    } else {
      SP_RETURN_IF_ERROR(privacy::Answer(c, school, id, state, reason, ctx.user().id, now));
    }
    SP_RETURN_IF_ERROR(notify::RemoveFor(c, id));
    return ctx.app.audit().Append(c, AuditEntry(ctx, "privacy.answer", "privacy_request", id,
                                                std::string(privacy::RequestStateName(state))));
  });
}

web::Response PostAnswer(Ctx& ctx) {
  Typed typed{ctx.form.Get("decision"), ctx.form.Get("reason"), {}};
  auto state = privacy::ParseRequestState(typed.decision);
  if (!state || *state == RequestState::kOpen) {
    typed.errors.push_back({"decision_done", ctx.T("rights_decision_required")});
    // The page itself answers 404 for another school's request.
    return RequestPage(ctx, typed, 400);
  }
  std::vector<std::string> outbox_ids;
  Status s = SaveAnswer(ctx, *state, typed.reason, &outbox_ids);
  if (s.code() == common::StatusCode::kInvalidArgument) {
    typed.errors.push_back({"reason", ctx.T(s.message() == "required" ? "rights_reason_required"
                                                                      : "rights_text_invalid")});
    return RequestPage(ctx, typed, 400);
  }
  if (s.code() == common::StatusCode::kFailedPrecondition) {
    typed.errors.push_back({"decision_done", ctx.T("rights_already_answered")});
    return RequestPage(ctx, typed, 409);
  }
  if (!s.ok()) return ctx.ErrorPage(HttpStatusFor(s));
  // The erased person's mails are gone from the outbox; their .eml copies
  // (written only without SMTP) go once the erasure is committed.
  retention::RemoveOutboxFiles(ctx.app.config().data_dir + "/outbox", outbox_ids);
  return web::Response::Redirect("/admin/privacy/verzoeken?beantwoord=1");
}

}  // namespace

void RegisterRightsAdminRoutes(App& app) {
  const Access admin = Access::Need(domain::Permission::kManageSchoolUsers);
  app.Route(web::Method::kGet, "/admin/privacy/verzoeken", admin, ShowList);
  app.Route(web::Method::kGet, "/admin/privacy/verzoeken/{id}", admin, ShowRequest);
  app.Route(web::Method::kPost, "/admin/privacy/verzoeken/{id}", admin, PostAnswer);
}

}  // namespace app
